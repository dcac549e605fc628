"""A round from publication to close, clicked through as its users would: the enterprise writes
and publishes a B-round need, sees a shortlist with reasons; two investors opt in; the officer
books a roadshow slot and invites them; one investor gives feedback; the officer records a
meeting, a term sheet and a close; the funnel and the enterprise's page show it. Then an offshore
centre's incubated project registers its company in the district and the centre's 12-month
landing rate moves."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD, make_user
from tests.browser.conftest import login
from yiqiao.capital.models import Close, FinancingNeed, Introduction
from yiqiao.core.uscc import uscc_make
from yiqiao.registry.models import ChainNode, InvestorProfile, Organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = dt.date.today()


@pytest.fixture
def district(org_factory: Any, regions: Any, units: Any, alice: Any) -> dict[str, Any]:
    from yiqiao.events import services as event_services

    company = org_factory("桐华磁微粒诊断科技有限公司", uscc=None, headcount=120)
    make_user("erin", units["portal"], "enterprise", organisation=company)
    ivd = list(ChainNode.objects.filter(code__startswith="device_manufacturer.ivd"))
    investors = []
    for name, user in (("锦城医疗创业投资基金", "ivan"), ("蓉江生物医药产业基金", "iris")):
        org = org_factory(name, kind=Organisation.Kind.INVESTOR, region=regions["city"])
        profile = InvestorProfile.objects.create(
            organisation=org,
            stages=["b", "c"],
            ticket_min_yuan=Decimal("20000000"),
            ticket_max_yuan=Decimal("150000000"),
        )
        profile.sectors.set(ivd)
        make_user(user, units["portal"], "investor", organisation=org)
        investors.append(org)
    roadshow = event_services.event_create(
        by=alice,
        title="体外诊断专场投融资路演",
        kind="roadshow",
        city="锦城",
        starts_on=TODAY - dt.timedelta(days=3),
    )
    return {"company": company, "investors": investors, "roadshow": roadshow}


def _fill_date(page: Any, selector: str, day: dt.date) -> None:
    page.fill(selector, day.isoformat())


def test_it_takes_a_round_from_publication_to_close(
    page: Any, live_server: Any, district: dict[str, Any]
) -> None:
    company = district["company"]
    # The enterprise writes its B-round need and publishes it with its consent.
    login(page, live_server, "erin", PASSWORD)
    page.goto(live_server.url + "/capital/needs/new/")
    page.fill("#id_title", "磁微粒化学发光平台B轮融资")
    page.select_option("#id_round", "B")
    page.fill("#id_amount_wan", "20000")
    page.select_option("#id_role_wanted", "lead")
    page.check("input[name=sectors][value=ivd]")
    page.click("form button[type=submit]")
    expect(page.locator("#need-status")).to_have_text("草稿")
    page.check("#publish-form input[name=agree]")
    page.click("#publish-form button[type=submit]")
    expect(page.locator("#need-status")).to_have_text("已发布")
    need = FinancingNeed.objects.get(organisation=company)

    # The shortlist shows both investors, each with its reasons line by line.
    rows = page.locator("#shortlist-table tbody tr[data-investor]")
    expect(rows).to_have_count(2)
    first = rows.first
    expect(first.locator("ul.lines li.met").first).to_be_visible()
    expect(first.locator("ul.lines li", has_text="投资阶段含B轮")).to_have_count(1)
    expect(first.locator("ul.lines li", has_text="最多可占本轮")).to_have_count(1)
    page.screenshot(path=str(_artifact("capital-shortlist.png")), full_page=True)

    # Two investors opt in from the need's page.
    for user in ("ivan", "iris"):
        page.context.clear_cookies()
        login(page, live_server, user, PASSWORD)
        page.goto(live_server.url + f"/capital/needs/{need.pk}/")
        page.click("#investor-opt-in button")
        expect(page.locator("#investor-opt-in")).to_contain_text("等待企业同意")
    assert Introduction.objects.filter(need=need, investor_opt_in_at__isnull=False).count() == 2

    # The officer books the slot, invites the investors and marks the pitch as held.
    page.context.clear_cookies()
    login(page, live_server, "alice", PASSWORD)
    page.goto(live_server.url + f"/capital/roadshows/{district['roadshow'].pk}/")
    page.select_option("#book-form select[name=need]", str(need.pk))
    page.click("#book-form button[type=submit]")
    pitch = page.locator("section.pitch").first
    expect(pitch).to_contain_text("磁微粒化学发光平台B轮融资")
    pitch.locator("button", has_text="按匹配名单邀请").click()
    pitch = page.locator("section.pitch").first
    expect(pitch.locator("tbody tr")).to_have_count(2)
    pitch.locator("button", has_text="标记为已路演").click()

    # One investor answers from its invitations page.
    page.context.clear_cookies()
    login(page, live_server, "ivan", PASSWORD)
    page.goto(live_server.url + "/capital/invitations/")
    form = page.locator("form.feedback-form").first
    form.locator("select[name=interest]").select_option("high")
    form.locator("select[name=next_step]").select_option("meeting")
    _fill_date(page, "form.feedback-form input[name=given_on]", TODAY)
    form.locator("button[type=submit]").click()
    expect(page.locator("section.invitation").first).to_contain_text("已反馈")

    # The officer records the meeting, the term sheet and the close with its evidence.
    ivan_org = district["investors"][0]
    page.context.clear_cookies()
    login(page, live_server, "alice", PASSWORD)
    page.goto(live_server.url + f"/capital/needs/{need.pk}/")
    page.select_option("#meeting-form select[name=investor]", str(ivan_org.pk))
    _fill_date(page, "#meeting-form input[name=held_on]", TODAY)
    page.click("#meeting-form button[type=submit]")
    expect(page.locator("#meetings")).to_contain_text("锦城医疗创业投资基金")
    page.select_option("#term-sheet-form select[name=investor]", str(ivan_org.pk))
    _fill_date(page, "#term-sheet-form input[name=signed_on]", TODAY)
    page.fill("#term-sheet-form input[name=amount_wan]", "8000")
    page.check("#term-sheet-form input[name=is_lead]")
    page.click("#term-sheet-form button[type=submit]")
    expect(page.locator("#term-sheets")).to_contain_text("锦城医疗创业投资基金")
    _fill_date(page, "#close-form input[name=closed_on]", TODAY)
    page.select_option("#close-form select[name=lead]", str(ivan_org.pk))
    page.fill("#close-form input[name=lead_amount_wan]", "8000")
    page.select_option("#close-form select[name=evidence_kind]", index=1)
    page.fill("#close-form input[name=evidence_ref]", "股东名册变更登记（2026）第118号")
    page.click("#close-form button[type=submit]")
    expect(page.locator("#closes tbody tr")).to_have_count(1)
    expect(page.locator("#closes")).to_contain_text("锦城医疗创业投资基金")
    close = Close.objects.get(need=need)
    assert close.amount == Decimal("80000000")

    # The funnel counts every step, and the enterprise's page shows the round and its close.
    page.goto(live_server.url + "/capital/funnel/")
    total = page.locator("#funnel-table tr[data-row=total]")
    for step, count in (("pitched", "2"), ("feedback", "1"), ("meeting", "1"), ("term_sheet", "1")):
        expect(total.locator(f"[data-step={step}]")).to_have_text(count)
    expect(total.locator("[data-step=close]")).to_have_text("1")
    page.screenshot(path=str(_artifact("capital-funnel.png")), full_page=True)
    page.goto(live_server.url + f"/registry/organisations/{company.pk}/")
    expect(page.locator("body")).to_contain_text("磁微粒化学发光平台B轮融资")
    expect(page.locator("body")).to_contain_text("8,000")


def test_it_moves_the_landing_rate_when_an_incubated_project_registers_here(
    page: Any, live_server: Any, org_factory: Any, regions: Any, alice: Any
) -> None:
    from yiqiao.capital.services import centres

    division = "510107"
    regions["district"].code = division
    regions["district"].save()
    org = org_factory(
        "桐华驻沪离岸创新中心", kind=Organisation.Kind.INCUBATOR, region=regions["other"]
    )
    centre = centres.centre_create(
        data=centres.CentreInput(
            organisation=org,
            city="上海",
            host_name="浦江生命科学园",
            opened_on=TODAY - dt.timedelta(days=900),
            landing_region=regions["district"],
            landing_division_codes=[division],
        ),
        by=alice,
    )
    login(page, live_server, "alice", PASSWORD)
    page.goto(live_server.url + f"/capital/centres/{centre.pk}/")
    page.click("text=加入孵化名单")
    page.fill("#id_name", "靶向蛋白降解平台")
    page.fill("#id_cohort", "2024级")
    _fill_date(page, "#id_started_on", TODAY - dt.timedelta(days=500))
    page.click("form:has(#id_cohort) button[type=submit]")
    overall = page.locator("#landing-table tr[data-cohort='']")
    before = overall.inner_text()
    expect(overall).to_contain_text("0")

    page.click("text=登记落地")
    land = page.locator("form.land-form").first
    land.locator("input[name=company_name]").fill("桐华降解生物科技有限公司")
    land.locator("input[name=uscc]").fill("91510107MA6CDE8K1X")  # wrong check character
    _fill_date(page, "form.land-form input[name=registered_on]", TODAY - dt.timedelta(days=300))
    land.locator("button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("校验码错误")
    assert not Organisation.objects.filter(name="桐华降解生物科技有限公司").exists()

    page.goto(live_server.url + f"/capital/centres/{centre.pk}/")
    page.click("text=登记落地")
    land = page.locator("form.land-form").first
    land.locator("input[name=company_name]").fill("桐华降解生物科技有限公司")
    land.locator("input[name=uscc]").fill(uscc_make("91" + division + "MA6CDE8K1"))
    _fill_date(page, "form.land-form input[name=registered_on]", TODAY - dt.timedelta(days=300))
    land.locator("button[type=submit]").click()
    expect(page.locator("#projects")).to_contain_text("桐华降解生物科技有限公司")
    after = page.locator("#landing-table tr[data-cohort='']").inner_text()
    assert after != before
    expect(page.locator("#landing-table tr[data-cohort='']")).to_contain_text("100")
    page.screenshot(path=str(_artifact("capital-centre.png")), full_page=True)


def _artifact(name: str) -> Any:
    from conftest import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name
