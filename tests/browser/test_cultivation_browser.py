"""An officer works the cultivation ladder: the 专精特新 candidates list shows an enterprise one
criterion away with its gap; the officer records its recognition from the certificate; the
enterprise moves up, this year's target counts one more, and a 高企 whose certificate lapses
within 90 days is listed for re-certification."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import PASSWORD
from tests.browser.conftest import login
from yiqiao.cultivation import services
from yiqiao.cultivation.models import Recognition
from yiqiao.policies.services import organisation_fact_set

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def ladder(org_factory: Any, regions: Any, alice: Any, admin_user: Any) -> dict[str, Any]:
    today = timezone.localdate()
    near = org_factory(
        "桐华精工医疗科技有限公司", revenue_yuan=3e7, rd_spend_yuan=95e4, is_high_tech=True
    )
    for field, value in (("niche_since", dt.date(2019, 3, 1)), ("specialised_score", 72)):
        organisation_fact_set(organisation=near, field=field, value=value, as_of=today, by=alice)
    org_factory("桐华远途贸易有限公司")  # no data: further away
    lapsing = org_factory("桐华将到期生物有限公司")
    services.recognition_record(
        organisation=lapsing,
        data=services.RecognitionInput(
            rung="high_tech",
            recognised_on=today - dt.timedelta(days=3 * 365 - 45),
            certificate_number="GR202333000777",
            evidence="2023年第二批高新技术企业名单",
            skip_basis="直接申报高企",
        ),
        by=alice,
    )
    services.target_set(
        region=regions["district"], year=today.year, metric="new_specialised", target=12,
        by=admin_user,
    )  # fmt: skip
    return {"near": near, "lapsing": lapsing}


def test_it_moves_a_candidate_up_the_ladder_and_counts_it(
    page: Any, live_server: Any, alice: Any, ladder: dict[str, Any]
) -> None:
    near = ladder["near"]
    login(page, live_server, "alice", PASSWORD)
    page.click("nav >> text=梯度培育")
    target = page.locator("#target-table tr[data-metric='new_specialised'] .realised")
    expect(target).to_have_text("0")
    page.click("#ladder-table tr[data-rung='specialised'] >> text=候选名单")

    page.wait_for_selector("h1:has-text('专精特新中小企业候选名单')")
    rows = page.locator("#candidate-table tbody tr")
    first = rows.first
    expect(first).to_contain_text(near.name)  # closest first
    expect(first.locator("td").nth(1)).to_have_text("1")  # one criterion away
    expect(first).to_contain_text("上年度研发投入 95万元，要求 ≥ 100万元，差 5万元")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "cultivation-candidates.png"), full_page=True)
    first.locator("text=登记认定").click()

    page.wait_for_selector(f"h1:has-text('{near.name}')")
    expect(page.locator("#current-rung")).to_have_text("高新技术企业")
    expect(page.locator("#next-rung")).to_contain_text("差 5万元")
    expect(page.locator("#id_rung")).to_have_value("specialised")
    page.fill("#id_certificate_number", "ZJTX-2026-0451")
    page.fill("#id_evidence", "省经信厅2026年专精特新中小企业认定名单")
    page.click("#recognition-form button[type=submit]")

    expect(page.locator(".messages")).to_contain_text("已登记")
    expect(page.locator("#current-rung")).to_have_text("专精特新中小企业")
    expect(page.locator("#recognition-table")).to_contain_text("ZJTX-2026-0451")
    assert Recognition.objects.filter(organisation=near, rung="specialised").count() == 1

    page.click("nav >> text=梯度培育")
    expect(target).to_have_text("1")
    expect(page.locator("#recert-table")).to_contain_text(ladder["lapsing"].name)
    expect(page.locator("#recert-table")).to_contain_text("GR202333000777")
    page.screenshot(path=str(ARTIFACTS / "cultivation-home.png"), full_page=True)
    target.click()
    expect(page.locator("#record-table")).to_contain_text(near.name)
