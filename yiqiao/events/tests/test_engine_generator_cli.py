"""The seeded instance generator and the ``schedule`` command line."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from yiqiao.events.engine import (
    Instance,
    MeetingRequest,
    Participant,
    generate_instance,
    instance_from_json,
    instance_to_json,
    schedule_instant,
    validate,
)
from yiqiao.events.engine.cli import main


def test_it_generates_the_same_instance_for_the_same_seed():
    assert generate_instance(50, 200, 8, 10, seed=5) == generate_instance(50, 200, 8, 10, seed=5)
    assert generate_instance(50, 200, 8, 10, seed=5) != generate_instance(50, 200, 8, 10, seed=6)


def test_it_generates_valid_instances_with_the_benchmark_shape():
    inst = generate_instance(300, 1500, 12, 40, seed=3)
    validate(inst)
    assert (len(inst.participants), len(inst.requests), inst.slots, inst.tables) == (
        300,
        1500,
        12,
        40,
    )
    full_day = sum(1 for p in inst.participants if p.windows == ((0, 11),))
    assert 150 <= full_day <= 210  # 60% of 300, with sampling noise
    shortest = min(hi - lo + 1 for p in inst.participants for lo, hi in p.windows)
    assert shortest >= 6  # at least half the day
    mutual = sum(q.mutual for q in inst.requests)
    assert 240 <= mutual <= 360  # 20% of 1500
    invited = Counter(q.invitee for q in inst.requests)
    assert invited.most_common(1)[0][1] >= 20  # a few participants are asked by many


def test_it_refuses_more_requests_than_pairs():
    with pytest.raises(ValueError, match="pairs"):
        generate_instance(4, 7, 4, 2, seed=1)


def test_it_schedules_from_the_command_line(tmp_path, capsys):
    inst = generate_instance(40, 150, 6, 8, seed=2)
    src = tmp_path / "inst.json"
    out = tmp_path / "sched.json"
    src.write_text(json.dumps(instance_to_json(inst)), encoding="utf-8")
    code = main(["schedule", str(src), "--time-limit", "0.4", "--out", str(out)])
    assert code == 0
    lines = capsys.readouterr().out.strip().splitlines()
    first, last = json.loads(lines[0]), json.loads(lines[-1])
    assert first["stage"] == "instant"
    assert set(last) == {"objective", "meetings", "breaks", "seconds"}
    assert last["objective"] >= first["objective"]
    written = json.loads(out.read_text(encoding="utf-8"))
    assert len(written["meetings"]) == last["meetings"]
    assert set(written["meetings"][0]) == {"request", "slot", "table"}


def test_it_reports_bad_input_on_the_command_line(tmp_path, capsys):
    data = instance_to_json(generate_instance(10, 20, 4, 3, seed=1))
    data["requests"].append({"from": 3, "to": 3, "mutual": False})
    src = tmp_path / "inst.json"
    src.write_text(json.dumps(data), encoding="utf-8")
    code = main(["schedule", str(src), "--time-limit", "0.2", "--out", str(tmp_path / "o.json")])
    assert code == 2
    assert "参与者 3 不能约见自己" in capsys.readouterr().err
    assert not (tmp_path / "o.json").exists()


def test_it_round_trips_instances_with_several_windows_through_json():
    inst = Instance(
        slots=6,
        tables=2,
        participants=(
            Participant(0, ((0, 1), (4, 5)), name="甲公司"),
            Participant(1, ((1, 4),)),
            Participant(2, ((5, 5),)),
        ),
        requests=(MeetingRequest(0, 1, True), MeetingRequest(0, 2)),
        seats=10,
    )
    data = instance_to_json(inst)
    assert data["participants"][0]["windows"] == [[0, 1], [4, 5]]
    assert data["participants"][1]["available"] == [1, 4]
    assert instance_from_json(data) == inst
    schedule = schedule_instant(inst, budget_s=0.05)
    slots = {m.request: m.slot for m in schedule.meetings}
    # 0 and 1 share slots 1 and 4; 0 and 2 only slot 5; both are served without a break for 0
    assert slots[1] == 5
    assert slots[0] == 4
    assert schedule.objective == 2 * 3 + 2 * 4 - 0
