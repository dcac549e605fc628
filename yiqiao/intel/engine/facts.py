"""Signings, events and metrics from cleaned, Simplified article text.

All rules work on sentences (split on 。!?; and line breaks) of the body only: the title and the
dateline are used for the publication date and as a fallback for the host region, never as a
source of facts of their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import dates, places
from .money import find_money
from .orgs import _left_edge
from .records import Event, Location, Metric, Money, Signing


@dataclass(frozen=True)
class Sentence:
    """A sentence of the body with its character offset."""

    start: int
    text: str


_SENT_RE = re.compile(r"[^。!?;\n]+[。!?;]?")


def sentences(text: str) -> list[Sentence]:
    """Split text into sentences with offsets."""
    return [Sentence(m.start(), m.group(0)) for m in _SENT_RE.finditer(text) if m.group(0).strip()]


_CN_DIGITS = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


def cn_int(s: str) -> int | None:
    """Parse 12, 十二, 二十七, 三 … (up to 99) into an int."""
    if s.isdigit():
        return int(s)
    if s in _CN_DIGITS:
        return _CN_DIGITS[s]
    m = re.fullmatch(r"([一二两三四五六七八九])?十([一二三四五六七八九])?", s)
    if m:
        tens = _CN_DIGITS.get(m.group(1) or "一", 1)
        return tens * 10 + (_CN_DIGITS[m.group(2)] if m.group(2) else 0)
    return None


# ------------------------------------------------------------------------------------ signings
_SIGN_VERB = re.compile(r"签约|签署|签订|达成[^,。]{0,8}合作")
_AMOUNT_KEYS = re.compile(
    r"(总投资额?|投资总额|协议投资额?|协议额|投资额|增资金额|增资|总金额|签约金额|签约金额|签约总额|总额|合计|总计|投资规模|总规模|计划投资|总投资规模)"
    r"[^,。;]{0,4}$"
)
_COUNT_PATTERNS = (
    re.compile(r"签约(?:项目)?(?:共|总计|合计)?(\d+|[一二两三四五六七八九十]+)个"),
    re.compile(
        r"(?<![第\d])(\d+|[一二两三四五六七八九十]+)个(?:重点|重大|优质|产业)?项目[^,。]{0,6}签约"
    ),
    re.compile(r"签约[^,。]{0,4}项目(?:共|总计|合计)?(\d+|[一二两三四五六七八九十]+)个"),
    re.compile(
        r"(?<![第\d])(\d+|[一二两三四五六七八九十]+)个(?:重点|重大|优质|产业)?项目(?:计划|预计|合计|共)?(?:总)?投资"
    ),
)
_FIELDS_RE = re.compile(
    r"(?:涉及|涵盖|覆盖|聚焦|包括)([^。;]{2,60}?)等(?:多个|细分|重点|相关)?(?:领域|方向|赛道)"
)
_PARTY_TRIM = re.compile(
    r"(?:等)?(?:\d+|[一二三四五六七八九十两几多]+)(?:家|个)(?:企业|机构|单位|项目|公司)?.*$"
)
_CLAUSE_RE = re.compile(r"[^,:]+")


_GENERIC_PARTIES = {"企业", "机构", "单位", "项目", "公司", "双方", "各方", "客商", "企业代表"}


def _split_parties(seg: str) -> list[str]:
    out = []
    seg = _PARTY_TRIM.sub("", seg)  # "…A、B等3家企业及机构达成…" ends at the count
    seg = re.split(r"达成|签约|签署|签订|共同|正式", seg)[0]
    for piece in re.split(r"、|和(?=[\u4e00-\u9fff]{2,}(?:有限|公司|集团|医疗|生物|药业))|及", seg):
        piece = _PARTY_TRIM.sub("", piece).strip()
        piece = re.sub(r"^(?:分别|还|也|共同|同)|(?:分别|还|也|共同|正式|集中|现场|等)$", "", piece)
        piece = re.sub(r"等$", "", piece)
        piece = re.sub(r"^.*\d+强", "", piece)
        if piece in _GENERIC_PARTIES:
            continue
        if 2 <= len(piece) <= 30 and re.fullmatch(r"[\u4e00-\u9fffA-Za-z0-9()]+", piece):
            out.append(piece)
    return out


def _subject(clause: str) -> str:
    """The noun phrase that starts a clause, cut at a stop word (钱塘区分别与… → 钱塘区)."""
    clause = re.sub(r"(?:分别|还|也|共同|正式|日前|近日|今天|当天|\d+日)+$", "", clause)
    start = _left_edge(clause, len(clause), 0)
    s = clause[start:]
    s = re.sub(r"^\d+月\d+日(?:上午|下午)?|^\d+日", "", s)
    return s


def _sign_parties(sentence: str, verb_at: int) -> list[str]:
    """Parties of the signing whose verb starts at ``verb_at`` in ``sentence``."""
    head = sentence[:verb_at]
    parties: list[str] = []
    # the clause holding the verb, plus earlier clauses joined by 与-lists
    clauses = list(_CLAUSE_RE.finditer(head))
    if not clauses or re.search(r"[,:]\s*$", head):
        return parties  # the verb opens its clause ("…,签约项目总额…"): no parties of its own
    clause = clauses[-1].group(0)
    k = clause.rfind("与")
    if k < 0:
        k = clause.rfind("同")
    if k >= 0:
        left, right = clause[:k], clause[k + 1 :]
        if left.strip():
            lefts = left.split("、")
            lefts[0] = _subject(lefts[0])
            parties += _split_parties("、".join(lefts))
        elif len(clauses) >= 2:
            # "…与A签署协议,与B签订意向书": the subject comes from an earlier clause
            for prev in reversed(clauses[:-1]):
                p = prev.group(0)
                j = p.find("与")
                if j > 0:
                    parties += _split_parties(_subject(p[:j]))
                    break
        parties += _split_parties(right)
    else:
        items = clause.split("、")
        if len(items) >= 2 or re.search(r"等(?:\d+|[一二三四五六七八九十两]+)(?:个|家)", clause):
            items[0] = _subject(items[0])
            parties += _split_parties("、".join(items))
    return [p for p in parties if not re.fullmatch(r"[\d.]+", p)]


def _amount_for(sentence: str, money: list[Money]) -> Money | None:
    for m in money:
        before = sentence[max(0, m.start - 12) : m.start]
        if _AMOUNT_KEYS.search(before):
            return m
    return None


def _count_for(sentence: str) -> int | None:
    for pat in _COUNT_PATTERNS:
        m = pat.search(sentence)
        if m:
            n = cn_int(m.group(1))
            if n is not None:
                return n
    return None


def _fields_for(sentence: str) -> tuple[str, ...]:
    m = _FIELDS_RE.search(sentence)
    if m is None:
        return ()
    out = []
    for p in re.split(r"[、和及与]", m.group(1)):
        p = p.strip()
        if 2 <= len(p) <= 12:
            out.append(p)
    return tuple(out)


def _short_region(loc_text: str) -> str:
    """重庆市璧山区 → 璧山区 (the district alone is how signings name the party)."""
    loc = places.prefix_location(loc_text)
    if loc is not None and loc.district and loc_text.endswith(loc.district):
        return loc.district
    return loc_text


def extract_signings(sents: list[Sentence], host_region: str | None) -> list[Signing]:
    """One record per sentence holding a signing verb with parties, an amount or a count."""
    out: list[Signing] = []
    for i, s in enumerate(sents):
        text = s.text
        verbs: list[re.Match[str]] = []
        for cand in _SIGN_VERB.finditer(text):
            follow = text[cand.end() : cand.end() + 4]
            if re.match(r"(?:仪式|设立仪式|活动|暨)", follow):
                continue  # "签约仪式在…举行": the ceremony, not the statement
            if (
                re.match(r"(?:企业|项目)", follow)
                and not _count_for(text)
                and "与" not in text[: cand.start()]
            ):
                continue  # "为签约企业提供…", "给予签约项目支持"
            verbs.append(cand)
        m = verbs[0] if verbs else None
        if m is None:
            fund = _fund_signing(sents, i)
            if fund is not None:
                out.append(fund)
            continue
        money = [
            Money(x.amount, x.currency, x.qualifier, x.text, x.start) for x in find_money(text)
        ]
        parties = []
        for k, v in enumerate(verbs):  # "与A签署协议,与B签订意向书": one record, all parties
            clause_start = max(text.rfind(",", 0, v.start()), text.rfind(":", 0, v.start())) + 1
            if k > 0 and "与" not in text[clause_start : v.start()]:
                continue
            parties += [p for p in _sign_parties(text, v.start()) if p not in parties]
        count = _count_for(text)
        amount = _amount_for(text, money)
        fields = _fields_for(text)
        nxt = sents[i + 1].text if i + 1 < len(sents) else ""
        if (amount is None or not fields) and nxt and not _SIGN_VERB.search(nxt):
            nmoney = find_money(nxt)
            if amount is None and re.match(
                r"^(?:项目|签约项目|此次签约项目|本次签约项目)?[^,。]{0,4}(?:总投资|投资总额|协议投资)",
                nxt,
            ):
                amount = _amount_for(nxt, nmoney)
            if not fields:
                fields = _fields_for(nxt)
        if not parties and (count is not None or amount is not None):
            # "签约项目12个,总投资…": the subject is the place named in the sentence or the host
            region: str | None = None
            for clause in re.split(r"[,:]", text[: m.start()]):
                head = re.sub(r"^(?:\d+月)?\d+日(?:上午|下午)?", "", clause.strip())
                found = region_in(head)
                if found is not None and head.startswith(found[0]):
                    region = found[0]
                    break
            for mm in re.finditer(
                r"([\u4e00-\u9fff]{2,12}?(?:新区|高新区|经开区|开发区|工业园区|区|县|市))",
                text[: m.start()],
            ):
                place = _subject(mm.group(1))
                if region is None and (
                    places.lookup(place) is not None or places.prefix_location(place) is not None
                ):
                    region = place
                    break
            m2 = re.search(r"落户([\u4e00-\u9fff]{2,8}?)(?:[,。]|$)", text)
            if region is None and m2:
                region = m2.group(1)
            if region is None:
                region = host_region
            if region:
                parties = [_short_region(region)]
        # "签约企业包括A、B、C等": the firms are listed in the next sentence
        lm = re.match(r"^(?:签约|入驻|落户)(?:企业|项目|单位)(?:包括|有|为)([^。;]+)", nxt)
        if lm and len(parties) <= 1:
            parties += [p for p in _split_parties(lm.group(1)) if p not in parties]
        if not parties:
            continue
        if amount is not None and amount.currency != "CNY":
            amount_yuan = None
        else:
            amount_yuan = amount.amount if amount is not None else None
        # de-duplicate parties, keep order
        seen: list[str] = []
        for p in parties:
            if p not in seen:
                seen.append(p)
        out.append(
            Signing(
                parties=tuple(seen),
                amount_yuan=amount_yuan,
                project_count=count,
                fields=fields,
                amount=amount,
                sentence=text,
                reason=f"句中含签约动词“{m.group(0)}”",
            )
        )
    return _merge(out)


_FUND_PARTIES = re.compile(r"由([^。;]{4,80}?)(?:共同|联合)(?:出资)?(?:设立|发起|组建)")
_FUND_SIZE = re.compile(r"(?:总规模|基金规模|规模为?)")


def _fund_signing(sents: list[Sentence], i: int) -> Signing | None:
    """A fund's signing ceremony ("基金签约设立仪式"): parties are its co-founders."""
    text = sents[i].text
    if not re.search(r"基金[^。]{0,6}签约", text):
        return None
    window = [s.text for s in sents[i : i + 3]]
    parties: list[str] = []
    amount: Money | None = None
    for w in window:
        pm = _FUND_PARTIES.search(w)
        if pm and not parties:
            parties = _split_parties(re.sub(r"和", "、", pm.group(1)))
        for mo in find_money(w):
            if amount is None and _FUND_SIZE.search(w[max(0, mo.start - 6) : mo.start]):
                amount = mo
    if not parties:
        return None
    return Signing(
        parties=tuple(parties),
        amount_yuan=amount.amount if amount is not None and amount.currency == "CNY" else None,
        project_count=None,
        amount=amount,
        sentence=text,
        reason="基金签约设立，出资方为签约主体",
    )


def _merge(items: list[Signing]) -> list[Signing]:
    """Drop a record whose parties are all inside another record with the same figures."""
    kept: list[Signing] = []
    for s in items:
        dup = False
        for k in kept:
            if (
                set(s.parties) <= set(k.parties)
                and s.amount_yuan in (None, k.amount_yuan)
                and s.project_count in (None, k.project_count)
            ):
                dup = True
                break
        if not dup:
            kept.append(s)
    return kept


# -------------------------------------------------------------------------------------- events
_EVENT_NOUNS = (
    ("推介会", "promotion"),
    ("推介活动", "promotion"),
    ("招商会", "promotion"),
    ("招商大会", "promotion"),
    ("说明会", "promotion"),
    ("对接会", "matchmaking"),
    ("签约仪式", "signing"),
    ("签约活动", "signing"),
    ("签约会", "signing"),
    ("集中签约", "signing"),
    ("设立仪式", "fund_launch"),
    ("开园", "opening"),
    ("揭牌", "opening"),
    ("座谈会", "symposium"),
    ("交流会", "matchmaking"),
    ("洽谈会", "matchmaking"),
    ("恳谈会", "matchmaking"),
    ("研讨会", "forum"),
    ("推进会", "conference"),
    ("交易会", "expo"),
    ("沙龙", "salon"),
    ("论坛", "forum"),
    ("峰会", "forum"),
    ("大会", "conference"),
    ("博览会", "expo"),
    ("发布会", "launch"),
    ("路演", "roadshow"),
)
_EVENT_NOUN_RE = re.compile("|".join(n for n, _ in _EVENT_NOUNS))
_HELD_RE = re.compile(r"举行|举办|召开|开幕|开园|设立|启动")
_VENUE_RE = re.compile(r"在([^,。;、]{1,24}?)(?:成功|隆重|正式)?(?:举行|举办|召开|开幕|设立|启动)")
_HOSTS_RE = re.compile(r"由([^。;]{2,80}?)(?:共同|联合)?(?:主办|举办|发起|指导|承办)")
_HOSTS2_RE = re.compile(r"(?:^|[,。])([^,。;]{2,80}?)(?:共同|联合)(?:主办|举办)")
_THEME_RE = re.compile(r"(?:以|围绕)“([^”]{2,40})”(?:为)?主题|“([^”]{2,40})”主题")
_ATTEND_RE = re.compile(
    r"(?:吸引|邀请|共有|来自)?[^,。]{0,30}?(?:近|约|超过|超)?(\d+|百)(?:余|多)?(?:家|名|位|人)"
    r"[^,。]{0,16}?(?:参会|参加|出席|到场|参与|齐聚)"
)


_DATELINE = re.compile(
    r"^(?:.{0,16}?\d{1,2}月\d{1,2}日电|本报讯|本报[^,。]{0,8}讯|据[^,。]{0,8}报道)\s*"
)


def _kind_of(text: str) -> str:
    for noun, kind in _EVENT_NOUNS:
        if noun in text:
            return kind
    return "event"


_ZONE_ANY = re.compile(
    r"([\u4e00-\u9fff]{2,10}?(?:" + "|".join(places.ZONE_SUFFIXES) + r"|区|县|市))"
)


def region_in(text: str) -> tuple[str, Location] | None:
    """The first place (district, zone or city) named in ``text``; at the start of the text the
    most specific reading wins (杭州市滨江区… → 滨江区)."""
    lead = places.prefix_location(text)
    if lead is not None and lead.district is not None:
        rest = text[len(lead.text) :]
        zone = re.match(r"[\u4e00-\u9fff]{0,6}?(?:" + "|".join(places.ZONE_SUFFIXES) + r")", rest)
        if zone is None:
            return lead.text, lead
    for m in _ZONE_ANY.finditer(text):
        cand = _subject(m.group(1))
        for k in range(len(cand) - 1):
            sub = cand[k:]
            loc = places.lookup(sub)
            if loc is not None:
                return sub, loc
            if k == 0:
                loc2 = places.prefix_location(sub)
                if loc2 is not None and loc2.city:
                    z = places.lookup(sub)
                    return sub, z or loc2
    hits = places.find_places(text)
    if hits:
        s, e, loc = hits[0]
        return text[s:e], loc
    return None


def _venue_location(venue: str) -> Location | None:
    v = venue.strip()
    if v in places.ABBREVIATIONS:
        return places.lookup(v)
    loc = places.prefix_location(v)
    if loc is not None:
        # refine with a zone/district named after the city (上海张江 stays 上海)
        z = region_in(v)
        if z is not None and z[1].city == loc.city and z[1].district:
            return z[1]
        return loc
    z = region_in(v)
    return z[1] if z is not None else None


def _names(seg: str) -> tuple[str, ...]:
    out = []
    for p in re.split(r"、|和|及|与|,", seg):
        p = re.sub(r"^(?:本次活动|活动|本次|会议|大会|推介会)", "", p.strip())
        if 3 <= len(p) <= 30:
            out.append(p)
    return tuple(out)


def extract_events(
    sents: list[Sentence], published: str | None, dl_month: int | None, title: str
) -> list[Event]:
    """The main event of the article (first sentence naming a gathering and where/when)."""
    for i, s in enumerate(sents):
        text = s.text
        nm = _EVENT_NOUN_RE.search(text)
        fund = re.search(r"基金[^。,]{0,20}(?:正式)?设立", text)
        if (nm is None and fund is None) or _HELD_RE.search(text) is None:
            continue
        if nm is None and fund is not None:
            nm = fund
        if "基金" in text and "设立" in text and "仪式" not in text:
            kind = "fund_launch"
        else:
            kind = _kind_of(text)
        window = text + (sents[i + 1].text if i + 1 < len(sents) else "")
        date = dates.resolve(_DATELINE.sub("", text), published, dl_month)
        if date is None and i > 0 and re.match(r"^[^,。]{0,12}(?:仪式|活动|大会|会议)", text):
            date = dates.resolve(sents[i - 1].text, published, dl_month)
        venue_m = _VENUE_RE.search(text)
        loc: Location | None = None
        venue = None
        if venue_m:
            venue = venue_m.group(1)
            loc = _venue_location(venue)
        noun_at = nm.start() if nm is not None else 0
        host = region_in(text[:noun_at]) if noun_at > 0 else None
        if loc is None and host is not None:
            loc = host[1]
        if loc is None:
            r = region_in(title)
            loc = r[1] if r else None
        if loc is None and date is None:
            continue
        hosts: tuple[str, ...] = ()
        hm = _HOSTS_RE.search(window) or _HOSTS2_RE.search(window)
        if hm:
            hosts = _names(hm.group(1))
        tm = _THEME_RE.search(window)
        theme = (tm.group(1) or tm.group(2)) if tm else None
        am = _ATTEND_RE.search(window)
        attendance = None
        if am:
            attendance = 100 if am.group(1) == "百" else int(am.group(1))
        if venue is not None:
            bare = places.prefix_location(venue)
            if places.lookup(venue) is not None or (bare is not None and bare.text == venue):
                venue = None  # a bare place is not a venue
        return [
            Event(
                kind=kind,
                date=date,
                city=loc.city if loc else None,
                district=loc.district if loc else None,
                venue=venue,
                hosts=hosts,
                theme=theme,
                attendance=attendance,
                sentence=text,
            )
        ]
    return _signing_as_event(sents, published, dl_month)


def _signing_as_event(
    sents: list[Sentence], published: str | None, dl_month: int | None
) -> list[Event]:
    """No gathering is named: a dated signing statement ("12月4日,A与B签署协议") is the event."""
    for s in sents:
        text = _DATELINE.sub("", s.text)
        if not _SIGN_VERB.search(text) or not re.match(r"^(?:\d{1,2}月)?\d{1,2}日", text):
            continue
        date = dates.resolve(text, published, dl_month)
        head = re.sub(r"^(?:\d{1,2}月)?\d{1,2}日(?:上午|下午)?,?", "", text)
        found = region_in(head.split("与")[0]) if "与" in head else None
        loc = found[1] if found else None
        if date is None and loc is None:
            continue
        return [
            Event(
                kind="signing",
                date=date,
                city=loc.city if loc else None,
                district=loc.district if loc else None,
                venue=None,
                sentence=s.text,
            )
        ]
    return []


# ------------------------------------------------------------------------------------- metrics
_METRIC_RE = re.compile(
    r"(?P<pre>近|约|超过|超|逾|达到|达|突破|已达|总数已达)?"
    r"(?P<num>\d+(?:\.\d+)?|[一二两三四五六七八九十百千]+)(?P<mul>万|亿)?(?P<extra>余|多)?"
    r"(?P<unit>平方公里|万平方米|平方米|家|个|位|名|人|栋|条|项|届|亩|所|剂|张|%)"
)


def extract_metrics(sents: list[Sentence], money: list[Money]) -> list[Metric]:
    """Counted quantities, percentages and (CNY) money figures with a short subject."""
    out: list[Metric] = []
    for s in sents:
        text = s.text
        for m in _METRIC_RE.finditer(text):
            num = m.group("num")
            if m.start() > 0 and text[m.start() - 1] in "第":
                continue
            if num in ("一", "两") or text.startswith("两位数", m.start()):
                continue  # "一个/一位/两个活动" are articles, not counts
            v: float | None
            if re.fullmatch(r"[\d.]+", num):
                v = float(num)
            else:
                iv = cn_int(num)
                v = float(iv) if iv is not None else (100.0 if num == "百" else None)
            if v is None:
                continue
            mul = m.group("mul")
            if mul == "万":
                v *= 1e4
            elif mul == "亿":
                v *= 1e8
            unit = m.group("unit")
            if unit == "万平方米":
                v, unit = v * 1e4, "平方米"
            subj = _metric_subject(text[: m.start()])
            if not subj:  # "12家参展企业代表": the counted noun follows the number
                subj = re.split(r"[,。;:、围就在对与将的]", text[m.end() :])[0][:8]
            out.append(Metric(round(v, 4), unit, subj))
        for mo in find_money(text):
            if mo.currency == "CNY":
                out.append(Metric(mo.amount, "元", _metric_subject(text[: mo.start])))
    return out


def _metric_subject(before: str) -> str:
    seg = re.split(r"[,。;:、]", before)[-1]
    seg = re.sub(r"(?:近|约|超过|超|逾|达到|达|突破|已达|为|有|共|累计|已)+$", "", seg)
    seg = re.sub(r"^.*?\d{4}年(?:\d{1,2}月)?", "", seg) if re.search(r"\d{4}年", seg) else seg
    seg = seg[-12:]
    return re.sub(r"^[\d.]+", "", seg)
