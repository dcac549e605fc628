"""Signings, events and metrics from cleaned, Simplified article text.

All rules work on sentences (split on 。!?; and line breaks) of the body only: the title and the
dateline are used for the publication date and as a fallback for the host region, never as a
source of facts of their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import dates, places
from .money import find_money, qualifier_of
from .orgs import _left_edge
from .records import Event, Location, Metric, Money


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


def _subject(clause: str) -> str:
    """The noun phrase that starts a clause, cut at a stop word (钱塘区分别与… → 钱塘区)."""
    clause = re.sub(r"(?:分别|还|也|共同|正式|日前|近日|今天|当天|\d+日)+$", "", clause)
    start = _left_edge(clause, len(clause), 0)
    s = clause[start:]
    s = re.sub(r"^\d+月\d+日(?:上午|下午)?|^\d+日", "", s)
    return s


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
    ("开工", "groundbreaking"),
    ("奠基", "groundbreaking"),
    ("封顶", "construction"),
    ("竣工", "construction"),
    ("投产", "construction"),
    ("调研", "visit"),
    ("考察", "visit"),
    ("走访", "visit"),
)
_EVENT_NOUN_RE = re.compile("|".join(n for n, _ in _EVENT_NOUNS))
_HELD_RE = re.compile(r"举行|举办|召开|开幕|开园|设立|启动")
_VENUE_RE = re.compile(
    r"在([^,。;、与和]{1,24}?)(?:成功|隆重|正式|集中|现场)?"
    r"(?:举行|举办|召开|开幕|设立|启动|签署|签订|签约|揭牌|开工|开园)"
)
_HOSTS_RE = re.compile(r"由([^。;]{2,80}?)(?:共同|联合)?(?:主办|举办|发起|指导|承办)")
_HOSTS2_RE = re.compile(r"(?:^|[,。])([^,。;]{2,80}?)(?:共同|联合)(?:主办|举办)")
_THEME_RE = re.compile(r"(?:以|围绕)“([^”]{2,40})”(?:为)?主题|“([^”]{2,40})”主题")
_ATTEND_RE = re.compile(
    r"(?:吸引|邀请|共有|来自)?[^,。]{0,30}?(?:近|约|超过|超)?(\d+|百)(?:余|多)?(?:家|名|位|人)"
    r"[^,。]{0,16}?(?:参会|参加|出席|到场|参与|齐聚)"
)


_DATELINE = re.compile(
    r"^(?:.{0,16}?\d{1,2}月\d{1,2}日(?:电|讯|消息)|.{0,16}?\d{1,2}日电|本报讯|本报[^,。]{0,8}讯|"
    r"据[^,。]{0,8}报道|[^,。]{2,12}网讯|[^,。]{2,10}日报讯)\s*"
)


def _kind_of(text: str) -> str:
    for noun, kind in _EVENT_NOUNS:
        if noun in text:
            return kind
    if _SIGN_VERB.search(text):
        return "signing"
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
    for s, e, loc in places.find_places(text):
        if e - s == 2 and loc.district is not None and _ordinary_word(text[s:e]):
            continue  # 合作 (合作市), 兴业 (兴业县), 太湖 (太湖县): first of all ordinary words
        return text[s:e], loc
    return None


def _ordinary_word(word: str) -> bool:
    """A frequent jieba word that jieba does not tag as a place or name."""
    from .orgs import _jieba, pos_tag

    if int(_jieba().dt.FREQ.get(word, 0)) < 50:
        return False
    return pos_tag(word) not in ("ns", "nr", "nrt", "nz")


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


_HELD_ANY = re.compile(
    r"举行|举办|召开|开幕|拉开帷幕|启动|启用|揭牌|开工|开园|落成|闭幕|亮相|宣布|揭晓|开展|"
    r"签约|签署|签订|成立|设立|上线|发布|封顶|竣工|奠基|投产|开业|调研|考察|走访|来到|参观|"
    r"迎来|通过线上|路演|开班|授牌"
)
_EVENT_WORD = re.compile(
    "|".join(n for n, _ in _EVENT_NOUNS) + r"|仪式|会议|活动|展会|博览|周$|推介|宣介会|记者会"
)
_YEAR_IN_NAME = re.compile(
    r"(?<!\d)(20\d{2}|19\d{2})(?:年)?(?=[^\d年月日]{0,3}[\u4e00-\u9fff“《(])"
)
_RANGE_START = re.compile(r"(\d{1,2}月)?(\d{1,2})日\s*(?:至|到|-|—|~)\s*(?:\d{1,2}月)?\d{1,2}日")
_TODAY = re.compile(r"(?:今日|今天|昨日|昨天)\s*[(（]\s*(\d{1,2})日\s*[)）]")


_REPORTED = re.compile(
    r"记者(?:\d{1,2}月)?\d{1,2}日(?=(?:从|在|于|向)?[^,。]{0,24}?(?:获悉|了解到|得知|采访))"
)


def _event_date(
    text: str, published: str | None, dl_month: int | None, year_hint: int | None
) -> str | None:
    """The date a sentence gives for what it reports (first date; a range gives its start)."""
    t = _DATELINE.sub("", dates.normalise(text))
    t = _REPORTED.sub("记者", t)  # "记者10月29日从有关方面获悉": when it was reported, not held
    t = _TODAY.sub(lambda m: m.group(1) + "日", t)
    t = _RANGE_START.sub(lambda m: (m.group(1) or "") + m.group(2) + "日", t)
    date = dates.resolve(t, published, dl_month)
    if date is None and published is None and year_hint is not None:
        date = dates.resolve(t, f"{year_hint}-12-31", None)
    if date is None:
        date = dates.relative(t, published)
    return date


_MONTH_DAY_KEY = re.compile(r"(?<![\d年.-])\d{1,2}月\d{1,2}日")


def extract_events(
    sents: list[Sentence], published: str | None, dl_month: int | None, title: str
) -> list[Event]:
    """Every gathering the article reports: a dated sentence that names one being held (a
    conference, a signing, a roadshow, a launch) is an event; several dates give several events.
    When no sentence carries a date, the first sentence naming a gathering gives a dateless event
    (for its city)."""
    out: list[Event] = []
    spans: list[str | None] = []
    supported: set[str] = set()  # days a sentence names on their own, not as a range's start
    seen_dates: set[str] = set()
    seen_days: set[str] = set()
    yearless: list[Event] = []  # dated by month and day only, the page giving no year
    undated: Event | None = None
    for i, s in enumerate(sents):
        text = s.text
        held = _HELD_ANY.search(text)
        noun = _EVENT_WORD.search(text)
        if held is None and noun is None:
            continue
        ym = _YEAR_IN_NAME.search(text)
        year_hint = int(ym.group(1)) if ym else None
        date = _event_date(text, published, dl_month, year_hint)
        if (
            date is None
            and held is not None
            and i > 0
            and re.match(r"^[^,。]{0,14}(?:仪式|活动|大会|会议|推介会)", text)
        ):
            date = _event_date(sents[i - 1].text, published, dl_month, year_hint)
        if date is not None and published is not None and not _recent(date, published):
            continue  # a past milestone mentioned in passing, not the reported event
        md = None
        if date is None and published is None:
            md = _MONTH_DAY_KEY.search(dates.normalise(_DATELINE.sub("", text)))
        if date is None and (held is None or noun is None) and (md is None or held is None):
            continue
        ev = _event_from(sents, i, noun, title)
        if ev is None:
            continue
        ev = Event(
            kind=ev.kind,
            date=date,
            city=ev.city,
            district=ev.district,
            venue=ev.venue,
            hosts=ev.hosts,
            theme=ev.theme,
            attendance=ev.attendance,
            sentence=text,
            position=s.start,
        )
        if date is None:
            if md is not None:
                # no year to resolve "8月27日" but a day of its own: a gathering of its own
                if md.group(0) not in seen_days:
                    seen_days.add(md.group(0))
                    yearless.append(ev)
            elif undated is None and not out:
                undated = ev
            continue
        end = _range_days(text, date)
        if end is None:
            supported.add(date)
        if date in seen_dates:
            continue
        seen_dates.add(date)
        out.append(ev)
        spans.append(end)
    # "6月9日至12日,大会连续举办…": the span of a gathering whose own day is reported too
    dated = [e.date for e in out if e.date]
    out = [
        e
        for e, end in zip(out, spans, strict=True)
        if not (
            end
            and e.date
            and e.date not in supported
            and any(d != e.date and e.date <= d <= end for d in dated)
        )
    ]
    if out:
        return out
    if yearless:
        return yearless
    if undated is not None:
        return [undated]
    return _signing_as_event(sents, published, dl_month)


def _range_days(text: str, start: str) -> str | None:
    """The last day of a date range the sentence opens with ("6月9日至12日" → its 12th)."""
    m = re.search(
        r"(?:(\d{1,2})月)?(\d{1,2})日\s*(?:至|到|-|—|~)\s*(?:(\d{1,2})月)?(\d{1,2})日",
        dates.normalise(text),
    )
    if m is None:
        return None
    import datetime as dt

    d0 = dt.date.fromisoformat(start)
    month = int(m.group(3)) if m.group(3) else d0.month
    try:
        end = dt.date(d0.year, month, int(m.group(4)))
    except ValueError:
        return None
    return end.isoformat() if end >= d0 else None


def _recent(date: str, published: str) -> bool:
    """An event reported by an article happened at most 120 days before it; one it announces
    (a final "9月5日在苏州举行") at most 60 days after."""
    import datetime as dt

    d = dt.date.fromisoformat(date)
    p = dt.date.fromisoformat(published)
    return -120 <= (d - p).days <= 60


def _event_from(
    sents: list[Sentence], i: int, noun: re.Match[str] | None, title: str
) -> Event | None:
    """Kind, place, venue, hosts, theme and attendance of the gathering in sentence ``i``."""
    text = sents[i].text
    if "基金" in text and "设立" in text and "仪式" not in text:
        kind = "fund_launch"
    else:
        kind = _kind_of(text)
    window = text + (sents[i + 1].text if i + 1 < len(sents) else "")
    venue_m = _VENUE_RE.search(text)
    loc: Location | None = None
    venue = None
    if venue_m:
        venue = venue_m.group(1)
        loc = _venue_location(venue)
    noun_at = noun.start() if noun is not None else len(text)
    host = region_in(text[:noun_at]) if noun_at > 0 else None
    if loc is None and host is not None:
        loc = host[1]
    if loc is None:
        r = region_in(text)
        loc = r[1] if r else None
    if loc is None:
        r = region_in(title)
        loc = r[1] if r else None
    if loc is None or loc.city is None:
        # a headline's "在汉开幕", "赴沪推介": the one-character name of the city
        am = re.search(
            r"[在赴来到]([" + "".join(places.ABBREVIATIONS) + r"])[举办开召推签]", title + text
        )
        if am is not None:
            loc = places.lookup(am.group(1)) or loc
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
    return Event(
        kind=kind,
        date=None,
        city=loc.city if loc else None,
        district=loc.district if loc else None,
        venue=venue,
        hosts=hosts,
        theme=theme,
        attendance=attendance,
        sentence=text,
    )


def _signing_as_event(
    sents: list[Sentence], published: str | None, dl_month: int | None
) -> list[Event]:
    """No gathering is named: a dated signing statement ("12月4日,A与B签署协议") is the event."""
    for s in sents:
        text = _DATELINE.sub("", dates.normalise(s.text))
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
    r"(?P<post>以上|左右)?"
)


def extract_metrics(sents: list[Sentence], money: list[Money]) -> list[Metric]:
    """Counted quantities, percentages and (CNY) money figures with a short subject.

    Qualifiers are kept (60余家 is "at least 60", 约30万平方米 "about"); a sentence repeated
    word for word (a paragraph printed twice) yields its figures once, and the same figure with
    the same subject is reported once.
    """
    out: list[Metric] = []
    seen_sentences: set[str] = set()
    seen: set[tuple[float, str, str]] = set()

    def add(metric: Metric) -> None:
        key = (metric.value, metric.unit, metric.subject)
        if key not in seen:
            seen.add(key)
            out.append(metric)

    for s in sents:
        text = s.text
        if text.strip() in seen_sentences:
            continue
        seen_sentences.add(text.strip())
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
                subj = _words_upto(re.split(r"[,。;:、围就在对与将的]", text[m.end() :])[0], 8)
            q = qualifier_of(m.group("pre"), m.group("extra"), m.group("post"))
            add(Metric(round(v, 4), unit, subj, q))
        for mo in find_money(text):
            if mo.currency == "CNY":
                add(Metric(mo.amount, "元", _metric_subject(text[: mo.start]), mo.qualifier))
    return out


def _words_upto(text: str, limit: int, *, from_end: bool = False) -> str:
    """At most ``limit`` characters of ``text`` made of whole words (never cut mid-word)."""
    import rjieba

    words = rjieba.cut(text, hmm=False)
    out: list[str] = []
    size = 0
    for w in reversed(words) if from_end else words:
        if size + len(w) > limit:
            break
        out.append(w)
        size += len(w)
    return "".join(reversed(out) if from_end else out)


def _metric_subject(before: str) -> str:
    seg = re.split(r"[,。;:、]", before)[-1]
    seg = re.sub(r"(?:近|约|超过|超|逾|达到|达|突破|已达|为|有|共|累计|已)+$", "", seg)
    seg = re.sub(r"^.*?\d{4}年(?:\d{1,2}月)?", "", seg) if re.search(r"\d{4}年", seg) else seg
    seg = _words_upto(seg, 12, from_end=True)
    return re.sub(r"^[\d.]+", "", seg)
