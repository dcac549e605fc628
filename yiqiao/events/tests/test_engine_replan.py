"""Re-planning after a participant cancels: nobody else's meeting moves."""

from __future__ import annotations

import pytest

from yiqiao.events.engine import (
    Instance,
    Meeting,
    MeetingRequest,
    Participant,
    ScheduleInputError,
    find_violations,
    generate_instance,
    replan_after_cancellation,
    schedule_instant,
    score_meetings,
)
from yiqiao.events.engine.model import Schedule


def _published(inst: Instance, meetings: list[Meeting]) -> Schedule:
    return Schedule(meetings=tuple(meetings), breakdown=score_meetings(inst, meetings))


def test_it_fills_the_freed_table_with_a_waiting_request():
    # one slot, one table: 0-1 was served; 0 cancels, so 2-3 can now meet
    inst = Instance(
        slots=1,
        tables=1,
        participants=tuple(Participant(i, ((0, 0),)) for i in range(4)),
        requests=(MeetingRequest(0, 1, True), MeetingRequest(2, 3)),
    )
    published = _published(inst, [Meeting(0, 0, 0)])
    replanned = replan_after_cancellation(inst, published, 0, time_limit_s=0.05)
    assert [(m.request, m.slot, m.table) for m in replanned.meetings] == [(1, 0, 0)]
    assert replanned.objective == 6


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_it_keeps_every_other_meeting_at_its_slot_and_table(seed):
    inst = generate_instance(60, 250, 8, 10, seed=seed)
    published = schedule_instant(inst, budget_s=0.1)
    counts: dict[int, int] = {}
    for m in published.meetings:
        q = inst.requests[m.request]
        for p in (q.requester, q.invitee):
            counts[p] = counts.get(p, 0) + 1
    cancelled = max(counts, key=lambda p: (counts[p], -p))
    replanned = replan_after_cancellation(inst, published, cancelled, time_limit_s=0.2)

    def involves(r: int) -> bool:
        q = inst.requests[r]
        return cancelled in (q.requester, q.invitee)

    kept = {m for m in published.meetings if not involves(m.request)}
    assert kept <= set(replanned.meetings)
    assert not any(involves(m.request) for m in replanned.meetings)
    assert find_violations(inst, replanned.meetings) == []
    # the freed capacity is used again: more meetings than were kept
    assert len(replanned.meetings) > len(kept)


def test_it_refuses_an_unknown_cancelling_participant():
    inst = generate_instance(10, 20, 4, 3, seed=1)
    published = schedule_instant(inst, budget_s=0)
    with pytest.raises(ScheduleInputError) as info:
        replan_after_cancellation(inst, published, 99)
    assert info.value.codes == ("unknown_participant",)


def test_it_refuses_an_infeasible_published_schedule():
    inst = generate_instance(10, 20, 4, 3, seed=1)
    published = schedule_instant(inst, budget_s=0)
    m = published.meetings[0]
    broken = Schedule(
        meetings=(*published.meetings, Meeting(m.request, m.slot, m.table)),
        breakdown=published.breakdown,
    )
    with pytest.raises(ScheduleInputError) as info:
        replan_after_cancellation(inst, broken, 0)
    assert info.value.codes == ("bad_published",)
