"""Recording audit events: every service that writes calls `audit_record`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _

from .models import AuditEvent


def snapshot(instance: models.Model, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """Plain JSON-safe dict of a row's concrete fields, for before/after comparisons."""
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in exclude or field.name in {"created_at", "updated_at"}:
            continue
        value = getattr(instance, field.attname)
        data[field.name] = json_safe(value)
    for field in instance._meta.many_to_many:
        if instance.pk is not None:
            data[field.name] = sorted(
                str(pk) for pk in getattr(instance, field.name).values_list("pk", flat=True)
            )
    return data


def json_safe(value: Any) -> Any:
    if isinstance(value, FieldFile):
        # The stored file's name, never its content (an empty FileField gives "").
        return value.name or ""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
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


def audit_changes(
    event: AuditEvent, model: type[models.Model], user: Any
) -> list[tuple[str, str, str]]:
    """An event's changed fields as a reader sees them: the field's verbose name, and values as
    labels (choices), names (records the reader may see; others as their number), 是/否, —."""
    from django.core.exceptions import FieldDoesNotExist

    from .access import restrict

    rows: list[tuple[str, str, str]] = []
    for name, old, new in event.changed_fields():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            rows.append((name, _shown(old), _shown(new)))
            continue
        label = str(getattr(field, "verbose_name", name))
        rows.append(
            (
                label,
                _field_value(field, old, user, restrict),
                _field_value(field, new, user, restrict),
            )
        )
    return rows


def _shown(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if value is True:
        return str(_("是"))
    if value is False:
        return str(_("否"))
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def _field_value(field: Any, value: Any, user: Any, restrict: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    choices = dict(getattr(field, "flatchoices", None) or [])
    if choices and not isinstance(value, list):
        return str(choices.get(value, value))
    related = getattr(field, "related_model", None)
    if related is not None and (field.many_to_one or field.one_to_one or field.many_to_many):
        keys = value if isinstance(value, list) else [value]
        try:
            found = {str(o.pk): str(o) for o in restrict(related, user).filter(pk__in=keys)}
        except ImproperlyConfigured:  # a model without a rule: show numbers, never names
            found = {}
        return "、".join(found.get(str(k), str(_("编号 %(n)s")) % {"n": k}) for k in keys)
    return _shown(value)
