"""Reads of the chain: the tree as stored (staff-edited), news keywords, supplier graph."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from yiqiao.registry.models import ChainNode, Organisation, Region

from .engine.tree import POSITION_STAGE, ChainTree
from .models import (
    ChainEdge,
    ChainLink,
    ChainTerm,
    GapRun,
    NodeGap,
    OrganisationChain,
    Target,
)

#: Chain-map words too general to mark an article as being about our chain on their own
#: (they name every industry's chain: "electronic components", "hospital", "basic research").
NEWS_TOO_GENERAL = frozenset(
    {"电子元器件", "零部件供应", "基础研究", "医院", "终端消费者", "流通环节"}
)


def chain_tree() -> ChainTree:
    """The tree as the tables hold it now (staff edits included), in display order."""
    rows = list(
        ChainNode.objects.order_by("level", "position", "code").values(
            "pk", "code", "name", "name_en", "parent__code", "chain_position", "sectors"
        )
    )
    terms: dict[int, list[list[str]]] = {}
    for node_id, text, source, kind in ChainTerm.objects.order_by("id").values_list(
        "node_id", "text", "source", "kind"
    ):
        terms.setdefault(node_id, []).append([text, source, kind])
    # Parents before children: order by depth, then display order within the depth.
    nodes = [
        {
            "code": r["code"],
            "name": r["name"],
            "name_en": r["name_en"],
            "parent": r["parent__code"],
            "chain_position": r["chain_position"] or r["code"],
            "sectors": r["sectors"] or ["healthcare_general"],
            "terms": terms.get(r["pk"], []),
        }
        for r in rows
    ]
    edges = list(ChainEdge.objects.values_list("supplier__code", "customer__code"))
    return ChainTree.from_records(nodes, edges)


def chain_news_keywords() -> dict[str, list[str]]:
    """Words that mark news as being about a chain node → the codes of the nodes they name.

    A node's name (with a bracketed short form split off) and, for the top two levels, the
    words that industry chain maps use for the node (source ``chain_map``).
    """
    out: dict[str, list[str]] = {}

    def add(word: str, code: str) -> None:
        word = word.strip()
        if len(word) >= 2 and word not in NEWS_TOO_GENERAL and code not in out.get(word, []):
            out.setdefault(word, []).append(code)

    for code, name in ChainNode.objects.order_by("position", "code").values_list("code", "name"):
        for part in re.split(r"[（）()、]", name):
            if not part.startswith("含"):  # "（含IVD）" qualifies the name, it is no keyword
                add(part, code)
    for text, code in ChainTerm.objects.filter(
        node__level__lte=2, source="chain_map", kind=ChainTerm.Kind.KEYWORD
    ).values_list("text", "node__code"):
        add(text, code)
    return out


# --------------------------------------------------------------------------- district views


def district_for(user: Any) -> Region | None:
    """The district a staff user works for: their unit's region, or the first district
    below it (a park officer's park belongs to its district)."""
    from yiqiao.core.scope import user_scope

    scope = user_scope(user)
    if not (scope.is_staff_role or scope.everything):
        return None
    unit = getattr(user, "org_unit", None)
    region = getattr(unit, "region", None)
    if region is None:
        return (
            # The first district a unit works in (China's 3,000 counties hold no unit).
            (
                Region.objects.filter(kind=Region.Kind.DISTRICT, pk__in=_unit_region_ids())
                .order_by("path")
                .first()
                or Region.objects.filter(kind=Region.Kind.DISTRICT).order_by("path").first()
            )
            if scope.everything
            else None
        )
    current: Region | None = region
    while current is not None and current.kind in {Region.Kind.PARK, Region.Kind.ZONE}:
        current = current.parent
    if current is not None and current.kind in {Region.Kind.CITY, Region.Kind.PROVINCE}:
        below = Region.objects.filter(path__startswith=current.path, kind=Region.Kind.DISTRICT)
        return below.order_by("path").first() or current
    return current


def _unit_region_ids() -> Any:
    from yiqiao.accounts.models import OrgUnit

    return OrgUnit.objects.values("region_id")


def latest_run(user: Any, region: Region) -> GapRun | None:
    return (
        GapRun.objects.restrict(user, "view")
        .filter(region=region, status=GapRun.Status.DONE)
        .order_by("-finished_at", "-id")
        .first()
    )


def chain_map(*, user: Any, region: Region) -> dict[str, Any]:
    """Nodes with their gap level and local counts (one query each for nodes and gaps)."""
    run = latest_run(user, region)
    gaps: dict[int, Any] = {}
    if run is not None:
        gaps = {
            g["node_id"]: g
            for g in NodeGap.objects.filter(run=run).values(
                "node_id", "score", "level", "local_count", "local_revenue_yuan"
            )
        }
    nodes = []
    for pk, code, name, parent, level, position in ChainNode.objects.order_by(
        "position", "code"
    ).values_list("pk", "code", "name", "parent__code", "level", "chain_position"):
        g = gaps.get(pk, {})
        nodes.append(
            {
                "id": pk,
                "code": code,
                "name": name,
                "parent": parent,
                "level": level,
                "position": position or code,
                "stage": POSITION_STAGE.get(position or code, "midstream"),
                "gap": g.get("level", ""),
                "score": round(g.get("score", 0.0), 3) if g else None,
                "local": g.get("local_count", 0),
            }
        )
    edges = list(ChainEdge.objects.values_list("supplier__code", "customer__code"))
    return {"run": run, "nodes": nodes, "edges": edges}


def node_page(*, user: Any, region: Region, node: ChainNode) -> dict[str, Any]:
    """Everything the node page shows, in a fixed number of queries."""
    run = latest_run(user, region)
    node_gap = NodeGap.objects.filter(run=run, node=node).first() if run else None
    local = []
    if node_gap is not None and node_gap.record_ids:
        local = list(
            Organisation.objects.restrict(user, "view")
            .filter(pk__in=node_gap.record_ids[:50])
            .order_by("-revenue_yuan", "name")
            .values("pk", "name", "revenue_yuan", "headcount", "is_high_tech", "is_chain_leader")[
                :30
            ]
        )
    subtree = _subtree_ids(node)
    targets = list(
        Target.objects.restrict(user, "view")
        .filter(region=region, node_id__in=subtree)
        .select_related("organisation", "organisation__region", "project", "node")
        .order_by("-score", "rank", "id")[:20]
    )
    children = list(ChainNode.objects.filter(parent=node).order_by("position"))
    suppliers = list(
        ChainEdge.objects.filter(customer=node)
        .select_related("supplier")
        .order_by("supplier__position")
    )
    customers = list(
        ChainEdge.objects.filter(supplier=node)
        .select_related("customer")
        .order_by("customer__position")
    )
    return {
        "run": run,
        "gap": node_gap,
        "local": local,
        "targets": targets,
        "funnel": node_funnel(user=user, region=region, node=node),
        "children": children,
        "suppliers": suppliers,
        "customers": customers,
        "ancestors": _ancestors(node),
    }


def _subtree_ids(node: ChainNode) -> list[int]:
    """The node and everything below it (one query over the narrow tree table)."""
    from yiqiao.registry.queries import chain_subtree

    return chain_subtree(node.code)[1]


def _ancestors(node: ChainNode) -> list[ChainNode]:
    out = []
    current = node.parent
    while current is not None:
        out.append(current)
        current = current.parent
    return list(reversed(out))


FUNNEL_STEPS = ("targets", "contacted", "lead", "signed", "landed")
SIGNED_STAGES = {"signed", "registered", "construction", "production"}
LANDED_STAGES = {"registered", "construction", "production"}
CONTACTED_STAGES = {"contacted", "site_visit", "negotiating"} | SIGNED_STAGES


def node_funnel(*, user: Any, region: Region, node: ChainNode) -> list[tuple[str, str, int]]:
    """The 补链 funnel of a node and the nodes below it: targets → contacted → lead → signed →
    landed."""
    rows = list(
        Target.objects.restrict(user, "view")
        .filter(region=region, node_id__in=_subtree_ids(node))
        .values_list("status", "project__stage")
    )
    counts = {
        "targets": len(rows),
        "contacted": sum(
            1 for s, st in rows if s == Target.Status.CONTACTED or (st in CONTACTED_STAGES)
        ),
        "lead": sum(1 for _, st in rows if st is not None),
        "signed": sum(1 for _, st in rows if st in SIGNED_STAGES),
        "landed": sum(1 for _, st in rows if st in LANDED_STAGES),
    }
    labels = {
        "targets": "目标企业",
        "contacted": "已接洽",
        "lead": "转为线索",
        "signed": "已签约",
        "landed": "已落地",
    }
    return [(step, labels[step], counts[step]) for step in FUNNEL_STEPS]


def target_list(
    *, user: Any, region: Region, node_code: str = "", status: str = ""
) -> QuerySet[Target]:
    qs = (
        Target.objects.restrict(user, "view")
        .filter(region=region)
        .select_related("organisation", "organisation__region", "node", "project")
    )
    if node_code:
        qs = qs.filter(node__code=node_code)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("node__position", "rank", "id")


def access_target(user: Any, target_id: int, action: str = "view") -> Target:
    from yiqiao.core.access import access_object

    return access_object(Target, user, target_id, action)


def organisation_chain(organisation: Organisation) -> dict[str, Any]:
    """The classification panel of an organisation page."""
    profile = OrganisationChain.objects.filter(organisation=organisation).first()
    links = list(
        ChainLink.objects.filter(organisation=organisation)
        .select_related("node")
        .order_by("status", "-is_primary", "node__position")
    )
    for link in links:
        link.evidence_rows = evidence_rows(link.evidence or [])  # type: ignore[attr-defined]
    labels = dict(sector_choices())
    sectors = [labels.get(s, s) for s in (profile.sectors if profile else [])]
    return {"profile": profile, "links": links, "sector_labels": sectors}


def evidence_field_labels() -> dict[str, str]:
    """Where in a record a classifier's word was found, as an officer reads it."""
    return {
        "name": str(_("名称")),
        "products": str(_("产品")),
        "main": str(_("主营业务")),
        "description": str(_("简介")),
        "scope": str(_("经营范围")),
        "customer": str(_("客户与用途")),
    }


def evidence_rows(evidence: list[dict[str, Any]]) -> list[dict[str, str]]:
    """A link's stored evidence for display: the word, where it was found (in words), the
    words around it, and whether it names the node's field or says what kind of actor it is."""
    fields = evidence_field_labels()
    rows = []
    for item in evidence:
        points_to = str(item.get("points_to", ""))
        kind = (
            "cue"
            if points_to.startswith("cue:")
            else "sector"
            if points_to.startswith("sector:")
            else "node"
        )
        rows.append(
            {
                "term": str(item.get("term", "")),
                "field": fields.get(str(item.get("field", "")), str(item.get("field", ""))),
                "context": str(item.get("context", "")),
                "kind": kind,
            }
        )
    return rows


def position_choices() -> list[tuple[str, str]]:
    from yiqiao.vocab.fields import choices

    return [(v, str(label)) for v, label in choices("CHAIN_NODE")]


def sector_choices() -> list[tuple[str, str]]:
    from yiqiao.vocab.fields import choices

    return [(v, str(label)) for v, label in choices("SECTOR")]


def node_choices() -> list[tuple[str, str]]:
    rows = ChainNode.objects.order_by("position", "code").values_list("code", "name", "level")
    return [(code, "　" * (level - 1) + name) for code, name, level in rows]


def partner_regions(*, user: Any, region: Region) -> list[Any]:
    """Cities ranked for the next promotion event (see engine.gaps.rank_partner_regions)."""
    from .engine.gaps import RegionTally, rank_partner_regions

    tallies: dict[str, RegionTally] = {}

    def city_of(path: str | None, fallback: str) -> str:
        parts = (path or "").strip("/").split("/")
        code = parts[1] if len(parts) > 1 else (parts[0] if parts else "")
        return names.get(code, fallback)

    names = dict(Region.objects.values_list("code", "name"))
    for _org, path, name, score, node_id in (
        Target.objects.restrict(user, "view")
        .filter(region=region)
        .values_list("organisation_id", "organisation__region__path", "organisation__region__name", "score", "node_id")
    ):  # fmt: skip
        city = city_of(path, name)
        tally = tallies.setdefault(city, RegionTally(region=city))
        tally.target_score += score
        tally.targets += 1
        tally.nodes.add(str(node_id))
    from yiqiao.events.models import Event

    for event in Event.objects.restrict(user, "view").all()[:500]:
        city = str(getattr(event, "city", "") or "")
        if not city:
            continue
        tally = tallies.setdefault(city, RegionTally(region=city))
        tally.events += 1
        tally.event_signings += event.signings.count() if hasattr(event, "signings") else 0
    return rank_partner_regions(tallies.values())
