"""Instant and improved schedules: feasibility, pins, forbids, optimality on small cases."""

from __future__ import annotations

import random
import time

import pytest

from yiqiao.events.engine import (
    Forbid,
    Instance,
    MeetingRequest,
    Participant,
    Pin,
    find_violations,
    generate_instance,
    schedule_improve,
    schedule_instant,
    score_meetings,
)
from yiqiao.events.engine.scoring import breaks_of


def _brute_force_optimum(inst: Instance) -> int:
    """Best objective by enumerating every feasible assignment (independent of the engine)."""
    window = {p.id: p.windows[0] for p in inst.participants}
    asked = {x for q in inst.requests for x in (q.requester, q.invitee)}
    busy: dict[int, list[int]] = {p: [] for p in asked}
    per_slot = [0] * inst.slots
    weight = [0]
    best = [-1]

    def leaf() -> int:
        fairness = sum(min(len(busy[p]), 3) for p in asked)
        breaks = sum(breaks_of(busy[p])[0] for p in asked)
        return 2 * weight[0] + 2 * fairness - breaks

    def visit(r: int) -> None:
        if r == len(inst.requests):
            best[0] = max(best[0], leaf())
            return
        visit(r + 1)
        q = inst.requests[r]
        pair = (q.requester, q.invitee)
        for s in range(inst.slots):
            if per_slot[s] >= inst.tables:
                continue
            if not all(window[p][0] <= s <= window[p][1] and s not in busy[p] for p in pair):
                continue
            for p in pair:
                busy[p].append(s)
            per_slot[s] += 1
            weight[0] += q.weight
            visit(r + 1)
            weight[0] -= q.weight
            per_slot[s] -= 1
            for p in pair:
                busy[p].remove(s)

    visit(0)
    return best[0]


@pytest.mark.parametrize("seed", [3, 5, 8, 12, 20, 24])
def test_it_reaches_the_brute_force_optimum_on_small_instances(seed):
    inst = generate_instance(6, 8, 4, 2, seed=seed)
    optimum = _brute_force_optimum(inst)
    greedy_only = schedule_instant(inst, budget_s=0)
    improved = schedule_improve(inst, greedy_only, 0.3, seed=seed, clock=time.process_time)
    assert greedy_only.objective < optimum  # these seeds need the local search
    assert improved.objective == optimum


@pytest.mark.parametrize(
    ("participants", "requests", "slots", "tables", "seed"),
    [
        (40, 150, 6, 8, 1),
        (60, 250, 8, 10, 2),
        (60, 250, 8, 40, 3),
        (30, 100, 12, 3, 4),
        (80, 300, 5, 20, 5),
    ],
)
def test_it_never_double_books_and_reports_its_own_objective(
    participants, requests, slots, tables, seed
):
    inst = generate_instance(participants, requests, slots, tables, seed=seed)
    instant = schedule_instant(inst, budget_s=0.1, seed=seed)
    improved = schedule_improve(inst, instant, 0.2, seed=seed, clock=time.process_time)
    for schedule in (instant, improved):
        assert find_violations(inst, schedule.meetings) == []
        assert score_meetings(inst, schedule.meetings) == schedule.breakdown
        tables_used = {(m.slot, m.table) for m in schedule.meetings}
        assert len(tables_used) == len(schedule.meetings)
    assert improved.objective >= instant.objective


def test_it_makes_an_instant_schedule_of_a_full_size_event_within_two_seconds():
    inst = generate_instance(300, 1500, 12, 40, seed=7)
    started = time.process_time()
    greedy_only = schedule_instant(inst, budget_s=0)
    instant = schedule_instant(inst)
    elapsed = time.process_time() - started
    assert elapsed <= 2.0 + 0.1  # both runs together, on CPU time
    assert instant.objective >= greedy_only.objective
    assert instant.breakdown.meetings == 480  # every table in every slot is used


def test_it_respects_pins_and_forbids():
    inst = generate_instance(50, 200, 8, 8, seed=11)
    first = schedule_instant(inst, budget_s=0.1)
    rng = random.Random(1)
    served = [m for m in first.meetings]
    fixed = rng.sample(served, 5)
    forced_request = next(
        r for r in range(len(inst.requests)) if r not in {m.request for m in served}
    )
    forbidden = rng.sample([m for m in served if m not in fixed], 10)
    # pin each fixed meeting to a different table than before, to check the table is honoured
    pins = [Pin(m.request, m.slot, inst.tables - 1 - i) for i, m in enumerate(fixed)]
    pins.append(Pin(forced_request))
    forbids = [Forbid(m.request) for m in forbidden]
    for schedule in (
        schedule_instant(inst, pins, forbids, budget_s=0.1),
        schedule_improve(inst, first, 0.3, pins, forbids),
    ):
        at = {m.request: (m.slot, m.table) for m in schedule.meetings}
        for pin in pins[:-1]:
            assert at[pin.request] == (pin.slot, pin.table)
        assert forced_request in at
        assert not {f.request for f in forbids} & set(at)
        assert find_violations(inst, schedule.meetings) == []


def test_it_serves_forced_pins_even_when_that_costs_objective():
    # one table, one slot: 0-1 is mutual (worth more) but 2-3 is pinned in
    inst = Instance(
        slots=1,
        tables=1,
        participants=tuple(Participant(i, ((0, 0),)) for i in range(4)),
        requests=(MeetingRequest(0, 1, True), MeetingRequest(2, 3)),
    )
    assert [m.request for m in schedule_instant(inst, budget_s=0).meetings] == [0]
    pinned = schedule_improve(inst, None, 0.05, pins=(Pin(1),))
    assert [(m.request, m.slot, m.table) for m in pinned.meetings] == [(1, 0, 0)]
    assert pinned.objective == 6


def test_it_starts_afresh_when_the_initial_schedule_breaks_a_new_forbid():
    inst = generate_instance(30, 90, 6, 5, seed=4)
    first = schedule_instant(inst, budget_s=0.05)
    banned = first.meetings[0].request
    again = schedule_improve(inst, first, 0.1, forbids=(Forbid(banned),))
    assert banned not in {m.request for m in again.meetings}
    assert find_violations(inst, again.meetings) == []


def test_it_explains_the_schedule_in_chinese():
    inst = generate_instance(30, 90, 6, 5, seed=4)
    schedule = schedule_instant(inst, budget_s=0)
    b = schedule.breakdown
    assert schedule.notes[0] == (
        f"安排会谈 {b.meetings} 场（其中双向 {b.mutual_meetings} 场），共 90 条请求"
    )
    assert schedule.notes[1] == f"参与者日程中的空档 {b.breaks} 处"
