"""Bad input is refused with every problem listed, in Chinese and English."""

from __future__ import annotations

import pytest

from yiqiao.events.engine import (
    Forbid,
    Instance,
    MeetingRequest,
    Participant,
    Pin,
    ScheduleInputError,
    instance_from_json,
    schedule_improve,
    schedule_instant,
    validate,
)


def _people(n: int, window: tuple[int, int] = (0, 3)) -> tuple[Participant, ...]:
    return tuple(Participant(i, (window,)) for i in range(n))


def _ok(**changes: object) -> Instance:
    base = {
        "slots": 4,
        "tables": 2,
        "participants": _people(4),
        "requests": (MeetingRequest(0, 1), MeetingRequest(2, 3, True), MeetingRequest(0, 2)),
    }
    base.update(changes)
    return Instance(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("instance", "code", "zh", "en"),
    [
        (
            _ok(requests=(MeetingRequest(1, 1),)),
            "self_request",
            "参与者 1 不能约见自己",
            "cannot meet itself",
        ),
        (
            _ok(requests=(MeetingRequest(0, 7),)),
            "unknown_participant",
            "参与者 7 未登记",
            "unknown participant 7",
        ),
        (
            _ok(
                participants=(Participant(0, ((0, 1),)), Participant(1, ((2, 3),))),
                requests=(MeetingRequest(0, 1),),
            ),
            "no_common_slot",
            "没有共同的可用时段",
            "no common available slot",
        ),
        (
            _ok(requests=(MeetingRequest(0, 1), MeetingRequest(1, 0))),
            "duplicate_request",
            "请求 1 与请求 0 重复",
            "request 1 duplicates request 0",
        ),
        (_ok(tables=3, seats=5), "tables_exceed_seats", "场地只有 5 个座位", "need 6 seats"),
        (_ok(tables=-2), "bad_tables", "桌子数必须至少为 1", "tables must be >= 1"),
        (_ok(slots=0, requests=()), "bad_slots", "时段数必须至少为 1", "slots must be >= 1"),
        (
            _ok(participants=(*_people(4), Participant(2, ((0, 3),)))),
            "duplicate_participant",
            "参与者 2 重复登记",
            "registered twice",
        ),
        (
            _ok(participants=(*_people(3), Participant(3, ((2, 9),)))),
            "bad_window",
            "[2, 9] 无效",
            "invalid window [2, 9]",
        ),
    ],
)
def test_it_refuses_a_bad_instance_with_a_clear_message(instance, code, zh, en):
    with pytest.raises(ScheduleInputError) as info:
        schedule_instant(instance, budget_s=0)
    assert info.value.codes == (code,)
    assert zh in info.value.problems[0].message_zh
    assert en in info.value.problems[0].message_en
    assert zh in str(info.value)


def test_it_lists_every_problem_at_once():
    inst = _ok(requests=(MeetingRequest(1, 1), MeetingRequest(0, 9), MeetingRequest(0, 2)))
    with pytest.raises(ScheduleInputError) as info:
        validate(inst)
    assert info.value.codes == ("self_request", "unknown_participant")


def test_it_accepts_a_valid_instance_and_seats_enough_for_the_tables():
    validate(_ok(seats=4))
    assert schedule_instant(_ok(seats=4), budget_s=0).breakdown.meetings == 3


@pytest.mark.parametrize(
    ("pins", "forbids", "code"),
    [
        ((Pin(0, 1), Pin(2, 1)), (), "pin_double_booking"),
        ((Pin(0, 1, 0), Pin(1, 1, 0)), (), "pin_same_table"),
        ((Pin(0, 1),), (Forbid(0),), "pin_forbidden"),
        ((Pin(0, 1), Pin(0, 2)), (), "duplicate_pin"),
        ((Pin(5, 1),), (), "unknown_request"),
        ((), (Forbid(-1),), "unknown_request"),
        ((Pin(0, 4),), (), "pin_slot_out_of_range"),
        ((Pin(0, 1, 2),), (), "pin_table_out_of_range"),
        ((Pin(0, None, 1),), (), "table_without_slot"),
        ((Pin(0, 0), Pin(1, 0), Pin(2, 0)), (), "pin_too_many_in_slot"),
    ],
)
def test_it_refuses_conflicting_pins(pins, forbids, code):
    inst = _ok(
        participants=_people(6),
        requests=(MeetingRequest(0, 1), MeetingRequest(2, 3), MeetingRequest(4, 5)),
    )
    if code == "pin_double_booking":
        inst = _ok()
    with pytest.raises(ScheduleInputError) as info:
        schedule_instant(inst, pins, forbids, budget_s=0)
    assert code in info.value.codes


def test_it_refuses_a_pin_outside_availability():
    inst = _ok(participants=(*_people(3), Participant(3, ((2, 3),))))
    with pytest.raises(ScheduleInputError) as info:
        schedule_instant(inst, (Pin(1, 0),), budget_s=0)
    assert info.value.codes == ("pin_unavailable",)
    assert "参与者 3 该时段不在场" in info.value.problems[0].message_zh


def test_it_refuses_forced_pins_that_cannot_all_fit():
    # participant 0 is free in 2 slots but three of its requests are forced in
    inst = Instance(
        slots=2,
        tables=5,
        participants=_people(4, (0, 1)),
        requests=(MeetingRequest(0, 1), MeetingRequest(0, 2), MeetingRequest(0, 3)),
    )
    with pytest.raises(ScheduleInputError) as info:
        schedule_improve(inst, None, 0.05, pins=(Pin(0), Pin(1), Pin(2)))
    assert info.value.codes == ("pins_infeasible",)


@pytest.mark.parametrize(
    "data",
    [
        {"slots": 4, "tables": 2, "participants": [{"id": 0}], "requests": []},
        {"slots": "x", "tables": 2, "participants": [], "requests": []},
        {"tables": 2, "participants": [], "requests": []},
    ],
)
def test_it_refuses_malformed_json(data):
    with pytest.raises(ScheduleInputError) as info:
        instance_from_json(data)
    assert info.value.codes == ("malformed",)
