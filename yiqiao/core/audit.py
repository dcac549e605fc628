"""Recording audit events: every service that writes calls `audit_record`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import models

from .models import AuditEvent


def snapshot(instance: models.Model, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """Plain JSON-safe dict of a row's concrete fields, for before/after comparisons."""
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in exclude or field.name in {"created_at", "updated_at"}:
            continue
        value = getattr(instance, field.attname)
        data[field.name] = _json_safe(value)
    for field in instance._meta.many_to_many:
        if instance.pk is not None:
            data[field.name] = sorted(
                str(pk) for pk in getattr(instance, field.name).values_list("pk", flat=True)
            )
    return data


def _json_safe(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    return value


def audit_record(
    *,
    actor: Any,
    action: str,
    instance: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEvent:
    """Write one audit event for `instance`. Call inside the service's transaction."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        model=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        before=before,
        after=after,
        note=note[:300],
    )
