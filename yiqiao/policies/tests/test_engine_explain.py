"""Explaining one policy for one enterprise: operators, three-valued logic, texts, amounts."""

from __future__ import annotations

from datetime import date

import pytest

from yiqiao.policies.engine import calculate, explain, parse_policy
from yiqiao.policies.tests.policy_samples import FIELDS, VALID

ON = date(2025, 6, 30)


def make(condition: str, benefit: str = "  fixed: 10万", extra: str = "") -> object:
    text = (
        "id: t.p\ntitle: 测试\nsource: {document: 示例（虚构）, number: 示〔2025〕1号, article: 第二条}\n"
        f"status: draft\ndelivery: auto\neffective_from: 2024-01-01\n{extra}"
        f"conditions:\n{condition}\nbenefit:\n{benefit}\n"
    )
    return parse_policy(text, FIELDS)


def atom(field: str, op: str, value: str) -> str:
    return f"  - field: {field}\n    {op}: {value}"


OPERATOR_CASES = [
    # (field, op, operand, profile value, expected state)
    ("revenue_yuan", "ge", "1000万", 1000e4, "pass"),
    ("revenue_yuan", "ge", "1000万", 999e4, "fail"),
    ("revenue_yuan", "gt", "1000万", 1000e4, "fail"),
    ("revenue_yuan", "le", "1000万", 1000e4, "pass"),
    ("revenue_yuan", "lt", "1000万", 1000e4, "fail"),
    ("headcount", "eq", "10", 10, "pass"),
    ("headcount", "ne", "10", 10, "fail"),
    ("headcount", "between", "[10, 300]", 300, "pass"),
    ("headcount", "between", "[10, 300]", 9, "fail"),
    ("headcount", "in", "[1, 2, 3]", 2, "pass"),
    ("kind", "eq", "enterprise", "enterprise", "pass"),
    ("kind", "ne", "enterprise", "hospital", "pass"),
    ("kind", "in", "[hospital, university]", "enterprise", "fail"),
    ("kind", "not_in", "[hospital, university]", "enterprise", "pass"),
    ("qualifications", "in", "[high_tech, specialised]", frozenset({"specialised"}), "pass"),
    ("qualifications", "in", "[high_tech]", frozenset(), "fail"),
    ("qualifications", "not_in", "[listed]", frozenset({"high_tech"}), "pass"),
    ("gmp_line_built", "is", "true", True, "pass"),
    ("gmp_line_built", "is", "false", True, "fail"),
    ("founded_on", "within_years", "3", date(2022, 6, 30), "pass"),
    ("founded_on", "within_years", "3", date(2022, 6, 29), "fail"),
    ("founded_on", "ge", "2020-01-01", date(2020, 1, 1), "pass"),
    ("founded_on", "lt", "2020-01-01", date(2020, 1, 1), "fail"),
    ("founded_on", "between", "[2020-01-01, 2020-12-31]", date(2021, 1, 1), "fail"),
    ("region_code", "eq", '"xs.jc.th"', "xs.jc.th", "pass"),
    ("rd_spend_yuan", "exists", "true", 5.0, "pass"),
    ("rd_spend_yuan", "exists", "true", None, "fail"),
    ("rd_spend_yuan", "exists", "false", None, "pass"),
    ("rd_spend_yuan", "ge", "1", None, "missing"),
    ("qualifications", "in", "[high_tech]", None, "missing"),
]


@pytest.mark.parametrize(("field", "op", "operand", "value", "state"), OPERATOR_CASES)
def test_it_applies_every_operator(field, op, operand, value, state):
    policy = make(atom(field, op, operand))
    result = explain(policy, {field: value}, ON)
    assert result.conditions[0].state == state
    expected_status = {
        "pass": "eligible",
        "fail": "ineligible",
        "missing": "eligible_if_data_supplied",
    }
    assert result.status == expected_status[state]


TEXT_CASES = [
    (
        atom("rd_spend_yuan", "ge", "2000万"),
        {"rd_spend_yuan": 1200e4},
        "上年度研发投入 1200万元，要求 ≥ 2000万元，差 800万元",
    ),
    (
        atom("headcount", "le", "300"),
        {"headcount": 420},
        "从业人数 420人，要求 ≤ 300人，超出 120人",
    ),
    (
        atom("headcount", "between", "[10, 300]"),
        {"headcount": 4},
        "从业人数 4人，要求 在 10人 至 300人 之间，差 6人",
    ),
    (
        atom("kind", "in", "[hospital, university]"),
        {"kind": "enterprise"},
        "机构类型 企业，要求 属于 医院、高校，不满足",
    ),
    (
        atom("qualifications", "in", "[high_tech, specialised]"),
        {"qualifications": frozenset()},
        "资质 无，要求 含 高新技术企业或专精特新企业，不满足",
    ),
    (
        atom("founded_on", "within_years", "5"),
        {"founded_on": date(2019, 3, 1)},
        "成立日期 2019年3月1日，要求 在近 5 年内（不早于 2020年6月30日），不满足",
    ),
    (atom("rd_spend_yuan", "ge", "2000万"), {}, "上年度研发投入 缺少数据，要求 ≥ 2000万元"),
    (
        atom("gmp_line_built", "is", "true"),
        {"gmp_line_built": True},
        "本年度新建GMP生产线 是，要求 是，满足",
    ),
    (
        "  - expr: rd_spend_yuan / revenue_yuan\n    label: 研发投入强度\n    unit: '%'\n    ge: 8%",
        {"rd_spend_yuan": 500e4, "revenue_yuan": 1e8},
        "研发投入强度 5%，要求 ≥ 8%，差 3%",
    ),
]


@pytest.mark.parametrize(("condition", "profile", "text"), TEXT_CASES)
def test_it_explains_each_condition_in_chinese(condition, profile, text):
    assert explain(make(condition), profile, ON).conditions[0].text == text


BENEFIT_CASES = [
    ("  fixed: 50万", {}, 50e4, "定额 50万元"),
    (
        "  rate: 10%\n  of: rd_spend_yuan\n  cap: 500万",
        {"rd_spend_yuan": 6000e4},
        500e4,
        "min(上年度研发投入 6000万元 × 10%, 上限 500万元) = 500万元",
    ),
    (
        "  rate: 10%\n  of: rd_spend_yuan",
        {"rd_spend_yuan": 1200e4},
        120e4,
        "上年度研发投入 1200万元 × 10% = 120万元",
    ),
    (
        "  per_unit: 20万\n  of: talents_young\n  cap: 50万",
        {"talents_young": 3},
        50e4,
        "min(每单位 20万元 × 引进青年骨干人才数 3人, 上限 50万元) = 50万元",
    ),
    (
        "  tiers:\n    of: investment_landed_yuan\n    brackets:\n      - {from: 1亿, amount: 100万}\n      - {from: 5亿, amount: 500万}",
        {"investment_landed_yuan": 3e8},
        100e4,
        "实际到位投资额 3亿元 ≥ 1亿元 档 = 100万元",
    ),
    (
        "  tiers:\n    of: investment_landed_yuan\n    brackets:\n      - {from: 1亿, amount: 100万}\n      - {from: 5亿, rate: 2%}",
        {"investment_landed_yuan": 1e9},
        2000e4,
        "实际到位投资额 10亿元 ≥ 5亿元 档：实际到位投资额 10亿元 × 2% = 2000万元",
    ),
    (
        "  tiers:\n    of: investment_landed_yuan\n    brackets:\n      - {from: 1亿, amount: 100万}",
        {"investment_landed_yuan": 5e7},
        0.0,
        "实际到位投资额 5000万元 未达最低档 1亿元 = 0元",
    ),
    (
        "  table:\n    by: ipo_stage\n    rows: {reform: 50万, filing: 200万}",
        {"ipo_stage": "filing"},
        200e4,
        "上市进程 申报获受理 对应 200万元",
    ),
    (
        "  table:\n    by: ipo_stage\n    rows: {reform: 50万}\n    default: 10万",
        {"ipo_stage": "tutoring"},
        10e4,
        "上市进程 辅导备案 无对应档次，按默认 10万元",
    ),
    (
        "  table:\n    by: gmp_line_built\n    rows: {true: 30万, false: 5万}",
        {"gmp_line_built": False},
        5e4,
        "本年度新建GMP生产线 否 对应 5万元",
    ),
    (
        "  formula: (rd_spend_yuan - rd_spend_prior_yuan) * 15%\n  cap: 300万",
        {"rd_spend_yuan": 1500e4, "rd_spend_prior_yuan": 1000e4},
        75e4,
        "min((上年度研发投入 1500万元 − 前一年度研发投入 1000万元) × 15%, 上限 300万元) = 75万元",
    ),
    (
        "  sum:\n    - fixed: 100万\n    - rate: 3%\n      of: fixed_asset_investment_yuan",
        {"fixed_asset_investment_yuan": 1e8},
        400e4,
        "sum(定额 100万元；本年度固定资产投资额 1亿元 × 3% = 300万元) = 400万元",
    ),
    (
        "  max:\n    - rate: 1%\n      of: revenue_yuan\n    - fixed: 50万",
        {"revenue_yuan": 1e7},
        50e4,
        "max(上年度营业收入 1000万元 × 1% = 10万元；定额 50万元) = 50万元",
    ),
    (
        "  min:\n    - rate: 1%\n      of: revenue_yuan\n    - fixed: 50万",
        {"revenue_yuan": 1e9},
        50e4,
        "min(上年度营业收入 10亿元 × 1% = 1000万元；定额 50万元) = 50万元",
    ),
    (
        "  formula: revenue_yuan - rd_spend_yuan",
        {"revenue_yuan": 1e6, "rd_spend_yuan": 3e6},
        0.0,
        "上年度营业收入 100万元 − 上年度研发投入 300万元 = -200万元；不足零按 0元",
    ),
]


@pytest.mark.parametrize(("benefit", "profile", "amount", "trace"), BENEFIT_CASES)
def test_it_computes_and_traces_every_benefit_kind(benefit, profile, amount, trace):
    result = explain(make(atom("kind", "exists", "false"), benefit), profile, ON)
    assert (result.status, result.amount, result.benefit_trace) == ("eligible", amount, trace)


def test_it_never_reports_missing_data_as_ineligible():
    policy = make(atom("kind", "eq", "enterprise") + "\n" + atom("rd_spend_yuan", "ge", "2000万"))
    result = explain(policy, {"kind": "enterprise"}, ON)
    assert (result.status, result.amount, result.missing_fields, result.missing_labels) == (
        "eligible_if_data_supplied",
        None,
        ("rd_spend_yuan",),
        ("上年度研发投入",),
    )
    assert result.summary == "补充数据后可能符合：缺 上年度研发投入"


def test_it_lets_a_known_failure_win_over_missing_data():
    policy = make(atom("kind", "eq", "enterprise") + "\n" + atom("rd_spend_yuan", "ge", "2000万"))
    result = explain(policy, {"kind": "hospital"}, ON)
    assert (result.status, [c.state for c in result.conditions]) == (
        "ineligible",
        ["fail", "missing"],
    )


def test_it_treats_missing_benefit_data_as_eligible_if_supplied():
    policy = make(atom("kind", "eq", "enterprise"), "  rate: 10%\n  of: rd_spend_yuan")
    result = explain(policy, {"kind": "enterprise"}, ON)
    assert (result.status, result.amount, result.missing_fields) == (
        "eligible_if_data_supplied",
        None,
        ("rd_spend_yuan",),
    )


THREE_VALUED = [
    # any: true wins, else unknown, else false
    ("any", (True, None), "pass"),
    ("any", (False, None), "missing"),
    ("any", (False, False), "fail"),
    # all: false wins, else unknown, else true
    ("all", (False, None), "fail"),
    ("all", (True, None), "missing"),
    ("all", (True, True), "pass"),
]


@pytest.mark.parametrize(("kind", "flags", "state"), THREE_VALUED)
def test_it_combines_with_three_valued_logic(kind, flags, state):
    condition = f"  - {kind}:\n      - field: gmp_line_built\n        is: true\n      - field: trial_site_in_district\n        is: true"
    profile = {"gmp_line_built": flags[0], "trial_site_in_district": flags[1]}
    assert explain(make(condition), profile, ON).conditions[0].state == state


@pytest.mark.parametrize(("flag", "state"), [(True, "fail"), (False, "pass"), (None, "missing")])
def test_it_negates_with_not_keeping_unknown_unknown(flag, state):
    condition = "  - not:\n      field: gmp_line_built\n      is: true"
    result = explain(make(condition), {"gmp_line_built": flag}, ON)
    assert (result.conditions[0].state, result.conditions[0].label) == (
        state,
        "不得满足「本年度新建GMP生产线 是」",
    )


def test_it_flags_a_near_miss_only_within_the_tolerance():
    policy = make(atom("kind", "eq", "enterprise") + "\n" + atom("rd_spend_yuan", "ge", "2000万"))
    close = explain(policy, {"kind": "enterprise", "rd_spend_yuan": 1500e4}, ON)
    far = explain(policy, {"kind": "enterprise", "rd_spend_yuan": 1000e4}, ON)
    two_fail = explain(policy, {"kind": "hospital", "rd_spend_yuan": 1500e4}, ON)
    assert (close.is_near_miss, far.is_near_miss, two_fail.is_near_miss) == (True, False, False)
    assert close.failing == ("上年度研发投入 1500万元，要求 ≥ 2000万元，差 500万元",)


def test_it_uses_the_parameter_value_in_force_on_the_date():
    extra = "parameters:\n  rate:\n    label: 比例\n    unit: '%'\n    values:\n      2024-01-01: 10%\n      2025-07-01: 8%\n"
    policy = make(atom("kind", "exists", "false"), "  rate: rate\n  of: rd_spend_yuan", extra)
    before = explain(policy, {"rd_spend_yuan": 1000e4}, date(2025, 6, 30))
    after = explain(policy, {"rd_spend_yuan": 1000e4}, date(2025, 7, 1))
    assert (before.amount, after.amount) == (100e4, 80e4)
    assert after.benefit_trace == "上年度研发投入 1000万元 × 8% = 80万元"


def test_it_applies_the_per_year_cap_and_says_so():
    extra = "caps:\n  per_enterprise_per_year: 30万\n"
    policy = make(atom("kind", "exists", "false"), "  per_unit: 20万\n  of: talents_young", extra)
    result = explain(policy, {"talents_young": 2}, ON)
    assert (result.amount, result.benefit_trace) == (
        30e4,
        "每单位 20万元 × 引进青年骨干人才数 2人 = 40万元；年度上限 30万元 → 30万元",
    )


def test_it_names_the_source_article_and_reports_no_version_out_of_effect():
    policy = parse_policy(VALID, FIELDS)
    result = explain(policy, {"kind": "enterprise", "rd_spend_yuan": 1e8}, ON)
    assert result.source == "示例文件（虚构）（示例〔2024〕1号）第一条"
    old = explain(policy, {"kind": "enterprise"}, date(2023, 12, 31))
    assert (old.status, old.version, old.summary) == ("not_in_effect", None, "该日期无有效版本")


def test_it_keeps_the_highest_award_of_an_exclusive_group_and_applies_shared_caps():
    def member(pid: str, amount: str, group: str) -> object:
        text = (
            f"id: {pid}\ntitle: {pid}\nsource: {{document: 示例（虚构）, article: 第一条}}\nstatus: published\n"
            f"delivery: auto\neffective_from: 2024-01-01\n{group}\nconditions:\n"
            f"  - field: kind\n    eq: enterprise\nbenefit:\n  fixed: {amount}\n"
        )
        return parse_policy(text, FIELDS)

    shared = "caps:\n  group: doc\n  group_per_enterprise_per_year: 100万"
    policies = [
        member("a.low", "30万", "exclusive_group: tier"),
        member("a.high", "50万", "exclusive_group: tier"),
        member("b.one", "60万", shared),
        member("b.two", "70万", shared),
        member("c.free", "5万", ""),
    ]
    calc = calculate(policies, {"kind": "enterprise"}, ON)
    assert [
        (i.explanation.policy_id, i.final_amount, i.superseded, i.capped) for i in calc.items
    ] == [
        ("a.low", 0.0, True, False),
        ("a.high", 50e4, False, False),
        ("b.one", 30e4, False, True),
        ("b.two", 70e4, False, False),
        ("c.free", 5e4, False, False),
    ]
    assert calc.total == 155e4
