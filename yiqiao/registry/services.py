"""Writes to the register. Every write is atomic and leaves an audit event."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from yiqiao.core.audit import audit_record, snapshot
from yiqiao.core.models import AuditEvent

from .models import ChainNode, Contact, Organisation, Service, Space, chain_mask_for


class StaleEditError(ValidationError):
    """Someone else saved the record after this form was loaded."""


def _apply(instance: Any, data: dict[str, Any], m2m: tuple[str, ...]) -> dict[str, Any]:
    deferred = {}
    for key, value in data.items():
        if key in m2m:
            deferred[key] = value
        else:
            setattr(instance, key, value)
    return deferred


@transaction.atomic
def organisation_create(*, data: dict[str, Any], by: Any) -> Organisation:
    """Create an organisation from validated data; chain_nodes may be codes or ChainNode rows."""
    org = Organisation()
    deferred = _apply(org, data, ("chain_nodes",))
    if org.owner_unit_id is None and getattr(by, "org_unit_id", None):
        org.owner_unit_id = by.org_unit_id
    nodes = _chain_nodes(deferred.get("chain_nodes"))
    org.chain_mask = chain_mask_for(nodes)
    org.full_clean()
    org.save()
    org.chain_nodes.set(nodes)
    audit_record(actor=by, action=AuditEvent.Action.CREATE, instance=org, after=snapshot(org))
    return org


@transaction.atomic
def organisation_update(
    *, organisation: Organisation, data: dict[str, Any], by: Any, row_version: int | None = None
) -> Organisation:
    """Update fields; refuses when `row_version` no longer matches (someone saved in between)."""
    current = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if row_version is not None and current.row_version != row_version:
        raise StaleEditError("该记录已被他人修改，请刷新后重新编辑（您的修改未保存）")
    before = snapshot(current)
    deferred = _apply(current, data, ("chain_nodes",))
    nodes = _chain_nodes(deferred["chain_nodes"]) if "chain_nodes" in deferred else None
    if nodes is not None:
        current.chain_mask = chain_mask_for(nodes)
    current.full_clean()
    current.row_version = F("row_version") + 1
    current.save()
    current.refresh_from_db()
    if nodes is not None:
        current.chain_nodes.set(nodes)
    after = snapshot(current)
    before.pop("row_version", None)
    after_cmp = {k: v for k, v in after.items() if k != "row_version"}
    if before != after_cmp:
        audit_record(
            actor=by, action=AuditEvent.Action.UPDATE, instance=current, before=before, after=after
        )
    return current


def _chain_nodes(values: Any) -> list[ChainNode]:
    values = list(values or [])
    if values and all(isinstance(v, ChainNode) for v in values):
        return values
    codes = [str(v) for v in values]
    nodes = list(ChainNode.objects.filter(code__in=codes))
    missing = set(codes) - {n.code for n in nodes}
    if missing:
        raise ValidationError({"chain_nodes": f"未知的产业链节点：{'、'.join(sorted(missing))}"})
    return nodes


@transaction.atomic
def organisation_merge(*, keep: Organisation, merge: Organisation, by: Any) -> Organisation:
    """Fold a duplicate into the record that stays.

    Contacts, spaces, services and chain nodes move over; the duplicate's name and aliases become
    former names/aliases of the survivor; the duplicate stays in the database, inactive and
    pointing at the survivor, so its history remains readable.
    """
    if keep.pk == merge.pk:
        raise ValidationError("不能将机构与自身合并")
    keep = Organisation.objects.select_for_update().get(pk=keep.pk)
    merge = Organisation.objects.select_for_update().get(pk=merge.pk)
    if not merge.is_active:
        raise ValidationError(f"“{merge}”已合并或停用，不能再次合并")
    before_keep, before_merge = snapshot(keep), snapshot(merge)
    names = [merge.name, *merge.aliases]
    keep.aliases = _unique([*keep.aliases, *(n for n in names if n != keep.name)])
    keep.former_names = _unique([*keep.former_names, *merge.former_names])
    for attr in (
        "uscc",
        "founded_on",
        "registered_capital_yuan",
        "revenue_yuan",
        "rd_spend_yuan",
        "headcount",
        "products",
        "description",
        "park_id",
    ):
        if getattr(keep, attr) in (None, "") and getattr(merge, attr) not in (None, ""):
            if attr == "uscc":
                continue  # moved below, after the duplicate releases it (unique column)
            setattr(keep, attr, getattr(merge, attr))
    uscc = merge.uscc if not keep.uscc else None
    merge.is_active = False
    merge.merged_into = keep
    merge.uscc = None
    merge.save()
    if uscc:
        keep.uscc = uscc
    nodes = list({n.pk: n for n in [*keep.chain_nodes.all(), *merge.chain_nodes.all()]}.values())
    keep.chain_mask = chain_mask_for(nodes)
    keep.row_version = F("row_version") + 1
    keep.save()
    keep.refresh_from_db()
    keep.chain_nodes.set(nodes)
    Contact.objects.filter(organisation=merge).update(organisation=keep)
    Space.objects.filter(owner=merge).update(owner=keep)
    Service.objects.filter(provider=merge).update(provider=keep)
    note = f"{merge.name}（#{merge.pk}）并入 {keep.name}（#{keep.pk}）"
    audit_record(
        actor=by,
        action=AuditEvent.Action.MERGE,
        instance=keep,
        before=before_keep,
        after=snapshot(keep),
        note=note,
    )
    audit_record(
        actor=by,
        action=AuditEvent.Action.MERGE,
        instance=merge,
        before=before_merge,
        after=snapshot(merge),
        note=note,
    )
    return keep


def _unique(items: Any) -> list[str]:
    seen: list[str] = []
    for item in items:
        if item and item not in seen:
            seen.append(item)
    return seen


@transaction.atomic
def contact_create(*, organisation: Organisation, data: dict[str, Any], by: Any) -> Contact:
    contact = Contact(organisation=organisation, **data)
    contact.full_clean()
    contact.save()
    audit_record(
        actor=by, action=AuditEvent.Action.CREATE, instance=contact, after=snapshot(contact)
    )
    return contact


@transaction.atomic
def space_create(*, data: dict[str, Any], by: Any) -> Space:
    space = Space(**data)
    if space.owner_unit_id is None and getattr(by, "org_unit_id", None):
        space.owner_unit_id = by.org_unit_id
    space.full_clean()
    space.save()
    audit_record(actor=by, action=AuditEvent.Action.CREATE, instance=space, after=snapshot(space))
    return space


@transaction.atomic
def space_update(
    *, space: Space, data: dict[str, Any], by: Any, row_version: int | None = None
) -> Space:
    current = Space.objects.select_for_update().get(pk=space.pk)
    if row_version is not None and current.row_version != row_version:
        raise StaleEditError("该记录已被他人修改，请刷新后重新编辑（您的修改未保存）")
    before = snapshot(current)
    _apply(current, data, ())
    current.full_clean()
    current.row_version = F("row_version") + 1
    current.save()
    current.refresh_from_db()
    after = snapshot(current)
    if {k: v for k, v in before.items() if k != "row_version"} != {
        k: v for k, v in after.items() if k != "row_version"
    }:
        audit_record(
            actor=by, action=AuditEvent.Action.UPDATE, instance=current, before=before, after=after
        )
    return current
