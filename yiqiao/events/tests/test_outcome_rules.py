"""Meeting outcomes and event dates as officers hit them (issue 10): a company already in the
pipeline gets no second lead, an attendee not in the register is refused with what to do, and a
mistyped far-future year is refused with the latest date allowed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from yiqiao.events import services
from yiqiao.events.models import Meeting, latest_event_date
from yiqiao.events.services import meetings

pytestmark = pytest.mark.django_db


def _meeting(event: Any, a: Any, b: Any, alice: Any) -> Meeting:
    meetings.request_create(event=event, by=alice, requester_id=a.pk, invitee_id=b.pk)
    schedule = meetings.schedule_run(event=event, by=alice, time_limit_s=1)
    meetings.schedule_publish(schedule=schedule, by=alice)
    return schedule.meetings.get()


def test_it_links_a_company_already_in_the_pipeline_instead_of_a_second_lead(
    event: Any, pair: list[Any], alice: Any, regions: Any
) -> None:
    from yiqiao.projects import services as project_services
    from yiqiao.projects.models import Activity, Project

    investor = pair[1].registration.organisation
    project = project_services.project_create(
        data={
            "title": "启明生物研发中心",
            "investors": [investor],
            "target_region": regions["park"],
        },
        by=alice,
    )
    meeting = _meeting(event, pair[0], pair[1], alice)

    for _ in range(2):
        meeting = services.meeting_record_outcome(
            meeting=meeting, by=alice, status="held", invest_interest=True, investor_side="invitee"
        )

    assert meeting.project == project
    assert Project.objects.count() == 1
    contacts = Activity.objects.filter(project=project, kind="event")
    assert contacts.count() == 1
    assert event.title in contacts.get().summary


def test_it_still_makes_a_lead_when_the_companys_project_was_terminated(
    event: Any, pair: list[Any], alice: Any, regions: Any
) -> None:
    from yiqiao.projects import services as project_services
    from yiqiao.projects.models import Project

    investor = pair[1].registration.organisation
    old = project_services.project_create(
        data={"title": "启明旧项目", "investors": [investor], "target_region": regions["park"]},
        by=alice,
    )
    Project.objects.filter(pk=old.pk).update(stage="lost")
    meeting = _meeting(event, pair[0], pair[1], alice)

    meeting = services.meeting_record_outcome(
        meeting=meeting, by=alice, status="held", invest_interest=True, investor_side="invitee"
    )

    assert meeting.project != old
    assert Project.objects.count() == 2


def test_it_refuses_an_attendee_not_in_the_register_and_says_what_to_do(
    event: Any, pair: list[Any], alice: Any
) -> None:
    from yiqiao.projects.models import Project

    stranger = services.registration_submit(
        event=event,
        organisation_name="沪上未收录医药有限公司",
        uscc="",
        contact_name="李四",
        contact_phone="13900000000",
    ).registration
    assert stranger.organisation is None
    newcomer = meetings.participant_add(event=event, by=alice, registration=stranger)
    meeting = _meeting(event, pair[0], newcomer, alice)

    with pytest.raises(ValidationError) as refused:
        services.meeting_record_outcome(
            meeting=meeting, by=alice, status="held", invest_interest=True, investor_side="invitee"
        )

    assert refused.value.messages == [
        "“沪上未收录医药有限公司”尚未收录到机构名录：请在签到页“现场登记并签到”中"
        "填写其名称与所在区域，加入名录并关联后再登记"
    ]
    meeting.refresh_from_db()
    assert meeting.status == "scheduled"
    assert Project.objects.count() == 0


@pytest.mark.parametrize("starts_on", [dt.date(9999, 12, 31), dt.date(2205, 3, 1)])
def test_it_refuses_an_event_dated_far_in_the_future(alice: Any, starts_on: dt.date) -> None:
    from yiqiao.events.models import Event

    latest = latest_event_date(timezone.localdate())
    with pytest.raises(ValidationError) as refused:
        services.event_create(
            by=alice, title="远期活动", kind="promotion", city="锦城", starts_on=starts_on
        )

    assert refused.value.message_dict["starts_on"] == [
        f"开始日期 {starts_on.isoformat()} 太远：活动日期最晚为 {latest.isoformat()}"
        "（今天起5年内），请检查年份"
    ]
    assert Event.objects.count() == 0


def test_it_accepts_an_event_on_the_latest_day_and_refuses_the_day_after_on_the_page(
    client_for: Any, alice: Any
) -> None:
    from yiqiao.events.models import Event

    latest = latest_event_date(timezone.localdate())
    client = client_for(alice)
    form = {
        "title": "桐华区推介会",
        "kind": "promotion",
        "city": "锦城",
        "slot_minutes": 20,
        "meetings_start": "14:00",
        "slot_count": 8,
        "table_count": 4,
    }

    refused = client.post("/events/new/", {**form, "starts_on": latest + dt.timedelta(days=1)})
    assert refused.status_code == 200
    assert "太远：活动日期最晚为" in refused.content.decode()
    assert Event.objects.count() == 0
    made = client.post("/events/new/", {**form, "starts_on": latest})
    assert made.status_code == 302
    assert Event.objects.get().starts_on == latest
