"""An officer uploads a news report, confirms its signing and finds the lead in the pipeline."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from tests.browser.conftest import login
from yiqiao.projects.models import Project

from .conftest import SIGNING_ARTICLE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LEAD_TITLE = "安徽华晨医疗器械有限公司在合肥高新区签约，金额约12亿元"


def test_it_turns_an_uploaded_article_into_a_pipeline_lead(
    page: Any, live_server: Any, alice: Any, tmp_path: Path
) -> None:
    report = tmp_path / "合肥签约.txt"
    report.write_bytes(SIGNING_ARTICLE.encode("gbk"))
    login(page, live_server, "alice", PASSWORD)

    page.click("text=产业情报")
    page.click("text=上传/粘贴资讯")
    page.set_input_files("input[name=up-file]", str(report))
    page.fill("input[name=up-source_name]", "示例资讯")
    page.click("#upload-form button[type=submit]")

    expect(page.locator("h1")).to_contain_text("华晨医疗器械公司在合肥高新区签约建设体外诊断基地")
    expect(page.locator("#article-text mark.hl-signing")).to_have_count(1)
    signing = page.locator("li[data-kind=signing]")
    expect(signing).to_contain_text("合肥高新区、安徽华晨医疗器械有限公司")
    signing.locator("button[data-action=confirm]").click()

    expect(page.locator("li[data-kind=signing]")).to_have_attribute("data-status", "confirmed")
    lead = page.locator("#leads li", has_text=LEAD_TITLE)
    expect(lead).to_contain_text("示例资讯")
    lead.locator("button[data-action=accept]").click()
    expect(page.locator("#leads li", has_text=LEAD_TITLE)).to_contain_text("已转为招商线索")

    page.click("nav.mainnav >> text=招商项目")
    card = page.locator(".kanban [data-stage=lead] .kcard", has_text=LEAD_TITLE)
    expect(card).to_have_count(1)
    card.locator("a").click()
    expect(page.locator("body")).to_contain_text(
        "产业情报：《华晨医疗器械公司在合肥高新区签约建设体外诊断基地》"
    )
    assert Project.objects.filter(title=LEAD_TITLE).count() == 1


def test_it_shows_each_event_of_a_report_with_its_own_signings(
    page: Any, live_server: Any, alice: Any, tmp_path: Path
) -> None:
    from .test_engine_facts import MULTI_EVENT

    report = tmp_path / "宁波两场活动.txt"
    report.write_bytes(MULTI_EVENT.encode("utf-8"))
    login(page, live_server, "alice", PASSWORD)
    page.click("text=产业情报")
    page.click("text=上传/粘贴资讯")
    page.set_input_files("input[name=up-file]", str(report))
    page.click("#upload-form button[type=submit]")

    first = page.locator("li[data-kind=event] .event-detail[data-event=e1]")
    second = page.locator("li[data-kind=event] .event-detail[data-event=e2]")
    expect(first).to_contain_text("2024-06-18")
    expect(first).to_contain_text("上海")
    expect(first).to_contain_text("宁波高新区管委会")
    expect(first.locator(".event-records a")).to_have_text(["宁波高新区（约26亿元）"])
    expect(second).to_contain_text("杭州")
    expect(second.locator(".event-records a")).to_contain_text(["宁波前湾新区"])
    page.locator("#facts").screenshot(path=str(tmp_path / "events.png"))
    second.locator(".event-records a").click()
    expect(page).to_have_url(re.compile(r"#fact-\d+$"))
