"""An officer walks a lead to production on the board and the project page, as a person would."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import PASSWORD
from tests.browser.conftest import login
from yiqiao.projects import services
from yiqiao.projects.models import Milestone, Project, Signing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _move(page: Any, stage_label: str) -> None:
    page.select_option("#move select[name=to_stage]", label=stage_label)
    page.click("#move button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_it_walks_a_lead_to_production_and_shows_signed_vs_realised(
    page: Any, live_server: Any, alice: Any, investor: Any, company: Any, regions: Any
) -> None:
    project = services.project_create(
        data={
            "title": "示例抗体药物产业化基地",
            "investors": [investor],
            "target_region": regions["park"],
            "planned_amount": "500000000",
            "planned_jobs": 300,
        },
        by=alice,
    )
    today = timezone.localdate().isoformat()
    login(page, live_server, "alice", PASSWORD)
    page.click("text=招商项目")
    lead_column = page.locator("section.col[data-stage=lead]")
    expect(lead_column.locator("article", has_text="示例抗体药物产业化基地")).to_have_count(1)
    lead_column.locator("article", has_text="示例抗体药物产业化基地").locator("button").click()
    contacted = page.locator("section.col[data-stage=contacted]")
    expect(contacted.locator("article", has_text="示例抗体药物产业化基地")).to_have_count(1)
    expect(page.locator("p.notice")).to_contain_text("已进入“接洽”阶段")

    contacted.locator("a", has_text="示例抗体药物产业化基地").click()
    expect(page.locator("h1")).to_contain_text("示例抗体药物产业化基地")
    _move(page, "签约")  # a skip
    expect(page.locator(".messages")).to_contain_text(
        "阶段变更未执行：不能从“接洽”直接跳到“签约”，须先经过“考察”、“洽谈”"
    )
    expect(page.locator("#stage-tag")).to_have_text("接洽")
    _move(page, "考察")
    _move(page, "洽谈")
    _move(page, "签约")  # no signing recorded yet
    expect(page.locator(".messages")).to_contain_text("须先登记签约记录")

    form = page.locator("#signing-form")
    form.locator("input[name=signed_on]").fill(today)
    form.locator("select[name=agreement_type]").select_option(label="投资协议")
    form.locator("input[name=amount]").fill("400000000")
    form.locator("input[name=signatories]").fill("桐华区人民政府、沪上示例医药投资有限公司")
    form.locator("button").click()
    expect(page.locator(".messages")).to_contain_text("已登记签约")
    _move(page, "签约")
    expect(page.locator("#stage-tag")).to_have_text("签约")

    page.click("text=编辑")
    company_box = page.get_by_role("combobox", name="落地企业")
    company_box.fill(company.name[:4])
    page.locator("#id_registered_company_list [role=option]", has_text=company.name).click()
    page.click("button.primary")
    expect(page.locator(".messages")).to_contain_text("已保存")
    for label in ("注册落地", "开工", "投产"):
        _move(page, label)
        expect(page.locator("#stage-tag")).to_have_text(label)

    milestone = page.locator("#milestone-form")
    milestone.locator("select[name=kind]").select_option(label="到资")
    milestone.locator("input[name=achieved_on]").fill(today)
    milestone.locator("input[name=capital_arrived]").fill("100000000")
    milestone.locator("input[name=jobs]").fill("120")
    milestone.locator("button").click()
    expect(page.locator(".messages")).to_contain_text("已登记落地节点")

    gap = page.locator("#signed-vs-realised")
    expect(gap).to_contain_text("4.00亿人民币")
    expect(gap).to_contain_text("1.00亿人民币")
    expect(page.locator("#gap-summary")).to_have_text("到资25.0%，尚差3.00亿人民币；就业尚差180人")
    expect(page.locator("#history li")).to_have_count(8)

    project.refresh_from_db()
    assert project.stage == "production"
    assert Signing.objects.filter(project=project).count() == 1
    assert Milestone.objects.filter(project=project).count() == 1
    assert Project.objects.count() == 1
