"""The cultivation ladder's JSON API: enterprises per rung, a rung's candidates with their gaps,
recognitions (read and record), 高企 due for re-certification, targets with realised counts, the
上市后备库 (read, advance), product approvals and talent teams (record)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from yiqiao.accounts.models import User
from yiqiao.core.access import VIEW, access_object, resolve_reference
from yiqiao.registry.models import Organisation

from . import queries, services
from .criteria import SCREENED_RUNGS
from .models import ListingCandidate

router = Router(tags=["梯度培育"])


def _staff(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    if not (user.is_superuser or user.is_staff_role):
        raise HttpError(403, "梯度培育接口仅对工作人员开放")
    return user


def _refusal(error: Exception) -> HttpError:
    if isinstance(error, PermissionDenied):
        return HttpError(403, str(error) or "当前角色无权执行此操作")
    assert isinstance(error, ValidationError)
    if hasattr(error, "error_dict"):
        return HttpError(422, "；".join(m for ms in error.message_dict.values() for m in ms))
    return HttpError(422, "；".join(error.messages))


class LadderRungOut(Schema):
    rung: str
    enterprises: int


class LadderCriterionOut(Schema):
    label: str
    state: str
    text: str
    gap: float | None


class LadderCandidateOut(Schema):
    organisation_id: int
    organisation: str
    failed: int
    missing: int
    criteria: list[LadderCriterionOut]


class LadderCandidatesOut(Schema):
    rung: str
    criteria_title: str
    criteria_source: str
    considered: int
    by_unmet: list[int]
    candidates: list[LadderCandidateOut]


class LadderRecognitionOut(Schema):
    id: int
    organisation_id: int
    organisation: str
    rung: str
    certificate_number: str
    recognised_on: dt.date
    expires_on: dt.date | None
    evidence: str
    skip_basis: str
    is_revoked: bool


class LadderRecognitionIn(Schema):
    rung: str = Field(max_length=20)
    recognised_on: dt.date
    certificate_number: str = Field("", max_length=60)
    expires_on: dt.date | None = None
    issuer: str = Field("", max_length=120)
    evidence: str = Field("", max_length=300)
    skip_basis: str = Field("", max_length=300)


class LadderTargetOut(Schema):
    id: int
    region: str
    year: int
    metric: str
    target: int
    realised: int


class ListingCandidateOut(Schema):
    id: int
    organisation_id: int
    organisation: str
    board: str
    stage: str
    stage_on: dt.date
    entered_on: dt.date
    sponsor: str
    stock_code: str
    row_version: int


class ListingAdvanceIn(Schema):
    to_stage: str = Field(max_length=20)
    on: dt.date
    stock_code: str = Field("", max_length=20)
    row_version: int | None = None


class ApprovalIn(Schema):
    organisation_id: int
    kind: str = Field(max_length=20)
    data: dict[str, Any]


class ApprovalOut(Schema):
    id: int
    organisation_id: int
    kind: str
    data: dict[str, Any]
    recorded_on: dt.date


class TalentTeamIn(Schema):
    name: str = Field(max_length=120)
    leader: str = Field(max_length=60)
    level: str = Field(max_length=20)
    host_id: int
    brought_in_on: dt.date
    field: str = Field("", max_length=120)
    members: int = Field(1, ge=1, le=10_000)
    project_id: int | None = None
    platform_id: int | None = None
    support_yuan: Decimal = Field(Decimal(0), ge=0, max_digits=16, decimal_places=2)
    support_note: str = Field("", max_length=300)
    policy_ids: list[int] = Field(default_factory=list, max_length=50)


class TalentTeamOut(Schema):
    id: int
    name: str
    leader: str
    level: str
    field: str
    members: int
    host_id: int
    project_id: int | None
    platform_id: int | None
    brought_in_on: dt.date
    support_yuan: Decimal


def _recognition_out(r: Any) -> dict[str, Any]:
    return {
        "id": r.pk, "organisation_id": r.organisation_id, "organisation": r.organisation.name,
        "rung": r.rung, "certificate_number": r.certificate_number,
        "recognised_on": r.recognised_on, "expires_on": r.expires_on, "evidence": r.evidence,
        "skip_basis": r.skip_basis, "is_revoked": r.is_revoked,
    }  # fmt: skip


def _listing_out(c: ListingCandidate) -> dict[str, Any]:
    return {
        "id": c.pk, "organisation_id": c.organisation_id, "organisation": c.organisation.name,
        "board": c.board, "stage": c.stage, "stage_on": c.stage_on, "entered_on": c.entered_on,
        "sponsor": c.sponsor, "stock_code": c.stock_code, "row_version": c.row_version,
    }  # fmt: skip


@router.get("/ladder", response=list[LadderRungOut], summary="各梯度层级企业数")
def ladder_counts(request: HttpRequest) -> Any:
    counts = queries.ladder_counts(_staff(request), timezone.localdate())
    return [{"rung": rung, "enterprises": n} for rung, n in counts.items()]


@router.get(
    "/candidates/{rung}", response=LadderCandidatesOut, summary="某层级候选企业（按差距排序）"
)
def ladder_candidates(request: HttpRequest, rung: str, limit: int = 50) -> Any:
    user = _staff(request)
    if rung not in SCREENED_RUNGS:
        raise HttpError(404, "该层级没有候选名单")
    page = queries.rung_candidates(user, rung, timezone.localdate(), limit=max(1, min(limit, 200)))
    return {
        "rung": rung,
        "criteria_title": page.criteria.policy.title,
        "criteria_source": page.criteria.source_label,
        "considered": page.considered,
        "by_unmet": list(page.by_unmet),
        "candidates": [
            {
                "organisation_id": row.organisation.pk,
                "organisation": row.organisation.name,
                "failed": row.failed,
                "missing": row.missing,
                "criteria": [
                    {"label": c.label, "state": c.state, "text": c.text, "gap": c.gap}
                    for c in row.criteria
                ],
            }  # fmt: skip
            for row in page.rows
        ],
    }


@router.get(
    "/organisations/{organisation_id}/recognitions",
    response=list[LadderRecognitionOut],
    summary="企业的梯度认定记录",
)
def recognition_list(request: HttpRequest, organisation_id: int) -> Any:
    user = _staff(request)
    organisation = access_object(Organisation, user, organisation_id, VIEW)
    return [_recognition_out(r) for r in organisation.recognitions.select_related("organisation")]


@router.post(
    "/organisations/{organisation_id}/recognitions",
    response={201: LadderRecognitionOut},
    summary="登记梯度认定（证书）",
)
def recognition_create(
    request: HttpRequest, organisation_id: int, payload: LadderRecognitionIn
) -> Any:
    user = _staff(request)
    organisation = access_object(Organisation, user, organisation_id, "change")
    try:
        recognition = services.recognition_record(
            organisation=organisation,
            data=services.RecognitionInput(**payload.dict()),
            by=user,
        )
    except (ValidationError, PermissionDenied) as error:
        raise _refusal(error) from error
    return Status(201, _recognition_out(recognition))


@router.get(
    "/recertification", response=list[LadderRecognitionOut], summary="即将到期需重新认定的高企"
)
def recertification(request: HttpRequest, within_days: int = 90) -> Any:
    user = _staff(request)
    days = max(0, min(within_days, 366))
    due = queries.recertification_due(user, timezone.localdate(), within_days=days)[:500]
    return [_recognition_out(r) for r in due]


@router.get("/targets", response=list[LadderTargetOut], summary="年度培育目标与完成数")
def targets(request: HttpRequest, year: int | None = None) -> Any:
    user = _staff(request)
    chosen = year if year is not None and 2000 <= year <= 2100 else timezone.localdate().year
    return [
        {
            "id": p.target.pk,
            "region": p.target.region.code,
            "year": p.target.year,
            "metric": p.target.metric,
            "target": p.target.target,
            "realised": p.realised,
        }  # fmt: skip
        for p in queries.target_progress(user, chosen)
    ]


@router.get("/pool", response=list[ListingCandidateOut], summary="上市后备库")
def pool(request: HttpRequest) -> Any:
    return [_listing_out(c) for c in queries.listing_list(_staff(request))]


@router.post("/pool/{candidate_id}/advance", response=ListingCandidateOut, summary="推进上市进程")
def pool_advance(request: HttpRequest, candidate_id: int, payload: ListingAdvanceIn) -> Any:
    user = _staff(request)
    candidate = access_object(
        ListingCandidate.objects.select_related("organisation"), user, candidate_id, "change"
    )
    try:
        moved = services.listing_advance(candidate=candidate, by=user, **payload.dict())
    except (ValidationError, PermissionDenied) as error:
        raise _refusal(error) from error
    return _listing_out(moved)


@router.post("/approvals", response={201: ApprovalOut}, summary="登记产品获批（注册证、批件）")
def approval_create(request: HttpRequest, payload: ApprovalIn) -> Any:
    user = _staff(request)
    try:
        organisation = resolve_reference(
            Organisation, user, payload.organisation_id, label="企业", action="change",
            field="organisation_id",
        )  # fmt: skip
        record = services.approval_record(
            organisation=organisation, kind=payload.kind, data=payload.data, by=user
        )
    except (ValidationError, PermissionDenied) as error:
        raise _refusal(error) from error
    return Status(
        201,
        {
        "id": record.pk, "organisation_id": record.organisation_id, "kind": record.field,
        "data": record.data, "recorded_on": record.recorded_on,
    },
    )  # fmt: skip


def _team_out(t: Any) -> dict[str, Any]:
    return {
        "id": t.pk, "name": t.name, "leader": t.leader, "level": t.level, "field": t.field,
        "members": t.members, "host_id": t.host_id, "project_id": t.project_id,
        "platform_id": t.platform_id, "brought_in_on": t.brought_in_on,
        "support_yuan": t.support_yuan,
    }  # fmt: skip


@router.get("/teams", response=list[TalentTeamOut], summary="人才团队")
def team_list(request: HttpRequest) -> Any:
    return [_team_out(t) for t in queries.talent_team_list(_staff(request))]


@router.post("/teams", response={201: TalentTeamOut}, summary="登记人才团队")
def team_create(request: HttpRequest, payload: TalentTeamIn) -> Any:
    user = _staff(request)
    values = payload.dict()
    values["policy_ids"] = tuple(values["policy_ids"])
    try:
        team = services.talent_team_create(data=services.TeamInput(**values), by=user)
    except (ValidationError, PermissionDenied) as error:
        raise _refusal(error) from error
    return Status(201, _team_out(team))
