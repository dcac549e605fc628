"""Policy API: the library, the calculator for one organisation, screening runs and their lists.

Same queries and services as the pages; 403/404/409/422 with Chinese messages.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from yiqiao.accounts.http import SignedInRequest
from yiqiao.core.apischema import page_field
from yiqiao.core.scope import user_scope
from yiqiao.registry.queries import access_organisation

from . import exports, queries, services, versions, wording
from .models import Policy, ScreeningRun
from .services import screening
from .templatetags.policy_words import field_label

router = Router(tags=["policies 政策"])


class PolicyFilterIn(Schema):
    q: str = ""
    status: str = ""
    delivery: str = ""
    group: str = ""
    category: str = ""
    page: int = page_field()
    per_page: int = Field(50, ge=1, le=200)


class PolicyOut(Schema):
    id: int
    code: str
    title: str
    category: str
    summary: str
    document: str
    document_number: str
    article: str
    delivery: str
    exclusive_group: str
    status: str
    is_fictional_sample: bool
    revision: int | None = None
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    row_version: int

    @staticmethod
    def resolve_revision(obj: Policy) -> int | None:
        return obj.current_version.number if obj.current_version else None

    @staticmethod
    def resolve_effective_from(obj: Policy) -> dt.date | None:
        return obj.current_version.effective_from if obj.current_version else None

    @staticmethod
    def resolve_effective_to(obj: Policy) -> dt.date | None:
        return obj.current_version.effective_to if obj.current_version else None


class PolicyPage(Schema):
    count: int
    page: int
    per_page: int
    results: list[PolicyOut]


class RevisionOut(Schema):
    number: int
    effective_from: dt.date
    effective_to: dt.date | None
    created_at: dt.datetime
    note: str
    summary: dict[str, Any]


class TestOut(Schema):
    name: str
    on: dt.date
    expected_status: str
    expected_amount: float | None
    status: str
    amount: float | None
    passed: bool
    message: str


class PolicyDetailOut(PolicyOut):
    yaml_text: str
    revisions: list[RevisionOut]
    tests: list[TestOut]
    publish_problems: list[str]


class PolicyTransitionIn(Schema):
    to_status: str
    row_version: int
    note: str = ""


class ConditionOut(Schema):
    depth: int
    kind: str
    field: str | None
    label: str
    state: str
    actual: str
    required: str
    gap: str
    text: str


class ExplanationOut(Schema):
    policy_id: int
    code: str
    title: str
    delivery: str
    status: str
    amount: float | None
    final_amount: float | None
    superseded: bool
    benefit_trace: str
    source: str
    missing_fields: list[str]
    missing_labels: list[str]
    is_near_miss: bool
    failing: list[str]
    conditions: list[ConditionOut]


class CalculatorOut(Schema):
    organisation_id: int
    on: dt.date
    total: float
    policies: list[ExplanationOut]


class RunIn(Schema):
    as_of: dt.date | None = None
    draft_policy_id: int | None = None


class RunOut(Schema):
    id: int
    status: str
    progress: int
    as_of: dt.date
    created_at: dt.datetime
    draft_policy_id: int | None
    enterprises: int
    eligible_count: int
    auto_count: int
    quick_count: int
    near_count: int
    total_amount: float
    auto_amount: float
    duration_seconds: float | None
    error: str
    per_policy: list[dict[str, Any]]


class ResultOut(Schema):
    organisation_id: int
    organisation: str = Field(..., alias="organisation.name")
    uscc: str | None = Field(None, alias="organisation.uscc")
    policy_id: int
    policy_code: str = Field(..., alias="policy.code")
    rule_version: int | None
    status: str
    delivery: str
    amount: float | None
    reasons: str
    missing_fields: list[str]


class ResultPage(Schema):
    count: int
    page: int
    per_page: int
    results: list[ResultOut]


class ResultFilterIn(Schema):
    list: str = Field("eligible", description="auto / eligible / quick / near")
    policy: int | None = None
    page: int = page_field()
    per_page: int = Field(100, ge=1, le=1000)


def _run_out(run: ScreeningRun) -> dict[str, Any]:
    data = {f: getattr(run, f) for f in RunOut.model_fields if hasattr(run, f)}
    data["total_amount"] = float(run.total_amount)
    data["auto_amount"] = float(run.auto_amount)
    return data


@router.get("/policies", response=PolicyPage, summary="政策列表")
def list_policies(request: HttpRequest, filters: Query[PolicyFilterIn]) -> dict[str, Any]:
    f = queries.PolicyFilters.from_mapping(filters.dict())
    qs = queries.policy_list(user=request.user, filters=f)
    start = (filters.page - 1) * filters.per_page
    return {
        "count": qs.count(),
        "page": filters.page,
        "per_page": filters.per_page,
        "results": list(qs[start : start + filters.per_page]),
    }


def _detail(request: HttpRequest, policy: Policy) -> dict[str, Any]:
    from . import engine

    data = PolicyOut.from_orm(policy).model_dump()
    tests = []
    if policy.current_version is not None:
        try:
            parsed = versions.engine_policy(policy.current_version)
            tests = [
                {
                    "name": t.case.name,
                    "on": t.case.on,
                    "expected_status": t.case.status,
                    "expected_amount": t.case.amount,
                    "status": t.status,
                    "amount": t.amount,
                    "passed": t.passed,
                    "message": t.message,
                }
                for t in engine.run_tests(parsed)
            ]
        except engine.PolicyError:
            tests = []
    data.update(
        yaml_text=policy.current_version.yaml_text if policy.current_version else "",
        revisions=list(queries.policy_versions(policy)),
        tests=tests,
        publish_problems=services.publish_problems(policy)
        if queries.can_manage_policy(request.user, policy)
        else [],
    )
    return data


@router.get(
    "/policies/{policy_id}", response=PolicyDetailOut, summary="政策详情（含修订历史与测试）"
)
def get_policy(request: HttpRequest, policy_id: int) -> dict[str, Any]:
    return _detail(request, queries.access_policy(request.user, policy_id))


@router.post(
    "/policies/{policy_id}/transition", response=PolicyOut, summary="政策状态变更（发布前运行测试）"
)
def transition_policy(
    request: SignedInRequest, policy_id: int, payload: PolicyTransitionIn
) -> Policy:
    try:
        policy = queries.access_policy(request.user, policy_id, for_edit=True)
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc
    if policy.row_version != payload.row_version:
        raise HttpError(409, "该政策已被他人修改，请刷新后重试")
    try:
        return services.policy_transition(
            policy=policy, to_status=payload.to_status, by=request.user, note=payload.note
        )
    except services.TransitionError as exc:
        raise HttpError(422, "\n".join(exc.messages)) from exc


@router.get(
    "/organisations/{org_id}/explain", response=CalculatorOut, summary="政策计算器：逐项判定与金额"
)
def explain_organisation(
    request: HttpRequest, org_id: int, on: dt.date | None = None
) -> dict[str, Any]:
    from .views import may_see_calculator

    organisation = access_organisation(request.user, org_id)
    if not may_see_calculator(request.user, organisation):
        raise HttpError(404, "机构不存在或无权查看")
    view = queries.organisation_calculator(organisation, on=on or timezone.localdate())
    items = []
    for policy, item in view.rows():
        e = item.explanation
        items.append(
            {
                "policy_id": policy.pk,
                "code": policy.code,
                "title": policy.title,
                "delivery": policy.delivery,
                "status": e.status,
                "amount": e.amount,
                "final_amount": item.final_amount,
                "superseded": item.superseded,
                "benefit_trace": e.benefit_trace,
                "source": e.source,
                "missing_fields": list(e.missing_fields),
                "missing_labels": [field_label(label) for label in e.missing_labels],
                "is_near_miss": e.is_near_miss,
                "failing": wording.failing(e) if e.status == "ineligible" else [],
                "conditions": [
                    {
                        "depth": c.depth,
                        "kind": c.kind,
                        "field": c.field,
                        "label": line.label,
                        "state": c.state,
                        "actual": line.actual,
                        "required": line.required,
                        "gap": line.gap,
                        "text": line.text,
                    }
                    for c, line in zip(e.conditions, wording.lines(e.conditions), strict=True)
                ],
            }
        )
    return {
        "organisation_id": organisation.pk,
        "on": view.on,
        "total": view.total,
        "policies": items,
    }


@router.post("/runs", response={201: RunOut}, summary="发起免申即享筛查（后台运行）")
def start_run(request: SignedInRequest, payload: RunIn) -> Any:
    if not queries.can_start_run(request.user):
        raise HttpError(403, "当前账号无权发起筛查")
    draft = None
    if payload.draft_policy_id is not None:
        draft = next(
            (p for p in queries.draft_choices(request.user) if p.pk == payload.draft_policy_id),
            None,
        )
        if draft is None:
            raise HttpError(422, "草案政策不存在，或不处于草稿/审核状态")
    try:
        run = screening.screening_run_create(
            by=request.user, as_of=payload.as_of or timezone.localdate(), draft_policy=draft
        )
    except (PermissionDenied, ValidationError) as exc:
        raise HttpError(422, str(exc)) from exc
    return Status(201, _run_out(run))


@router.get("/runs/{run_id}", response=RunOut, summary="筛查批次状态与分政策统计")
def get_run(request: HttpRequest, run_id: int) -> dict[str, Any]:
    return _run_out(queries.access_run(request.user, run_id))


@router.get("/runs/{run_id}/results", response=ResultPage, summary="筛查结果（分页）")
def run_results(
    request: HttpRequest, run_id: int, filters: Query[ResultFilterIn]
) -> dict[str, Any]:
    run = queries.access_run(request.user, run_id)
    if filters.list not in exports.RUN_LISTS:
        raise HttpError(422, "list 应为 auto、eligible、quick 或 near")
    qs = exports.run_list(run, filters.list, policy_id=filters.policy)
    start = (filters.page - 1) * filters.per_page
    return {
        "count": qs.count(),
        "page": filters.page,
        "per_page": filters.per_page,
        "results": list(qs[start : start + filters.per_page]),
    }


@router.get("/runs/{run_id}/export", summary="下载名单（.xlsx）")
def export_run(request: HttpRequest, run_id: int, list: str = "auto") -> HttpResponse:  # noqa: A002
    from .views import run_export

    if not user_scope(request.user).is_staff_role:
        raise HttpError(404, "筛查批次不存在或无权查看")
    return run_export(request, run_id, list)
