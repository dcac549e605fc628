"""Dates in the Chinese interface (H5): every edit form with a date, opened and saved unchanged,
changes nothing; every form with a default date shows it, so a screening starts untouched."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.forms.models import model_to_dict
from django.utils import timezone
from playwright.sync_api import expect

from conftest import PASSWORD
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VOLATILE = {"updated_at", "row_version", "search_text"}


def _state(instance: Any) -> dict[str, Any]:
    instance.refresh_from_db()
    return {k: v for k, v in model_to_dict(instance).items() if k not in VOLATILE}


def _save_unchanged(page: Any, url: str, date_fields: dict[str, str]) -> None:
    page.goto(url)
    for name, iso in date_fields.items():
        expect(page.locator(f"input[name={name}]")).to_have_value(iso)
    page.locator("form button.primary[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    expect(page.locator(".messages")).to_be_visible()


def test_it_keeps_every_date_when_an_edit_is_saved_unchanged(
    page: Any, live_server: Any, alice: Any, org_factory: Any, regions: Any
) -> None:
    from yiqiao.events import services as event_services
    from yiqiao.events.models import Meeting
    from yiqiao.events.services import meetings
    from yiqiao.projects import services as project_services
    from yiqiao.registry.models import Organisation

    founded = org_factory("锦城康瑞生物科技有限公司", founded_on=dt.date(2019, 7, 5), headcount=86)
    investor = org_factory("沪上示例医药投资有限公司", kind=Organisation.Kind.INVESTOR)
    project = project_services.project_create(
        data={
            "title": "示例抗体药物产业化基地",
            "investors": [investor],
            "target_region": regions["park"],
            "planned_amount": "500000000",
            "next_follow_up_on": dt.date(2026, 1, 20),
        },
        by=alice,
    )
    event = event_services.event_create(
        by=alice,
        title="桐华区生物医药产业推介会",
        kind="promotion",
        city="上海",
        starts_on=dt.date(2025, 3, 10),
        is_invitation_only=False,
        slot_count=4,
        table_count=2,
    )
    people = []
    for org in (founded, investor):
        registration = event_services.registration_submit(
            event=event,
            organisation_name=org.name,
            uscc=org.uscc or "",
            contact_name="张三",
            contact_phone="13800000000",
        ).registration
        people.append(meetings.participant_add(event=event, by=alice, registration=registration))
    meetings.request_create(
        event=event, by=alice, requester_id=people[0].pk, invitee_id=people[1].pk
    )
    schedule = meetings.schedule_run(event=event, by=alice, time_limit_s=1)
    meetings.schedule_publish(schedule=schedule, by=alice)
    meeting = Meeting.objects.get(schedule=schedule)
    meeting = event_services.meeting_record_outcome(
        meeting=meeting,
        by=alice,
        status="held",
        notes="谈得很好",
        follow_up_owner=alice,
        follow_up_on=dt.date(2025, 4, 1),
        follow_up_done_on=dt.date(2025, 4, 3),
    )
    before = {key: _state(obj) for key, obj in {"org": founded, "project": project}.items()}
    meeting_before = _state(meeting)

    login(page, live_server, "alice", PASSWORD)
    _save_unchanged(
        page,
        f"{live_server.url}/registry/organisations/{founded.pk}/edit/",
        {"founded_on": "2019-07-05"},
    )
    _save_unchanged(
        page,
        f"{live_server.url}/projects/{project.pk}/edit/",
        {"next_follow_up_on": "2026-01-20"},
    )
    _save_unchanged(
        page,
        f"{live_server.url}/events/meetings/{meeting.pk}/outcome/",
        {"follow_up_on": "2025-04-01", "follow_up_done_on": "2025-04-03"},
    )

    after = {key: _state(obj) for key, obj in {"org": founded, "project": project}.items()}
    assert after == before
    assert after["org"]["founded_on"] == dt.date(2019, 7, 5)
    assert after["project"]["next_follow_up_on"] == dt.date(2026, 1, 20)
    meeting_after = _state(meeting)
    assert meeting_after["follow_up_on"] == dt.date(2025, 4, 1)
    assert meeting_after["follow_up_done_on"] == dt.date(2025, 4, 3)
    assert meeting_after == meeting_before


def test_it_shows_default_dates_and_starts_a_screening_without_typing_one(
    page: Any, live_server: Any, alice: Any, org_factory: Any, regions: Any
) -> None:
    from yiqiao.events import services as event_services
    from yiqiao.policies.models import ScreeningRun
    from yiqiao.projects import services as project_services
    from yiqiao.registry.models import Organisation

    today = timezone.localdate().isoformat()
    investor = org_factory("沪上示例医药投资有限公司", kind=Organisation.Kind.INVESTOR)
    project = project_services.project_create(
        data={"title": "示例项目", "investors": [investor], "target_region": regions["park"]},
        by=alice,
    )
    event = event_services.event_create(
        by=alice, title="集中签约仪式", kind="signing", city="锦城", starts_on=dt.date(2025, 6, 1)
    )
    login(page, live_server, "alice", PASSWORD)

    page.goto(f"{live_server.url}/projects/{project.pk}/")
    expect(page.locator("input[name=happened_on]")).to_have_value(today)
    page.goto(f"{live_server.url}/events/{event.pk}/signings/")
    expect(page.locator("input[name=signed_on]")).to_have_value("2025-06-01")
    page.goto(f"{live_server.url}/registry/organisations/{investor.pk}/")
    expect(page.locator("input[name=as_of]")).to_have_value(today)

    page.goto(f"{live_server.url}/policies/runs/")
    expect(page.locator("#run-form input[name=as_of]")).to_have_value(today)
    page.click("#run-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    run = ScreeningRun.objects.get()
    assert run.as_of == timezone.localdate()
    assert page.url.endswith(f"/policies/runs/{run.pk}/")
