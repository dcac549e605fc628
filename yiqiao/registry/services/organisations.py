"""Writes to organisations and their contacts: create, update (versioned), merge duplicates. Atomic and audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Model

from yiqiao.accounts.models import User
from yiqiao.core.audit import audit_record, snapshot
from yiqiao.core.models import AuditEvent
from yiqiao.core.scope import user_scope
from yiqiao.core.transitions import versioned_change
from yiqiao.core.values import FieldValues

from ..models import ChainNode, Contact, Organisation, Service, Space, chain_mask_for


def _apply(instance: Model, data: FieldValues, m2m: tuple[str, ...]) -> dict[str, object]:
    deferred: dict[str, object] = {}
    for key, value in data.items():
        if key in m2m:
            deferred[key] = value
        else:
            setattr(instance, key, value)
    return deferred


@transaction.atomic
def organisation_create(*, data: FieldValues, by: User) -> Organisation:
    """Create an organisation from validated data; chain_nodes may be codes or ChainNode rows."""
    org = Organisation()
    deferred = _apply(org, data, ("chain_nodes",))
    if org.owner_unit_id is None and getattr(by, "org_unit_id", None):
        org.owner_unit_id = by.org_unit_id
    nodes = _chain_nodes(deferred.get("chain_nodes"))
    org.chain_mask = chain_mask_for(nodes)
    _check_region(org, by)
    org.full_clean()
    org.save()
    org.chain_nodes.set(nodes)
    audit_record(actor=by, action=AuditEvent.Action.CREATE, instance=org, after=snapshot(org))
    return org


def organisation_update(
    *, organisation: Organisation, data: FieldValues, by: User, row_version: int | None = None
) -> Organisation:
    """Update fields; refuses when `row_version` no longer matches (someone saved in between)."""
    with versioned_change(
        Organisation, organisation.pk, by=by, row_version=row_version, audit_unchanged=False
    ) as change:
        current = change.instance
        deferred = _apply(current, data, ("chain_nodes",))
        if "chain_nodes" in deferred:
            nodes = _chain_nodes(deferred["chain_nodes"])
            current.chain_mask = chain_mask_for(nodes)
            current.chain_nodes.set(nodes)
        if "region" in data:
            _check_region(current, by)
        current.full_clean()
    return change.instance


def _check_region(org: Organisation, by: User) -> None:
    """An organisation may sit anywhere in China (an investor in 浦东新区), but one outside the
    user's own regions stays reachable only while the user's unit maintains it: refuse a region
    that would make the record vanish from the person saving it."""
    if by is None or org.region_id is None:
        return
    scope = user_scope(by)
    if scope.everything or org.region_id in scope.region_ids:
        return
    if scope.unit_id is not None and org.owner_unit_id == scope.unit_id:
        return
    raise ValidationError(
        {"region": "该区域不在本单位辖区内；只有本单位维护的机构可以登记在辖区外的区域"}
    )


def _chain_nodes(values: Any) -> list[ChainNode]:
    values = list(values or [])
    if values and all(isinstance(v, ChainNode) for v in values):
        return [v for v in values if isinstance(v, ChainNode)]
    from yiqiao.chain.engine.tree import ChainTree

    tree = ChainTree.bundled()
    # Codes of the register's first tree are read as the nodes that replaced them.
    codes = [tree.legacy.get(str(v), str(v)) for v in values]
    nodes = list(ChainNode.objects.filter(code__in=codes))
    missing = {str(v) for v, c in zip(values, codes, strict=True)} - {n.code for n in nodes}
    missing = {m for m in missing if tree.legacy.get(m, m) not in {n.code for n in nodes}}
    if missing:
        raise ValidationError({"chain_nodes": f"未知的产业链节点：{'、'.join(sorted(missing))}"})
    return nodes


@transaction.atomic
def organisation_merge(*, keep: Organisation, merge: Organisation, by: User) -> Organisation:
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
def contact_create(*, organisation: Organisation, data: FieldValues, by: User) -> Contact:
    contact = Contact(organisation=organisation, **data)
    contact.full_clean()
    contact.save()
    audit_record(
        actor=by, action=AuditEvent.Action.CREATE, instance=contact, after=snapshot(contact)
    )
    return contact
