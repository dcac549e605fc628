"""Regions of China: provinces, cities and counties with their GB/T 2260 codes, as Region rows.

The table is jionlp's bundled administrative-division list (offline, already a dependency for
place names in news), read once. Loading is idempotent: a row already holding a division code
is kept; a row of the same name under the same parent (a demo's 上海市, 浦东新区) receives its
code instead of a duplicate; everything else is created under its parent. Zones and parks are
the register's own (they have no division code) and are never touched.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from ..models import Region

META_KEYS = {"_full_name", "_alias", "_admin_code"}
#: jionlp's placeholder levels: counties governed directly by a province (济源市) or a
#: prefecture-level city without districts (东莞市). Their members hang on the level above.
PLACEHOLDERS = {"省直辖行政区划", "市直辖行政区划", "省直辖县级行政区划", "自治区直辖县级行政区划"}


@dataclass(frozen=True)
class Division:
    """One administrative division: its code, name and the code of the division above."""

    code: str
    name: str
    kind: str
    parent_code: str | None


def china_divisions() -> list[Division]:
    """Provinces, then cities, then counties, each once (the first name of a shared code wins;
    Hong Kong's and Macao's districts share the region's code and are left out)."""
    import jionlp

    table: dict[str, Any] = jionlp.china_location_loader(detail=True)
    seen: set[str] = set()
    out: list[Division] = []

    def add(code: str, name: str, kind: str, parent: str | None) -> bool:
        if not code or code in seen or not code.isdigit() or len(code) != 6:
            return False
        seen.add(code)
        out.append(Division(code, name, kind, parent))
        return True

    levels: list[tuple[str, dict[str, Any], str | None, str]] = []
    for province, entry in table.items():
        code = str(entry["_admin_code"])
        add(code, str(entry.get("_full_name") or province), Region.Kind.PROVINCE, None)
        levels.append((code, entry, code, Region.Kind.CITY))
    counties: list[tuple[str, dict[str, Any]]] = []
    for province_code, entry, parent, kind in levels:
        for name, city in entry.items():
            if name in META_KEYS:
                continue
            code = str(city["_admin_code"])
            if name in PLACEHOLDERS or code == province_code:
                # A municipality's city level repeats the province; a placeholder has no place.
                counties.append((province_code, city))
                continue
            if add(code, name, kind, parent):
                counties.append((code, city))
    for parent_code, city in counties:
        for name, county in city.items():
            if name in META_KEYS or name in PLACEHOLDERS:
                continue
            add(str(county["_admin_code"]), name, Region.Kind.DISTRICT, parent_code)
    return out


@dataclass(frozen=True)
class RegionLoadSummary:
    created: int
    coded: int
    kept: int


@transaction.atomic
def regions_load_china(divisions: list[Division] | None = None) -> RegionLoadSummary:
    """Create the Region rows of China's divisions that are missing (see the module docstring).

    Reference data, not a user's edit: run by ``yiqiao regions load`` and the demo."""
    divisions = china_divisions() if divisions is None else divisions
    by_code: dict[str, Region] = {
        r.division_code: r for r in Region.objects.exclude(division_code="")
    }
    by_place: dict[tuple[int | None, str], Region] = {
        (r.parent_id, r.name): r
        for r in Region.objects.filter(division_code="").exclude(
            kind__in=[Region.Kind.ZONE, Region.Kind.PARK]
        )
    }
    taken_codes = set(Region.objects.values_list("code", flat=True))
    created = coded = kept = 0
    pending: list[Region] = []
    for division in divisions:
        if division.code in by_code:
            kept += 1
            continue
        parent = by_code.get(division.parent_code or "")
        if parent is not None and parent.pk is None:
            # The parent was created in this run and is still waiting to be written.
            _write(pending)
            pending = []
        parent_id = parent.pk if parent is not None else None
        same = by_place.get((parent_id, division.name))
        if same is not None:
            same.division_code = division.code
            same.save(update_fields=["division_code"])
            by_code[division.code] = same
            coded += 1
            continue
        code = division.code if division.code not in taken_codes else f"cn.{division.code}"
        region = Region(
            code=code,
            name=division.name,
            kind=division.kind,
            parent=parent,
            division_code=division.code,
        )
        region.path = (parent.path if parent is not None else "/") + code + "/"
        taken_codes.add(code)
        by_code[division.code] = region
        pending.append(region)
        created += 1
    _write(pending)
    return RegionLoadSummary(created=created, coded=coded, kept=kept)


def _write(regions: list[Region]) -> None:
    for region in regions:
        region.parent_id = region.parent.pk if region.parent is not None else None
    Region.objects.bulk_create(regions, batch_size=500)
