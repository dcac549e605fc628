"""Organisation names in two stages: generous candidates, then a trained classifier.

The character labeller alone under-generates on unseen reports (a brand without a legal form,
a bureau named in passing, a firm inside a project's name).  Stage one proposes every span that
*could* be an organisation, from independent sources:

* ``crf`` – the labeller's ORG spans (``A与B`` coordinations split in two);
* ``sfx`` – names ending in an organisation suffix, with the left edge the rules find and the
  shorter readings at word boundaries (建设全球第二大研发中心 → …, 研发中心);
* ``list`` – members of 、-lists ("迈瑞、联影、北京芯生命等一批重大项目");
* ``lead`` – the brand that opens a project's name (中宝药业|创新制剂产业化基地项目);
* ``rep`` – "以X为代表", "如X", "包括X";
* ``latin`` – runs of capitalised Latin words (Thermo Fisher, GE医疗);
* ``table`` – cells under a 企业/单位/签约方 column;
* ``alias`` – short names the text introduces ("(以下简称X)").

Stage two scores each candidate with a maximum-entropy classifier (python-crfsuite on one-item
sequences) over features that do not name any organisation: which sources proposed it, its
suffix class and last characters, its length, whether jieba knows its words and how common they
are, the words around it, the list it sits in (等企业 vs 等领域), whether it sits in a signing
sentence, how often it recurs, and the labeller's own ORG probability over its characters.
Overlapping accepted candidates keep the most probable reading.  The classifier is trained by
:mod:`.training` on out-of-fold labeller output, so it learns how far to trust the labeller on
text the labeller has not seen.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import lexicon, orgs, places

MODEL_PATH = Path(__file__).resolve().parent / "models" / "orgs_classifier.crfsuite"
THRESHOLD = 0.45


@dataclass
class Candidate:
    """A span of the body that may name an organisation."""

    start: int
    end: int
    name: str
    sources: set[str] = field(default_factory=set)
    extra: dict[str, str] = field(default_factory=dict)
    groups: set[int] = field(default_factory=set)  # the enumerations it is a member of


_EDGE = re.compile(r"^[\s,、:;。“”\"'()《》]+|[\s,、:;。“”\"'(《》]+$")
_NAME_OK = re.compile(r"[\u4e00-\u9fffA-Za-z]")
_SENT = re.compile(r"[^。!?;\n]+[。!?;]?")
_SIGN = re.compile(r"签约|签署|签订|签下|协议|发起|合作")
_LATIN = re.compile(
    r"(?<![A-Za-z0-9])[A-Z][A-Za-z0-9&.\-]*(?:\s+[A-Z][A-Za-z0-9&.\-]*){0,3}"
    r"(?:医疗|公司|集团|生物|制药|医药|中国)?"
)
_REP = re.compile(
    r"以([^,。;:]{2,40}?)(?:等(?:企业|公司|机构)?)?为(?:代表|龙头|首|引领|核心)"
    r"|(?:包括|如|例如|比如|引进了?|吸引了?|启动了?|集聚了?|拥有)([^,。;:]{2,60}?)(?:等|在内|[,。;])"
)
_ROLE = re.compile(r"[\u4e00-\u9fff]{0,4}?(?:企业|公司|龙头|药企|机构)(?=[\u4e00-\u9fffA-Za-z]{2})")
_PROJECT = re.compile(r"(?:项目|基地|产业园|工厂|总部|园区|大厦|生产线)$")
_LIST_SPLIT = re.compile(r"、|(?<=[\u4e00-\u9fffA-Za-z)])(?:和|及|以及|与)(?=[\u4e00-\u9fffA-Z])")
_LIST_TAIL = re.compile(
    r"(?:等(?:\d+|[一二两三四五六七八九十百多数几]+)?(?:余|多)?(?:家|个|所|位|只|批|类)?"
    r"|(?<=[\u4e00-\u9fffA-Za-z])(?:\d+|[一二两三四五六七八九十]+)(?:余|多)?(?:家|所))"
    r"(?:[\u4e00-\u9fff]{0,4}?)(企业|公司|机构|单位|院校|高校|医院|药企|项目|伙伴|领域|方向|产品|地|城市|"
    r"国家|地区|省|市|区|园区|平台|品种|赛道|行业|环节|专业)"
)
_ITEM_END = re.compile(
    r"(?:签约|签署|签订|达成|共同|联合|分别|集中|落户|入驻|参加|出席|将|已|均|在|为|的|"
    r"(?:\d+|[一二两三四五六七八九十]+)(?:家|个|所|位))"
)
_SOLO = re.compile(
    r"([\u4e00-\u9fffA-Za-z()]{2,16}?)等(?:多|数|几|\d+|[一二两三四五六七八九十百]+)(?:余|多)?家"
    r"([\u4e00-\u9fff]{0,4}(?:企业|公司|机构|药企|厂|厂商))"
)
_TABLE_HEADER = re.compile(r"企业|单位|公司|签约方|投资方|机构|合作方|出资方|主体")
_ALIAS = re.compile(r"[(（]\s*(?:以下简称|以下称|下称|简称)\s*[“\"'「]?([^)）”\"'」,。]{2,16})")
_CONJ_END = re.compile(r"(?:与|和|及|同|、|对|向|为|由|在|将|把|被|让|给|从|经|把)$")
# patterns used per candidate or per sentence, compiled once
_CLAUSE = re.compile(r"[^,;:。!?]+")
_HAN_OR_LATIN_CHAR = re.compile(r"[\u4e00-\u9fffA-Za-z]")
_PIECE_NO_CONJ = re.compile(r"[^、和及与]+")
_PROJECT_PHRASE = re.compile(r"[^,;:。]{4,40}?(?:项目|基地|产业园|工厂|总部)")
_CLAUSE_NO_QUOTES = re.compile(r"[^,;:。!?“”]+")
_LIST_PIECE = re.compile(r"[^、]+")
_PIECE_NO_AND = re.compile(r"[^和及与]+")
_LATIN_WORD = re.compile(r"[A-Za-z]+")
_HAN_LATIN_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z]+")
_LATIN_NAME = re.compile(r"[A-Za-z0-9&.\- ]+")
_HAS_LATIN = re.compile(r"[A-Za-z]")
_HAS_DIGIT = re.compile(r"\d")
_HAS_COUNT = re.compile(r"(?:\d+|[一二两三四五六七八九十几多数]+)(?:家|个|所|位|批|项)")
_INNER_FUNC = re.compile(r"[的之]|(?<=.)[与和及](?=.)")
_EVENT_END = re.compile(r"(?:大会|论坛|峰会|博览会|推介会|展会|会议|活动|仪式|周)$")
_PROJECT_END = re.compile(r"(?:项目|工程|计划|产品|技术)$")
_RIGHT_LINK = re.compile(r"(?:等|、|与|和|及|签|共同|联合|分别|将|在|的)")


@lru_cache(maxsize=1)
def _suffix_re() -> re.Pattern[str]:
    return orgs._SUFFIX_RE


def _tokens(text: str) -> list[str]:
    return list(_cut(text))


def clear_caches() -> None:
    """Forget the per-name caches (benchmarks start every pass cold)."""
    _cut.cache_clear()
    _name_features.cache_clear()


@lru_cache(maxsize=65536)
def _cut(text: str) -> tuple[str, ...]:
    import rjieba

    return tuple(rjieba.cut(text, hmm=False))


def _clean(text: str, start: int, end: int) -> tuple[int, int] | None:
    s = text[start:end]
    m1 = _EDGE.match(s)
    if m1:
        start += m1.end()
    s = text[start:end]
    m2 = _EDGE.search(s)
    if m2 and m2.start() > 0:
        end = start + m2.start()
    name = text[start:end]
    if name.count("(") != name.count(")"):
        if name.startswith("("):
            start += 1
        elif name.endswith(")"):
            end -= 1
        elif name.count("(") > name.count(")"):
            k = name.rfind("(")
            end = start + k
    if end - start < 2 or end - start > 40 or not _NAME_OK.search(text[start:end]):
        return None
    return start, end


_FUNC_TAGS = {"p", "c", "d", "u", "ad", "r", "uj", "ul"}
_COUNTED = re.compile(
    r"(?:\d+|[一二两三四五六七八九十几多数]+|上?[百千万])(?:余|多)?(?:家|个|位|名|批|项)"
)
_FUNC_CHARS = set("以同将已并还也在由为对从向与和及等据经如")
# verbs that end the left context of a name: "召集A", "投资B", "启动C"
_LEAD_VERBS = {
    "召集",
    "投资",
    "启动",
    "引进",
    "引入",
    "帮助",
    "吸引",
    "组织",
    "邀请",
    "对接",
    "支持",
}
_PERSON = re.compile(r"书记|常委|负责同志|负责人|市长|区长|县长|省长|主席|院士|董事长|总经理|行长")


def _tag(word: str) -> str:
    return orgs.pos_tag(word)


def _trim_function_words(text: str, s: int, e: int) -> int:
    """Move the start of ``text[s:e]`` past leading function words (以, 同时, 中, 已…): a name
    never opens with a preposition, conjunction or adverb."""
    toks = _tokens(text[s:e])
    pos = s
    for t in toks[:-1]:
        if e - pos - len(t) < 2:
            break
        tag = orgs.pos_tag(t)
        if (len(t) >= 2 and tag in _FUNC_TAGS) or t in _FUNC_CHARS or t in _LEAD_VERBS:
            pos += len(t)
            continue
        break
    return pos


class _Pool:
    """Candidates of one text, merged by span."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.by_span: dict[tuple[int, int], Candidate] = {}

    def add(
        self, start: int, end: int, source: str, group: int | None = None, **extra: str
    ) -> None:
        se = _clean(self.text, start, end)
        if se is None:
            return
        s, e = se
        s = _trim_function_words(self.text, s, e)
        name = self.text[s:e]
        if e - s < 2 or _PERSON.search(name) or _COUNTED.search(name):
            return  # "四川省委常委", "上百位跨国公司": a person or a description
        if name in places.ZONE_SUFFIXES:
            return  # "经济技术开发区" on its own: the kind of a zone, not a body
        if any(len(t) >= 2 and _tag(t) == "d" for t in _tokens(name)[1:-1]):
            return  # "成都高新区不断做优做强大健康生物": an adverb inside, a clause
        cand = self.by_span.get((s, e))
        if cand is None:
            cand = Candidate(s, e, self.text[s:e])
            self.by_span[(s, e)] = cand
        cand.sources.add(source)
        cand.extra.update(extra)
        if group is not None:
            cand.groups.add(group)


def generate(text: str, crf_spans: Sequence[Any]) -> list[Candidate]:
    """Every candidate span of ``text`` (the article body)."""
    pool = _Pool(text)
    # the labeller
    for sp in crf_spans:
        if sp.label != "ORG":
            continue
        parts = orgs.split_coordination(sp.name)
        pos = sp.start
        for part in parts:
            k = text.find(part, pos, sp.end)
            if k < 0:
                continue
            pool.add(k, k + len(part), "crf")
            _shorter(pool, text, k, k + len(part), 0, "crf_short")
            pos = k + len(part)
    for m in _SENT.finditer(text):
        _sentence(pool, m.group(0), m.start())
    # short names the text introduces
    for m in _ALIAS.finditer(text):
        pool.add(m.start(1), m.end(1), "alias")
    _government(pool, text)
    return sorted(pool.by_span.values(), key=lambda c: (c.start, -c.end))


@lru_cache(maxsize=1)
def _gov_re() -> tuple[re.Pattern[str], frozenset[str]]:
    rows = lexicon.column("gov_departments", "level")
    names = sorted(rows, key=len, reverse=True)
    national = frozenset(n for n, lvl in rows.items() if lvl == "national")
    return re.compile("|".join(re.escape(n) for n in names)), national


def _government(pool: _Pool, text: str) -> None:
    """Government departments: a ministry by its name (工业和信息化部), a local department by a
    place and its office (云南省科技厅, 市商务局); they are organisations wherever they appear."""
    pat, national = _gov_re()
    for m in pat.finditer(text):
        s, e = m.start(), m.end()
        if m.group(0) in national:
            pool.add(s, e, "gov")
            continue
        best = None
        at = s - 1 if s > 1 and text[s - 1] == " " else s  # "贵州省 科技厅": a stray space
        for k in range(min(10, at), 0, -1):
            head = text[at - k : at]
            loc = places.prefix_location(head)
            if loc is not None and loc.text == head:
                best = at - k
                break
        if best is None and s > 0 and text[s - 1] in "省市区县州":
            best = s - 1
        if best is not None:
            pool.add(best, e, "gov")


def _shorter(pool: _Pool, sent: str, s: int, e: int, off: int, source: str) -> None:
    """Readings of ``sent[s:e]`` without its first words (同时启动三清药业 → 三清药业)."""
    toks = _tokens(sent[s:e])
    pos = 0
    for t in toks[:-1][:4]:
        pos += len(t)
        if e - s - pos >= 2:
            pool.add(off + s + pos, off + e, source)


def _suffixed(pool: _Pool, sent: str, off: int) -> None:
    """Every name ending in an organisation suffix (legal form, institution or industry word),
    whatever follows it, with the rules' left edge and its shorter readings."""
    for m in orgs._SUFFIX_RE.finditer(sent):
        if sent.startswith(orgs._TITLES, m.start()):
            continue
        nxt = orgs._SUFFIX_RE.match(sent, m.end())
        if nxt is not None and nxt.group(0) in orgs._LEGAL_SUFFIXES:
            continue  # 集团 + 股份有限公司: the longer name ends later
        start = orgs._left_edge(sent, m.start(), max(0, m.start() - 30))
        if m.start() - start < 1:
            continue
        pool.add(off + start, off + m.end(), "sfx")
        _shorter(pool, sent, start, m.end(), off, "sfx_short")
        _lead(pool, sent, start, m.end(), off)


_SUBJ_STOP = {"v", "vn", "d", "p", "c", "u", "r", "m", "q", "f", "ad", "t", "uj", "ul"}


def _subjects(pool: _Pool, sent: str, off: int) -> None:
    """The words that open a clause before its first verb (中国生物制药|将建立…)."""
    for cm in _CLAUSE.finditer(sent):
        clause = cm.group(0)
        toks = _tokens(clause)
        out = ""
        for t in toks:
            if out and (orgs.pos_tag(t) in _SUBJ_STOP or not _HAN_OR_LATIN_CHAR.match(t)):
                break
            if not out and not _HAN_OR_LATIN_CHAR.match(t):
                break
            out += t
            if len(out) > 12:
                break
        if 2 <= len(out) <= 12 and len(out) < len(clause):
            pool.add(off + cm.start(), off + cm.start() + len(out), "subj")


def _sentence(pool: _Pool, sent: str, off: int) -> None:
    _suffixed(pool, sent, off)
    _subjects(pool, sent, off)
    # 、-lists
    if "、" in sent:
        _lists(pool, sent, off)
    for m in _REP.finditer(sent):
        g = 1 if m.group(1) else 2
        seg_start = m.start(g)
        for part in _PIECE_NO_CONJ.finditer(m.group(g)):
            s, e = seg_start + part.start(), seg_start + part.end()
            role = _ROLE.match(sent, s, e)
            if role is not None:
                s = role.end()
            pool.add(off + s, off + e, "rep")
            _lead(pool, sent, s, e, off)
    for m in _SOLO.finditer(sent):
        s0 = orgs._left_edge(sent, m.end(1), max(0, m.start(1) - 12))
        pool.add(off + s0, off + m.end(1), "list", kind=m.group(2)[-2:], size="1")
    for m in _LATIN.finditer(sent):
        if len(m.group(0)) >= 2:
            pool.add(off + m.start(), off + m.end(), "latin")
    if "\t" in sent:
        pass  # table rows are handled by :func:`tables`
    for m in _PROJECT_PHRASE.finditer(sent):
        # "…签约/启动/开工 X项目": the brand that opens the project's name
        _lead(pool, sent, m.start(), m.end(), off)


def _lists(pool: _Pool, sent: str, off: int) -> None:
    for cm in _CLAUSE_NO_QUOTES.finditer(sent):
        clause = cm.group(0)
        if "、" not in clause:
            continue
        base = cm.start()
        tail_m = _LIST_TAIL.search(clause)
        kind = tail_m.group(1) if tail_m else "?"
        end_all = tail_m.start() if tail_m else len(clause)
        body = clause[:end_all]
        pieces = [(m.start(), m.end()) for m in _LIST_PIECE.finditer(body)]
        if len(pieces) < 2:
            continue
        items: list[tuple[int, int]] = []
        for k, (s, e) in enumerate(pieces):
            if k == 0:
                s = orgs._left_edge(body, e, s)
            if k == len(pieces) - 1:
                seg = body[s:e]
                cut = _ITEM_END.search(seg)
                if cut is not None and cut.start() >= 2:
                    e = s + cut.start()
                    seg = body[s:e]
                sub = [(s + m.start(), s + m.end()) for m in _PIECE_NO_AND.finditer(seg)]
                if len(sub) >= 2 and sub[0][1] - sub[0][0] >= 2:
                    items += sub
                    continue
            items.append((s, e))
        n = len(items)
        for s, e in items:
            k = body.rfind("的", s, e)
            if k >= 0 and e - k > 2:
                s = k + 1  # "新开园投产的亚辉龙…产业园": the noun after the modifier
            while e > s and body[e - 1] == "等":
                e -= 1
            if e - s < 2:
                continue
            a, b = off + base + s, off + base + e
            pool.add(a, b, "list", group=off + base, kind=kind, size=str(min(n, 6)))
            _lead(pool, sent, base + s, base + e, off)


def _lead(pool: _Pool, sent: str, s: int, e: int, off: int) -> None:
    """The brand at the start of a project-like phrase: the leading rare or out-of-vocabulary
    words plus an industry word (中宝|药业|创新…项目 → 中宝药业)."""
    phrase = sent[s:e]
    if len(phrase) < 5 or not _PROJECT.search(phrase):
        return
    freq = orgs._jieba().dt.FREQ
    toks = _tokens(phrase)
    out = ""
    for k, t in enumerate(toks):
        if _LATIN_WORD.fullmatch(t) and out:
            break
        if not _HAN_LATIN_WORD.fullmatch(t):
            break
        common = len(t) >= 2 and int(freq.get(t, 0)) >= 300 and t not in orgs._SHORT_SUFFIXES
        if common and not (k == 0 and places.lookup(t) is not None):
            break
        if len(t) == 1 and t in _FUNC_CHARS:
            break
        out += t
        if t in orgs._SHORT_SUFFIXES or t in orgs._LEGAL_SUFFIXES:
            break
    if 2 <= len(out) < len(phrase) - 1:
        pool.add(off + s, off + s + len(out), "lead")


def tables(text: str) -> list[tuple[int, int, str]]:
    """Cells of table rows (tab-separated lines) under an organisation column: (start, end,
    header word)."""
    out: list[tuple[int, int, str]] = []
    lines = text.split("\n")
    pos = 0
    header: list[str] | None = None
    for line in lines:
        if "\t" in line:
            cells = line.split("\t")
            if header is None:
                header = cells
            else:
                cpos = pos
                for k, cell in enumerate(cells):
                    h = header[k] if k < len(header) else ""
                    hm = _TABLE_HEADER.search(h)
                    if hm and cell.strip() and cell.strip() not in ("—", "-", "/"):
                        out.append((cpos, cpos + len(cell), hm.group(0)))
                    cpos += len(cell) + 1
        else:
            header = None
        pos += len(line) + 1
    return out


# ------------------------------------------------------------------------------------ features
def _freq(word: str) -> int:
    return int(orgs._jieba().dt.FREQ.get(word, 0))


def _bucket(x: float, cuts: Sequence[float]) -> str:
    for k, c in enumerate(cuts):
        if x < c:
            return str(k)
    return str(len(cuts))


@lru_cache(maxsize=65536)
def _name_features(name: str) -> tuple[str, ...]:
    """The features of a candidate that depend on its name alone (cached: a name recurs)."""
    f: list[str] = []
    n = len(name)
    f.append("len=" + _bucket(n, (3, 4, 5, 7, 10, 14, 20)))
    suffix = orgs.longest_suffix(name) or ""
    if suffix:
        kind = orgs._LEGAL_SUFFIXES.get(suffix) or orgs._SHORT_SUFFIXES.get(suffix, "")
        form = "L" if suffix in orgs._LEGAL_SUFFIXES else "S"
        f += [
            "sfx=" + suffix,
            "sfxk=" + kind + form,
            "core=" + _bucket(n - len(suffix), (1, 2, 3, 5, 8)),
        ]
    else:
        f.append("sfx=none")
    f.append("l1=" + name[-1])
    f.append("l2=" + name[-2:])
    f.append("f1=" + name[0])
    latin = bool(_LATIN_NAME.fullmatch(name))
    if latin:
        f.append("latin")
        f.append("upper" if name.isupper() else "mixed")
    elif _HAS_LATIN.search(name):
        f.append("hanlatin")
    toks = _tokens(name)
    f.append("ntok=" + _bucket(len(toks), (2, 3, 4, 6)))
    freqs = [_freq(t) for t in toks]
    f.append("oov=" + _bucket(sum(1 for x in freqs if x == 0), (1, 2, 3)))
    f.append("single=" + _bucket(sum(1 for t in toks if len(t) == 1), (1, 2, 3)))
    f.append("allcommon" if all(x >= 1000 for x in freqs) else "somerare")
    if len(toks) == 1:
        f.append("oneword=" + _bucket(freqs[0], (1, 50, 500, 5000)))
        tag = orgs.pos_tag(name)
        if tag:
            f.append("pos=" + tag)
    if any(orgs.pos_tag(t).startswith("v") and len(t) >= 2 for t in toks[:-1]):
        f.append("hasverb")
    if any(t in orgs._STOP_WORDS for t in toks):
        f.append("hasstop")
    if any(ch in orgs._STOP_CHARS for ch in name if not ch.isdigit()):
        f.append("stopchar")
    if _HAS_DIGIT.search(name):
        f.append("digit")
    if _HAS_COUNT.search(name):
        f.append("hascount")  # "上海四家标杆性生物科技": a description, not a name
    if _INNER_FUNC.search(name):
        f.append("innerfunc")
    ftag = orgs.pos_tag(toks[0]) if toks else ""
    f.append("fpos=" + (ftag or "oov"))
    f.append("ffreq=" + _bucket(freqs[0] if freqs else 0, (1, 100, 1000, 10000)))
    loc = places.prefix_location(name)
    if loc is not None:
        f.append("placeprefix")
        if loc.text == name:
            f.append("isplace")
    if places.lookup(name) is not None:
        f.append("isplace")
    if re.search(
        r"(?:园区|产业园|基地|新区|开发区|高新区|科学城|生物城|医学城|药谷|小镇|片区)$", name
    ):
        f.append("park")
    if _EVENT_END.search(name):
        f.append("event")
    if _PROJECT_END.search(name):
        f.append("projectword")
    return tuple(f)


def features(
    c: Candidate,
    text: str,
    org_prob: Sequence[float] | None,
    counts: dict[str, int],
    sign_spans: Sequence[tuple[int, int]],
) -> list[str]:
    """Feature strings of one candidate (no feature names an organisation)."""
    name = c.name
    f = ["bias"]
    srcs = sorted(c.sources)
    f += ["src=" + s for s in srcs]
    f.append("srcs=" + "+".join(srcs))
    f.append("nsrc=" + str(min(len(srcs), 3)))
    for k, v in sorted(c.extra.items()):
        f.append(f"{k}={v}")
    f += _name_features(name)
    # context
    left = text[max(0, c.start - 4) : c.start]
    right = text[c.end : c.end + 4]
    f.append("lc=" + (left[-1:] or "^"))
    f.append("rc=" + (right[:1] or "$"))
    lt = _tokens(left)[-1:] if left else []
    rt = _tokens(right)[:1] if right else []
    f.append("lw=" + (lt[0] if lt and (_freq(lt[0]) >= 200 or len(lt[0]) == 1) else "?"))
    f.append("rw=" + (rt[0] if rt and (_freq(rt[0]) >= 200 or len(rt[0]) == 1) else "?"))
    if _CONJ_END.search(left):
        f.append("lconj")
    if _RIGHT_LINK.match(right):
        f.append("rlink=" + right[:1])
    # position and repetition
    f.append("count=" + _bucket(counts.get(name, 1), (2, 3, 5)))
    if any(a <= c.start < b for a, b in sign_spans):
        f.append("insign")
    if org_prob is not None and c.end <= len(org_prob):
        span = org_prob[c.start : c.end]
        p = sum(span) / max(1, len(span))
        f.append("crfp=" + _bucket(p, (0.05, 0.2, 0.4, 0.6, 0.8, 0.95)))
        edge = org_prob[c.start - 1] if c.start > 0 else 0.0
        f.append("crfpl=" + _bucket(edge, (0.2, 0.5, 0.8)))
        edge2 = org_prob[c.end] if c.end < len(org_prob) else 0.0
        f.append("crfpr=" + _bucket(edge2, (0.2, 0.5, 0.8)))
    return f


def featurise(
    text: str, cands: Sequence[Candidate], org_prob: Sequence[float] | None
) -> list[list[str]]:
    """Features of every candidate of one text."""
    counts: dict[str, int] = {}
    for c in cands:
        if c.name not in counts:
            counts[c.name] = text.count(c.name)
    sign_spans = [(m.start(), m.end()) for m in _SENT.finditer(text) if _SIGN.search(m.group(0))]
    return [features(c, text, org_prob, counts, sign_spans) for c in cands]


def add_tables(text: str, cands: list[Candidate]) -> list[Candidate]:
    """Add the organisation-column cells of the text's tables to ``cands``."""
    pool = _Pool(text)
    for c in cands:
        pool.by_span[(c.start, c.end)] = c
    for s, e, h in tables(text):
        pool.add(s, e, "table", hdr=h)
        _lead(pool, text, s, e, 0)
    return sorted(pool.by_span.values(), key=lambda c: (c.start, -c.end))


# ---------------------------------------------------------------------------------- classifier
class Classifier:
    """A loaded candidate classifier (maximum entropy over one-item crfsuite sequences)."""

    def __init__(self, path: Path = MODEL_PATH) -> None:
        import pycrfsuite

        self._tagger: Any = pycrfsuite.Tagger()
        self._tagger.open(str(path))
        self._lock = threading.Lock()
        self._labels = set(self._tagger.labels())

    def probability(self, feats: list[str]) -> float:
        """P(candidate is an organisation)."""
        if "Y" not in self._labels:
            return 0.0
        with self._lock:
            self._tagger.set([feats])
            return float(self._tagger.marginal("Y", 0))


def decide(
    cands: Sequence[Candidate], probs: Sequence[float], threshold: float = THRESHOLD
) -> list[Candidate]:
    """Accepted candidates: probability over the threshold, the most probable of overlapping
    readings, in text order."""
    # a government department is an organisation whatever the model says
    probs = [max(p, 0.99) if "gov" in c.sources else p for p, c in zip(probs, cands, strict=True)]
    ranked = sorted(
        (pc for pc in zip(probs, cands, strict=True) if pc[0] >= threshold),
        key=lambda pc: (-pc[0], pc[1].start),
    )
    taken: list[tuple[int, int]] = []
    out: list[Candidate] = []
    for _p, c in ranked:
        if any(a < c.end and c.start < b for a, b in taken):
            continue
        taken.append((c.start, c.end))
        out.append(c)
    # enumeration propagation: when most members of a list are organisations, so are the rest
    members: dict[int, list[tuple[float, Candidate]]] = {}
    for p, c in zip(probs, cands, strict=True):
        for g in c.groups:
            members.setdefault(g, []).append((p, c))
    for items in members.values():
        # a list closed by "等…企业/公司/机构" names organisations: one accepted member carries
        # the others; any other list needs three members and most of them accepted
        orgish = all(c.extra.get("kind") in _ORG_KINDS for _p, c in items)
        if len(items) < (2 if orgish else 3):
            continue
        accepted = sum(1 for _p, c in items if c in out)
        if accepted == 0 or (not orgish and accepted * 2 < len(items)):
            continue
        floor = PROPAGATE_ORG if orgish else PROPAGATE
        for p, c in sorted(items, key=lambda pc: -pc[0]):
            if c in out or p < floor or any(a < c.end and c.start < b for a, b in taken):
                continue
            taken.append((c.start, c.end))
            out.append(c)
    return sorted(out, key=lambda c: c.start)


PROPAGATE = 0.1
PROPAGATE_ORG = 0.02
_ORG_KINDS = frozenset({"企业", "公司", "机构", "单位", "院校", "高校", "医院", "药企"})


_loaded: dict[str, Classifier | None] = {}
_load_lock = threading.Lock()


def default() -> Classifier | None:
    """The shipped classifier, loaded once; ``None`` when no model file is present."""
    with _load_lock:
        if "default" not in _loaded:
            _loaded["default"] = Classifier() if MODEL_PATH.is_file() else None
        return _loaded["default"]


def use(path: Path) -> None:
    """Make the classifier at ``path`` the default one (experiments, see ``extract --models``)."""
    model = Classifier(path)
    with _load_lock:
        _loaded["default"] = model
