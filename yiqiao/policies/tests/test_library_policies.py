"""The policy library: every file validates, carries its tests, and they pass."""

from __future__ import annotations

from collections import Counter

import pytest

from yiqiao.policies.engine import (
    library_issues,
    load_library,
    policy_files,
    publish_issues,
    run_tests,
)
from yiqiao.policies.engine.cli import main
from yiqiao.policies.engine.model import Atom, Combine, Group, PerItem, Table, When
from yiqiao.policies.tests.policy_samples import FIELDS, LIBRARY, VALID

_, POLICIES = load_library(LIBRARY)
FILES = policy_files(LIBRARY)


def test_it_holds_at_least_forty_policies_with_unique_ids():
    assert len(FILES) == len(POLICIES) >= 40
    assert library_issues(POLICIES) == []


@pytest.mark.parametrize("policy", POLICIES, ids=[p.id for p in POLICIES])
def test_it_publishes_each_policy_whose_tests_pass(policy):
    outcomes = run_tests(policy, POLICIES)
    assert [o.message for o in outcomes if not o.passed] == []
    assert len(outcomes) >= 2
    assert any(o.case.status != "eligible" for o in outcomes)
    assert publish_issues(policy, POLICIES) == []


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_it_marks_every_file_as_a_fictional_sample(path):
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# 虚构示例")
    assert "\nfictional_sample: true\n" in text
    assert "（虚构示例）" in text


def _atoms(group: Group) -> list[Atom]:
    out: list[Atom] = []
    for child in group.children:
        out.extend(_atoms(child) if isinstance(child, Group) else [child])
    return out


def _kinds(benefit: object) -> set[str]:
    kind = type(benefit).__name__
    if isinstance(benefit, Combine):
        return {benefit.kind}.union(*(_kinds(p) for p in benefit.parts))
    if isinstance(benefit, PerItem):
        return {kind} | _kinds(benefit.amount)
    if isinstance(benefit, When):
        inner: list[object] = [b for _, b in benefit.branches] + [benefit.otherwise]
        return {kind}.union(*(_kinds(b) for b in inner if b is not None))
    if isinstance(benefit, Table):
        inner = [b for _, b in benefit.rows]
        inner.append(benefit.default)
        return {kind}.union(*(_kinds(b) for b in inner if b is not None))
    return {kind}


def test_it_uses_every_operator_and_benefit_kind():
    versions = [v for p in POLICIES for v in p.versions]
    operators = {a.op for v in versions for a in _atoms(v.conditions)}
    kinds = set().union(*(_kinds(v.benefit) for v in versions))
    groups = {g.kind for v in versions for g in v.conditions.children if isinstance(g, Group)}
    assert operators == {
        "ge",
        "gt",
        "le",
        "lt",
        "eq",
        "in",
        "not_in",
        "between",
        "is",
        "exists",
        "within_years",
    }
    assert kinds == {
        "Fixed", "Rate", "PerUnit", "Tiers", "Table", "Formula", "max", "sum", "PerItem", "When",
    }  # fmt: skip
    assert groups == {"any", "not"}


def test_it_covers_the_families_the_issue_lists():
    categories = Counter(p.latest.category for p in POLICIES)
    assert categories["临床试验"] >= 4 and categories["注册证"] >= 5 and categories["人才"] >= 3
    families = {p.id.split(".")[0] for p in POLICIES}
    assert families >= {
        "rd",
        "trial",
        "cert",
        "landing",
        "space",
        "talent",
        "poc",
        "g2e",
        "angel",
        "listing",
        "qual",
        "voucher",
    }


def test_it_has_exclusive_groups_versions_dated_parameters_and_both_deliveries():
    groups = Counter(
        v.exclusive_group for p in POLICIES for v in p.versions[-1:] if v.exclusive_group
    )
    assert all(count >= 2 for count in groups.values()) and len(groups) >= 3
    assert sum(len(p.versions) == 2 for p in POLICIES) >= 2
    assert sum(any(v.change_dates for v in p.versions) for p in POLICIES) >= 2
    assert {v.delivery for p in POLICIES for v in p.versions} == {"auto", "apply", "manual"}


def test_it_declares_the_register_columns_in_the_field_dictionary():
    register = {name for name in FIELDS if FIELDS[name].source == "register"}
    assert register == {
        "kind", "region_code", "park_code", "founded_on", "registered_capital_yuan", "revenue_yuan",
        "rd_spend_yuan", "headcount", "qualifications", "chain_nodes", "lifecycle_stage", "listed_market",
        "province_code", "city_code", "county_code", "zone_code",
    }  # fmt: skip
    assert all(FIELDS[name].label and FIELDS[name].type for name in FIELDS)


def test_it_validates_the_library_from_the_command_line(capsys):
    assert main(["validate", str(LIBRARY)]) == 0
    assert (
        capsys.readouterr().out.strip()
        == f"校验通过：{len(POLICIES)} 个政策，{sum(len(p.tests) for p in POLICIES)} 个测试用例全部通过"
    )


def test_it_fails_the_command_line_on_a_bad_file(tmp_path, capsys):
    (tmp_path / "fields.yaml").write_text(
        (LIBRARY / "fields.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        VALID.replace("field: rd_spend_yuan\n    ge", "field: rd_spend\n    ge"), encoding="utf-8"
    )
    failing = tmp_path / "failing.yaml"
    failing.write_text(VALID.replace("amount: 500万}", "amount: 400万}"), encoding="utf-8")
    assert main([str(bad), str(failing)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert (
        lines[0]
        == f"{bad}:11:12: [conditions[1].field] 未知字段 rd_spend（是否为 rd_spend_yuan？）：字段必须先在字段字典中声明"
    )
    assert lines[1].startswith(
        f"{failing}:18:1: [tests] 测试「达标」未通过：预期符合 400万元，实际符合 500万元"
    )
    assert len(lines) == 2
