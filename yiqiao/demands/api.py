"""Demands API: the same queries and services as the pages, as JSON (django-ninja)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, TypeAlias

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Field, File, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from yiqiao.accounts.http import SignedInRequest
from yiqiao.core.access import VIEW
from yiqiao.core.apischema import choices_schema, page_field
from yiqiao.registry.queries import access_organisation

from . import queries, services, suggestions
from .engine import workflow
from .models import (
    STATE_LABELS,
    Category,
    Channel,
    Conversion,
    Demand,
    FundingStage,
    Reminder,
    RoutingRule,
)

router = Router(tags=["demands 企业需求"])


class DemandFilterIn(Schema):
    q: str = ""
    state: str = ""
    category: str = ""
    time_status: str = ""
    unit: str = ""
    organisation: int | None = None
    page: int = page_field()
    per_page: int = Field(25, ge=1, le=200)


class DemandOut(Schema):
    id: int
    organisation_id: int
    organisation: str
    category: str
    channel: str
    title: str
    text: str
    state: str
    unit_id: int | None
    assignee_id: int | None
    accept_due: dt.date
    respond_due: dt.date
    time_status: str = ""
    area_min_m2: Decimal | None
    area_max_m2: Decimal | None
    rent_max_yuan_per_m2_month: Decimal | None = None
    cleanroom_iso: int | None = None
    budget_yuan: Decimal | None
    funding_amount_yuan: Decimal | None
    funding_stage: str
    deadline: dt.date | None
    created_at: dt.datetime
    responded_at: dt.datetime | None
    converted_at: dt.datetime | None
    row_version: int

    @staticmethod
    def resolve_organisation(obj: Any) -> str:
        return obj["organisation"] if isinstance(obj, dict) else obj.organisation.name


class DemandPage(Schema):
    count: int
    page: int
    per_page: int
    results: list[DemandOut]


class DemandIn(Schema):
    organisation_id: int | None = Field(None, description="企业用户可省略（默认本机构）")
    category: str
    text: str
    title: str = ""
    channel: str = Channel.PORTAL
    area_min_m2: Decimal | None = None
    area_max_m2: Decimal | None = None
    rent_max_yuan_per_m2_month: Decimal | None = Field(None, description="租金上限（元/㎡·月）")
    cleanroom_iso: int | None = Field(None, ge=5, le=9, description="洁净等级（ISO 5–9，不低于）")
    budget_yuan: Decimal | None = None
    funding_amount_yuan: Decimal | None = None
    funding_stage: FundingStage | None = None
    chain_nodes: list[str] = []
    deadline: dt.date | None = None


class SubmitOut(Schema):
    is_duplicate: bool
    demand: DemandOut


class VersionIn(Schema):
    row_version: int | None = None


class AssignIn(VersionIn):
    assignee_id: int


class ReassignIn(VersionIn):
    unit_id: int
    assignee_id: int | None = None
    note: str = ""


class RespondIn(VersionIn):
    text: str


class AcceptMatchIn(Schema):
    key: str = Field(..., description="推荐资源编号，如 space:12、policy:space.rent_subsidy")


class NoteIn(VersionIn):
    note: str = ""


ConversionKind: TypeAlias = Annotated[Conversion.Kind, choices_schema(Conversion.Kind)]


class DemandConvertIn(VersionIn):
    kind: ConversionKind
    on: dt.date | None = None
    amount_yuan: Decimal | None = Field(None, ge=0)
    response_id: int | None = None
    note: str = ""


class FollowUpIn(VersionIn):
    satisfaction: int = Field(..., ge=1, le=5)
    on: dt.date | None = None
    note: str = ""


class ResponseOut(Schema):
    id: int
    text: str
    is_referral: bool
    resource_kind: str
    resource_key: str
    resource_title: str
    reasons: list[str]
    created_at: dt.datetime


class CheckOut(Schema):
    name: str = Field(..., description="RESOURCES.md 属性名，如 space.available_area_m2")
    label: str = Field(..., description="要求（中文）")
    status: str = Field(..., description="met 满足 / unmet 不满足 / unknown 待核实")
    mark: str = Field(..., description="✓ / ✗ / ?")
    value: str = Field(..., description="该资源登记的值")
    preference: bool


class SuggestionOut(Schema):
    key: str
    kind: str
    title: str
    checks: list[CheckOut]
    to_verify: bool
    reasons: list[str]
    is_accepted: bool


class RequirementOut(Schema):
    name: str
    label: str
    text: str = Field(..., description="读出该要求的原文（表单填写的为空）")
    from_form: bool
    preference: bool


class UnreadOut(Schema):
    text: str
    reason: str


class SuggestionsOut(Schema):
    notes: list[str]
    requirements: list[RequirementOut]
    unread: list[UnreadOut]
    results: list[SuggestionOut]


class UnderstandIn(Schema):
    text: str = Field("", max_length=100_000, description="需求描述原文（只读取前20000字）")
    category: str = ""


class UnderstandOut(Schema):
    fields: dict[str, Any] = Field(..., description="可预填的表单字段")
    requirements: list[RequirementOut]
    unread: list[UnreadOut]
    message: str
    truncated: bool


class TransitionOut(Schema):
    event: str
    from_state: str
    to_state: str
    at: dt.datetime
    note: str


class DemandDetailOut(DemandOut):
    responses: list[ResponseOut]
    transitions: list[TransitionOut]
    conversions: list[dict[str, Any]]
    follow_ups: list[dict[str, Any]]


class FunnelOut(Schema):
    total: dict[str, int]
    by_category: list[dict[str, Any]]
    by_unit: list[dict[str, Any]]


def _error(exc: ValidationError) -> HttpError:
    if isinstance(exc, services.StaleEditError):
        return HttpError(409, "；".join(exc.messages))
    if hasattr(exc, "error_dict"):
        text = "；".join(f"{k}: {'、'.join(v)}" for k, v in exc.message_dict.items())
    else:
        text = "；".join(exc.messages)
    return HttpError(422, text)


def _detail(demand: Demand) -> dict[str, Any]:
    demand = queries.access_demand_fresh(demand)
    related = queries.demand_detail(demand)
    data = DemandOut.from_orm(demand).model_dump()
    data.update(
        responses=[ResponseOut.from_orm(r).model_dump() for r in related["responses"]],
        transitions=[TransitionOut.from_orm(t).model_dump() for t in related["transitions"]],
        conversions=[
            {
                "id": c.pk,
                "kind": c.kind,
                "on": c.on.isoformat(),
                "amount_yuan": str(c.amount_yuan) if c.amount_yuan is not None else None,
                "note": c.note,
            }
            for c in related["conversions"]
        ],
        follow_ups=[
            {
                "on": f.on.isoformat(),
                "satisfaction": f.satisfaction,
                "note": f.note,
                "is_reopened": f.is_reopened,
            }
            for f in related["follow_ups"]
        ],
    )
    return data


@router.get("/demands", response=DemandPage, summary="需求列表（收件箱，按权限范围）")
def list_demands(request: HttpRequest, filters: Query[DemandFilterIn]) -> dict[str, Any]:
    f = queries.DemandFilters.from_mapping(filters.dict())
    if f.errors:
        raise HttpError(422, "；".join(f.errors))
    qs = queries.demand_list(user=request.user, filters=f)
    start = (filters.page - 1) * filters.per_page
    return {
        "count": qs.count(),
        "page": filters.page,
        "per_page": filters.per_page,
        "results": list(qs[start : start + filters.per_page]),
    }


@router.get("/demands/overdue", response=list[DemandOut], summary="超期需求")
def list_overdue(request: HttpRequest) -> Any:
    return list(queries.overdue_list(user=request.user)[:500])


@router.get("/funnel", response=FunnelOut, summary="需求转化漏斗")
def get_funnel(request: HttpRequest) -> Any:
    return queries.funnel(user=request.user)


@router.post("/demands", response={201: SubmitOut, 200: SubmitOut}, summary="提出需求")
def create_demand(request: SignedInRequest, payload: DemandIn) -> Any:
    from yiqiao.core.scope import user_scope

    if payload.category not in Category.values:
        raise HttpError(422, f"category: 未知的需求类别：{payload.category}")
    org_id = payload.organisation_id or user_scope(request.user).organisation_id
    if org_id is None:
        raise HttpError(422, "organisation_id: 请指定提出需求的机构")
    organisation = access_organisation(request.user, org_id)
    try:
        result = services.demand_submit(
            by=request.user,
            organisation=organisation,
            category=payload.category,
            text=payload.text,
            title=payload.title,
            channel=payload.channel,
            area_min_m2=payload.area_min_m2,
            area_max_m2=payload.area_max_m2,
            rent_max_yuan_per_m2_month=payload.rent_max_yuan_per_m2_month,
            cleanroom_iso=payload.cleanroom_iso,
            budget_yuan=payload.budget_yuan,
            funding_amount_yuan=payload.funding_amount_yuan,
            funding_stage=payload.funding_stage or "",
            chain_nodes=payload.chain_nodes,
            deadline=payload.deadline,
        )
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc
    except ValidationError as exc:
        raise _error(exc) from exc
    demand = queries.access_demand(request.user, result.demand.pk)
    body = {"is_duplicate": result.is_duplicate, "demand": demand}
    return Status(200 if result.is_duplicate else 201, body)


@router.get("/demands/{demand_id}", response=DemandDetailOut, summary="需求详情")
def get_demand(request: HttpRequest, demand_id: int) -> Any:
    return _detail(queries.access_demand(request.user, demand_id))


@router.get(
    "/demands/{demand_id}/suggestions", response=SuggestionsOut, summary="推荐资源（含理由）"
)
def get_suggestions(request: HttpRequest, demand_id: int, limit: int = 10) -> Any:
    demand = queries.access_demand(request.user, demand_id, for_edit=True)
    result = suggestions.suggest(demand, limit=max(1, min(limit, 50)))
    return {
        "notes": result.notes,
        "requirements": result.requirements,
        "unread": result.unread,
        "results": [{**s.__dict__, "to_verify": s.to_verify} for s in result.suggestions],
    }


@router.post(
    "/understand",
    response=UnderstandOut,
    summary="读取需求描述（表单预填）",
    url_name="understand_need",
)
def understand_need(request: HttpRequest, payload: UnderstandIn) -> Any:
    """What the need text states, as the intake form's fields, the requirements read (with the
    words they came from) and what could not be read (with the reason). Reads nothing stored."""
    from .matching import read_for_intake

    category = payload.category if payload.category in Category.values else None
    return read_for_intake(payload.text, category)


def _handle(request: HttpRequest, demand_id: int, action: Any) -> Any:
    demand = queries.access_demand(request.user, demand_id, for_edit=True)
    try:
        action(demand)
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc
    except ValidationError as exc:
        raise _error(exc) from exc
    return _detail(demand)


def _user(user_id: int) -> Any:
    from yiqiao.accounts.models import User

    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise HttpError(422, "承办人不存在")
    return user


@router.post("/demands/{demand_id}/accept", response=DemandDetailOut, summary="受理")
def accept_demand(request: SignedInRequest, demand_id: int, payload: VersionIn) -> Any:
    return _handle(
        request,
        demand_id,
        lambda d: services.demand_accept(
            demand=d, by=request.user, row_version=payload.row_version
        ),
    )


@router.post("/demands/{demand_id}/assign", response=DemandDetailOut, summary="分派承办人")
def assign_demand(request: SignedInRequest, demand_id: int, payload: AssignIn) -> Any:
    return _handle(
        request,
        demand_id,
        lambda d: services.demand_assign(
            demand=d,
            by=request.user,
            assignee=_user(payload.assignee_id),
            row_version=payload.row_version,
        ),
    )


@router.post("/demands/{demand_id}/reassign", response=DemandDetailOut, summary="改派责任单元")
def reassign_demand(request: SignedInRequest, demand_id: int, payload: ReassignIn) -> Any:
    units = {u.pk: u for u in queries.unit_choices(request.user)}
    unit = units.get(payload.unit_id)
    if unit is None:
        raise HttpError(422, "unit_id: 责任单元不存在或不在管辖范围内")
    return _handle(
        request,
        demand_id,
        lambda d: services.demand_reassign(
            demand=d,
            by=request.user,
            unit=unit,
            assignee=_user(payload.assignee_id) if payload.assignee_id else None,
            note=payload.note,
            row_version=payload.row_version,
        ),
    )


@router.post("/demands/{demand_id}/respond", response=DemandDetailOut, summary="响应")
def respond_demand(request: SignedInRequest, demand_id: int, payload: RespondIn) -> Any:
    return _handle(
        request,
        demand_id,
        lambda d: services.demand_respond(
            demand=d, by=request.user, text=payload.text, row_version=payload.row_version
        ),
    )


@router.post(
    "/demands/{demand_id}/suggestions/accept",
    response=DemandDetailOut,
    summary="采纳推荐（生成资源推荐响应）",
)
def accept_suggestion(request: SignedInRequest, demand_id: int, payload: AcceptMatchIn) -> Any:
    def run(d: Demand) -> None:
        suggestion = suggestions.find_suggestion(d, payload.key)
        if suggestion is None:
            raise ValidationError("该推荐已不在当前推荐列表中")
        services.demand_respond(
            demand=d,
            by=request.user,
            text=f"推荐{suggestion.kind_label}：{suggestion.title}",
            resource_kind=suggestion.kind,
            resource_key=suggestion.key,
            resource_title=suggestion.title,
            reasons=suggestion.reasons,
        )

    return _handle(request, demand_id, run)


@router.post("/demands/{demand_id}/resolve", response=DemandDetailOut, summary="办结")
def resolve_demand(request: SignedInRequest, demand_id: int, payload: NoteIn) -> Any:
    return _handle(
        request,
        demand_id,
        lambda d: services.demand_resolve(
            demand=d, by=request.user, note=payload.note, row_version=payload.row_version
        ),
    )


@router.post("/demands/{demand_id}/convert", response=DemandDetailOut, summary="登记转化")
def convert_demand(request: SignedInRequest, demand_id: int, payload: DemandConvertIn) -> Any:
    def run(d: Demand) -> None:
        response = None
        if payload.response_id is not None:
            response = d.responses.filter(pk=payload.response_id).first()
            if response is None:
                raise ValidationError("该响应不属于本需求")
        services.demand_convert(
            demand=d,
            by=request.user,
            kind=payload.kind,
            on=payload.on,
            amount_yuan=payload.amount_yuan,
            response=response,
            note=payload.note,
            row_version=payload.row_version,
        )

    return _handle(request, demand_id, run)


@router.post("/demands/{demand_id}/close", response=DemandDetailOut, summary="关闭")
def close_demand(request: SignedInRequest, demand_id: int, payload: NoteIn) -> Any:
    return _handle(
        request,
        demand_id,
        lambda d: services.demand_close(
            demand=d, by=request.user, note=payload.note, row_version=payload.row_version
        ),
    )


@router.post("/demands/{demand_id}/follow-up", response=DemandDetailOut, summary="回访")
def follow_up_demand(request: SignedInRequest, demand_id: int, payload: FollowUpIn) -> Any:
    return _handle(
        request,
        demand_id,
        lambda d: services.demand_follow_up(
            demand=d,
            by=request.user,
            satisfaction=payload.satisfaction,
            on=payload.on,
            note=payload.note,
            row_version=payload.row_version,
        ),
    )


@router.get("/states", summary="需求状态与可执行操作")
def list_states(request: HttpRequest) -> Any:
    return [
        {
            "state": s,
            "label": str(STATE_LABELS[s]),
            "events": list(workflow.allowed_events(s)),
        }
        for s in workflow.STATES
    ]


class AttachmentOut(Schema):
    id: int
    name: str
    kind: str
    size_bytes: int


@router.post(
    "/demands/{demand_id}/attachments",
    response={201: list[AttachmentOut]},
    summary="上传附件（PDF、图片、Office文档，单个≤10MB）",
)
def upload_attachments(
    request: SignedInRequest, demand_id: int, files: File[list[UploadedFile]]
) -> Any:
    demand = queries.access_demand(request.user, demand_id)
    try:
        stored = services.demand_attach(demand=demand, by=request.user, attachments=files)
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc
    except ValidationError as exc:
        raise _error(exc) from exc
    return Status(201, stored)


class RoutingRuleOut(Schema):
    id: int
    category: str
    region: str | None = Field(None, alias="region.code")
    unit_id: int
    unit: str = Field(..., alias="unit.name")
    is_active: bool


class RoutingRuleIn(Schema):
    category: str
    region_id: int | None = None
    unit_id: int


class SlaOut(Schema):
    category: str
    accept_days: int
    respond_days: int


@router.get("/routing-rules", response=list[RoutingRuleOut], summary="分派规则")
def list_routing_rules(request: HttpRequest) -> Any:
    return list(RoutingRule.objects.restrict(request.user, VIEW).select_related("region", "unit"))


@router.post("/routing-rules", response={201: RoutingRuleOut}, summary="设置分派规则（管理员）")
def save_routing_rule(request: SignedInRequest, payload: RoutingRuleIn) -> Any:
    from .services.routing import routing_rule_save

    try:
        rule = routing_rule_save(
            category=payload.category,
            region_id=str(payload.region_id or ""),
            unit_id=str(payload.unit_id),
            allowed_units=queries.unit_choices(request.user),
            by=request.user,
        )
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc
    except ValidationError as exc:
        raise _error(exc) from exc
    return Status(201, RoutingRule.objects.select_related("region", "unit").get(pk=rule.pk))


@router.get("/sla-policies", response=list[SlaOut], summary="办理时限（工作日）")
def list_sla_policies(request: SignedInRequest) -> Any:
    from .services.routing import sla_rows_for

    return [
        {"category": category, "accept_days": accept, "respond_days": respond}
        for category, accept, respond in sla_rows_for(request.user)
    ]


@router.post("/sla-policies", response=SlaOut, summary="设置办理时限（管理员）")
def save_sla_policy(request: SignedInRequest, payload: SlaOut) -> Any:
    from .services.routing import sla_policy_save

    try:
        return sla_policy_save(
            category=payload.category,
            accept_days=payload.accept_days,
            respond_days=payload.respond_days,
            by=request.user,
        )
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc
    except ValidationError as exc:
        raise _error(exc) from exc


class ReminderOut(Schema):
    id: int
    demand_id: int
    day: dt.date
    message: str
    is_read: bool


@router.get("/reminders", response=list[ReminderOut], summary="我的超期提醒")
def list_reminders(request: HttpRequest) -> Any:
    return list(Reminder.objects.filter(recipient_id=request.user.pk).order_by("-day", "-id")[:200])
