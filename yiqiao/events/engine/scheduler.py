"""Public entry points of the one-to-one meeting scheduler."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence

from ._core import Problem, State, anneal, greedy, hill_climb, place_pins
from .model import (
    Forbid,
    InputProblem,
    Instance,
    Meeting,
    Pin,
    Schedule,
    ScheduleInputError,
)
from .scoring import find_violations, score_meetings
from .validate import validate

Clock = Callable[[], float]

#: Seconds (from the call) after which the instant schedule's local search stops.
INSTANT_BUDGET_S = 1.5


def _assign_tables(pb: Problem, slots: Sequence[int]) -> tuple[Meeting, ...]:
    """Give every served request a table: pinned tables first, then the lowest free ones."""
    taken: dict[int, set[int]] = {}
    table_of: dict[int, int] = {}
    for r, t in pb.fixed_table.items():
        table_of[r] = t
        taken.setdefault(slots[r], set()).add(t)
    next_free = [0] * pb.S
    for r, s in enumerate(slots):
        if s < 0 or r in table_of:
            continue
        used = taken.setdefault(s, set())
        t = next_free[s]
        while t in used:
            t += 1
        used.add(t)
        next_free[s] = t + 1
        table_of[r] = t
    return tuple(Meeting(r, slots[r], table_of[r]) for r in range(pb.R) if slots[r] >= 0)


def _finish(pb: Problem, slots: Sequence[int], method: str) -> Schedule:
    """Check every hard constraint and the pins, then build the :class:`Schedule`."""
    meetings = _assign_tables(pb, slots)
    problems = find_violations(pb.instance, meetings)
    for r, s in pb.fixed.items():
        if slots[r] != s:
            problems.append(f"固定的请求 {r} 未安排在时段 {s}")
    for r in pb.forced:
        if slots[r] < 0:
            problems.append(f"固定的请求 {r} 未被安排")
    for r in range(pb.R):
        if not pb.allowed[r] and slots[r] >= 0:
            problems.append(f"被禁止的请求 {r} 被安排了")
    if problems:  # pragma: no cover - a bug, never an input problem
        raise AssertionError("; ".join(problems))
    breakdown = score_meetings(pb.instance, meetings)
    notes: list[str] = [
        f"安排会谈 {breakdown.meetings} 场（其中双向 {breakdown.mutual_meetings} 场），"
        f"共 {len(pb.instance.requests)} 条请求",
        f"参与者日程中的空档 {breakdown.breaks} 处",
    ]
    if breakdown.participants_without_meeting:
        notes.append(f"{breakdown.participants_without_meeting} 位提出或收到请求的参与者未获安排")
    return Schedule(meetings=meetings, breakdown=breakdown, method=method, notes=tuple(notes))


def _prepare(instance: Instance, pins: Sequence[Pin], forbids: Sequence[Forbid]) -> Problem:
    validate(instance, pins, forbids)
    return Problem(instance, pins, forbids)


def _instant_slots(pb: Problem, deadline: float, clock: Clock, seed: int) -> list[int]:
    st = State(pb)
    place_pins(st)
    greedy(st)
    hill_climb(st)
    if clock() < deadline:
        return anneal(st, deadline, clock, random.Random(seed), 0.6, 0.05)
    return list(st.slot)


def schedule_instant(
    instance: Instance,
    pins: Sequence[Pin] = (),
    forbids: Sequence[Forbid] = (),
    *,
    budget_s: float = INSTANT_BUDGET_S,
    seed: int = 0,
    clock: Clock = time.perf_counter,
) -> Schedule:
    """A good schedule at once: greedy on the objective, then local search until ``budget_s``
    seconds (by ``clock``) have passed since the call.

    Raises :class:`ScheduleInputError` when the instance, pins or forbids are invalid. Fixed pins
    keep their slot (and table); pins without a slot are always served; forbidden requests never
    are. With ``budget_s=0`` only the greedy (and a pass moving single meetings to better free
    slots) runs.
    """
    deadline = clock() + budget_s
    pb = _prepare(instance, pins, forbids)
    slots = _instant_slots(pb, deadline, clock, seed)
    return _finish(pb, slots, "greedy+local search" if budget_s > 0 else "greedy")


def _slots_from_schedule(pb: Problem, schedule: Schedule) -> list[int]:
    slots = [-1] * pb.R
    for m in schedule.meetings:
        if not 0 <= m.request < pb.R:
            raise ScheduleInputError(
                [
                    InputProblem(
                        "bad_initial",
                        f"初始日程中的请求 {m.request} 不存在",
                        f"initial schedule names unknown request {m.request}",
                    )
                ]
            )
        slots[m.request] = m.slot
    return slots


def schedule_improve(
    instance: Instance,
    initial: Schedule | None,
    time_limit_s: float,
    pins: Sequence[Pin] = (),
    forbids: Sequence[Forbid] = (),
    *,
    seed: int = 0,
    clock: Clock = time.perf_counter,
) -> Schedule:
    """Improve ``initial`` (or a fresh instant schedule) for ``time_limit_s`` seconds.

    The search starts from the initial meetings that fit the pins and forbids (all of them when
    the initial schedule was made with the same pins), completed greedily, and returns the best
    schedule it saw, so it is never worse than a compatible initial schedule. An infeasible
    initial schedule is ignored. ``clock`` measures the limit (wall time by
    default; pass ``time.process_time`` to count CPU time).
    """
    start = clock()
    pb = _prepare(instance, pins, forbids)
    st = State(pb)
    place_pins(st)
    usable = initial is not None and not find_violations(instance, initial.meetings)
    if usable and initial is not None:
        for r, s in enumerate(_slots_from_schedule(pb, initial)):
            if s >= 0 and pb.allowed[r] and st.slot[r] < 0 and st.free(r, s):
                st.add(r, s)
    greedy(st)
    deadline = start + time_limit_s
    rng = random.Random(seed)
    best = anneal(st, deadline, clock, rng, 0.5, 0.04)
    return _finish(pb, best, "local search")


def replan_after_cancellation(
    instance: Instance,
    published: Schedule,
    cancelled_participant: int,
    *,
    time_limit_s: float = 1.0,
    forbids: Sequence[Forbid] = (),
    seed: int = 0,
    clock: Clock = time.perf_counter,
) -> Schedule:
    """Re-plan after ``cancelled_participant`` (an id) withdraws from a published schedule.

    Their meetings are dropped; every other published meeting keeps its slot and table; the freed
    time and tables are filled with requests that were not served, for at most ``time_limit_s``.
    """
    ids = {p.id for p in instance.participants}
    if cancelled_participant not in ids:
        raise ScheduleInputError(
            [
                InputProblem(
                    "unknown_participant",
                    f"取消的参与者 {cancelled_participant} 未登记",
                    f"cancelling participant {cancelled_participant} is not registered",
                )
            ]
        )
    violations = find_violations(instance, published.meetings)
    if violations:
        raise ScheduleInputError(
            [
                InputProblem(
                    "bad_published",
                    "已发布的日程不可行：" + "；".join(violations[:5]),
                    "the published schedule is infeasible",
                )
            ]
        )
    dropped = {
        r
        for r, q in enumerate(instance.requests)
        if cancelled_participant in (q.requester, q.invitee)
    }
    keep = [
        Pin(request=m.request, slot=m.slot, table=m.table)
        for m in published.meetings
        if m.request not in dropped
    ]
    extra = [Forbid(request=r, reason="参与者取消") for r in sorted(dropped)]
    forbidden = {f.request for f in forbids} - {p.request for p in keep}
    all_forbids = extra + [Forbid(r) for r in sorted(forbidden - dropped)]
    pb = _prepare(instance, keep, all_forbids)
    slots = _instant_slots(pb, float("-inf"), clock, seed)  # greedy only
    st = State(pb)
    st.load(slots)
    best = anneal(st, clock() + time_limit_s, clock, random.Random(seed), 0.6, 0.05)
    return _finish(pb, best, "re-plan after cancellation")
