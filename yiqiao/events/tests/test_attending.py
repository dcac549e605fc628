"""An outside organisation's user reads the events its organisation attends, and only its own
part of them (issue 10 QA walk: the enterprise menu offered the events page, which was empty
because events are staff-only).

It sees the event's public facts and programme, its own registration (with its badge) and
whether it was invited; never other registrants, the invitation list, meetings or signings,
and no page of an event it does not attend.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from conftest import make_user
from yiqiao.core.tabular import Table
from yiqiao.events import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def erin(units: Any, two_orgs: Any) -> Any:
    """The user of the first registered enterprise."""
    return make_user("erin", units["portal"], "enterprise", organisation=two_orgs[0])


@pytest.fixture
def session(event: Any, alice: Any) -> Any:
    from yiqiao.events.models import AgendaSession

    start = timezone.make_aware(dt.datetime(2026, 3, 10, 9, 0))
    return AgendaSession.objects.create(
        event=event,
        kind="presentation",
        title="桐华区营商环境推介",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
    )


def test_it_lists_and_shows_the_event_an_enterprise_registered_for(
    client: Any, erin: Any, event: Any, registered: list[Any], session: Any
) -> None:
    mine, other = registered
    services.registration_submit(
        event=event,
        organisation_name=other.organisation_name,
        contact_name="李四",
        contact_phone="13600000000",
    )
    client.force_login(erin)
    listing = client.get("/events/").content.decode()
    assert f'href="/events/{event.pk}/"' in listing
    page = client.get(f"/events/{event.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert event.title in body and session.title in body
    assert mine.checkin_token in body  # its own badge
    # nothing of the other registrant or the organiser's rows; registered: no link to register
    assert other.organisation_name not in body
    assert other.checkin_token not in body
    assert f'href="/events/r/{event.registration_token}/"' not in body
    assert "签约成果" not in body


def test_it_shows_an_invited_enterprise_the_event_with_a_link_to_register(
    client: Any, erin: Any, event: Any, alice: Any, two_orgs: Any
) -> None:
    from yiqiao.events.models import Event

    Event.objects.filter(pk=event.pk).update(
        is_invitation_only=True, starts_on=timezone.localdate(), ends_on=timezone.localdate()
    )
    table = Table(
        headers=["机构名称", "联系人"],
        rows=[(2, [two_orgs[0].name, "赵六"]), (3, [two_orgs[1].name, "钱七"])],
        encoding="",
    )
    services.invitation_import(event=event, table=table, by=alice)
    client.force_login(erin)
    body = client.get(f"/events/{event.pk}/").content.decode()
    assert "已受邀" in body
    assert f'href="/events/r/{event.registration_token}/"' in body
    assert two_orgs[1].name not in body and "钱七" not in body and "赵六" not in body


def test_it_shows_no_event_the_enterprise_does_not_attend(
    client: Any, units: Any, org_factory: Any, event: Any, registered: list[Any]
) -> None:
    stranger = make_user(
        "sam", units["portal"], "enterprise", organisation=org_factory("未报名生物有限公司")
    )
    client.force_login(stranger)
    assert f"/events/{event.pk}/" not in client.get("/events/").content.decode()
    assert client.get(f"/events/{event.pk}/").status_code == 404


@pytest.mark.parametrize(
    "path",
    ["checkin/", "meetings/", "signings/", "report/"],
)
def test_an_attending_enterprise_opens_none_of_the_organisers_pages(
    client: Any, erin: Any, event: Any, registered: list[Any], path: str
) -> None:
    client.force_login(erin)
    assert client.get(f"/events/{event.pk}/{path}").status_code == 404
    assert client.get(f"/api/events/events/{event.pk}/registrations").status_code == 404


def test_attending_reaches_only_the_organisations_own_rows(
    erin: Any, event: Any, registered: list[Any], pair: Any
) -> None:
    from yiqiao.events.access import ATTEND
    from yiqiao.events.models import Meeting, Participant, Registration

    assert list(Registration.objects.restrict(erin, ATTEND)) == [registered[0]]
    assert not Participant.objects.restrict(erin, ATTEND).exists()
    assert not Meeting.objects.restrict(erin, ATTEND).exists()
    assert not Registration.objects.restrict(erin, "view").exists()


def test_the_menu_offers_an_outside_user_its_events(client: Any, erin: Any) -> None:
    client.force_login(erin)
    assert 'href="/events/">我的活动</a>' in client.get("/").content.decode()
