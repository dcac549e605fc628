"""Browser walk of the need loop: an enterprise raises a need on a phone-sized screen; the park
officer it was routed to accepts a suggested space (its requirements checked ✓ / ✗ / ?), records
the lease and a follow-up visit; the funnel counts it."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def district(
    enterprise: Any, ent_user: Any, bob: Any, rules: Any, regions: Any, units: Any
) -> dict[str, Any]:
    from yiqiao.demands import matching
    from yiqiao.registry.models import Space

    space = Space.objects.create(
        name="转化医学园3号楼D级洁净厂房",
        kind="plant",
        park=regions["park"],
        total_area_m2=Decimal("2400"),
        available_area_m2=Decimal("1500"),
        rent_yuan_per_m2_month=Decimal("48"),
        gmp_grade="D级",
        gmp=True,
        cleanroom_iso=8,
        status="available",
        description="D级洁净厂房，环评齐全，适合体外诊断试剂生产和扩产。",
        owner_unit=units["park"],
    )
    matching.clear_cache()
    return {"space": space}


def test_it_walks_a_need_from_intake_to_follow_up(
    page: Any, live_server: Any, district: dict[str, Any]
) -> None:
    # An enterprise user raises a need on a 390 px wide phone screen.
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server, "dora", PASSWORD)
    page.goto(live_server.url + "/demands/new/")
    text = page.locator("textarea[name=text]")
    box = text.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    page.select_option("select[name=category]", "space")
    page.fill("input[name=title]", "扩产需要GMP厂房")
    text.fill("体外诊断试剂扩产，需要1000平方米左右的D级洁净GMP厂房，也想了解厂房租金扶持政策。")
    page.fill("input[name=area_min_m2]", "800")
    page.fill("input[name=area_max_m2]", "1500")
    submit = page.get_by_role("button", name="提交需求")
    submit_box = submit.bounding_box()
    assert submit_box is not None and submit_box["x"] + submit_box["width"] <= 390
    submit.click()
    expect(page.locator(".messages")).to_contain_text("需求已提交")
    expect(page.locator("#demand-unit")).to_have_text("转化医学产业园管委会")
    page.context.clear_cookies()

    # The routed park officer sees it in the inbox.
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, live_server, "bob", PASSWORD)
    page.goto(live_server.url + "/demands/")
    row = page.locator("#demand-table tbody tr", has_text="扩产需要GMP厂房")
    # Just submitted: its time limits have begun but it is not yet in their last fifth.
    expect(row).to_contain_text("未超期")
    expect(row).not_to_contain_text("即将到期")
    row.get_by_role("link", name="扩产需要GMP厂房").click()

    # Accept the suggested space (one click, htmx): each requirement is checked with its value.
    space_item = page.locator(f"#suggestions li[data-key='space:{district['space'].pk}']")
    expect(space_item).to_be_visible(timeout=30_000)
    area = space_item.locator(".checks li[data-requirement='space.available_area_m2']")
    expect(area).to_contain_text("✓")
    expect(area).to_contain_text("1500㎡")
    space_item.get_by_role("button", name="采纳推荐").click()
    expect(space_item.locator(".tag.ok")).to_have_text("已推荐")
    expect(page.locator("#response-list li")).to_have_count(1)

    # Record the conversion, then the follow-up visit.
    page.reload()
    expect(page.locator("#demand-state")).to_have_text("已响应")
    page.select_option("#convert-form select[name=kind]", "space_lease")
    page.select_option("#convert-form select[name=response]", label=district["space"].name)
    page.locator("#convert-form").get_by_role("button", name="登记转化").click()
    expect(page.locator("#conversion-list")).to_contain_text("载体租赁")
    expect(page.locator("#demand-state")).to_have_text("已转化")
    page.select_option("#follow-up-form select[name=satisfaction]", "5")
    page.fill("#follow-up-form textarea[name=note]", "企业已签约入驻")
    page.locator("#follow-up-form").get_by_role("button", name="记录回访").click()
    expect(page.locator("#follow-up-list")).to_contain_text("满意度 5 分")
    expect(page.locator("#demand-state")).to_have_text("已回访")

    # The funnel counts it.
    page.goto(live_server.url + "/demands/funnel/")
    expect(page.locator("[data-figure=raised]")).to_have_text("1")
    expect(page.locator("[data-figure=on_time]")).to_have_text("1")
    expect(page.locator("[data-figure=converted]")).to_have_text("1")
    expect(page.locator("#funnel-category")).to_contain_text(re.compile("载体与用地"))
