"""The cockpit in English: units and the reasons a tile gives read in English, not Chinese."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.utils import translation

from yiqiao.dashboard.kpis.context import KpiContext
from yiqiao.dashboard.kpis.registry import specs
from yiqiao.dashboard.queries import format_value

CJK = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff01-\uff5e]")


def test_it_reads_a_figures_unit_in_the_pages_language() -> None:
    assert format_value(Decimal("357000000"), "元") == "3.57亿元"
    assert format_value(27, "个") == "27个"
    assert format_value(Decimal("0.425"), "%") == "42.5%"
    with translation.override("en"):
        assert format_value(Decimal("357000000"), "元") == "357.00M yuan"
        assert format_value(Decimal("3570000000"), "元") == "3.57B yuan"
        assert format_value(27, "个") == "27"
        assert format_value(12, "天") == "12 days"
        assert format_value(194, "人") == "194 people"
        assert format_value(Decimal("4.22"), "分（满分5）") == "4.22 / 5"
        assert format_value(None, "个") == "—"


def test_it_says_why_a_figure_is_empty_in_english(history: dict[str, Any], leader: Any) -> None:
    ctx = KpiContext(as_of=dt.date(2001, 6, 30), start=dt.date(2001, 1, 1), user=leader)
    with translation.override("en"):
        for s in specs():
            kpi = s.compute(ctx)
            assert kpi.why_empty, s.key
            assert not CJK.search(kpi.why_empty), f"{s.key}: {kpi.why_empty}"
    with translation.override("zh-hans"):
        reasons = [s.compute(ctx).why_empty for s in specs()]
    assert all(CJK.search(r) for r in reasons)
