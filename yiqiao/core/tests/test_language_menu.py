"""The language menu names each language in its own language, in either interface."""

from __future__ import annotations

import re
from typing import Any

import pytest


@pytest.mark.django_db
@pytest.mark.parametrize("cookie", ["zh-hans", "en"])
def test_it_names_each_language_in_its_own_language(client: Any, cookie: str) -> None:
    client.cookies["django_language"] = cookie
    page = client.get("/accounts/login/").content.decode()
    options = re.findall(r'<option value="([\w-]+)" lang="[\w-]+"[^>]*>([^<]+)</option>', page)
    assert options == [("zh-hans", "简体中文"), ("en", "English")]
    assert "英语" not in page
