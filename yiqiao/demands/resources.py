"""Resource loaders for need matching: register rows and published policies → engine
resources, and one built index per process and district (rebuilt when a cheap data version
changes). Ranking is in suggestions.py."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Q

from yiqiao.policies.models import Policy
from yiqiao.policies.queries import published_engine_policies
from yiqiao.registry.models import ChainNode, InvestorProfile, Organisation, Region, Service, Space

from .engine import (
    ChainGraph,
    InvestorAttributes,
    MatchIndex,
    OrganisationAttributes,
    PolicyAttributes,
    Resource,
    ServiceAttributes,
    SpaceAttributes,
)
from .engine.model import INVESTOR_STAGES

PARTNER_KINDS = ("enterprise", "university", "hospital", "institute", "platform", "incubator")
SPACE_KIND = {"building": "building", "plant": "plant", "land": "land", "lab": "lab"}


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


# ---- loading resources --------------------------------------------------------------------


def as_float(value: Any) -> float | None:
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
                    rent_per_m2_month=as_float(s.rent_yuan_per_m2_month),
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
                    stages=tuple(s for s in p.stages if s in INVESTOR_STAGES),
                    sectors=tuple(sectors.get(p.pk, ())),
                    ticket_min_yuan=as_float(p.ticket_min_yuan),
                    ticket_max_yuan=as_float(p.ticket_max_yuan),
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
    """The policies app's published policies, and a note when there are none."""
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


def district_keys(root: Region) -> set[str]:
    """Keys of the organisation, investor and service resources that belong to a district: their
    organisation (a service's provider) is registered, located or maintained in it. Suggestions
    name only these, so a need never names another district's records."""
    orgs = set(
        Organisation.objects.filter(
            Q(region__path__startswith=root.path)
            | Q(park__path__startswith=root.path)
            | Q(owner_unit__region__path__startswith=root.path)
        ).values_list("pk", flat=True)
    )
    keys = {f"org:{pk}" for pk in orgs} | {f"investor:{pk}" for pk in orgs}
    services = Service.objects.filter(provider_id__in=orgs).values_list("pk", flat=True)
    return keys | {f"service:{pk}" for pk in services}
