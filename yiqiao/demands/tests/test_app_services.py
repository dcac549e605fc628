"""Intake, routing, time limits, the life cycle and reminders (services)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from yiqiao.core.models import AuditEvent
from yiqiao.demands import services
from yiqiao.demands.models import (
    Demand,
    DemandAttachment,
    DemandTransition,
    Reminder,
    Response,
    RoutingRule,
)

CHINA = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def test_it_routes_a_park_space_need_to_the_park_committee(submit: Any, units: Any) -> None:
    demand = submit()
    assert demand.unit == units["park"]
    assert demand.state == "submitted"
    assert demand.channel == "portal"


def test_it_falls_back_to_the_category_default_rule(submit: Any, units: Any) -> None:
    demand = submit(category="policy", text="想了解研发投入补贴的申报条件。")
    assert demand.unit == units["bureau"]


def test_it_falls_back_to_the_owner_unit_without_a_rule(submit: Any, units: Any) -> None:
    RoutingRule.objects.all().delete()
    demand = submit(category="talent", text="需要引进两名注册法规方面的高级人才。")
    assert demand.unit == units["park"]  # the enterprise's owner unit


def test_it_sets_time_limits_in_working_days(submit: Any) -> None:
    friday = datetime(2026, 11, 20, 16, 0, tzinfo=CHINA)
    demand = submit(now=friday)
    assert (demand.accept_due, demand.respond_due) == (date(2026, 11, 23), date(2026, 11, 27))
    policy = submit(category="policy", text="政策咨询：租金补贴。", now=friday)
    assert (policy.accept_due, policy.respond_due) == (date(2026, 11, 24), date(2026, 12, 4))


def test_it_returns_the_existing_demand_for_a_duplicate_submission(
    submit: Any, ent_user: Any, enterprise: Any
) -> None:
    now = datetime(2026, 11, 25, 10, 0, tzinfo=CHINA)
    first = submit(now=now)
    again = services.demand_submit(
        by=ent_user,
        organisation=enterprise,
        category="space",
        text="  我们需要1000平方米左右的ＧＭＰ厂房，用于体外诊断试剂扩产  ",
        now=now + timedelta(minutes=9),
    )
    assert again.is_duplicate is True
    assert again.demand.pk == first.pk
    assert Demand.objects.count() == 1
    assert DemandTransition.objects.count() == 1
    later = submit(now=now + timedelta(minutes=11))
    assert later.pk != first.pk
    assert Demand.objects.count() == 2


BAD_INPUT = [
    ({"text": "   "}, "需求描述不能为空，请写明需要什么"),
    ({"text": "需" * 20001}, "需求描述过长（20001字），请控制在20000字以内"),
    ({"category": "lunch"}, "未知的需求类别：lunch"),
    ({"channel": "fax"}, "未知的来源渠道：fax"),
    ({"area_min_m2": 500, "area_max_m2": 100}, "面积上限不能小于下限"),
    ({"funding_stage": "z"}, "未知的融资阶段：z"),
    ({"chain_nodes": ["nope"]}, "未知的产业链节点：nope"),
]


@pytest.mark.parametrize(("changes", "message"), BAD_INPUT)
def test_it_refuses_bad_input_and_writes_nothing(
    submit: Any, changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationError) as info:
        submit(**changes)
    assert message in "；".join(info.value.messages)
    assert Demand.objects.count() == 0
    assert AuditEvent.objects.filter(model="demands.demand").count() == 0


ATTACHMENTS = [
    (SimpleUploadedFile("plan.exe", b"MZ\x90\x00"), "类型不支持"),
    (SimpleUploadedFile("plan.pdf", b"MZ\x90\x00 not a pdf"), "内容与扩展名不符"),
    (SimpleUploadedFile("plan.pdf", b""), "是空文件"),
    (SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024)), "超过10MB上限"),
]


@pytest.mark.parametrize(("upload", "message"), ATTACHMENTS)
def test_it_refuses_wrong_attachments_and_writes_nothing(
    submit: Any, upload: Any, message: str, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(ValidationError) as info:
        submit(attachments=[upload])
    assert message in "；".join(info.value.messages)
    assert Demand.objects.count() == 0
    assert list(tmp_path.iterdir()) == []


def test_it_stores_accepted_attachments(submit: Any, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    demand = submit(
        attachments=[
            SimpleUploadedFile("厂房要求.pdf", b"%PDF-1.7 demo"),
            SimpleUploadedFile("layout.png", b"\x89PNG\r\n\x1a\nxxxx"),
        ]
    )
    kinds = list(DemandAttachment.objects.filter(demand=demand).values_list("name", "kind"))
    assert kinds == [("厂房要求.pdf", "pdf"), ("layout.png", "image")]


def test_it_refuses_a_need_for_another_units_enterprise(
    bob: Any, org_factory: Any, regions: Any, rules: Any
) -> None:
    elsewhere = org_factory("开发区某企业", park=regions["zone"])
    with pytest.raises(PermissionDenied, match="不在您的管辖范围内"):
        services.demand_submit(by=bob, organisation=elsewhere, category="space", text="要厂房")
    assert Demand.objects.count() == 0


def test_it_refuses_an_enterprise_user_raising_for_another_organisation(
    ent_user: Any, org_factory: Any, rules: Any
) -> None:
    other = org_factory("别家公司")
    with pytest.raises(PermissionDenied, match="企业用户只能为本机构提出需求"):
        services.demand_submit(by=ent_user, organisation=other, category="space", text="要厂房")
    assert Demand.objects.count() == 0


def test_it_refuses_the_outsider_and_changes_nothing(submit: Any, charlie: Any) -> None:
    demand = submit()
    with pytest.raises(ValidationError, match="不负责该机构所在区域"):
        services.demand_respond(demand=demand, by=charlie, text="我们来答复")
    demand.refresh_from_db()
    assert demand.state == "submitted"
    assert Response.objects.count() == 0


def test_it_walks_the_whole_life_cycle_with_audit(submit: Any, bob: Any) -> None:
    demand = submit()
    services.demand_accept(demand=demand, by=bob)
    services.demand_assign(demand=demand, by=bob, assignee=bob)
    response = services.demand_respond(demand=demand, by=bob, text="推荐园区3号楼厂房")
    services.demand_resolve(demand=demand, by=bob)
    conversion = services.demand_convert(
        demand=demand, by=bob, kind="space_lease", response=response, amount_yuan=None
    )
    follow_up = services.demand_follow_up(demand=demand, by=bob, satisfaction=5, note="满意")
    demand.refresh_from_db()
    assert demand.state == "followed_up"
    assert conversion.kind == "space_lease"
    assert follow_up.is_reopened is False
    events = list(DemandTransition.objects.filter(demand=demand).values_list("event", "to_state"))
    assert events == [
        ("submit", "submitted"),
        ("accept", "accepted"),
        ("assign", "assigned"),
        ("respond", "responded"),
        ("resolve", "resolved"),
        ("convert", "converted"),
        ("follow_up", "followed_up"),
    ]
    audited = AuditEvent.objects.filter(model="demands.demand", object_id=str(demand.pk))
    assert audited.filter(action="transition").count() == 6
    assert demand.row_version == 7


def test_it_reopens_after_an_unsatisfied_follow_up(submit: Any, bob: Any) -> None:
    demand = submit()
    services.demand_respond(demand=demand, by=bob, text="已答复")
    services.demand_resolve(demand=demand, by=bob)
    services.demand_close(demand=demand, by=bob, note="企业已自行解决")
    follow_up = services.demand_follow_up(demand=demand, by=bob, satisfaction=2)
    demand.refresh_from_db()
    assert follow_up.is_reopened is True
    assert demand.state == "assigned"
    assert demand.assignee == bob


def test_it_refuses_an_illegal_step_and_changes_nothing(submit: Any, bob: Any) -> None:
    demand = submit()
    with pytest.raises(ValidationError) as info:
        services.demand_resolve(demand=demand, by=bob)
    assert info.value.messages == ["需求当前为“已提交”，不能办结（可执行：受理、关闭）"]
    demand.refresh_from_db()
    assert (demand.state, demand.row_version) == ("submitted", 1)


def test_it_refuses_a_stale_row_version(submit: Any, bob: Any) -> None:
    demand = submit()
    services.demand_accept(demand=demand, by=bob, row_version=1)
    with pytest.raises(services.StaleEditError):
        services.demand_accept(demand=demand, by=bob, row_version=1)


def test_it_does_not_refer_the_same_resource_twice(submit: Any, bob: Any) -> None:
    demand = submit()
    first = services.demand_respond(
        demand=demand, by=bob, text="推荐载体", resource_kind="space", resource_key="space:1"
    )
    again = services.demand_respond(
        demand=demand, by=bob, text="推荐载体", resource_kind="space", resource_key="space:1"
    )
    assert again.pk == first.pk
    assert Response.objects.count() == 1


def test_it_reassigns_to_another_unit_keeping_the_state(
    submit: Any, alice: Any, units: Any
) -> None:
    demand = submit()
    services.demand_reassign(demand=demand, by=alice, unit=units["bureau"], note="涉及全区用地")
    demand.refresh_from_db()
    assert (demand.unit, demand.state) == (units["bureau"], "submitted")
    assert DemandTransition.objects.filter(event="reassign").count() == 1


def test_it_requires_a_note_to_close(submit: Any, bob: Any) -> None:
    demand = submit()
    with pytest.raises(ValidationError, match="关闭需求须说明原因"):
        services.demand_close(demand=demand, by=bob, note=" ")


def test_it_creates_a_demand_from_an_event(alice: Any, enterprise: Any, rules: Any) -> None:
    result = services.demand_create_from_event(
        event_id=42,
        organisation=enterprise,
        by=alice,
        category="space",
        text="推介会上提出：西南片区需要冷链仓储。",
    )
    assert (result.demand.channel, result.demand.source_event_id) == ("event", 42)


def test_it_reminds_each_overdue_assignee_once_per_day(submit: Any, bob: Any) -> None:
    monday = datetime(2026, 11, 16, 9, 0, tzinfo=CHINA)
    overdue = submit(now=monday)
    services.demand_accept(demand=overdue, by=bob)
    services.demand_assign(demand=overdue, by=bob, assignee=bob)
    fresh = submit(text="另一个需求：需要共享实验室工位。")
    call_command("demands_remind", today="2026-11-25")
    call_command("demands_remind", today="2026-11-25")
    reminders = list(Reminder.objects.values_list("demand_id", "recipient_id", "day"))
    assert reminders == [(overdue.pk, bob.pk, date(2026, 11, 25))]
    assert fresh.pk not in {r[0] for r in reminders}
    assert services.demand_remind_overdue(today=date(2026, 11, 26)) == 1


def test_a_recorded_lease_takes_the_referred_space_off_the_market(submit: Any, bob: Any) -> None:
    from yiqiao.registry.models import Space

    demand = submit()
    space = Space.objects.create(
        name="测试厂房",
        kind="plant",
        park=demand.organisation.region,
        total_area_m2=500,
        available_area_m2=500,
        status="available",
    )
    services.demand_accept(demand=demand, by=bob)
    services.demand_assign(demand=demand, by=bob, assignee=bob)
    response = services.demand_respond(
        demand=demand,
        by=bob,
        text="推荐",
        resource_key=f"space:{space.pk}",
        resource_title="测试厂房",
    )
    services.demand_convert(demand=demand, by=bob, kind="space_lease", response=response)
    space.refresh_from_db()
    assert space.status == "leased"
    assert space.is_available is False
