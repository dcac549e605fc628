"""Schema validation: every kind of bad input is refused with file, line, field and reason."""

from __future__ import annotations

import pytest

from yiqiao.policies.engine import PolicyError, check_publishable, parse_policy, publish_issues
from yiqiao.policies.tests.policy_samples import FIELDS, VALID, variant


def refusal(text: str) -> list[tuple[int, str, str]]:
    with pytest.raises(PolicyError) as caught:
        parse_policy(text, FIELDS)
    return [(i.line, i.field, i.message) for i in caught.value.issues]


def test_it_parses_the_valid_sample():
    policy = parse_policy(VALID, FIELDS)
    assert (policy.id, len(policy.versions), len(policy.tests)) == ("demo.rd_subsidy", 1, 2)
    assert publish_issues(policy) == []


BAD_INPUTS = [
    (
        "unknown field",
        ("field: rd_spend_yuan\n    ge", "field: rd_spend\n    ge"),
        (
            11,
            "conditions[1].field",
            "未知字段 rd_spend（是否为 rd_spend_yuan？）：字段必须先在字段字典中声明",
        ),
    ),
    (
        "bad operator",
        ("    ge: 2000万", "    gte: 2000万"),
        (
            12,
            "conditions[1].gte",
            "未知运算符 gte，允许：ge gt le lt eq ne in not_in between is exists within_years "
            "within_months within_days in_year in_years in_last_years",
        ),
    ),
    (
        "list where a single value is expected",
        ("    ge: 2000万", "    ge: [1, 2]"),
        (12, "conditions[1].ge", "取值应为单个值"),
    ),
    (
        "operator of the wrong type",
        ("    ge: 2000万", "    is: true"),
        (
            12,
            "conditions[1].is",
            "is 只适用于布尔字段，字段 rd_spend_yuan（上年度研发投入） 的类型为 money",
        ),
    ),
    (
        "set operator on a boolean field",
        ("field: rd_spend_yuan\n    ge: 2000万", "field: gmp_line_built\n    in: [true]"),
        (12, "conditions[1].in", "字段 gmp_line_built（本年度新建GMP生产线）为布尔字段，请用 is"),
    ),
    (
        "text where a number is expected",
        ("    ge: 2000万", "    ge: 很多"),
        (12, "conditions[1].ge", "无法解析的表达式 '很多'（第 1 个字符）：无法识别的字符 '很'"),
    ),
    (
        "enum code outside the dictionary",
        ("    eq: enterprise", "    eq: company"),
        (
            10,
            "conditions[0].eq",
            "取值 company 不在字段 kind 的可选值中：enterprise、university、hospital、institute、investor、platform、government、association、incubator",
        ),
    ),
    (
        "unparseable expression",
        ("  of: rd_spend_yuan\n", "  of: rd_spend_yuan *\n"),
        (
            15,
            "benefit.of",
            "无法解析的表达式 'rd_spend_yuan *'（第 16 个字符）：此处应为数字、名称或括号，实为 '结尾'",
        ),
    ),
    (
        "function outside the whitelist (no eval)",
        ("  of: rd_spend_yuan\n", "  of: __import__(rd_spend_yuan)\n"),
        (
            15,
            "benefit.of",
            "无法解析的表达式 '__import__(rd_spend_yuan)'（第 1 个字符）：不允许的函数 __import__，允许："
            "min、max、abs、floor、ceil、round、months_between、years_between、days_between、count、"
            "sum、received、award",
        ),
    ),
    (
        "non-numeric field in arithmetic",
        ("  of: rd_spend_yuan\n", "  of: region_code * 2\n"),
        (
            15,
            "benefit.of",
            "无法解析的表达式 'region_code * 2'（第 1 个字符）：字段 region_code（注册区县）的类型为 str，不能参与运算",
        ),
    ),
    (
        "field where a constant is expected",
        (
            "effective_from: 2024-01-01",
            "effective_from: 2024-01-01\ncaps: {per_enterprise_per_year: rd_spend_yuan}",
        ),
        (
            8,
            "caps.per_enterprise_per_year",
            "无法解析的表达式 'rd_spend_yuan'（第 1 个字符）：此处只能使用数字或参数，不能使用字段 rd_spend_yuan",
        ),
    ),
    (
        "unknown status",
        ("status: draft", "status: live"),
        (5, "status", "status 取值 live 无效，允许：draft、review、published、expired"),
    ),
    (
        "date of the wrong type",
        ("effective_from: 2024-01-01", "effective_from: soon"),
        (7, "effective_from", "effective_from 应为日期（如 2024-01-01），实为 'soon'"),
    ),
    (
        "unknown field in a test profile",
        (
            "profile: {kind: enterprise, rd_spend_yuan: 1000万}",
            "profile: {kind: enterprise, rd: 1000万}",
        ),
        (24, "tests[1].profile.rd", "未知字段 rd：字段必须先在字段字典中声明"),
    ),
    (
        "wrong type in a test profile",
        (
            "profile: {kind: enterprise, rd_spend_yuan: 1000万}",
            "profile: {kind: enterprise, rd_spend_yuan: 很多}",
        ),
        (
            24,
            "tests[1].profile.rd_spend_yuan",
            "字段 rd_spend_yuan（上年度研发投入）应为数字，实为 '很多'",
        ),
    ),
    (
        "unknown top-level key",
        ("delivery: auto", "delivery: auto\nowner: someone"),
        (
            7,
            "owner",
            "未知的键 owner，允许：benefit、budget、caps、category、conditions、define、delivery、"
            "effective_from、effective_to、exclusive_group、exclusive_period、fictional_sample、id、"
            "note、parameters、source、status、summary、tags、tests、title、top_up、version、versions",
        ),
    ),
    (
        "two benefit kinds",
        ("  rate: 10%", "  fixed: 1万\n  rate: 10%"),
        (
            14,
            "benefit",
            "待遇须有且仅有一种：fixed、rate、per_unit、tiers、table、formula、min、max、sum、when、per_item",
        ),
    ),
]


@pytest.mark.parametrize(("case", "edit", "expected"), BAD_INPUTS, ids=[c[0] for c in BAD_INPUTS])
def test_it_refuses_bad_input_with_a_precise_message(case, edit, expected):
    issues = refusal(variant(*edit))
    assert issues == [expected], case


def test_it_names_the_file_line_and_field_in_the_error_text(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(variant("    ge: 2000万", "    gte: 2000万"), encoding="utf-8")
    with pytest.raises(PolicyError) as caught:
        parse_policy(path, FIELDS)
    assert str(caught.value).startswith(f"{path}:12:5: [conditions[1].gte] 未知运算符 gte")


def test_it_refuses_a_yaml_syntax_error():
    assert refusal("id: x\ntitle: [unclosed\n") == [
        (3, "-", "YAML 语法错误：expected ',' or ']', but got '<stream end>'")
    ]


def test_it_reports_every_problem_of_a_file_at_once():
    text = variant("    ge: 2000万", "    gte: 2000万").replace("status: draft", "status: live")
    fields_named = [field for _, field, _ in refusal(text)]
    assert fields_named == ["status", "conditions[1].gte"]


VERSIONED = """\
id: demo.versions
title: 版本示例
source: {document: 示例文件（虚构）, article: 第二条}
status: published
delivery: apply
conditions:
  - field: headcount
    ge: 10
benefit:
  fixed: 10万
versions:
  - version: 1
    effective_from: 2023-01-01
    effective_to: 2024-12-31
  - version: 2
    effective_from: 2024-07-01
tests:
  - name: 有人
    on: 2025-01-01
    profile: {headcount: 20}
    expect: {status: eligible, amount: 10万}
"""


def test_it_refuses_overlapping_versions():
    assert refusal(VERSIONED) == [
        (
            15,
            "versions[1].effective_from",
            "版本 2（自 2024-07-01）与版本 1（2023-01-01 至 2024-12-31）的生效期重叠",
        ),
    ]


def test_it_accepts_consecutive_versions_and_picks_the_one_in_effect():
    policy = parse_policy(
        VERSIONED.replace("effective_from: 2024-07-01", "effective_from: 2025-01-01"), FIELDS
    )
    from datetime import date

    assert [v.version for v in policy.versions] == [1, 2]
    assert policy.version_on(date(2024, 12, 31)).version == 1
    assert policy.version_on(date(2025, 1, 1)).version == 2
    assert policy.version_on(date(2022, 12, 31)) is None


PARAMETERS = """\
id: demo.params
title: 参数示例
source: {document: 示例文件（虚构）, article: 第三条}
status: draft
delivery: auto
effective_from: 2024-01-01
parameters:
  rate:
    label: 比例
    unit: "%"
    values:
      2024-01-01: 10%
      2024-01-01: 8%
conditions:
  - field: rd_spend_yuan
    ge: 1
benefit:
  rate: rate
  of: rd_spend_yuan
"""


def test_it_refuses_a_parameter_with_two_values_on_one_date():
    assert refusal(PARAMETERS) == [
        (
            13,
            "parameters.rate.values.2024-01-01",
            "参数 rate 的日期 2024-01-01 重复：同一日期有两个取值（参数期重叠）",
        ),
    ]


def test_it_refuses_a_parameter_without_value_when_the_version_starts():
    text = PARAMETERS.replace("      2024-01-01: 10%\n      2024-01-01: 8%", "      2024-06-01: 8%")
    assert refusal(text) == [
        (8, "parameters.rate", "参数 rate 在版本生效日 2024-01-01 尚无取值（最早 2024-06-01）"),
    ]


def test_it_refuses_an_unknown_parameter_name():
    text = PARAMETERS.replace("      2024-01-01: 8%\n", "").replace("  rate: rate", "  rate: ratio")
    # rates may read fields too (issue 15), so an unknown name is named as either (with the
    # nearest field of the dictionary as a suggestion, when one is near)
    [(line, where, message)] = refusal(text)
    assert (line, where) == (17, "benefit.rate")
    assert message.startswith("无法解析的表达式 'ratio'（第 1 个字符）：未知字段或参数 ratio")
    assert message.endswith("：字段必须先在字段字典中声明")


def test_it_refuses_to_publish_a_policy_without_tests():
    text = VALID[: VALID.index("tests:")]
    policy = parse_policy(text, FIELDS)
    with pytest.raises(PolicyError) as caught:
        check_publishable(policy)
    assert [(i.field, i.message) for i in caught.value.issues] == [
        ("tests", "没有测试用例：政策必须附测试用例才能发布"),
    ]


def test_it_refuses_to_publish_a_policy_whose_test_fails():
    policy = parse_policy(variant("amount: 500万}", "amount: 400万}"), FIELDS)
    issues = publish_issues(policy)
    assert [(i.line, i.field, i.message) for i in issues] == [
        (
            18,
            "tests",
            "测试「达标」未通过：预期符合 400万元，实际符合 500万元（min(上年度研发投入 6000万元 × 10%, 上限 500万元) = 500万元）",
        ),
    ]


def test_it_refuses_to_publish_when_no_test_expects_a_refusal():
    text = VALID[: VALID.index("  - name: 不达标")]
    issues = publish_issues(parse_policy(text, FIELDS))
    assert [i.message for i in issues] == [
        "至少需要一个预期「不符合」或「补充数据后可能符合」的测试用例"
    ]


def test_it_refuses_to_publish_a_version_no_test_covers():
    text = VERSIONED.replace("effective_from: 2024-07-01", "effective_from: 2025-01-01").replace(
        "    expect: {status: eligible, amount: 10万}",
        "    expect: {status: eligible, amount: 10万}\n  - name: 无人\n    on: 2025-02-01\n"
        "    profile: {headcount: 2}\n    expect: {status: ineligible}",
    )
    issues = publish_issues(parse_policy(text, FIELDS))
    assert [(i.line, i.message) for i in issues] == [
        (12, "版本 1 没有测试用例覆盖（测试日期均不在其生效期内）")
    ]
