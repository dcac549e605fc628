"""The shipped rung criteria are valid policy-format files whose test cases pass."""

from __future__ import annotations

import pytest

from yiqiao.cultivation.criteria import CRITERIA_DIR, SCREENED_RUNGS
from yiqiao.policies.engine import parse_policy, publish_issues, run_tests
from yiqiao.policies.profiles import field_dictionary


@pytest.mark.parametrize("rung", SCREENED_RUNGS)
def test_it_ships_valid_criteria_with_passing_cases(rung: str) -> None:
    policy = parse_policy(CRITERIA_DIR / f"{rung}.yaml", field_dictionary())
    assert publish_issues(policy) == []
    outcomes = run_tests(policy)
    assert len(outcomes) >= 2
    assert [o.message for o in outcomes if not o.passed] == []
    statuses = {o.case.status for o in outcomes}
    assert {"eligible", "ineligible"} <= statuses
