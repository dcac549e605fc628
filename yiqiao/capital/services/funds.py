"""Funds the district partners with: the fund and its 返投 terms, commitments, investments."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from yiqiao.accounts.models import User
from yiqiao.core.audit import audit_record, snapshot
from yiqiao.core.models import AuditEvent
from yiqiao.registry.models import Organisation, Region
from yiqiao.vocab import STAGE

from ..models import Fund, FundCommitment, FundInvestment
from .common import (
    check_investor,
    check_not_future,
    check_positive_amount,
    require_editor,
)

if TYPE_CHECKING:
    from ..models import Close


@dataclass
class FundInput:
    organisation: Organisation
    kind: str
    region: Region
    size_yuan: Decimal
    district_commitment_yuan: Decimal
    established_on: dt.date
    parent: Fund | None = None
    manager_name: str = ""
    term_years: int | None = None
    return_ratio: Decimal | None = None
    return_basis: str = ""
    agreement_ref: str = ""


@transaction.atomic
def fund_create(*, data: FundInput, by: User) -> Fund:
    """Register a partner fund with the 返投 promise and the basis its agreement names."""
    require_editor(by)
    check_investor(data.organisation)
    size = check_positive_amount(data.size_yuan, "认缴规模")
    district = Decimal(str(data.district_commitment_yuan))
    problems: list[str] = []
    if district < 0 or district > size:
        problems.append("区级出资须在0到认缴规模之间")
    if data.kind not in Fund.Kind.values:
        problems.append(f"未知的基金类型“{data.kind}”")
    if data.kind == Fund.Kind.SUB_FUND and data.parent is None:
        problems.append("子基金须指明所属的引导基金")
    if data.parent is not None and data.parent.kind != Fund.Kind.GUIDANCE:
        problems.append("子基金只能隶属于政府引导基金")
    if data.return_ratio is not None:
        if not Decimal("0") < data.return_ratio <= Decimal("10"):
            problems.append("返投比例须大于0且不超过10倍")
        if data.return_basis not in Fund.Basis.values:
            problems.append("约定返投比例时须选择计算基数（区级出资额、认缴规模或实缴规模）")
        if not data.agreement_ref.strip():
            problems.append("约定返投比例时须注明协议依据（协议名称及条款）")
    if problems:
        raise ValidationError(problems)
    check_not_future(data.established_on, "设立日期")
    fund = Fund(
        organisation=data.organisation,
        kind=data.kind,
        parent=data.parent,
        manager_name=data.manager_name.strip()[:120],
        region=data.region,
        size_yuan=size,
        district_commitment_yuan=district,
        established_on=data.established_on,
        term_years=data.term_years,
        return_ratio=data.return_ratio,
        return_basis=data.return_basis if data.return_ratio is not None else "",
        agreement_ref=data.agreement_ref.strip()[:300],
    )
    fund.set_default_owner(by)
    try:
        with transaction.atomic():
            fund.save()
    except IntegrityError as exc:
        raise ValidationError("该机构已登记为合作基金") from exc
    audit_record(actor=by, action=AuditEvent.Action.CREATE, instance=fund, after=snapshot(fund))
    return fund


@transaction.atomic
def fund_commitment_add(
    *,
    fund: Fund,
    partner_name: str,
    committed_yuan: Decimal,
    paid_in_yuan: Decimal,
    committed_on: dt.date,
    by: User,
    partner: Organisation | None = None,
    is_district: bool = False,
) -> FundCommitment:
    """A limited partner's commitment (and what it has paid in)."""
    require_editor(by)
    committed = check_positive_amount(committed_yuan, "认缴金额")
    paid = Decimal(str(paid_in_yuan))
    if paid < 0 or paid > committed:
        raise ValidationError("实缴金额须在0到认缴金额之间")
    total = sum(fund.commitments.values_list("committed_yuan", flat=True), Decimal("0"))
    if total + committed > fund.size_yuan:
        raise ValidationError("各出资方认缴合计超过基金认缴规模")
    check_not_future(committed_on, "认缴日期")
    name = (partner.name if partner is not None else partner_name).strip()
    if not name:
        raise ValidationError("请填写出资方名称")
    commitment = FundCommitment.objects.create(
        fund=fund,
        partner=partner,
        partner_name=name[:120],
        is_district=is_district,
        committed_yuan=committed,
        paid_in_yuan=paid,
        committed_on=committed_on,
    )
    audit_record(
        actor=by, action=AuditEvent.Action.CREATE, instance=commitment, after=snapshot(commitment)
    )
    return commitment


def is_district_company(company: Organisation, region: Region) -> bool:
    """Registered (or located) in ``region`` or below it."""
    paths = [company.region.path] + ([company.park.path] if company.park is not None else [])
    return any(p.startswith(region.path) for p in paths)


@transaction.atomic
def fund_investment_record(
    *,
    fund: Fund,
    company: Organisation,
    invested_on: dt.date,
    amount_yuan: Decimal,
    by: User,
    round: str = "",
    evidence_ref: str = "",
    close: Close | None = None,
    check_role: bool = True,
) -> FundInvestment:
    """An investment by the fund; whether the company was in the district is recorded now."""
    if check_role:
        require_editor(by)
    amount = check_positive_amount(amount_yuan, "投资金额")
    if round and round not in STAGE:
        raise ValidationError(f"未知的轮次“{round}”")
    if company.kind == Organisation.Kind.INVESTOR:
        raise ValidationError("被投对象须为企业")
    check_not_future(invested_on, "投资日期")
    if invested_on < fund.established_on:
        raise ValidationError("投资日期不能早于基金设立日期")
    investment = FundInvestment(
        fund=fund,
        company=company,
        invested_on=invested_on,
        amount_yuan=amount,
        round=round,
        is_district_company=is_district_company(company, fund.region),
        evidence_ref=evidence_ref.strip()[:200],
        close=close,
        by=by,
    )
    try:
        with transaction.atomic():
            investment.save()
    except IntegrityError as exc:
        raise ValidationError("该交割已记为本基金的投资") from exc
    audit_record(
        actor=by, action=AuditEvent.Action.CREATE, instance=investment, after=snapshot(investment)
    )
    return investment
