"""Capital API: the same queries and services as the pages, as JSON.

404 for anything outside the user's scope (or a missing id), 403 for a role that may not
write, 422 with the services' Chinese messages for refused input. Confidential fields of a need
come back null for a user who may not read them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from yiqiao.core.access import resolve_reference
from yiqiao.registry.models import Organisation

from . import queries
from .engine import landing
from .engine.funnel import STEPS
from .models import FinancingNeed, Pitch
from .models.common import MAX_AMOUNT
from .services import deals, introductions, needs, roadshows
from .services.deals import CloseInput, ShareInput
from .services.roadshows import FeedbackInput
from .views.common import acting_user

router = Router(tags=["capital 投融资"])
T = TypeVar("T")


def _call(write: Callable[[], T]) -> T:
    try:
        return write()
    except PermissionDenied as exc:
        raise HttpError(403, str(exc) or "当前角色无权执行此操作") from exc
    except ValidationError as exc:
        raise HttpError(422, "；".join(exc.messages)) from exc


class NeedOut(Schema):
    id: int
    organisation_id: int
    organisation: str
    title: str
    round: str
    amount: Decimal | None
    currency: str
    sectors: list[str] | None
    instruments: list[str] | None
    role_wanted: str
    valuation_min: Decimal | None
    valuation_max: Decimal | None
    use_of_funds: str | None
    summary: str
    status: str
    published_on: dt.date | None
    closed_amount: Decimal
    confidential_fields: list[str]


def _need_out(need: FinancingNeed, request: HttpRequest) -> dict[str, Any]:
    hidden = queries.hidden_fields(need, request.user)
    return {
        "id": need.pk,
        "organisation_id": need.organisation_id,
        "organisation": need.organisation.name,
        "title": need.title,
        "round": need.round,
        "amount": None if "amount" in hidden else need.amount,
        "currency": need.currency,
        "sectors": need.sectors,
        "instruments": need.instruments,
        "role_wanted": need.role_wanted,
        "valuation_min": None if "valuation" in hidden else need.valuation_min,
        "valuation_max": None if "valuation" in hidden else need.valuation_max,
        "use_of_funds": None if "use_of_funds" in hidden else need.use_of_funds,
        "summary": need.summary,
        "status": need.status,
        "published_on": need.published_on,
        "closed_amount": need.closed_amount,
        "confidential_fields": list(need.confidential_fields or []),
    }


class NeedIn(Schema):
    organisation_id: int = Field(..., ge=1)
    title: str = Field(..., min_length=1, max_length=160)
    round: str = Field(..., max_length=12)
    amount: Decimal = Field(..., gt=0, le=MAX_AMOUNT, max_digits=18, decimal_places=2)
    currency: str = Field("CNY", max_length=3)
    summary: str = Field("", max_length=4000)
    use_of_funds: str = Field("", max_length=2000)
    sectors: list[str] | None = Field(None, max_length=30)
    instruments: list[str] = Field(default_factory=lambda: ["equity"], max_length=10)
    role_wanted: str = Field("any", max_length=6)
    investor_regions: list[str] | None = Field(None, max_length=20)
    valuation_min: Decimal | None = Field(
        None, gt=0, le=MAX_AMOUNT, max_digits=18, decimal_places=2
    )
    valuation_max: Decimal | None = Field(
        None, gt=0, le=MAX_AMOUNT, max_digits=18, decimal_places=2
    )
    confidential_fields: list[str] = Field(default_factory=lambda: ["valuation"], max_length=3)


class NeedQuery(Schema):
    status: str = Field("", max_length=10)
    round: str = Field("", max_length=12)
    sector: str = Field("", max_length=30)
    q: str = Field("", max_length=60)
    page: int = Field(1, ge=1, le=10_000)


@router.get("/needs", response=list[NeedOut], summary="融资需求清单（按权限范围）")
def list_needs(request: HttpRequest, params: Query[NeedQuery]) -> Any:
    filters = queries.NeedFilters(
        status=params.status, round=params.round, sector=params.sector, q=params.q
    )
    page = params.page
    rows = queries.need_list(user=request.user, filters=filters)[(page - 1) * 50 : page * 50]
    return [_need_out(n, request) for n in rows]


@router.post("/needs", response={201: NeedOut}, summary="登记融资需求（草稿）")
def create_need(request: HttpRequest, payload: NeedIn) -> Any:
    user = acting_user(request)
    org = _call(
        lambda: resolve_reference(Organisation, user, payload.organisation_id, label="融资企业")
    )
    data = needs.NeedInput(
        organisation=org,
        title=payload.title,
        round=payload.round,
        amount=payload.amount,
        currency=payload.currency,
        summary=payload.summary,
        use_of_funds=payload.use_of_funds,
        sectors=payload.sectors,
        instruments=payload.instruments,
        role_wanted=payload.role_wanted,
        investor_regions=payload.investor_regions,
        valuation_min=payload.valuation_min,
        valuation_max=payload.valuation_max,
        confidential_fields=payload.confidential_fields,
    )
    need = _call(lambda: needs.financing_need_create(data=data, by=user))
    return Status(201, _need_out(need, request))


@router.get("/needs/{need_id}", response=NeedOut, summary="融资需求（保密字段按角色隐藏）")
def get_need(request: HttpRequest, need_id: int) -> Any:
    return _need_out(queries.access_need(request.user, need_id), request)


class PublishIn(Schema):
    consent: bool = False
    note: str = Field("", max_length=200)


@router.post("/needs/{need_id}/publish", response=NeedOut, summary="企业同意并发布")
def publish_need(request: HttpRequest, need_id: int, payload: PublishIn) -> Any:
    user = acting_user(request)
    need = queries.access_need(user, need_id)

    def write() -> FinancingNeed:
        current = need
        if payload.consent and current.consent_at is None:
            current = needs.financing_need_consent(need=current, by=user, note=payload.note)
        return needs.financing_need_publish(need=current, by=user)

    return _need_out(_call(write), request)


class OptInIn(Schema):
    investor_id: int = Field(..., ge=1)
    side: str | None = Field(None, max_length=10)
    note: str = Field("", max_length=200)


class IntroductionOut(Schema):
    need_id: int
    investor_id: int
    enterprise_opted_in: bool
    investor_opted_in: bool
    introduced: bool


@router.post("/needs/{need_id}/opt-in", response=IntroductionOut, summary="表达对接意愿")
def opt_in(request: HttpRequest, need_id: int, payload: OptInIn) -> Any:
    user = acting_user(request)
    need = queries.access_need(user, need_id)
    [investor] = _call(lambda: named_investors(user, need, [payload.investor_id]))
    intro = _call(
        lambda: introductions.introduction_opt_in(
            need=need, investor=investor, by=user, side=payload.side, note=payload.note
        )
    )
    return {
        "need_id": need.pk,
        "investor_id": investor.pk,
        "enterprise_opted_in": intro.enterprise_opt_in_at is not None,
        "investor_opted_in": intro.investor_opt_in_at is not None,
        "introduced": intro.introduced_at is not None,
    }


class FeedbackIn(Schema):
    investor_id: int | None = Field(None, ge=1)
    interest: str = Field(..., max_length=8)
    next_step: str = Field(..., max_length=14)
    given_on: dt.date = Field(..., ge=dt.date(2000, 1, 1), le=dt.date(2100, 1, 1))
    pass_reasons: list[str] = Field(default_factory=list, max_length=10)
    note: str = Field("", max_length=500)


class FeedbackOut(Schema):
    pitch_id: int
    investor_id: int
    interest: str
    next_step: str
    given_on: dt.date
    is_late: bool


@router.post("/pitches/{pitch_id}/feedback", response=FeedbackOut, summary="受邀投资方反馈")
def give_feedback(request: HttpRequest, pitch_id: int, payload: FeedbackIn) -> Any:
    from yiqiao.core.access import access_object
    from yiqiao.core.scope import user_scope

    user = acting_user(request)
    pitch = access_object(Pitch.objects.select_related("need"), user, pitch_id)
    scope = user_scope(user)
    investor_id = scope.organisation_id if scope.is_investor else payload.investor_id
    invitation = pitch.invitations.filter(investor_id=investor_id or 0).select_related("investor")
    found = invitation.first()
    if found is None:
        raise HttpError(422, "该投资方未受邀参加该项目的路演，不能提交反馈")
    data = FeedbackInput(
        payload.interest, payload.next_step, payload.given_on, payload.pass_reasons, payload.note
    )
    feedback = _call(
        lambda: roadshows.feedback_record(pitch=pitch, investor=found.investor, data=data, by=user)
    )
    return {
        "pitch_id": pitch.pk,
        "investor_id": found.investor_id,
        "interest": feedback.interest,
        "next_step": feedback.next_step,
        "given_on": feedback.given_on,
        "is_late": feedback.given_on > pitch.feedback_due_on,
    }


class ShareIn(Schema):
    investor_id: int = Field(..., ge=1)
    amount: Decimal = Field(..., gt=0, le=MAX_AMOUNT, max_digits=18, decimal_places=2)
    is_lead: bool = False


class CloseIn(Schema):
    closed_on: dt.date = Field(..., ge=dt.date(2000, 1, 1), le=dt.date(2100, 1, 1))
    shares: list[ShareIn] = Field(..., min_length=1, max_length=20)
    evidence_kind: str = Field(..., max_length=16)
    evidence_ref: str = Field(..., min_length=1, max_length=200)


class CloseOut(Schema):
    id: int
    need_id: int
    closed_on: dt.date
    amount: Decimal
    currency: str
    lead_id: int
    need_closed_amount: Decimal
    need_status: str


@router.post("/needs/{need_id}/closes", response={201: CloseOut}, summary="登记交割")
def record_close(request: HttpRequest, need_id: int, payload: CloseIn) -> Any:
    user = acting_user(request)
    need = queries.access_need(user, need_id)
    ids = [s.investor_id for s in payload.shares]
    investors = {o.pk: o for o in _call(lambda: named_investors(user, need, ids))}
    shares = [ShareInput(investors[s.investor_id], s.amount, s.is_lead) for s in payload.shares]
    data = CloseInput(
        closed_on=payload.closed_on,
        amount=sum((s.amount for s in shares), Decimal("0")),
        shares=shares,
        evidence_kind=payload.evidence_kind,
        evidence_ref=payload.evidence_ref,
    )
    close = _call(lambda: deals.close_record(need=need, data=data, by=user))
    need.refresh_from_db()
    return Status(
        201,
        {
            "id": close.pk,
            "need_id": need.pk,
            "closed_on": close.closed_on,
            "amount": close.amount,
            "currency": close.currency,
            "lead_id": close.lead_id,
            "need_closed_amount": need.closed_amount,
            "need_status": need.status,
        },
    )


def named_investors(user: Any, need: FinancingNeed, ids: list[int]) -> list[Organisation]:
    """Investors named by id for a need: only those the user may name for it (see
    `queries.nameable_investors`); unknown and out-of-reach ids are refused together, alike."""
    found = {o.pk: o for o in queries.nameable_investors(user, need).filter(pk__in=ids)}
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise ValidationError(f"投资方（编号 {'、'.join(missing)}）不存在或无权使用")
    return [found[i] for i in dict.fromkeys(ids)]


class FunnelRowOut(Schema):
    investor_id: int | None
    label: str
    counts: dict[str, int]
    feedback_rate: float | None


class FunnelQuery(Schema):
    start: dt.date | None = None
    end: dt.date | None = None
    event_id: int | None = Field(None, ge=1)


@router.get("/funnel", response=list[FunnelRowOut], summary="路演转化漏斗（合计在前，按投资方）")
def funnel(request: HttpRequest, params: Query[FunnelQuery]) -> Any:
    event = queries.access_event(request.user, params.event_id) if params.event_id else None
    result = queries.pitch_funnel(
        user=request.user, event=event, start=params.start, end=params.end
    )
    return [
        {
            "investor_id": row.investor_key,
            "label": row.label,
            "counts": {step: row.count(step) for step in STEPS},
            "feedback_rate": row.feedback_rate,
        }
        for row in (result.total, *result.by_investor)
    ]


class LedgerOut(Schema):
    fund_id: int
    basis: str | None
    basis_amount: Decimal | None
    promised_ratio: Decimal | None
    required_amount: Decimal | None
    realised_amount: Decimal | None
    realised_ratio: Decimal | None
    counted_ids: list[int]
    excluded: list[dict[str, Any]]


@router.get("/funds/{fund_id}/ledger", response=LedgerOut, summary="基金返投台账")
def fund_ledger(request: HttpRequest, fund_id: int, as_of: dt.date | None = None) -> Any:
    fund = queries.access_fund(request.user, fund_id)
    ledger, _investments = queries.fund_ledger(fund, request.user, as_of)
    if ledger is None:
        return {
            "fund_id": fund.pk,
            "basis": None,
            "basis_amount": None,
            "promised_ratio": None,
            "required_amount": None,
            "realised_amount": None,
            "realised_ratio": None,
            "counted_ids": [],
            "excluded": [],
        }
    return {
        "fund_id": fund.pk,
        "basis": ledger.basis,
        "basis_amount": ledger.basis_amount,
        "promised_ratio": ledger.promised_ratio,
        "required_amount": ledger.required_amount,
        "realised_amount": ledger.realised_amount,
        "realised_ratio": ledger.realised_ratio,
        "counted_ids": list(ledger.counted),
        "excluded": [{"id": k, "reason": r} for k, r in ledger.excluded],
    }


class GrantOut(Schema):
    tranche_id: int
    project_id: int
    amount_yuan: Decimal
    milestone: str
    status: str
    equity_held_percent: Decimal
    held_value_yuan: Decimal | None
    exit_proceeds_yuan: Decimal


@router.get("/grants", response=list[GrantOut], summary="拨投结合资金组合")
def grant_portfolio(request: HttpRequest, as_of: dt.date | None = None) -> Any:
    return [
        {
            "tranche_id": p.facts.key,
            "project_id": p.facts.project_key,
            "amount_yuan": p.facts.amount_yuan,
            "milestone": p.milestone,
            "status": p.status,
            "equity_held_percent": p.equity_held_percent,
            "held_value_yuan": p.held_value_yuan,
            "exit_proceeds_yuan": p.exit_proceeds_yuan,
        }
        for p, _t in queries.grant_positions(user=request.user, as_of=as_of)
    ]


class RateOut(Schema):
    cohort: str
    months: int
    rate: float | None
    landed_ids: list[int]
    observed_ids: list[int]
    pending_ids: list[int]


@router.get("/centres/{centre_id}/landing", response=list[RateOut], summary="离岸创新中心落地率")
def centre_landing(request: HttpRequest, centre_id: int, as_of: dt.date | None = None) -> Any:
    centre = queries.access_centre(request.user, centre_id)
    items = queries.incubations(queries.centre_projects(centre, request.user))
    day = as_of or timezone.localdate()
    groups = {"": landing.landing_rates(items, day), **landing.landing_by_cohort(items, day)}
    return [
        {
            "cohort": cohort,
            "months": months,
            "rate": r.rate,
            "landed_ids": list(r.landed),
            "observed_ids": list(r.observed),
            "pending_ids": list(r.pending),
        }
        for cohort, rates in groups.items()
        for months, r in rates.items()
    ]
