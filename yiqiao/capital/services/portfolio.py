"""Investors' portfolio lines: from the register, news, imports, or a close recorded here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from yiqiao.accounts.models import User
from yiqiao.core.audit import audit_record, snapshot
from yiqiao.core.models import AuditEvent
from yiqiao.registry.models import Organisation
from yiqiao.vocab import INSTRUMENT, SECTOR, STAGE

from ..models import PortfolioHolding
from .common import check_investor, check_positive_amount, require_editor


@dataclass
class HoldingInput:
    investor: Organisation
    company_name: str
    source: str = PortfolioHolding.Source.REGISTER
    company: Organisation | None = None
    sectors: list[str] | None = None
    round: str = ""
    instrument: str = "equity"
    year: int | None = None
    invested_on: dt.date | None = None
    amount_yuan: Decimal | None = None
    source_ref: str = ""


def _check(data: HoldingInput) -> None:
    check_investor(data.investor)
    problems = []
    if not data.company_name.strip() and data.company is None:
        problems.append("请填写被投企业")
    if data.round and data.round not in STAGE:
        problems.append(f"未知的轮次“{data.round}”")
    if data.instrument not in INSTRUMENT:
        problems.append(f"未知的资金形式“{data.instrument}”")
    unknown = SECTOR.unknown(data.sectors or [])
    if unknown:
        problems.append(f"未知的领域：{'、'.join(unknown)}")
    if data.year is not None and not 1980 <= data.year <= 2100:
        problems.append(f"年份“{data.year}”不合理")
    if data.source not in PortfolioHolding.Source.values:
        problems.append(f"未知的来源“{data.source}”")
    if data.company is not None and data.company.pk == data.investor.pk:
        problems.append("投资方不能投资自身")
    if problems:
        raise ValidationError(problems)
    if data.amount_yuan is not None:
        check_positive_amount(data.amount_yuan, "投资金额")


def holding_write(data: HoldingInput, *, by: User | None) -> PortfolioHolding:
    """Create or update the line (investor, company, round): a second report of the same round
    (news after a close recorded here) updates it instead of counting it twice."""
    _check(data)
    name = (data.company.name if data.company is not None else data.company_name).strip()[:120]
    year = data.year or (data.invested_on.year if data.invested_on else None)
    holding, created = PortfolioHolding.objects.get_or_create(
        investor=data.investor,
        company_name=name,
        round=data.round,
        defaults={
            "company": data.company,
            "sectors": data.sectors or None,
            "instrument": data.instrument,
            "year": year,
            "invested_on": data.invested_on,
            "amount_yuan": data.amount_yuan,
            "source": data.source,
            "source_ref": data.source_ref[:300],
        },
    )
    if created:
        audit_record(
            actor=by, action=AuditEvent.Action.CREATE, instance=holding, after=snapshot(holding)
        )
        return holding
    before = snapshot(holding)
    holding.company = holding.company or data.company
    holding.sectors = holding.sectors or data.sectors or None
    holding.year = holding.year or year
    holding.invested_on = holding.invested_on or data.invested_on
    holding.amount_yuan = holding.amount_yuan or data.amount_yuan
    if data.source == PortfolioHolding.Source.CLOSE:
        holding.source, holding.source_ref = data.source, data.source_ref[:300]
    holding.save()
    audit_record(
        actor=by,
        action=AuditEvent.Action.UPDATE,
        instance=holding,
        before=before,
        after=snapshot(holding),
    )
    return holding


@transaction.atomic
def portfolio_holding_add(*, data: HoldingInput, by: User) -> PortfolioHolding:
    """An officer records a portfolio line (from the register or a news report)."""
    require_editor(by)
    return holding_write(data, by=by)
