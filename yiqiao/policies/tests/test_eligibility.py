"""The eligibility entry point other apps use: a policy that fails to explain is recorded."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest

from yiqiao.policies import eligibility

ON = dt.date(2025, 6, 30)


def test_it_records_a_policy_that_fails_to_explain_instead_of_dropping_it(
    org_factory: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    org = org_factory("桐华示例药业有限公司")

    def explain(policy: Any, profile: Any, on: dt.date, **_: Any) -> Any:
        if policy.id == "broken":
            raise ZeroDivisionError("division by zero")
        return SimpleNamespace(status="if_data_supplied", amount=None, missing_fields=["rd_ratio"])

    monkeypatch.setattr(eligibility.engine, "explain", explain)
    policies: Any = [SimpleNamespace(id="fine"), SimpleNamespace(id="broken")]
    report = eligibility.organisation_policy_eligibility(org, on=ON, policies=policies)
    assert report.verdicts == {
        "fine": eligibility.PolicyVerdict("fine", "if_data_supplied", None, ("rd_ratio",))
    }
    assert report.failures == {"broken": "division by zero"}
    assert report.failure_note == "1 项政策无法评估（broken），请联系政策管理员"


def test_it_answers_only_for_the_codes_asked(
    org_factory: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    org = org_factory("桐华示例药业有限公司")
    monkeypatch.setattr(
        eligibility.engine,
        "explain",
        lambda p, profile, on, **_: SimpleNamespace(
            status="eligible", amount=1000.0, missing_fields=[]
        ),
    )
    policies: Any = [SimpleNamespace(id="a"), SimpleNamespace(id="b")]
    report = eligibility.organisation_policy_eligibility(org, on=ON, policies=policies, codes={"b"})
    assert list(report.verdicts) == ["b"]
    assert report.verdicts["b"].amount_yuan == 1000.0
    assert report.failure_note == ""
