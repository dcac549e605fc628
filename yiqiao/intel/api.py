"""News-intelligence API: the same queries and services as the pages, as JSON."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from yiqiao.accounts.http import SignedInRequest
from yiqiao.core.apischema import MAX_PAGE

from . import queries, services
from .models import Article, ExtractedFact, LeadSuggestion
from .services import leads, review

router = Router(tags=["intel 产业情报"])


class ArticleOut(Schema):
    id: int
    title: str
    source_name: str
    source_url: str
    file_name: str
    published_on: dt.date | None
    status: str
    error: str
    is_traditional: bool
    duplicate_of_id: int | None


class ArticleRow(ArticleOut):
    fact_count: int
    open_facts: int
    duplicate_count: int


class ArticlePage(Schema):
    count: int
    page: int
    results: list[ArticleRow]


class FactOut(Schema):
    id: int
    kind: str
    label: str
    payload: dict[str, Any]
    span_start: int
    span_end: int
    status: str
    organisation_id: int | None
    link_method: str
    link_confidence: float
    link_reason: str
    suggestions: list[dict[str, Any]]
    row_version: int


class LeadOut(Schema):
    id: int
    article_id: int
    rule: str
    title: str
    reason: str
    evidence: str
    priority: int
    organisation_id: int | None
    suggested_name: str
    status: str
    project_id: int | None


class ArticleDetailOut(ArticleOut):
    cleaned_text: str
    also_published_by: list[str]
    facts: list[FactOut]
    leads: list[LeadOut]


class IngestOut(Schema):
    created: bool
    message: str
    article: ArticleOut
    duplicate_of_id: int | None


class PasteIn(Schema):
    text: str
    title: str = ""
    source_name: str = ""
    source_url: str = ""


class ReviewIn(Schema):
    action: str = Field(..., description="confirm | correct | reject")
    row_version: int | None = None
    name: str | None = None
    parties: str | None = None
    amount_yuan: float | None = None


class LeadAcceptOut(Schema):
    lead: LeadOut
    project_id: int


def _guard(call: Any) -> Any:
    try:
        return call()
    except Http404 as exc:
        raise HttpError(404, str(exc) or "不存在或无权查看") from exc
    except PermissionDenied as exc:
        raise HttpError(403, str(exc) or "无权操作") from exc
    except review.StaleEditError as exc:
        raise HttpError(409, "；".join(exc.messages)) from exc
    except ValidationError as exc:
        raise HttpError(422, "；".join(exc.messages)) from exc


def _editor(request: HttpRequest) -> None:
    if not getattr(request.user, "can_edit_register", False):
        raise HttpError(403, "当前角色无权上传或审核资讯")


@router.get("/articles", response=ArticlePage, summary="资讯列表")
def list_articles(
    request: HttpRequest, q: str = "", status: str = "", page: int = Query(1, ge=1, le=MAX_PAGE)
) -> Any:
    filters = queries.ArticleFilters.from_mapping({"q": q, "status": status})
    qs = queries.article_list(user=request.user, filters=filters)
    pager = Paginator(qs, 50)
    current = pager.get_page(page)
    return {"count": pager.count, "page": current.number, "results": list(current.object_list)}


def _ingest_out(result: services.IngestResult) -> dict[str, Any]:
    return {
        "created": result.created,
        "message": result.message,
        "article": result.article,
        "duplicate_of_id": result.duplicate_of.pk if result.duplicate_of else None,
    }


@router.post("/articles/paste", response={201: IngestOut, 200: IngestOut}, summary="粘贴资讯")
def paste_article(request: SignedInRequest, payload: PasteIn) -> Any:
    _editor(request)
    result = _guard(
        lambda: services.article_ingest(
            content=payload.text,
            by=request.user,
            title=payload.title,
            source_name=payload.source_name,
            source_url=payload.source_url,
        )
    )
    return Status(201 if result.created else 200, _ingest_out(result))


@router.post("/articles/upload", response={201: IngestOut, 200: IngestOut}, summary="上传资讯文件")
def upload_article(
    request: SignedInRequest,
    file: UploadedFile = File(...),  # noqa: B008
    source_name: str = Form(""),  # noqa: B008
    source_url: str = Form(""),  # noqa: B008
) -> Any:
    _editor(request)
    if file.size is not None and file.size > services.max_bytes():
        raise HttpError(
            422, f"文件过大：单篇资讯不能超过 {services.max_bytes() // 1024 // 1024} MB"
        )
    content = file.read()
    result = _guard(
        lambda: services.article_ingest(
            content=content,
            by=request.user,
            file_name=file.name or "",
            source_name=source_name,
            source_url=source_url,
        )
    )
    return Status(201 if result.created else 200, _ingest_out(result))


def _detail(article: Article) -> dict[str, Any]:
    related = queries.article_detail(article)
    data = ArticleOut.from_orm(article).dict()
    data.update(
        cleaned_text=article.cleaned_text,
        also_published_by=[d.display_source for d in related["duplicates"]],
        facts=related["facts"],
        leads=related["leads"],
    )
    return data


@router.get("/articles/{article_id}", response=ArticleDetailOut, summary="资讯详情及事实")
def get_article(request: HttpRequest, article_id: int) -> Any:
    return _detail(_guard(lambda: queries.access_article(request.user, article_id)))


@router.post("/facts/{fact_id}/review", response=FactOut, summary="审核事实（确认/更正/驳回）")
def review_fact(request: SignedInRequest, fact_id: int, payload: ReviewIn) -> ExtractedFact:
    fact = _guard(lambda: queries.access_fact(request.user, fact_id, for_edit=True))
    data = {k: v for k, v in payload.dict().items() if k in {"name", "parties", "amount_yuan"}}
    return _guard(
        lambda: review.fact_review(
            fact=fact,
            action=payload.action,
            by=request.user,
            data={k: v for k, v in data.items() if v is not None},
            row_version=payload.row_version,
        )
    )


@router.post("/facts/{fact_id}/register", response={201: FactOut}, summary="将未知机构新增至名录")
def register_fact(request: SignedInRequest, fact_id: int) -> Any:
    fact = _guard(lambda: queries.access_fact(request.user, fact_id, for_edit=True))
    _guard(lambda: review.fact_add_to_register(fact=fact, by=request.user))
    return Status(201, ExtractedFact.objects.get(pk=fact.pk))


@router.get("/leads", response=list[LeadOut], summary="线索建议")
def list_leads(request: HttpRequest, status: str = "open") -> Any:
    filters = queries.LeadFilters.from_mapping({"status": status})
    return list(queries.lead_list(user=request.user, filters=filters)[:200])


@router.post("/leads/{lead_id}/accept", response=LeadAcceptOut, summary="转为招商线索")
def accept_lead(request: SignedInRequest, lead_id: int) -> Any:
    lead = _guard(lambda: queries.access_lead(request.user, lead_id, for_edit=True))
    project = _guard(lambda: leads.lead_accept(lead=lead, by=request.user))
    return {"lead": LeadSuggestion.objects.get(pk=lead.pk), "project_id": project.pk}


@router.post("/leads/{lead_id}/dismiss", response=LeadOut, summary="忽略线索建议")
def dismiss_lead(request: SignedInRequest, lead_id: int) -> Any:
    lead = _guard(lambda: queries.access_lead(request.user, lead_id, for_edit=True))
    return _guard(lambda: leads.lead_dismiss(lead=lead, by=request.user))
