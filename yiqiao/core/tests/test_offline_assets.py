"""Offline at run time: no page loads scripts or styles from another host."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.staticfiles import finders

EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", re.IGNORECASE)


@pytest.mark.django_db
def test_it_serves_the_api_docs_without_a_cdn(client: Any, django_user_model: Any) -> None:
    user = django_user_model.objects.create_user("docs-reader", password="x-9-long-enough")
    client.force_login(user)
    response = client.get("/api/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert EXTERNAL.findall(page) == []
    scripts = re.findall(r"""<script[^>]+src=["']([^"']+)["']""", page)
    assert scripts, "the docs page names its scripts"
    for src in scripts:
        path = src.split("/static/", 1)[1]
        assert finders.find(path) is not None, f"{src} is not shipped with the application"
