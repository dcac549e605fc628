"""Publication dates and event dates resolved against them.

Rules rather than jionlp.parse_time: the patterns in news datelines are few and fixed, the rule
is 100x faster, and jionlp resolves a bare "9月26日" against *today* when no base is given,
which would invent years; here a date without a year stays ``None`` unless a publication date
supplies the year.
"""

from __future__ import annotations

import datetime as dt
import re

_FULL = re.compile(r"(20\d{2}|19\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_MONTH_DAY = re.compile(r"(?<![\d年.-])(\d{1,2})月(\d{1,2})日")
# a bare day ("27日通过线上方式举行", "11日迎来…"), not a dateline ("27日电") or a deadline
_DAY_ONLY = re.compile(
    r"(?<![\d月年.-])(\d{1,2})日(?:上午|下午|晚|晚间|晚上)?(?=[\u4e00-\u9fff,、(])(?![电讯报止前后起])"
)
_CN_NUM = "〇零一二两三四五六七八九十"
_CN_DATE = re.compile(
    r"(?:([" + _CN_NUM + r"]{4})年)?(?:([" + _CN_NUM + r"]{1,3})月)?([" + _CN_NUM + r"]{1,3})日"
)
# "北医大今天与…签署": the word may follow the subject's name; not "如今天", "至今日", "截到今天",
# nor "记者昨天从…获悉" (when it was reported, not held)
_RELATIVE = re.compile(r"(?<![如至迄到于於截者])(昨日|昨天|今日|今天|前日|前天)(?!\s*[(（]\s*\d)")
_RELATIVE_DAYS = {"昨日": -1, "昨天": -1, "今日": 0, "今天": 0, "前日": -2, "前天": -2}


def _cn_value(s: str) -> int | None:
    digits = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "两": 2}
    if len(s) == 4 and all(c in digits for c in s):
        return int("".join(str(digits[c]) for c in s))  # 二〇一九 → 2019
    total, cur = 0, 0
    for c in s:
        if c == "十":
            total += (cur or 1) * 10
            cur = 0
        elif c in digits:
            cur = digits[c]
        else:
            return None
    return total + cur or None


def normalise(text: str) -> str:
    """Dates written in words or slips as digits: 六月十九日 → 6月19日, 8曰 → 8日 (an OCR slip),
    昨(29)日 → 29日 (Taiwanese press), 今日(9日) → 9日."""
    text = re.sub(r"(?<=\d)曰", "日", text)
    text = re.sub(r"[昨今前]\s*[(（]\s*(\d{1,2})\s*[)）]\s*日", r"\1日", text)
    text = re.sub(r"(?:今日|今天|昨日|昨天)\s*[(（]\s*(\d{1,2})日\s*[)）]", r"\1日", text)

    def cn(m: re.Match[str]) -> str:
        y = _cn_value(m.group(1)) if m.group(1) else None
        mo = _cn_value(m.group(2)) if m.group(2) else None
        d = _cn_value(m.group(3))
        if d is None or d > 31 or (mo is not None and mo > 12):
            return m.group(0)
        if mo is None and len(m.group(3)) == 1 and m.group(3) not in "十":
            return m.group(0)  # 一日, 三日 alone are too often not dates
        out = f"{y}年" if y else ""
        out += f"{mo}月" if mo else ""
        return out + f"{d}日"

    return _CN_DATE.sub(cn, text)


def relative(text: str, published: str | None) -> str | None:
    """The date a relative word gives (昨日 → the day before the publication date)."""
    if published is None:
        return None
    m = _RELATIVE.search(text)
    if m is None:
        return None
    day = dt.date.fromisoformat(published) + dt.timedelta(days=_RELATIVE_DAYS[m.group(1)])
    return day.isoformat()


def _valid(y: int, m: int, d: int) -> str | None:
    try:
        return dt.date(y, m, d).isoformat()
    except ValueError:
        return None


def publication_date(head: str, fallback: str | None = None, max_lines: int = 8) -> str | None:
    """First full date (year-month-day) in the article head: title, dateline, source line."""
    for line in head.split("\n")[:max_lines]:
        m = _FULL.search(line)
        if m:
            iso = _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            if iso:
                return iso
    if fallback:
        m = _FULL.search(fallback)
        if m:
            return _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    return None


def dateline_month(head: str) -> int | None:
    """Month of a "中新网某地5月6日电" style dateline (no year)."""
    m = re.search(r"(\d{1,2})月(\d{1,2})日电", normalise(head))
    return int(m.group(1)) if m else None


def resolve(text: str, published: str | None, dateline_month_: int | None = None) -> str | None:
    """The first date in ``text`` as YYYY-MM-DD, using the publication year when none is given.

    A month later than the publication month belongs to the previous year.  Without a
    publication date a date lacking its year is unknown (``None``).
    """
    m = _FULL.search(text)
    if m:
        return _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if published is None:
        return None
    pub = dt.date.fromisoformat(published)
    md = _MONTH_DAY.search(text)
    if md:
        month, day = int(md.group(1)), int(md.group(2))
        year = pub.year - 1 if month > pub.month + 1 else pub.year
        return _valid(year, month, day)
    d = _DAY_ONLY.search(text)
    if d:
        day = int(d.group(1))
        month = dateline_month_ or pub.month
        year = pub.year
        if day > pub.day and month == pub.month:
            month -= 1
            if month == 0:
                month, year = 12, year - 1
        return _valid(year, month, day)
    return None
