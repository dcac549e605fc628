"""Pages and API of the events app: scoping, public registration, query counts, report."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from yiqiao.core.models import AuditEvent
from yiqiao.events import services
from yiqiao.events.models import Event, MeetingRequest, Registration
from yiqiao.events.services import meetings

pytestmark = pytest.mark.django_db


def _sheet(content: bytes) -> Any:
    return load_workbook(io.BytesIO(content)).worksheets[0]


def _scheduled(event: Any, pair: list[Any], alice: Any) -> Any:
    a, b = pair
    meetings.request_create(event=event, by=alice, requester_id=a.pk, invitee_id=b.pk)
    meetings.request_create(event=event, by=alice, requester_id=b.pk, invitee_id=a.pk)
    schedule = meetings.schedule_run(event=event, by=alice, time_limit_s=1)
    return meetings.schedule_publish(schedule=schedule, by=alice)


def test_it_refuses_the_outsider_everywhere_and_changes_nothing(
    client_for: Any, charlie: Any, event: Any, pair: list[Any], alice: Any, registered: list[Any]
) -> None:
    schedule = _scheduled(event, pair, alice)
    meeting = schedule.meetings.first()
    client = client_for(charlie)
    audit_before = AuditEvent.objects.count()
    pages = [
        ("get", reverse("events:event-detail", args=[event.pk]), {}),
        ("get", reverse("events:meetings", args=[event.pk]), {}),
        ("get", reverse("events:report", args=[event.pk]), {}),
        ("get", reverse("events:checkin-list", args=[event.pk]), {}),
        ("get", reverse("events:agenda", args=[pair[0].pk]), {}),
        ("get", reverse("events:signings", args=[event.pk]), {}),
        ("post", reverse("events:checkin", args=[registered[0].pk]), {}),
        ("post", reverse("events:request-add", args=[event.pk]), {"requester": 1, "invitee": 2}),
        ("post", reverse("events:schedule-run", args=[event.pk]), {"time_limit_s": 1}),
        ("post", reverse("events:participant-cancel", args=[pair[0].pk]), {}),
        ("post", reverse("events:meeting-outcome", args=[meeting.pk]), {"status": "held"}),
        (
            "post",
            reverse("events:signings", args=[event.pk]),
            {"parties": "x", "agreement_type": "investment", "amount": "1", "currency": "CNY"},
        ),
        ("get", f"/api/events/events/{event.pk}", {}),
        ("get", f"/api/events/events/{event.pk}/report", {}),
        ("get", f"/api/events/schedules/{schedule.pk}/meetings", {}),
    ]
    for method, url, data in pages:
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, url
    response = client.post(
        f"/api/events/events/{event.pk}/schedule-runs",
        data=json.dumps({"time_limit_s": 1}),
        content_type="application/json",
    )
    assert response.status_code == 404
    listing = client.get(reverse("events:event-list"))
    assert listing.status_code == 200
    assert event.title not in listing.content.decode()
    assert client.get("/api/events/events").json() == []
    assert AuditEvent.objects.count() == audit_before
    assert Registration.objects.filter(checked_in_at__isnull=False).count() == 0
    assert event.schedules.count() == 1
    assert schedule.meetings.filter(status="scheduled").count() == schedule.meetings.count()


def test_it_lets_a_viewer_read_but_not_write(
    client_for: Any, viewer: Any, event: Any, registered: list[Any]
) -> None:
    client = client_for(viewer)
    assert client.get(reverse("events:event-detail", args=[event.pk])).status_code == 200
    response = client.post(reverse("events:checkin", args=[registered[0].pk]))
    assert response.status_code == 403
    assert Registration.objects.filter(checked_in_at__isnull=False).count() == 0


def test_it_registers_through_the_public_link_once(client: Any, event: Any, two_orgs: Any) -> None:
    url = reverse("events:register", args=[event.registration_token])
    data = {
        "organisation_name": two_orgs[0].name,
        "contact_name": "张三",
        "contact_phone": "13800000000",
        "attendees": 2,
    }
    first = client.post(url, data)
    # the same contact, phone written another way, finds the registration again
    second = client.post(
        url,
        {
            **data,
            "uscc": two_orgs[0].uscc,
            "contact_name": "李四",
            "contact_phone": "+86 138-0000-0000",
        },
    )
    registration = Registration.objects.get()
    badge = reverse("events:badge", args=[event.registration_token, registration.checkin_token])
    assert first.status_code == 302
    assert first["Location"] == badge
    assert second["Location"] == badge
    assert registration.contact_name == "张三"
    assert registration.organisation == two_orgs[0]
    page = client.get(badge).content.decode()
    assert registration.checkin_token in page
    assert client.get(reverse("events:register", args=["guess"])).status_code == 404


def test_it_shows_a_registration_only_to_its_own_contact(
    client: Any, event: Any, two_orgs: Any
) -> None:
    """Issue 10, M2: the public link, posted with another registrant's organisation name (or
    credit code), redirected to that registrant's badge with its contact and check-in code."""
    url = reverse("events:register", args=[event.registration_token])
    data = {
        "organisation_name": two_orgs[0].name,
        "contact_name": "张三",
        "contact_phone": "13800000000",
        "attendees": 2,
    }
    client.post(url, data)
    registration = Registration.objects.get()
    for probe in (
        {**data, "contact_name": "冒名者", "contact_phone": "13900000000"},
        {**data, "uscc": two_orgs[0].uscc, "contact_name": "冒名者", "contact_phone": "0000"},
        {
            **data,
            "organisation_name": f" {two_orgs[0].name} ",
            "contact_name": "冒名者",
            "contact_phone": "138000000",
        },
    ):
        response = client.post(url, probe)
        page = response.content.decode()
        assert response.status_code == 200, "no redirect to the badge"
        assert "该机构已报名" in page
        assert registration.checkin_token not in page
        assert "张三" not in page
    assert Registration.objects.get() == registration
    registration.refresh_from_db()
    assert (registration.contact_name, registration.contact_phone) == ("张三", "13800000000")
    assert registration.attendees == 2


def test_it_checks_in_from_the_search_list(
    client_for: Any, alice: Any, event: Any, registered: list[Any]
) -> None:
    client = client_for(alice)
    page = client.get(reverse("events:checkin-list", args=[event.pk]), {"q": "康源"})
    # The search list only: the walk-in form below it offers the register's organisations.
    rows = page.content.decode().split('id="checkin-rows"', 1)[1].split("</div>", 1)[0]
    assert registered[0].organisation_name in rows
    assert registered[1].organisation_name not in rows
    client.post(reverse("events:checkin", args=[registered[0].pk]))
    registered[0].refresh_from_db()
    assert registered[0].checked_in_at is not None


def test_it_keeps_event_list_queries_flat(
    client_for: Any, alice: Any, django_assert_max_num_queries: Any, org_factory: Any
) -> None:
    client = client_for(alice)
    for i in range(6):
        event = services.event_create(
            by=alice,
            title=f"活动{i}",
            kind="salon",
            city="锦城",
            starts_on=dt.date(2026, 1, i + 1),
            is_invitation_only=False,
        )
        for j in range(3):
            services.registration_submit(
                event=event, organisation_name=f"企业{i}-{j}", contact_name="a", contact_phone="1"
            )
    with django_assert_max_num_queries(5):
        response = client.get(reverse("events:event-list"))
    assert response.status_code == 200
    assert response.content.decode().count("/events/") >= 6


def test_it_keeps_report_queries_flat(
    client_for: Any,
    alice: Any,
    event: Any,
    pair: list[Any],
    django_assert_max_num_queries: Any,
) -> None:
    schedule = _scheduled(event, pair, alice)
    meeting = schedule.meetings.get()
    services.meeting_record_outcome(
        meeting=meeting, by=alice, status="held", need_category="space", need_text="需要厂房"
    )
    for i in range(3):
        services.event_signing_record(
            event=event,
            by=alice,
            agreement_type="investment",
            amount=Decimal("1000000"),
            currency="CNY",
            parties="甲、乙",
            new_project_title=f"项目{i}",
        )
    client = client_for(alice)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("events:report", args=[event.pk]))
    html = response.content.decode()
    assert '<b id="fig-held">1</b>' in html
    assert '<b id="fig-scheduled">1</b>' in html
    assert '<span id="fig-demands">1</span>' in html
    assert "3 个项目，0.03 亿元" in html


def test_it_exports_the_report_and_an_agenda_as_xlsx(
    client_for: Any, alice: Any, event: Any, pair: list[Any]
) -> None:
    _scheduled(event, pair, alice)
    client = client_for(alice)
    report = client.get(reverse("events:report", args=[event.pk]), {"format": "xlsx"})
    rows = list(_sheet(report.content).iter_rows(values_only=True))
    assert ("已安排会谈", 1) in rows
    assert ("对接请求", 1) in rows
    assert ("其中双向", 1) in rows
    agenda = client.get(reverse("events:agenda", args=[pair[0].pk]), {"format": "xlsx"})
    rows = list(_sheet(agenda.content).iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][2] == pair[1].name


def test_it_refuses_bad_requests_through_the_api_with_a_message(
    client_for: Any, alice: Any, event: Any, pair: list[Any]
) -> None:
    client = client_for(alice)
    url = f"/api/events/events/{event.pk}/requests"
    body = {"requester_id": pair[0].pk, "invitee_id": pair[0].pk}
    response = client.post(url, data=json.dumps(body), content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"] == "不能向自己发起对接请求"
    body["invitee_id"] = pair[1].pk
    response = client.post(url, data=json.dumps(body), content_type="application/json")
    assert response.status_code == 201
    assert MeetingRequest.objects.count() == 1


def test_it_runs_a_schedule_and_reports_through_the_api(
    client_for: Any, alice: Any, event: Any, pair: list[Any]
) -> None:
    client = client_for(alice)
    meetings.request_create(event=event, by=alice, requester_id=pair[0].pk, invitee_id=pair[1].pk)
    response = client.post(
        f"/api/events/events/{event.pk}/schedule-runs",
        data=json.dumps({"time_limit_s": 1}),
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["breakdown"]["meetings"] == 1
    report = client.get(f"/api/events/events/{event.pk}/report").json()
    assert report["requests"] == {"total": 1, "mutual": 0}
    assert report["headline"]["text"] == "0 个项目，0 亿元"
    assert Event.objects.count() == 1


def test_it_adds_programme_items_from_the_event_page(
    client_for: Any, alice: Any, event: Any, registered: list[Any]
) -> None:
    client = client_for(alice)
    base = "events:programme-add"
    client.post(
        reverse(base, args=[event.pk, "session"]),
        {
            "kind": "presentation",
            "title": "桐华区投资环境推介",
            "starts_at": "2026-03-10T09:30",
            "ends_at": "2026-03-10T10:00",
        },
    )
    client.post(
        reverse(base, args=[event.pk, "product"]),
        {"organisation": registered[0].organisation_id, "name": "便携式超声", "category": "影像"},
    )
    response = client.post(
        reverse(base, args=[event.pk, "product"]), {"organisation": 999_999, "name": "x"}
    )
    assert response.status_code == 302
    page = client.get(reverse("events:event-detail", args=[event.pk])).content.decode()
    assert "桐华区投资环境推介" in page
    assert "便携式超声" in page
    assert event.products.count() == 1
    assert event.sessions.count() == 1


def test_it_shows_the_events_panel_on_the_organisation_page(
    client_for: Any, alice: Any, charlie: Any, event: Any, registered: list[Any]
) -> None:
    url = reverse("registry:organisation-detail", args=[registered[0].organisation_id])
    page = client_for(alice).get(url).content.decode()
    assert 'id="events-panel"' in page
    assert event.title in page


def test_it_records_outcomes_and_signings_through_the_api(
    client_for: Any, alice: Any, event: Any, pair: list[Any]
) -> None:
    from yiqiao.demands.models import Demand

    schedule = _scheduled(event, pair, alice)
    meeting = schedule.meetings.get()
    client = client_for(alice)
    url = f"/api/events/meetings/{meeting.pk}/outcome"
    body = {
        "status": "held",
        "need_category": "talent",
        "need_text": "招聘临床注册专员",
        "row_version": 1,
    }
    first = client.post(url, data=json.dumps(body), content_type="application/json")
    stale = client.post(url, data=json.dumps(body), content_type="application/json")
    assert first.status_code == 200
    assert first.json()["demand_id"] == Demand.objects.get().pk
    assert stale.status_code == 409
    signing = {
        "agreement_type": "framework",
        "amount": "80000000",
        "currency": "CNY",
        "parties": "桐华区、启明生物",
        "new_project_title": "启明生物华东总部",
    }
    url = f"/api/events/events/{event.pk}/signings"
    created = client.post(url, data=json.dumps(signing), content_type="application/json")
    again = client.post(url, data=json.dumps(signing), content_type="application/json")
    assert created.status_code == 201
    assert again.status_code == 422
    assert "同一协议不重复计入" in again.json()["detail"]
    report = client.get(f"/api/events/events/{event.pk}/report").json()
    assert report["headline"]["text"] == "1 个项目，0.80 亿元"
    assert report["needs"]["total"] == 1
    assert report["meetings"] == {"scheduled": 1, "held": 1, "no_show": 0}
