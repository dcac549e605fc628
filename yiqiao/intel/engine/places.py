"""Chinese administrative places: province / city / district lookup built from jionlp's table.

jionlp ships the national administrative-division table in its wheel (no download); loading it
takes about 0.5 s once.  We flatten it into a dict of surface forms (full names, and aliases where
they are unambiguous) so that a lookup is a dict access.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from . import lexicon
from ._jio import quiet_jionlp
from .records import Location

# One-character abbreviations used in headlines ("在沪举办", "赴京推介").
ABBREVIATIONS = {
    "沪": "上海",
    "京": "北京",
    "津": "天津",
    "渝": "重庆",
    "穗": "广州",
    "蓉": "成都",
    "深": "深圳",
    "杭": "杭州",
    "宁": "南京",
    "汉": "武汉",
    "港": "香港",
    "澳": "澳门",
}
_MUNICIPALITIES = {"北京", "上海", "天津", "重庆"}
ZONE_SUFFIXES = (
    "高新技术产业开发区",
    "经济技术开发区",
    "高新区",
    "经开区",
    "开发区",
    "工业园区",
    "新区",
)


def _short(name: str) -> str:
    for suf in ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市"):
        if name.endswith(suf) and len(name) > len(suf) + 1:
            return name[: -len(suf)]
    return name


@lru_cache(maxsize=1)
def gazetteer() -> dict[str, Location]:
    """Surface form → normalised location (city without 市, district with its suffix)."""
    table = quiet_jionlp().china_location_loader()
    out: dict[str, Location] = {}
    rank: dict[str, int] = {}
    ambiguous: set[str] = set()

    def put(key: str, loc: Location, alias: bool) -> None:
        """Keep the highest-level reading: a city alias (西安) beats a district (西安区's alias)."""
        if len(key) < 2:
            return
        r = (0 if loc.district is None else 2) + (1 if alias else 0)
        if key in out and out[key] != loc:
            if r < rank[key]:
                out[key], rank[key] = loc, r
                ambiguous.discard(key)
            elif r == rank[key] and alias:
                ambiguous.add(key)
            return
        out[key], rank[key] = loc, r

    for prov_name, prov in table.items():
        if not isinstance(prov, dict):
            continue
        p_short = _short(prov_name)
        for city_name, city in prov.items():
            if city_name.startswith("_") or not isinstance(city, dict):
                continue
            c_short = _short(city_name)
            city_loc = Location(text=city_name, province=p_short, city=c_short, district=None)
            put(city_name, city_loc, False)
            put(c_short, city_loc, True)
            for dist_name, dist in city.items():
                if dist_name.startswith("_") or not isinstance(dist, dict):
                    continue
                dloc = Location(text=dist_name, province=p_short, city=c_short, district=dist_name)
                put(dist_name, dloc, False)
                alias = dist.get("_alias")
                if isinstance(alias, str) and len(alias) >= 2:
                    put(alias, dloc, True)
        if p_short not in _MUNICIPALITIES:
            ploc = Location(text=prov_name, province=p_short, city=None, district=None)
            put(prov_name, ploc, False)
            put(p_short, ploc, True)
    for key in ambiguous:
        out.pop(key, None)
    # aliases that are also common words or organisation prefixes (data/place_aliases_dropped.tsv)
    for bad in lexicon.words("place_aliases_dropped"):
        out.pop(bad, None)
    return out


_ZONE_RE = re.compile(r"([\u4e00-\u9fff]{2,8}?)(" + "|".join(ZONE_SUFFIXES) + r")")


@lru_cache(maxsize=1)
def raw_place_names() -> frozenset[str]:
    """Every name and alias in jionlp's table, before ambiguous ones are dropped."""
    table = quiet_jionlp().china_location_loader()
    names: set[str] = set()
    for prov_name, prov in table.items():
        if not isinstance(prov, dict):
            continue
        names |= {prov_name, _short(prov_name)}
        for city_name, city in prov.items():
            if city_name.startswith("_") or not isinstance(city, dict):
                continue
            names |= {city_name, _short(city_name)}
            for dist_name, dist in city.items():
                if dist_name.startswith("_") or not isinstance(dist, dict):
                    continue
                names.add(dist_name)
                alias = dist.get("_alias")
                if isinstance(alias, str):
                    names.add(alias)
    return frozenset(names)


def lookup(name: str) -> Location | None:
    """Normalise one place name (全称, 简称, 开发区 with a city prefix, or 沪/京 abbreviations)."""
    name = name.strip()
    if not name:
        return None
    if name in ABBREVIATIONS:
        return lookup(ABBREVIATIONS[name])
    gaz = gazetteer()
    if name in gaz:
        return gaz[name]
    m = _ZONE_RE.fullmatch(name)
    if m:
        city = prefix_location(m.group(1))
        if city is not None:
            return Location(text=name, province=city.province, city=city.city, district=name)
    return None


@lru_cache(maxsize=1)
def _heads() -> frozenset[str]:
    """The first two characters of every gazetteer name (all names have at least two): a
    position whose next two characters are not among them starts no place name."""
    return frozenset(k[:2] for k in gazetteer())


def prefix_location(text: str) -> Location | None:
    """The longest place name at the start of ``text`` (杭州市滨江区… → 滨江区 in 杭州).

    The returned ``Location.text`` is the prefix of ``text`` that was consumed."""
    gaz = gazetteer()
    heads = _heads()
    best: Location | None = None
    i = 0
    # walk province → city → district prefixes
    while i < len(text):
        if text[i : i + 2] not in heads:
            break
        found = None
        for j in range(min(len(text), i + 9), i + 1, -1):
            if text[i:j] in gaz:
                found = (j, gaz[text[i:j]])
                break
        if found is None:
            break
        j, loc = found
        if best is not None and loc.city is None and best.city is not None:
            break
        if best is None or _refines(best, loc):
            best = replace(loc, text=text[:j])  # text = the whole prefix consumed
        i = j
    return best


def _refines(a: Location, b: Location) -> bool:
    if a.city and b.city and a.city != b.city:
        return False
    return (b.district is not None) or (a.city is None and b.city is not None)


def find_places(text: str) -> list[tuple[int, int, Location]]:
    """Greedy longest-match scan for place names in a sentence (span start, end, location)."""
    gaz = gazetteer()
    out: list[tuple[int, int, Location]] = []
    i = 0
    n = len(text)
    heads = _heads()
    while i < n:
        if text[i : i + 2] not in heads:
            i += 1
            continue
        hit = None
        for j in range(min(n, i + 9), i + 1, -1):
            loc = gaz.get(text[i:j])
            if loc is not None:
                hit = (i, j, loc)
                break
        if hit is None:
            i += 1
            continue
        out.append(hit)
        i = hit[1]
    return out
