"""Pages of the chain: map, node page (gap, formula, local companies, targets, funnel), target
list with export, partner regions, organisation classification panel and its decisions."""

from __future__ import annotations

import json
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST

from yiqiao.accounts.models import User
from yiqiao.core.tabular import write_xlsx
from yiqiao.registry.models import ChainNode
from yiqiao.registry.queries import access_organisation

from . import queries
from .engine.tree import POSITION_STAGE, STAGES
from .models import GapRun, Target
from .services.classification import ChainJudgement, organisation_chain_confirm
from .services.gaps import gap_run_start, target_make_lead, target_set_status

STAGE_LABELS = {"upstream": "上游", "midstream": "中游", "downstream": "下游"}


def _user(request: HttpRequest) -> User:
    """The signed-in user (every view here is behind login_required)."""
    return cast(User, request.user)


def _district(request: HttpRequest) -> Any:
    region = queries.district_for(request.user)
    if region is None:
        raise PermissionDenied("产业链页面仅对区县及园区工作人员开放")
    return region


#: A stage with more rows than this is shown in two columns, so the map stays short enough to
#: read at a laptop's size without shrinking its labels.
COLUMN_ROWS = 40
#: Blank space between one position's group and the next, in rows.
GROUP_GAP = 0.6


def map_layout(nodes: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str], float]:
    """Grid places of the map's nodes: (nodes with ``col`` and ``row``, column titles, rows).

    Each column lists positions as an outline: a position, its groups one per row below it
    (indented by the page), a small gap, the next position. Every label has a row of its own and
    its column's width, so no two labels overlap; a long stage is cut into two columns between
    positions, at the half of its rows.
    """
    positions = [n for n in nodes if n["level"] == 1]
    children: dict[str, list[dict[str, Any]]] = {}
    for n in nodes:
        if n["level"] == 2:
            children.setdefault(n["parent"], []).append(n)
    columns: list[tuple[str, list[dict[str, Any]]]] = []
    for stage in STAGES:
        members = [p for p in positions if POSITION_STAGE.get(p["code"]) == stage]
        sizes = [1 + len(children.get(p["code"], [])) for p in members]
        total = sum(sizes)
        label = STAGE_LABELS[stage]
        if total <= COLUMN_ROWS or len(members) < 2:
            columns.append((label, members))
            continue
        running, cut = 0, len(members)
        for i, size in enumerate(sizes):
            running += size
            if running >= total / 2:
                cut = i + 1 if running - total / 2 < size / 2 else max(1, i)
                break
        columns.append((f"{label}（一）", members[:cut]))
        columns.append((f"{label}（二）", members[cut:]))
    out: list[dict[str, Any]] = []
    height = 0.0
    for col, (_, members) in enumerate(columns):
        row = 0.0
        for position in members:
            out.append({**position, "col": col, "row": row})
            row += 1
            for child in children.get(position["code"], []):
                out.append({**child, "col": col, "row": row})
                row += 1
            row += GROUP_GAP
        height = max(height, row - GROUP_GAP)
    return out, [title for title, _ in columns], height


@login_required
def chain_map(request: HttpRequest) -> HttpResponse:
    region = _district(request)
    data = queries.chain_map(user=request.user, region=region)
    nodes = data["nodes"]
    positions = [n for n in nodes if n["level"] == 1]
    graph_nodes, columns, rows = map_layout(nodes)
    pending = (
        GapRun.objects.restrict(request.user, "view")
        .filter(region=region, status__in=[GapRun.Status.QUEUED, GapRun.Status.RUNNING])
        .first()
    )
    context = {
        "region": region,
        "run": data["run"],
        "pending": pending,
        "stages": [
            (s, STAGE_LABELS[s], [n for n in positions if POSITION_STAGE[n["code"]] == s])
            for s in STAGES
        ],
        "groups": {n["code"]: [c for c in nodes if c["parent"] == n["code"]] for n in positions},
        "graph": json.dumps(
            {
                "nodes": graph_nodes,
                "columns": columns,
                "rows": rows,
                "edges": [[a, b] for a, b in data["edges"]],
                "node_url": reverse("chain:node", args=["__code__"]),
            },
            ensure_ascii=False,
        ),
        "can_edit": _user(request).can_edit_register,
        "counts": data["run"].counts if data["run"] else {},
    }
    return render(request, "chain/map.html", context)


@login_required
@require_POST
def recompute(request: HttpRequest) -> HttpResponse:
    region = _district(request)
    run = gap_run_start(region=region, by=_user(request))
    messages.success(request, f"已发起补链测算（#{run.pk}），完成后页面将显示最新结果")
    return redirect("chain:map")


@login_required
def run_status(request: HttpRequest, pk: int) -> HttpResponse:
    from yiqiao.core.access import access_object

    run = access_object(GapRun, request.user, pk, "view")
    return HttpResponse(
        json.dumps({"status": run.status, "progress": run.progress, "counts": run.counts}),
        content_type="application/json",
    )


@login_required
def node_detail(request: HttpRequest, code: str) -> HttpResponse:
    region = _district(request)
    node = ChainNode.objects.filter(code=code).select_related("parent").first()
    if node is None:
        raise Http404("产业链节点不存在")
    page = queries.node_page(user=request.user, region=region, node=node)
    gap = page["gap"]
    context = {
        "region": region,
        "node": node,
        "stage_label": STAGE_LABELS[
            POSITION_STAGE.get(node.chain_position or node.code, "midstream")
        ],
        **page,
        "formula": " + ".join(f"{t['weight']:.2f}×{t['label']}" for t in gap.terms) if gap else "",
        "policies": _policies_for(request, node),
        "spaces": _spaces_for(request, node),
        "can_edit": _user(request).can_edit_register,
        "registry_url": reverse("registry:organisation-list") + f"?chain={node.code}",
    }
    return render(request, "chain/node.html", context)


def _policies_for(request: HttpRequest, node: ChainNode) -> list[Any]:
    """Policies whose conditions name the node or one of its ancestors (library text)."""
    try:
        from yiqiao.policies.models import Policy
    except ImportError:  # pragma: no cover - policies is always installed
        return []
    codes = {node.code}
    current = node.parent
    while current is not None:
        codes.add(current.code)
        current = current.parent
    out = []
    for policy in Policy.objects.restrict(request.user, "view").order_by("-id")[:300]:
        text = json.dumps(getattr(policy, "source", None) or getattr(policy, "data", None) or {}, ensure_ascii=False) + str(getattr(policy, "yaml", ""))  # fmt: skip
        if any(code in text for code in codes):
            out.append(policy)
        if len(out) >= 8:
            break
    return out


def _spaces_for(request: HttpRequest, node: ChainNode) -> list[Any]:
    from yiqiao.registry.models import Space

    sectors = set(node.sectors or [])
    spaces = Space.objects.restrict(request.user, "view").filter(is_available=True)
    tagged = [
        s for s in spaces.order_by("-available_area_m2")[:200]
        if sectors & set(getattr(s, "industry_tags", None) or [])
    ]  # fmt: skip
    return tagged[:6]


@login_required
def target_list(request: HttpRequest) -> HttpResponse:
    region = _district(request)
    node_code = request.GET.get("node", "")[:60]
    status = request.GET.get("status", "")[:12]
    qs = queries.target_list(user=request.user, region=region, node_code=node_code, status=status)
    if request.GET.get("format") == "xlsx":
        rows = [
            [t.node.name, t.rank, t.organisation.name, t.organisation.region.name, round(t.score, 3),
             "；".join(t.reasons), t.get_status_display(), t.project.title if t.project else ""]
            for t in qs[:5000]
        ]  # fmt: skip
        header = ["节点", "排名", "目标企业", "所在地区", "得分", "理由", "状态", "招商项目"]
        content = write_xlsx(header, rows, title="补链目标")
        response = HttpResponse(
            content,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="chain-targets.xlsx"'
        return response
    return render(
        request,
        "chain/targets.html",
        {"region": region, "targets": qs[:500], "node_code": node_code, "status": status,
         "statuses": Target.Status.choices, "can_edit": _user(request).can_edit_register},
    )  # fmt: skip


@login_required
@require_POST
def target_lead(request: HttpRequest, pk: int) -> HttpResponse:
    target = queries.access_target(request.user, pk, "change")
    try:
        project = target_make_lead(target=target, by=_user(request))
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, "；".join(getattr(error, "messages", [str(error)])))
        return redirect("chain:node", code=target.node.code)
    messages.success(request, f"已转为招商线索：{project.title}")
    return redirect(request.POST.get("next") or reverse("chain:node", args=[target.node.code]))


@login_required
@require_POST
def target_status(request: HttpRequest, pk: int) -> HttpResponse:
    target = queries.access_target(request.user, pk, "change")
    try:
        target_set_status(target=target, status=request.POST.get("status", ""), by=_user(request))
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    return redirect(request.POST.get("next") or reverse("chain:node", args=[target.node.code]))


@login_required
def partners(request: HttpRequest) -> HttpResponse:
    region = _district(request)
    ranking = queries.partner_regions(user=request.user, region=region)
    return render(request, "chain/partners.html", {"region": region, "ranking": ranking})


def organisation_panel(request: HttpRequest, organisation: Any) -> str:
    """The chain panel of an organisation page: position, nodes with evidence, decisions."""
    if not getattr(request.user, "is_staff_role", False):
        return ""
    data = queries.organisation_chain(organisation)
    return render_to_string(
        "chain/_organisation_panel.html",
        {
            "organisation": organisation,
            **data,
            "can_edit": _user(request).can_edit_register,
            "positions": queries.position_choices(),
            "node_choices": queries.node_choices(),
            "sector_choices": queries.sector_choices(),
        },
        request=request,
    )


@login_required
@require_POST
def organisation_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = access_organisation(request.user, pk, for_edit=True)
    judgement = ChainJudgement(
        chain_position=request.POST.get("chain_position", ""),
        node_codes=tuple(request.POST.getlist("nodes")),
        sectors=tuple(request.POST.getlist("sectors")),
    )
    try:
        organisation_chain_confirm(
            organisation=organisation, judgement=judgement, by=_user(request)
        )
        messages.success(request, "已保存产业链定位")
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    return redirect("registry:organisation-detail", pk=organisation.pk)


@login_required
@require_POST
def organisation_classify_view(request: HttpRequest, pk: int) -> HttpResponse:
    from .services.classification import organisation_classify

    organisation = access_organisation(request.user, pk, for_edit=True)
    organisation_classify(organisation=organisation, by=_user(request))
    messages.success(request, "已重新分类，请确认或纠正")
    return redirect("registry:organisation-detail", pk=organisation.pk)


def get_target(pk: int) -> Target:
    return get_object_or_404(Target, pk=pk)
