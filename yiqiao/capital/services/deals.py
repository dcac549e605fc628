"""After the pitch: follow-up meetings, term sheets, and closes with their evidence.

Only an investor engaged with the need — introduced (both sides opted in) or invited to one of
its pitches — has meetings or term sheets recorded. A close states its amount, the lead, the
date and the evidence (a shareholder-register change or the signed agreement); it can never
exceed what is left of the round. Each close updates the need's closed amount in the same
transaction, adds the round to each investor's portfolio, and, when the investor is a fund the
district partners with, records the fund's investment as sourced through YiQiao.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction

from yiqiao.accounts.models import User
from yiqiao.core.audit import audit_record, snapshot
from yiqiao.core.models import AuditEvent
from yiqiao.core.transitions import versioned_change
from yiqiao.registry.models import Organisation

from ..engine.deals import ShareFacts, check_close, to_yuan
from ..models import (
    Close,
    CloseShare,
    FinancingNeed,
    Fund,
    Introduction,
    InvestorMeeting,
    PitchInvitation,
    PortfolioHolding,
    TermSheet,
)
from .common import (
    ROLE_DENIED,
    check_not_future,
    check_positive_amount,
    is_editor,
    is_enterprise_of,
    is_investor_user,
)
from .funds import fund_investment_record
from .portfolio import HoldingInput, holding_write

EVIDENCE_TYPES = {".pdf", ".jpg", ".jpeg", ".png"}
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024


def is_engaged(need: FinancingNeed, investor: Organisation) -> bool:
    """Introduced to the company, or invited to one of its pitches."""
    return (
        Introduction.objects.filter(
            need=need, investor=investor, introduced_at__isnull=False
        ).exists()
        or PitchInvitation.objects.filter(pitch__need=need, investor=investor).exists()
    )


def _may_act(by: User, need: FinancingNeed, investor: Organisation) -> None:
    if is_investor_user(by):
        if by.organisation_id != investor.pk:
            raise PermissionDenied("只能代表本机构登记")
    elif not (is_editor(by) or is_enterprise_of(by, need.organisation_id)):
        raise PermissionDenied(ROLE_DENIED)
    if not is_engaged(need, investor):
        raise ValidationError(
            f"“{investor.name}”与该融资需求尚未建立对接（未完成双向引荐，也未受邀路演），不能登记"
        )


@transaction.atomic
def meeting_record(
    *,
    need: FinancingNeed,
    investor: Organisation,
    kind: str,
    held_on: dt.date,
    by: User,
    note: str = "",
) -> InvestorMeeting:
    """A follow-up meeting between an engaged investor and the company."""
    _may_act(by, need, investor)
    if kind not in InvestorMeeting.Kind.values:
        raise ValidationError(f"未知的约见类型“{kind}”")
    check_not_future(held_on, "约见日期")
    meeting = InvestorMeeting.objects.create(
        need=need, investor=investor, kind=kind, held_on=held_on, note=note.strip()[:500], by=by
    )
    audit_record(
        actor=by, action=AuditEvent.Action.CREATE, instance=meeting, after=snapshot(meeting)
    )
    return meeting


@dataclass
class TermSheetInput:
    signed_on: dt.date
    amount: Decimal
    currency: str
    is_lead: bool = False
    pre_money_valuation: Decimal | None = None
    note: str = ""


@transaction.atomic
def term_sheet_record(
    *, need: FinancingNeed, investor: Organisation, data: TermSheetInput, by: User
) -> TermSheet:
    """A term sheet from an engaged investor, within the round and in its currency."""
    _may_act(by, need, investor)
    amount = check_positive_amount(data.amount, "拟投金额")
    if data.currency != need.currency:
        raise ValidationError(f"条款书币种须与本轮融资币种（{need.get_currency_display()}）一致")
    if amount > need.amount:
        raise ValidationError("条款书拟投金额超过本轮融资额，请核对")
    if data.pre_money_valuation is not None:
        check_positive_amount(data.pre_money_valuation, "投前估值")
    check_not_future(data.signed_on, "签署日期")
    sheet = TermSheet(
        need=need,
        investor=investor,
        signed_on=data.signed_on,
        amount=amount,
        currency=data.currency,
        is_lead=data.is_lead,
        pre_money_valuation=data.pre_money_valuation,
        note=data.note.strip()[:300],
        by=by,
    )
    try:
        with transaction.atomic():
            sheet.save()
    except IntegrityError as exc:
        raise ValidationError("该投资方当日的条款书已登记，请勿重复登记") from exc
    audit_record(actor=by, action=AuditEvent.Action.CREATE, instance=sheet, after=snapshot(sheet))
    return sheet


@dataclass
class ShareInput:
    investor: Organisation
    amount: Decimal
    is_lead: bool = False


@dataclass
class CloseInput:
    closed_on: dt.date
    amount: Decimal
    shares: Sequence[ShareInput]
    evidence_kind: str
    evidence_ref: str
    evidence_file: UploadedFile | None = None


def _check_evidence(data: CloseInput) -> None:
    if data.evidence_kind not in Close.Evidence.values:
        raise ValidationError("请选择交割凭证类型：股东名册/工商变更登记或投资协议")
    if not data.evidence_ref.strip():
        raise ValidationError("请填写凭证编号或说明（如工商变更登记日期、协议编号）")
    upload = data.evidence_file
    if upload is not None:
        suffix = "." + (upload.name or "").rsplit(".", 1)[-1].lower()
        if suffix not in EVIDENCE_TYPES:
            raise ValidationError("凭证文件只接受 PDF、JPG 或 PNG")
        if (upload.size or 0) > EVIDENCE_MAX_BYTES:
            raise ValidationError("凭证文件不能超过10MB")


def close_record(*, need: FinancingNeed, data: CloseInput, by: User) -> Close:
    """Record a close of the round; refuses one that would exceed the round (nothing written)."""
    leads = [s for s in data.shares if s.is_lead]
    lead = leads[0].investor if len(leads) == 1 else None
    if is_investor_user(by):
        if lead is None or by.organisation_id != lead.pk:
            raise PermissionDenied("投资方只能以领投方身份登记交割")
    elif not (is_editor(by) or is_enterprise_of(by, need.organisation_id)):
        raise PermissionDenied(ROLE_DENIED)
    amount = check_positive_amount(data.amount, "交割金额")
    _check_evidence(data)
    check_not_future(data.closed_on, "交割日期")
    if len(leads) > 1:
        raise ValidationError("一次交割只能有一家领投方")
    with versioned_change(
        FinancingNeed, need.pk, by=by, action=AuditEvent.Action.TRANSITION
    ) as change:
        current = change.instance
        if current.status != FinancingNeed.Status.PUBLISHED:
            raise ValidationError(
                f"该融资需求当前状态为“{current.get_status_display()}”，不能登记交割"
            )
        verdict = check_close(
            round_amount=current.amount,
            closed_before=current.closed_amount,
            amount=amount,
            shares=[
                ShareFacts(s.investor.pk, Decimal(str(s.amount)), s.is_lead) for s in data.shares
            ],
            lead_key=lead.pk if lead is not None else None,
        )
        if not verdict.allowed:
            raise ValidationError(verdict.message)
        for share in data.shares:
            if share.investor.pk == current.organisation_id:
                raise ValidationError("融资企业本身不能作为投资方")
            if not is_engaged(current, share.investor):
                raise ValidationError(
                    f"“{share.investor.name}”与该融资需求尚未建立对接，不能登记为交割投资方"
                )
        assert lead is not None  # check_close refuses a close without a lead
        close = Close.objects.create(
            need=current,
            closed_on=data.closed_on,
            amount=amount,
            currency=current.currency,
            lead=lead,
            evidence_kind=data.evidence_kind,
            evidence_ref=data.evidence_ref.strip()[:200],
            by=by,
        )
        if data.evidence_file is not None:
            close.evidence_file.save(data.evidence_file.name or "evidence", data.evidence_file)
        for share in data.shares:
            CloseShare.objects.create(
                close=close, investor=share.investor, amount=share.amount, is_lead=share.is_lead
            )
        audit_record(
            actor=by, action=AuditEvent.Action.CREATE, instance=close, after=snapshot(close)
        )
        current.closed_amount += amount
        if current.closed_amount == current.amount:
            current.status = FinancingNeed.Status.CLOSED
        change.note = f"交割 {amount} {current.currency}（{data.closed_on:%Y-%m-%d}）"
        _follow_close(current, close, data.shares, by)
    return close


def _follow_close(
    need: FinancingNeed, close: Close, shares: Sequence[ShareInput], by: User
) -> None:
    """The round joins each investor's portfolio; a partner fund's share is its investment."""
    company = need.organisation
    for share in shares:
        holding_write(
            HoldingInput(
                investor=share.investor,
                company=company,
                company_name=company.name,
                sectors=need.sectors,
                round=need.round,
                instrument=(need.instruments or ["equity"])[0],
                invested_on=close.closed_on,
                amount_yuan=_yuan(share.amount, need.currency),
                source=PortfolioHolding.Source.CLOSE,
                source_ref=f"capital.close:{close.pk}",
            ),
            by=by,
        )
        fund = Fund.objects.filter(organisation=share.investor).first()
        # A close before the fund was set up was made through another vehicle of the investor.
        if fund is not None and close.closed_on >= fund.established_on:
            fund_investment_record(
                fund=fund,
                company=company,
                invested_on=close.closed_on,
                amount_yuan=_yuan(share.amount, need.currency),
                round=need.round,
                evidence_ref=f"{close.get_evidence_kind_display()}：{close.evidence_ref}",
                by=by,
                close=close,
                check_role=False,
            )


def _yuan(amount: Decimal, currency: str) -> Decimal:
    return to_yuan(Decimal(str(amount)), currency)
