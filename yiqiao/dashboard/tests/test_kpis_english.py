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


# Database names a page must not show: the fields and models the figures are counted from.
FIELD_NAMES = re.compile(
    r"\b(signed_on|stage_entered_on|created_at|resolved_at|closed_at|responded_at|respond_due|"
    r"converted_at|satisfaction|capital_arrived|changed_on|days_in_from_stage|checked_in_at|"
    r"source_event_id|ends_on|awarded_on|kind=\w+|status=\w+|[a-z]+\.[A-Z][A-Za-z]+)\b"
)


def test_every_definition_and_source_reads_in_english() -> None:
    with translation.override("en"):
        for s in specs():
            for chinese, shown in ((s.definition, s.definition_text), (s.source, s.source_text)):
                assert shown != chinese, f"{s.key}: no English for {chinese}"
                # Terms of art keep their Chinese name in brackets (专精特新); nothing else.
                assert len(CJK.findall(shown)) <= 4, f"{s.key}: {shown}"


def test_definitions_and_records_pages_name_fields_as_people_do(
    client_for: Any, leader: Any, history: dict[str, Any], settings: Any
) -> None:
    client = client_for(leader)
    pages = [
        "/cockpit/definitions/",
        "/cockpit/kpi/projects.stalled/",
        "/cockpit/kpi/demands.satisfaction/",
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert not FIELD_NAMES.search(html.split("<main")[-1]), (url, FIELD_NAMES.search(html))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/cockpit/definitions/").content.decode()
    assert "Construction rate = projects of the denominator" in html
    assert "The stage of investment projects and the day they entered it" in html
    assert "开工率 = " not in html
    records = client.get("/cockpit/kpi/projects.stalled/").content.decode()
    assert "The stage of investment projects and the day they entered it" in records
