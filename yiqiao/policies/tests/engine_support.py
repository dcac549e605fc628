"""Helpers for engine tests: build a policy from fragments, and run the single explanation and
the batch screening side by side (they must agree)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from yiqiao.policies.engine import (
    Policy,
    calculate,
    parse_policy,
    screen,
    snapshot_from_profiles,
)
from yiqiao.policies.engine.profile_values import check_profile
from yiqiao.policies.tests.policy_samples import FIELDS

ON = date(2025, 6, 30)
Outcome = tuple[str, float | None, tuple[str, ...]]


def make(
    conditions: str,
    benefit: str = "  fixed: 10万",
    extra: str = "",
    policy_id: str = "t.ext",
    fields=FIELDS,
) -> Policy:
    text = (
        f"id: {policy_id}\ntitle: 测试 {policy_id}\n"
        "source: {document: 示例（虚构）, number: 示〔2025〕1号, article: 第二条}\n"
        f"status: draft\ndelivery: auto\neffective_from: 2024-01-01\n{extra}"
        f"conditions:\n{conditions}\nbenefit:\n{benefit}\n"
    )
    return parse_policy(text, fields)


def single(
    policies: Sequence[Policy], profiles: Sequence[dict], on: date = ON
) -> list[list[Outcome]]:
    """Per profile, per policy: (status, own amount, missing fields) from the calculator."""
    out = []
    for profile in profiles:
        calc = calculate(list(policies), check_profile(policies[0].fields, profile), on)
        out.append(
            [
                (i.explanation.status, i.explanation.amount, tuple(i.explanation.missing_fields))
                for i in calc.items
            ]
        )
    return out


def batch(
    policies: Sequence[Policy], profiles: Sequence[dict], on: date = ON
) -> list[list[Outcome]]:
    """The same from the batch screening (amounts before exclusive groups and shared caps)."""
    fields = policies[0].fields
    result = screen(list(policies), snapshot_from_profiles(fields, profiles), on, near_misses=False)
    out: list[list[Outcome]] = [[("ineligible", None, ())] * len(policies) for _ in profiles]
    amounts = result.award_amount_before_caps.tolist()
    for k, (row, p) in enumerate(
        zip(result.award_enterprise.tolist(), result.award_policy.tolist(), strict=True)
    ):
        out[row][p] = ("eligible", amounts[k], ())
    for row, p, amount in zip(
        result.superseded_enterprise.tolist(), result.superseded_policy.tolist(),
        result.superseded_amount.tolist(), strict=True,
    ):  # fmt: skip
        out[row][p] = ("eligible", amount, ())
    for index, (row, p) in enumerate(
        zip(result.quick_enterprise.tolist(), result.quick_policy.tolist(), strict=True)
    ):
        out[row][p] = ("eligible_if_data_supplied", None, tuple(result.missing_fields(index)))
    for p, info in enumerate(result.policies):
        if info.version is None:
            for row in range(len(profiles)):
                out[row][p] = ("not_in_effect", None, ())
    return out


def both(policies: Policy | Sequence[Policy], profiles: Sequence[dict], on: date = ON) -> list:
    """Outcomes of the single path, asserting the batch path agrees; one policy → flat list."""
    many = [policies] if isinstance(policies, Policy) else list(policies)
    one = single(many, profiles, on)
    assert batch(many, profiles, on) == one
    return [row[0] for row in one] if isinstance(policies, Policy) else one
