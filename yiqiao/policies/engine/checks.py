"""Running a policy's own test cases, and the checks that gate publishing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .errors import Issue, PolicyError
from .explain import explain
from .model import ELIGIBLE, Policy, PolicyCase
from .values import format_money

_STATUS_WORDS = {
    "eligible": "符合",
    "ineligible": "不符合",
    "eligible_if_data_supplied": "补充数据后可能符合",
    "not_in_effect": "无有效版本",
}


@dataclass(frozen=True)
class CaseOutcome:
    """The result of one test case: expected vs actual status and amount."""

    case: PolicyCase
    status: str
    amount: float | None
    passed: bool
    message: str


Library = Sequence[Policy] | Mapping[str, Policy] | None


def run_tests(policy: Policy, library: Library = None) -> tuple[CaseOutcome, ...]:
    """Run every test case of ``policy`` through :func:`explain`; amounts match to 0.01 元;
    a case that lists ``missing_fields`` must get exactly those (in any order)."""
    outcomes = []
    for case in policy.tests:
        result = explain(policy, case.profile, case.on, library=library)
        passed = result.status == case.status
        if passed and case.amount is not None:
            passed = result.amount is not None and abs(result.amount - case.amount) <= 0.01
        wrong_missing = case.missing_fields is not None and sorted(case.missing_fields) != sorted(
            result.missing_fields
        )
        message = ""
        if passed and wrong_missing:
            passed = False
            message = (
                f"测试「{case.name}」未通过：预期缺少 {'、'.join(case.missing_fields or ()) or '无'}，"
                f"实际缺少 {'、'.join(result.missing_fields) or '无'}"
            )
        elif not passed:
            want = _STATUS_WORDS[case.status]
            got = _STATUS_WORDS[result.status]
            if case.amount is not None:
                want += f" {format_money(case.amount)}"
            if result.amount is not None:
                got += f" {format_money(result.amount)}"
            why = result.benefit_trace or "；".join(result.failing) or result.summary
            message = f"测试「{case.name}」未通过：预期{want}，实际{got}（{why}）"
        outcomes.append(CaseOutcome(case, result.status, result.amount, passed, message))
    return tuple(outcomes)


def publish_issues(policy: Policy, library: Library = None) -> list[Issue]:
    """Every reason ``policy`` may not be published (empty when it may).

    Refused: no test cases; fewer than one eligible and one non-eligible case; a version not
    covered by any case; any failing case; a library file not marked as a fictional sample is
    allowed (real policies are), but a missing source article is not.
    """
    issues: list[Issue] = list(policy.warnings)
    file = policy.file
    if not policy.tests:
        issues.append(Issue(file, 0, 0, "tests", "没有测试用例：政策必须附测试用例才能发布"))
        return issues
    if not any(c.status == ELIGIBLE for c in policy.tests):
        issues.append(
            Issue(file, policy.tests[0].line, 1, "tests", "至少需要一个预期「符合」的测试用例")
        )
    if all(c.status == ELIGIBLE for c in policy.tests):
        issues.append(
            Issue(
                file,
                policy.tests[0].line,
                1,
                "tests",
                "至少需要一个预期「不符合」或「补充数据后可能符合」的测试用例",
            )
        )
    for version in policy.versions:
        if not any(version.in_effect(c.on) for c in policy.tests):
            issues.append(
                Issue(
                    file,
                    version.line,
                    1,
                    "tests",
                    f"版本 {version.version} 没有测试用例覆盖（测试日期均不在其生效期内）",
                )
            )
    for outcome in run_tests(policy, library):
        if not outcome.passed:
            issues.append(Issue(file, outcome.case.line, 1, "tests", outcome.message))
    return issues


def check_publishable(policy: Policy, library: Library = None) -> None:
    """Raise :class:`PolicyError` when ``policy`` must not be published (see :func:`publish_issues`)."""
    issues = publish_issues(policy, library)
    if issues:
        raise PolicyError(issues)


def library_issues(policies: Sequence[Policy]) -> list[Issue]:
    """Cross-file problems: duplicate ids; cap groups whose members disagree on the limit."""
    issues: list[Issue] = []
    seen: dict[str, Policy] = {}
    for policy in policies:
        if policy.id in seen:
            issues.append(
                Issue(policy.file, 1, 1, "id", f"id {policy.id} 与 {seen[policy.id].file} 重复")
            )
        seen[policy.id] = policy
    limits: dict[str, tuple[str, Policy]] = {}
    for policy in policies:
        for version in policy.versions:
            if version.cap_group is None or version.cap_group_limit is None:
                continue
            text = repr(version.cap_group_limit)
            if version.cap_group in limits and limits[version.cap_group][0] != text:
                other = limits[version.cap_group][1]
                issues.append(
                    Issue(
                        policy.file,
                        version.line,
                        1,
                        "caps.group_per_enterprise_per_year",
                        f"共享上限组 {version.cap_group} 的上限与 {other.file} 不一致",
                    )
                )
            limits.setdefault(version.cap_group, (text, policy))
    issues.extend(reference_issues(policies))
    return issues


def reference_issues(policies: Sequence[Policy]) -> list[Issue]:
    """``award('x')`` naming a policy that is not in the library, and cycles of references
    (each policy of a cycle is named at the line of its reference)."""
    issues: list[Issue] = []
    by_id = {p.id: p for p in policies}
    for policy in policies:
        for ref, line in policy.references:
            if ref not in by_id:
                issues.append(
                    Issue(policy.file, line, 1, "award", f"引用的政策 {ref} 不在政策库中")
                )
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(pid: str) -> None:
        state[pid] = 1
        stack.append(pid)
        for ref, _ in by_id[pid].references:
            if ref not in by_id:
                continue
            if state.get(ref) == 1:
                cycle = stack[stack.index(ref) :]
                for member in cycle:
                    target = next(r for r, _ in by_id[member].references if r in cycle)
                    line = next(n for r, n in by_id[member].references if r == target)
                    loop = " → ".join([*cycle, ref])
                    issues.append(
                        Issue(by_id[member].file, line, 1, "award", f"政策之间的引用成环：{loop}")
                    )
            elif state.get(ref) is None:
                visit(ref)
        stack.pop()
        state[pid] = 2

    for pid in by_id:
        if pid not in state:
            visit(pid)
    return issues
