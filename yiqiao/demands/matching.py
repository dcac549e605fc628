"""Matching integration: register rows → engine resources → suggestions on a demand.

The engine (``demands.engine``) is pure; this module loads its input from the database, keeps
one built index per process and per region (rebuilt when a cheap data version changes), and
asks the policy side for eligibility. Policies come from the policies app's published records
when that app provides them, else from the bundled policy library files; eligibility comes from
the policy engine with the policies app's profile builder when present. Anything missing
degrades to "not assessed" with a stated reason, never to an error.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.db.models import Count, Max
from django.utils import timezone

from yiqiao.registry.models import ChainNode, InvestorProfile, Organisation, Region, Service, Space

from .engine import (
    ChainGraph,
    EngineInputError,
    InvestorAttributes,
    Match,
    MatchIndex,
    Need,
    OrganisationAttributes,
    PolicyAttributes,
    PolicyEligibility,
    Resource,
    ServiceAttributes,
    SpaceAttributes,
)
from .models import Demand

PARTNER_KINDS = ("enterprise", "university", "hospital", "institute", "platform", "incubator")
SPACE_KIND = {"building": "building", "plant": "plant", "land": "land", "lab": "lab"}
STAGE_MAP = {
    "seed": "seed",
    "angel": "angel",
    "a": "a",
    "b": "b",
    "c": "c",
    "pre_ipo": "pre_ipo",
    "growth": "growth",
    "pre_a": "pre_a",
    "d": "d",
}
POLICY_LIBRARY = Path(__file__).resolve().parent.parent / "policies" / "library"
KIND_LABEL = {
    "policy": "政策",
    "space": "载体",
    "service": "平台服务",
    "investor": "投资机构",
    "organisation": "合作机构",
}


@dataclass(frozen=True)
class PolicyEntry:
    """A published policy the index knows: the engine object (if parsed) and its texts."""

    id: str
    title: str
    summary: str
    tags: tuple[str, ...]
    max_amount_yuan: float | None
    engine_policy: Any = None
    url_pk: int | None = None


@dataclass
class Suggestion:
    """One suggested resource for a demand, ready for the page and the API."""

    key: str
    kind: str
    kind_label: str
    title: str
    score: float
    reasons: list[str]
    url: str = ""
    is_accepted: bool = False


@dataclass
class SuggestionSet:
    suggestions: list[Suggestion] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# ---- loading resources --------------------------------------------------------------------


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _region_ids(root: Region | None) -> list[int] | None:
    if root is None:
        return None
    return list(Region.objects.filter(path__startswith=root.path).values_list("id", flat=True))


def space_resources(root: Region | None) -> list[Resource]:
    """Spaces located in ``root``'s subtree (everything if None)."""
    qs = Space.objects.select_related("park")
    ids = _region_ids(root)
    if ids is not None:
        qs = qs.filter(park_id__in=ids)
    out = []
    for s in qs.order_by("id"):
        grade = (s.gmp_grade or "")[:1].upper()
        out.append(
            Resource(
                kind="space",
                id=f"space:{s.pk}",
                title=s.name,
                text="。".join(
                    x
                    for x in (s.description, s.address, s.park.name, s.cleanroom_class, s.gmp_grade)
                    if x
                ),
                tags=(s.get_kind_display(),),
                attributes=SpaceAttributes(
                    space_kind=SPACE_KIND.get(s.kind, "building"),  # type: ignore[arg-type]
                    area_total_m2=float(s.total_area_m2),
                    area_available_m2=float(s.available_area_m2),
                    rent_per_m2_month=_float(s.rent_yuan_per_m2_month),
                    gmp_grade=grade if grade in {"A", "B", "C", "D"} else None,  # type: ignore[arg-type]
                    floor_load_kn_m2=s.floor_load_kg_m2 * 0.0098 if s.floor_load_kg_m2 else None,
                    park_code=s.park.code,
                    is_available=s.is_available,
                ),
            )
        )
    return out


def service_resources() -> list[Resource]:
    """Every platform service of an active provider."""
    out = []
    qs = Service.objects.select_related("provider").filter(provider__is_active=True)
    for s in qs.order_by("id"):
        out.append(
            Resource(
                kind="service",
                id=f"service:{s.pk}",
                title=s.name,
                text="。".join(x for x in (s.description, s.provider.name, s.price_note) if x),
                tags=(s.get_category_display(), s.provider.name),
                attributes=ServiceAttributes(
                    category=s.category,  # type: ignore[arg-type]
                    lead_time_days=s.lead_time_days,
                    capacity=s.capacity_per_month,
                ),
            )
        )
    return out


def _chain_codes(org_ids: Iterable[int]) -> dict[int, list[str]]:
    through = Organisation.chain_nodes.through
    out: dict[int, list[str]] = {}
    for org_id, code in through.objects.filter(organisation_id__in=list(org_ids)).values_list(
        "organisation_id", "chainnode__code"
    ):
        out.setdefault(org_id, []).append(code)
    return out


def investor_resources() -> list[Resource]:
    """Investors with a profile: stages, sectors, ticket size."""
    profiles = list(
        InvestorProfile.objects.select_related("organisation")
        .filter(organisation__is_active=True)
        .order_by("id")
    )
    through = InvestorProfile.sectors.through
    sectors: dict[int, list[str]] = {}
    for profile_id, code in through.objects.filter(
        investorprofile_id__in=[p.pk for p in profiles]
    ).values_list("investorprofile_id", "chainnode__code"):
        sectors.setdefault(profile_id, []).append(code)
    out = []
    for p in profiles:
        org = p.organisation
        out.append(
            Resource(
                kind="investor",
                id=f"investor:{org.pk}",
                title=org.name,
                text="。".join(x for x in (org.description, p.region_preference) if x),
                tags=tuple(org.aliases or ()),
                attributes=InvestorAttributes(
                    stages=tuple(STAGE_MAP[s] for s in p.stages if s in STAGE_MAP),  # type: ignore[misc]
                    sectors=tuple(sectors.get(p.pk, ())),
                    ticket_min_yuan=_float(p.ticket_min_yuan),
                    ticket_max_yuan=_float(p.ticket_max_yuan),
                ),
            )
        )
    return out


def organisation_resources() -> list[Resource]:
    """Potential partners: active enterprises, universities, hospitals, institutes, platforms."""
    orgs = list(
        Organisation.objects.filter(is_active=True, kind__in=PARTNER_KINDS)
        .only("id", "name", "kind", "description", "products", "aliases")
        .order_by("id")
    )
    chains = _chain_codes(o.pk for o in orgs)
    out = []
    for o in orgs:
        products = tuple(p for p in (o.products or "").replace("，", "、").split("、") if p)
        out.append(
            Resource(
                kind="organisation",
                id=f"org:{o.pk}",
                title=o.name,
                text=o.description or "",
                tags=tuple(o.aliases or ()),
                attributes=OrganisationAttributes(
                    chain_nodes=tuple(chains.get(o.pk, ())), org_kind=o.kind, products=products
                ),
            )
        )
    return out


def published_policies() -> tuple[list[PolicyEntry], str]:
    """Published policies: the policies app's published records when that app is installed,
    else the bundled library files. Returns the policies and a note saying where they came from."""
    try:
        from yiqiao.policies.queries import published_engine_policies
    except ImportError:
        return _library_policies()
    out = [
        PolicyEntry(
            id=row.code,
            title=row.title,
            summary=row.summary,
            tags=tuple(row.tags or ()) + ((row.category,) if row.category else ()),
            max_amount_yuan=None,
            engine_policy=parsed,
            url_pk=row.pk,
        )
        for row, parsed in published_engine_policies()
    ]
    if not out:
        return [], "政策库中尚无已发布政策，未推荐政策"
    return out, ""


def _library_policies() -> tuple[list[PolicyEntry], str]:
    try:
        from yiqiao.policies.engine import load_library
    except ImportError:
        return [], "政策引擎未安装，未推荐政策"
    if not POLICY_LIBRARY.is_dir():
        return [], "政策库文件不存在，未推荐政策"
    _, policies = load_library(POLICY_LIBRARY)
    today = timezone.localdate()
    out = []
    for policy in policies:
        version = policy.version_on(today) or policy.latest
        if version.status != "published":
            continue
        out.append(
            PolicyEntry(
                id=policy.id,
                title=version.title or policy.title,
                summary=version.summary,
                tags=tuple(policy.tags) + ((version.category,) if version.category else ()),
                max_amount_yuan=None,
                engine_policy=policy,
            )
        )
    return out, "政策来自内置政策库文件（政策应用未安装）"


def policy_resources(entries: list[PolicyEntry]) -> list[Resource]:
    return [
        Resource(
            kind="policy",
            id=f"policy:{p.id}",
            title=p.title,
            text=p.summary,
            tags=p.tags,
            attributes=PolicyAttributes(policy_id=p.id, max_amount_yuan=p.max_amount_yuan),
        )
        for p in entries
    ]


def chain_graph() -> ChainGraph:
    """The bundled supplier graph, with the register's chain-node names."""
    bundled = ChainGraph.bundled()
    names = dict(bundled.names)
    names.update(dict(ChainNode.objects.values_list("code", "name")))
    return ChainGraph(names=names, suppliers=bundled.suppliers)


# ---- the cached index ---------------------------------------------------------------------


@dataclass
class _Built:
    version: tuple[Any, ...]
    index: MatchIndex
    policies: dict[str, PolicyEntry]
    note: str


_CACHE: dict[int | None, _Built] = {}
_LOCK = threading.Lock()


def data_version(root: Region | None) -> tuple[Any, ...]:
    """Cheap fingerprint of the indexed data: count and latest update per table (5 queries)."""
    parts: list[Any] = []
    for qs in (
        Space.objects.all(),
        Service.objects.all(),
        InvestorProfile.objects.all(),
        Organisation.objects.all(),
    ):
        row = qs.aggregate(n=Count("id"), last=Max("updated_at"))
        parts += [row["n"], row["last"]]
    try:
        from yiqiao.policies.models import Policy
    except ImportError:
        parts.append(max((p.stat().st_mtime for p in POLICY_LIBRARY.glob("*.yaml")), default=0.0))
    else:
        row = Policy.objects.aggregate(n=Count("id"), last=Max("updated_at"))
        parts += [row["n"], row["last"]]
    return (root.pk if root else None, *parts)


def build_index(root: Region | None) -> _Built:
    """Load every resource kind and build the engine index (not cached)."""
    entries, note = published_policies()
    resources = (
        space_resources(root)
        + service_resources()
        + investor_resources()
        + organisation_resources()
        + policy_resources(entries)
    )
    index = MatchIndex.build(resources, chain=chain_graph())
    return _Built(data_version(root), index, {p.id: p for p in entries}, note)


def index_for(root: Region | None) -> _Built:
    """The process's index for ``root``, rebuilt when the data version changed."""
    version = data_version(root)
    key = root.pk if root else None
    with _LOCK:
        built = _CACHE.get(key)
        if built is None or built.version != version:
            built = build_index(root)
            _CACHE[key] = built
        return built


def clear_cache() -> None:
    with _LOCK:
        _CACHE.clear()


def district_of(region: Region) -> Region:
    """The district (or city) above a region: spaces are suggested within it."""
    codes = [c for c in region.path.strip("/").split("/") if c]
    ancestors = {r.code: r for r in Region.objects.filter(code__in=codes)}
    for code in reversed(codes):
        r = ancestors.get(code)
        if r is not None and r.kind in {Region.Kind.DISTRICT, Region.Kind.CITY}:
            return r
    return region


# ---- demand → need → suggestions ----------------------------------------------------------


def need_for(demand: Demand, chain_codes: list[str], org_chain_codes: list[str]) -> Need:
    """The engine's view of a demand."""
    return Need(
        text=f"{demand.title}。{demand.text}",
        category=demand.category,  # type: ignore[arg-type]
        area_min_m2=_float(demand.area_min_m2),
        area_max_m2=_float(demand.area_max_m2),
        funding_amount_yuan=_float(demand.funding_amount_yuan),
        funding_stage=STAGE_MAP.get(demand.funding_stage) if demand.funding_stage else None,  # type: ignore[arg-type]
        chain_nodes=tuple(chain_codes),
        enterprise_chain_nodes=tuple(org_chain_codes),
        deadline=demand.deadline,
    )


def organisation_profile(
    organisation: Organisation, on: date
) -> tuple[dict[str, Any] | None, bool, str]:
    """The policy profile of an organisation: from the policies app's builder when installed
    (already typed), else a minimal one from the register (fields the register holds; the rest
    stay missing, so the engine answers "eligible if data supplied" rather than "ineligible").
    Returns (profile, is_typed, note)."""
    build: Any
    try:
        from yiqiao.policies.profiles import organisation_profile as build
    except ImportError:
        build = None
    if build is not None:
        return dict(build(organisation, on=on)), True, ""
    flags = {
        "high_tech": organisation.is_high_tech,
        "specialised": organisation.is_specialised,
        "little_giant": organisation.is_little_giant,
        "listed": organisation.is_listed,
        "pre_ipo": organisation.is_pre_ipo,
        "chain_leader": organisation.is_chain_leader,
    }
    profile: dict[str, Any] = {
        "kind": organisation.kind,
        "founded_on": organisation.founded_on,
        "registered_capital_yuan": _float(organisation.registered_capital_yuan),
        "revenue_yuan": _float(organisation.revenue_yuan),
        "rd_spend_yuan": _float(organisation.rd_spend_yuan),
        "headcount": organisation.headcount,
        "qualifications": frozenset(k for k, v in flags.items() if v),
    }
    profile = {k: v for k, v in profile.items() if v is not None}
    return profile, False, "政策资格按名录字段初步评估（政策应用的机构画像不可用）"


def policy_statuses(
    organisation: Organisation, policies: dict[str, PolicyEntry], on: date
) -> tuple[dict[str, PolicyEligibility], str]:
    """The policy engine's verdict for each policy, for one organisation."""
    engines = {pid: p.engine_policy for pid, p in policies.items() if p.engine_policy is not None}
    if not engines:
        return {}, "政策资格未评估（未获取到可计算的政策）"
    try:
        from yiqiao.policies.engine import check_profile, explain
    except ImportError:
        return {}, "政策引擎不可用，政策资格未评估"
    raw, is_typed, note = organisation_profile(organisation, on)
    if raw is None:
        return {}, note
    out: dict[str, PolicyEligibility] = {}
    profile: Any = raw
    if not is_typed:
        fields = next(iter(engines.values())).fields
        try:
            profile = check_profile(fields, raw)
        except Exception:  # noqa: BLE001 - a profile the engine refuses means "not assessed"
            return {}, "机构画像不完整，政策资格未评估"
    for pid, policy in engines.items():
        try:
            result = explain(policy, profile, on)
        except Exception:  # noqa: BLE001 - one broken policy must not hide the others
            continue
        status: Any = result.status if result.status != "not_in_effect" else "ineligible"
        out[pid] = PolicyEligibility(
            status=status,
            amount_yuan=result.amount,
            missing=tuple(result.missing_fields),
        )
    return out, note


def _url(kind: str, key: str, policies: dict[str, PolicyEntry]) -> str:
    from django.urls import NoReverseMatch, reverse

    raw = key.split(":", 1)[1]
    try:
        if kind == "policy":
            entry = policies.get(raw)
            if entry is None or entry.url_pk is None:
                return ""
            return reverse("policies:policy-detail", args=[entry.url_pk])
        if kind == "space":
            return reverse("registry:space-detail", args=[int(raw)])
        if kind in {"organisation", "investor"}:
            return reverse("registry:organisation-detail", args=[int(raw)])
    except (NoReverseMatch, ValueError):
        return ""
    return ""


def suggest(demand: Demand, *, limit: int = 10, today: date | None = None) -> SuggestionSet:
    """Ranked resources for a demand, with reasons; marks those already referred."""
    today = today or timezone.localdate()
    org = demand.organisation
    root = district_of(org.region)
    built = index_for(root)
    chain_codes = list(demand.chain_nodes.values_list("code", flat=True))
    org_chain = list(org.chain_nodes.values_list("code", flat=True))
    statuses, policy_note = policy_statuses(org, built.policies, today)
    notes = [built.note, policy_note]
    try:
        matches: list[Match] = built.index.match(
            need_for(demand, chain_codes, org_chain),
            limit=limit + 1,
            policy_status=statuses,
            today=today,
        )
    except EngineInputError as exc:
        return SuggestionSet([], [str(exc)])
    accepted = set(demand.responses.exclude(resource_key="").values_list("resource_key", flat=True))
    out = []
    own = {f"org:{org.pk}", f"investor:{org.pk}"}  # never suggest the asking organisation
    for m in [m for m in matches if m.resource.id not in own][:limit]:
        r = m.resource
        reasons = list(m.reasons)
        if r.kind == "policy":
            pid = r.id.split(":", 1)[1]
            verdict = statuses.get(pid)
            if verdict is not None and verdict.amount_yuan:
                reasons.append(f"测算可享受约{verdict.amount_yuan / 10000:.1f}万元")
        out.append(
            Suggestion(
                key=r.id,
                kind=r.kind,
                kind_label=KIND_LABEL.get(r.kind, r.kind),
                title=r.title,
                score=round(m.score, 3),
                reasons=reasons,
                url=_url(r.kind, r.id, built.policies),
                is_accepted=r.id in accepted,
            )
        )
    return SuggestionSet(out, [n for n in notes if n])


def find_suggestion(demand: Demand, key: str) -> Suggestion | None:
    """The suggestion with ``key`` among the demand's current top 50 (the server re-derives the
    title and reasons rather than trusting the client)."""
    for s in suggest(demand, limit=50).suggestions:
        if s.key == key:
            return s
    return None
