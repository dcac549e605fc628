"""The one way to change a stored row: lock, check the version, snapshot, apply, save, audit.

Every service that changes an existing record (a stage move, a review, an edit form) does

    with versioned_change(Project, project.pk, by=by, row_version=row_version,
                          action=AuditEvent.Action.TRANSITION) as change:
        current = change.instance          # locked with SELECT … FOR UPDATE
        ...check; refuse with ValidationError (nothing is written)...
        current.stage = to_stage
        change.note = "线索 → 接洽"
    return change.instance                 # saved, row_version + 1, audit event written

in one transaction. `change_apply` is the same as a function for the simple cases.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F

from .audit import audit_record, snapshot
from .models import AuditEvent

STALE_MESSAGE = "该记录已被他人修改，请刷新后重新编辑（您的修改未保存）"


class StaleEditError(ValidationError):
    """Someone else saved the record after this form was loaded."""


M = TypeVar("M", bound=models.Model)


@dataclass
class Change(Generic[M]):
    """A locked row being changed; set `note`, or `skip_audit_if_unchanged`, before exit."""

    instance: M
    before: dict[str, Any]
    action: str
    note: str = ""
    exclude: tuple[str, ...] = ()
    after: dict[str, Any] = field(default_factory=dict)
    event: AuditEvent | None = None
    is_skipped: bool = False

    def skip(self) -> None:
        """Leave the row as it is: nothing is saved or audited (e.g. the change was already
        made by an earlier, identical request)."""
        self.is_skipped = True


def lock(source: type[M] | models.QuerySet[M], pk: Any) -> M:
    """The row, locked until the end of the transaction (only its own table on PostgreSQL)."""
    qs = source if isinstance(source, models.QuerySet) else source._default_manager.all()
    return qs.select_for_update(of=("self",)).get(pk=pk)


def check_version(
    instance: models.Model, row_version: int | None, message: str = STALE_MESSAGE
) -> None:
    """Refuse a change made on an older copy of the row (optimistic concurrency).

    The message may name `{current}` (the stored version) and `{expected}` (the one edited).
    """
    current = getattr(instance, "row_version", None)
    if row_version is not None and current != row_version:
        raise StaleEditError(message.format(current=current, expected=row_version))


@contextmanager
def versioned_change(
    source: type[M] | models.QuerySet[M],
    pk: Any,
    *,
    by: Any,
    row_version: int | None = None,
    action: str = AuditEvent.Action.UPDATE,
    note: str = "",
    stale_message: str = STALE_MESSAGE,
    exclude: tuple[str, ...] = (),
    audit_unchanged: bool = True,
    update_fields: list[str] | None = None,
) -> Iterator[Change[M]]:
    """Lock → version check → snapshot → (caller applies) → version + 1 → save → audit.

    All in one transaction; an exception inside the block writes nothing. With
    `audit_unchanged=False` no audit event is written when no field changed (an edit form
    saved as it was). `update_fields` saves only those columns (plus the version).
    """
    with transaction.atomic():
        current = lock(source, pk)
        check_version(current, row_version, stale_message)
        with record_change(
            current,
            by=by,
            action=action,
            note=note,
            exclude=exclude,
            audit_unchanged=audit_unchanged,
            update_fields=update_fields,
        ) as change:
            yield change


@contextmanager
def record_change(
    instance: M,
    *,
    by: Any,
    action: str = AuditEvent.Action.UPDATE,
    note: str = "",
    exclude: tuple[str, ...] = (),
    audit_unchanged: bool = True,
    update_fields: list[str] | None = None,
) -> Iterator[Change[M]]:
    """Snapshot → (caller applies) → version + 1 → save → audit, on a row the caller has
    already locked (with `lock`) in the current transaction: for services that make several
    audited steps on one locked row (accept, then assign)."""
    change: Change[M] = Change(
        instance=instance, before=snapshot(instance, exclude), action=action, note=note,
        exclude=exclude,
    )  # fmt: skip
    yield change
    if change.is_skipped:
        return
    save_versioned(instance, update_fields=update_fields)
    change.after = snapshot(instance, exclude)
    if audit_unchanged or _differs(change.before, change.after):
        change.event = audit_record(
            actor=by,
            action=change.action,
            instance=instance,
            before=change.before,
            after=change.after,
            note=change.note,
        )


def change_apply(
    source: type[M] | models.QuerySet[M],
    pk: Any,
    *,
    by: Any,
    apply: Callable[[M], str | None],
    row_version: int | None = None,
    action: str = AuditEvent.Action.UPDATE,
    stale_message: str = STALE_MESSAGE,
    exclude: tuple[str, ...] = (),
    audit_unchanged: bool = True,
) -> M:
    """`versioned_change` as a call: `apply(locked_row)` mutates it and may return a note."""
    with versioned_change(
        source,
        pk,
        by=by,
        row_version=row_version,
        action=action,
        stale_message=stale_message,
        exclude=exclude,
        audit_unchanged=audit_unchanged,
    ) as change:
        note = apply(change.instance)
        if note:
            change.note = note
    return change.instance


def save_versioned(instance: models.Model, *, update_fields: list[str] | None = None) -> None:
    """Save with `row_version` + 1 in SQL, then read the stored values back."""
    if hasattr(instance, "row_version"):
        instance.row_version = F("row_version") + 1
        if update_fields is not None:
            update_fields = [*update_fields, "row_version"]
            if any(f.name == "updated_at" for f in instance._meta.concrete_fields):
                update_fields.append("updated_at")
    instance.save(update_fields=update_fields)
    instance.refresh_from_db()


def bump_version(model: type[models.Model], pk: Any, **updates: Any) -> int:
    """Update columns of a row in SQL (no read-modify-write) and move its version on."""
    return model._default_manager.filter(pk=pk).update(row_version=F("row_version") + 1, **updates)


def _differs(before: dict[str, Any], after: dict[str, Any]) -> bool:
    strip = {"row_version"}
    return {k: v for k, v in before.items() if k not in strip} != {
        k: v for k, v in after.items() if k not in strip
    }
