"""Tests of funnel, time-in-stage, per-currency totals and signed-vs-realised gaps."""

from __future__ import annotations

from decimal import Decimal

import pytest

from yiqiao.projects.engine.figures import (
    CommitmentGroup,
    convert_total,
    funnel,
    histogram_quantile,
    is_overdue,
    signed_vs_realised,
    stage_spans,
    time_in_stage,
    totals_by_currency,
)


def test_it_counts_reach_including_projects_lost_later() -> None:
    steps = funnel(
        {
            ("lead", ""): 50,
            ("contacted", ""): 20,
            ("signed", ""): 5,
            ("lost", "contacted"): 10,
            ("lost", "signed"): 2,
            ("production", ""): 3,
        }
    )
    reached = {s.stage: s.reached for s in steps}
    assert reached == {
        "lead": 90,
        "contacted": 40,
        "site_visit": 10,
        "negotiating": 10,
        "signed": 10,
        "registered": 3,
        "construction": 3,
        "production": 3,
    }
    assert steps[0].percent_of_previous is None
    assert steps[1].percent_of_previous == Decimal("44.4")
    assert steps[1].lost_here == 10
    assert steps[4].current == 5


@pytest.mark.parametrize(
    ("histogram", "q", "expected"),
    [
        ({}, 0.5, None),
        ({7: 1}, 0.5, 7.0),
        ({1: 1, 3: 1}, 0.5, 2.0),
        ({1: 2, 10: 1}, 0.5, 1.0),
        ({1: 1, 2: 1, 3: 1, 100: 1}, 0.5, 2.5),
        ({5: 3, 9: 0}, 0.9, 5.0),
    ],
)
def test_it_takes_quantiles_from_histograms(
    histogram: dict[int, int], q: float, expected: float | None
) -> None:
    assert histogram_quantile(histogram, q) == expected


def test_it_reports_time_in_stage_per_stage() -> None:
    rows = time_in_stage({"lead": {3: 2, 9: 1}}, {"lead": {40: 1}, "production": {5: 4}})
    lead = rows[0]
    assert (lead.finished, lead.median_days, lead.ongoing, lead.ongoing_median_days) == (
        3,
        3.0,
        1,
        40.0,
    )
    assert rows[-1].stage == "production"
    assert rows[-1].ongoing == 4
    assert rows[1].median_days is None


def test_it_splits_a_projects_history_into_stays() -> None:
    assert stage_spans([("lead", 100), ("contacted", 110), ("site_visit", 130)], 140) == [
        ("lead", 10),
        ("contacted", 20),
        ("site_visit", 10),
    ]


def test_it_never_adds_amounts_in_different_currencies() -> None:
    totals = totals_by_currency(
        [("USD", Decimal("10")), ("CNY", Decimal("100")), ("USD", Decimal("5"))]
    )
    assert totals == {"CNY": Decimal("100"), "USD": Decimal("15")}
    refused = convert_total(totals, {})
    assert refused.amount is None
    assert refused.reasons == ("未提供美元兑CNY的汇率，不能合计",)
    converted = convert_total(totals, {"USD": Decimal("7.1")})
    assert converted.amount == Decimal("206.50")
    assert converted.note == "按指定汇率折算：1 USD = 7.1 CNY"


def test_it_states_the_gap_between_signed_and_realised() -> None:
    line, done = signed_vs_realised(
        [
            CommitmentGroup(
                "2025",
                "2025年",
                "CNY",
                3,
                Decimal("500000000"),
                Decimal("120000000"),
                Decimal("80000000"),
                300,
                120,
            ),
            CommitmentGroup(
                "2024", "2024年", "USD", 1, Decimal("10"), Decimal("12"), Decimal("0"), 0, 0
            ),
        ]
    )
    assert line.capital_gap == Decimal("380000000")
    assert line.arrived_percent == Decimal("24.0")
    assert line.jobs_gap == 180
    assert line.summary == "到资24.0%，尚差3.80亿人民币；就业尚差180人"
    assert done.summary == "到资120.0%，已达到签约金额"


@pytest.mark.parametrize(
    ("follow_up", "today", "stage", "expected"),
    [
        (10, 11, "lead", True),
        (11, 11, "lead", False),
        (None, 11, "lead", False),
        (10, 11, "lost", False),
        (10, 11, "production", False),
    ],
)
def test_it_flags_overdue_follow_ups(
    follow_up: int | None, today: int, stage: str, expected: bool
) -> None:
    assert is_overdue(follow_up, today, stage) is expected
