"""A need's life cycle after intake: accept, assign, respond, resolve, convert, close, follow up. Every step goes through ``engine.workflow.next_state`` and leaves a DemandTransition row and an audit event."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Model
from django.utils import timezone

from yiqiao.accounts.models import OrgUnit, User
from yiqiao.core.audit import audit_record, snapshot
from yiqiao.core.models import AuditEvent
from yiqiao.core.scope import user_scope
from yiqiao.core.transitions import check_version, lock, record_change

from .. import summary
from ..engine import workflow
from ..models import (
    TEXT_MAX_CHARS,
    Conversion,
    Demand,
    DemandTransition,
    FollowUp,
    Response,
)


def check_can_handle(user: User) -> None:
    """Accepting, answering and closing needs is work for officers and admins."""
    if not (getattr(user, "is_superuser", False) or user.can_edit_register):
        raise PermissionDenied("当前角色无权办理需求")


# ---- life cycle ---------------------------------------------------------------------------


def _locked(demand: Demand, row_version: int | None) -> Demand:
    current = lock(Demand, demand.pk)
    check_version(current, row_version, "该需求已被他人处理，请刷新后重试（您的操作未保存）")
    return current


def _step(
    current: Demand,
    event: str,
    *,
    by: User,
    note: str = "",
    satisfaction: int | None = None,
    changes: dict[str, Any] | None = None,
) -> workflow.Step:
    """Apply one workflow event to a locked demand: state, fields, transition row, audit."""
    try:
        step = workflow.next_state(current.state, event, satisfaction=satisfaction)
    except workflow.TransitionError as exc:
        raise ValidationError(str(exc)) from exc
    # The cockpit's need figures follow the change, in its transaction.
    tracker = summary.Tracker()
    tracker.before(current)
    with record_change(current, by=by, action=AuditEvent.Action.TRANSITION) as change:
        current.state = step.to_state
        for key, value in (changes or {}).items():
            setattr(current, key, value)
        change.note = (
            f"{workflow.EVENT_LABELS[event]}：{workflow.STATE_LABELS[step.from_state]}→"
            f"{workflow.STATE_LABELS[step.to_state]}" + (f"（{note}）" if note else "")
        )
    tracker.after(current)
    DemandTransition.objects.create(
        demand=current,
        event=event,
        from_state=step.from_state,
        to_state=step.to_state,
        by=by,
        note=note[:300],
    )
    return step


def _check_assignee(assignee: Any, demand: Demand) -> None:
    if not (assignee.is_superuser or assignee.role in {"officer", "admin"}):
        raise ValidationError({"assignee": "承办人须为业务人员或管理员"})
    scope = user_scope(assignee)
    org = demand.organisation
    if not (
        scope.everything
        or org.region_id in scope.region_ids
        or (org.park_id is not None and org.park_id in scope.region_ids)
        or (demand.unit_id is not None and assignee.org_unit_id == demand.unit_id)
    ):
        raise ValidationError({"assignee": f"{assignee}不负责该机构所在区域，不能承办"})


@transaction.atomic
def demand_accept(*, demand: Demand, by: User, row_version: int | None = None) -> Demand:
    """Accept (受理) a submitted need; the acceptor's unit takes it if none was routed."""
    check_can_handle(by)
    current = _locked(demand, row_version)
    changes: dict[str, Any] = {"accepted_at": timezone.now()}
    if current.unit_id is None and getattr(by, "org_unit_id", None):
        changes["unit_id"] = by.org_unit_id
    _step(current, workflow.ACCEPT, by=by, changes=changes)
    return current


@transaction.atomic
def demand_assign(
    *, demand: Demand, by: User, assignee: User, row_version: int | None = None, note: str = ""
) -> Demand:
    """Give an accepted need to an officer who answers it."""
    check_can_handle(by)
    current = _locked(demand, row_version)
    _check_assignee(assignee, current)
    _step(
        current,
        workflow.ASSIGN,
        by=by,
        note=note or f"承办人：{assignee}",
        changes={"assignee": assignee},
    )
    return current


@transaction.atomic
def demand_reassign(
    *,
    demand: Demand,
    by: User,
    unit: OrgUnit,
    assignee: User | None = None,
    note: str = "",
    row_version: int | None = None,
) -> Demand:
    """Hand a need to another org unit (and optionally a person there); the state is kept."""
    check_can_handle(by)
    current = _locked(demand, row_version)
    if current.state not in workflow.REASSIGNABLE_STATES:
        raise ValidationError(f"需求当前为“{workflow.STATE_LABELS[current.state]}”，不能改派")
    if assignee is not None:
        if assignee.org_unit_id != unit.pk:
            raise ValidationError({"assignee": "承办人须属于改派后的责任单元"})
        _check_assignee(assignee, current)
    before = snapshot(current)
    tracker = summary.Tracker()
    tracker.before(current)
    current.unit = unit
    current.assignee = assignee
    current.row_version = F("row_version") + 1
    current.save()
    current.refresh_from_db()
    tracker.after(current)
    DemandTransition.objects.create(
        demand=current,
        event="reassign",
        from_state=current.state,
        to_state=current.state,
        by=by,
        note=(note or f"改派至{unit}")[:300],
    )
    audit_record(
        actor=by,
        action=AuditEvent.Action.UPDATE,
        instance=current,
        before=before,
        after=snapshot(current),
        note=f"改派至{unit}" + (f"（{note}）" if note else ""),
    )
    return current


def _ensure_assigned(current: Demand, by: User) -> None:
    """An officer answering a need that nobody has taken yet accepts and takes it first."""
    if current.state == workflow.SUBMITTED:
        changes: dict[str, Any] = {"accepted_at": timezone.now()}
        if current.unit_id is None and getattr(by, "org_unit_id", None):
            changes["unit_id"] = by.org_unit_id
        _step(current, workflow.ACCEPT, by=by, changes=changes, note="响应时自动受理")
    if current.state == workflow.ACCEPTED:
        _check_assignee(by, current)
        _step(current, workflow.ASSIGN, by=by, changes={"assignee": by}, note="响应人自行承办")


@transaction.atomic
def demand_respond(
    *,
    demand: Demand,
    by: User,
    text: str,
    resource_kind: str = "",
    resource_key: str = "",
    resource_title: str = "",
    reasons: Sequence[str] = (),
    row_version: int | None = None,
) -> Response:
    """Answer a need (a referral when it names a resource). A referral to a resource already
    recommended on this demand returns the existing response instead of a second one.
    """
    check_can_handle(by)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "响应内容不能为空"})
    if len(text) > TEXT_MAX_CHARS:
        raise ValidationError({"text": f"响应内容请控制在{TEXT_MAX_CHARS}字以内"})
    current = _locked(demand, row_version)
    if resource_key:
        existing = Response.objects.filter(demand=current, resource_key=resource_key).first()
        if existing is not None:
            return existing
    _ensure_assigned(current, by)
    changes: dict[str, Any] = {}
    if current.responded_at is None:
        changes["responded_at"] = timezone.now()
    _step(
        current,
        workflow.RESPOND,
        by=by,
        changes=changes,
        note=f"推荐：{resource_title}" if resource_key else "",
    )
    try:
        with transaction.atomic():
            response = Response.objects.create(
                demand=current,
                text=text,
                is_referral=bool(resource_key),
                resource_kind=resource_kind,
                resource_key=resource_key[:80],
                resource_title=resource_title[:200],
                reasons=list(reasons),
                by=by,
            )
    except IntegrityError as exc:  # a concurrent click on the same suggestion
        raise ValidationError("该资源已推荐过") from exc
    audit_record(
        actor=by, action=AuditEvent.Action.CREATE, instance=response, after=snapshot(response)
    )
    demand.refresh_from_db()
    return response


@transaction.atomic
def demand_resolve(
    *, demand: Demand, by: User, note: str = "", row_version: int | None = None
) -> Demand:
    """Mark a responded need as resolved (办结)."""
    check_can_handle(by)
    current = _locked(demand, row_version)
    _step(current, workflow.RESOLVE, by=by, note=note, changes={"resolved_at": timezone.now()})
    return current


@transaction.atomic
def demand_convert(
    *,
    demand: Demand,
    by: User,
    kind: str,
    on: date | None = None,
    amount_yuan: Decimal | None = None,
    response: Response | None = None,
    target: Model | None = None,
    note: str = "",
    row_version: int | None = None,
) -> Conversion:
    """Record what the need became. A responded need is resolved first (two audited steps);
    a converted need may record further conversions (a lease and a policy award)."""
    check_can_handle(by)
    if kind not in Conversion.Kind.values:
        raise ValidationError({"kind": f"未知的转化类型：{kind}"})
    if amount_yuan is not None and amount_yuan < 0:
        raise ValidationError({"amount_yuan": "金额不能为负数"})
    current = _locked(demand, row_version)
    if response is not None and response.demand_id != current.pk:
        raise ValidationError({"response": "该响应不属于本需求"})
    if current.state == workflow.RESPONDED:
        _step(
            current,
            workflow.RESOLVE,
            by=by,
            changes={"resolved_at": timezone.now()},
            note="登记转化时办结",
        )
    changes: dict[str, Any] = {}
    if current.converted_at is None:
        changes["converted_at"] = timezone.now()
    label = Conversion.Kind(kind).label
    _step(current, workflow.CONVERT, by=by, changes=changes, note=str(label))
    conversion = Conversion(
        demand=current,
        kind=kind,
        amount_yuan=amount_yuan,
        response=response,
        note=note[:300],
        on=on or timezone.localdate(),
        by=by,
    )
    if target is not None:
        conversion.target = target
    conversion.full_clean(exclude=["target_type", "target_id"])
    conversion.save()
    audit_record(
        actor=by, action=AuditEvent.Action.CREATE, instance=conversion, after=snapshot(conversion)
    )
    if kind == Conversion.Kind.SPACE_LEASE:
        _space_leased(conversion, by=by)
    demand.refresh_from_db()
    return conversion


def _space_leased(conversion: Conversion, *, by: User) -> None:
    """A recorded lease takes its space off the market (issue 13: it was left 可招商 and kept
    being suggested). The space is the conversion's target, or the referred resource."""
    from yiqiao.core.transitions import versioned_change
    from yiqiao.registry.models import Space

    space_id: int | None = None
    if isinstance(conversion.target, Space):
        space_id = conversion.target.pk
    elif conversion.response is not None and conversion.response.resource_key.startswith("space:"):
        raw = conversion.response.resource_key.split(":", 1)[1]
        space_id = int(raw) if raw.isdigit() else None
    if space_id is None or not Space.objects.filter(pk=space_id).exists():
        return
    with versioned_change(Space, space_id, by=by, note="需求转化：载体租赁") as change:
        change.instance.status = "leased"
        change.instance.is_available = False


@transaction.atomic
def demand_close(*, demand: Demand, by: User, note: str, row_version: int | None = None) -> Demand:
    """Close a need without a conversion; a note saying why is required."""
    check_can_handle(by)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "关闭需求须说明原因"})
    current = _locked(demand, row_version)
    _step(current, workflow.CLOSE, by=by, note=note, changes={"closed_at": timezone.now()})
    return current


@transaction.atomic
def demand_follow_up(
    *,
    demand: Demand,
    by: User,
    satisfaction: int,
    on: date | None = None,
    note: str = "",
    row_version: int | None = None,
) -> FollowUp:
    """Record a follow-up visit (回访). Satisfaction ≤ 2 reopens the need for its assignee."""
    check_can_handle(by)
    current = _locked(demand, row_version)
    step = _step(
        current,
        workflow.FOLLOW_UP,
        by=by,
        satisfaction=satisfaction,
        note=f"满意度{satisfaction}分" + ("，不满意，重新办理" if satisfaction <= 2 else ""),
    )
    follow_up = FollowUp.objects.create(
        demand=current,
        on=on or timezone.localdate(),
        satisfaction=satisfaction,
        note=(note or "")[:500],
        is_reopened=step.is_reopened,
        by=by,
    )
    summary.follow_up_added(follow_up, current)
    audit_record(
        actor=by, action=AuditEvent.Action.CREATE, instance=follow_up, after=snapshot(follow_up)
    )
    demand.refresh_from_db()
    return follow_up
