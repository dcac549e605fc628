"""An investor match's lines in the page's language.

The shortlist stores each line as the engine words it, in Chinese (``✓ 投资阶段含A轮``,
``✗ 单笔投资额度500万元至2000万元，不足本轮1亿元的30%（领投所需）``); stored rows of every age
keep that text. On an English page each line is read back into its parts by the pattern of the
sentence that wrote it (:data:`PATTERNS`, one per sentence of ``capital.engine.shortlist`` and of
the portfolio reading) and worded in English: vocabulary labels from the vocabulary's own English
label, amounts in M/B yuan. A line no pattern reads is shown as stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from django.utils.translation import get_language

from yiqiao.vocab import CURRENCY, INSTRUMENT, REGION, SECTOR, STAGE
from yiqiao.vocab.terms import Vocabulary


@lru_cache(maxsize=1)
def _english_labels() -> dict[str, str]:
    out: dict[str, str] = {}
    vocabularies: tuple[Vocabulary, ...] = (STAGE, SECTOR, INSTRUMENT, CURRENCY, REGION)
    for vocab in vocabularies:
        for term in vocab:
            out.setdefault(term.zh, term.en)
    return out


def _label(text: str) -> str:
    return _english_labels().get(text, text)


def _labels(text: str) -> str:
    """``A轮、B轮`` → ``Series A, Series B`` (each label through the vocabularies)."""
    return ", ".join(_label(part) for part in text.split("、"))


def _round(text: str) -> str:
    """A round as a label (``A轮``) or as its code (``A``, the portfolio's holdings)."""
    return STAGE.label(text, "en") if text in STAGE else _label(text)


_MONEY = re.compile(r"^(?P<n>-?\d+(?:\.\d+)?)(?P<scale>亿|万)?元$")


def _money(text: str) -> str:
    """``1.5亿元`` → ``150M yuan``, ``3000万元`` → ``30M yuan``, ``80万元`` → ``0.8M yuan``."""
    if text == "不限":
        return "no limit"
    if text == "未知":
        return "unknown"
    match = _MONEY.match(text)
    if match is None:
        return text
    try:
        value = Decimal(match.group("n"))
    except InvalidOperation:
        return text
    value *= {"亿": Decimal(100_000_000), "万": Decimal(10_000), None: Decimal(1)}[
        match.group("scale")
    ]
    if abs(value) >= Decimal(1_000_000_000):
        return f"{(value / Decimal(1_000_000_000)).normalize():f}B yuan"
    if abs(value) >= Decimal(1_000_000):
        return f"{(value / Decimal(1_000_000)).normalize():f}M yuan"
    return f"{value.normalize():,f} yuan"


_PART = {"领投": "lead", "跟投": "follow-on", "参投": "participating"}
_WHEN = re.compile(r"^(?P<y>\d{4})年$")


def _when(text: str) -> str:
    if text == "年份不详":
        return "year unknown"
    match = _WHEN.match(text)
    return match.group("y") if match else text


def _held_round(text: str) -> str:
    return "round unknown" if text == "轮次不详" else _round(text)


def _span(lo: str, hi: str) -> str:
    if lo == "不限":
        return f"Ticket up to {_money(hi)}"
    if hi == "不限":
        return f"Ticket from {_money(lo)}"
    return f"Ticket {_money(lo)} to {_money(hi)}"


Words = Callable[[dict[str, str]], str]
M = r"(?P<mark>[✓✗?]) "
SPAN = r"单笔投资额度(?P<lo>.+?)至(?P<hi>.+?)"

#: (pattern of a stored Chinese line, its English wording from the captured parts)
PATTERNS: tuple[tuple[str, Words], ...] = (
    # stages
    (r"\? 未标明投资阶段（本轮为(?P<r>.+)）", lambda g: f"? Stages not stated (this round: {_round(g['r'])})"),
    (r"✓ 投资阶段含(?P<r>.+)", lambda g: f"✓ Invests at {_round(g['r'])}"),
    (r"✗ 投资阶段为(?P<s>.*)，不含(?P<r>.+)", lambda g: f"✗ Invests at {_labels(g['s'])}, not {_round(g['r'])}"),
    # sectors
    (r"\? 未标明关注领域（本轮领域：(?P<w>.*)）", lambda g: f"? Sectors not stated (this round: {_labels(g['w'])})"),
    (r"✓ 关注领域覆盖(?P<s>.*)", lambda g: f"✓ Sectors cover {_labels(g['s'])}"),
    (r"✗ 关注领域为(?P<s>.*)等，不含(?P<w>.*)", lambda g: f"✗ Sectors are {_labels(g['s'])} etc., not {_labels(g['w'])}"),
    # ticket
    (r"\? 未公示单笔投资额度（本轮(?P<a>.+)）", lambda g: f"? Ticket size not published (round of {_money(g['a'])})"),
    (r"✗ " + SPAN + r"，起投额高于本轮(?P<a>[^的]+)的(?P<p>\d+)%（(?P<part>.+)上限）",
     lambda g: f"✗ {_span(g['lo'], g['hi'])}: the minimum is above {g['p']}% of the {_money(g['a'])} round (the {_PART.get(g['part'], g['part'])} cap)"),
    (r"✗ " + SPAN + r"，起投额高于本轮(?P<a>.+)",
     lambda g: f"✗ {_span(g['lo'], g['hi'])}: the minimum is above the {_money(g['a'])} round"),
    (r"✗ " + SPAN + r"，不足本轮(?P<a>.+)（需一家全额提供）",
     lambda g: f"✗ {_span(g['lo'], g['hi'])}: short of the {_money(g['a'])} round (one investor must provide it all)"),
    (r"✗ " + SPAN + r"，不足本轮(?P<a>[^的]+)的(?P<p>\d+)%（(?P<part>.+)所需）",
     lambda g: f"✗ {_span(g['lo'], g['hi'])}: below {g['p']}% of the {_money(g['a'])} round (needed to take part as {_PART.get(g['part'], g['part'])})"),
    (r"\? " + SPAN + r"，(?P<which>起投额|上限)未登记（本轮(?P<a>.+)）",
     lambda g: f"? {_span(g['lo'], g['hi'])}: {'minimum' if g['which'] == '起投额' else 'maximum'} not recorded (round of {_money(g['a'])})"),
    (r"✓ " + SPAN + r"，最多可占本轮约(?P<p>\d+)%",
     lambda g: f"✓ {_span(g['lo'], g['hi'])}: can take up to about {g['p']}% of the round"),
    # instruments
    (r"\? 未登记资金形式（本轮寻求(?P<w>.*)）", lambda g: f"? Instruments not recorded (this round seeks {_labels(g['w'])})"),
    (r"✓ 资金形式含(?P<w>.*)", lambda g: f"✓ Instruments include {_labels(g['w'])}"),
    (r"✗ 资金形式为(?P<h>.*)，不含(?P<w>.*)", lambda g: f"✗ Instruments are {_labels(g['h'])}, not {_labels(g['w'])}"),
    # preferences
    (M + r"可担任领投（本轮寻求领投方，优先）", lambda g: f"{g['mark']} Can lead (this round seeks a lead; preferred)"),
    (M + r"通常不担任领投（本轮寻求领投方，优先）", lambda g: f"{g['mark']} Usually does not lead (this round seeks a lead; preferred)"),
    (M + r"未标明能否领投（本轮寻求领投方，优先）", lambda g: f"{g['mark']} Not stated whether it leads (this round seeks a lead; preferred)"),
    (M + r"可投(?P<c>.+)（本轮以(?P<c2>.+)计，优先）", lambda g: f"{g['mark']} Invests in {_label(g['c'])} (this round is in {_label(g['c2'])}; preferred)"),
    (M + r"不投(?P<c>.+)（本轮以(?P<c2>.+)计，优先）", lambda g: f"{g['mark']} Does not invest in {_label(g['c'])} (this round is in {_label(g['c2'])}; preferred)"),
    (M + r"未标明能否投(?P<c>.+)（本轮以(?P<c2>.+)计，优先）", lambda g: f"{g['mark']} Not stated whether it invests in {_label(g['c'])} (this round is in {_label(g['c2'])}; preferred)"),
    (M + r"在企业所在城市设有机构（期望本地投资方，优先）", lambda g: f"{g['mark']} Has an office in the company's city (a local investor is preferred)"),
    (M + r"在本地未设机构（期望本地投资方，优先）", lambda g: f"{g['mark']} No local office (a local investor is preferred)"),
    (M + r"本地机构情况需核实（期望本地投资方，优先）", lambda g: f"{g['mark']} Local office to be checked (a local investor is preferred)"),
    (M + r"投资地域覆盖(?P<w>.*)（优先）", lambda g: f"{g['mark']} Invests in {_labels(g['w'])} (preferred)"),
    (M + r"投资地域不含(?P<w>.*)（优先）", lambda g: f"{g['mark']} Does not invest in {_labels(g['w'])} (preferred)"),
    (M + r"投资地域需核实（期望(?P<w>.*)）（优先）", lambda g: f"{g['mark']} Regions to be checked (wanted: {_labels(g['w'])}) (preferred)"),
    # the portfolio reading (follow-on, conflicts, precedents); a company's name stays as it is
    (M + r"已投资该企业（(?P<r>.+)，(?P<y>[^，]+)）", lambda g: f"{g['mark']} Already invested in this company ({_held_round(g['r'])}, {_when(g['y'])})"),
    (M + r"可能的投资冲突：已投同领域企业“(?P<n>.+)”（(?P<y>[^（]+)）", lambda g: f"{g['mark']} Possible conflict: holds “{g['n']}” in the same field ({_when(g['y'])})"),
    (M + r"同轮次同领域先例：投资“(?P<n>.+)”(?P<r>.+)轮（(?P<y>[^（]+)）", lambda g: f"{g['mark']} Precedent in the same round and field: invested in “{g['n']}” at {_round(g['r']) if g['r'] in STAGE else _round(g['r'] + '轮')} ({_when(g['y'])})"),
)  # fmt: skip

_COMPILED = tuple((re.compile(f"^{pattern}$"), words) for pattern, words in PATTERNS)


def english(line: str) -> str | None:
    """The English wording of one stored line, or None when no pattern reads it."""
    for pattern, words in _COMPILED:
        match = pattern.match(line)
        if match is not None:
            return words({k: v or "" for k, v in match.groupdict().items()})
    return None


def shown(line: str) -> str:
    """A stored line as the active language shows it (Chinese: as stored)."""
    if not (get_language() or "zh-hans").lower().startswith("en"):
        return line
    return english(line) or line
