"""Financing needs: create, update, consent, publish, withdraw.

A need is written by the enterprise itself, by an officer for it, from a need (Demand) of the
financing category, or from a translational project that has formed its company. It reaches
investors only when published, and publishing needs the enterprise's consent: given by one of
its own users, or recorded by an officer with the written evidence of it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from yiqiao.accounts.models import User
from yiqiao.core.audit import audit_record, snapshot
from yiqiao.core.models import AuditEvent
from yiqiao.core.transitions import versioned_change
from yiqiao.demands.models import Category, Demand
from yiqiao.projects.models import TranslationProject
from yiqiao.registry.models import Organisation
from yiqiao.vocab import CURRENCY, INSTRUMENT, REGION, SECTOR, STAGE, stage_from_legacy

from ..models import FinancingNeed
from .common import (
    ROLE_DENIED,
    check_not_future,
    check_positive_amount,
    is_editor,
    is_enterprise_of,
    today,
)
from .shortlist import investor_shortlist_refresh

CONFIDENTIAL = {code for code, _label in FinancingNeed.CONFIDENTIAL_CHOICES}


@dataclass
class NeedInput:
    """What a financing need states (amounts in ``currency``; lists in RESOURCES.md codes)."""

    organisation: Organisation
    title: str
    round: str
    amount: Decimal
    currency: str = "CNY"
    summary: str = ""
    use_of_funds: str = ""
    sectors: list[str] | None = None
    instruments: list[str] = field(default_factory=lambda: ["equity"])
    role_wanted: str = FinancingNeed.Role.ANY
    investor_regions: list[str] | None = None
    valuation_min: Decimal | None = None
    valuation_max: Decimal | None = None
    confidential_fields: list[str] = field(default_factory=lambda: ["valuation"])


def _check(data: NeedInput) -> None:
    problems: list[str] = []
    if not data.title.strip():
        problems.append("请填写项目名称")
    if data.round not in STAGE:
        problems.append(f"未知的融资轮次“{data.round}”")
    if data.currency not in CURRENCY:
        problems.append(f"未知的币种“{data.currency}”")
    check_positive_amount(data.amount, "本轮融资额")
    unknown = [
        *SECTOR.unknown(data.sectors or []),
        *INSTRUMENT.unknown(data.instruments),
        *REGION.unknown(data.investor_regions or []),
    ]
    if unknown:
        problems.append(f"含未知取值：{'、'.join(unknown)}")
    if not data.instruments:
        problems.append("请至少选择一种资金形式")
    if data.role_wanted not in FinancingNeed.Role.values:
        problems.append(f"未知的投资方角色“{data.role_wanted}”")
    for label, value in (("估值下限", data.valuation_min), ("估值上限", data.valuation_max)):
        if value is not None:
            check_positive_amount(value, label)
    if (
        data.valuation_min is not None
        and data.valuation_max is not None
        and data.valuation_min > data.valuation_max
    ):
        problems.append("估值下限不能大于上限")
    if set(data.confidential_fields) - CONFIDENTIAL:
        problems.append("保密字段只能是估值区间、融资金额或资金用途")
    if data.organisation.kind == Organisation.Kind.INVESTOR:
        problems.append("融资需求须由企业提出，投资机构不能作为融资方")
    if problems:
        raise ValidationError(problems)


def _may_write_for(by: User, organisation: Organisation) -> None:
    if not (is_editor(by) or is_enterprise_of(by, organisation.pk)):
        raise PermissionDenied(ROLE_DENIED)


def _fields(data: NeedInput) -> dict[str, object]:
    return {
        "title": data.title.strip()[:160],
        "round": data.round,
        "amount": Decimal(str(data.amount)),
        "currency": data.currency,
        "summary": data.summary.strip(),
        "use_of_funds": data.use_of_funds.strip(),
        "sectors": data.sectors or None,
        "instruments": data.instruments,
        "role_wanted": data.role_wanted,
        "investor_regions": data.investor_regions or None,
        "valuation_min": data.valuation_min,
        "valuation_max": data.valuation_max,
        "confidential_fields": sorted(set(data.confidential_fields)),
    }


@transaction.atomic
def financing_need_create(
    *,
    data: NeedInput,
    by: User,
    demand: Demand | None = None,
    translation_project: TranslationProject | None = None,
) -> FinancingNeed:
    """Create a draft need (not visible to investors until consented and published)."""
    _may_write_for(by, data.organisation)
    _check(data)
    source = FinancingNeed.Source.ENTERPRISE
    if demand is not None:
        if demand.category != Category.FINANCING:
            raise ValidationError("只有“投融资”类别的企业需求可以转为融资需求")
        if demand.organisation_id != data.organisation.pk:
            raise ValidationError("来源需求的提出机构与融资企业不一致")
        source = FinancingNeed.Source.DEMAND
    if translation_project is not None:
        if translation_project.company_id != data.organisation.pk:
            raise ValidationError("该成果转化项目尚未成立此企业，不能以其名义发起融资需求")
        source = FinancingNeed.Source.TRANSLATION
    need = FinancingNeed(
        organisation=data.organisation,
        region_id=data.organisation.region_id,
        source=source,
        demand=demand,
        translation_project=translation_project,
        **_fields(data),
    )
    need.set_default_owner(by)
    if not is_editor(by):
        need.owner_id = None  # an enterprise user is not a responsible officer
        need.owner_unit_id = data.organisation.owner_unit_id
    try:
        with transaction.atomic():
            need.save()
    except IntegrityError as exc:
        raise ValidationError("该企业需求已转为融资需求，请勿重复登记") from exc
    audit_record(actor=by, action=AuditEvent.Action.CREATE, instance=need, after=snapshot(need))
    return need


def financing_need_from_demand(*, demand: Demand, by: User) -> FinancingNeed:
    """A draft need from a need of the financing category (its amount and stage carried over)."""
    if demand.funding_amount_yuan is None:
        raise ValidationError("来源需求未填写融资金额，请先补充")
    stage = stage_from_legacy(demand.funding_stage or "")
    if stage is None:
        raise ValidationError("来源需求未填写融资轮次，请先补充")
    data = NeedInput(
        organisation=demand.organisation,
        title=demand.title,
        round=stage,
        amount=demand.funding_amount_yuan,
        summary=demand.text,
    )
    return financing_need_create(data=data, by=by, demand=demand)


@transaction.atomic
def financing_need_update(
    *, need: FinancingNeed, data: NeedInput, by: User, row_version: int | None = None
) -> FinancingNeed:
    """Edit a need that is not closed; its organisation never changes."""
    _may_write_for(by, need.organisation)
    if data.organisation.pk != need.organisation_id:
        raise ValidationError("融资企业不能修改")
    _check(data)
    with versioned_change(
        FinancingNeed, need.pk, by=by, row_version=row_version, audit_unchanged=False
    ) as change:
        current = change.instance
        if current.status in {FinancingNeed.Status.CLOSED, FinancingNeed.Status.WITHDRAWN}:
            raise ValidationError("已完成或已撤回的融资需求不能修改")
        fields = _fields(data)
        if Decimal(str(fields["amount"])) < current.closed_amount:
            raise ValidationError("本轮融资额不能小于已交割金额")
        for name, value in fields.items():
            setattr(current, name, value)
    investor_shortlist_refresh(need=change.instance)
    return change.instance


def financing_need_consent(
    *, need: FinancingNeed, by: User, note: str = "", on: dt.date | None = None
) -> FinancingNeed:
    """Record the enterprise's consent to publish the need to investors.

    One of the enterprise's own users consents by doing it; an officer records it only with the
    evidence (a signed consent form, a dated e-mail) in ``note``, and may state the day it was
    given (``on``, not in the future).
    """
    note = note.strip()
    if on is not None:
        check_not_future(on, "同意日期")
    if is_enterprise_of(by, need.organisation_id):
        pass
    elif is_editor(by):
        if not note:
            raise ValidationError("代企业登记同意须注明依据（如书面同意书编号、日期）")
    else:
        raise PermissionDenied(ROLE_DENIED)
    with versioned_change(FinancingNeed, need.pk, by=by, note="企业同意发布") as change:
        current = change.instance
        if current.consent_at is not None:
            raise ValidationError("企业已同意发布，无需重复登记")
        current.consent_at = (
            timezone.now()
            if on is None
            else timezone.make_aware(dt.datetime.combine(on, dt.time(9, 0)))
        )
        current.consent_by = by
        current.consent_note = note[:200]
    return change.instance


@transaction.atomic
def financing_need_publish(
    *, need: FinancingNeed, by: User, on: dt.date | None = None
) -> FinancingNeed:
    """Publish a draft need to the investors of the district's portal (needs consent).

    ``on`` is the publication date when it is recorded afterwards (the district's list came out
    that day); never in the future, never before the consent."""
    if not (is_editor(by) or is_enterprise_of(by, need.organisation_id)):
        raise PermissionDenied(ROLE_DENIED)
    if on is not None:
        check_not_future(on, "发布日期")
    with versioned_change(
        FinancingNeed, need.pk, by=by, action=AuditEvent.Action.TRANSITION, note="发布"
    ) as change:
        current = change.instance
        if current.consent_at is None:
            raise ValidationError("企业尚未同意向投资机构发布该融资需求，不能发布")
        if current.status != FinancingNeed.Status.DRAFT:
            raise ValidationError(f"该融资需求当前状态为“{current.get_status_display()}”，不能发布")
        day = on or today()
        if day < timezone.localtime(current.consent_at).date():
            raise ValidationError("发布日期不能早于企业同意发布的日期")
        current.status = FinancingNeed.Status.PUBLISHED
        current.published_on = day
    investor_shortlist_refresh(need=change.instance)
    return change.instance


def financing_need_withdraw(*, need: FinancingNeed, by: User, reason: str) -> FinancingNeed:
    """Take a need back from investors (the enterprise changed its mind, or the round is off)."""
    if not (is_editor(by) or is_enterprise_of(by, need.organisation_id)):
        raise PermissionDenied(ROLE_DENIED)
    if not reason.strip():
        raise ValidationError("请填写撤回原因")
    with versioned_change(
        FinancingNeed,
        need.pk,
        by=by,
        action=AuditEvent.Action.TRANSITION,
        note=f"撤回：{reason.strip()[:200]}",
    ) as change:
        current = change.instance
        if current.status in {FinancingNeed.Status.CLOSED, FinancingNeed.Status.WITHDRAWN}:
            raise ValidationError(f"该融资需求已{current.get_status_display()}")
        current.status = FinancingNeed.Status.WITHDRAWN
    return change.instance
