"""Registrations: submitting (public link or staff), check-in, cancelling (which re-plans the cancelled participant's meetings)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from yiqiao.accounts.models import User
from yiqiao.core.audit import audit_record, snapshot
from yiqiao.core.models import AuditEvent
from yiqiao.core.text import name_normalise

from ..models import (
    Event,
    Registration,
)
from .invitations import _match_organisation
from .meetings import participant_cancel
from .setup import _clean_uscc, check_can_edit

# ---- registrations --------------------------------------------------------------------------


@dataclass(frozen=True)
class RegistrationResult:
    registration: Registration
    is_existing: bool


def _phone_digits(phone: str) -> str:
    digits = re.sub(r"\D", "", phone)
    return digits[2:] if len(digits) == 13 and digits.startswith("86") else digits


def registration_same_contact(registration: Registration, contact_phone: str) -> bool:
    """Whether a submission names the registration's own contact phone (digits compared, +86
    ignored): the public link shows an existing registration's badge only to its contact, since
    anyone can type another organisation's name (issue 10, M2)."""
    digits = _phone_digits(contact_phone)
    return bool(digits) and digits == _phone_digits(registration.contact_phone)


@transaction.atomic
def registration_submit(
    *,
    event: Event,
    organisation_name: str,
    contact_name: str,
    contact_phone: str,
    uscc: str = "",
    contact_title: str = "",
    attendees: int = 1,
    interests: str = "",
    by: User | None = None,
) -> RegistrationResult:
    """Register an organisation (public page or an officer); registering twice returns the
    existing registration, matched by uscc or normalised name.

    The organisation is linked to the register when it is found there (by uscc, then by a
    unique normalised name); otherwise the registration stays unlinked, a suggested addition.
    """
    name = organisation_name.strip()
    if not name:
        raise ValidationError({"organisation_name": "请填写机构名称"})
    if not contact_name.strip() or not contact_phone.strip():
        raise ValidationError({"contact_name": "请填写联系人和电话"})
    if not 1 <= attendees <= 20:
        raise ValidationError({"attendees": "参会人数应在1至20人之间"})
    code = _clean_uscc(uscc)
    key = name_normalise(name)[:120]
    # Lock the event row: two simultaneous submissions of one organisation serialise here.
    Event.objects.select_for_update().filter(pk=event.pk).first()
    same = Q(name_normalised=key)
    if code:
        same |= Q(uscc=code)
    existing = event.registrations.filter(same).order_by("id").first()
    if existing is not None:
        return RegistrationResult(existing, True)
    invitation = (
        event.invitations.filter(Q(name_normalised=key) | (Q(uscc=code) if code else Q(pk=None)))
        .order_by("id")
        .first()
    )
    if event.is_invitation_only and invitation is None:
        raise ValidationError("本活动仅限受邀机构报名，名单中未找到贵单位，请与主办方联系")
    active = event.registrations.filter(status=Registration.Status.REGISTERED)
    if event.capacity is not None:
        seats_taken = sum(active.values_list("attendees", flat=True))
        if seats_taken + attendees > event.capacity:
            raise ValidationError(f"报名人数已满（容量{event.capacity}人）")
    organisation = (invitation.organisation if invitation else None) or _match_organisation(
        key, code
    )
    registration = Registration(
        event=event,
        organisation_name=name[:120],
        name_normalised=key,
        uscc=code or (organisation.uscc or "" if organisation else ""),
        organisation=organisation,
        invitation=invitation,
        contact_name=contact_name.strip()[:60],
        contact_title=contact_title.strip()[:60],
        contact_phone=contact_phone.strip()[:40],
        attendees=attendees,
        interests=interests.strip()[:300],
    )
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError:
        found = event.registrations.filter(same).order_by("id").first()
        if found is None:
            raise
        return RegistrationResult(found, True)
    audit_record(
        actor=by,
        action=AuditEvent.Action.CREATE,
        instance=registration,
        after=snapshot(registration, exclude=("checkin_token",)),
    )
    return RegistrationResult(registration, False)


@transaction.atomic
def registration_check_in(
    *, registration: Registration, by: User, now: dt.datetime | None = None
) -> Registration:
    """Mark a registration as arrived; a second check-in keeps the first time."""
    check_can_edit(by)
    current = Registration.objects.select_for_update().get(pk=registration.pk)
    if current.status == Registration.Status.CANCELLED:
        raise ValidationError("该报名已取消，不能签到")
    if current.checked_in_at is not None:
        return current
    current.checked_in_at = now or timezone.now()
    current.save(update_fields=["checked_in_at", "updated_at"])
    audit_record(actor=by, action=AuditEvent.Action.TRANSITION, instance=current, note="现场签到")
    return current


@transaction.atomic
def registration_cancel(*, registration: Registration, by: User) -> Registration:
    """Cancel a registration; its one-to-one meetings are re-planned without moving others."""
    from ..models import Participant

    check_can_edit(by)
    current = Registration.objects.select_for_update().get(pk=registration.pk)
    if current.status == Registration.Status.CANCELLED:
        raise ValidationError("该报名已取消")
    participant = Participant.objects.filter(registration=current, is_cancelled=False).first()
    if participant is not None:
        participant_cancel(participant=participant, by=by)
    current.status = Registration.Status.CANCELLED
    current.save(update_fields=["status", "updated_at"])
    audit_record(actor=by, action=AuditEvent.Action.TRANSITION, instance=current, note="取消报名")
    return current
