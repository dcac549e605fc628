"""Engine defects found while writing real clauses (issue 15); each test failed before its fix.

Every test runs the single explanation and the batch screening, which must agree.
"""

from __future__ import annotations

from datetime import date

import pytest

from yiqiao.policies.engine import (
    explain,
    load_fields,
    parse_policy,
    screen,
    snapshot_from_profiles,
)
from yiqiao.policies.tests.policy_samples import FIELDS

ON = date(2025, 6, 30)


def make(conditions: str, benefit: str = "  fixed: 10万", fields=FIELDS, extra: str = ""):
    text = (
        "id: t.defect\ntitle: 测试\nsource: {document: 示例（虚构）, number: 示〔2025〕1号, article: 第二条}\n"
        f"status: draft\ndelivery: auto\neffective_from: 2024-01-01\n{extra}"
        f"conditions:\n{conditions}\nbenefit:\n{benefit}\n"
    )
    return parse_policy(text, fields)


def batch(policy, profiles, fields=FIELDS):
    """Per profile: (status, amount, missing fields) as the batch screening reports them."""
    result = screen([policy], snapshot_from_profiles(fields, profiles), ON)
    out: list[tuple[str, float | None, tuple[str, ...]]] = [("ineligible", None, ())] * len(
        profiles
    )
    for row, amount in zip(
        result.award_enterprise.tolist(), result.award_amount.tolist(), strict=True
    ):
        out[row] = ("eligible", amount, ())
    quick = result.quick_enterprise.tolist()
    for index, row in enumerate(quick):
        out[row] = ("eligible_if_data_supplied", None, tuple(result.missing_fields(index)))
    return out


def single(policy, profiles):
    out = []
    for profile in profiles:
        one = explain(policy, profile, ON)
        out.append((one.status, one.amount, tuple(one.missing_fields)))
    return out


def test_it_keeps_the_fraction_of_within_years():
    # half a year before 2025-06-30 is 2024-12-30 (six whole months)
    policy = make("  - field: landed_on\n    within_years: 0.5")
    profiles = [{"landed_on": date(2025, 1, 15)}, {"landed_on": date(2024, 12, 29)}]
    expected = [("eligible", 10e4, ()), ("ineligible", None, ())]
    assert single(policy, profiles) == expected
    assert batch(policy, profiles) == expected
    text = explain(policy, profiles[1], ON).conditions[0].text
    assert (
        text
        == "落地（注册迁入）日期 2024年12月29日，要求 在近 0.5 年内（不早于 2024年12月30日），不满足"
    )


def test_it_accepts_dotted_field_names_inside_expressions():
    fields = load_fields(
        "fields:\n"
        "  finance.revenue_yuan: {label: 营业收入, type: money, source: register}\n"
        "  finance.rd_yuan: {label: 研发投入, type: money, source: register}\n"
    )
    policy = make(
        "  - expr: finance.rd_yuan / finance.revenue_yuan\n    label: 研发强度\n    unit: '%'\n    ge: 5%",
        "  formula: finance.rd_yuan * 10%",
        fields,
    )
    profiles = [{"finance.revenue_yuan": 1e8, "finance.rd_yuan": 6e6}]
    assert single(policy, profiles) == [("eligible", 6e5, ())]
    assert batch(policy, profiles, fields) == [("eligible", 6e5, ())]


def test_it_rounds_half_up_to_whole_yuan():
    # 四舍五入: 1,500,005 × 10% = 150,000.5 → 150,001
    by_rate = make("  - field: kind\n    exists: true", "  rate: 10%\n  of: revenue_yuan")
    by_round = make("  - field: kind\n    exists: true", "  formula: round(revenue_yuan * 10%)")
    profiles = [{"kind": "enterprise", "revenue_yuan": 1_500_005.0}]
    for policy in (by_rate, by_round):
        assert single(policy, profiles) == [("eligible", 150_001.0, ())]
        assert batch(policy, profiles) == [("eligible", 150_001.0, ())]


def test_it_floors_every_benefit_part_at_zero():
    # sum[100万, min(30万, 50万 − 80万)]: the negative part counts as 0, so 100万, not 70万
    benefit = (
        "  sum:\n    - fixed: 100万\n    - min:\n        - fixed: 30万\n"
        "        - formula: revenue_yuan - rd_spend_yuan"
    )
    policy = make("  - field: kind\n    exists: true", benefit)
    profiles = [{"kind": "enterprise", "revenue_yuan": 50e4, "rd_spend_yuan": 80e4}]
    assert single(policy, profiles) == [("eligible", 100e4, ())]
    assert batch(policy, profiles) == [("eligible", 100e4, ())]


def test_it_names_the_divisor_when_a_condition_divides_by_zero():
    policy = make(
        "  - expr: rd_spend_yuan / revenue_yuan\n    label: 研发强度\n    unit: '%'\n    ge: 5%"
    )
    profiles = [{"rd_spend_yuan": 1e6, "revenue_yuan": 0.0}]
    expected = [("eligible_if_data_supplied", None, ("revenue_yuan",))]
    assert single(policy, profiles) == expected
    assert batch(policy, profiles) == expected


MONEY_TEXTS = [
    (
        "revenue_yuan",
        "gt",
        "300万",
        3_000_010.0,
        "上年度营业收入 300.001万元，要求 > 300万元，满足",
    ),
    (
        "revenue_yuan",
        "ge",
        "2000万",
        19_999_999.0,
        "上年度营业收入 1999.9999万元，要求 ≥ 2000万元，差 1元",
    ),
    (
        "revenue_yuan",
        "gt",
        "300万",
        3_000_000.0,
        "上年度营业收入 300万元，要求 > 300万元，等于界值，不满足",
    ),
    (
        "revenue_yuan",
        "lt",
        "300万",
        3_000_000.0,
        "上年度营业收入 300万元，要求 < 300万元，等于界值，不满足",
    ),
    (
        "revenue_yuan",
        "ge",
        "1.5亿",
        149_999_999.5,
        "上年度营业收入 1.499999995亿元，要求 ≥ 1.5亿元，差 0.5元",
    ),
]


@pytest.mark.parametrize(("field", "op", "bound", "value", "text"), MONEY_TEXTS)
def test_it_shows_money_to_the_yuan_in_explanations(field, op, bound, value, text):
    policy = make(f"  - field: {field}\n    {op}: {bound}")
    assert explain(policy, {field: value}, ON).conditions[0].text == text


def test_it_lists_the_same_missing_fields_in_batch_and_single():
    # exists:false on a missing field is decided (true), so it is not "missing data"
    policy = make(
        "  - field: listed_on\n    exists: false\n  - field: kind\n    eq: enterprise",
        "  rate: 10%\n  of: rd_spend_yuan",
    )
    profiles = [{"kind": "enterprise"}]
    expected = [("eligible_if_data_supplied", None, ("rd_spend_yuan",))]
    assert single(policy, profiles) == expected
    assert batch(policy, profiles) == expected


def test_it_lists_only_fields_that_can_still_decide():
    # any[…] is already true, so its other missing member decides nothing
    policy = make(
        "  - any:\n      - field: gmp_line_built\n        is: true\n"
        "      - field: trial_site_in_district\n        is: true\n"
        "  - field: headcount\n    lt: 500"
    )
    profiles = [{"gmp_line_built": True}]
    expected = [("eligible_if_data_supplied", None, ("headcount",))]
    assert single(policy, profiles) == expected
    assert batch(policy, profiles) == expected


def test_it_does_not_list_benefit_fields_while_conditions_are_undecided():
    policy = make(
        "  - field: kind\n    eq: enterprise\n  - field: headcount\n    lt: 500",
        "  rate: 10%\n  of: rd_spend_yuan",
    )
    profiles = [{"kind": "enterprise"}]
    expected = [("eligible_if_data_supplied", None, ("headcount",))]
    assert single(policy, profiles) == expected
    assert batch(policy, profiles) == expected
