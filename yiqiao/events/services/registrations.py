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
from yiqiao.registry.models import Organisation, Region

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
        event, key, code
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


def registration_organisation(
    *,
    by: User,
    organisation: Organisation | None = None,
    name: str = "",
    kind: str = "",
    region: Region | None = None,
    uscc: str = "",
) -> Organisation:
    """The register's organisation of an attendee: the one chosen (among those ``by`` may see),
    else the one ``by`` may see with this uscc or name, else a new one added in the same step
    (``name``, ``kind``, ``region``), maintained by ``by``'s unit and validated as the
    register's own form does (a region outside the user's regions is allowed, as for an outside
    investor). Refuses with a message naming the missing field; writes nothing then."""
    from yiqiao.core.access import VIEW
    from yiqiao.registry.services import organisation_create

    visible = Organisation.objects.restrict(by, VIEW)
    name = name.strip()
    if organisation is not None:
        if name:
            raise ValidationError({"new_name": "已选择名录中的机构，请不要再填写新机构名称"})
        if not visible.filter(pk=organisation.pk).exists():
            raise ValidationError({"organisation": "名录中没有这个机构"})
        return organisation
    if not name:
        raise ValidationError({"organisation": "请选择名录中的机构，或填写新机构的名称与所在区域"})
    code = _clean_uscc(uscc)
    same = Q(name_normalised=name_normalise(name)[:120]) | (Q(uscc=code) if code else Q(pk=None))
    found = visible.filter(same, is_active=True).order_by("id").first()
    if found is not None:
        return found  # already in the register: link it, never a second record
    if region is None:
        raise ValidationError({"new_region": "新机构请选择所在区域"})
    data: dict[str, object] = {"name": name, "kind": kind or Organisation.Kind.ENTERPRISE}
    data.update(region=region, uscc=code or None)
    return organisation_create(data=data, by=by)


@transaction.atomic
def registration_walk_in(
    *,
    event: Event,
    by: User,
    contact_name: str,
    contact_phone: str,
    organisation: Organisation | None = None,
    new_name: str = "",
    new_kind: str = "",
    new_region: Region | None = None,
    uscc: str = "",
    attendees: int = 1,
) -> Registration:
    """Record an attendee who arrives without a registration, in one step: find or add the
    organisation in the register (:func:`registration_organisation`), register it for the event
    (the event's rules apply: invitation-only, capacity) and check it in. All or nothing."""
    check_can_edit(by)
    org = registration_organisation(
        by=by, organisation=organisation, name=new_name, kind=new_kind, region=new_region, uscc=uscc
    )
    result = registration_submit(
        event=event,
        organisation_name=org.name,
        uscc=org.uscc or "",
        contact_name=contact_name,
        contact_phone=contact_phone,
        attendees=attendees,
        by=by,
    )
    registration = result.registration
    if registration.organisation_id is None:
        registration.organisation = org
        registration.save(update_fields=["organisation", "updated_at"])
    return registration_check_in(registration=registration, by=by)
