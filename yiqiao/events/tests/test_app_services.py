"""Services of the events app: registrations, requests, scheduling, outcomes, signings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from yiqiao.core.tabular import Table
from yiqiao.events import queries, services
from yiqiao.events.models import (
    Event,
    Meeting,
    MeetingRequest,
    MeetingSeat,
    Participant,
    Registration,
)
from yiqiao.events.services import meetings

pytestmark = pytest.mark.django_db


def test_it_returns_the_existing_registration_when_registering_twice(
    event: Any, two_orgs: Any
) -> None:
    org = two_orgs[0]
    first = services.registration_submit(
        event=event, organisation_name=org.name, contact_name="张三", contact_phone="138"
    )
    # Same company written differently (full-width brackets and legal form) and with its code.
    again = services.registration_submit(
        event=event,
        organisation_name="桐华康源医疗器械有限责任公司",
        uscc=org.uscc,
        contact_name="李四",
        contact_phone="139",
    )
    assert first.is_existing is False
    assert again.is_existing is True
    assert again.registration.pk == first.registration.pk
    assert first.registration.organisation == org
    assert Registration.objects.filter(event=event).count() == 1


def test_it_leaves_an_unknown_organisation_unlinked_as_a_suggestion(event: Any) -> None:
    result = services.registration_submit(
        event=event,
        organisation_name="外地新锐生物有限公司",
        contact_name="王五",
        contact_phone="1",
    )
    assert result.registration.organisation is None


def test_it_refuses_registration_from_an_uninvited_organisation(event: Any, alice: Any) -> None:
    Event.objects.filter(pk=event.pk).update(is_invitation_only=True)
    event.refresh_from_db()
    table = Table(
        headers=["机构名称", "联系人"], rows=[(2, ["受邀医疗有限公司", "赵六"])], encoding=""
    )
    assert services.invitation_import(event=event, table=table, by=alice).created == 1
    with pytest.raises(ValidationError, match="仅限受邀机构"):
        services.registration_submit(
            event=event, organisation_name="不请自来有限公司", contact_name="a", contact_phone="1"
        )
    ok = services.registration_submit(
        event=event, organisation_name="受邀医疗有限公司", contact_name="a", contact_phone="1"
    )
    assert ok.registration.invitation is not None
    assert Registration.objects.filter(event=event).count() == 1


def test_it_imports_invitations_all_or_nothing_and_skips_known_names(
    event: Any, alice: Any
) -> None:
    bad = Table(
        headers=["机构名称", "统一社会信用代码"],
        rows=[(2, ["甲医疗有限公司", ""]), (3, ["乙生物有限公司", "123"])],
        encoding="",
    )
    result = services.invitation_import(event=event, table=bad, by=alice)
    assert result.created == 0
    assert len(result.errors) == 1
    assert result.errors[0].startswith("第3行")
    assert event.invitations.count() == 0
    good = Table(
        headers=["机构名称"], rows=[(2, ["甲医疗有限公司"]), (3, ["甲医疗公司"])], encoding=""
    )
    assert services.invitation_import(event=event, table=good, by=alice).created == 1
    assert event.invitations.count() == 1


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("self", "不能向自己发起对接请求"),
        ("unknown", "不在本活动的对接名单中"),
        ("duplicate", "已向"),
        ("no_overlap", "没有共同的可约时段"),
    ],
)
def test_it_refuses_invalid_meeting_requests(
    case: str, message: str, event: Any, pair: list[Any], alice: Any
) -> None:
    a, b = pair
    if case == "duplicate":
        meetings.request_create(event=event, by=alice, requester_id=a.pk, invitee_id=b.pk)
    if case == "no_overlap":
        Participant.objects.filter(pk=a.pk).update(first_slot=0, last_slot=1)
        Participant.objects.filter(pk=b.pk).update(first_slot=3, last_slot=5)
    invitee = {"self": a.pk, "unknown": 999_999}.get(case, b.pk)
    before = MeetingRequest.objects.count()
    with pytest.raises(ValidationError, match=message):
        meetings.request_create(event=event, by=alice, requester_id=a.pk, invitee_id=invitee)
    assert MeetingRequest.objects.count() == before


def test_it_makes_one_mutual_request_when_both_sides_ask(
    event: Any, pair: list[Any], alice: Any
) -> None:
    a, b = pair
    first = meetings.request_create(event=event, by=alice, requester_id=a.pk, invitee_id=b.pk)
    second = meetings.request_create(event=event, by=alice, requester_id=b.pk, invitee_id=a.pk)
    assert second.pk == first.pk
    assert MeetingRequest.objects.get().is_mutual is True
    with pytest.raises(ValidationError, match="已是双向"):
        meetings.request_create(event=event, by=alice, requester_id=b.pk, invitee_id=a.pk)


def test_it_refuses_more_tables_than_seats(alice: Any) -> None:
    with pytest.raises(ValidationError, match="超过了座位数"):
        services.event_create(
            by=alice,
            title="对接会",
            kind="matchmaking",
            city="锦城",
            starts_on=dt.date(2026, 3, 1),
            table_count=6,
            seats=10,
        )
    assert Event.objects.count() == 0


def _many_participants(event: Any, alice: Any, n: int) -> list[Any]:
    return [
        meetings.participant_add(event=event, by=alice, department_name=f"部门{i}")
        for i in range(n)
    ]


def test_it_schedules_without_double_booking(
    event: Any, alice: Any, django_capture_on_commit_callbacks: Any
) -> None:
    people = _many_participants(event, alice, 8)
    for i, a in enumerate(people):
        for b in people[i + 1 : i + 4]:
            meetings.request_create(event=event, by=alice, requester_id=a.pk, invitee_id=b.pk)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        schedule = meetings.schedule_run(event=event, by=alice, time_limit_s=1)
    assert len(callbacks) == 1
    schedule.refresh_from_db()
    rows = list(schedule.meetings.select_related("request"))
    assert schedule.status == "done"
    assert len(rows) == schedule.breakdown["meetings"]
    assert len(rows) > 0
    slots_tables = [(m.slot, m.table) for m in rows]
    assert len(slots_tables) == len(set(slots_tables))
    busy = [(p, m.slot) for m in rows for p in (m.request.requester_id, m.request.invitee_id)]
    assert len(busy) == len(set(busy))
    assert MeetingSeat.objects.filter(schedule=schedule).count() == 2 * len(rows)
    # The database itself refuses a second meeting for a participant in the same slot.
    taken = rows[0]
    other = (
        MeetingRequest.objects.exclude(meetings__schedule=schedule)
        .filter(requester_id=taken.request.requester_id)
        .first()
        or MeetingRequest.objects.exclude(pk=taken.request_id).first()
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingSeat.objects.create(
            schedule=schedule,
            meeting=taken,
            participant_id=taken.request.requester_id,
            slot=taken.slot,
        )
    assert other is not None


def test_it_replans_a_cancellation_without_moving_anyone_else(event: Any, alice: Any) -> None:
    people = _many_participants(event, alice, 7)
    for i, a in enumerate(people):
        for b in people[i + 1 :]:
            meetings.request_create(event=event, by=alice, requester_id=a.pk, invitee_id=b.pk)
    schedule = meetings.schedule_run(event=event, by=alice, time_limit_s=1)
    meetings.schedule_publish(schedule=schedule, by=alice)
    leaving = people[0]
    before = {
        m.pk: (m.request_id, m.slot, m.table)
        for m in schedule.meetings.select_related("request")
        if leaving.pk not in (m.request.requester_id, m.request.invitee_id)
    }
    assert before
    meetings.participant_cancel(participant=leaving, by=alice)
    after = {m.pk: (m.request_id, m.slot, m.table) for m in schedule.meetings.all()}
    for pk, place in before.items():
        assert after[pk] == place
    assert not Meeting.objects.filter(schedule=schedule, seats__participant=leaving).exists()
    with pytest.raises(ValidationError, match="已退出"):
        meetings.participant_cancel(participant=leaving, by=alice)


def test_it_honours_pins_and_forbids(event: Any, pair: list[Any], alice: Any) -> None:
    a, b = pair
    c = meetings.participant_add(event=event, by=alice, department_name="区卫健委")
    ab = meetings.request_create(event=event, by=alice, requester_id=a.pk, invitee_id=b.pk)
    ac = meetings.request_create(event=event, by=alice, requester_id=a.pk, invitee_id=c.pk)
    meetings.rule_set(request=ab, by=alice, kind="pin", slot=4, table=2)
    meetings.rule_set(request=ac, by=alice, kind="forbid", reason="部门当天无人")
    schedule = meetings.schedule_run(event=event, by=alice, time_limit_s=1)
    placed = {m.request_id: (m.slot, m.table) for m in schedule.meetings.all()}
    assert placed == {ab.pk: (4, 2)}


def _published_meeting(event: Any, pair: list[Any], alice: Any) -> Meeting:
    a, b = pair
    meetings.request_create(event=event, by=alice, requester_id=a.pk, invitee_id=b.pk)
    schedule = meetings.schedule_run(event=event, by=alice, time_limit_s=1)
    meetings.schedule_publish(schedule=schedule, by=alice)
    return schedule.meetings.get()


def test_it_creates_exactly_one_demand_and_one_lead_from_a_meeting(
    event: Any, pair: list[Any], alice: Any
) -> None:
    from yiqiao.demands.models import Demand
    from yiqiao.projects.models import Project

    meeting = _published_meeting(event, pair, alice)
    for _ in range(2):
        meeting = services.meeting_record_outcome(
            meeting=meeting,
            by=alice,
            status="held",
            notes="谈得很好",
            need_category="space",
            need_text="需要2000平方米GMP厂房",
            invest_interest=True,
            investor_side="invitee",
            follow_up_owner=alice,
            follow_up_on=dt.date(2026, 4, 1),
        )
    demands = list(Demand.objects.filter(source_event_id=event.pk))
    assert len(demands) == 1
    assert demands[0].channel == "event"
    assert demands[0].organisation == pair[0].registration.organisation
    projects = list(Project.objects.filter(source_ref=f"events:meeting:{meeting.pk}"))
    assert len(projects) == 1
    assert list(projects[0].investors.all()) == [pair[1].registration.organisation]
    assert meeting.demand == demands[0]
    assert meeting.project == projects[0]


def test_it_refuses_a_need_on_a_no_show(event: Any, pair: list[Any], alice: Any) -> None:
    from yiqiao.demands.models import Demand

    meeting = _published_meeting(event, pair, alice)
    with pytest.raises(ValidationError, match="未出席"):
        services.meeting_record_outcome(
            meeting=meeting, by=alice, status="no_show", need_text="要厂房"
        )
    assert Demand.objects.count() == 0


def _later_event(alice: Any) -> Any:
    return services.event_create(
        by=alice,
        title="桐华区集中签约仪式",
        kind="signing",
        city="锦城",
        starts_on=dt.date(2026, 6, 1),
    )


def test_it_counts_a_project_signed_again_at_a_later_event_once(
    event: Any, two_orgs: Any, alice: Any
) -> None:
    first = services.event_signing_record(
        event=event,
        by=alice,
        agreement_type="framework",
        amount=Decimal("150000000"),
        currency="CNY",
        parties="桐华区投资促进局、康源医疗",
        new_project_title="康源医疗高端影像设备生产基地",
        investor=two_orgs[0],
    )
    services.event_signing_record(
        event=event,
        by=alice,
        agreement_type="investment",
        amount=Decimal("10000000"),
        currency="USD",
        parties="桐华区投资促进局、启明生物",
        new_project_title="启明生物mRNA研发中心",
        project_count=2,
    )
    later = _later_event(alice)
    services.event_signing_record(
        event=later,
        by=alice,
        agreement_type="investment",
        amount=Decimal("300000000"),
        currency="CNY",
        parties="桐华区人民政府、康源医疗",
        project=first.project,
    )
    figures, _rows = queries.headline(event)
    assert figures.projects == 3
    assert figures.amounts == {"CNY": Decimal("150000000"), "USD": Decimal("10000000")}
    assert figures.amount_text() == "1.50 亿元，0.10 亿USD"
    later_figures, _rows = queries.headline(later)
    assert later_figures.projects == 0
    assert later_figures.amounts == {}
    assert [r.project_id for r in later_figures.repeated] == [first.project_id]


def test_it_refuses_the_same_agreement_twice(event: Any, alice: Any) -> None:
    from yiqiao.projects.models import Signing

    record = services.event_signing_record(
        event=event,
        by=alice,
        agreement_type="investment",
        amount=Decimal("5000000"),
        currency="CNY",
        parties="甲、乙",
        new_project_title="某诊断试剂项目",
    )
    with pytest.raises(ValidationError, match="同一协议不重复计入"):
        services.event_signing_record(
            event=event,
            by=alice,
            agreement_type="investment",
            amount=Decimal("5000000"),
            currency="CNY",
            parties="甲、乙",
            project=record.project,
        )
    assert Signing.objects.count() == 1
    assert queries.headline(event)[0].projects == 1


def test_it_keeps_the_first_check_in_time(event: Any, registered: list[Any], alice: Any) -> None:
    at = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
    reg = services.registration_check_in(registration=registered[0], by=alice, now=at)
    again = services.registration_check_in(
        registration=reg, by=alice, now=at + dt.timedelta(hours=1)
    )
    assert again.checked_in_at == at


def test_it_cancels_a_registration_and_frees_its_meetings(
    event: Any, pair: list[Any], alice: Any
) -> None:
    meeting = _published_meeting(event, pair, alice)
    services.registration_cancel(registration=pair[0].registration, by=alice)
    pair[0].refresh_from_db()
    assert pair[0].is_cancelled is True
    assert not Meeting.objects.filter(pk=meeting.pk).exists()
    with pytest.raises(ValidationError, match="已取消"):
        services.registration_cancel(registration=pair[0].registration, by=alice)


def test_it_records_roadshow_feedback_once_per_investor(
    event: Any, two_orgs: Any, alice: Any, org_factory: Any
) -> None:
    fund = org_factory("锦城生物医药产业基金", kind="investor")
    slot = services.roadshow_add(
        event=event,
        by=alice,
        organisation=two_orgs[1],
        project_title="mRNA疫苗平台",
        financing_amount=Decimal("30000000"),
        funding_stage="A轮",
    )
    services.feedback_record(roadshow=slot, by=alice, investor=fund, interest="medium")
    services.feedback_record(roadshow=slot, by=alice, investor=fund, interest="high", note="约谈")
    assert [(f.interest, f.note) for f in slot.feedback.all()] == [("high", "约谈")]
    with pytest.raises(ValidationError, match="不是投资机构"):
        services.feedback_record(roadshow=slot, by=alice, investor=two_orgs[0], interest="high")
