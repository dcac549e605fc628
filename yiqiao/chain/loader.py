"""Put a ChainTree into the node and edge tables; move links off legacy codes; chain bits.

Written against model classes passed in, so the data migration (historical models) and the
services (real models) run the same code: ``tree_load`` creates missing nodes and edges (and,
with ``update=True``, rewrites names, sectors and terms of existing ones from the file);
``legacy_replace`` moves every many-to-many link (organisations, projects, investor profiles,
whatever else points at a node) from an old code to its replacement and deletes the old rows;
``bits_assign`` and ``masks_refresh`` maintain ``Organisation.chain_mask``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from .engine.tree import ChainTree

#: Bits of a signed 64-bit column usable for chain masks.
MASK_BITS = 63


def node_terms(node: Any) -> list[tuple[str, str, str]]:
    """A tree node's terms as (text, source, kind) rows."""
    return [(t.text, t.source, "product" if t.is_product else "keyword") for t in node.terms]


def tree_load(
    tree: ChainTree, node_model: Any, edge_model: Any, term_model: Any, *, update: bool = False
) -> dict[str, int]:
    """Create the tree's nodes, terms and edges that are missing (by code); returns counts.

    With ``update`` the nodes named in the file get the file's names, sectors and terms back
    (staff edits to them are replaced)."""
    existing = {n.code: n for n in node_model.objects.all()}
    created = updated = 0
    for order, node in enumerate(tree.nodes):
        parent = existing.get(node.parent) if node.parent else None
        level = tree.level(node.code)
        row = existing.get(node.code)
        values = {
            "name": node.name,
            "name_en": node.name_en,
            "parent": parent,
            "position": order,
            "chain_position": node.chain_position,
            "sectors": list(node.sectors),
            "level": level,
        }
        fresh = row is None
        if row is None:
            row = node_model(code=node.code, **values)
            row.save()
            existing[node.code] = row
            created += 1
        elif update:
            for key, value in values.items():
                setattr(row, key, value)
            row.save()
            term_model.objects.filter(node=row).delete()
            updated += 1
        if fresh or update:
            seen: set[tuple[str, str]] = set()
            terms = []
            for text, source, kind in node_terms(node):
                if (text, kind) not in seen:
                    seen.add((text, kind))
                    terms.append(term_model(node=row, text=text, source=source, kind=kind))
            term_model.objects.bulk_create(terms)
    have = set(edge_model.objects.values_list("supplier__code", "customer__code"))
    new_edges = [
        edge_model(supplier=existing[a], customer=existing[b], source="bundled")
        for a, b in tree.edges
        if (a, b) not in have and a in existing and b in existing
    ]
    edge_model.objects.bulk_create(new_edges)
    return {"nodes_created": created, "nodes_updated": updated, "edges_created": len(new_edges)}


def _m2m_throughs(node_model: Any) -> list[tuple[Any, str, str]]:
    """(through model, node column, other column) of every many-to-many pointing at nodes."""
    out = []
    for rel in node_model._meta.related_objects:
        if not rel.many_to_many:
            continue
        through = rel.through
        node_field = other_field = None
        for f in through._meta.fields:
            if not f.is_relation:
                continue
            if f.related_model is node_model or (
                getattr(f.related_model, "_meta", None)
                and f.related_model._meta.label_lower == node_model._meta.label_lower
            ):
                node_field = f.attname
            else:
                other_field = f.attname
        if node_field and other_field:
            out.append((through, node_field, other_field))
    return out


def links_move(node_model: Any, mapping: dict[int, int]) -> int:
    """Move every many-to-many link from node id → node id (``mapping``); returns rows moved.

    A link that already exists on the target is dropped rather than duplicated.
    """
    moved = 0
    for through, node_field, other_field in _m2m_throughs(node_model):
        targets = set(mapping.values())
        present = set(
            through.objects.filter(**{f"{node_field}__in": targets}).values_list(
                other_field, node_field
            )
        )
        for old, new in mapping.items():
            rows = list(through.objects.filter(**{node_field: old}).values_list("pk", other_field))
            keep, drop = [], []
            for pk, other in rows:
                if (other, new) in present:
                    drop.append(pk)
                else:
                    present.add((other, new))
                    keep.append(pk)
            if keep:
                through.objects.filter(pk__in=keep).update(**{node_field: new})
            if drop:
                through.objects.filter(pk__in=drop).delete()
            moved += len(keep)
    return moved


def legacy_replace(tree: ChainTree, node_model: Any) -> dict[str, int]:
    """Move links from the legacy codes to their replacements, then delete the legacy rows."""
    by_code = {code: pk for code, pk in node_model.objects.values_list("code", "pk")}
    mapping = {
        by_code[old]: by_code[new]
        for old, new in tree.legacy.items()
        if old in by_code and new in by_code and old not in tree.by_code
    }
    moved = links_move(node_model, mapping)
    old_ids = list(mapping)
    # Children first: the parent foreign key protects a node that still has children.
    rows = list(node_model.objects.filter(pk__in=old_ids).values_list("pk", "parent_id"))
    depth = {pk: 0 for pk, _ in rows}
    parents = dict(rows)
    for pk in depth:
        current, d = parents.get(pk), 0
        while current in parents:
            current, d = parents[current], d + 1
        depth[pk] = d
    for pk in sorted(depth, key=lambda k: -depth[k]):
        node_model.objects.filter(pk=pk).delete()
    return {"legacy_links_moved": moved, "legacy_nodes_deleted": len(depth)}


def bits_assign(node_model: Any) -> int:
    """Give a mask bit to every node that has children (level, then display order), up to 63.

    Leaves carry no bit: the register filters a leaf by its link rows, which are few.
    Returns how many nodes hold a bit.
    """
    rows = list(node_model.objects.values_list("pk", "parent_id", "level", "position", "bit"))
    parents = {parent for _, parent, _, _, _ in rows if parent is not None}
    wanted = sorted((r for r in rows if r[0] in parents), key=lambda r: (r[2], r[3], r[0]))
    chosen = {r[0] for r in wanted[:MASK_BITS]}
    current = {pk: bit for pk, _, _, _, bit in rows if bit is not None}
    # Keep bits that stay valid; free the others; hand free bits to the newcomers.
    keep = {pk: bit for pk, bit in current.items() if pk in chosen}
    free = sorted(set(range(MASK_BITS)) - set(keep.values()))
    drop = [pk for pk in current if pk not in chosen]
    if drop:
        node_model.objects.filter(pk__in=drop).update(bit=None)
    for pk in (r[0] for r in wanted[:MASK_BITS]):
        if pk not in keep:
            bit = free.pop(0)
            node_model.objects.filter(pk=pk).update(bit=bit)
            keep[pk] = bit
    return len(keep)


def masks_refresh(
    node_model: Any, organisation_model: Any, organisation_ids: Iterable[int] | None = None
) -> int:
    """Recompute Organisation.chain_mask (for the given organisations, or all); returns rows
    whose mask changed."""
    nodes = {
        pk: (bit, parent)
        for pk, bit, parent in node_model.objects.values_list("pk", "bit", "parent_id")
    }
    closure: dict[int, int] = {}
    for pk in nodes:
        mask, current, steps = 0, pk, 0
        while current is not None and steps < 32:
            bit, parent = nodes.get(current, (None, None))
            if bit is not None:
                mask |= 1 << bit
            current, steps = parent, steps + 1
        closure[pk] = mask
    through = organisation_model.chain_nodes.through
    links = through.objects.all()
    orgs = organisation_model.objects.all()
    if organisation_ids is not None:
        ids = list(organisation_ids)
        links = links.filter(organisation_id__in=ids)
        orgs = orgs.filter(pk__in=ids)
    wanted: dict[int, int] = defaultdict(int)
    for org_id, node_id in links.values_list("organisation_id", "chainnode_id").iterator(
        chunk_size=5000
    ):
        wanted[org_id] |= closure.get(node_id, 0)
    changes: dict[int, list[int]] = defaultdict(list)
    for org_id, mask in orgs.values_list("pk", "chain_mask").iterator(chunk_size=5000):
        new = wanted.get(org_id, 0)
        if new != mask:
            changes[new].append(org_id)
    changed = 0
    for mask, ids in changes.items():
        for start in range(0, len(ids), 900):
            batch = ids[start : start + 900]
            organisation_model.objects.filter(pk__in=batch).update(chain_mask=mask)
            changed += len(batch)
    return changed
