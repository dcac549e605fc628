"""Writes of gap analysis and targeting: recompute runs (background, with progress), target
status, and a target turned into a project lead in one click.

A run reads narrow columns of the register once (organisations of the district with revenue,
headcount, qualifications; their chain links), closes links over node ancestors in memory, and
writes one NodeGap per node and the top targets per red or amber node.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from yiqiao.accounts.models import User
from yiqiao.core.audit import audit_record, snapshot
from yiqiao.core.models import AuditEvent
from yiqiao.registry.models import ChainNode, Organisation, Region

from ..engine.gaps import Candidate, NodeStats, gap, rank_targets
from ..models import ChainEdge, GapRun, NodeGap, NodeTarget, PeerBenchmark, Target

if TYPE_CHECKING:
    from yiqiao.projects.models import Project

#: Reference profile when staff have set none for a node: by level (position, group, leaf).
DEFAULT_TARGETS = {1: (20, 5e8, 5), 2: (6, 1e8, 2), 3: (3, 3e7, 1)}
TARGETS_PER_NODE = 20


def region_subtree_ids(region: Region) -> list[int]:
    return list(Region.objects.filter(path__startswith=region.path).values_list("pk", flat=True))


@transaction.atomic
def gap_run_start(*, region: Region, by: User, as_of: dt.date | None = None) -> GapRun:
    """Queue a recomputation of gaps and targets for a district (editing roles only)."""
    if not getattr(by, "can_edit_register", False):
        raise PermissionDenied("当前角色无权发起补链测算")
    run = GapRun.objects.create(region=region, by=by, as_of=as_of or timezone.localdate())
    audit_record(actor=by, action=AuditEvent.Action.CREATE, instance=run, after=snapshot(run))
    transaction.on_commit(lambda: gap_run_task.enqueue(run.pk))
    return run


@task()
def gap_run_task(run_id: int) -> None:
    """Background entry point of a run (records a failure on the run, never loses it)."""
    try:
        gap_run_execute(run_id=run_id)
    except Exception as error:  # a task boundary: the failure is recorded on the run
        GapRun.objects.filter(pk=run_id).update(
            status=GapRun.Status.FAILED, error=str(error)[:300], finished_at=timezone.now()
        )
        raise


def _progress(run: GapRun, value: int) -> None:
    GapRun.objects.filter(pk=run.pk).update(progress=value)


def gap_run_execute(*, run_id: int) -> GapRun:
    """Compute every node's gap and each gap node's targets for the run's district."""
    run = GapRun.objects.select_related("region").get(pk=run_id)
    GapRun.objects.filter(pk=run.pk).update(status=GapRun.Status.RUNNING, progress=1)
    region = run.region
    local_regions = set(region_subtree_ids(region))
    nodes = list(ChainNode.objects.values_list("pk", "code", "parent_id", "level", "sectors"))
    parent = {pk: p for pk, _, p, _, _ in nodes}
    code_of = {pk: c for pk, c, _, _, _ in nodes}
    level_of = {pk: lv for pk, _, _, lv, _ in nodes}
    sectors_of = {pk: set(s or ()) for pk, _, _, _, s in nodes}

    def closure(node_id: int) -> list[int]:
        out = []
        current: int | None = node_id
        while current is not None:
            out.append(current)
            current = parent.get(current)
        return out

    local = Q(region_id__in=local_regions) | Q(park_id__in=local_regions)
    orgs = {
        pk: (revenue, headcount, qualified, leader)
        for pk, revenue, headcount, high, spec, leader in Organisation.objects.filter(
            local, is_active=True
        )
        .values_list(
            "pk", "revenue_yuan", "headcount", "is_high_tech", "is_specialised", "is_chain_leader"
        )
        .iterator(chunk_size=5000)
        for qualified in [high or spec]
    }
    _progress(run, 20)
    through = Organisation.chain_nodes.through
    members: dict[int, set[int]] = defaultdict(set)
    for org_id, node_id in (
        through.objects.filter(organisation_id__in=list(orgs))
        .values_list("organisation_id", "chainnode_id")
        .iterator(chunk_size=10000)
    ):
        for n in closure(node_id):
            members[n].add(org_id)
    _progress(run, 40)
    targets = {t.node_id: t for t in NodeTarget.objects.filter(region=region)}
    peers: dict[int, list[int]] = defaultdict(list)
    for node_id, count in PeerBenchmark.objects.values_list("node_id", "enterprises"):
        peers[node_id].append(count)
    needs_total, needs_outside = _dependencies(local_regions, closure)
    gaps: list[NodeGap] = []
    for pk, code, _, level, _ in nodes:
        ids = members.get(pk, set())
        revenue = sum(float(orgs[i][0] or 0) for i in ids)
        headcount = sum(int(orgs[i][1] or 0) for i in ids)
        qualified = sum(1 for i in ids if orgs[i][2])
        target = targets.get(pk)
        default = DEFAULT_TARGETS[min(level, 3)]
        stats = NodeStats(
            node=code,
            local_count=len(ids),
            local_revenue_yuan=revenue,
            local_headcount=headcount,
            local_qualified=qualified,
            target_count=target.enterprises if target else default[0],
            target_revenue_yuan=float(target.revenue_yuan) if target else default[1],
            target_qualified=target.qualified if target else default[2],
            peer_counts=tuple(peers.get(pk, ())),
            needs_total=needs_total.get(pk, 0),
            needs_answered_outside=needs_outside.get(pk, 0),
        )
        result = gap(stats)
        gaps.append(
            NodeGap(
                run=run,
                node_id=pk,
                score=result.score,
                level=result.level,
                local_count=len(ids),
                local_revenue_yuan=Decimal(str(round(revenue, 2))),
                local_headcount=headcount,
                local_qualified=qualified,
                terms=[t.as_dict() for t in result.terms],
                record_ids=sorted(ids)[:200],
            )
        )
    with transaction.atomic():
        NodeGap.objects.filter(run__region=region).exclude(run=run).delete()
        NodeGap.objects.bulk_create(gaps, batch_size=500)
    _progress(run, 60)
    gap_nodes = [
        g.node_id for g in gaps if g.level in {"red", "amber"} and level_of[g.node_id] >= 2
    ]
    written = _write_targets(
        run, region, local_regions, gap_nodes, code_of, closure, sectors_of, members, orgs
    )
    GapRun.objects.filter(pk=run.pk).update(
        status=GapRun.Status.DONE,
        progress=100,
        finished_at=timezone.now(),
        counts={
            "organisations": len(orgs),
            "nodes": len(gaps),
            "red": sum(g.level == "red" for g in gaps),
            "amber": sum(g.level == "amber" for g in gaps),
            "targets": written,
        },
    )
    run.refresh_from_db()
    return run


def _dependencies(local_regions: set[int], closure: Any) -> tuple[dict[int, int], dict[int, int]]:
    """Per node: needs of local organisations, and those a referral answered from outside."""
    from yiqiao.demands.models import Demand, Response

    total: dict[int, int] = defaultdict(int)
    outside: dict[int, int] = defaultdict(int)
    demands = Demand.objects.filter(organisation__region_id__in=local_regions)
    node_rows = list(demands.values_list("pk", "chain_nodes"))
    referrals: dict[int, list[str]] = defaultdict(list)
    for demand_id, key in Response.objects.filter(demand__in=demands, is_referral=True).values_list(
        "demand_id", "resource_key"
    ):
        referrals[demand_id].append(key)
    org_ids = {int(k.split(":")[1]) for keys in referrals.values() for k in keys if k.startswith("organisation:") and k.split(":")[1].isdigit()}  # fmt: skip
    local_orgs = set(
        Organisation.objects.filter(pk__in=org_ids)
        .filter(Q(region_id__in=local_regions) | Q(park_id__in=local_regions))
        .values_list("pk", flat=True)
    )
    for demand_id, node_id in node_rows:
        if node_id is None:
            continue
        answered_outside = any(
            k.startswith("organisation:") and k.split(":")[1].isdigit() and int(k.split(":")[1]) not in local_orgs
            for k in referrals.get(demand_id, ())
        )  # fmt: skip
        for n in closure(node_id):
            total[n] += 1
            outside[n] += answered_outside
    return total, outside


def _write_targets(
    run: GapRun,
    region: Region,
    local_regions: set[int],
    gap_nodes: list[int],
    code_of: dict[int, str],
    closure: Any,
    sectors_of: dict[int, set[str]],
    members: dict[int, set[int]],
    local_orgs: dict[int, Any],
) -> int:
    """Rank outside companies for each gap node; keep statuses and project links of targets
    that stay, drop open targets that fell off the list."""
    from yiqiao.accounts.models import OrgUnit

    # Outside companies the district's own units hold in the register (imported target lists,
    # news links, event participants, investors' portfolios): never another district's records.
    outside = (
        Organisation.objects.filter(is_active=True)
        .exclude(Q(region_id__in=local_regions) | Q(park_id__in=local_regions))
        .filter(owner_unit_id__in=OrgUnit.objects.filter(region_id__in=local_regions).values("pk"))
    )
    outside_rows = {
        pk: (name, region_id, province)
        for pk, name, region_id, province in outside.values_list(
            "pk", "name", "region_id", "region__path"
        )
    }
    through = Organisation.chain_nodes.through
    org_nodes: dict[int, set[int]] = defaultdict(set)
    for org_id, node_id in through.objects.filter(
        organisation_id__in=list(outside_rows)
    ).values_list("organisation_id", "chainnode_id"):
        org_nodes[org_id].update(closure(node_id))
    signals = _signals(list(outside_rows))
    leader_nodes = {
        n for org_id, (_, _, _, leader) in local_orgs.items() if leader for n in _org_node_ids(org_id, through)
    }  # fmt: skip
    edges = list(ChainEdge.objects.values_list("supplier_id", "customer_id"))
    region_path = region.path
    province = "/".join(region_path.strip("/").split("/")[:1])
    per_region_node: dict[tuple[int, int], int] = defaultdict(int)
    for org_id, node_ids in org_nodes.items():
        for n in node_ids:
            per_region_node[(outside_rows[org_id][1], n)] += 1
    written = 0
    keep_ids: list[int] = []
    for index, node_id in enumerate(gap_nodes):
        code = code_of[node_id]
        ancestors = [code_of[a] for a in closure(node_id)[1:]]
        candidates = []
        for org_id, node_ids in org_nodes.items():
            if node_id not in node_ids:
                continue
            name, org_region, path = outside_rows[org_id]
            crowd = per_region_node[(org_region, node_id)]
            ties = sum(
                1 for s, c in edges if (s in node_ids and c in leader_nodes) or (c in node_ids and s in leader_nodes)
            )  # fmt: skip
            sig = signals.get(org_id, {})
            overlap = sectors_of[node_id] & set().union(*(sectors_of[n] for n in node_ids))
            candidates.append(
                Candidate(
                    organisation_id=org_id,
                    name=name,
                    node_codes=tuple(code_of[n] for n in node_ids),
                    sector_overlap=len(overlap) / max(1, len(sectors_of[node_id])),
                    region_name=(path or "").strip("/").split("/")[-1] if path else "",
                    same_province=bool(path and path.strip("/").split("/")[0] == province),
                    region_strength=min(1.0, crowd / 5.0),
                    financings=sig.get("financing", 0),
                    expansions=sig.get("expansion", 0),
                    certificates=sig.get("certificate", 0),
                    events_attended=sig.get("event", 0),
                    leader_ties=min(ties, 5),
                )
            )
        ranked = rank_targets(code, ancestors, candidates, limit=TARGETS_PER_NODE)
        for rank, scored in enumerate(ranked, start=1):
            target, _ = Target.objects.update_or_create(
                region=region,
                node_id=node_id,
                organisation_id=scored.organisation_id,
                defaults={
                    "run": run,
                    "rank": rank,
                    "score": scored.score,
                    "components": {
                        "terms": [t.as_dict() for t in scored.terms],
                        "formula": " + ".join(f"{t.weight:.2f}×{t.label}({t.value:.2f})" for t in scored.terms),
                    },
                    "reasons": list(scored.reasons),
                },
            )  # fmt: skip
            keep_ids.append(target.pk)
            written += 1
        if index % 10 == 0:
            _progress(run, 60 + int(39 * index / max(1, len(gap_nodes))))
    Target.objects.filter(region=region, status=Target.Status.OPEN, project__isnull=True).exclude(
        pk__in=keep_ids
    ).delete()
    return written


def _org_node_ids(org_id: int, through: Any) -> list[int]:
    return list(
        through.objects.filter(organisation_id=org_id).values_list("chainnode_id", flat=True)
    )


def _signals(org_ids: list[int]) -> dict[int, dict[str, int]]:
    """Growth signals from news facts linked to each organisation, and event attendance."""
    out: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    try:
        from yiqiao.intel.models import ExtractedFact

        facts = ExtractedFact.objects.filter(
            organisation_id__in=org_ids,
            status__in=[ExtractedFact.Status.CONFIRMED, ExtractedFact.Status.CORRECTED],
        ).values_list("organisation_id", "kind", "payload")
        for org_id, kind, payload in facts:
            text = str(payload)
            if kind == ExtractedFact.Kind.MONEY or "融资" in text:
                out[org_id]["financing"] += 1
            elif kind == ExtractedFact.Kind.SIGNING or any(
                w in text for w in ("扩产", "新建", "投资建设")
            ):
                out[org_id]["expansion"] += 1
            if "注册证" in text or "获批" in text:
                out[org_id]["certificate"] += 1
    except (ImportError, LookupError):  # intel not installed in a trimmed deployment
        pass
    from yiqiao.events.models import Registration

    for org_id in Registration.objects.filter(organisation_id__in=org_ids).values_list(
        "organisation_id", flat=True
    ):
        out[org_id]["event"] += 1
    return out


@transaction.atomic
def target_set_status(*, target: Target, status: str, by: User) -> Target:
    """Mark a target contacted or dismissed (editing roles)."""
    if not getattr(by, "can_edit_register", False):
        raise PermissionDenied("当前角色无权修改目标企业")
    if status not in {Target.Status.OPEN, Target.Status.CONTACTED, Target.Status.DISMISSED}:
        raise ValidationError("未知的目标状态")
    current = Target.objects.select_for_update().get(pk=target.pk)
    if current.project_id and status == Target.Status.DISMISSED:
        raise ValidationError("已转为招商线索的目标不能排除")
    before = snapshot(current)
    current.status = status
    current.save()
    audit_record(
        actor=by,
        action=AuditEvent.Action.UPDATE,
        instance=current,
        before=before,
        after=snapshot(current),
    )
    return current


@transaction.atomic
def target_make_lead(*, target: Target, by: User) -> Project:
    """Turn a target into a project lead (projects' lead service); a target whose company is
    already in the pipeline links to that project instead of creating a second one."""
    from yiqiao.projects.models import Project, Stage
    from yiqiao.projects.services import project_create_lead

    if not getattr(by, "can_edit_register", False):
        raise PermissionDenied("当前角色无权创建招商线索")
    current = (
        Target.objects.select_for_update().select_related("organisation", "node").get(pk=target.pk)
    )
    if current.project is not None:
        return current.project
    existing = (
        Project.objects.filter(investors=current.organisation)
        .exclude(stage=Stage.LOST)
        .order_by("-id")
        .first()
    )
    project = existing or project_create_lead(
        title=f"补链招商：{current.organisation.name}（{current.node.name}）",
        investor=current.organisation,
        source_note=f"产业链补链目标：{current.node.name}，得分{current.score:.2f}；" + "；".join(current.reasons[:3]),
        chain_nodes=[current.node],
        by=by,
        source_url_or_ref=f"chain-target:{current.region_id}:{current.node_id}:{current.organisation_id}",
    )  # fmt: skip
    before = snapshot(current)
    current.project = project
    current.status = Target.Status.LEAD
    current.save()
    audit_record(
        actor=by,
        action=AuditEvent.Action.UPDATE,
        instance=current,
        before=before,
        after=snapshot(current),
    )
    return project
