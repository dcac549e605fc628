"""The intel API: paste / upload, list, detail with facts, review, leads."""

from __future__ import annotations

from typing import Any

import pytest

from yiqiao.intel.models import Article, ExtractedFact, LeadSuggestion
from yiqiao.projects.models import Project

from .conftest import SIGNING_ARTICLE, TRADITIONAL_ARTICLE

pytestmark = pytest.mark.django_db


def _post(client: Any, url: str, data: dict[str, Any] | None = None) -> Any:
    return client.post(url, data or {}, content_type="application/json")


def test_it_pastes_lists_and_details_an_article(
    officer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        created = _post(
            officer,
            "/api/intel/articles/paste",
            {"text": SIGNING_ARTICLE, "source_name": "示例资讯"},
        )
    again = _post(officer, "/api/intel/articles/paste", {"text": SIGNING_ARTICLE})

    assert created.status_code == 201
    assert (again.status_code, again.json()["created"]) == (200, False)
    article_id = created.json()["article"]["id"]
    listing = officer.get("/api/intel/articles").json()
    assert (listing["count"], listing["results"][0]["status"]) == (1, "extracted")
    detail = officer.get(f"/api/intel/articles/{article_id}").json()
    kinds = sorted({f["kind"] for f in detail["facts"]})
    assert kinds == ["event", "metric", "money", "organisation", "signing"]
    signing = next(f for f in detail["facts"] if f["kind"] == "signing")
    assert signing["payload"]["parties"] == ["合肥高新区", "安徽华晨医疗器械有限公司"]
    text = detail["cleaned_text"]
    assert text[signing["span_start"] : signing["span_end"]] == signing["payload"]["sentence"]


def test_it_uploads_a_big5_file(officer: Any, django_capture_on_commit_callbacks: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(
            "/api/intel/articles/upload",
            {"file": SimpleUploadedFile("hc.txt", TRADITIONAL_ARTICLE.encode("big5"))},
        )

    assert response.status_code == 201
    article = Article.objects.get()
    assert (article.is_traditional, article.file_name) == (True, "hc.txt")
    assert article.facts.filter(label="福建康源生物科技有限公司").count() == 1


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"", "内容为空：请上传有正文的文件或粘贴文章"),
        ("bin.txt", b"\x00\x01" * 300, "无法读取：文件看起来是二进制数据，不是文本或网页"),
    ],
)
def test_it_refuses_a_bad_upload_with_422(
    officer: Any, name: str, data: bytes, message: str
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = officer.post("/api/intel/articles/upload", {"file": SimpleUploadedFile(name, data)})

    assert (response.status_code, response.json()["detail"]) == (422, message)
    assert Article.objects.count() == 0


def test_it_reviews_with_row_version_and_accepts_a_lead_once(officer: Any, ingest: Any) -> None:
    article = ingest(SIGNING_ARTICLE).article
    fact = article.facts.get(kind="signing")
    url = f"/api/intel/facts/{fact.pk}/review"

    ok = _post(officer, url, {"action": "confirm", "row_version": fact.row_version})
    stale = _post(officer, url, {"action": "reject", "row_version": fact.row_version})
    illegal = _post(officer, url, {"action": "confirm"})

    assert (ok.status_code, ok.json()["status"]) == (200, "confirmed")
    assert stale.status_code == 409
    assert (illegal.status_code, illegal.json()["detail"]) == (422, "该事实已是“已确认”状态")
    leads = officer.get("/api/intel/leads").json()
    assert [lead["rule"] for lead in leads] == ["expansion_elsewhere"]
    first = _post(officer, f"/api/intel/leads/{leads[0]['id']}/accept")
    second = _post(officer, f"/api/intel/leads/{leads[0]['id']}/accept")
    assert first.json()["project_id"] == second.json()["project_id"] == Project.objects.get().pk
    assert LeadSuggestion.objects.get().status == "accepted"


def test_it_refuses_api_review_to_a_viewer(ingest: Any, client_for: Any, viewer: Any) -> None:
    fact = ingest(SIGNING_ARTICLE).article.facts.get(kind="signing")

    response = _post(
        client_for(viewer), f"/api/intel/facts/{fact.pk}/review", {"action": "confirm"}
    )

    assert response.status_code == 403
    assert ExtractedFact.objects.get(pk=fact.pk).status == "proposed"


def test_it_describes_the_intel_endpoints_in_the_openapi_schema(officer: Any) -> None:
    schema = officer.get("/api/openapi.json").json()

    paths = sorted(p for p in schema["paths"] if p.startswith("/api/intel/"))
    assert paths == [
        "/api/intel/articles",
        "/api/intel/articles/paste",
        "/api/intel/articles/upload",
        "/api/intel/articles/{article_id}",
        "/api/intel/facts/{fact_id}/register",
        "/api/intel/facts/{fact_id}/review",
        "/api/intel/leads",
        "/api/intel/leads/{lead_id}/accept",
        "/api/intel/leads/{lead_id}/dismiss",
    ]
