"""A district leader signs in, lands on the cockpit and walks tile → list → record."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from conftest import ARTIFACTS, PASSWORD
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _walk(page: Any, base: str, key: str, row_text: str, record_heading: str) -> None:
    page.goto(base + "/cockpit/")
    tile = page.locator(f"article.tile[data-key='{key}']")
    count = int(tile.locator("a.numerator, p.parts").first.inner_text().split()[0].split("/")[0])
    tile.locator("a.value").click()  # click 1: the tile
    expect(page.locator("#record-count")).to_have_text(str(count))
    expect(page.locator("#kpi-records tbody tr")).to_have_count(count)
    page.locator("#kpi-records a", has_text=row_text).first.click()  # click 2: the record
    expect(page.locator("h1")).to_contain_text(record_heading)


def test_it_walks_from_three_tiles_to_the_records_they_count(
    page: Any, live_server: Any, leader: Any, history: dict[str, Any]
) -> None:
    login(page, live_server, "lena", PASSWORD)
    expect(page.locator("h1")).to_contain_text("领导驾驶舱")
    # Every chart is drawn from the API by the shipped ECharts file.
    for chart in page.locator("[data-chart]").all():
        expect(chart).to_have_attribute("data-loaded", "1")
    expect(page.locator("#chart-signings-by-month svg")).to_have_count(1)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(Path(ARTIFACTS) / "cockpit.png"), full_page=True)
    # The definition is on the tile (hover) and on the definitions page.
    tile = page.locator("article.tile[data-key='projects.signed_amount']")
    assert "外币按计划汇率折算" in (tile.get_attribute("title") or "")

    _walk(
        page, live_server.url, "projects.signed_amount", "抗体药物产业化基地", "抗体药物产业化基地"
    )
    # Money reads as people read it on the list a tile opens, not "500000000.00 CNY".
    page.goto(live_server.url + "/cockpit/kpi/projects.signed_amount/")
    expect(page.locator("#kpi-records")).to_contain_text("5.00亿元")
    expect(page.locator("#kpi-records")).not_to_contain_text("CNY")
    # The event funnel has its section and each step says why when no event was held.
    page.goto(live_server.url + "/cockpit/")
    expect(page.locator("#section-events article.tile")).to_have_count(12)
    expect(page.locator("article.tile[data-key='events.registered'] p.why")).to_contain_text(
        "没有结束的活动"
    )
    _walk(page, live_server.url, "demands.overdue", "冷链仓储", "冷链仓储")
    _walk(
        page,
        live_server.url,
        "projects.construction_rate",
        "高端医疗器械研发中心",
        "高端医疗器械研发中心",
    )
    # The other district's project is nowhere on the leader's lists.
    page.goto(live_server.url + "/cockpit/kpi/projects.signing_count/")
    expect(page.locator("#kpi-records")).not_to_contain_text("北山区合成生物项目")
