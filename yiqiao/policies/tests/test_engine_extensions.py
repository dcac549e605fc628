"""Format extensions for real clauses (issue 15), each checked in the single explanation and
the batch screening: caps net of awards received, branches, tables of benefits, calendar
windows, lists of items, two-date comparisons, whole months, top-ups, award references."""

from __future__ import annotations

from datetime import date

import pytest

from yiqiao.policies.engine import PolicyError, explain, parse_policy, publish_issues
from yiqiao.policies.engine.checks import library_issues
from yiqiao.policies.tests.engine_support import ON, both, make
from yiqiao.policies.tests.policy_samples import FIELDS

CLASS3 = "  - field: kind\n    eq: enterprise"


def cert(category: str, issued_on: str, **extra: object) -> dict[str, object]:
    return {"category": category, "issued_on": issued_on, **extra}


def award(policy: str, day: str, amount: float) -> dict[str, object]:
    return {"policy": policy, "date": day, "amount_yuan": amount}


PER_CERTIFICATE = """\
  per_item:
    of: certificates
    where:
      - field: category
        in: [device_class2, device_class3]
      - field: issued_on
        in_year: previous
    amount:
      table:
        by: category
        rows: {device_class2: 50万, device_class3: 100万}
        default: 0"""


def test_it_pays_per_certificate_and_caps_net_of_awards_received_this_year():
    policy = make(CLASS3, PER_CERTIFICATE, "caps:\n  annual_minus_received: 200万\n")
    base = {"kind": "enterprise"}
    three = [cert("device_class3", "2024-03-01"), cert("device_class2", "2024-07-01"),
             cert("device_class3", "2023-12-31")]  # fmt: skip
    profiles = [
        {**base, "certificates": three},
        {**base, "certificates": three, "awards_received": [award("t.ext", "2025-02-01", 100e4)]},
        # last year's award counts against last year's cap, not this year's
        {**base, "certificates": three, "awards_received": [award("t.ext", "2024-05-01", 180e4)]},
        {**base, "certificates": three, "awards_received": [award("t.ext", "2025-01-10", 250e4)]},
        {**base, "certificates": []},
        base,
    ]
    assert both(policy, profiles) == [
        ("eligible", 150e4, ()),
        ("eligible", 100e4, ()),
        ("eligible", 150e4, ()),
        ("eligible", 0.0, ()),
        ("eligible", 0.0, ()),
        ("eligible_if_data_supplied", None, ("certificates",)),
    ]


def test_it_caps_cumulatively_over_named_policies():
    extra = (
        "caps:\n  received:\n    - limit: 300万\n      period: cumulative\n"
        "      policies: [self, 'city.device.*']\n"
    )
    policy = make(CLASS3, "  fixed: 200万", extra)
    profiles = [
        {"kind": "enterprise", "awards_received": [award("city.device.cert", "2022-01-01", 150e4)]},
        {"kind": "enterprise", "awards_received": [award("city.other", "2022-01-01", 150e4)]},
        {"kind": "enterprise", "awards_received": [award("t.ext", "2021-01-01", 400e4)]},
    ]
    assert both(policy, profiles) == [
        ("eligible", 150e4, ()),
        ("eligible", 200e4, ()),
        ("eligible", 0.0, ()),
    ]


def test_it_branches_the_benefit_on_a_condition():
    benefit = (
        "  when:\n    - if: {field: trial_site_in_district, is: true}\n      then: 300万\n"
        "    - if: {field: revenue_yuan, ge: 1亿}\n      then: {rate: 2%, of: revenue_yuan, cap: 250万}\n"
        "  else: 100万"
    )
    policy = make(CLASS3, benefit)
    profiles = [
        {"kind": "enterprise", "trial_site_in_district": True},
        {"kind": "enterprise", "trial_site_in_district": False, "revenue_yuan": 2e8},
        {"kind": "enterprise", "trial_site_in_district": False, "revenue_yuan": 5e7},
        {"kind": "enterprise", "revenue_yuan": 5e7},
        {"kind": "enterprise", "trial_site_in_district": False},
    ]
    assert both(policy, profiles) == [
        ("eligible", 300e4, ()),
        ("eligible", 250e4, ()),
        ("eligible", 100e4, ()),
        ("eligible_if_data_supplied", None, ("trial_site_in_district",)),
        ("eligible_if_data_supplied", None, ("revenue_yuan",)),
    ]


def test_it_reads_tables_whose_cells_hold_rates_caps_and_formulas():
    benefit = (
        "  per_item:\n    of: trials\n    where:\n      - {field: event, eq: completed}\n"
        "      - {field: date, in_year: previous}\n    amount:\n      table:\n        by: phase\n"
        "        rows:\n          phase1: {rate: 20%, of: spend_yuan, cap: 300万}\n"
        "          phase2: {formula: 'spend_yuan * 20% + 50万', cap: 500万}\n"
        "          phase3: 800万\n        default: 0"
    )
    policy = make(CLASS3, benefit)
    trials: list[dict[str, object]] = [
        {"product": "innovative_drug", "phase": "phase1", "event": "completed", "date": "2024-05-01", "spend_yuan": 1000e4},
        {"product": "innovative_drug", "phase": "phase2", "event": "completed", "date": "2024-09-01", "spend_yuan": 1000e4},
        {"product": "innovative_drug", "phase": "phase3", "event": "started", "date": "2024-10-01"},
    ]  # fmt: skip
    profiles = [
        {"kind": "enterprise", "trials": trials},
        # a completed phase I without its spend cannot be computed yet
        {"kind": "enterprise", "trials": [{**trials[0], "spend_yuan": None}]},
    ]
    assert both(policy, profiles) == [
        ("eligible", 200e4 + 250e4, ()),
        ("eligible_if_data_supplied", None, ("trials.spend_yuan",)),
    ]


WINDOWS = [
    ("in_year: previous", "2024-12-31", True),
    ("in_year: previous", "2025-01-01", False),
    ("in_year: -1", "2024-01-01", True),
    ("in_year: 2023", "2023-06-01", True),
    ("in_last_years: 3", "2022-01-01", True),  # 近三年 = 2022, 2023, 2024 on 2025-06-30
    ("in_last_years: 3", "2021-12-31", False),
    ("in_last_years: 3", "2025-02-01", False),
    ("in_years: [-2, 0]", "2025-02-01", True),
    ("within_months: 36", "2022-06-30", True),  # 36 months before 2025-06-30
    ("within_months: 36", "2022-06-29", False),
    ("within_days: 90", "2025-04-01", True),
    ("within_days: 90", "2025-03-31", False),
]


@pytest.mark.parametrize(("window", "day", "inside"), WINDOWS)
def test_it_places_dates_in_calendar_windows_relative_to_the_screening_date(window, day, inside):
    policy = make(f"  - field: landed_on\n    {window}")
    expected = ("eligible", 10e4, ()) if inside else ("ineligible", None, ())
    assert both(policy, [{"landed_on": day}]) == [expected]


def test_it_compares_two_dates_and_counts_whole_months_between_them():
    conditions = (
        "  - count: trials\n    where:\n      - {field: event, eq: completed}\n"
        "      - field: date\n        gt: {field: landed_on}\n    ge: 1\n"
        "  - expr: months_between(landed_on, as_of)\n    label: 落地月数\n    unit: 个月\n    le: 36"
    )
    policy = make(conditions)
    trial = {"product": "device", "phase": "device_trial", "event": "completed"}
    profiles = [
        {"landed_on": "2022-07-01", "trials": [{**trial, "date": "2023-01-05"}]},
        {
            "landed_on": "2022-06-30",
            "trials": [{**trial, "date": "2023-01-05"}],
        },  # 36 months exactly
        {"landed_on": "2022-05-29", "trials": [{**trial, "date": "2023-01-05"}]},  # 37 months
        {
            "landed_on": "2023-02-01",
            "trials": [{**trial, "date": "2023-01-05"}],
        },  # before moving in
        {"trials": [{**trial, "date": "2023-01-05"}]},
    ]
    assert both(policy, profiles) == [
        ("eligible", 10e4, ()),
        ("eligible", 10e4, ()),
        ("ineligible", None, ()),
        ("ineligible", None, ()),
        ("eligible_if_data_supplied", None, ("landed_on",)),
    ]
    text = explain(policy, {"landed_on": date(2022, 1, 1), "trials": ()}, ON).conditions[1].text
    assert text == "落地月数 41个月，要求 ≤ 36个月，超出 5个月"


def test_it_tops_up_to_the_higher_award():
    extra = "top_up:\n  policies: ['city.landing.*']\n  period: cumulative\n"
    policy = make(CLASS3, "  fixed: 500万", extra)
    profiles = [
        {"kind": "enterprise", "awards_received": [award("city.landing.hq", "2024-04-01", 200e4)]},
        {"kind": "enterprise", "awards_received": [award("city.landing.hq", "2024-04-01", 800e4)]},
        {"kind": "enterprise"},
    ]
    assert both(policy, profiles) == [
        ("eligible", 300e4, ()),
        ("eligible", 0.0, ()),
        ("eligible", 500e4, ()),
    ]


def test_it_matches_another_policys_award_one_to_half():
    base = make(CLASS3, "  rate: 10%\n  of: rd_spend_yuan\n  cap: 500万", policy_id="t.base")
    matching = make(
        "  - field: trial_site_in_district\n    is: true",
        "  formula: \"award('t.base') * 50%\"",
        policy_id="t.match",
    )
    profiles = [
        {"kind": "enterprise", "rd_spend_yuan": 3_000_003.0, "trial_site_in_district": True},
        {"kind": "enterprise", "trial_site_in_district": True},
        {"kind": "hospital", "trial_site_in_district": True},
    ]
    assert both([matching, base], profiles) == [
        [("eligible", 150_000.0, ()), ("eligible", 300_000.0, ())],
        [("eligible_if_data_supplied", None, ("rd_spend_yuan",)),
         ("eligible_if_data_supplied", None, ("rd_spend_yuan",))],
        [("eligible", 0.0, ()), ("ineligible", None, ())],
    ]  # fmt: skip


def test_it_keeps_the_highest_award_against_awards_already_received_in_its_group():
    extra = "exclusive_group: landing\n"
    first = make(CLASS3, "  fixed: 300万", extra, policy_id="t.landing_a")
    second = make(CLASS3, "  fixed: 100万", extra, policy_id="t.landing_b")
    profiles = [
        {"kind": "enterprise", "awards_received": [award("t.landing_b", "2025-03-01", 100e4)]}
    ]
    assert both([first, second], profiles) == [[("eligible", 200e4, ()), ("eligible", 0.0, ())]]


def test_it_rounds_half_up_after_every_cap():
    policy = make(CLASS3, "  rate: 15%\n  of: revenue_yuan\n  cap: 1000万")
    assert both(policy, [{"kind": "enterprise", "revenue_yuan": 1_000_001.0},
                         {"kind": "enterprise", "revenue_yuan": 1_000_003.0}]) == [
        ("eligible", 150_000.0, ()), ("eligible", 150_000.0, ()),
    ]  # fmt: skip


def test_it_lists_the_fields_of_an_item_filter_that_is_undecided():
    policy = make(
        "  - count: certificates\n    where:\n      - {field: category, eq: device_class3}\n"
        "      - {field: innovative, is: true}\n    ge: 1"
    )
    profiles = [
        {"certificates": [cert("device_class3", "2024-01-01")]},
        {"certificates": [cert("device_class3", "2024-01-01", innovative=True)]},
        {"certificates": [cert("device_class2", "2024-01-01")]},
    ]
    assert both(policy, profiles) == [
        ("eligible_if_data_supplied", None, ("certificates.innovative",)),
        ("eligible", 10e4, ()),
        ("ineligible", None, ()),
    ]


# ---- bad input: the place is named and nothing is accepted ---------------------------------


def refusal(text: str) -> list[tuple[int, str, str]]:
    with pytest.raises(PolicyError) as caught:
        parse_policy(text, FIELDS)
    return [(i.line, i.field, i.message) for i in caught.value.issues]


HEAD = (
    "id: t.bad\ntitle: 坏输入\nsource: {document: 示例（虚构）, article: 第一条}\nstatus: draft\n"
    "delivery: auto\neffective_from: 2024-01-01\n"
)


def test_it_names_an_unknown_field_inside_an_item_filter():
    text = HEAD + (
        "conditions:\n  - count: certificates\n    where:\n      - {field: categry, eq: device_class3}\n"
        "    ge: 1\nbenefit:\n  fixed: 1万\n"
    )
    assert refusal(text) == [
        (10, "conditions[0].where[0].field",
         "未知字段 categry（是否为 category？）：字段必须先在字段字典中声明"),
    ]  # fmt: skip


def test_it_names_a_date_in_the_wrong_format():
    text = HEAD.replace("effective_from: 2024-01-01", "effective_from: 2024-13-01") + (
        "conditions:\n  - field: landed_on\n    ge: 01/02/2024\nbenefit:\n  fixed: 1万\n"
    )
    assert refusal(text) == [
        (6, "effective_from", "effective_from 应为日期（如 2024-01-01），实为 '2024-13-01'"),
        (9, "conditions[0].ge",
         "取值应为日期（如 2024-01-01）、as_of 或 {field: 日期字段}，实为 '01/02/2024'"),
    ]  # fmt: skip


def test_it_names_a_list_item_missing_its_date():
    text = HEAD + (
        "conditions:\n  - field: certificates\n    ge: 1\nbenefit:\n  fixed: 1万\ntests:\n"
        "  - name: 缺取证日期\n    on: 2025-01-01\n    profile:\n      certificates:\n"
        "        - {category: device_class3, issued_on: 2024-02-01}\n"
        "        - {category: device_class2}\n    expect: {status: eligible, amount: 1万}\n"
    )
    assert refusal(text) == [
        (18, "tests[0].profile.certificates[1]",
         "医疗器械注册证（certificates）第 2 条缺少取证日期（issued_on）"),
    ]  # fmt: skip


def test_it_refuses_to_publish_a_table_missing_a_row():
    text = HEAD + (
        "conditions:\n  - field: ipo_stage\n    exists: true\nbenefit:\n  table:\n    by: ipo_stage\n"
        "    rows: {reform: 50万, tutoring: 100万, filing: 200万}\n"
    )
    policy = parse_policy(text, FIELDS)
    assert [(i.line, i.field, i.message) for i in publish_issues(policy)][0] == (
        13, "benefit.table.rows",
        "表格缺少 none（未启动）、listed（已上市） 的行：请补上这些行，或用 default 写明其余情况（如 default: 0）",
    )  # fmt: skip


def test_it_refuses_to_publish_a_formula_dividing_by_a_field_that_can_be_zero():
    text = HEAD + (
        "conditions:\n  - field: kind\n    eq: enterprise\nbenefit:\n"
        "  formula: rd_spend_yuan / headcount * 1万\n"
    )
    guarded = text.replace(
        "    eq: enterprise\n", "    eq: enterprise\n  - field: headcount\n    gt: 0\n"
    )
    issues = [(i.line, i.field, i.message) for i in publish_issues(parse_policy(text, FIELDS))]
    assert issues[0] == (
        11, "benefit",
        "公式除以可能为零的字段 headcount：请加条件 headcount > 0，或写成 max(headcount, 1)",
    )  # fmt: skip
    assert not any("除以" in i.message for i in publish_issues(parse_policy(guarded, FIELDS)))


def test_it_names_a_cycle_of_references_between_policies():
    first = make(CLASS3, "  formula: \"award('t.b') * 50%\"", policy_id="t.a")
    second = make(CLASS3, "  formula: \"award('t.a') + 1万\"", policy_id="t.b")
    issues = [(i.line, i.field, i.message) for i in library_issues([first, second])]
    assert issues == [
        (11, "award", "政策之间的引用成环：t.a → t.b → t.a"),
        (11, "award", "政策之间的引用成环：t.a → t.b → t.a"),
    ]
