"""Fixtures of the events app: an event of alice's bureau with two registered enterprises."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from yiqiao.core.uscc import uscc_make


@pytest.fixture
def event(alice: Any) -> Any:
    from yiqiao.events.services import event_create

    return event_create(
        by=alice,
        title="桐华区生物医药产业推介会（上海）",
        kind="promotion",
        city="上海",
        venue="浦东会议中心",
        starts_on=dt.date(2026, 3, 10),
        is_invitation_only=False,
        slot_count=6,
        table_count=3,
        seats=10,
    )


@pytest.fixture
def two_orgs(org_factory: Any) -> tuple[Any, Any]:
    return (
        org_factory("桐华康源医疗器械有限公司", uscc=uscc_make("91510100MA6C00001")),
        org_factory("锦城启明生物科技有限公司", uscc=uscc_make("91510100MA6C00002")),
    )


@pytest.fixture
def registered(event: Any, two_orgs: Any, alice: Any) -> list[Any]:
    from yiqiao.events.services import registration_submit

    return [
        registration_submit(
            event=event,
            organisation_name=org.name,
            uscc=org.uscc,
            contact_name="张三",
            contact_phone="13800000000",
        ).registration
        for org in two_orgs
    ]


@pytest.fixture
def pair(event: Any, registered: list[Any], alice: Any) -> list[Any]:
    from yiqiao.events.services.meetings import participant_add

    return [participant_add(event=event, by=alice, registration=r) for r in registered]
