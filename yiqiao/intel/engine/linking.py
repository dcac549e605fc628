"""Link extracted organisation names to register entries.

Methods, strongest first: unified social credit code (USCC, 统一社会信用代码) when the mention
carries one, exact name, registered alias, normalised name (full/half width, brackets, legal-form
variants such as 有限公司/有限责任公司/股份有限公司, leading region prefixes such as 深圳市 or
(中国)), and fuzzy match (rapidfuzz) on the normalised names.  Each result carries a confidence
and a Chinese reason; unknown names come back with suggestions to add or to compare.

Linking does not guess: the credit code, the exact name and a registered alias are strong
identifiers; every weaker link (normalised, fuzzy, ambiguous candidates, suggestions) needs the
same place when both names carry one, and a name whose rest is ordinary words (人民政府,
管委会, 离岸创新中心) needs its own place named and equal: 北山区政府 is never offered as
another district's government, 泰州's offshore centre never linked to ours.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from . import places

USCC_RE = re.compile(
    r"(?<![0-9A-Z])([0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10})(?![0-9A-Z])"
)
_LEGAL_FORMS = (
    "集团股份有限公司",
    "集团有限责任公司",
    "集团有限公司",
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "股份公司",
    "公司",
)
_BRACKETS = str.maketrans({"（": "(", "）": ")", "【": "(", "】": ")", "〔": "(", "〕": ")"})


@dataclass(frozen=True)
class RegisterEntry:
    """One organisation in the register."""

    id: str
    name: str
    uscc: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mention:
    """A name as found in an article, with a USCC when the text gave one."""

    name: str
    uscc: str | None = None


@dataclass(frozen=True)
class Suggestion:
    """A register entry that might be meant, or a proposal to add the name."""

    entry_id: str | None
    name: str
    score: float
    reason: str


@dataclass(frozen=True)
class LinkResult:
    """The outcome for one mention."""

    mention: str
    entry_id: str | None
    method: str  # uscc | exact | alias | normalised | fuzzy | ambiguous | unknown
    confidence: float
    reason: str
    suggestions: tuple[Suggestion, ...] = ()


def _nfkc(s: str) -> str:
    s = unicodedata.normalize("NFKC", s.translate(_BRACKETS))
    return re.sub(r"[\s\"'“”‘’·・]", "", s)


def _strip_region(s: str) -> str:
    """Drop leading province/city/district names and a bracketed region: 深圳市X → X."""
    s = re.sub(r"\((?:中国|中國|[\u4e00-\u9fff]{2,3}(?:省|市)?)\)", "", s)
    for _ in range(3):
        loc = places.prefix_location(s)
        if loc is None or len(s) - len(loc.text) < 2:
            break
        s = s[len(loc.text) :]
    return s


_PUBLIC_SUFFIX = re.compile(
    r"(?:人民政府|政府|管委会|管理委员会|委员会|办公室|办事处|领导小组|促进会|服务中心|中心|"
    r"局|厅|委|办|署|部|处|站)$"
)
_RAW_REGION = re.compile(r"^[\u4e00-\u9fff]{2,5}?(?:省|市|区|县|州|旗|盟)")
_BRACKET_REGION = re.compile(r"\((?:中国|中國|[\u4e00-\u9fff]{2,3}(?:省|市)?)\)")


@lru_cache(maxsize=65536)
def region_of(name: str) -> str | None:
    """The place a name opens with, as its most specific division (杭州市滨江区X → 滨江区;
    an unknown 某某区 counts too), or ``None``."""
    s = _nfkc(name)
    branch = ""
    bm = re.search(r"\(([\u4e00-\u9fff]{2,4})\)", s)
    if bm is not None:
        bl = places.lookup(bm.group(1))
        if bl is not None:
            # 香港中文大学(深圳), 常州(上海)离岸创新中心: where the branch or centre sits
            branch = "(" + (bl.district or bl.city or bl.province or "") + ")"
    head = ""
    loc = places.prefix_location(s)
    if loc is not None and len(s) - len(loc.text) >= 2:
        head = loc.district or loc.city or loc.province or ""
    else:
        m = _RAW_REGION.match(s)
        if m is not None and len(s) - m.end() >= 2:
            head = m.group(0)
    return (head + branch) or None


@lru_cache(maxsize=65536)
def generic_core(name: str) -> bool:
    """True when the name minus its place is made of ordinary words only (人民政府, 管委会,
    离岸创新中心, 投资促进局): the place is then what tells one body from another."""
    import rjieba

    from .orgs import _jieba

    core = _strip_region(_BRACKET_REGION.sub("", _nfkc(name)))
    core = re.sub(r"^[省市区县州镇]", "", core)  # 区政府, 市商务局
    raw_region = _RAW_REGION.match(core)
    if raw_region is not None:
        core = core[raw_region.end() :]
    m = _PUBLIC_SUFFIX.search(core)
    if m is None:
        return False  # a company's name: its brand tells it apart
    freq = _jieba().dt.FREQ
    toks = [t for t in rjieba.cut(core[: m.start()], hmm=False) if t.strip()]
    # ordinary words before the suffix only (a brand breaks into single or rare characters)
    return all(len(t) >= 2 and int(freq.get(t, 0)) >= 50 for t in toks)


def same_region(a: str, b: str) -> bool:
    """Whether two names may denote one body as far as their places go: both name the same
    place, or at most one names a place and the rest of the name is distinctive."""
    ra, rb = region_of(a), region_of(b)
    if ra is not None and rb is not None:
        return _same_place(ra, rb)
    if ra is None and rb is None:
        # neither names a place: only a distinctive name can tell who is meant
        return not (generic_core(a) or generic_core(b))
    return False  # one names a place the other does not: a suggestion at most, not a link


def _same_place(a: str, b: str) -> bool:
    if a == b:
        return True
    ha, _, ba = a.partition("(")
    hb, _, bb = b.partition("(")
    if ba or bb:
        if ba and bb and ba != bb:
            return False  # different branches
        if bool(ha) != bool(hb):
            return False
        return not ha or _same_place(ha, hb)
    la, lb = places.lookup(a), places.lookup(b)
    if la is not None and lb is not None:
        return (la.province, la.city, la.district) == (lb.province, lb.city, lb.district)
    return a.startswith(b) or b.startswith(a)


@lru_cache(maxsize=65536)
def normalise_name(name: str) -> str:
    """Key used for normalised matching (区域前缀、括号、全半角、公司组织形式均不计)."""
    s = _nfkc(name).lower()
    s = _strip_region(s)
    for form in _LEGAL_FORMS:
        if s.endswith(form) and len(s) > len(form) + 1:
            s = s[: -len(form)]
            break
    s = s.replace("(集团)", "")
    if s.endswith("集团") and len(s) > 4:
        s = s[:-2]
    return s


def _index(
    entries: Sequence[RegisterEntry],
) -> tuple[
    dict[str, RegisterEntry],
    dict[str, list[RegisterEntry]],
    dict[str, list[RegisterEntry]],
    dict[str, list[RegisterEntry]],
]:
    by_uscc: dict[str, RegisterEntry] = {}
    exact: dict[str, list[RegisterEntry]] = {}
    alias: dict[str, list[RegisterEntry]] = {}
    normal: dict[str, list[RegisterEntry]] = {}
    for e in entries:
        if e.uscc:
            by_uscc[e.uscc.strip().upper()] = e
        exact.setdefault(_nfkc(e.name), []).append(e)
        normal.setdefault(normalise_name(e.name), []).append(e)
        for a in e.aliases:
            alias.setdefault(_nfkc(a), []).append(e)
            normal.setdefault(normalise_name(a), []).append(e)
    return by_uscc, exact, alias, normal


def _uniq(entries: list[RegisterEntry]) -> list[RegisterEntry]:
    seen: dict[str, RegisterEntry] = {}
    for e in entries:
        seen.setdefault(e.id, e)
    return list(seen.values())


def _compatible(mention: str, entry: RegisterEntry) -> bool:
    """A link other than by credit code, exact name or registered alias needs the same place
    (or a distinctive name): see :func:`same_region`."""
    if region_of(entry.name) is not None:
        return same_region(mention, entry.name)  # the registered place decides, not an alias
    return any(same_region(mention, n) for n in (entry.name, *entry.aliases))


def _placeless_generic(name: str) -> bool:
    """区政府, 管委会, 人民政府: an ordinary-word name with no place of its own."""
    return region_of(name) is None and generic_core(name)


def _suggestible(mention: str, entry: RegisterEntry) -> bool:
    """An entry may be offered (not linked) unless the two names are set in different places
    or the mention is an ordinary-word name without its place (区政府, 管委会)."""
    ra, rb = region_of(mention), region_of(entry.name)
    if ra is not None and rb is not None:
        return _same_place(ra, rb)
    return not generic_core(mention)


def link_organisations(
    names: Iterable[str | Mention],
    register_entries: Sequence[RegisterEntry],
    *,
    fuzzy_threshold: float = 80.0,
    max_suggestions: int = 3,
) -> list[LinkResult]:
    """Link each name to at most one register entry; see the module docstring for the methods.

    ``fuzzy_threshold`` is a rapidfuzz ``ratio`` score (0-100) between whole normalised names.
    """
    from rapidfuzz import fuzz, process

    by_uscc, exact, alias, normal = _index(register_entries)
    norm_keys = list(normal.keys())
    results: list[LinkResult] = []
    for item in names:
        mention = item if isinstance(item, Mention) else Mention(str(item))
        raw = mention.name
        uscc = mention.uscc
        if uscc is None:
            m = USCC_RE.search(_nfkc(raw).upper())
            uscc = m.group(1) if m else None
        if uscc and uscc.upper() in by_uscc:
            e = by_uscc[uscc.upper()]
            results.append(LinkResult(raw, e.id, "uscc", 1.0, f"统一社会信用代码 {uscc} 一致"))
            continue
        key = _nfkc(raw)
        hits = [] if _placeless_generic(raw) else _uniq(exact.get(key, []))
        if len(hits) == 1:
            results.append(LinkResult(raw, hits[0].id, "exact", 1.0, "名称完全一致"))
            continue
        if hits or _placeless_generic(raw):
            pass  # "区政府" as someone's registered alias says nothing about which district
        else:
            hits = _uniq(alias.get(key, []))
            if len(hits) == 1:
                results.append(
                    LinkResult(raw, hits[0].id, "alias", 0.97, f"与登记别名一致（{hits[0].name}）")
                )
                continue
        if not hits:
            same_key = _uniq(normal.get(normalise_name(raw), []))
            hits = [e for e in same_key if _compatible(raw, e)]
            if len(hits) != 1:
                # no single body in the same place: offer what may be meant, link nothing
                hits = [e for e in same_key if _suggestible(raw, e)] if len(hits) == 0 else hits
                if len(hits) == 1:
                    hits = hits * 2  # one candidate elsewhere is still a question, not a link
            if len(hits) == 1:
                results.append(
                    LinkResult(
                        raw,
                        hits[0].id,
                        "normalised",
                        0.92,
                        f"去除地区前缀、括号和公司组织形式后一致（{hits[0].name}）",
                    )
                )
                continue
        if len(hits) > 1:
            sugg = tuple(
                Suggestion(e.id, e.name, 0.9, "同名或同简称的登记主体")
                for e in _uniq(hits)[:max_suggestions]
            )
            results.append(
                LinkResult(
                    raw, None, "ambiguous", 0.0, "登记册中有多个可能的主体，请人工确认", sugg
                )
            )
            continue
        nk = normalise_name(raw)
        best = (
            process.extract(nk, norm_keys, scorer=fuzz.WRatio, limit=max_suggestions)
            if nk and norm_keys
            else []
        )
        # short keys differ by one character between unrelated firms (华晟基因/华昇基因): no fuzzy;
        # acceptance compares whole names (ratio), never a name against a part of another
        closest = process.extractOne(nk, norm_keys, scorer=fuzz.ratio) if nk and norm_keys else None
        whole = float(closest[1]) if closest else 0.0
        if closest and whole >= fuzzy_threshold and len(nk) >= 5:
            cands = [e for e in _uniq(normal[closest[0]]) if _compatible(raw, e)]
            if len(cands) == 1:
                sc = float(whole)
                results.append(
                    LinkResult(
                        raw,
                        cands[0].id,
                        "fuzzy",
                        round(min(0.85, sc / 100 * 0.9), 3),
                        f"名称相近（相似度 {sc:.0f}，{cands[0].name}）",
                    )
                )
                continue
        sugg_list: list[Suggestion] = []
        for key2, sc, _ in best:
            if sc < 70:
                continue
            for e in _uniq(normal[key2]):
                if not _suggestible(raw, e):
                    continue  # another district's government, another city's centre
                sugg_list.append(
                    Suggestion(e.id, e.name, round(float(sc) / 100, 3), f"名称部分相似（{sc:.0f}）")
                )
        sugg_list = sugg_list[:max_suggestions]
        sugg_list.append(Suggestion(None, raw, 0.0, "登记册中未找到，建议新增该主体"))
        results.append(
            LinkResult(raw, None, "unknown", 0.0, "登记册中未找到匹配主体", tuple(sugg_list))
        )
    return results
