"""The invitation list of an event: import from a spreadsheet, all-or-nothing."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from yiqiao.accounts.models import User
from yiqiao.accounts.scoping import unit_scope
from yiqiao.core.access import restrict_scope
from yiqiao.core.audit import audit_record
from yiqiao.core.models import AuditEvent
from yiqiao.core.tabular import Table
from yiqiao.core.text import name_normalise
from yiqiao.registry.models import Organisation

from ..models import (
    Event,
    Invitation,
)
from .setup import INVITATION_HEADERS, _clean_uscc, check_can_edit

# ---- invitations ----------------------------------------------------------------------------


@dataclass
class InvitationImportResult:
    created: int
    skipped: int
    errors: list[str]


def _match_organisation(event: Event, name_key: str, uscc: str) -> Organisation | None:
    """The organisation with this uscc, else the only one with this name, among those the
    event's unit may see: a typed name never links (nor copies the USCC of) an organisation
    of another district's register (the access layer decides, as for a signed-in user)."""
    visible = restrict_scope(Organisation, unit_scope(event.owner_unit_id)).filter(is_active=True)
    if uscc:
        found = visible.filter(uscc=uscc).order_by("id").first()
        if found is not None:
            return found
    candidates = list(visible.filter(name_normalised=name_key).order_by("id")[:2])
    return candidates[0] if len(candidates) == 1 else None


@transaction.atomic
def invitation_import(*, event: Event, table: Table, by: User) -> InvitationImportResult:
    """Add the rows of an invitation list; every row is checked, all-or-nothing.

    A row naming an organisation already invited (same normalised name) is skipped, so the
    same list can be uploaded again after additions.
    """
    check_can_edit(by)
    columns: dict[str, int] = {}
    for i, header in enumerate(table.headers):
        key = INVITATION_HEADERS.get(header)
        if key and key not in columns:
            columns[key] = i
    if "organisation_name" not in columns:
        raise ValidationError("邀请名单缺少“机构名称”列")
    existing = set(event.invitations.values_list("name_normalised", flat=True))
    errors: list[str] = []
    new: list[Invitation] = []
    skipped = 0
    for line, cells in table.rows:

        def cell(key: str, cells: list[str] = cells) -> str:
            i = columns.get(key)
            return cells[i].strip() if i is not None and i < len(cells) else ""

        name = cell("organisation_name")
        if not name:
            errors.append(f"第{line}行：机构名称为空")
            continue
        try:
            code = _clean_uscc(cell("uscc"))
        except ValidationError as exc:
            errors.append(f"第{line}行：" + "；".join(exc.messages))
            continue
        key = name_normalise(name)[:120]
        if key in existing:
            skipped += 1
            continue
        existing.add(key)
        new.append(
            Invitation(
                event=event,
                organisation_name=name[:120],
                name_normalised=key,
                uscc=code,
                contact_name=cell("contact_name")[:60],
                contact_phone=cell("contact_phone")[:40],
                organisation=_match_organisation(event, key, code),
            )
        )
    if errors:
        return InvitationImportResult(0, skipped, errors)
    Invitation.objects.bulk_create(new)
    audit_record(
        actor=by,
        action=AuditEvent.Action.IMPORT,
        instance=event,
        note=f"导入邀请名单 {len(new)} 家，跳过已邀请 {skipped} 家",
    )
    return InvitationImportResult(len(new), skipped, [])
