"""Browser walk of an event: create it, import invitations, two organisations register
through the public link, they ask to meet each other, the scheduler runs, one checks in, the
meeting is held and a need raised, a signing is recorded; the report counts each once and the
need and the project are in their pipelines."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from tests.browser.conftest import login
from yiqiao.core.tabular import write_xlsx
from yiqiao.core.uscc import uscc_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ORG_A = "桐华康源医疗器械有限公司"
ORG_B = "锦城启明生物科技有限公司"


def test_it_runs_an_event_from_invitation_to_report(
    page: Any, live_server: Any, alice: Any, org_factory: Any, tmp_path: Path
) -> None:
    from yiqiao.demands.models import Demand
    from yiqiao.events.models import EventSigning, Meeting, Registration
    from yiqiao.projects.models import Project

    org_a = org_factory(ORG_A, uscc=uscc_make("91510100MA6C00001"))
    org_factory(ORG_B)
    invitations = tmp_path / "邀请名单.xlsx"
    invitations.write_bytes(
        write_xlsx(
            ["机构名称", "统一社会信用代码", "联系人"],
            [[ORG_A, org_a.uscc, "张三"], [ORG_B, "", "李四"]],
        )
    )
    login(page, live_server, "alice", PASSWORD)

    # Create the event.
    page.goto(live_server.url + "/events/new/")
    page.fill("#id_title", "桐华区生物医药推介会（上海）")
    page.select_option("#id_kind", "promotion")
    page.fill("#id_city", "上海")
    page.fill("#id_starts_on", "2026-03-10")
    page.fill("#id_slot_count", "4")
    page.fill("#id_table_count", "2")
    page.click("button[type=submit].primary")
    expect(page.locator("h1")).to_contain_text("桐华区生物医药推介会（上海）")
    event_url = page.url

    # Import the invitation list.
    page.set_input_files("#id_file", str(invitations))
    page.click("form[enctype] button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("已导入邀请 2 家")
    expect(page.locator("#invitation-table tbody tr")).to_have_count(2)
    register_url = page.locator("#registration-url").inner_text()

    # Two organisations register through the public link; the first one twice.
    for name, contact in (
        (ORG_A, "张三"),
        (ORG_B, "李四"),
        ("桐华康源医疗器械有限责任公司", "王五"),
    ):
        page.goto(register_url)
        page.fill("#id_organisation_name", name)
        page.fill("#id_contact_name", contact)
        page.fill("#id_contact_phone", "13800000000")
        page.click("button[type=submit].primary")
        expect(page.locator("#badge")).to_be_visible()
    expect(page.locator("#badge-org")).to_have_text(ORG_A)
    assert Registration.objects.count() == 2

    # Both join the meetings and ask to meet each other (a mutual request).
    page.goto(event_url + "meetings/")
    for _ in range(2):
        page.locator("#p-reg").select_option(index=1)
        page.click("#participant-form button[type=submit]")
    expect(page.locator("#participant-table tbody tr")).to_have_count(2)
    for source, target in ((0, 1), (1, 0)):
        page.locator("#r-from").select_option(index=source)
        page.locator("#r-to").select_option(index=target)
        page.click("#request-form button[type=submit]")
    expect(page.locator("#request-table tbody tr")).to_have_count(1)
    expect(page.locator("#request-table")).to_contain_text("双向")

    # Run the scheduler (instant now, improved in the background) and publish.
    page.fill("#id_time_limit_s", "1")
    page.click("#schedule form button.primary")
    expect(page.locator(".messages")).to_contain_text("已生成日程 v1：1 场会谈")
    page.click("#schedule button:text('发布')")
    expect(page.locator("#schedule")).to_contain_text("已发布")
    expect(page.locator("#meeting-table tbody tr")).to_have_count(1)

    # Check in the first organisation from the search list.
    page.goto(event_url + "checkin/")
    page.fill("#checkin-q", "康源")
    page.click("form.filters button[type=submit]")
    expect(page.locator("#checkin-rows tr")).to_have_count(1)
    page.click("#checkin-rows button.primary")
    expect(page.locator(".messages")).to_contain_text("已签到")

    # Mark the meeting held with a need raised.
    page.goto(event_url + "meetings/")
    page.click("#meeting-table a:text('登记结果')")
    page.select_option("#id_status", "held")
    page.select_option("#id_need_category", "space")
    page.fill("#id_need_text", "需要2000平方米GMP厂房，希望年内入驻")
    page.click("button[type=submit].primary")
    expect(page.locator(".messages")).to_contain_text("会谈结果已登记")
    expect(page.locator("#meeting-table")).to_contain_text("已举行")

    # Record a signing.
    page.goto(event_url + "signings/")
    page.fill("#id_new_project_title", "康源医疗影像设备生产基地")
    page.fill("#id_parties", "桐华区投资促进局、桐华康源医疗器械有限公司")
    page.select_option("#id_agreement_type", "investment")
    page.fill("#id_amount", "250000000")
    page.click("#signing-form button[type=submit]")
    expect(page.locator("#headline")).to_contain_text("1 个项目，2.50 亿元")

    # The report shows each of those once.
    page.goto(event_url + "report/")
    expect(page.locator("#fig-registered")).to_have_text("2")
    expect(page.locator("#fig-attended")).to_have_text("1")
    expect(page.locator("#fig-requests")).to_have_text("1")
    expect(page.locator("#fig-scheduled")).to_have_text("1")
    expect(page.locator("#fig-held")).to_have_text("1")
    expect(page.locator("#fig-demands")).to_have_text("1")
    expect(page.locator("#report-demands tr")).to_have_count(1)
    expect(page.locator("#report-signings tr")).to_have_count(1)
    expect(page.locator("#report-headline")).to_contain_text("1 个项目，2.50 亿元")

    # The need and the project are in their pipelines.
    demand = Demand.objects.get()
    assert demand.organisation == org_a
    assert Meeting.objects.get().demand == demand
    project = EventSigning.objects.get().project
    assert Project.objects.count() == 1
    page.goto(live_server.url + f"/demands/{demand.pk}/")
    expect(page.locator("body")).to_contain_text("需要2000平方米GMP厂房")
    page.wait_for_load_state("networkidle")  # the page loads suggestions after it renders
    page.goto(live_server.url + f"/projects/{project.pk}/")
    expect(page.locator("body")).to_contain_text("康源医疗影像设备生产基地")
    expect(page.locator("body")).to_contain_text("2.50亿人民币")
    page.wait_for_load_state("networkidle")
