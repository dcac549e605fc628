"""The engine's scorer against hand-computed cases and the shared benchmark scorer."""

from __future__ import annotations

import importlib.util
import random
from pathlib import Path
from types import ModuleType

import pytest

from yiqiao.events.engine import (
    Instance,
    Meeting,
    MeetingRequest,
    Participant,
    find_violations,
    generate_instance,
    instance_to_json,
    schedule_instant,
    schedule_to_json,
    score_meetings,
)

SHARED_SCORER = Path("/work/shared/bench/b2b/score_schedule.py")


def _shared() -> ModuleType:
    if not SHARED_SCORER.exists():
        pytest.skip("shared scorer not present")
    spec = importlib.util.spec_from_file_location("shared_score_schedule", SHARED_SCORER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _tiny() -> Instance:
    # 0 meets 1 (mutual), 0 meets 2, 0 meets 3, 3 meets 4; participant 5 asks nobody.
    return Instance(
        slots=5,
        tables=2,
        participants=tuple(Participant(i, ((0, 4),)) for i in range(6)),
        requests=(
            MeetingRequest(0, 1, True),
            MeetingRequest(0, 2),
            MeetingRequest(0, 3),
            MeetingRequest(3, 4),
        ),
    )


@pytest.mark.parametrize(
    ("meetings", "weight", "fairness", "breaks", "objective"),
    [
        ((), 0, 0, 0, 0),
        (((0, 0),), 2, 2, 0, 8),
        (((0, 0), (1, 1)), 3, 4, 0, 14),
        (((0, 0), (1, 2)), 3, 4, 1, 13),
        (((0, 0), (1, 2), (2, 4)), 4, 6, 2, 18),
        (((0, 0), (1, 1), (2, 2), (3, 4)), 5, 8, 1, 25),
        (((0, 1), (1, 2), (2, 0), (3, 1)), 5, 8, 0, 26),
    ],
)
def test_it_scores_hand_computed_cases(meetings, weight, fairness, breaks, objective):
    chosen = [Meeting(r, s, i % 2) for i, (r, s) in enumerate(meetings)]
    result = score_meetings(_tiny(), chosen)
    assert (result.weight, result.fairness, result.breaks, result.objective) == (
        weight,
        fairness,
        breaks,
        objective,
    )


def test_it_caps_fairness_at_three_meetings_per_participant():
    inst = Instance(
        slots=4,
        tables=4,
        participants=tuple(Participant(i, ((0, 3),)) for i in range(5)),
        requests=tuple(MeetingRequest(0, i) for i in range(1, 5)),
    )
    result = score_meetings(inst, [Meeting(r, r, 0) for r in range(4)])
    # participant 0 counts 3 (not 4), the four others 1 each
    assert (result.fairness, result.breaks, result.objective) == (7, 0, 22)


@pytest.mark.parametrize(
    ("meetings", "fragment"),
    [
        ([Meeting(0, 0, 0), Meeting(0, 1, 0)], "安排了两次"),
        ([Meeting(0, 0, 0), Meeting(1, 0, 1)], "重复安排"),
        ([Meeting(0, 0, 0), Meeting(3, 0, 0)], "使用两次"),
        ([Meeting(0, 0, 2)], "桌号 2 无效"),
        ([Meeting(9, 0, 0)], "不存在"),
        ([Meeting(0, 5, 0)], "超出范围"),
    ],
)
def test_it_reports_each_violated_constraint(meetings, fragment):
    problems = find_violations(_tiny(), meetings)
    assert any(fragment in p for p in problems)
    with pytest.raises(ValueError, match=fragment):
        score_meetings(_tiny(), meetings)


def test_it_reports_a_slot_outside_availability():
    inst = Instance(
        slots=4,
        tables=1,
        participants=(Participant(0, ((0, 3),)), Participant(1, ((2, 3),))),
        requests=(MeetingRequest(0, 1),),
    )
    assert find_violations(inst, [Meeting(0, 1, 0)]) == ["请求 0：参与者 1 在时段 1 不在场"]
    assert find_violations(inst, [Meeting(0, 2, 0)]) == []


def _random_feasible(inst: Instance, rng: random.Random) -> list[Meeting]:
    busy: set[tuple[int, int]] = set()
    per_slot = [0] * inst.slots
    out: list[Meeting] = []
    for r in rng.sample(range(len(inst.requests)), len(inst.requests)):
        q = inst.requests[r]
        s = rng.randrange(inst.slots)
        (la, ha), (lb, hb) = (
            inst.participants[q.requester].windows[0],
            inst.participants[q.invitee].windows[0],
        )
        if not (max(la, lb) <= s <= min(ha, hb)):
            continue
        if (q.requester, s) in busy or (q.invitee, s) in busy or per_slot[s] >= inst.tables:
            continue
        busy.update({(q.requester, s), (q.invitee, s)})
        out.append(Meeting(r, s, per_slot[s]))
        per_slot[s] += 1
    return out


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_it_matches_the_shared_scorer_on_generated_instances(seed):
    shared = _shared()
    inst = generate_instance(60, 240, 8, 10 + 5 * seed, seed=seed)
    data = instance_to_json(inst)
    rng = random.Random(seed)
    for meetings in (_random_feasible(inst, rng), _random_feasible(inst, rng)):
        ours = score_meetings(inst, meetings)
        theirs = shared.score(data, {"meetings": [m.__dict__ for m in meetings]})
        assert ours.objective == theirs["objective"]
        assert (ours.breaks, ours.meetings, ours.idle_slots) == (
            theirs["breaks"],
            theirs["meetings"],
            theirs["idle_slots"],
        )
        assert ours.mutual_meetings == theirs["mutual_meetings"]
        assert ours.participants_without_meeting == theirs["participants_without_meeting"]
    schedule = schedule_instant(inst, budget_s=0.1)
    assert shared.score(data, schedule_to_json(schedule))["objective"] == schedule.objective
