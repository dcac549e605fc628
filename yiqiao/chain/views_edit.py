"""Staff edit pages of the chain: a node (labels, sectors, words; structure and supplier edges
for administrators) and the district's reference profile (the target map of a complete chain).

Every write goes through the chain's services, which check the role, validate, keep supplier
edges acyclic, refuse to delete a node that records point at (or merge it, moving the links),
and audit. A refused write leaves the data as it was and says why in Chinese.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from yiqiao.accounts.models import User
from yiqiao.registry.models import ChainNode

from . import queries
from .engine.tree import ChainTree
from .models import ChainEdge, ChainTerm, NodeTarget
from .services import tree as tree_services
from .services.profile import (
    ProfileInput,
    node_target_reset,
    node_target_save,
    profile_defaults,
)

KIND_LABELS = {"keyword": "关键词", "product": "产品词"}
KIND_BY_LABEL = {
    "关键词": "keyword",
    "keyword": "keyword",
    "产品词": "product",
    "产品": "product",
    "product": "product",
}


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _node(code: str) -> ChainNode:
    node = ChainNode.objects.filter(code=code).select_related("parent").first()
    if node is None:
        raise Http404("产业链节点不存在")
    return node


def _errors(error: ValidationError | PermissionDenied) -> list[str]:
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            return [m for messages_ in error.message_dict.values() for m in messages_]
        return list(error.messages)
    return [str(error) or "无权执行该操作"]


def terms_text(node: ChainNode) -> str:
    rows = ChainTerm.objects.filter(node=node).order_by("id")
    return "\n".join(f"{t.text}｜{t.source}｜{KIND_LABELS.get(t.kind, t.kind)}" for t in rows)


def parse_terms(text: str) -> tuple[tuple[str, str, str], ...]:
    """Lines ``词语｜来源｜关键词或产品词`` (the kind may be left out: a keyword)."""
    out: list[tuple[str, str, str]] = []
    problems: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.replace("|", "｜").split("｜")]
        if len(parts) == 2:
            parts.append("关键词")
        if len(parts) != 3 or not parts[0] or not parts[1]:
            problems.append(f"第{number}行应写成“词语｜来源｜关键词或产品词”")
            continue
        kind = KIND_BY_LABEL.get(parts[2].lower())
        if kind is None:
            problems.append(f"第{number}行的类型须为“关键词”或“产品词”")
            continue
        if len(parts[0]) > 60 or len(parts[1]) > 40:
            problems.append(f"第{number}行：词语不超过60字，来源不超过40字")
            continue
        out.append((parts[0], parts[1], kind))
    if problems:
        raise ValidationError({"terms": "；".join(problems)})
    return tuple(out)


def _node_choices(exclude: set[int] | None = None) -> list[tuple[str, str]]:
    exclude = exclude or set()
    rows = ChainNode.objects.order_by("position", "code").values_list("pk", "code", "name", "level")
    return [
        (code, f"{'　' * ((level or 1) - 1)}{name}（{code}）")
        for pk, code, name, level in rows
        if pk not in exclude
    ]


def _sources() -> dict[str, str]:
    return dict(ChainTree.bundled().sources)


@login_required
def node_edit(request: HttpRequest, code: str) -> HttpResponse:
    """The node's edit page: labels for staff, structure and edges for administrators."""
    user = _user(request)
    if not user.can_edit_register:
        raise PermissionDenied("当前角色无权修改产业链")
    node = _node(code)
    is_admin = user.is_superuser or user.role == "admin"
    form = {
        "name": node.name,
        "name_en": node.name_en,
        "sectors": list(node.sectors or []),
        "terms": terms_text(node),
    }
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            target = _apply(action, node, request, user)
        except (ValidationError, PermissionDenied) as error:
            for message in _errors(error):
                messages.error(request, message)
            if action == "labels":
                # Keep what was typed so it can be corrected; nothing was saved.
                form = {
                    "name": request.POST.get("name", ""),
                    "name_en": request.POST.get("name_en", ""),
                    "sectors": request.POST.getlist("sectors"),
                    "terms": request.POST.get("terms", ""),
                }
                status = 400
            else:
                return redirect("chain:node-edit", code=node.code)
        else:
            return redirect(target)
    subtree = set(tree_services._subtree_ids(node))
    context = {
        "node": node,
        "form": form,
        "is_admin": is_admin,
        "sector_choices": queries.sector_choices(),
        "sources": _sources(),
        "suppliers": ChainEdge.objects.filter(customer=node).select_related("supplier"),
        "customers": ChainEdge.objects.filter(supplier=node).select_related("customer"),
        "children": ChainNode.objects.filter(parent=node).order_by("position", "code"),
        "parent_choices": _node_choices(exclude=subtree),
        "merge_choices": _node_choices(exclude=subtree),
        "edge_choices": _node_choices(exclude={node.pk}),
        "references": tree_services._references([node.pk]) if is_admin else {},
    }
    return render(request, "chain/node_edit.html", context, status=status)


def _apply(action: str, node: ChainNode, request: HttpRequest, user: User) -> str:
    """Run one form's action; returns where to go next (raises on a refused write)."""
    post = request.POST
    here = reverse("chain:node-edit", args=[node.code])
    if action == "labels":
        data = tree_services.NodeData(
            name=post.get("name", ""),
            name_en=post.get("name_en", ""),
            sectors=tuple(post.getlist("sectors")),
            terms=parse_terms(post.get("terms", "")),
        )
        tree_services.chain_node_update(node=node, data=data, by=user)
        messages.success(request, f"已保存“{data.name.strip()}”的名称、产品领域与关键词")
        return here
    if action == "child":
        data = tree_services.NodeData(
            name=post.get("child_name", ""),
            name_en=post.get("child_name_en", ""),
            sectors=tuple(post.getlist("child_sectors")) or tuple(node.sectors or ()),
        )
        child = tree_services.chain_node_create(
            parent=node, code=post.get("child_code", ""), data=data, by=user
        )
        messages.success(request, f"已新增下级节点“{child.name}”")
        return reverse("chain:node-edit", args=[child.code])
    if action == "move":
        parent = _chosen(post.get("parent", ""), "请选择新的上级节点")
        tree_services.chain_node_move(node=node, parent=parent, by=user)
        messages.success(request, f"已把“{node.name}”移到“{parent.name}”之下")
        return here
    if action == "merge":
        into = _chosen(post.get("into", ""), "请选择要并入的节点")
        tree_services.chain_node_merge(node=node, into=into, by=user)
        messages.success(request, f"已把“{node.name}”并入“{into.name}”，关联记录已迁移")
        return reverse("chain:node-edit", args=[into.code])
    if action == "delete":
        parent_code = node.parent.code if node.parent else ""
        name = node.name
        tree_services.chain_node_delete(node=node, by=user)
        messages.success(request, f"已删除节点“{name}”")
        return reverse("chain:node-edit", args=[parent_code]) if parent_code else "/"
    if action in {"add_supplier", "add_customer"}:
        other = _chosen(post.get("other", ""), "请选择节点")
        supplier, customer = (other, node) if action == "add_supplier" else (node, other)
        tree_services.chain_edge_add(
            supplier=supplier, customer=customer, note=post.get("note", ""), by=user
        )
        messages.success(request, f"已记录供需关系：{supplier.name} → {customer.name}")
        return here
    if action == "remove_edge":
        edge = ChainEdge.objects.filter(pk=_int(post.get("edge", ""))).first()
        if edge is None or node.pk not in (edge.supplier_id, edge.customer_id):
            raise ValidationError("该供需关系不存在或已删除")
        tree_services.chain_edge_remove(edge=edge, by=user)
        messages.success(request, "已删除供需关系")
        return here
    raise ValidationError("未知的操作")


def _int(value: str) -> int:
    return int(value) if value.isdigit() else 0


def _chosen(code: str, missing: str) -> ChainNode:
    node = ChainNode.objects.filter(code=code.strip()).first() if code.strip() else None
    if node is None:
        raise ValidationError(missing)
    return node


# --------------------------------------------------------------------------- reference profile


def _district(request: HttpRequest) -> Any:
    region = queries.district_for(request.user)
    if region is None:
        raise PermissionDenied("目标画像仅对区县及园区工作人员开放")
    return region


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """The district's reference profile: every position and group with its targets."""
    region = _district(request)
    rows = {
        t.node_id: t
        for t in NodeTarget.objects.restrict(request.user, "view").filter(region=region)
    }
    position = request.GET.get("position", "")[:40]
    nodes = ChainNode.objects.filter(level__lte=2).order_by("position", "code")
    if position:
        nodes = nodes.filter(chain_position=position)
    table = []
    for node in nodes:
        row = rows.get(node.pk)
        enterprises, revenue, qualified = profile_defaults(node)
        table.append(
            {
                "node": node,
                "own": row is not None,
                "enterprises": row.enterprises if row else enterprises,
                "revenue_wan": (float(row.revenue_yuan) if row else revenue) / 10_000,
                "headcount": row.headcount if row else None,
                "qualified": row.qualified if row else qualified,
                "note": row.note if row else "",
            }
        )
    return render(
        request,
        "chain/profile.html",
        {
            "region": region,
            "rows": table,
            "position": position,
            "positions": queries.position_choices(),
            "can_edit": _user(request).can_edit_register,
        },
    )


@login_required
def profile_edit(request: HttpRequest, code: str) -> HttpResponse:
    region = _district(request)
    user = _user(request)
    if not user.can_edit_register:
        raise PermissionDenied("当前角色无权修改目标画像")
    node = _node(code)
    row = NodeTarget.objects.restrict(user, "view").filter(region=region, node=node).first()
    enterprises, revenue, qualified = profile_defaults(node)
    form = {
        "enterprises": str(row.enterprises if row else enterprises),
        "revenue_wan": f"{(float(row.revenue_yuan) if row else revenue) / 10_000:g}",
        "headcount": str(row.headcount) if row else "0",
        "qualified": str(row.qualified if row else qualified),
        "note": row.note if row else "",
    }
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "reset":
                if node_target_reset(region=region, node=node, by=user):
                    messages.success(request, f"“{node.name}”已恢复默认目标")
                return redirect(reverse("chain:profile") + f"#n-{node.code}")
            data = ProfileInput(
                enterprises=request.POST.get("enterprises", ""),
                revenue_wan=request.POST.get("revenue_wan", ""),
                headcount=request.POST.get("headcount", ""),
                qualified=request.POST.get("qualified", ""),
                note=request.POST.get("note", ""),
            )
            node_target_save(region=region, node=node, data=data, by=user)
        except ValidationError as error:
            errors = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
            form = {k: request.POST.get(k, "") for k in form}
            messages.error(request, "目标画像未保存，请按提示修改")
            status = 400
        else:
            messages.success(request, f"已保存“{node.name}”的目标画像")
            return redirect(reverse("chain:profile") + f"#n-{node.code}")
    return render(
        request,
        "chain/profile_edit.html",
        {
            "region": region,
            "node": node,
            "form": form,
            "errors": errors,
            "own": row is not None,
            "defaults": {
                "enterprises": enterprises,
                "revenue_wan": revenue / 10_000,
                "qualified": qualified,
            },
        },
        status=status,
    )
