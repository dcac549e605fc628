"""Opt-in on both sides before an introduction, and investors' views of a published need.

The enterprise opts in to an investor (from its shortlist or one that looked at it) and an
investor opts in to a need (from its deal flow); the introduction — contacts shown to both
sides, masked fields revealed to the investor — is made only when both have.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from yiqiao.accounts.models import User
from yiqiao.core.audit import audit_record, snapshot
from yiqiao.core.models import AuditEvent
from yiqiao.core.transitions import versioned_change
from yiqiao.registry.models import Organisation

from ..models import FinancingNeed, Introduction, NeedView
from .common import ROLE_DENIED, check_investor, is_editor, is_enterprise_of, is_investor_user

ENTERPRISE = "enterprise"
INVESTOR = "investor"
SIDES = {ENTERPRISE: "企业", INVESTOR: "投资方"}


def _side_of(by: User, need: FinancingNeed, investor: Organisation, side: str | None) -> str:
    if is_enterprise_of(by, need.organisation_id):
        return ENTERPRISE
    if is_investor_user(by):
        if by.organisation_id != investor.pk:
            raise PermissionDenied("只能代表本机构表达对接意愿")
        return INVESTOR
    if is_editor(by):
        if side not in SIDES:
            raise ValidationError("请指明代哪一方登记对接意愿")
        return side
    raise PermissionDenied(ROLE_DENIED)


@transaction.atomic
def introduction_opt_in(
    *,
    need: FinancingNeed,
    investor: Organisation,
    by: User,
    side: str | None = None,
    note: str = "",
) -> Introduction:
    """One side says yes to meeting the other; when both have, the introduction is made.

    An officer may record a side's yes (``side``) only with a note saying how it was given.
    """
    acting = _side_of(by, need, investor, side)
    if is_editor(by) and not is_enterprise_of(by, need.organisation_id) and not note.strip():
        raise ValidationError("代为登记对接意愿须说明方式（如电话确认、书面回复）")
    check_investor(investor)
    if investor.pk == need.organisation_id:
        raise ValidationError("融资企业本身不能作为投资方")
    if need.status != FinancingNeed.Status.PUBLISHED:
        raise ValidationError("只有已发布的融资需求可以对接投资方")
    intro, created = Introduction.objects.get_or_create(need=need, investor=investor)
    if created:
        audit_record(
            actor=by, action=AuditEvent.Action.CREATE, instance=intro, after=snapshot(intro)
        )
    with versioned_change(Introduction, intro.pk, by=by, action=AuditEvent.Action.TRANSITION) as c:
        current = c.instance
        stamp = timezone.now()
        if acting == ENTERPRISE:
            if current.enterprise_opt_in_at is not None:
                raise ValidationError("企业已同意与该投资方对接")
            current.enterprise_opt_in_at, current.enterprise_opt_in_by = stamp, by
        else:
            if current.investor_opt_in_at is not None:
                raise ValidationError("该投资方已同意对接")
            current.investor_opt_in_at, current.investor_opt_in_by = stamp, by
        if note.strip():
            current.opt_in_note = note.strip()[:200]
        current.declined_at, current.declined_side, current.decline_reason = None, "", ""
        c.note = f"{SIDES[acting]}同意对接"
        if current.enterprise_opt_in_at and current.investor_opt_in_at:
            current.introduced_at = stamp
            c.note += "，双方均已同意，完成引荐"
    return c.instance


def introduction_decline(
    *, need: FinancingNeed, investor: Organisation, by: User, reason: str, side: str | None = None
) -> Introduction:
    """One side declines (before the introduction is made)."""
    acting = _side_of(by, need, investor, side)
    if not reason.strip():
        raise ValidationError("请填写谢绝原因")
    intro, _created = Introduction.objects.get_or_create(need=need, investor=investor)
    with versioned_change(Introduction, intro.pk, by=by, action=AuditEvent.Action.TRANSITION) as c:
        current = c.instance
        if current.introduced_at is not None:
            raise ValidationError("双方已完成引荐，不能再谢绝")
        current.declined_at = timezone.now()
        current.declined_side = acting
        current.decline_reason = reason.strip()[:200]
        if acting == ENTERPRISE:
            current.enterprise_opt_in_at = current.enterprise_opt_in_by = None
        else:
            current.investor_opt_in_at = current.investor_opt_in_by = None
        c.note = f"{SIDES[acting]}谢绝对接"
    return c.instance


@transaction.atomic
def need_view_record(*, need: FinancingNeed, by: User) -> NeedView | None:
    """Count an investor user's look at a published need (nothing for anyone else)."""
    if not is_investor_user(by) or by.organisation_id is None:
        return None
    now = timezone.now()
    view, created = NeedView.objects.get_or_create(
        need=need,
        investor_id=by.organisation_id,
        defaults={"first_viewed_at": now, "last_viewed_at": now},
    )
    if not created:
        NeedView.objects.filter(pk=view.pk).update(
            view_count=F("view_count") + 1, last_viewed_at=now
        )
        view.refresh_from_db()
    return view
