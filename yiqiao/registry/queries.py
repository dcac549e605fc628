"""Reads of the register. All permission scoping for registry records lives here."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.http import Http404

from yiqiao.core.access import VIEW
from yiqiao.core.text import name_normalise

from .models import (
    ChainNode,
    Organisation,
    Region,
    Service,
    Space,
    organisation_search_text,
)

ORGANISATION_SORTS = {
    "name": ("name", "id"),
    "-founded_on": ("-founded_on", "id"),
    "founded_on": ("founded_on", "id"),
    "-revenue": ("-revenue_yuan", "id"),
    "-rd_spend": ("-rd_spend_yuan", "id"),
    "-headcount": ("-headcount", "id"),
    "-updated": ("-updated_at", "-id"),
}
SEARCH_PREFETCH = 2000
QUALIFICATION_FLAGS = {
    "high_tech": "is_high_tech",
    "specialised": "is_specialised",
    "little_giant": "is_little_giant",
    "listed": "is_listed",
    "pre_ipo": "is_pre_ipo",
    "chain_leader": "is_chain_leader",
}
SPACE_SORTS = {
    "name": ("name", "id"),
    "-available": ("-available_area_m2", "id"),
    "rent": ("rent_yuan_per_m2_month", "id"),
    "-updated": ("-updated_at", "-id"),
}


# Largest area/height/load a filter accepts: beyond any real building, inside a decimal column.
MAX_MEASURE = 1e9


@dataclass
class OrganisationFilters:
    """Filters shared by the list page, the export and the API."""

    q: str = ""
    kind: str = ""
    region: str = ""  # region code; includes everything below it
    chain: str = ""  # chain node code; includes its children
    qualification: str = ""
    stage: str = ""
    sort: str = "name"
    include_inactive: bool = False

    @classmethod
    def from_mapping(cls, data: Any) -> OrganisationFilters:
        def get(key: str) -> str:
            value = data.get(key, "")
            return str(value).strip()[:100] if value is not None else ""

        sort = get("sort")
        return cls(
            q=get("q"),
            kind=get("kind"),
            region=get("region"),
            chain=get("chain"),
            qualification=get("qualification"),
            stage=get("stage"),
            sort=sort if sort in ORGANISATION_SORTS else "name",
            include_inactive=get("include_inactive") in {"1", "true", "on"},
        )

    def as_query(self) -> dict[str, str]:
        data = {
            "q": self.q,
            "kind": self.kind,
            "region": self.region,
            "chain": self.chain,
            "qualification": self.qualification,
            "stage": self.stage,
            "sort": self.sort if self.sort != "name" else "",
        }
        return {k: v for k, v in data.items() if v}


@dataclass
class SpaceFilters:
    q: str = ""
    kind: str = ""
    park: str = ""
    min_area: float | None = None
    max_rent: float | None = None
    available_only: bool = False
    sort: str = "name"
    errors: list[str] = field(default_factory=list)

    @classmethod
    def from_mapping(cls, data: Any) -> SpaceFilters:
        errors: list[str] = []

        def number(key: str, label: str) -> float | None:
            raw = str(data.get(key, "") or "").strip()
            if not raw:
                return None
            try:
                value = float(raw)
            except ValueError:
                errors.append(f"{label}应为数字")
                return None
            if not math.isfinite(value) or value > MAX_MEASURE:
                errors.append(f"{label}超出范围（不超过 {MAX_MEASURE:,.0f}）")
                return None
            if value < 0:
                errors.append(f"{label}不能为负数")
                return None
            return value

        sort = str(data.get("sort", "") or "")
        return cls(
            q=str(data.get("q", "") or "").strip()[:100],
            kind=str(data.get("kind", "") or ""),
            park=str(data.get("park", "") or ""),
            min_area=number("min_area", "最小面积"),
            max_rent=number("max_rent", "最高租金"),
            available_only=str(data.get("available_only", "")) in {"1", "true", "on"},
            sort=sort if sort in SPACE_SORTS else "name",
            errors=errors,
        )


def _region_subtree_ids(code: str) -> list[int] | None:
    root = Region.objects.filter(code=code).values_list("path", flat=True).first()
    if root is None:
        return None
    return list(Region.objects.filter(path__startswith=root).values_list("id", flat=True))


def organisation_list(*, user: Any, filters: OrganisationFilters) -> QuerySet[Organisation]:
    """Organisations the user may see, filtered and sorted; ready for the list page."""
    qs = Organisation.objects.restrict(user, VIEW)
    if not filters.include_inactive:
        qs = qs.filter(is_active=True)
    if filters.q:
        # search_text holds names, aliases, former names and the code, folded (see the model).
        folded = organisation_search_text(filters.q.strip(), [], None)
        condition = Q(search_text__contains=folded)
        normalised = name_normalise(filters.q)
        if normalised and normalised != folded:
            condition |= Q(name_normalised__contains=normalised)
        qs = qs.filter(condition)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.region:
        ids = _region_subtree_ids(filters.region)
        qs = qs.filter(Q(region_id__in=ids or []) | Q(park_id__in=ids or []))
    if filters.chain:
        qs = _filter_chain(qs, filters.chain)
    if filters.qualification in QUALIFICATION_FLAGS:
        qs = qs.filter(**{QUALIFICATION_FLAGS[filters.qualification]: True})
    if filters.stage:
        qs = qs.filter(lifecycle_stage=filters.stage)
    if filters.q:
        # A text search matches few rows: collect them from the search index first, so the
        # planner does not walk the whole register in name order testing each row.
        matches = list(qs.order_by().values_list("id", flat=True)[: SEARCH_PREFETCH + 1])
        if len(matches) <= SEARCH_PREFETCH:
            qs = Organisation.objects.filter(pk__in=matches)
    return qs.order_by(*ORGANISATION_SORTS[filters.sort])


#: A leaf's organisations are collected first when they are at most this many (few rows).
CHAIN_PREFETCH = 2000


def chain_subtree(code: str) -> tuple[int | None, list[int]]:
    """(bit of the node, ids of the node and everything below it); old codes map forward."""
    rows = list(ChainNode.objects.values_list("pk", "code", "parent_id", "bit"))
    by_code = {c: (pk, bit) for pk, c, _, bit in rows}
    if code not in by_code:
        from yiqiao.chain.engine.tree import ChainTree

        mapped = ChainTree.bundled().map_legacy(code)
        if mapped is None or mapped not in by_code:
            return None, []
        code = mapped
    root, bit = by_code[code]
    children: dict[int, list[int]] = {}
    for pk, _, parent, _ in rows:
        if parent is not None:
            children.setdefault(parent, []).append(pk)
    ids, stack = [], [root]
    while stack:
        current = stack.pop()
        ids.append(current)
        stack.extend(children.get(current, []))
    return bit, ids


def _filter_chain(qs: QuerySet[Organisation], code: str) -> QuerySet[Organisation]:
    """A node and everything below it.

    Nodes with children carry a bit that every organisation below them has in chain_mask
    (one bit test on the covering index). A leaf has none: its organisations are few, so they
    are collected from the link table first; a crowded leaf falls back to EXISTS.
    """
    bit, ids = chain_subtree(code)
    if not ids:
        return qs.none()
    if bit is not None:
        return qs.alias(chain_hit=F("chain_mask").bitand(1 << bit)).filter(chain_hit__gt=0)
    through = Organisation.chain_nodes.through
    links = through.objects.filter(chainnode_id__in=ids)
    members = list(
        links.order_by().values_list("organisation_id", flat=True).distinct()[: CHAIN_PREFETCH + 1]
    )
    if len(members) <= CHAIN_PREFETCH:
        return qs.filter(pk__in=members)
    return qs.filter(Exists(links.filter(organisation_id=OuterRef("pk"))))


def organisation_page(qs: QuerySet[Organisation], number: Any, size: int) -> Any:
    """One page of a filtered list: paginate over ids (an index scan), then load the rows.

    Counting and offsetting over the id column lets SQLite and PostgreSQL answer from the
    covering index; only the rows on the page are read in full.
    """
    from django.core.paginator import Paginator

    page = Paginator(qs.values_list("id", flat=True), size).get_page(number)
    ids = list(page.object_list)
    rows = Organisation.objects.select_related("region", "park").in_bulk(ids)
    page.object_list = [rows[i] for i in ids if i in rows]  # type: ignore[misc]
    return page


def access_organisation(user: Any, organisation_id: int, *, for_edit: bool = False) -> Organisation:
    """Fetch one organisation the user may see (404 otherwise); with for_edit, may change (403)."""
    org = (
        Organisation.objects.restrict(user, VIEW)
        .select_related("region", "park", "owner_unit", "merged_into")
        .filter(pk=organisation_id)
        .first()
    )
    if org is None:
        raise Http404("机构不存在或无权查看")
    if for_edit and not user.can_edit_register:
        raise PermissionDenied("当前角色无权修改名录")
    return org


def organisation_detail(org: Organisation) -> dict[str, Any]:
    """Related rows for the detail page in a fixed number of queries."""
    return {
        "chain_nodes": list(org.chain_nodes.all()),
        "contacts": list(org.contacts.all()),
        "spaces": list(org.spaces.select_related("park")[:50]),
        "services": list(org.services.all()[:50]),
        "investor_profile": getattr(org, "investor_profile", None)
        if org.kind == Organisation.Kind.INVESTOR
        else None,
        # No ORDER BY: with one the planner walks the name index over the whole register.
        "merged_from": sorted(org.merged_from.order_by()[:20], key=lambda o: o.name),
    }


def space_list(*, user: Any, filters: SpaceFilters) -> QuerySet[Space]:
    qs = Space.objects.restrict(user, VIEW)
    if filters.q:
        qs = qs.filter(
            Q(name__icontains=filters.q)
            | Q(address__icontains=filters.q)
            | Q(description__icontains=filters.q)
        )
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.park:
        ids = _region_subtree_ids(filters.park)
        qs = qs.filter(park_id__in=ids or [])
    if filters.min_area is not None:
        qs = qs.filter(available_area_m2__gte=filters.min_area)
    if filters.max_rent is not None:
        qs = qs.filter(rent_yuan_per_m2_month__lte=filters.max_rent)
    if filters.available_only:
        qs = qs.filter(is_available=True, available_area_m2__gt=0)
    return qs.select_related("park", "owner").order_by(*SPACE_SORTS[filters.sort])


def access_space(user: Any, space_id: int, *, for_edit: bool = False) -> Space:
    space = (
        Space.objects.restrict(user, VIEW)
        .select_related("park", "owner", "owner_unit")
        .filter(pk=space_id)
        .first()
    )
    if space is None:
        raise Http404("载体不存在或无权查看")
    if for_edit and not user.can_edit_register:
        raise PermissionDenied("当前角色无权修改名录")
    return space


def service_list(*, user: Any, category: str = "") -> QuerySet[Service]:
    qs = Service.objects.restrict(user, VIEW).select_related("provider")
    if category:
        qs = qs.filter(category=category)
    return qs.order_by("provider__name", "name")


def region_choices() -> list[Region]:
    return list(Region.objects.order_by("path"))


def chain_choices() -> list[tuple[str, str]]:
    """(code, name indented by level) in tree order, for filter menus (narrow rows only)."""
    rows = ChainNode.objects.order_by("position", "code").values_list("code", "name", "level")
    return [(code, "　" * (level - 1) + name) for code, name, level in rows]


def likely_duplicates(*, user: Any, limit: int = 100) -> list[tuple[Organisation, Organisation]]:
    """Pairs of active organisations in scope that share a normalised name (likely duplicates)."""
    from django.db.models import Count

    qs = organisation_list(user=user, filters=OrganisationFilters())
    dup_names = list(
        qs.order_by()
        .values("name_normalised")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("name_normalised", flat=True)[:limit]
    )
    pairs: list[tuple[Organisation, Organisation]] = []
    groups: dict[str, list[Organisation]] = {}
    for org in qs.filter(name_normalised__in=dup_names).order_by("name_normalised", "id"):
        groups.setdefault(org.name_normalised, []).append(org)
    for members in groups.values():
        for other in members[1:]:
            pairs.append((members[0], other))
    return pairs[:limit]


def home_figures(*, user: Any) -> dict[str, int]:
    """Counts for the home page, in scope."""
    orgs = Organisation.objects.restrict(user, VIEW).filter(is_active=True)
    return {
        "organisations": orgs.count(),
        "enterprises": orgs.filter(kind=Organisation.Kind.ENTERPRISE).count(),
        "high_tech": orgs.filter(is_high_tech=True).count(),
        "platforms": orgs.filter(kind=Organisation.Kind.PLATFORM).count(),
        "investors": orgs.filter(kind=Organisation.Kind.INVESTOR).count(),
        "spaces_available": Space.objects.restrict(user, VIEW).filter(is_available=True).count(),
    }
