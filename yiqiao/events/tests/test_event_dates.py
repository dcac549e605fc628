"""Event signings cannot predate their event; a meeting cannot be held at an event still to
come (issue 10)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from yiqiao.events import services
from yiqiao.events.models import EventSigning, Meeting
from yiqiao.projects.models import Signing

pytestmark = pytest.mark.django_db


def test_it_refuses_a_signing_dated_before_its_event(event: Any, two_orgs: Any, alice: Any) -> None:
    with pytest.raises(ValidationError, match="早于活动开始日期（2026-03-10）"):
        services.event_signing_record(
            event=event,
            by=alice,
            agreement_type="investment",
            amount=Decimal("150000000"),
            currency="CNY",
            parties="桐华区投资促进局、康源医疗",
            new_project_title="康源医疗高端影像设备生产基地",
            investor=two_orgs[0],
            signed_on=dt.date(2026, 3, 9),
        )
    assert EventSigning.objects.count() == 0
    assert Signing.objects.count() == 0


def test_it_refuses_a_held_meeting_at_a_future_event(alice: Any, pair: list[Any]) -> None:
    from yiqiao.events import services as event_services

    event = pair[0].event
    event.starts_on = event.ends_on = timezone.localdate() + dt.timedelta(days=30)
    event.save()
    event_services.request_create(
        event=event, by=alice, requester_id=pair[0].pk, invitee_id=pair[1].pk
    )
    schedule = event_services.schedule_run(event=event, by=alice, time_limit_s=1)
    event_services.schedule_publish(schedule=schedule, by=alice)
    meeting = schedule.meetings.get()
    with pytest.raises(ValidationError, match="活动尚未开始"):
        event_services.meeting_record_outcome(meeting=meeting, by=alice, status="held")
    assert Meeting.objects.get(pk=meeting.pk).status == "scheduled"
