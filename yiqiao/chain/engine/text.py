"""Reading an organisation's text the way the classifier needs it (pure).

A register entry mixes what a company *is* with what it *may* do: the registered business
scope (经营范围: a long list of licensable activities, mostly boilerplate), its main business
("主要从事…的研发、生产和销售"), and the industries it sells to ("产品应用于医疗器械、体外诊断等
领域" names the customers, not the company). ``read_fields`` splits the text into those regions
so hits can be weighed by where they occur; ``TermMatcher`` finds dictionary words (longest
first, ASCII words only at word boundaries).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

#: Regions of a text, in the order features use them.
FIELDS: tuple[str, ...] = ("name", "products", "main", "description", "scope", "customer")

# Markers of the registered business scope (市场监管 wording on business licences).
SCOPE_MARKERS = ("经营范围", "许可项目", "一般项目", "许可经营项目", "一般经营项目")
SCOPE_END = re.compile(r"依法须经批准的项目[^。]*?[）)]|。")
# What a company mainly does: "主要从事X的研发…", "主营业务为X", "专注于X", "是一家X企业".
MAIN_PATTERNS = (
    re.compile(
        r"(?:主要从事|主营业务(?:为|是|包括)?|主营|专注于|专注|致力于|聚焦于?|专业从事|核心业务(?:为|是)?)"
        r"(.{2,80}?)(?=的研发|的研究|的生产|的销售|的开发|[，。；,;]|$)"
    ),
    re.compile(r"是一家(.{2,50}?)(?:企业|公司|机构|平台|服务商|供应商|制造商|生产商|厂商)"),
    re.compile(r"以(.{2,40}?)为(?:主营|主业|核心|主)"),
)
# A clause that names customers or uses: words after these are about whom the company serves.
CUSTOMER_MARKERS = re.compile(
    r"客户|供应给|供给|卖给|售给|销售给|销往|应用于|广泛用于|用于|服务于|面向|下游|配套|"
    r"为(?=[^，。；]{1,30}提供)|供(?=[^，。；]{1,12}(?:厂|企业|客户|使用|生产))"
)
CLAUSE_SPLIT = re.compile(r"[，。；;！!？?\n]")
# Where an excerpt shown as evidence stops (normalised text has ASCII commas).
EXCERPT_STOPS = re.compile(r"[，,。；;！!？?\n]")
# A product item that says it is small or on the side ("少量原料药", "兼营…"): annual reports and
# EIA notices name the main products first and mark side lines with these words.
MINOR_MARKERS = re.compile(r"少量|少部分|另产|兼营|兼做|附带|副产品|顺带|零星")


@lru_cache(maxsize=1)
def _t2s() -> object:
    import opencc  # ships its conversion tables in the wheel (no download)

    return opencc.OpenCC("t2s")


def normalise(text: str) -> str:
    """Full-width to half-width, Traditional to Simplified (only for Traditional text), ASCII
    lower case, whitespace folded."""
    return _normalise(text or "")


@lru_cache(maxsize=8192)
def _normalise(text: str) -> str:
    # cached: one organisation's fields are read several times, a register repeats words
    text = unicodedata.normalize("NFKC", text)
    han = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    if han:
        converted = _t2s().convert(text)  # type: ignore[attr-defined]
        if len(converted) == len(text):
            changed = sum(1 for a, b in zip(text, converted, strict=True) if a != b)
            # Simplified text has a stray convertible character now and then; Traditional
            # text has them everywhere.
            if changed and changed >= 0.02 * len(han):
                text = converted
    text = re.sub(r"\s+", " ", text)
    return "".join(c.lower() if c.isascii() else c for c in text).strip()


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of normalised text and the region it belongs to."""

    field: str
    text: str


def read_fields(name: str, description: str, products: str) -> list[Span]:
    """Split an organisation's text into regions: name, products, main business, plain
    description, business scope, and customer clauses (words after a customer marker)."""
    spans = [Span("name", normalise(name)), Span("products", normalise(products))]
    text = normalise(description)
    scope_parts: list[str] = []
    start = min((i for i in (text.find(m) for m in SCOPE_MARKERS) if i >= 0), default=-1)
    if start >= 0:
        end_match = SCOPE_END.search(text, start)
        end = end_match.end() if end_match else len(text)
        scope_parts.append(text[start:end])
        text = text[:start] + "。" + text[end:]
    mains: list[str] = []
    for pattern in MAIN_PATTERNS:
        for match in pattern.finditer(text):
            mains.append(match.group(1))
    spans.extend(Span("main", m) for m in mains)
    for clause in CLAUSE_SPLIT.split(text):
        if not clause.strip():
            continue
        marker = CUSTOMER_MARKERS.search(clause)
        if marker:
            spans.append(Span("description", clause[: marker.start()]))
            spans.append(Span("customer", clause[marker.start() :]))
        else:
            spans.append(Span("description", clause))
    spans.extend(Span("scope", part) for part in scope_parts)
    return [s for s in spans if s.text]


@dataclass(frozen=True, slots=True)
class Hit:
    """A dictionary word found in a region (``start`` within that region's text)."""

    term: str
    field: str
    start: int
    #: the words around the hit in its region (what an officer reads to check it)
    context: str = ""


def _is_word_char(c: str) -> bool:
    return c.isascii() and (c.isalnum() or c in "-+")


class TermMatcher:
    """Longest-first matching of dictionary words; ASCII words only at ASCII word boundaries
    (so "ct" does not match inside "ctdna" and "dr" not inside "drg")."""

    def __init__(self, terms: Iterable[str]) -> None:
        self.terms = {normalise(t) for t in terms if normalise(t)}
        self.lengths = sorted({len(t) for t in self.terms}, reverse=True)
        # the lengths of the words that start with each character, longest first: a text
        # position is tried only against words that can start there
        by_first: dict[str, set[int]] = {}
        for term in self.terms:
            by_first.setdefault(term[0], set()).add(len(term))
        self.by_first = {c: sorted(ls, reverse=True) for c, ls in by_first.items()}

    def find(self, text: str) -> list[tuple[str, int]]:
        out: list[tuple[str, int]] = []
        terms, by_first = self.terms, self.by_first
        i, n = 0, len(text)
        while i < n:
            for length in by_first.get(text[i], ()):
                if i + length > n:
                    continue
                piece = text[i : i + length]
                if piece not in terms:
                    continue
                if _is_word_char(piece[0]) and i > 0 and _is_word_char(text[i - 1]):
                    continue
                if _is_word_char(piece[-1]) and i + length < n and _is_word_char(text[i + length]):
                    continue
                out.append((piece, i))
                i += length
                break
            else:
                i += 1
        return out

    def hits(self, spans: Iterable[Span]) -> list[Hit]:
        return [
            Hit(term, span.field, at, excerpt(span.text, at, len(term)))
            for span in spans
            for term, at in self.find(span.text)
        ]


def excerpt(text: str, start: int, length: int, *, around: int = 14) -> str:
    """The words around ``text[start:start + length]``, cut at clause ends, with … where cut."""
    left = max(0, start - around)
    right = min(len(text), start + length + around)
    for stop in EXCERPT_STOPS.finditer(text, left, start):
        left = stop.end()
    stop_after = EXCERPT_STOPS.search(text, start + length, right)
    if stop_after:
        right = stop_after.start()
    prefix = "…" if left > 0 and not EXCERPT_STOPS.match(text, left - 1) else ""
    suffix = "…" if right < len(text) and not EXCERPT_STOPS.match(text, right) else ""
    return f"{prefix}{text[left:right].strip()}{suffix}"


def count_by(hits: Iterable[Hit], groups: Mapping[str, Iterable[str]]) -> dict[str, int]:
    """How many hits fall on the words of each group."""
    index: dict[str, list[str]] = {}
    for group, words in groups.items():
        for word in words:
            index.setdefault(word, []).append(group)
    out: dict[str, int] = {}
    for hit in hits:
        for group in index.get(hit.term, ()):
            out[group] = out.get(group, 0) + 1
    return out


#: What a product list item says it is (for the share of items of each shape).
PRODUCT_SHAPES: dict[str, re.Pattern[str]] = {
    "software": re.compile(
        r"软件|ai|人工智能|算法|saas|云平台|信息系统|管理系统|大数据|互联网|app|小程序"
    ),
    "service": re.compile(
        r"服务|外包|代工|委托|咨询|检测$|检验$|评价|开发$|cmc|申报|推广|运营|托管|租赁"
    ),
    "material": re.compile(r"原料|材料|粒料|树脂|基材|中间体|粗品|提取物|单体"),
    "part": re.compile(r"部件|零件|组件|配件|管材|模组|探测器|传感器|球管|注塑件|结构件"),
    "kit": re.compile(r"试剂|试剂盒|检测卡|试纸|分析仪|检测仪"),
    "store": re.compile(r"药房|药店|门店|零售|连锁"),
    "care": re.compile(r"诊疗|医疗服务|门诊|住院|体检|护理|康复医疗"),
}
PRODUCT_ITEM_SPLIT = re.compile(r"[；;、,，/|｜\n]")


def product_shares(products: str) -> dict[str, float]:
    """Share of product-list items of each shape (e.g. half the items are services)."""
    items = [i.strip() for i in PRODUCT_ITEM_SPLIT.split(normalise(products)) if i.strip()]
    if not items:
        return {}
    return {
        shape: sum(1 for i in items if pattern.search(i)) / len(items)
        for shape, pattern in PRODUCT_SHAPES.items()
    }
