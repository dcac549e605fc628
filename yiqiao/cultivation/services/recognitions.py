"""Recording a recognition on a rung: checked, audited, and reflected where policies read it
(the organisation's qualification flag and the recognition-date facts)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from yiqiao.accounts.models import User
from yiqiao.core.access import restrict
from yiqiao.core.audit import audit_record, snapshot
from yiqiao.core.models import AuditEvent
from yiqiao.core.transitions import versioned_change
from yiqiao.policies.services import organisation_fact_set
from yiqiao.registry.models import Organisation

from ..engine import Held, default_expiry, recognition_problems
from ..models import Recognition

#: The organisation flag each rung sets (the policies read them as ``qualifications``).
RUNG_FLAGS = {
    "high_tech": "is_high_tech",
    "specialised": "is_specialised",
    "little_giant": "is_little_giant",
    "pre_ipo": "is_pre_ipo",
    "listed": "is_listed",
}
#: The fact of the policy dictionary holding the date of the latest recognition of a rung.
RUNG_FACTS = {
    "tech_sme": "tech_sme_recognised_on",
    "high_tech": "high_tech_recognised_on",
    "specialised": "specialised_recognised_on",
    "little_giant": "little_giant_recognised_on",
}


@dataclass(frozen=True)
class RecognitionInput:
    """What an officer records from a certificate or a published list."""

    rung: str
    recognised_on: dt.date
    certificate_number: str = ""
    expires_on: dt.date | None = None
    issuer: str = ""
    evidence: str = ""
    skip_basis: str = ""


def held_by(organisation: Organisation) -> list[Held]:
    """The recognitions an organisation holds, plus the rungs its flags say it holds without a
    recorded certificate (imported tags count as held, undated)."""
    held = [
        Held(r.rung, r.recognised_on, r.expires_on, r.is_revoked, r.certificate_number)
        for r in organisation.recognitions.all()
    ]
    recorded = {h.rung for h in held}
    for rung, flag in RUNG_FLAGS.items():
        if getattr(organisation, flag) and rung not in recorded:
            held.append(Held(rung, dt.date.min, None))
    return held


def check_can_change(organisation: Organisation, by: User) -> None:
    if not restrict(Organisation, by, "change").filter(pk=organisation.pk).exists():
        raise PermissionDenied("当前角色无权登记该企业的认定")


@transaction.atomic
def recognition_record(
    *, organisation: Organisation, data: RecognitionInput, by: User
) -> Recognition:
    """Record a recognition (refused, nothing written, when a rung is skipped without a basis,
    the certificate expires before it was issued, or its number is already recorded); set the
    organisation's flag and the recognition-date fact the policies read. Audited."""
    check_can_change(organisation, by)
    current = Organisation.objects.select_for_update().get(pk=organisation.pk)
    number = data.certificate_number.strip()
    problems = recognition_problems(
        held=held_by(current),
        rung=data.rung,
        recognised_on=data.recognised_on,
        expires_on=data.expires_on,
        certificate_number=number,
        skip_basis=data.skip_basis,
        today=timezone.localdate(),
    )
    if number and Recognition.objects.filter(rung=data.rung, certificate_number=number).exists():
        problems.append(f"证书编号 {number} 已登记过，同一证书不能重复登记")
    if problems:
        raise ValidationError(problems)
    first_time = not current.recognitions.filter(rung=data.rung).exists()
    recognition = Recognition(
        organisation=current,
        rung=data.rung,
        certificate_number=number,
        recognised_on=data.recognised_on,
        expires_on=data.expires_on or default_expiry(data.rung, data.recognised_on),
        issuer=data.issuer.strip(),
        evidence=data.evidence.strip(),
        skip_basis=data.skip_basis.strip(),
    )
    recognition.set_default_owner(by)
    recognition.save()
    audit_record(
        actor=by,
        action=AuditEvent.Action.CREATE,
        instance=recognition,
        after=snapshot(recognition),
        note=f"{current.name} · {recognition.get_rung_display()}",
    )
    flag = RUNG_FLAGS.get(data.rung)
    if flag and not getattr(current, flag):
        with versioned_change(Organisation, current.pk, by=by, update_fields=[flag]) as change:
            setattr(change.instance, flag, True)
            change.note = f"梯度认定：{recognition.get_rung_display()}"
    fact = RUNG_FACTS.get(data.rung)
    if fact:
        organisation_fact_set(
            organisation=current,
            field=fact,
            value=data.recognised_on,
            as_of=data.recognised_on,
            by=by,
            source="梯度认定",
        )
    if data.rung == "high_tech":
        organisation_fact_set(
            organisation=current,
            field="high_tech_first_time",
            value=first_time,
            as_of=data.recognised_on,
            by=by,
            source="梯度认定",
        )
    return recognition


@transaction.atomic
def recognition_revoke(*, recognition: Recognition, by: User, reason: str) -> Recognition:
    """Mark a recognition revoked (取消资格); the flag is cleared when no other valid
    recognition of that rung remains."""
    check_can_change(recognition.organisation, by)
    if not reason.strip():
        raise ValidationError("请填写撤销原因")
    with versioned_change(Recognition, recognition.pk, by=by) as change:
        if change.instance.is_revoked:
            raise ValidationError("该认定已撤销")
        change.instance.is_revoked = True
        change.note = f"撤销：{reason.strip()[:200]}"
    today = timezone.localdate()
    flag = RUNG_FLAGS.get(recognition.rung)
    others = [
        Held(r.rung, r.recognised_on, r.expires_on, r.is_revoked)
        for r in Recognition.objects.filter(
            organisation_id=recognition.organisation_id, rung=recognition.rung
        )
    ]
    if flag and not any(h.is_valid_on(today) for h in others):
        with versioned_change(
            Organisation, recognition.organisation_id, by=by, update_fields=[flag]
        ) as org_change:
            setattr(org_change.instance, flag, False)
            org_change.note = f"撤销梯度认定：{recognition.get_rung_display()}"
    return change.instance
