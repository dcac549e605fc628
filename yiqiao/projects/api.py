"""Projects API: the same queries and services as the pages, as JSON.

403 for roles that may not write, 404 outside the user's scope, 409 on a stale row_version,
422 with the Chinese reason when a transition, signing or gate is refused.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, TypeAlias

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from yiqiao.accounts.http import SignedInRequest
from yiqiao.core.access import resolve_reference, resolve_references
from yiqiao.core.apischema import choices_schema, page_field, patch_data
from yiqiao.core.scope import user_scope
from yiqiao.registry.models import ChainNode, Organisation, Region, Service

from . import queries, services
from .models import Activity, Currency, FundingTranche, Milestone, Project, Signing, Stage
from .services import translational

router = Router(tags=["projects 项目"])


def _today() -> dt.date:
    return timezone.localdate()


def _refusal(exc: ValidationError) -> HttpError:
    if isinstance(exc, services.StaleEditError):
        return HttpError(409, "；".join(exc.messages))
    if hasattr(exc, "error_dict"):
        return HttpError(422, "；".join(m for msgs in exc.message_dict.values() for m in msgs))
    return HttpError(422, "；".join(exc.messages))


def _reference(request: HttpRequest, model: Any, pk: Any, *, field: str, label: str) -> Any:
    """An id from the body, resolved through the access layer: a record of another scope and
    a missing one answer the same 422, which names only the id sent."""
    try:
        return resolve_reference(model, request.user, pk, label=label)
    except ValidationError as exc:
        raise HttpError(422, f"{field}: {'；'.join(exc.messages)}") from exc


def _editable(request: HttpRequest, pk: int) -> Project:
    project = queries.access_project(request.user, pk)
    if not queries.can_edit(request.user):
        raise HttpError(403, "当前角色只能查看，不能修改项目")
    return project


# Choices published inline (several models nest a class called `Kind`; see choices_schema).
ActivityKind: TypeAlias = Annotated[Activity.Kind, choices_schema(Activity.Kind)]
AgreementType: TypeAlias = Annotated[Signing.AgreementType, choices_schema(Signing.AgreementType)]
MilestoneKind: TypeAlias = Annotated[Milestone.Kind, choices_schema(Milestone.Kind)]
FundingKind: TypeAlias = Annotated[FundingTranche.Kind, choices_schema(FundingTranche.Kind)]


class ProjectFilterIn(Schema):
    q: str = ""
    stage: str = ""
    zone: str = ""
    chain: str = ""
    owner: str = ""
    overdue: bool = False
    sort: str = "-updated"
    page: int = page_field()
    per_page: int = Field(25, ge=1, le=200)


class ProjectOut(Schema):
    id: int
    title: str
    stage: str
    stage_entered_on: dt.date
    target_region: str | None
    investors: list[str]
    currency: str
    planned_amount: Decimal | None = Field(None, description="未签约项目仅对有权限的角色返回")
    signed_amount: Decimal
    signed_on: dt.date | None
    capital_arrived: Decimal
    realised_capex: Decimal
    planned_jobs: int | None
    realised_jobs: int
    next_follow_up_on: dt.date | None
    is_overdue: bool
    lost_reason: str
    row_version: int


def _out(user: Any, p: Project) -> dict[str, Any]:
    return {
        "id": p.pk,
        "title": p.title,
        "stage": p.stage,
        "stage_entered_on": p.stage_entered_on,
        "target_region": p.target_region.code if p.target_region else None,
        "investors": getattr(p, "investor_names", None)
        or list(p.investors.values_list("name", flat=True)),
        "currency": p.currency,
        "planned_amount": p.planned_amount if queries.can_see_planned_amount(user, p) else None,
        "signed_amount": p.signed_amount,
        "signed_on": p.signed_on,
        "capital_arrived": p.capital_arrived,
        "realised_capex": p.realised_capex,
        "planned_jobs": p.planned_jobs,
        "realised_jobs": p.realised_jobs,
        "next_follow_up_on": p.next_follow_up_on,
        "is_overdue": p.is_overdue(_today()),
        "lost_reason": p.lost_reason,
        "row_version": p.row_version,
    }


class ProjectPage(Schema):
    count: int
    page: int
    per_page: int
    results: list[ProjectOut]


class StageChangeOut(Schema):
    from_stage: str
    to_stage: str
    changed_on: dt.date
    days_in_from_stage: int | None
    by: str | None
    note: str


class SigningOut(Schema):
    id: int
    signed_on: dt.date
    agreement_type: str
    amount: Decimal
    currency: str
    signatories: str
    event_ref: str


class MilestoneOut(Schema):
    id: int
    kind: str
    achieved_on: dt.date
    realised_capex: Decimal
    capital_arrived: Decimal
    jobs: int | None
    revenue: Decimal | None


class ActivityOut(Schema):
    id: int
    kind: str
    happened_on: dt.date
    summary: str


class GapOut(Schema):
    currency: str
    signed_amount: Decimal
    capital_arrived: Decimal
    capital_gap: Decimal
    arrived_percent: Decimal | None
    jobs_committed: int
    jobs_realised: int
    jobs_gap: int
    summary: str


class ProjectDetailOut(ProjectOut):
    stage_changes: list[StageChangeOut]
    signings: list[SigningOut]
    milestones: list[MilestoneOut]
    recent_activities: list[ActivityOut]
    gap: GapOut | None


def _detail(request: HttpRequest, project: Project) -> dict[str, Any]:
    history = queries.project_history(user=request.user, project=project, today=_today())
    data = _out(request.user, project)
    data.update(
        stage_changes=[
            {
                "from_stage": c.from_stage,
                "to_stage": c.to_stage,
                "changed_on": c.changed_on,
                "days_in_from_stage": c.days_in_from_stage,
                "by": str(c.by) if c.by else None,
                "note": c.note,
            }
            for c in history["stage_changes"]
        ],
        signings=history["signings"],
        milestones=history["milestones"],
        recent_activities=history["activities"],
        gap=history["gap"].__dict__ if history["gap"] else None,
    )
    return data


@router.get("/projects", response=ProjectPage, summary="招商项目列表（按权限范围）")
def list_projects(request: HttpRequest, filters: Query[ProjectFilterIn]) -> dict[str, Any]:
    f = queries.ProjectFilters.from_mapping(filters.dict())
    qs = queries.project_list(user=request.user, filters=f, today=_today())
    start = (filters.page - 1) * filters.per_page
    rows = list(qs[start : start + filters.per_page])
    queries.attach_card_data(request.user, rows, _today())
    return {
        "count": qs.count(),
        "page": filters.page,
        "per_page": filters.per_page,
        "results": [_out(request.user, p) for p in rows],
    }


class ProjectIn(Schema):
    title: str = Field(..., min_length=1, max_length=160)
    investors: list[int] = Field([], description="机构编号")
    target_region: str | None = Field(None, description="区域编码")
    chain_nodes: list[str] = []
    currency: Currency = Currency.CNY
    planned_amount: Decimal | None = Field(None, ge=0)
    expected_output_yuan: Decimal | None = Field(None, ge=0)
    expected_tax_yuan: Decimal | None = Field(None, ge=0)
    planned_jobs: int | None = Field(None, ge=0)
    next_follow_up_on: dt.date | None = None
    lead_on: dt.date | None = Field(None, description="线索日期（补录时填写，默认今天）")
    source_note: str = ""
    description: str = ""


class ProjectPatch(Schema):
    row_version: int
    title: str | None = Field(None, min_length=1, max_length=160)
    target_region: str | None = None
    planned_amount: Decimal | None = Field(None, ge=0)
    planned_jobs: int | None = Field(None, ge=0)
    next_follow_up_on: dt.date | None = None
    registered_company: int | None = None
    description: str | None = None


def _resolve(request: HttpRequest, data: dict[str, Any]) -> None:
    scope = user_scope(request.user)
    code = (data.get("target_region") or "").strip()
    if "target_region" in data and not code:
        data["target_region"] = None  # an empty code clears the region, never a raw string
    if code:
        region = Region.objects.filter(code=code).first()
        if region is None or not (scope.everything or region.pk in scope.region_ids):
            raise HttpError(422, f"target_region: 区域“{code}”不存在或不在您的管辖范围内")
        data["target_region"] = region
    if "investors" in data:
        active = Organisation.objects.filter(is_active=True)
        try:
            data["investors"] = resolve_references(
                active, request.user, list(dict.fromkeys(data["investors"])), label="投资方"
            )
        except ValidationError as exc:
            raise HttpError(422, f"investors: {'；'.join(exc.messages)}") from exc
    if data.get("registered_company") is not None:
        data["registered_company"] = _reference(
            request,
            Organisation,
            data["registered_company"],
            field="registered_company",
            label="注册企业",
        )


@router.post("/projects", response={201: ProjectDetailOut}, summary="新建招商项目")
def create_project(request: SignedInRequest, payload: ProjectIn) -> Any:
    if not queries.can_edit(request.user):
        raise HttpError(403, "当前角色只能查看，不能修改项目")
    data = payload.dict()
    _resolve(request, data)
    if not ChainNode.objects.filter(code__in=data["chain_nodes"]).count() == len(
        set(data["chain_nodes"])
    ):
        raise HttpError(422, "chain_nodes: 部分产业链节点不存在")
    try:
        project = services.project_create(data=data, by=request.user)
    except ValidationError as exc:
        raise _refusal(exc) from exc
    return Status(201, _detail(request, queries.access_project(request.user, project.pk)))


@router.get("/projects/{project_id}", response=ProjectDetailOut, summary="项目详情与历史")
def get_project(request: HttpRequest, project_id: int) -> dict[str, Any]:
    return _detail(request, queries.access_project(request.user, project_id))


@router.patch("/projects/{project_id}", response=ProjectDetailOut, summary="修改项目")
def update_project(request: SignedInRequest, project_id: int, payload: ProjectPatch) -> Any:
    project = _editable(request, project_id)
    data = patch_data(payload, Project)
    row_version = data.pop("row_version")
    _resolve(request, data)
    try:
        services.project_update(
            project=project, data=data, by=request.user, row_version=row_version
        )
    except ValidationError as exc:
        raise _refusal(exc) from exc
    return _detail(request, queries.access_project(request.user, project_id))


class StageTransitionIn(Schema):
    to_stage: Stage
    row_version: int
    reason: str = ""
    on: dt.date | None = None


@router.post("/projects/{project_id}/transitions", response=ProjectDetailOut, summary="阶段变更")
def transition_project(
    request: SignedInRequest, project_id: int, payload: StageTransitionIn
) -> Any:
    project = _editable(request, project_id)
    try:
        services.project_advance_stage(
            project=project,
            to_stage=payload.to_stage,
            by=request.user,
            row_version=payload.row_version,
            reason=payload.reason,
            on=payload.on,
        )
    except ValidationError as exc:
        raise _refusal(exc) from exc
    return _detail(request, queries.access_project(request.user, project_id))


class ActivityIn(Schema):
    kind: ActivityKind
    happened_on: dt.date
    summary: str = Field(..., min_length=1)
    next_follow_up_on: dt.date | None = None


@router.post("/projects/{project_id}/activities", response={201: ActivityOut}, summary="记录跟进")
def add_activity(request: SignedInRequest, project_id: int, payload: ActivityIn) -> Any:
    project = _editable(request, project_id)
    try:
        activity = services.activity_record(project=project, by=request.user, **payload.dict())
    except ValidationError as exc:
        raise _refusal(exc) from exc
    return Status(201, activity)


class SigningIn(Schema):
    signed_on: dt.date
    agreement_type: AgreementType
    amount: Decimal | None = Field(None, ge=0, description="投资协议必填")
    currency: Currency
    signatories: str = Field(..., min_length=1)
    event_ref: str = ""
    note: str = ""


@router.post("/projects/{project_id}/signings", response={201: SigningOut}, summary="登记签约")
def add_signing(request: SignedInRequest, project_id: int, payload: SigningIn) -> Any:
    project = _editable(request, project_id)
    try:
        signing = services.signing_record(project=project, by=request.user, **payload.dict())
    except ValidationError as exc:
        raise _refusal(exc) from exc
    return Status(201, signing)


class MilestoneIn(Schema):
    kind: MilestoneKind
    achieved_on: dt.date
    realised_capex: Decimal = Field(Decimal("0"), ge=0)
    capital_arrived: Decimal = Field(Decimal("0"), ge=0)
    jobs: int | None = Field(None, ge=0)
    revenue: Decimal | None = Field(None, ge=0)
    note: str = ""


@router.post(
    "/projects/{project_id}/milestones", response={201: MilestoneOut}, summary="登记落地节点"
)
def add_milestone(request: SignedInRequest, project_id: int, payload: MilestoneIn) -> Any:
    project = _editable(request, project_id)
    try:
        milestone = services.milestone_record(project=project, by=request.user, **payload.dict())
    except ValidationError as exc:
        raise _refusal(exc) from exc
    return Status(201, milestone)


class BoardColumnOut(Schema):
    stage: str
    label: str
    count: int
    cards: list[ProjectOut]


@router.get("/board", response=list[BoardColumnOut], summary="看板（每阶段计数与最近的项目）")
def get_board(request: HttpRequest, filters: Query[ProjectFilterIn]) -> Any:
    f = queries.ProjectFilters.from_mapping(filters.dict())
    columns = queries.board(user=request.user, filters=f, today=_today())
    return [{**c, "cards": [_out(request.user, p) for p in c["cards"]]} for c in columns]


@router.get("/follow-ups", response=list[ProjectOut], summary="我的待跟进")
def get_follow_ups(request: HttpRequest) -> Any:
    rows = list(queries.follow_ups_due(user=request.user, today=_today())[:200])
    queries.attach_card_data(request.user, rows, _today())
    return [_out(request.user, p) for p in rows]


@router.get("/figures", summary="漏斗、阶段停留时间、签约与实际（按年份/区域/产业链）")
def get_figures(request: HttpRequest, filters: Query[ProjectFilterIn]) -> dict[str, Any]:
    f = queries.ProjectFilters.from_mapping(filters.dict())
    data = queries.pipeline_figures(user=request.user, filters=f, today=_today())

    def rows(items: Any) -> list[dict[str, Any]]:
        return [
            {k: (str(v) if isinstance(v, Decimal) else v) for k, v in i.__dict__.items()}
            for i in items
        ]

    return {
        "funnel": rows(data["funnel"]),
        "time_in_stage": rows(data["times"]),
        "by_year": rows(data["by_year"]),
        "by_zone": rows(data["by_zone"]),
        "by_chain": rows(data["by_chain"]),
        "signed_totals_by_currency": {k: str(v) for k, v in data["signed_totals"].items()},
    }


# ---- translational projects ----


class TranslationOut(Schema):
    id: int
    title: str
    origin: int = Field(..., alias="origin_id")
    team_lead: str
    field: str
    product_type: str
    gate: str
    gate_passed_on: dt.date | None
    incubator: int | None = Field(None, alias="incubator_id")
    landing_region: int | None = Field(None, alias="landing_region_id")
    company: int | None = Field(None, alias="company_id")
    row_version: int


class TranslationIn(Schema):
    title: str = Field(..., min_length=1, max_length=160)
    origin: int
    team_lead: str = Field(..., min_length=1)
    field: str = ""
    product_type: str
    incubator: int | None = None
    landing_region: str | None = None
    description: str = ""


@router.get("/translation", response=list[TranslationOut], summary="成果转化项目")
def list_translation(request: HttpRequest, gate: str = "") -> Any:
    return list(queries.translation_list(user=request.user, gate=gate)[:500])


@router.post("/translation", response={201: TranslationOut}, summary="新建成果转化项目")
def create_translation(request: SignedInRequest, payload: TranslationIn) -> Any:
    if not queries.can_edit(request.user):
        raise HttpError(403, "当前角色只能查看，不能修改项目")
    data = payload.dict()
    data["origin"] = _reference(
        request, Organisation, data["origin"], field="origin", label="成果来源机构"
    )
    if data["incubator"] is not None:
        data["incubator"] = _reference(
            request, Organisation, data["incubator"], field="incubator", label="孵化地"
        )
    _resolve(
        request, {"target_region": data.get("landing_region")} if data.get("landing_region") else {}
    )
    if data.get("landing_region"):
        data["landing_region"] = Region.objects.get(code=data["landing_region"])
    try:
        project = translational.translation_create(data=data, by=request.user)
    except ValidationError as exc:
        raise _refusal(exc) from exc
    return Status(201, project)


def _translation_editable(request: HttpRequest, pk: int) -> Any:
    project = queries.access_translation(request.user, pk)
    if not queries.can_edit(request.user):
        raise HttpError(403, "当前角色只能查看，不能修改项目")
    return project


class GateIn(Schema):
    to_gate: str
    passed_on: dt.date
    evidence: dict[str, str] = {}
    phase: str = ""
    note: str = ""
    row_version: int | None = None


@router.post("/translation/{project_id}/gates", response=TranslationOut, summary="通过关口")
def pass_gate(request: SignedInRequest, project_id: int, payload: GateIn) -> Any:
    project = _translation_editable(request, project_id)
    try:
        return translational.translation_pass_gate(
            project=project, by=request.user, **payload.dict()
        )
    except ValidationError as exc:
        raise _refusal(exc) from exc


class TrancheIn(Schema):
    kind: FundingKind
    amount: Decimal = Field(..., gt=0)
    currency: Currency = Currency.CNY
    granted_on: dt.date
    converts_on_gate: str = ""
    provider: int | None = None


class TrancheOut(Schema):
    id: int
    kind: str
    amount: Decimal
    currency: str
    granted_on: dt.date
    converts_on_gate: str
    converted_on: dt.date | None
    equity_percent: Decimal | None


@router.post("/translation/{project_id}/funding", response={201: TrancheOut}, summary="登记资金")
def add_tranche(request: SignedInRequest, project_id: int, payload: TrancheIn) -> Any:
    project = _translation_editable(request, project_id)
    data = payload.dict()
    provider_id = data.pop("provider")
    provider = (
        _reference(request, Organisation, provider_id, field="provider", label="出资方")
        if provider_id
        else None
    )
    try:
        tranche = translational.funding_tranche_add(
            project=project, by=request.user, provider=provider, **data
        )
    except ValidationError as exc:
        raise _refusal(exc) from exc
    return Status(201, tranche)


class TrancheConvertIn(Schema):
    converted_on: dt.date
    equity_percent: Decimal


@router.post(
    "/translation/{project_id}/funding/{tranche_id}/convert",
    response=TrancheOut,
    summary="拨款转股权",
)
def convert_tranche(
    request: SignedInRequest, project_id: int, tranche_id: int, payload: TrancheConvertIn
) -> Any:
    project = _translation_editable(request, project_id)
    tranche = project.tranches.filter(pk=tranche_id).first()
    if tranche is None:
        raise HttpError(404, "资金记录不存在")
    try:
        return translational.funding_convert(tranche=tranche, by=request.user, **payload.dict())
    except ValidationError as exc:
        raise _refusal(exc) from exc


class BookingIn(Schema):
    service: int
    booked_on: dt.date
    note: str = ""


@router.post("/translation/{project_id}/bookings", response={201: dict}, summary="预约平台服务")
def add_booking(request: SignedInRequest, project_id: int, payload: BookingIn) -> Any:
    project = _translation_editable(request, project_id)
    service = _reference(request, Service, payload.service, field="service", label="平台服务")
    booking = translational.service_booking_create(
        project=project,
        service=service,
        booked_on=payload.booked_on,
        note=payload.note,
        by=request.user,
    )
    return Status(201, {"id": booking.pk, "status": booking.status})


class CompanyIn(Schema):
    name: str = Field(..., min_length=1, max_length=120)
    uscc: str


@router.post(
    "/translation/{project_id}/company", response={201: dict}, summary="成立企业并登记到名录"
)
def add_company(request: SignedInRequest, project_id: int, payload: CompanyIn) -> Any:
    project = _translation_editable(request, project_id)
    try:
        company = translational.form_company(
            project=project, name=payload.name, uscc=payload.uscc, by=request.user
        )
    except ValidationError as exc:
        raise _refusal(exc) from exc
    return Status(201, {"organisation_id": company.pk, "uscc": company.uscc})
