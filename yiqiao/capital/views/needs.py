"""Financing needs: the list (and the .xlsx a district publishes), the form, the need's page
with consent and publishing, opt-in, meetings, term sheets and closes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from yiqiao.core.scope import user_scope
from yiqiao.core.tabular import write_xlsx
from yiqiao.registry.models import Organisation
from yiqiao.vocab.fields import choices, labels

from .. import queries
from ..forms import WAN, CloseForm, MeetingForm, NeedForm, PublishForm, ReasonForm, TermSheetForm
from ..models import FinancingNeed, InvestorMatch
from ..services import deals, introductions, needs
from ..services.deals import CloseInput, ShareInput, TermSheetInput
from .common import acting_user, errors_text, is_editor, submit

PAGE_SIZE = 50


def _filters(request: HttpRequest) -> queries.NeedFilters:
    g = request.GET
    return queries.NeedFilters(
        status=g.get("status", ""),
        round=g.get("round", ""),
        sector=g.get("sector", ""),
        q=g.get("q", ""),
    )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if user_scope(request.user).is_investor:
        return redirect("capital:invitations")
    return redirect("capital:need-list")


@login_required
def need_list(request: HttpRequest) -> HttpResponse:
    """融资需求清单: the needs in scope, filterable; exportable as the list a district publishes."""
    filters = _filters(request)
    qs = queries.need_list(user=request.user, filters=filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = {k: v for k, v in vars(filters).items() if v}
    return render(
        request,
        "capital/need_list.html",
        {
            "page": page,
            "filters": filters,
            "query": query,
            "statuses": FinancingNeed.Status.choices,
            "rounds": choices("STAGE"),
            "sectors": choices("SECTOR"),
            "can_create": is_editor(request.user)
            or getattr(request.user, "role", "") == "enterprise",
        },
    )


EXPORT_HEADERS = [
    "序号",
    "企业名称",
    "项目名称",
    "融资轮次",
    "本轮融资额（万元）",
    "币种",
    "领域",
    "资金形式",
    "投资方角色",
    "投前估值（万元）",
    "资金用途",
    "项目简介",
    "发布日期",
    "状态",
]


@login_required
def need_export(request: HttpRequest) -> HttpResponse:
    """The financing-needs list as .xlsx (masked fields stay masked for whoever exports)."""
    qs = queries.need_list(user=request.user, filters=_filters(request))

    def rows() -> Any:
        for number, need in enumerate(qs.iterator(chunk_size=500), start=1):
            hidden = queries.hidden_fields(need, request.user)
            valuation = "保密" if "valuation" in hidden else _wan_range(need)
            yield [
                number,
                need.organisation.name,
                need.title,
                need.get_round_display(),
                "保密" if "amount" in hidden else need.amount / WAN,
                need.currency,
                labels("SECTOR", need.sectors),
                labels("INSTRUMENT", need.instruments),
                need.get_role_wanted_display(),
                valuation,
                "保密" if "use_of_funds" in hidden else need.use_of_funds,
                need.summary,
                need.published_on.isoformat() if need.published_on else "",
                need.get_status_display(),
            ]

    content = write_xlsx(EXPORT_HEADERS, rows(), title="融资需求清单")
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = "attachment; filename*=UTF-8''financing-needs.xlsx"
    return response


def _wan_range(need: FinancingNeed) -> str:
    if need.valuation_min is None and need.valuation_max is None:
        return ""
    low = f"{need.valuation_min / WAN:.0f}" if need.valuation_min is not None else ""
    high = f"{need.valuation_max / WAN:.0f}" if need.valuation_max is not None else ""
    return f"{low}–{high}"


def _organisations(request: HttpRequest) -> QuerySet[Organisation]:
    return (
        Organisation.objects.restrict(request.user, "view")
        .filter(kind=Organisation.Kind.ENTERPRISE, is_active=True)
        .order_by("name")
    )


@login_required
def need_create(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not (is_editor(user) or user.role == "enterprise"):
        raise PermissionDenied("当前角色不能登记融资需求")
    orgs = _organisations(request)
    initial = {"organisation": user.organisation_id} if user.role == "enterprise" else {}
    form = NeedForm(request.POST or None, organisations=orgs, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            need = needs.financing_need_create(data=form.need_input(), by=user)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, errors_text(exc) if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, f"已登记融资需求“{need.title}”（草稿，企业同意后方可发布）")
            return redirect("capital:need-detail", pk=need.pk)
    return render(request, "capital/need_form.html", {"form": form, "need": None})


@login_required
def need_edit(request: HttpRequest, pk: int) -> HttpResponse:
    need = queries.access_need(request.user, pk, "change")
    form = NeedForm(
        request.POST or None,
        organisations=_organisations(request),
        initial=NeedForm.initial_for(need),
    )
    if request.method == "POST" and form.is_valid():
        try:
            needs.financing_need_update(
                need=need,
                data=form.need_input(),
                by=acting_user(request),
                row_version=form.cleaned_data.get("row_version"),
            )
        except ValidationError as exc:
            form.add_error(None, errors_text(exc))
        else:
            messages.success(request, "已保存")
            return redirect("capital:need-detail", pk=need.pk)
    return render(request, "capital/need_form.html", {"form": form, "need": need})


@login_required
def need_detail(request: HttpRequest, pk: int) -> HttpResponse:
    need = queries.access_need(request.user, pk)
    user = acting_user(request)
    scope = user_scope(user)
    introductions.need_view_record(need=need, by=user)
    hidden = queries.hidden_fields(need, user)
    owner = scope.organisation_id == need.organisation_id and not scope.is_investor
    editor = is_editor(user)
    activity = queries.need_activity(need, user)
    intro_by_investor = {i.investor_id: i for i in activity["introductions"]}
    shortlist = []
    if editor or owner or scope.everything:
        for match in (
            InvestorMatch.objects.filter(need=need).select_related("investor").order_by("rank")
        ):
            shortlist.append((match, intro_by_investor.get(match.investor_id)))
    engaged = queries.engaged_investors(need) if (editor or owner) else []
    mine = intro_by_investor.get(scope.organisation_id or 0) if scope.is_investor else None
    context = {
        "need": need,
        "shown": queries.need_shown(need, hidden),
        "hidden": hidden,
        "is_owner": owner,
        "is_editor": editor,
        "is_investor": scope.is_investor,
        "my_intro": mine,
        "shortlist": shortlist,
        "introductions": activity["introductions"],
        "views": activity["views"],
        "pitches": activity["pitches"],
        "meetings": activity["meetings"],
        "term_sheets": activity["term_sheets"],
        "closes": activity["closes"],
        "engaged": engaged,
        "publish_form": PublishForm() if (owner or editor) and need.status == "draft" else None,
        "withdraw_form": ReasonForm() if (owner or editor) and need.status == "published" else None,
        "meeting_form": MeetingForm(investors=engaged)
        if engaged and need.status == "published"
        else None,
        "term_sheet_form": TermSheetForm(investors=engaged)
        if engaged and need.status == "published"
        else None,
        "close_form": CloseForm(investors=engaged)
        if engaged and need.status == "published"
        else None,
        "remaining": need.amount - need.closed_amount,
    }
    return render(request, "capital/need_detail.html", context)


@login_required
@require_POST
def need_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Consent (when the box is ticked) and publish, in that order; publishing refuses without
    consent, so an unticked box leaves the need a draft with the reason shown."""
    need = queries.access_need(request.user, pk)
    user = acting_user(request)
    form = PublishForm(request.POST)
    back = reverse("capital:need-detail", args=[need.pk])

    def write(data: dict[str, Any]) -> None:
        current = need
        if data["agree"] and current.consent_at is None:
            current = needs.financing_need_consent(need=current, by=user, note=data["note"])
        needs.financing_need_publish(need=current, by=user)

    return submit(request, form, write, done="已发布，投资机构可在项目机会中看到", back=back)


@login_required
@require_POST
def need_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    need = queries.access_need(request.user, pk)
    user = acting_user(request)
    return submit(
        request,
        ReasonForm(request.POST),
        lambda d: needs.financing_need_withdraw(need=need, by=user, reason=d["reason"]),
        done="已撤回",
        back=reverse("capital:need-detail", args=[need.pk]),
    )


def _investor(request: HttpRequest, need: Any, investor_pk: int) -> Organisation:
    """An investor named in a URL: one the user may name for this need (the register in scope,
    the need's shortlist, the introduced and invited), never an arbitrary record."""
    org = queries.nameable_investors(request.user, need).filter(pk=investor_pk).first()
    if org is None:
        raise ValidationError("投资方不存在")
    return org


@login_required
@require_POST
def need_opt_in(request: HttpRequest, pk: int, investor_pk: int) -> HttpResponse:
    need = queries.access_need(request.user, pk)
    user = acting_user(request)
    back = reverse("capital:need-detail", args=[need.pk])
    try:
        investor = _investor(request, need, investor_pk)
        intro = introductions.introduction_opt_in(
            need=need,
            investor=investor,
            by=user,
            side=request.POST.get("side") or None,
            note=request.POST.get("note", ""),
        )
    except (ValidationError, PermissionDenied) as exc:
        text = errors_text(exc) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, f"未保存：{text}")
    else:
        done = (
            "双方均已同意，已完成引荐，可查看对方联系方式"
            if intro.is_introduced
            else "已表达对接意愿，待对方同意"
        )
        messages.success(request, done)
    return redirect(back)


@login_required
@require_POST
def need_decline(request: HttpRequest, pk: int, investor_pk: int) -> HttpResponse:
    need = queries.access_need(request.user, pk)
    user = acting_user(request)

    def write(d: dict[str, Any]) -> None:
        introductions.introduction_decline(
            need=need,
            investor=_investor(request, need, investor_pk),
            by=user,
            reason=d["reason"],
            side=request.POST.get("side") or None,
        )

    return submit(
        request,
        ReasonForm(request.POST),
        write,
        done="已谢绝",
        back=reverse("capital:need-detail", args=[need.pk]),
    )


@login_required
@require_POST
def meeting_add(request: HttpRequest, pk: int) -> HttpResponse:
    need = queries.access_need(request.user, pk)
    user = acting_user(request)
    form = MeetingForm(request.POST, investors=queries.engaged_investors(need))

    def write(d: dict[str, Any]) -> None:
        deals.meeting_record(
            need=need,
            investor=d["investor"],
            kind=d["kind"],
            held_on=d["held_on"],
            note=d["note"],
            by=user,
        )

    return submit(
        request, form, write, done="已登记约见", back=reverse("capital:need-detail", args=[need.pk])
    )


@login_required
@require_POST
def term_sheet_add(request: HttpRequest, pk: int) -> HttpResponse:
    need = queries.access_need(request.user, pk)
    user = acting_user(request)
    form = TermSheetForm(request.POST, investors=queries.engaged_investors(need))

    def write(d: dict[str, Any]) -> None:
        pre = d["pre_money_wan"] * WAN if d["pre_money_wan"] is not None else None
        deals.term_sheet_record(
            need=need,
            investor=d["investor"],
            data=TermSheetInput(
                d["signed_on"], d["amount_wan"] * WAN, need.currency, d["is_lead"], pre
            ),
            by=user,
        )

    return submit(
        request,
        form,
        write,
        done="已登记投资条款书",
        back=reverse("capital:need-detail", args=[need.pk]),
    )


@login_required
@require_POST
def close_add(request: HttpRequest, pk: int) -> HttpResponse:
    need = queries.access_need(request.user, pk)
    user = acting_user(request)
    form = CloseForm(request.POST, request.FILES, investors=queries.engaged_investors(need))

    def write(d: dict[str, Any]) -> None:
        shares = [ShareInput(d["lead"], d["lead_amount_wan"] * WAN, True)]
        for n in ("co_1", "co_2"):
            if d[n] is not None:
                if d[f"{n}_wan"] is None:
                    raise ValidationError("请填写跟投金额")
                shares.append(ShareInput(d[n], d[f"{n}_wan"] * WAN, False))
        total = sum((s.amount for s in shares), Decimal("0"))
        deals.close_record(
            need=need,
            data=CloseInput(
                closed_on=d["closed_on"],
                amount=total,
                shares=shares,
                evidence_kind=d["evidence_kind"],
                evidence_ref=d["evidence_ref"],
                evidence_file=d["evidence_file"],
            ),
            by=user,
        )

    return submit(
        request, form, write, done="已登记交割", back=reverse("capital:need-detail", args=[need.pk])
    )
