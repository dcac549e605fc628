"""The demand life cycle table (pure: no database)."""

from __future__ import annotations

from datetime import date

import pytest

from yiqiao.demands.engine import sla, workflow
from yiqiao.demands.engine.workflow import TransitionError, next_state

LEGAL = [
    ("submitted", "accept", None, "accepted"),
    ("accepted", "assign", None, "assigned"),
    ("assigned", "assign", None, "assigned"),
    ("assigned", "respond", None, "responded"),
    ("responded", "respond", None, "responded"),
    ("responded", "resolve", None, "resolved"),
    ("resolved", "convert", None, "converted"),
    ("converted", "convert", None, "converted"),
    ("resolved", "close", None, "closed"),
    ("submitted", "close", None, "closed"),
    ("converted", "follow_up", 5, "followed_up"),
    ("closed", "follow_up", 3, "followed_up"),
    ("converted", "follow_up", 2, "assigned"),
    ("closed", "follow_up", 1, "assigned"),
]


@pytest.mark.parametrize(("state", "event", "satisfaction", "expected"), LEGAL)
def test_it_moves_along_legal_transitions(
    state: str, event: str, satisfaction: int | None, expected: str
) -> None:
    step = next_state(state, event, satisfaction=satisfaction)
    assert step.to_state == expected
    assert step.is_reopened == (event == "follow_up" and expected == "assigned")


ILLEGAL = [
    ("submitted", "respond", "需求当前为“已提交”，不能响应（可执行：受理、关闭）"),
    ("submitted", "convert", "需求当前为“已提交”，不能登记转化（可执行：受理、关闭）"),
    ("accepted", "resolve", "需求当前为“已受理”，不能办结（可执行：分派、关闭）"),
    ("responded", "close", "需求当前为“已响应”，不能关闭（可执行：响应、办结）"),
    ("followed_up", "accept", "需求当前为“已回访”，不能受理（可执行：无）"),
    ("converted", "close", "需求当前为“已转化”，不能关闭（可执行：登记转化、回访）"),
    ("resolved", "follow_up", "需求当前为“已解决”，不能回访（可执行：登记转化、关闭）"),
]


@pytest.mark.parametrize(("state", "event", "message"), ILLEGAL)
def test_it_refuses_illegal_transitions_in_chinese(state: str, event: str, message: str) -> None:
    with pytest.raises(TransitionError) as info:
        next_state(state, event)
    assert str(info.value) == message


def test_it_requires_a_satisfaction_between_one_and_five() -> None:
    for bad in (None, 0, 6):
        with pytest.raises(TransitionError, match="回访须填写1至5分的满意度"):
            next_state("converted", "follow_up", satisfaction=bad)


def test_it_refuses_unknown_states_and_events() -> None:
    with pytest.raises(TransitionError, match="未知的需求状态：lost"):
        next_state("lost", "accept")
    with pytest.raises(TransitionError, match="未知的操作：fly"):
        next_state("submitted", "fly")


def test_it_lists_allowed_events_per_state() -> None:
    assert workflow.allowed_events("submitted") == ("accept", "close")
    assert workflow.allowed_events("assigned") == ("assign", "respond", "close")
    assert workflow.allowed_events("followed_up") == ()


WORKING = [
    (date(2026, 11, 20), 1, date(2026, 11, 23)),  # Friday + 1 → Monday
    (date(2026, 11, 23), 1, date(2026, 11, 24)),  # Monday + 1 → Tuesday
    (date(2026, 11, 23), 5, date(2026, 11, 30)),  # Monday + 5 → next Monday
    (date(2026, 11, 21), 1, date(2026, 11, 23)),  # Saturday + 1 → Monday
    (date(2026, 11, 22), 0, date(2026, 11, 23)),  # Sunday + 0 → Monday
    (date(2026, 11, 25), 0, date(2026, 11, 25)),
    (date(2026, 11, 27), 10, date(2026, 12, 11)),
]


@pytest.mark.parametrize(("start", "days", "expected"), WORKING)
def test_it_counts_working_days_skipping_weekends(start: date, days: int, expected: date) -> None:
    assert sla.add_working_days(start, days) == expected


def test_it_skips_listed_holidays() -> None:
    assert sla.add_working_days(date(2026, 9, 30), 1, holidays={date(2026, 10, 1)}) == date(
        2026, 10, 2
    )
    assert sla.working_days_between(date(2026, 11, 20), date(2026, 11, 24)) == 2
