"""Grant-to-equity (拨投结合): the agreement's terms on a grant tranche, conversion at a
valuation once the milestone is met, and exits from the equity."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from yiqiao.accounts.models import User
from yiqiao.core.audit import audit_record, snapshot
from yiqiao.core.models import AuditEvent
from yiqiao.projects.engine import funding, gates
from yiqiao.projects.models import FundingTranche, GateRecord
from yiqiao.projects.services import translational as projects_translation
from yiqiao.registry.models import Organisation

from ..engine.grants import conversion_percent
from ..models import EquityExit, GrantTerms
from .common import check_not_future, check_positive_amount, require_editor


def _grant(tranche: FundingTranche) -> None:
    if tranche.kind != funding.GRANT:
        raise ValidationError("只有财政拨款（拨投结合）的资金有转股条款")


@transaction.atomic
def grant_terms_set(
    *,
    tranche: FundingTranche,
    by: User,
    milestone_due_on: dt.date | None,
    holder: Organisation | None = None,
) -> GrantTerms:
    """Record (or change) the date the conversion milestone is due and who holds the equity."""
    require_editor(by)
    _grant(tranche)
    if milestone_due_on is not None and milestone_due_on < tranche.granted_on:
        raise ValidationError("转股节点约定达成日期不能早于拨款日期")
    terms, created = GrantTerms.objects.select_for_update().get_or_create(tranche=tranche)
    before = None if created else snapshot(terms)
    terms.milestone_due_on = milestone_due_on
    terms.holder = holder
    terms.save()
    audit_record(
        actor=by,
        action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        instance=terms,
        before=before,
        after=snapshot(terms),
    )
    return terms


@transaction.atomic
def grant_convert(
    *, tranche: FundingTranche, converted_on: dt.date, valuation_yuan: Decimal, by: User
) -> FundingTranche:
    """Convert a grant to equity at a post-money valuation, once its milestone gate is passed.

    Refused before the milestone (the gate not passed, or a conversion date before the day it
    was passed); the equity percentage is the grant over the valuation."""
    require_editor(by)
    _grant(tranche)
    valuation = check_positive_amount(valuation_yuan, "转股时投后估值")
    passed = GateRecord.objects.filter(
        project_id=tranche.project_id, gate=tranche.converts_on_gate
    ).first()
    if passed is None:
        raise ValidationError(
            f"项目尚未通过约定的转股节点“{gates.gate_label(tranche.converts_on_gate)}”，暂不能转股"
        )
    if converted_on < passed.passed_on:
        raise ValidationError(
            f"转股日期早于转股节点“{gates.gate_label(tranche.converts_on_gate)}”的通过日期"
            f"（{passed.passed_on:%Y-%m-%d}），不能在节点达成前转股"
        )
    try:
        percent = conversion_percent(tranche.amount, valuation)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    converted = projects_translation.funding_convert(
        tranche=tranche, converted_on=converted_on, equity_percent=percent, by=by
    )
    terms, created = GrantTerms.objects.get_or_create(tranche=tranche)
    before = None if created else snapshot(terms)
    terms.valuation_yuan = valuation
    terms.save()
    audit_record(
        actor=by,
        action=AuditEvent.Action.UPDATE,
        instance=terms,
        before=before,
        after=snapshot(terms),
        note=f"按投后估值{valuation}元转股{percent}%",
    )
    return converted


@transaction.atomic
def equity_exit_record(
    *,
    tranche: FundingTranche,
    kind: str,
    exited_on: dt.date,
    percent_sold: Decimal,
    proceeds_yuan: Decimal,
    by: User,
    note: str = "",
) -> EquityExit:
    """Sell part or all of the equity a converted grant holds."""
    require_editor(by)
    current = FundingTranche.objects.select_for_update().get(pk=tranche.pk)
    if current.converted_on is None or current.equity_percent is None:
        raise ValidationError("该笔拨款尚未转股，没有可退出的股权")
    if kind not in EquityExit.Kind.values:
        raise ValidationError(f"未知的退出方式“{kind}”")
    if exited_on < current.converted_on:
        raise ValidationError("退出日期不能早于转股日期")
    check_not_future(exited_on, "退出日期")
    sold = Decimal(str(percent_sold))
    held = current.equity_percent - sum(
        current.equity_exits.values_list("percent_sold", flat=True), Decimal("0")
    )
    if not Decimal("0") < sold <= held:
        raise ValidationError(f"退出股比须大于0且不超过当前持有的{held}%")
    proceeds = Decimal(str(proceeds_yuan))
    if proceeds < 0:
        raise ValidationError("退出回款不能为负数")
    if kind != EquityExit.Kind.WRITE_OFF:
        check_positive_amount(proceeds, "退出回款")
    item = EquityExit.objects.create(
        tranche=current,
        kind=kind,
        exited_on=exited_on,
        percent_sold=sold,
        proceeds_yuan=proceeds,
        note=note.strip()[:300],
        by=by,
    )
    audit_record(actor=by, action=AuditEvent.Action.CREATE, instance=item, after=snapshot(item))
    return item
