"""Link extracted organisation names to register entries.

Methods, strongest first: unified social credit code (USCC, 统一社会信用代码) when the mention
carries one, exact name, registered alias, normalised name (full/half width, brackets, legal-form
variants such as 有限公司/有限责任公司/股份有限公司, leading region prefixes such as 深圳市 or
(中国)), and fuzzy match (rapidfuzz) on the normalised names.  Each result carries a confidence
and a Chinese reason; unknown names come back with suggestions to add or to compare.
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


def link_organisations(
    names: Iterable[str | Mention],
    register_entries: Sequence[RegisterEntry],
    *,
    fuzzy_threshold: float = 85.0,
    max_suggestions: int = 3,
) -> list[LinkResult]:
    """Link each name to at most one register entry; see the module docstring for the methods.

    ``fuzzy_threshold`` is a rapidfuzz ``WRatio`` score (0-100) on normalised names.
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
        hits = _uniq(exact.get(key, []))
        if len(hits) == 1:
            results.append(LinkResult(raw, hits[0].id, "exact", 1.0, "名称完全一致"))
            continue
        if not hits:
            hits = _uniq(alias.get(key, []))
            if len(hits) == 1:
                results.append(
                    LinkResult(raw, hits[0].id, "alias", 0.97, f"与登记别名一致（{hits[0].name}）")
                )
                continue
        if not hits:
            hits = _uniq(normal.get(normalise_name(raw), []))
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
                for e in hits[:max_suggestions]
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
        # short keys differ by one character between unrelated firms (华晟基因/华大基因): no fuzzy
        if best and best[0][1] >= fuzzy_threshold and len(nk) >= 5:
            cands = _uniq(normal[best[0][0]])
            if len(cands) == 1:
                sc = float(best[0][1])
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
                sugg_list.append(
                    Suggestion(e.id, e.name, round(float(sc) / 100, 3), f"名称部分相似（{sc:.0f}）")
                )
        sugg_list = sugg_list[:max_suggestions]
        sugg_list.append(Suggestion(None, raw, 0.0, "登记册中未找到，建议新增该主体"))
        results.append(
            LinkResult(raw, None, "unknown", 0.0, "登记册中未找到匹配主体", tuple(sugg_list))
        )
    return results
