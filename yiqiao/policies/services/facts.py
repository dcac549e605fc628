"""Enterprise facts the policies need beyond the register (R&D ratio, patents, …)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from yiqiao.accounts.models import User
from yiqiao.core.audit import audit_record, snapshot
from yiqiao.core.models import AuditEvent
from yiqiao.registry.models import Organisation

from .. import engine
from ..models import OrganisationFact
from ..profiles import fact_to_json, field_dictionary


@transaction.atomic
def organisation_fact_set(
    *,
    organisation: Organisation,
    field: str,
    value: object,
    as_of: dt.date,
    by: User,
    year: int | None = None,
    source: str = "",
) -> OrganisationFact:
    """Record one fact (engine-typed value) for an organisation; replaces the value already stored
    for the same (field, as_of). Only fields with ``source: fact`` are accepted."""
    spec = field_dictionary().get(field)
    if spec is None or spec.source != "fact":
        raise ValidationError({"field": f"未知的数据项：{field}"})
    try:
        checked = engine.check_profile(field_dictionary(), {field: value})[field]
    except engine.ProfileError as exc:
        raise ValidationError({"value": str(exc)}) from exc
    stored = fact_to_json(spec, checked)
    fact = (
        OrganisationFact.objects.select_for_update()
        .filter(organisation=organisation, field=field, as_of=as_of)
        .first()
    )
    before = snapshot(fact) if fact is not None else None
    if fact is None:
        fact = OrganisationFact(organisation=organisation, field=field, as_of=as_of)
    fact.value = stored
    fact.year = year
    fact.source = source[:120]
    fact.entered_by = by if getattr(by, "pk", None) else None
    fact.save()
    audit_record(
        actor=by,
        action=AuditEvent.Action.CREATE if before is None else AuditEvent.Action.UPDATE,
        instance=fact,
        before=before,
        after=snapshot(fact),
        note=f"{organisation} · {spec.label}",
    )
    return fact
