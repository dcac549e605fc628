"""The whitelisted expression grammar: parsing, evaluation (scalar and vector), rendering."""

from __future__ import annotations

import numpy as np
import pytest

from yiqiao.policies.engine.expr import (
    ExprError,
    canonical,
    compile_scalar,
    eval_vector,
    parse_expr,
    render,
    substitute,
    variables,
)


def allow(name: str) -> str | None:
    return None if name in {"a", "b", "c"} else f"未知名称 {name}"


SCALAR_CASES = [
    ("1 + 2 * 3", {}, 7.0),
    ("(1 + 2) * 3", {}, 9.0),
    ("a - b - c", {"a": 10, "b": 3, "c": 2}, 5.0),
    ("a / b / c", {"a": 12, "b": 3, "c": 2}, 2.0),
    ("-a + 5", {"a": 2}, 3.0),
    ("a * 10%", {"a": 200}, 20.0),
    ("a + 2万", {"a": 1}, 20001.0),
    ("1.5亿 / a", {"a": 3}, 5e7),
    ("min(a, b, c)", {"a": 4, "b": 2, "c": 9}, 2.0),
    ("max(a, 0)", {"a": -4}, 0.0),
    ("abs(a) + floor(b) + ceil(c)", {"a": -1, "b": 2.7, "c": 2.1}, 6.0),
    ("round(a)", {"a": 2.6}, 3.0),
    ("round(a)", {"a": 2.5}, 3.0),  # 四舍五入, not half to even
    ("round(a, -4)", {"a": 125000}, 130000.0),
    ("1e6 * a", {"a": 2}, 2e6),
    ("a / b", {"a": 1, "b": 0}, None),
    ("a + b", {"a": 1}, None),
    ("a + b", {"a": 1, "b": None}, None),
]


@pytest.mark.parametrize(("text", "profile", "expected"), SCALAR_CASES)
def test_it_evaluates_whitelisted_arithmetic(text, profile, expected):
    assert compile_scalar(parse_expr(text, allow))(profile) == expected


@pytest.mark.parametrize(("text", "profile", "expected"), SCALAR_CASES)
def test_it_evaluates_the_same_over_columns(text, profile, expected):
    node = parse_expr(text, allow)
    names = {"a", "b", "c"}

    def column(name):
        value = profile.get(name)
        missing = np.array([value is None])
        return np.array([0.0 if value is None else float(value)]), missing

    values, missing = eval_vector(node, column, 1)
    is_missing = bool(missing[0]) if missing is not None else False
    assert names >= variables(node)
    assert (None if is_missing else float(values[0])) == expected


REFUSED = [
    (
        "__import__(a)",
        "不允许的函数 __import__，允许：min、max、abs、floor、ceil、round、months_between、years_between、days_between、count、sum、received、award",
        0,
    ),
    ("a ** 2", "此处应为数字、名称或括号，实为 '*'", 3),
    (
        "open(a)",
        "不允许的函数 open，允许：min、max、abs、floor、ceil、round、months_between、years_between、days_between、count、sum、received、award",
        0,
    ),
    ("a.b", "未知名称 a.b", 0),  # dotted names are names (issue 15), still checked
    ("a.", "无法识别的字符 '.'", 1),
    ("a; b", "无法识别的字符 ';'", 1),
    ("(a + b", "此处应为 ')'，实为 '结尾'", 6),
    ("a b", "多余的 'b'", 2),
    ("d + 1", "未知名称 d", 0),
    ("abs(a, b)", "函数 abs 的参数个数不对", 0),
    ("'a'", "文本 'a' 只能作为 received、award 或日期函数的参数", 0),
]


@pytest.mark.parametrize(("text", "message", "offset"), REFUSED)
def test_it_refuses_anything_outside_the_grammar(text, message, offset):
    with pytest.raises(ExprError) as caught:
        parse_expr(text, allow)
    assert (str(caught.value), caught.value.offset) == (message, offset)


def test_it_renders_with_chinese_operators_and_minimal_parentheses():
    node = parse_expr("a * min(b, 60) * 12 * 50% - (c - 1)", allow)
    assert render(node, lambda n: n.upper()) == "A × min(B, 60) × 12 × 50% − (C − 1)"


def test_it_substitutes_parameters_and_shares_canonical_forms():
    node = substitute(parse_expr("a * b", allow), {"b": 0.1})
    assert canonical(node) == "(a*0.1)"
    assert canonical(parse_expr("a*b", allow)) == canonical(parse_expr("a * b", allow))
