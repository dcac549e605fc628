"""Closures of RESOURCES.md: sector umbrellas, ``healthcare_general`` and ``national``.

``covers(values, wanted)`` answers whether a list attribute (a fund's sectors, a provider's
coverage regions) covers a wanted value: the value itself, its umbrella, ``healthcare_general``
(for every sector but synthetic biology), a member when the wanted value is an umbrella, and
``national`` for every domestic region (not Hong Kong/Macao/Taiwan, not overseas).
"""

from __future__ import annotations

from collections.abc import Iterable

from .terms import DOMESTIC_REGIONS, SECTOR, SECTOR_UMBRELLAS

#: member → umbrella (``ivd`` → ``device``)
SECTOR_UMBRELLA: dict[str, str] = {t.value: t.umbrella for t in SECTOR if t.umbrella}
#: umbrella → its members
SECTOR_MEMBERS: dict[str, frozenset[str]] = {
    umbrella: frozenset(m for m, u in SECTOR_UMBRELLA.items() if u == umbrella)
    for umbrella in ("drug", "device")
}
#: sectors ``healthcare_general`` covers: everything but synthetic biology (and itself)
HEALTHCARE_GENERAL: frozenset[str] = frozenset(
    v for v in SECTOR.values if v not in {"synthetic_biology", "healthcare_general"}
)


def sector_covers(values: Iterable[str], wanted: str) -> bool:
    """Whether a sector list covers ``wanted`` under the umbrella closures."""
    have = set(values)
    if wanted in have:
        return True
    umbrella = SECTOR_UMBRELLA.get(wanted)
    if umbrella is not None and umbrella in have:
        return True
    if "healthcare_general" in have and wanted in HEALTHCARE_GENERAL:
        return True
    if wanted in SECTOR_MEMBERS and have & SECTOR_MEMBERS[wanted]:
        return True
    return wanted == "healthcare_general" and bool(have & HEALTHCARE_GENERAL)


def region_covers(values: Iterable[str], wanted: str) -> bool:
    """Whether a region list covers ``wanted``: ``national`` covers every domestic region."""
    have = set(values)
    if wanted in have:
        return True
    return "national" in have and wanted in DOMESTIC_REGIONS


def covers(vocabulary: str, values: Iterable[str], wanted: str) -> bool:
    """``covers`` for a list attribute of vocabulary ``vocabulary`` (plain membership otherwise)."""
    if vocabulary == "SECTOR":
        return sector_covers(values, wanted)
    if vocabulary == "REGION":
        return region_covers(values, wanted)
    return wanted in set(values)


def expand_sectors(values: Iterable[str]) -> frozenset[str]:
    """Every sector a list covers, umbrellas included (for indexing as bitsets)."""
    out: set[str] = set()
    for value in values:
        out.add(value)
        if value in SECTOR_UMBRELLA:
            out.add(SECTOR_UMBRELLA[value])
        if value in SECTOR_MEMBERS:
            out |= SECTOR_MEMBERS[value]
        if value == "healthcare_general":
            out |= HEALTHCARE_GENERAL
    if out & HEALTHCARE_GENERAL:
        out.add("healthcare_general")
    return frozenset(out)


def expand_regions(values: Iterable[str]) -> frozenset[str]:
    """Every region a list covers (``national`` adds the domestic ones)."""
    out = set(values)
    if "national" in out:
        out |= set(DOMESTIC_REGIONS)
    return frozenset(out)


__all__ = [
    "HEALTHCARE_GENERAL",
    "SECTOR_MEMBERS",
    "SECTOR_UMBRELLA",
    "SECTOR_UMBRELLAS",
    "covers",
    "expand_regions",
    "expand_sectors",
    "region_covers",
    "sector_covers",
]
