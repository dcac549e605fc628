"""An officer writes a policy in the browser: a per-certificate amount with an annual cap net of
awards received, three test cases (one fails and is fixed), the reach on the register, the
audited workflow to publication, the enterprise page showing the award with its trace, and the
快申快享 application, approval and payment that then count as received."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from tests.browser.conftest import login
from yiqiao.policies.models import Award, OrganisationRecord, Policy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = dt.date.today()
LAST_YEAR = TODAY.year - 1
CODE = "tp.2026.device_cert"
SHOTS = os.environ.get("YIQIAO_SCREENSHOTS")  # a folder to keep screenshots of the pages


def _certificate(org: Any, category: str, month: int) -> None:
    OrganisationRecord.objects.create(
        organisation=org,
        field="certificates",
        data={"category": category, "issued_on": f"{LAST_YEAR}-{month:02d}-01"},
        recorded_on=dt.date(LAST_YEAR, month, 1),
    )


@pytest.fixture
def register(org_factory: Any) -> dict[str, Any]:
    kangrui = org_factory("锦城康瑞医疗器械有限公司")
    _certificate(kangrui, "device_class3", 3)
    _certificate(kangrui, "device_class3", 9)
    # paid earlier this year under the same clause (an award recorded before the text was here)
    Award.objects.create(
        organisation=kangrui,
        policy_code=CODE,
        amount=Decimal("800000"),
        awarded_on=dt.date(TODAY.year, 1, 15),
    )
    tonghua = org_factory("桐华精密医疗科技有限公司")
    _certificate(tonghua, "device_class2", 6)
    org_factory("桐华新创医药有限公司")
    return {"kangrui": kangrui}


def _case(name: str, certificates: str, expect_text: str, awards: str = "") -> str:
    received = f", awards_received: [{awards}]" if awards else ""
    return (
        f"- name: {name}\n  on: {TODAY}\n"
        f'  profile: {{kind: enterprise, region_code: "tp.jc.th", certificates: [{certificates}]'
        f"{received}}}\n  expect: {expect_text}\n"
    )


CLASS3 = f"{{category: device_class3, issued_on: {LAST_YEAR}-03-01}}"
TWO_CLASS3 = f"{CLASS3}, {{category: device_class3, issued_on: {LAST_YEAR}-10-01}}"
RECEIVED = f"{{policy: {CODE}, date: {TODAY.year}-02-01, amount_yuan: 100万}}"
TESTS = (
    _case("一张三类证，100万元", CLASS3, "{status: eligible, amount: 100万}")
    + _case(
        "两张三类证，今年已获100万元，只余50万元",
        TWO_CLASS3,
        "{status: eligible, amount: 200万}",  # the officer forgets the cap at first
        RECEIVED,
    )
    + _case("没有注册证", "", "{status: ineligible}")
)
BENEFIT = (
    "per_item:\n  of: certificates\n  where:\n    - {field: issued_on, in_year: previous}\n"
    "  amount:\n    table: {by: category, rows: {device_class2: 30万, device_class3: 100万},"
    " default: 0}"
)


def _shot(page: Any, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def _add_condition(page: Any, field: str, op: str, value: str) -> None:
    page.select_option("#cb-field", field)
    page.select_option("#cb-op", op)
    page.fill("#cb-value", value)
    page.click("#cb-add")


def test_it_lets_an_officer_write_test_preview_and_publish_a_policy(
    page: Any, live_server: Any, alice: Any, register: dict[str, Any]
) -> None:
    login(page, live_server, "alice", PASSWORD)
    page.click("nav.mainnav >> text=政策")
    page.click("#policy-new")
    # the document first
    page.fill("input[name=document]", "《锦城区促进医疗器械产业高质量发展若干措施》")
    page.fill("input[name=number]", "锦城府规〔2026〕3号")
    page.fill("input[name=article]", "第六条第一款")
    page.fill("input[name=code]", CODE)
    page.fill("input[name=title]", "医疗器械注册证逐证奖励")
    page.fill("input[name=effective_from]", f"{LAST_YEAR}-01-01")
    # conditions from the field dictionary, previewed in plain Chinese
    _add_condition(page, "kind", "eq", "enterprise")
    _add_condition(page, "region_code", "eq", "tp.jc.th")
    _add_condition(page, "certificates", "ge", "1")
    check = page.locator("#editor-check")
    expect(check.locator("#preview-conditions")).to_contain_text("医疗器械注册证数 ≥ 1条")
    # the benefit: per certificate, from the template, then the amounts per category
    page.click("#benefit-templates button[data-snippet-key=per_item]")
    expect(page.locator("textarea[name=benefit]")).to_have_value(
        "per_item:\n  of: certificates\n  where:\n    - {field: issued_on, in_year: previous}\n"
        "  amount: 50万"
    )
    page.fill("textarea[name=benefit]", BENEFIT)
    page.click("#benefit-templates button[data-snippet-key=annual_cap]")
    page.fill("textarea[name=limits]", "caps:\n  annual_minus_received: 150万")
    expect(check.locator("#preview-benefit")).to_contain_text("逐项计算")
    # three test cases: one fails
    page.fill("textarea[name=tests]", TESTS)
    expect(check).to_contain_text("通过 2 / 3")
    failing = check.locator("#editor-cases tr[data-passed=no]")
    expect(failing).to_have_count(1)
    expect(failing).to_contain_text("预期符合 200万元，实际符合 50万元")
    expect(check.locator("#editor-publish")).to_contain_text("未通过")
    _shot(page, "editor-failing-case")
    # … fixed: the cap leaves 50万 of 150万 after 100万 received this year
    page.fill("textarea[name=tests]", TESTS.replace("amount: 200万", "amount: 50万"))
    expect(check).to_contain_text("通过 3 / 3")
    expect(check.locator("#editor-publish")).to_contain_text("可以提交审核并发布")
    page.click("#save-draft")
    expect(page.locator("#policy-status")).to_have_text("草稿")
    policy = Policy.objects.get(code=CODE)
    assert policy.status == "draft" and policy.document_number == "锦城府规〔2026〕3号"
    # the reach on the register: 康瑞 150万−80万 = 70万, 桐华精密 one class 2 = 30万
    page.click("#reach-button")
    expect(page.locator("#reach-eligible")).to_have_text("2")
    expect(page.locator("#reach-amount")).to_have_text("100.00万元")
    expect(page.locator("#reach-enterprises")).to_have_text("3")
    _shot(page, "editor-reach")
    # the audited workflow: review, then publish
    page.click("#to-workflow")
    page.click("button[name=to_status][value=review]")
    expect(page.locator("#policy-status")).to_have_text("审核中")
    page.click("button[name=to_status][value=published]")
    expect(page.locator("#policy-status")).to_have_text("已发布")
    expect(page.locator("#policy-events")).to_contain_text("审核中 → 已发布")
    # the enterprise page shows the award with its trace
    page.goto(live_server.url + f"/registry/organisations/{register['kangrui'].pk}/")
    row = page.locator(f"#calc-eligible tr[data-policy='{CODE}']")
    expect(row).to_contain_text("70.00万元")
    expect(row).to_contain_text("150万元 − 已获 80万元")
    expect(row).to_contain_text("锦城府规〔2026〕3号")
    _shot(page, "enterprise-award")
    # 快申快享: apply on the enterprise page, approve and record the payment
    row.locator("button.apply-award").click()
    expect(row.locator("[data-application=submitted]")).to_be_visible()
    page.click("nav.mainnav >> text=政策")
    page.click("#to-applications")
    application = page.locator("#application-table tr[data-status=submitted]")
    expect(application).to_contain_text("70.00万元")
    application.locator("button[name=decision][value=approve]").click()
    approved = page.locator("#application-table tr[data-status=approved]")
    approved.locator("input[name=reference]").fill("ZF-2026-001")
    approved.locator(".pay-form button").click()
    expect(page.locator("#application-table tr[data-status=paid]")).to_contain_text("ZF-2026-001")
    page.goto(live_server.url + f"/registry/organisations/{register['kangrui'].pk}/")
    awards = page.locator(f"#calc-awards tr[data-policy='{CODE}']")
    expect(awards).to_have_count(2)  # the 80万 recorded before, the 70万 paid now
    expect(page.locator("#calc-awards")).to_contain_text("70.00万元")
    expect(row).to_contain_text("150万元 − 已获 150万元")  # the year's cap is used up
