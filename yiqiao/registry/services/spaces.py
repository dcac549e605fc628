"""Writes to spaces (载体): create and update (versioned). Atomic and audited."""

from __future__ import annotations

from django.db import transaction

from yiqiao.accounts.models import User
from yiqiao.core.audit import audit_record, snapshot
from yiqiao.core.models import AuditEvent
from yiqiao.core.transitions import versioned_change
from yiqiao.core.values import FieldValues

from ..models import Space
from .organisations import _apply


@transaction.atomic
def space_create(*, data: FieldValues, by: User) -> Space:
    space = Space(**data)
    if space.owner_unit_id is None and getattr(by, "org_unit_id", None):
        space.owner_unit_id = by.org_unit_id
    space.full_clean()
    space.save()
    audit_record(actor=by, action=AuditEvent.Action.CREATE, instance=space, after=snapshot(space))
    return space


def space_update(
    *, space: Space, data: FieldValues, by: User, row_version: int | None = None
) -> Space:
    """Update a space's fields; refuses a stale `row_version`."""
    with versioned_change(
        Space, space.pk, by=by, row_version=row_version, audit_unchanged=False
    ) as change:
        _apply(change.instance, data, ())
        change.instance.full_clean()
    return change.instance
