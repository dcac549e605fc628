"""Money amounts: span finding by rule, value parsing by jionlp.

jionlp's own ``extract_money`` mis-segments lists such as "1.5亿美元，超1200亿元" (one span
swallowing both), so spans are found here with one regular expression and only the number part
is handed to ``jionlp.parse_money`` (fast: ~50 µs per amount).  Qualifiers come from the words in
front of and behind the number: 近/约/大约/左右 → approx; 超/超过/逾/突破/余/多/以上 → over.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ._jio import quiet_jionlp
from .records import Money

_CURRENCIES = {
    "美元": "USD",
    "欧元": "EUR",
    "港元": "HKD",
    "港币": "HKD",
    "日元": "JPY",
    "英镑": "GBP",
    "人民币": "CNY",
    "元": "CNY",
}
_NUM = r"(?:\d+(?:,\d{3})*(?:\.\d+)?|[零一二三四五六七八九十两百千]+)"
_MONEY_RE = re.compile(
    r"(?P<pre>近|约|大约|超过|超|逾|突破|达到|达|共计|合计|总计|累计)?"
    r"(?P<num>" + _NUM + r"(?:\.\d+)?)"
    r"(?P<mul>万亿|千亿|百亿|十亿|亿|千万|百万|十万|万|千)?"
    r"(?P<extra>多|余)?"
    r"(?P<mul2>万亿|亿|万)?"
    r"(?P<cur>人民币|美元|欧元|港元|港币|日元|英镑|元)"
    r"(?P<post>以上|左右)?"
)
_BARE_MUL = re.compile(
    r"(?P<pre>近|约|超过|超|逾|突破|达到|达)?(?P<mul>万亿|百亿|千亿|十亿)(?P<cur>元|美元)"
    r"(?!级|产业|集群|规模|量级)"
)
# "10亿元以上项目", "亿元级": a size class, not an amount
_CLASS_AFTER = re.compile(r"(?:的)?(?:项目|企业|大项目)")
_CN_DECIMAL = re.compile(r"([一二两三四五六七八九十]+)点([〇零一二三四五六七八九]+)(?=[万亿])")
_TAIWAN = re.compile(r"台北|新竹|台中|台南|高雄|桃园|国科会|行政院|民国|新台币|台币")


@lru_cache(maxsize=1)
def _jionlp() -> Any:
    return quiet_jionlp()


def _value(text: str) -> float | None:
    try:
        res = _jionlp().parse_money(text)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        # jionlp raises plain errors on odd input: the text holds no amount we can read.
        return None
    num = res.get("num") if isinstance(res, dict) else None
    if isinstance(num, list):
        num = num[0]
    try:
        return float(num) if num is not None else None
    except (TypeError, ValueError):
        return None


def qualifier_of(pre: str | None, extra: str | None, post: str | None) -> str:
    """Map Chinese hedges to exact | approx | over."""
    if pre in ("近", "约", "大约") or post == "左右":
        return "approx"
    if pre in ("超", "超过", "逾", "突破") or extra in ("多", "余") or post == "以上":
        return "over"
    return "exact"


def _cn_decimal(m: re.Match[str]) -> str:
    digits = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0", "两": "2"}
    head = m.group(1)
    if head == "十":
        whole = "10"
    elif head.startswith("十"):
        whole = "1" + digits.get(head[1:], "0")
    elif head.endswith("十"):
        whole = digits.get(head[0], "0") + "0"
    elif "十" in head:
        whole = digits[head[0]] + digits[head[-1]]
    else:
        whole = "".join(digits.get(c, "") for c in head)
    return whole + "." + "".join(digits[c] for c in m.group(2))


def local_currency(text: str) -> str:
    """The currency a bare 元 means: New Taiwan dollars in a report from Taiwan (Taiwanese
    places and institutions, no 人民币), yuan elsewhere."""
    if "人民币" in text:
        return "CNY"
    return "TWD" if len(_TAIWAN.findall(text)) >= 2 else "CNY"


def find_money(text: str, yuan: str = "CNY") -> list[Money]:
    """All money amounts in ``text`` in order of appearance (not de-duplicated); a bare 元 is
    read as ``yuan`` (CNY, or TWD in a report from Taiwan)."""
    out: list[Money] = []
    if "点" in text:
        text = _CN_DECIMAL.sub(lambda m: _cn_decimal(m).ljust(len(m.group(0))), text)
    for m in _MONEY_RE.finditer(text):
        num = m.group("num")
        if re.fullmatch(r"[零一二三四五六七八九十两百千]+", num) and not m.group("mul"):
            continue  # "三元" etc. are not amounts worth reporting
        cur = _CURRENCIES[m.group("cur")]
        if cur == "CNY" and m.group("cur") == "元":
            before = text[max(0, m.start() - 3) : m.start()]
            cur = "TWD" if re.search(r"台币|新台币", before) else yuan
        if (m.group("post") == "以上" and _CLASS_AFTER.match(text, m.end())) or text.startswith(
            "级", m.end()
        ):
            continue  # "10亿元以上项目", "百亿元级": a size class, not an amount
        mul = (m.group("mul") or "") + (m.group("mul2") or "")
        if not mul and cur == "CNY" and "," not in num and float(_safe(num)) < 10000:
            continue  # small bare yuan figures (prices) are noise for investment news
        expr = num + mul + ("元" if cur == "CNY" else m.group("cur"))
        value = _value(expr)
        if value is None or value <= 0:
            continue
        q = qualifier_of(m.group("pre"), m.group("extra"), m.group("post"))
        out.append(Money(value, cur, q, m.group(0), m.start()))
    for m in _BARE_MUL.finditer(text):
        if any(x.start <= m.start() < x.start + len(x.text) for x in out):
            continue
        value = _value(m.group("mul") + m.group("cur"))
        if value is None:
            continue
        cur = _CURRENCIES[m.group("cur")]
        if cur == "CNY":
            cur = yuan
        q = qualifier_of(m.group("pre"), None, None)
        out.append(Money(value, cur, q, m.group(0), m.start()))
    out.sort(key=lambda x: x.start)
    return out


def _safe(num: str) -> float:
    try:
        return float(num.replace(",", ""))
    except ValueError:
        return 1e9


def dedupe(items: list[Money]) -> list[Money]:
    """One entry per (currency, value); the first mention wins."""
    seen: list[Money] = []
    for m in items:
        if any(
            m.currency == s.currency and abs(m.amount - s.amount) <= 1e-6 * s.amount for s in seen
        ):
            continue
        seen.append(m)
    return seen
