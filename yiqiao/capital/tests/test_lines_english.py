"""An investor match's lines read in English (issue 10): the shortlist stores each line as the
engine words it in Chinese; an English page shows every sentence the engine writes in English,
read back from the stored text (old rows included)."""

from __future__ import annotations

import itertools
import re
from decimal import Decimal
from typing import Any

from django.utils.translation import override

from yiqiao.capital.engine.portfolio import Holding
from yiqiao.capital.engine.shortlist import InvestorFacts, RoundFacts, fit
from yiqiao.capital.lines import english, shown

HAN = re.compile(r"[\u4e00-\u9fff]")
QUOTED = re.compile(r"“[^”]*”")  # a portfolio company's own name


def _needs() -> list[RoundFacts]:
    out = []
    for round_, amount, lead, currency, regions in itertools.product(
        ("B", "angel", "strategic"),
        (Decimal("20000000"), Decimal("200000000")),
        (True, False),
        ("CNY", "USD"),
        ((), ("east_china",)),
    ):
        out.append(
            RoundFacts(
                company_key=1,
                round=round_,
                amount=amount,
                sectors=("ivd",),
                instruments=("equity",),
                investor_regions=regions,
                wants_lead=lead,
                year=2026,
                currency=currency,
            )
        )
    return out


def _investors() -> list[InvestorFacts]:
    holdings = (
        Holding(
            key=2, company_key=1, company_name="本企业", sectors=("ivd",), round="A", year=2024
        ),
        Holding(
            key=3, company_key=9, company_name="竞品诊断", sectors=("ivd",), round="B", year=2025
        ),
        Holding(
            key=4, company_key=8, company_name="同行", sectors=("device",), round="B", year=None
        ),
    )
    variants: list[dict[str, Any]] = [
        {},
        {"stages": (), "sectors": (), "ticket_min": None, "ticket_max": None},
        {"stages": ("angel", "a"), "sectors": ("small_molecule",), "instruments": ("debt",)},
        {"ticket_min": Decimal("300000000"), "ticket_max": None, "lead_capable": False},
        {"ticket_min": Decimal("5000000"), "ticket_max": Decimal("20000000"), "lead_capable": True},
        {"ticket_min": None, "ticket_max": Decimal("50000000"), "currencies": ("CNY",)},
        {
            "ticket_min": Decimal("1000000"),
            "currencies": ("CNY", "USD"),
            "regions": ("east_china",),
        },
        {"holdings": holdings, "regions": ("north_china",), "instruments": ("equity",)},
        {"instruments": (), "holdings": holdings[:1]},
    ]
    out = []
    for key, kw in enumerate(variants, start=10):
        kw = dict(kw)
        kw.setdefault("stages", ("b", "c"))
        kw.setdefault("sectors", ("device",))
        kw.setdefault("ticket_min", Decimal("30000000"))
        kw.setdefault("ticket_max", Decimal("100000000"))
        out.append(InvestorFacts(key=key, name=f"投资机构{key}", **kw))
    return out


def test_every_line_the_engine_writes_reads_in_english() -> None:
    lines = {line for need in _needs() for inv in _investors() for line in fit(need, inv).lines}
    assert len(lines) >= 25  # the grid reaches most sentences of the engine
    unread = sorted(line for line in lines if english(line) is None)
    assert unread == []
    with override("en"):
        for line in lines:
            worded = shown(line)
            assert worded[:1] == line[:1]  # the ✓/✗/? mark is kept
            assert not HAN.search(QUOTED.sub("", worded)), (line, worded)
    with override("zh-hans"):
        assert all(shown(line) == line for line in lines)


def test_it_words_amounts_and_labels() -> None:
    line = "✗ 单笔投资额度500万元至2000万元，不足本轮2亿元的30%（领投所需）"
    assert english(line) == (
        "✗ Ticket 5M yuan to 20M yuan: below 30% of the 200M yuan round (needed to take part"
        " as lead)"
    )
    assert (
        english("✗ 投资阶段为天使轮、A轮，不含B轮") == "✗ Invests at Angel, Series A, not Series B"
    )
    assert english("a note typed by hand") is None
