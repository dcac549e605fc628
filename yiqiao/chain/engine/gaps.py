"""Chain gaps, targets, partner regions and the backtest measure (pure).

Every score is a weighted sum of named terms, and every term carries its inputs, so a page can
show the formula with the numbers behind it:

    缺口分 = 0.30·企业数缺口 + 0.20·营收缺口 + 0.15·资质缺口 + 0.20·对标缺口 + 0.15·外部依赖

where each 缺口 is ``max(0, 1 − 本地值 / 目标值)`` (0 when the target is 0), 对标缺口 compares
with the median of the peer regions, and 外部依赖 is the share of local needs and chain-leader
purchases on the node answered from outside the district. Red (缺链) from 0.6, amber (弱链)
from 0.3.

    目标得分 = 0.35·契合度 + 0.25·成长信号 + 0.20·本地关联 + 0.20·区域互补
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from statistics import median

GAP_WEIGHTS: dict[str, float] = {
    "count": 0.30,
    "revenue": 0.20,
    "qualified": 0.15,
    "peer": 0.20,
    "dependency": 0.15,
}
GAP_LABELS: dict[str, str] = {
    "count": "企业数缺口",
    "revenue": "营收缺口",
    "qualified": "资质缺口",
    "peer": "对标缺口",
    "dependency": "外部依赖",
}
RED, AMBER = 0.6, 0.3
TARGET_WEIGHTS: dict[str, float] = {"fit": 0.35, "growth": 0.25, "ties": 0.20, "region": 0.20}
TARGET_LABELS: dict[str, str] = {
    "fit": "契合度",
    "growth": "成长信号",
    "ties": "本地关联",
    "region": "区域互补",
}


@dataclass(frozen=True)
class NodeStats:
    """What a district holds on one node, its reference profile and its peers."""

    node: str
    local_count: int
    local_revenue_yuan: float
    local_headcount: int
    local_qualified: int
    target_count: int
    target_revenue_yuan: float
    target_qualified: int
    peer_counts: tuple[int, ...] = ()
    needs_total: int = 0
    needs_answered_outside: int = 0


@dataclass(frozen=True)
class Term:
    """One term of a formula: its label, weight, value (0–1) and the numbers behind it."""

    key: str
    label: str
    weight: float
    value: float
    detail: str

    def as_dict(self) -> dict[str, object]:
        return {
            "key": self.key,
            "label": self.label,
            "weight": self.weight,
            "value": round(self.value, 4),
            "detail": self.detail,
        }


@dataclass(frozen=True)
class GapResult:
    node: str
    score: float
    level: str
    terms: tuple[Term, ...]

    @property
    def formula(self) -> str:
        return " + ".join(f"{t.weight:.2f}×{t.label}({t.value:.2f})" for t in self.terms) + (
            f" = {self.score:.2f}"
        )


def _shortfall(have: float, want: float) -> float:
    return max(0.0, 1.0 - have / want) if want > 0 else 0.0


def _money(value: float) -> str:
    if value >= 1e8:
        return f"{value / 1e8:.2f}亿元"
    return f"{value / 1e4:.0f}万元"


def gap(stats: NodeStats) -> GapResult:
    """The gap score of one node with each term explained."""
    peer = float(median(stats.peer_counts)) if stats.peer_counts else 0.0
    dependency = stats.needs_answered_outside / stats.needs_total if stats.needs_total > 0 else 0.0
    values = {
        "count": (
            _shortfall(stats.local_count, stats.target_count),
            f"本地{stats.local_count}家 / 目标{stats.target_count}家",
        ),
        "revenue": (
            _shortfall(stats.local_revenue_yuan, stats.target_revenue_yuan),
            f"本地{_money(stats.local_revenue_yuan)} / 目标{_money(stats.target_revenue_yuan)}",
        ),
        "qualified": (
            _shortfall(stats.local_qualified, stats.target_qualified),
            f"高企/专精特新{stats.local_qualified}家 / 目标{stats.target_qualified}家",
        ),
        "peer": (
            _shortfall(stats.local_count, peer),
            f"本地{stats.local_count}家 / 对标区域中位数{peer:g}家（{len(stats.peer_counts)}个对标区域）",
        ),
        "dependency": (
            dependency,
            f"区外满足的需求{stats.needs_answered_outside}条 / 相关需求{stats.needs_total}条",
        ),
    }
    terms = tuple(
        Term(key, GAP_LABELS[key], GAP_WEIGHTS[key], values[key][0], values[key][1])
        for key in GAP_WEIGHTS
    )
    score = sum(t.weight * t.value for t in terms)
    level = "red" if score >= RED else "amber" if score >= AMBER else "green"
    return GapResult(stats.node, round(score, 4), level, terms)


@dataclass(frozen=True)
class Candidate:
    """An outside company that could fill a gap node, with what is known about it."""

    organisation_id: int
    name: str
    node_codes: tuple[str, ...]
    sector_overlap: float  # 0–1: share of the node's sectors the company works in
    region_name: str
    same_province: bool
    region_strength: float  # 0–1: how crowded the node is where the company is
    financings: int = 0
    expansions: int = 0
    certificates: int = 0
    events_attended: int = 0
    leader_ties: int = 0  # local chain leaders it could supply or buy from
    platform_ties: int = 0  # local platforms whose services it could use
    shared_investors: int = 0
    extra_reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class TargetScore:
    organisation_id: int
    name: str
    score: float
    terms: tuple[Term, ...]
    reasons: tuple[str, ...]


def _saturate(count: int, half: float) -> float:
    """0 for nothing, ½ at ``half``, towards 1 for many."""
    return count / (count + half) if count > 0 else 0.0


def score_target(node: str, ancestors: Sequence[str], candidate: Candidate) -> TargetScore:
    """How well an outside company fills a district's gap on ``node``, with reasons."""
    if node in candidate.node_codes:
        fit_node, fit_why = 1.0, "正处该节点"
    elif set(candidate.node_codes) & set(ancestors[:1]):
        fit_node, fit_why = 0.7, "处于同一细分环节"
    else:
        fit_node, fit_why = 0.4, "处于同一产业链环节"
    fit = 0.7 * fit_node + 0.3 * candidate.sector_overlap
    growth_count = candidate.financings * 2 + candidate.expansions * 2 + candidate.certificates
    growth = _saturate(growth_count + candidate.events_attended, 2.0)
    ties = _saturate(
        candidate.leader_ties * 2 + candidate.platform_ties + candidate.shared_investors, 2.0
    )
    region = 0.6 * candidate.region_strength + 0.4 * (1.0 if candidate.same_province else 0.5)
    terms = (
        Term("fit", TARGET_LABELS["fit"], TARGET_WEIGHTS["fit"], fit, f"{fit_why}；领域重合{candidate.sector_overlap:.0%}"),
        Term(
            "growth",
            TARGET_LABELS["growth"],
            TARGET_WEIGHTS["growth"],
            growth,
            f"融资{candidate.financings}次、扩产{candidate.expansions}次、新证{candidate.certificates}项、参会{candidate.events_attended}次",
        ),
        Term(
            "ties",
            TARGET_LABELS["ties"],
            TARGET_WEIGHTS["ties"],
            ties,
            f"可配套链主{candidate.leader_ties}家、可用本地平台{candidate.platform_ties}个、共同投资方{candidate.shared_investors}家",
        ),
        Term(
            "region",
            TARGET_LABELS["region"],
            TARGET_WEIGHTS["region"],
            region,
            f"{candidate.region_name}该节点集聚度{candidate.region_strength:.0%}"
            + ("，同省" if candidate.same_province else ""),
        ),
    )  # fmt: skip
    score = sum(t.weight * t.value for t in terms)
    reasons = [fit_why]
    if candidate.financings:
        reasons.append(f"近期融资{candidate.financings}次")
    if candidate.expansions:
        reasons.append(f"有扩产/新建项目{candidate.expansions}个")
    if candidate.certificates:
        reasons.append(f"新获证书{candidate.certificates}项")
    if candidate.leader_ties:
        reasons.append(f"可为本地链主配套（{candidate.leader_ties}家）")
    if candidate.platform_ties:
        reasons.append(f"可使用本地平台服务（{candidate.platform_ties}个）")
    if candidate.events_attended:
        reasons.append(f"参加过本区活动{candidate.events_attended}次")
    if candidate.region_strength >= 0.5:
        reasons.append(f"所在{candidate.region_name}该环节集聚")
    reasons.extend(candidate.extra_reasons)
    return TargetScore(
        candidate.organisation_id, candidate.name, round(score, 4), terms, tuple(reasons)
    )


def rank_targets(
    node: str, ancestors: Sequence[str], candidates: Iterable[Candidate], limit: int = 50
) -> list[TargetScore]:
    """Candidates ranked by explained score (ties by name, so a ranking is reproducible)."""
    scored = [score_target(node, ancestors, c) for c in candidates]
    scored.sort(key=lambda s: (-s.score, s.name, s.organisation_id))
    return scored[:limit]


@dataclass
class RegionTally:
    """What one outside region offers a district's gaps, and what past events there yielded."""

    region: str
    target_score: float = 0.0
    targets: int = 0
    investors: int = 0
    suppliers: int = 0
    events: int = 0
    event_signings: int = 0
    nodes: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class PartnerScore:
    region: str
    score: float
    terms: tuple[Term, ...]
    reasons: tuple[str, ...]


def rank_partner_regions(tallies: Iterable[RegionTally]) -> list[PartnerScore]:
    """Cities ranked for the next promotion event: where the targets, investors and suppliers
    for our gaps are, and what earlier events there turned into signings."""
    out: list[PartnerScore] = []
    for t in tallies:
        yield_rate = t.event_signings / t.events if t.events else 0.0
        terms = (
            Term("targets", "目标企业", 0.45, _saturate(int(round(t.target_score * 10)), 10.0),
                 f"目标企业{t.targets}家，覆盖缺口节点{len(t.nodes)}个"),
            Term("investors", "投资机构", 0.15, _saturate(t.investors, 3.0), f"投资机构{t.investors}家"),
            Term("suppliers", "配套供应商", 0.15, _saturate(t.suppliers, 5.0), f"上下游供应商{t.suppliers}家"),
            Term("history", "往届活动成效", 0.25, min(1.0, yield_rate / 3.0),
                 f"在该地办活动{t.events}场，签约{t.event_signings}个"),
        )  # fmt: skip
        score = sum(x.weight * x.value for x in terms)
        reasons = [f"{t.targets}家目标企业分布在{len(t.nodes)}个缺口节点"]
        if t.investors:
            reasons.append(f"{t.investors}家投资机构")
        if t.events:
            reasons.append(f"往届{t.events}场活动签约{t.event_signings}个")
        out.append(PartnerScore(t.region, round(score, 4), terms, tuple(reasons)))
    out.sort(key=lambda p: (-p.score, p.region))
    return out


def precision_at(ranking: Sequence[int], positives: set[int], k: int) -> float:
    """Share of the first ``k`` ranked ids that later became positives (divides by k)."""
    if k <= 0:
        return 0.0
    return sum(1 for i in ranking[:k] if i in positives) / k
