"""The starter library of real clauses: enough clauses and documents, each cited, each with
cases at its thresholds that pass."""

from __future__ import annotations

import pytest

from yiqiao.policies.engine import library_issues, load_library, publish_issues, run_tests
from yiqiao.policies.tests.policy_samples import LIBRARY

STARTER = LIBRARY / "starter"
_, POLICIES = load_library(STARTER)


def test_it_holds_sixty_clauses_from_ten_documents_of_different_places():
    documents = {(p.latest.source.issuer, p.latest.source.document) for p in POLICIES}
    issuers = {p.latest.source.issuer for p in POLICIES}
    assert len(POLICIES) >= 60
    assert len(documents) >= 10 and len(issuers) >= 10


@pytest.mark.parametrize("policy", POLICIES, ids=[p.id for p in POLICIES])
def test_it_cites_and_passes_each_real_clause(policy):
    source = policy.latest.source
    assert source.issuer and source.document and source.article
    assert not policy.fictional_sample
    assert len(policy.tests) >= 2
    assert [o.message for o in run_tests(policy, POLICIES) if not o.passed] == []
    assert publish_issues(policy, POLICIES) == []


def _numeric_thresholds(policy):
    """Per numeric condition of ``policy`` (path, label, bound), the states its cases reach."""
    from yiqiao.policies.engine import check_profile, explain

    seen: dict[tuple[str, str, str], set[str]] = {}
    for case in policy.tests:
        result = explain(policy, check_profile(policy.fields, dict(case.profile)), case.on)
        for c in result.conditions:
            numeric = isinstance(c.actual, int | float) and not isinstance(c.actual, bool)
            if c.kind == "atom" and c.wording is not None and numeric:
                seen.setdefault((c.path, c.label, c.required), set()).add(c.state)
    return seen


@pytest.mark.parametrize("policy", POLICIES, ids=[p.id for p in POLICIES])
def test_it_has_cases_on_both_sides_of_every_numeric_threshold(policy):
    """Each numeric condition of a real clause (an amount, a count of qualifying items, a
    growth rate) has a case that meets it and a case that falls short of it."""
    one_sided = {k: v for k, v in _numeric_thresholds(policy).items() if not {"pass", "fail"} <= v}
    assert one_sided == {}


def test_it_has_no_cross_file_problems():
    assert library_issues(POLICIES) == []


def _json(value):
    """An engine-typed profile value as the evaluate contract's JSON carries it."""
    import datetime as dt

    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, frozenset | set):
        return sorted(value)
    if isinstance(value, tuple | list):
        return [_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items() if v is not None}
    return value


def test_it_computes_every_case_right_through_the_evaluate_contract(tmp_path, capsys):
    """Each real clause's cases, sent as JSON lines to `yiqiao policies evaluate`, come back with
    the expected verdict, amount in yuan and missing fields (dates as text, lists as arrays)."""
    import json

    from yiqiao.policies.engine import cases

    verdict: dict[str, object] = {"eligible": True, "ineligible": False, "not_in_effect": False}
    verdict["eligible_if_data_supplied"] = "missing"
    lines, expected = [], {}
    for policy in POLICIES:
        for k, case in enumerate(policy.tests):
            case_id = f"{policy.id}#{k}"
            profile = _json(dict(case.profile))
            lines.append(
                json.dumps({"id": case_id, "as_of": case.on.isoformat(), "profile": profile})
            )
            expected[case_id] = (policy.id, case)
    source = tmp_path / "cases.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert cases.main([str(STARTER), str(source), "--own-amounts"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    wrong = []
    for line in out.splitlines():
        row = json.loads(line)
        policy_id, case = expected.pop(row["id"])
        got = row["results"][policy_id]
        right = got["eligible"] == verdict[case.status]
        if case.amount is not None:
            right = right and got["amount_yuan"] == round(case.amount)
        if case.missing_fields is not None:
            right = right and sorted(got["missing_fields"]) == sorted(case.missing_fields)
        if not right:
            wrong.append((row["id"], case.status, case.amount, got))
    assert expected == {} and wrong == []
    assert len(lines) >= 200
