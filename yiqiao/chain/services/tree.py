"""Writes to the chain tree: node labels and terms (staff), structure and edges (admins).

Every write is atomic and audited. Supplier edges stay a DAG (a cycle is refused, nothing
changes); a node that organisations, projects, needs or investors point at is not deleted
(refused), unless it is merged into another node, which moves every link first.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from yiqiao.accounts.models import User
from yiqiao.core.audit import audit_record, snapshot
from yiqiao.core.models import AuditEvent
from yiqiao.registry.models import ChainNode, Organisation
from yiqiao.vocab import SECTOR

from .. import loader
from ..engine.tree import ChainTree, find_cycle
from ..models import ChainEdge, ChainTerm


def _require_staff(by: User) -> None:
    if not getattr(by, "can_edit_register", False):
        raise PermissionDenied("当前角色无权修改产业链")


def _require_admin(by: User) -> None:
    if not (getattr(by, "is_superuser", False) or getattr(by, "role", "") == "admin"):
        raise PermissionDenied("只有管理员可以调整产业链结构")


def chain_tree_ensure() -> int:
    """Create the bundled nodes and edges missing from the tables (after a table wipe or an
    upgrade that adds nodes); staff edits to existing nodes are kept. Returns nodes created."""
    tree = ChainTree.bundled()
    if ChainNode.objects.filter(code__in=[n.code for n in tree.nodes]).count() == len(tree.nodes):
        return 0
    with transaction.atomic():
        counts = loader.tree_load(tree, ChainNode, ChainEdge, ChainTerm)
        loader.bits_assign(ChainNode)
    return counts["nodes_created"]


@dataclass(frozen=True)
class NodeData:
    """Editable fields of a node (labels, sectors and terms; not its place in the tree)."""

    name: str
    name_en: str = ""
    sectors: tuple[str, ...] = ()
    terms: tuple[tuple[str, str, str], ...] = field(default_factory=tuple)


def _check_node_data(data: NodeData) -> None:
    errors: dict[str, str] = {}
    if not data.name.strip():
        errors["name"] = "请填写节点名称"
    elif len(data.name.strip()) > 60:
        errors["name"] = "节点名称不超过60字"
    unknown = [s for s in data.sectors if s not in SECTOR]
    if unknown:
        errors["sectors"] = f"未知的产品领域：{'、'.join(unknown)}"
    elif not data.sectors:
        errors["sectors"] = "请至少选择一个产品领域"
    for text, source, kind in data.terms:
        if not text.strip() or not source.strip() or kind not in {"keyword", "product"}:
            errors["terms"] = "关键词须写明词语与来源（文件类型）"
            break
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def chain_node_update(*, node: ChainNode, data: NodeData, by: User) -> ChainNode:
    """Change a node's names, sectors and terms (bureau staff)."""
    _require_staff(by)
    _check_node_data(data)
    node = ChainNode.objects.select_for_update().get(pk=node.pk)
    before = snapshot(node)
    node.name = data.name.strip()
    node.name_en = data.name_en.strip()
    node.sectors = list(data.sectors)
    node.save()
    before["terms"] = _terms_of(node)
    _terms_replace(node, data.terms)
    after = snapshot(node) | {"terms": _terms_of(node)}
    audit_record(
        actor=by, action=AuditEvent.Action.UPDATE, instance=node, before=before, after=after
    )
    return node


def _terms_of(node: ChainNode) -> list[list[str]]:
    rows = ChainTerm.objects.filter(node=node).order_by("id")
    return [list(t) for t in rows.values_list("text", "source", "kind")]


def _terms_replace(node: ChainNode, terms: tuple[tuple[str, str, str], ...]) -> None:
    """Make the node's words exactly ``terms``: rows that stay are kept as they are (a form sent
    back unchanged writes nothing), the rest are deleted or added."""
    wanted: dict[tuple[str, str, str], None] = {}
    for text, source, kind in terms:
        key = (text.strip()[:60], kind)
        if all((t, k) != key for t, _, k in wanted):
            wanted[(key[0], source.strip()[:40], kind)] = None
    existing = {(t.text, t.source, t.kind): t.pk for t in ChainTerm.objects.filter(node=node)}
    stale = [pk for key, pk in existing.items() if key not in wanted]
    if stale:
        ChainTerm.objects.filter(pk__in=stale).delete()
    ChainTerm.objects.bulk_create(
        [
            ChainTerm(node=node, text=text, source=source, kind=kind)
            for text, source, kind in wanted
            if (text, source, kind) not in existing
        ]
    )


@transaction.atomic
def chain_node_create(*, parent: ChainNode, code: str, data: NodeData, by: User) -> ChainNode:
    """Add a node under ``parent`` (administrators). Top-level nodes are the fixed CHAIN_NODE
    positions and cannot be added."""
    _require_admin(by)
    _check_node_data(data)
    code = code.strip()
    if not code or len(code) > 60 or any(c.isspace() for c in code):
        raise ValidationError({"code": "编码须为1–60个不含空格的字符"})
    if ChainNode.objects.filter(code=code).exists():
        raise ValidationError({"code": f"编码“{code}”已存在"})
    last = ChainNode.objects.order_by("-position").values_list("position", flat=True).first()
    node = ChainNode(
        code=code,
        name=data.name.strip(),
        name_en=data.name_en.strip(),
        parent=parent,
        position=(last or 0) + 1,
        sectors=list(data.sectors),
    )
    node.save()
    _terms_replace(node, data.terms)
    _structure_changed()
    audit_record(
        actor=by,
        action=AuditEvent.Action.CREATE,
        instance=node,
        after=snapshot(node) | {"terms": _terms_of(node)},
    )
    return node


def _subtree_ids(node: ChainNode) -> list[int]:
    children: dict[int | None, list[int]] = {}
    for pk, parent in ChainNode.objects.values_list("pk", "parent_id"):
        children.setdefault(parent, []).append(pk)
    out, stack = [], [node.pk]
    while stack:
        current = stack.pop()
        out.append(current)
        stack.extend(children.get(current, []))
    return out


@transaction.atomic
def chain_node_move(*, node: ChainNode, parent: ChainNode, by: User) -> ChainNode:
    """Put a node (and its subtree) under another parent within the same CHAIN_NODE position
    or another one; its subtree takes the new position (administrators)."""
    _require_admin(by)
    node = ChainNode.objects.select_for_update().get(pk=node.pk)
    if node.parent_id is None:
        raise ValidationError("一级节点是固定的产业链环节，不能移动")
    subtree = _subtree_ids(node)
    if parent.pk in subtree:
        raise ValidationError("不能把节点移到它自己或它的下级节点之下")
    before = snapshot(node)
    node.parent = parent
    node.save()
    # Descendants follow: level and position come from the parent (ChainNode.save).
    for pk in subtree[1:]:
        ChainNode.objects.get(pk=pk).save()
    _structure_changed()
    audit_record(
        actor=by,
        action=AuditEvent.Action.UPDATE,
        instance=node,
        before=before,
        after=snapshot(node),
    )
    return node


def _references(node_ids: list[int]) -> dict[str, int]:
    """How many rows of each kind point at these nodes (many-to-many links)."""
    out: dict[str, int] = {}
    for through, node_field, other_field in loader._m2m_throughs(ChainNode):
        count = through.objects.filter(**{f"{node_field}__in": node_ids}).count()
        if count:
            # Named by what points at the node (机构, 招商项目 …), not by the link table.
            other = next(f for f in through._meta.fields if f.attname == other_field)
            label = str(other.related_model._meta.verbose_name)
            out[label] = out.get(label, 0) + count
    return out


@transaction.atomic
def chain_node_delete(*, node: ChainNode, by: User) -> None:
    """Delete a node without children that nothing points at (administrators).

    A node that organisations, projects, needs or investors point at is refused: merge it
    into another node instead (``chain_node_merge``), which moves the links.
    """
    _require_admin(by)
    node = ChainNode.objects.select_for_update().get(pk=node.pk)
    if node.parent_id is None:
        raise ValidationError("一级节点是固定的产业链环节，不能删除")
    if ChainNode.objects.filter(parent=node).exists():
        raise ValidationError(f"“{node.name}”还有下级节点，请先移走或合并")
    refs = _references([node.pk])
    if refs:
        total = sum(refs.values())
        raise ValidationError(f"“{node.name}”仍有{total}条关联记录，不能删除；请合并到其他节点")
    before = snapshot(node)
    audit_record(actor=by, action=AuditEvent.Action.DELETE, instance=node, before=before)
    node.delete()
    _structure_changed()


@transaction.atomic
def chain_node_merge(*, node: ChainNode, into: ChainNode, by: User) -> ChainNode:
    """Fold ``node`` into ``into``: links, children and edges move, then ``node`` is deleted."""
    _require_admin(by)
    if node.pk == into.pk:
        raise ValidationError("不能把节点合并到自身")
    node = ChainNode.objects.select_for_update().get(pk=node.pk)
    if node.parent_id is None:
        raise ValidationError("一级节点是固定的产业链环节，不能合并")
    if into.pk in _subtree_ids(node):
        raise ValidationError("不能合并到自己的下级节点")
    before = snapshot(node)
    moved = loader.links_move(ChainNode, {node.pk: into.pk})
    for child in ChainNode.objects.filter(parent=node):
        child.parent = into
        child.save()
    for edge in ChainEdge.objects.filter(supplier=node):
        if edge.customer_id != into.pk:
            ChainEdge.objects.get_or_create(supplier=into, customer_id=edge.customer_id)
    for edge in ChainEdge.objects.filter(customer=node):
        if edge.supplier_id != into.pk:
            ChainEdge.objects.get_or_create(supplier_id=edge.supplier_id, customer=into)
    ChainEdge.objects.filter(supplier=node).delete()
    ChainEdge.objects.filter(customer=node).delete()
    _check_acyclic()
    audit_record(
        actor=by,
        action=AuditEvent.Action.MERGE,
        instance=into,
        before=before,
        note=f"节点“{node.name}”（{node.code}）并入“{into.name}”，迁移关联{moved}条",
    )
    node.delete()
    _structure_changed()
    return into


def _check_acyclic(extra: tuple[int, int] | None = None) -> None:
    edges = list(ChainEdge.objects.values_list("supplier_id", "customer_id"))
    if extra:
        edges.append(extra)
    cycle = find_cycle(edges)
    if cycle:
        names = dict(ChainNode.objects.filter(pk__in=cycle).values_list("pk", "name"))
        raise ValidationError("供需关系不能成环：" + " → ".join(names.get(c) or "?" for c in cycle))


@transaction.atomic
def chain_edge_add(
    *, supplier: ChainNode, customer: ChainNode, note: str = "", by: User
) -> ChainEdge:
    """Record that ``supplier`` sells to ``customer``; a cycle is refused (administrators)."""
    _require_admin(by)
    if supplier.pk == customer.pk:
        raise ValidationError("节点不能供应自身")
    existing = ChainEdge.objects.filter(supplier=supplier, customer=customer).first()
    if existing is not None:
        return existing
    _check_acyclic((supplier.pk, customer.pk))
    edge = ChainEdge.objects.create(
        supplier=supplier, customer=customer, note=note[:200], source="staff"
    )
    audit_record(actor=by, action=AuditEvent.Action.CREATE, instance=edge, after=snapshot(edge))
    return edge


@transaction.atomic
def chain_edge_remove(*, edge: ChainEdge, by: User) -> None:
    """Remove a supplier relation (administrators)."""
    _require_admin(by)
    audit_record(actor=by, action=AuditEvent.Action.DELETE, instance=edge, before=snapshot(edge))
    edge.delete()


def _structure_changed() -> None:
    """Bits follow which nodes have children; every mask follows bits and parents (a rare
    administrator action: one pass over the link table)."""
    loader.bits_assign(ChainNode)
    loader.masks_refresh(ChainNode, Organisation)
