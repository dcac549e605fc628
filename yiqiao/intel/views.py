"""Pages of news intelligence: parse the request, call one query or service, render."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from yiqiao.accounts.http import SignedInRequest

from . import queries, services
from .forms import PasteForm, ReviewForm, UploadForm
from .highlight import Span, highlight
from .models import Article, ExtractedFact
from .services import leads, review

FACT_CSS = {
    ExtractedFact.Kind.ORGANISATION: "hl-org",
    ExtractedFact.Kind.MONEY: "hl-money",
    ExtractedFact.Kind.SIGNING: "hl-signing",
    ExtractedFact.Kind.EVENT: "hl-event",
    ExtractedFact.Kind.METRIC: "hl-metric",
}
REVIEW_DONE = {"confirm": "已确认", "correct": "已更正", "reject": "已驳回"}


def _require_editor(user: Any) -> None:
    if not getattr(user, "can_edit_register", False):
        raise PermissionDenied("当前角色无权上传或审核资讯")


@login_required
def article_list(request: HttpRequest) -> HttpResponse:
    filters = queries.ArticleFilters.from_mapping(request.GET)
    qs = queries.article_list(user=request.user, filters=filters)
    page = Paginator(qs, settings.PAGE_SIZE_DEFAULT).get_page(request.GET.get("page"))
    return render(
        request,
        "intel/article_list.html",
        {
            "page": page,
            "articles": list(page.object_list),
            "filters": filters,
            "query": filters.as_query(),
            "statuses": [
                (s.value, s.label) for s in Article.Status if s != Article.Status.DUPLICATE
            ],
        },
    )


def _ingest(request: SignedInRequest, content: bytes | str, **fields: str) -> HttpResponse | None:
    try:
        result = services.article_ingest(content=content, by=request.user, **fields)
    except services.IngestRefused as exc:
        messages.error(request, "；".join(exc.messages))
        return None
    target = result.duplicate_of or result.article
    level = messages.SUCCESS if result.created and not result.duplicate_of else messages.INFO
    messages.add_message(request, level, result.message)
    return redirect("intel:article-detail", target.pk)


@login_required
def article_new(request: SignedInRequest) -> HttpResponse:
    _require_editor(request.user)
    upload = UploadForm(prefix="up")
    paste = PasteForm(prefix="paste")
    if request.method == "POST" and request.POST.get("mode") == "upload":
        upload = UploadForm(request.POST, request.FILES, prefix="up")
        if upload.is_valid():
            file = upload.cleaned_data["file"]
            limit = services.max_bytes()
            if file.size > limit:
                messages.error(
                    request,
                    f"文件过大：{file.size / 1024 / 1024:.1f} MB，"
                    f"单篇资讯不能超过 {limit / 1024 / 1024:.0f} MB",
                )
            else:
                done = _ingest(
                    request,
                    file.read(),
                    file_name=file.name or "",
                    source_name=upload.cleaned_data["source_name"],
                    source_url=upload.cleaned_data["source_url"],
                )
                if done is not None:
                    return done
    elif request.method == "POST":
        paste = PasteForm(request.POST, prefix="paste")
        if paste.is_valid():
            done = _ingest(
                request,
                paste.cleaned_data["text"],
                title=paste.cleaned_data["title"],
                source_name=paste.cleaned_data["source_name"],
                source_url=paste.cleaned_data["source_url"],
            )
            if done is not None:
                return done
    return render(
        request,
        "intel/article_new.html",
        {"upload": upload, "paste": paste, "max_mb": services.max_bytes() // (1024 * 1024)},
    )


@login_required
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = queries.access_article(request.user, pk)
    if article.duplicate_of_id is not None:
        messages.info(request, "这是一篇重复稿，已显示其合并后的记录")
        return redirect("intel:article-detail", article.duplicate_of_id)
    related = queries.article_detail(article)
    facts: list[ExtractedFact] = related["facts"]
    spans = [
        Span(
            f.span_start,
            f.span_end,
            FACT_CSS[ExtractedFact.Kind(f.kind)] + f" st-{f.status}",
            f.pk,
            f.get_kind_display(),
        )
        for f in facts
        if f.span_start >= 0 and f.status != ExtractedFact.Status.REJECTED
    ]
    may_change = queries.article_may_change(request.user, article)
    groups = [(kind.label, [f for f in facts if f.kind == kind]) for kind in ExtractedFact.Kind]
    # each event shows the signing records made at it (the engine links them by event id)
    signing_facts = [f for f in facts if f.kind == ExtractedFact.Kind.SIGNING]
    for f in facts:
        if f.kind == ExtractedFact.Kind.EVENT:
            event_id = (f.payload or {}).get("id")
            f.records = [  # type: ignore[attr-defined]
                s for s in signing_facts if event_id and (s.payload or {}).get("event") == event_id
            ]
    return render(
        request,
        "intel/article_detail.html",
        {
            "article": article,
            "marked_text": highlight(article.cleaned_text, spans),
            "groups": [(label, items) for label, items in groups if items],
            "fact_count": len(facts),
            "duplicates": related["duplicates"],
            "leads": related["leads"],
            "may_change": may_change,
            "can_accept": getattr(request.user, "can_edit_register", False),
        },
    )


def _back_to(fact: ExtractedFact) -> HttpResponse:
    url = reverse("intel:article-detail", args=[fact.article_id]) + f"#fact-{fact.pk}"
    return redirect(url)


@login_required
@require_POST
def fact_review(request: SignedInRequest, pk: int) -> HttpResponse:
    fact = queries.access_fact(request.user, pk, for_edit=True)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "审核操作无效")
        return _back_to(fact)
    try:
        review.fact_review(
            fact=fact,
            action=form.cleaned_data["action"],
            by=request.user,
            data=form.correction(),
            row_version=form.cleaned_data.get("row_version"),
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        done = REVIEW_DONE[form.cleaned_data["action"]]
        messages.success(request, f"{done}：{fact.label}")
    return _back_to(fact)


@login_required
@require_POST
def fact_register(request: SignedInRequest, pk: int) -> HttpResponse:
    fact = queries.access_fact(request.user, pk, for_edit=True)
    try:
        org = review.fact_add_to_register(fact=fact, by=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已新增至机构名录：{org.name}")
    return _back_to(fact)


@login_required
def lead_list(request: HttpRequest) -> HttpResponse:
    filters = queries.LeadFilters.from_mapping(request.GET)
    qs = queries.lead_list(user=request.user, filters=filters)
    page = Paginator(qs, settings.PAGE_SIZE_DEFAULT).get_page(request.GET.get("page"))
    return render(
        request,
        "intel/lead_list.html",
        {
            "page": page,
            "leads": list(page.object_list),
            "filters": filters,
            "query": {"status": filters.status},
            "statuses": [
                ("open", "待处理"),
                ("accepted", "已转为线索"),
                ("dismissed", "已忽略"),
                ("all", "全部"),
            ],
            "can_accept": getattr(request.user, "can_edit_register", False),
        },
    )


def _lead_back(request: HttpRequest, lead: Any) -> HttpResponse:
    if request.POST.get("next") == "article":
        return redirect(reverse("intel:article-detail", args=[lead.article_id]) + "#leads")
    return redirect("intel:lead-list")


@login_required
@require_POST
def lead_accept(request: SignedInRequest, pk: int) -> HttpResponse:
    lead = queries.access_lead(request.user, pk, for_edit=True)
    try:
        project = leads.lead_accept(lead=lead, by=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已转为招商线索：{project.title}")
    return _lead_back(request, lead)


@login_required
@require_POST
def lead_dismiss(request: SignedInRequest, pk: int) -> HttpResponse:
    lead = queries.access_lead(request.user, pk, for_edit=True)
    try:
        leads.lead_dismiss(lead=lead, by=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已忽略：{lead.title}")
    return _lead_back(request, lead)
