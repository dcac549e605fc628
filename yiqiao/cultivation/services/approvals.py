"""Product approvals: device/IVD registration certificates, drug approvals and clinical-trial
approvals, recorded as the enterprise records the policies read (one certificate number once)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from yiqiao.accounts.models import User
from yiqiao.core.values import FieldValues
from yiqiao.policies.models import OrganisationRecord
from yiqiao.policies.services import organisation_record_add
from yiqiao.registry.models import Organisation

from .recognitions import check_can_change

#: The list field of each kind of approval and the item field holding its date.
APPROVAL_KINDS = {
    "certificates": ("issued_on", "医疗器械注册证"),
    "drug_approvals": ("approved_on", "药品注册证书"),
    "trials": ("date", "临床试验批准"),
}


@transaction.atomic
def approval_record(
    *, organisation: Organisation, kind: str, data: FieldValues, by: User, source: str = ""
) -> OrganisationRecord:
    """Record one approval (its fields as the dictionary declares them, with a number); refused
    when the number is already recorded for that kind, or the date is in the future."""
    check_can_change(organisation, by)
    if kind not in APPROVAL_KINDS:
        raise ValidationError({"kind": f"未知的获批类型：{kind}"})
    date_field, label = APPROVAL_KINDS[kind]
    number = str(data.get("number") or "").strip()
    if not number:
        raise ValidationError({"number": f"{label}须填写编号"})
    day = data.get(date_field)
    if isinstance(day, str):
        try:
            day = dt.date.fromisoformat(day)
        except ValueError as exc:
            raise ValidationError({date_field: f"日期“{day}”应为 2026-01-31 的格式"}) from exc
    if not isinstance(day, dt.date):
        raise ValidationError({date_field: "须填写获批日期"})
    if day > timezone.localdate():
        raise ValidationError({date_field: f"获批日期 {day} 晚于今天"})
    if kind == "trials":
        data = {**data, "event": "approved"}
    if OrganisationRecord.objects.filter(field=kind, data__number=number).exists():
        raise ValidationError({"number": f"编号 {number} 已登记过，同一{label}不能重复登记"})
    return organisation_record_add(
        organisation=organisation,
        field=kind,
        data={**data, "number": number, date_field: day},
        recorded_on=day,
        by=by,
        source=source or "梯度培育·产品获批",
    )
