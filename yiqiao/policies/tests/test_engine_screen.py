"""Batch screening over a columnar snapshot: agreement with explain, groups, caps, budgets."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from yiqiao.policies.engine import (
    ProfileError,
    calculate,
    explain,
    load_library,
    parse_policy,
    screen,
    snapshot_from_arrays,
    snapshot_from_profiles,
    synthetic_policies,
    synthetic_snapshot,
)
from yiqiao.policies.engine.synthetic import profiles_from_snapshot
from yiqiao.policies.tests.policy_samples import FIELDS, LIBRARY

ON = date(2025, 6, 30)
_, POLICIES = load_library(LIBRARY)


@pytest.mark.slow  # a random register checked against explain(): the full suite, not --fast
def test_it_agrees_with_explain_on_a_random_register():
    policies = POLICIES + synthetic_policies(POLICIES, 40, seed=3)
    snapshot = synthetic_snapshot(FIELDS, 1500, seed=11, on=ON, fact_missing=0.2)
    result = screen(policies, snapshot, ON, near_miss_limit=10**9)
    awards = {
        (int(e), int(p)): float(a)
        for e, p, a in zip(
            result.award_enterprise,
            result.award_policy,
            result.award_amount_before_caps,
            strict=True,
        )
    }
    awards.update(
        {
            (int(e), int(p)): float(a)
            for e, p, a in zip(
                result.superseded_enterprise,
                result.superseded_policy,
                result.superseded_amount,
                strict=True,
            )
        }
    )
    quick = set(zip(result.quick_enterprise.tolist(), result.quick_policy.tolist(), strict=True))
    near = set(zip(result.near_enterprise.tolist(), result.near_policy.tolist(), strict=True))
    seen = {"eligible": 0, "ineligible": 0, "eligible_if_data_supplied": 0}
    for row, profile in enumerate(profiles_from_snapshot(snapshot, range(snapshot.size))):
        for index, policy in enumerate(policies):
            one = explain(policy, profile, ON, library=policies)
            seen[one.status] += 1
            key = (row, index)
            assert (one.amount if one.status == "eligible" else None) == pytest.approx(
                awards.get(key)
            ), key
            assert (one.status == "eligible_if_data_supplied") == (key in quick), key
            assert one.is_near_miss == (key in near), key
    assert min(seen.values()) > 500  # every status is exercised, not just "ineligible"


@pytest.mark.slow  # a random register checked against the calculator: the full suite, not --fast
def test_it_agrees_with_the_calculator_after_groups_and_caps():
    snapshot = synthetic_snapshot(FIELDS, 800, seed=5, on=ON)
    profiles = profiles_from_snapshot(snapshot, range(snapshot.size))
    # make exclusive groups and shared caps bite: rich profiles eligible for many policies
    for test in (t for p in POLICIES for t in p.tests if t.status == "eligible" and t.on == ON):
        profiles.append(dict(test.profile))
    rich = {}
    for policy in POLICIES:
        for case in policy.tests:
            if case.status == "eligible":
                rich.update(case.profile)
    rich.update(
        kind="enterprise", region_code="xs.jc.th", specialised_recognised_on=date(2025, 3, 1),
        qualifications=frozenset({"specialised", "little_giant", "high_tech", "pre_ipo"}),
        chain_nodes=frozenset(
            {"drug_manufacturer", "drug_manufacturer.chem_innovative", "device_manufacturer"}
        ),
        device_class3_certs=1, device_class2_certs=2, innovative_device_certs=1,
        rd_spend_yuan=8000e4, drug_phase3_started=2, drug_phase1_started=1,
    )  # fmt: skip
    profiles.append(rich)
    snapshot = snapshot_from_profiles(FIELDS, profiles)
    result = screen(POLICIES, snapshot, ON)
    final = {
        (int(e), int(p)): float(a)
        for e, p, a in zip(
            result.award_enterprise, result.award_policy, result.award_amount, strict=True
        )
    }
    assert result.superseded_enterprise.size > 0 and result.cap_reduced
    for row in range(snapshot.size):
        calc = calculate(POLICIES, profiles[row], ON)
        for index, item in enumerate(calc.items):
            if item.explanation.status == "eligible" and not item.superseded:
                assert final[(row, index)] == pytest.approx(item.final_amount), (row, index)
            else:
                assert (row, index) not in final


def profile(**values: object) -> dict[str, object]:
    return {"kind": "enterprise", "region_code": "xs.jc.th", **values}


def by_id(policy_id: str) -> int:
    return next(i for i, p in enumerate(POLICIES) if p.id == policy_id)


def test_it_keeps_only_the_highest_award_of_an_exclusive_group():
    little_giant = profile(
        qualifications={"specialised", "little_giant"}, specialised_recognised_on=date(2025, 3, 1)
    )
    snapshot = snapshot_from_profiles(FIELDS, [little_giant])
    result = screen(POLICIES, snapshot, ON)
    kept = {
        POLICIES[int(p)].id: float(a)
        for p, a in zip(result.award_policy, result.award_amount, strict=True)
    }
    dropped = {
        POLICIES[int(p)].id: float(a)
        for p, a in zip(result.superseded_policy, result.superseded_amount, strict=True)
    }
    assert (kept.get("qual.little_giant"), "qual.specialised" in kept) == (100e4, False)
    assert dropped == {"qual.specialised": 50e4}


def test_it_trims_awards_to_a_shared_annual_cap_largest_first():
    heavy = profile(
        chain_nodes={"drug_manufacturer", "drug_manufacturer.chem_innovative"}, rd_spend_yuan=8000e4, drug_phase3_started=2,
        drug_phase2_started=1,
    )  # fmt: skip
    snapshot = snapshot_from_profiles(FIELDS, [heavy])
    result = screen(POLICIES, snapshot, ON)
    amounts = {
        POLICIES[int(p)].id: float(a)
        for p, a in zip(result.award_policy, result.award_amount, strict=True)
    }
    # phase III 2000万 fills the 2000万 group cap; phase II (500万) and R&D (500万) get nothing
    assert amounts["trial.drug_phase3"] == 2000e4
    assert (amounts["trial.drug_phase2"], amounts["rd.spend_subsidy"]) == (0.0, 0.0)
    assert float(result.award_amount_before_caps.sum()) == 3000e4


def test_it_reports_totals_budgets_and_the_auto_list():
    rows = [profile(headcount=50, cro_spend_yuan=800e4) for _ in range(30)]
    snapshot = snapshot_from_profiles(FIELDS, rows)
    result = screen(POLICIES, snapshot, ON, total_budget=1000e4)
    cro = result.policies[by_id("voucher.cro")]
    assert (cro.eligible, cro.amount, cro.budget, cro.over_budget) == (30, 3000e4, 2000e4, True)
    assert (result.total_amount, result.over_budget) == (3000e4, True)
    assert result.auto_awards().size == 30


def test_it_lists_quick_apply_rows_with_their_missing_fields():
    snapshot = snapshot_from_profiles(FIELDS, [profile(headcount=50), profile(cro_spend_yuan=10e4)])
    result = screen(POLICIES, snapshot, ON)
    index = by_id("voucher.cro")
    assert result.quick_apply_rows(index).tolist() == [0, 1]
    rows = [r for r in range(result.quick_policy.size) if result.quick_policy[r] == index]
    assert [result.missing_fields(r) for r in rows] == [("cro_spend_yuan",), ("headcount",)]


def test_it_lists_near_misses_with_the_failing_condition():
    snapshot = snapshot_from_profiles(
        FIELDS, [profile(revenue_yuan=8e8, chain_nodes={"distribution"})]
    )
    result = screen(POLICIES, snapshot, ON)
    index = by_id("commerce.pharma_growth")
    hits = [
        int(c) for p, c in zip(result.near_policy, result.near_condition, strict=True) if p == index
    ]
    assert [result.policies[index].top_labels[c] for c in hits] == ["上年度营业收入"]


def test_it_screens_only_the_requested_statuses():
    snapshot = snapshot_from_profiles(FIELDS, [profile(headcount=50, cro_spend_yuan=800e4)])
    draft = parse_policy(POLICIES[by_id("voucher.cro")].file, FIELDS)
    result = screen([draft], snapshot, ON, statuses={"draft"})
    assert (result.policies[0].version, result.award_enterprise.size) == (None, 0)


BAD_ARRAYS = [
    (
        {"revenue_yuan": np.zeros(3, dtype=np.float32)},
        "快照列 revenue_yuan（money）的类型应为 float64，实为 float32",
    ),
    ({"revenue_yuan": np.zeros(4)}, "快照列 revenue_yuan 的长度为 (4,)，应为 (3,)"),
    ({"nope": np.zeros(3)}, "快照列 nope 不在字段字典中"),
    ({"kind": np.zeros(3, dtype=np.int32)}, "快照列 kind 缺少代码表 vocab"),
]


@pytest.mark.parametrize(("columns", "message"), BAD_ARRAYS)
def test_it_checks_arrays_on_the_fast_path(columns, message):
    with pytest.raises(ProfileError) as caught:
        snapshot_from_arrays(FIELDS, 3, columns)
    assert str(caught.value) == message


def test_it_treats_an_absent_column_as_missing_data():
    snapshot = snapshot_from_arrays(
        FIELDS, 2, {"kind": np.array([0, 0], dtype=np.int32), "region_code": np.array([0, 0], dtype=np.int32)},
        vocab={"kind": ("enterprise",), "region_code": ("xs.jc.th",)},
    )  # fmt: skip
    result = screen(POLICIES, snapshot, ON)
    assert result.award_enterprise.size == 0
    assert result.policies[by_id("voucher.cro")].quick_apply == 2
