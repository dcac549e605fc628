"""The ladder rules and the candidate ranking, table-driven, without a database."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from yiqiao.cultivation.engine import (
    Held,
    current_rung,
    default_expiry,
    rank_candidates,
    recertification_due,
    recognition_problems,
    stage_move_problem,
)
from yiqiao.policies.engine import load_fields, parse_policy, snapshot_from_profiles
from yiqiao.policies.profiles import FIELDS_FILE

TODAY = dt.date(2026, 6, 30)
FIELDS = load_fields(FIELDS_FILE)


@pytest.mark.parametrize(
    ("rung", "day", "expected"),
    [
        ("high_tech", dt.date(2023, 11, 20), dt.date(2026, 11, 19)),
        ("specialised", dt.date(2024, 2, 29), dt.date(2027, 2, 27)),
        ("tech_sme", dt.date(2026, 4, 1), dt.date(2026, 12, 31)),
        ("listed", dt.date(2026, 4, 1), None),
    ],
)
def test_it_computes_the_default_expiry(rung: str, day: dt.date, expected: dt.date | None) -> None:
    assert default_expiry(rung, day) == expected


def test_it_takes_the_highest_valid_rung() -> None:
    held = [
        Held("tech_sme", dt.date(2022, 3, 1), dt.date(2022, 12, 31)),
        Held("high_tech", dt.date(2023, 11, 20), dt.date(2026, 11, 19)),
        Held("specialised", dt.date(2021, 1, 1), dt.date(2023, 12, 31)),  # lapsed
    ]
    assert current_rung(held, TODAY) == "high_tech"
    assert current_rung(held, dt.date(2022, 6, 1)) == "specialised"
    assert current_rung([], TODAY) is None


def _problems(**kw: object) -> list[str]:
    args: dict[str, object] = {
        "held": [Held("high_tech", dt.date(2024, 1, 1), dt.date(2026, 12, 31))],
        "rung": "specialised",
        "recognised_on": dt.date(2026, 5, 1),
        "expires_on": None,
        "certificate_number": "ZJTX-2026-001",
        "skip_basis": "",
        "today": TODAY,
    }
    args.update(kw)
    return recognition_problems(**args)  # type: ignore[arg-type]


def test_it_accepts_the_next_rung_with_a_certificate() -> None:
    assert _problems() == []


def test_it_refuses_a_skipped_rung_without_a_basis() -> None:
    problems = _problems(rung="little_giant")
    assert len(problems) == 1
    assert "跳过了专精特新中小企业" in problems[0]
    assert _problems(rung="little_giant", skip_basis="工信部直接认定公告") == []


def test_it_refuses_a_certificate_expiring_before_it_was_issued() -> None:
    problems = _problems(expires_on=dt.date(2026, 4, 30))
    assert problems == ["证书有效期至 2026-04-30，不晚于认定日期 2026-05-01，请核对证书"]


def test_it_refuses_a_missing_certificate_and_a_future_date() -> None:
    problems = _problems(certificate_number=" ", recognised_on=dt.date(2026, 7, 1))
    assert any("晚于今天" in p for p in problems)
    assert any("须填写证书编号" in p for p in problems)


def test_it_lists_high_tech_due_within_ninety_days_unless_renewed() -> None:
    soon = Held("high_tech", dt.date(2023, 9, 1), dt.date(2026, 8, 31), certificate_number="A")
    later = Held("high_tech", dt.date(2024, 1, 1), dt.date(2026, 12, 31), certificate_number="B")
    due = recertification_due([soon, later], TODAY)
    assert due == []  # B is a later recognition: A was renewed
    due = recertification_due([soon], TODAY)
    assert [(d.held.certificate_number, d.days_left) for d in due] == [("A", 62)]
    assert recertification_due([later], TODAY) == []  # 184 days left


@pytest.mark.parametrize(
    ("current", "to", "message"),
    [
        ("tutoring", "filing", None),
        ("inquiry", "tutoring", "上市进程不能倒退"),
        ("filing", "filing", "已处于"),
        ("filing", "ipo", "未知的上市进程阶段"),
    ],
)
def test_it_moves_listing_stages_forward_only(current: str, to: str, message: str | None) -> None:
    problem = stage_move_problem(current, to)
    if message is None:
        assert problem is None
    else:
        assert problem is not None and message in problem


def test_it_ranks_candidates_by_criteria_unmet_then_failed_then_shortfall() -> None:
    policy = parse_policy(
        """
id: t.rung
title: 测试层级
category: 梯度培育
source: {document: 测试, number: 无, article: 一}
status: published
delivery: manual
effective_from: 2020-01-01
conditions:
  - {field: rd_spend_yuan, ge: 100万}
  - {field: revenue_yuan, ge: 1000万}
  - {field: specialised_score, ge: 60}
benefit: 0
""",
        FIELDS,
    )
    profiles = [
        {"rd_spend_yuan": 50e4, "revenue_yuan": 5e6, "specialised_score": 70},  # 0: two failed
        {"rd_spend_yuan": 95e4, "revenue_yuan": 2e7, "specialised_score": 70},  # 1: one, 5% short
        {"rd_spend_yuan": 60e4, "revenue_yuan": 2e7, "specialised_score": 70},  # 2: one, 40% short
        {"rd_spend_yuan": 2e6, "revenue_yuan": 2e7},  # 3: none failed, one missing
        {"rd_spend_yuan": 2e6, "revenue_yuan": 2e7, "specialised_score": 61},  # 4: all met
    ]
    # an enterprise with no data at all is further away than one with one criterion failed
    profiles.append({})  # 5: three missing
    snapshot = snapshot_from_profiles(FIELDS, profiles)
    ranking = rank_candidates(policy, snapshot, TODAY)
    assert ranking.rows.tolist() == [4, 3, 1, 2, 0, 5]
    assert ranking.failed.tolist() == [0, 0, 1, 1, 2, 0]
    assert ranking.missing.tolist() == [0, 1, 0, 0, 0, 3]
    assert ranking.by_unmet == (1, 3, 1, 1)
    considered = np.array([True, True, False, False, False, False])
    limited = rank_candidates(policy, snapshot, TODAY, considered=considered, limit=1)
    assert limited.rows.tolist() == [1] and limited.considered == 2


def test_it_runs_the_benchmark_on_a_small_register(capsys: pytest.CaptureFixture[str]) -> None:
    import json
    import runpy
    from pathlib import Path

    script = Path(__file__).resolve().parents[3] / "bench" / "bench_cultivation.py"
    main = runpy.run_path(str(script), run_name="bench")["main"]
    assert main(["--enterprises", "3000", "--shown", "5"]) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["enterprises"] == 3000 and summary["rungs"] == 5
    assert summary["cpu_seconds"] <= summary["cpu_seconds_all_rungs"]
