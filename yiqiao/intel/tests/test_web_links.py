"""Only http(s) addresses are stored and rendered as links (issue 10, L1)."""

from __future__ import annotations

from typing import Any

import pytest

from yiqiao.intel.models import Article

from .conftest import SIGNING_ARTICLE

pytestmark = pytest.mark.django_db

BAD = [
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "data:text/html,<script>1</script>",
    "ftp://x.cn/a",
]


@pytest.mark.parametrize("url", BAD)
def test_it_refuses_a_non_web_source_url_through_the_api(officer: Any, url: str) -> None:
    response = officer.post(
        "/api/intel/articles/paste",
        {"text": SIGNING_ARTICLE, "source_url": url},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "仅接受以 http:// 或 https:// 开头的网址" in response.json()["detail"]
    assert Article.objects.count() == 0


def test_it_refuses_a_non_web_source_url_on_the_page(officer: Any) -> None:
    response = officer.post(
        "/intel/new/",
        {"paste-text": SIGNING_ARTICLE, "paste-source_url": "javascript:alert(1)"},
    )
    assert response.status_code == 200
    assert Article.objects.count() == 0


def test_it_keeps_a_web_source_url(officer: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(
            "/api/intel/articles/paste",
            {"text": SIGNING_ARTICLE, "source_url": " https://news.example.cn/a/1.html "},
            content_type="application/json",
        )
    assert response.status_code == 201
    assert Article.objects.get().source_url == "https://news.example.cn/a/1.html"


def test_it_never_renders_a_stored_script_address_as_a_link(
    officer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        made = officer.post(
            "/api/intel/articles/paste", {"text": SIGNING_ARTICLE}, content_type="application/json"
        ).json()
    Article.objects.filter(pk=made["article"]["id"]).update(source_url="javascript:alert(1)")
    page = officer.get(f"/intel/{made['article']['id']}/").content.decode()
    assert "javascript:alert(1)" not in page
