"""Writes to translational projects (成果转化项目): gates, bookings, funding, forming a company.

`form_company(*, project, name, uscc, by, region=None) -> Organisation` creates the enterprise in
the register (through the registry's own service, so it is validated and audited there) and
links it to the project; if the register already holds that uscc, the existing record is linked.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from yiqiao.accounts.models import User
from yiqiao.core.audit import audit_record, snapshot
from yiqiao.core.models import AuditEvent
from yiqiao.core.transitions import versioned_change
from yiqiao.core.uscc import uscc_normalise, uscc_problem
from yiqiao.core.values import FieldValues
from yiqiao.registry import services as registry_services
from yiqiao.registry.models import Organisation, Region, Service

from ..engine import funding, gates
from ..models import FundingTranche, GateRecord, ServiceBooking, TranslationProject
from .checks import check_amount, check_not_future


def _actor(by: User) -> Any:
    return by if getattr(by, "pk", None) else None


@transaction.atomic
def translation_create(*, data: FieldValues, by: User) -> TranslationProject:
    """Create a translational project (before its first gate)."""
    project = TranslationProject(**data)
    if project.owner_unit_id is None and getattr(by, "org_unit_id", None):
        project.owner_unit_id = by.org_unit_id
    if project.owner_id is None and getattr(by, "pk", None):
        project.owner = by
    if project.incubator is not None and project.incubator.kind != Organisation.Kind.INCUBATOR:
        raise ValidationError("孵化地须为名录中类型为“孵化器/离岸创新中心”的机构")
    project.gate = ""
    project.full_clean()
    project.save()
    audit_record(
        actor=by, action=AuditEvent.Action.CREATE, instance=project, after=snapshot(project)
    )
    return project


def translation_pass_gate(
    *,
    project: TranslationProject,
    to_gate: str,
    passed_on: dt.date,
    evidence: dict[str, str],
    by: User,
    phase: str = "",
    note: str = "",
    row_version: int | None = None,
) -> TranslationProject:
    """Record passing `to_gate` once every entry criterion has evidence (engine.gates)."""
    with versioned_change(
        TranslationProject,
        project.pk,
        by=by,
        row_version=row_version,
        action=AuditEvent.Action.TRANSITION,
        stale_message="该项目已被他人修改，请刷新后重试；您的修改未保存",
    ) as change:
        current = change.instance
        check_not_future(passed_on, "通过日期")
        if current.gate_passed_on and passed_on < current.gate_passed_on:
            raise ValidationError(
                f"通过日期不能早于上一关口的通过日期（{current.gate_passed_on:%Y-%m-%d}）"
            )
        check = gates.check_gate(
            product_type=current.product_type,
            current_gate=current.gate,
            to_gate=to_gate,
            evidence=evidence,
            phase=phase,
        )
        if not check.allowed:
            raise ValidationError(check.message)
        required = gates.entry_criteria(to_gate, current.product_type)
        GateRecord.objects.create(
            project=current,
            gate=to_gate,
            passed_on=passed_on,
            evidence={k: evidence[k].strip()[:300] for k in required},
            phase=phase,
            note=note.strip()[:300],
            by=_actor(by),
        )
        current.gate = to_gate
        current.gate_passed_on = passed_on
        change.note = f"通过关口：{gates.gate_label(to_gate)}"
    return change.instance


@transaction.atomic
def service_booking_create(
    *, project: TranslationProject, service: Service, booked_on: dt.date, by: User, note: str = ""
) -> ServiceBooking:
    """Book a platform service (概念验证, CRO, CDMO, 中试…) for the project."""
    booking = ServiceBooking.objects.create(
        project=project, service=service, booked_on=booked_on, note=note.strip()[:300]
    )
    audit_record(
        actor=by, action=AuditEvent.Action.CREATE, instance=booking, after=snapshot(booking)
    )
    return booking


#: Where an open booking may go: booked → started, done or cancelled; started → done or
#: cancelled. Done and cancelled are final.
BOOKING_MOVES: dict[str, tuple[str, ...]] = {
    ServiceBooking.Status.BOOKED: (
        ServiceBooking.Status.IN_PROGRESS,
        ServiceBooking.Status.DONE,
        ServiceBooking.Status.CANCELLED,
    ),
    ServiceBooking.Status.IN_PROGRESS: (
        ServiceBooking.Status.DONE,
        ServiceBooking.Status.CANCELLED,
    ),
}


@transaction.atomic
def service_booking_close(
    *, booking: ServiceBooking, status: str, by: User, note: str = ""
) -> ServiceBooking:
    """Record what became of a booking: started, done, or cancelled (a no-show included).

    The service's platform operator or an officer who may change the project does this; a
    booking already done or cancelled stays as it is. ``note`` is appended to the booking's
    note, so what was booked and how it ended both remain readable.
    """
    from django.core.exceptions import PermissionDenied

    from yiqiao.core.access import CHANGE

    current = (
        ServiceBooking.objects.restrict(by, CHANGE)
        .select_for_update()
        .filter(pk=booking.pk)
        .first()
    )
    if current is None:
        raise PermissionDenied("无权处理该服务预约")
    allowed = BOOKING_MOVES.get(current.status, ())
    if not allowed:
        raise ValidationError(f"该预约已{current.get_status_display()}，不能再更改")
    if status not in allowed:
        labels = "、".join(str(ServiceBooking.Status(s).label) for s in allowed)
        raise ValidationError(f"该预约只能改为：{labels}")
    before = snapshot(current)
    current.status = status
    extra = note.strip()
    if extra:
        current.note = (f"{current.note}；{extra}" if current.note else extra)[:300]
    current.save(update_fields=["status", "note"])
    audit_record(
        actor=by,
        action=AuditEvent.Action.UPDATE,
        instance=current,
        before=before,
        after=snapshot(current),
    )
    return current


@transaction.atomic
def funding_tranche_add(
    *,
    project: TranslationProject,
    kind: str,
    amount: Decimal,
    granted_on: dt.date,
    by: User,
    currency: str = "CNY",
    provider: Organisation | None = None,
    converts_on_gate: str = "",
) -> FundingTranche:
    """Add a grant, equity or angel tranche; a grant names the gate that converts it."""
    check_not_future(granted_on, "拨付日期")
    check_amount(amount, "金额")
    if amount <= 0:
        raise ValidationError("金额须大于0")
    if kind not in FundingTranche.Kind.values:
        raise ValidationError(f"未知的资金类型“{kind}”")
    if kind == funding.GRANT:
        if converts_on_gate not in gates.gates_for(project.product_type):
            raise ValidationError("拨投结合的拨款须约定转股节点（本项目适用的关口之一）")
    elif converts_on_gate:
        raise ValidationError("只有财政拨款可以约定转股节点")
    tranche = FundingTranche.objects.create(
        project=project,
        kind=kind,
        amount=amount,
        currency=currency,
        granted_on=granted_on,
        provider=provider,
        converts_on_gate=converts_on_gate,
    )
    audit_record(
        actor=by, action=AuditEvent.Action.CREATE, instance=tranche, after=snapshot(tranche)
    )
    return tranche


def funding_convert(
    *, tranche: FundingTranche, converted_on: dt.date, equity_percent: Decimal, by: User
) -> FundingTranche:
    """Convert a grant tranche to equity once its gate has been passed (engine.funding)."""
    with versioned_change(
        FundingTranche.objects.select_related("project"),
        tranche.pk,
        by=by,
        action=AuditEvent.Action.TRANSITION,
        note="拨款转股权",
    ) as change:
        current = change.instance
        check_not_future(converted_on, "转股日期")
        passed = frozenset(current.project.gate_records.values_list("gate", flat=True))
        check = funding.check_conversion(
            funding.TrancheFacts(
                kind=current.kind,
                amount=current.amount,
                converts_on_gate=current.converts_on_gate,
                is_converted=current.is_converted,
                product_type=current.project.product_type,
                passed_gates=passed,
            ),
            equity_percent=equity_percent,
        )
        if not check.allowed:
            raise ValidationError(check.message)
        current.converted_on = converted_on
        current.equity_percent = equity_percent
        current.converted_by = _actor(by)
    return change.instance


def form_company(
    *, project: TranslationProject, name: str, uscc: str, by: User, region: Region | None = None
) -> Organisation:
    """Create (or link) the company formed from the project, with a valid uscc."""
    with versioned_change(TranslationProject, project.pk, by=by) as change:
        current = change.instance
        if current.company_id:
            raise ValidationError("该项目已关联成立的企业")
        code = uscc_normalise(uscc)
        problem = uscc_problem(code)
        if problem:
            raise ValidationError(f"统一社会信用代码无效：{problem.message}")
        existing = Organisation.objects.filter(uscc=code).first()
        if existing is not None:
            company = existing
        else:
            place = region or current.landing_region
            if place is None:
                raise ValidationError("请指定企业注册区域（或先填写项目的落地区域）")
            company = registry_services.organisation_create(
                data={
                    "name": name.strip(),
                    "uscc": code,
                    "kind": Organisation.Kind.ENTERPRISE,
                    "region": place,
                    "description": f"由成果转化项目“{current.title}”成立",
                },
                by=by,
            )
        current.company = company
    return company
