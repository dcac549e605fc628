"""An attendee who arrives unregistered, whose organisation may not be in the register yet, is
recorded and checked in in one step (issue 10): the organisation is found among what the officer
may see or added inline (validated, maintained by the officer's unit), never duplicated, and
refusals write nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from yiqiao.core.models import AuditEvent
from yiqiao.events import services
from yiqiao.events.models import Registration
from yiqiao.registry.models import Organisation

pytestmark = pytest.mark.django_db


def _walk_in(client: Any, event: Any, **data: Any) -> Any:
    data.setdefault("contact_name", "王五")
    data.setdefault("contact_phone", "13700000000")
    data.setdefault("attendees", "1")
    return client.post(reverse("events:checkin-walk-in", args=[event.pk]), data)


def test_it_records_and_checks_in_an_attendee_new_to_the_register_in_one_step(
    event: Any, alice: Any, units: Any, regions: Any, client_for: Any
) -> None:
    client = client_for(alice)
    page = client.get(reverse("events:checkin-list", args=[event.pk])).content.decode()
    assert 'id="walk-in"' in page and "新机构名称" in page

    response = _walk_in(
        client, event, new_name="沪上新来医药有限公司", new_kind="enterprise",
        new_region=regions["other"].pk,  # an outside company sits where it really is
    )  # fmt: skip

    assert response.status_code == 302, response.content.decode()[:2000]
    org = Organisation.objects.get(name="沪上新来医药有限公司")
    assert org.owner_unit == units["bureau"] and org.region == regions["other"]
    registration = Registration.objects.get(event=event)
    assert registration.organisation == org
    assert registration.checked_in_at is not None
    assert AuditEvent.objects.filter(object_id=str(org.pk), action="create").exists()
    rows = client.get(reverse("events:checkin-list", args=[event.pk])).content.decode()
    assert "沪上新来医药有限公司" in rows and "已签到" in rows and "名录未收录" not in rows


def test_it_links_an_organisation_already_in_the_register_instead_of_adding_it_again(
    event: Any, alice: Any, org_factory: Any, regions: Any, client_for: Any
) -> None:
    known = org_factory("桐华康源医疗器械有限公司")
    client = client_for(alice)
    typed = _walk_in(
        client, event, new_name="桐华康源医疗器械有限公司 ", new_region=regions["district"].pk
    )
    assert typed.status_code == 302
    picked = _walk_in(client, event, organisation=known.pk, contact_name="赵六")
    assert picked.status_code == 302
    assert Organisation.objects.filter(name_normalised=known.name_normalised).count() == 1
    registration = Registration.objects.get(event=event)  # the same organisation once
    assert registration.organisation == known and registration.checked_in_at is not None


def test_it_refuses_an_incomplete_walk_in_with_the_reason_and_writes_nothing(
    event: Any, alice: Any, client_for: Any
) -> None:
    client = client_for(alice)
    organisations = Organisation.objects.count()
    no_region = _walk_in(client, event, new_name="未填区域生物科技有限公司")
    nothing = _walk_in(client, event)
    no_phone = _walk_in(client, event, new_name="甲", contact_phone="")

    assert no_region.status_code == 422
    assert "新机构请选择所在区域" in no_region.content.decode()
    assert nothing.status_code == 422
    assert "请选择名录中的机构，或填写新机构的名称与所在区域" in nothing.content.decode()
    assert no_phone.status_code == 422
    assert Organisation.objects.count() == organisations
    assert not Registration.objects.filter(event=event).exists()


def test_it_keeps_a_walk_in_to_what_the_officer_may_see(
    event: Any, alice: Any, charlie: Any, viewer: Any, org_factory: Any, units: Any,
    regions: Any, client_for: Any,
) -> None:  # fmt: skip
    elsewhere = org_factory("北山区外地企业", region=regions["other"], owner_unit=units["outsider"])
    client = client_for(alice)
    refused = _walk_in(client, event, organisation=elsewhere.pk)
    assert refused.status_code == 422
    assert "北山区外地企业" not in refused.content.decode()
    # A name typed that only another district's register holds is a new record of our own,
    # never a link to theirs.
    _walk_in(client, event, new_name="北山区外地企业", new_region=regions["district"].pk)
    registration = Registration.objects.get(event=event)
    assert registration.organisation != elsewhere
    assert registration.organisation.owner_unit == units["bureau"]
    for other in (charlie, viewer):
        answer = _walk_in(
            client_for(other), event, new_name="乙公司", new_region=regions["district"].pk
        )
        assert answer.status_code in (403, 404)
    assert Registration.objects.filter(event=event).count() == 1


def test_it_records_a_meeting_outcome_for_a_walk_in_without_a_second_step(
    event: Any, alice: Any, registered: list[Any], regions: Any
) -> None:
    from yiqiao.events.services import meetings
    from yiqiao.projects.models import Project

    walk_in = services.registration_walk_in(
        event=event, by=alice, contact_name="王五", contact_phone="13700000000",
        new_name="沪上新来医药有限公司", new_kind="investor", new_region=regions["district"],
    )  # fmt: skip
    known = meetings.participant_add(event=event, by=alice, registration=registered[0])
    newcomer = meetings.participant_add(event=event, by=alice, registration=walk_in)
    meetings.request_create(event=event, by=alice, requester_id=known.pk, invitee_id=newcomer.pk)
    schedule = meetings.schedule_run(event=event, by=alice, time_limit_s=1)
    meetings.schedule_publish(schedule=schedule, by=alice)
    meeting = services.meeting_record_outcome(
        meeting=schedule.meetings.get(), by=alice, status="held",
        invest_interest=True, investor_side="invitee",
    )  # fmt: skip
    assert meeting.project is not None
    assert list(Project.objects.get(pk=meeting.project.pk).investors.all()) == [
        walk_in.organisation
    ]


def test_it_adds_a_registered_attendees_organisation_and_links_it_in_the_same_step(
    event: Any, alice: Any, regions: Any, client_for: Any
) -> None:
    # Registered through the public link, but not in the register: the outcome of its meetings
    # was refused until someone added the organisation and linked it elsewhere.
    public = services.registration_submit(
        event=event, organisation_name="沪上未收录医药有限公司", uscc="",
        contact_name="李四", contact_phone="13900000000",
    ).registration  # fmt: skip
    assert public.organisation is None
    response = _walk_in(
        client_for(alice), event, new_name="沪上未收录医药有限公司",
        new_region=regions["district"].pk, contact_name="李四", contact_phone="13900000000",
    )  # fmt: skip
    assert response.status_code == 302
    public.refresh_from_db()
    assert public.organisation is not None and public.organisation.name == "沪上未收录医药有限公司"
    assert public.checked_in_at is not None
    assert Registration.objects.filter(event=event).count() == 1
