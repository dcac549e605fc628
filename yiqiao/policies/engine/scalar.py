"""Compilation of one policy version, on one date, to plain closures for explaining one profile.

Parameters and relative dates are resolved at compile time, so explaining is a few closure
calls per condition; compiled versions are cached per (version, date).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from .expr import Expr, Num, Var, compile_scalar, substitute, variables
from .fields import FieldDictionary, FieldSpec
from .model import (
    Atom,
    Group,
    PolicyVersion,
)
from .values import format_date, format_number, years_before

Profile = Mapping[str, object]
_SYMBOLS = {"ge": "≥", "gt": ">", "le": "≤", "lt": "<", "eq": "=", "ne": "≠"}
_DATE_WORDS = {"ge": "不早于", "gt": "晚于", "le": "不晚于", "lt": "早于", "eq": "为", "ne": "不为"}


def constant(expr: Expr, params: Mapping[str, float]) -> float:
    """The value of a parameter-only expression on the compile date."""
    if isinstance(expr, Num):
        return expr.value
    if isinstance(expr, Var) and expr.name in params:
        return params[expr.name]
    value = compile_scalar(substitute(expr, params))({})
    if value is None:
        raise ValueError("expression is not constant")
    return value


@dataclass(frozen=True, slots=True)
class CompiledAtom:
    """One atom with its value getter, predicate and Chinese requirement text."""

    atom: Atom
    index: int
    get: Callable[[Profile], Any]
    test: Callable[[Any], bool]
    required: str
    gap: Callable[[Any], float | None]
    show: Callable[[Any], str]
    missing_fields: tuple[str, ...]
    bound: float | None = None


def show_value(spec: FieldSpec | None, unit: str, value: object) -> str:
    """A profile value in Chinese: money in 万元, dates, enum labels, sets, 是/否."""
    if value is None:
        return "（缺数据）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        return format_number(float(value), unit)
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, frozenset | set):
        if not value:
            return "无"
        return (
            "、".join(spec.value_label(v) for v in sorted(value))
            if spec
            else "、".join(sorted(value))
        )
    if spec is not None and isinstance(value, str):
        return spec.value_label(value)
    return str(value)


def compile_atom(
    atom: Atom, index: int, fields: FieldDictionary, params: Mapping[str, float], on: date
) -> CompiledAtom:
    """Resolve parameters and dates of ``atom`` and build its closures."""
    spec = fields.get(atom.field) if atom.field else None
    unit = atom.unit

    def show(value: object) -> str:
        return show_value(spec, unit, value)

    get: Callable[[Profile], Any]
    if atom.field is not None:
        name = atom.field

        def get_field(profile: Profile) -> Any:
            return profile.get(name)

        get = get_field
        missing: tuple[str, ...] = (name,)
    else:
        assert atom.expr is not None
        get = compile_scalar(substitute(atom.expr, params))
        missing = tuple(sorted(variables(atom.expr) - set(params)))
    op, operand = atom.op, atom.operand
    no_gap: Callable[[Any], float | None] = lambda _v: None  # noqa: E731
    if op == "exists":
        wanted = bool(operand)
        return CompiledAtom(
            atom,
            index,
            get,
            lambda v: (v is not None) == wanted,
            "已提供" if wanted else "未提供",
            no_gap,
            show,
            (),
        )
    if op == "is":
        flag = bool(operand)
        return CompiledAtom(
            atom, index, get, lambda v: v is flag, "是" if flag else "否", no_gap, show, missing
        )
    if atom.type == "date":
        return _compile_date(atom, index, get, show, missing, on, params)
    if atom.type in ("number", "money", "int"):
        return _compile_numeric(atom, index, get, show, missing, params)
    # codes: enum / str / bool eq-ne, set in / not_in
    if atom.type == "set":
        codes = frozenset(str(c) for c in operand)
        labels = "或".join(show_value(spec, "", c) for c in operand)
        if op == "in":
            return CompiledAtom(
                atom,
                index,
                get,
                lambda v: not codes.isdisjoint(v),
                f"含 {labels}",
                no_gap,
                show,
                missing,
            )
        return CompiledAtom(
            atom, index, get, lambda v: codes.isdisjoint(v), f"不含 {labels}", no_gap, show, missing
        )
    if op in ("in", "not_in"):
        options = frozenset(str(c) for c in operand)
        labels = "、".join(show_value(spec, "", c) for c in operand)
        if op == "in":
            return CompiledAtom(
                atom, index, get, lambda v: v in options, f"属于 {labels}", no_gap, show, missing
            )
        return CompiledAtom(
            atom, index, get, lambda v: v not in options, f"不属于 {labels}", no_gap, show, missing
        )
    target = operand
    word = "为" if op == "eq" else "不为"
    if op == "eq":
        return CompiledAtom(
            atom, index, get, lambda v: v == target, f"{word} {show(target)}", no_gap, show, missing
        )
    return CompiledAtom(
        atom, index, get, lambda v: v != target, f"{word} {show(target)}", no_gap, show, missing
    )


def _compile_numeric(
    atom: Atom,
    index: int,
    get: Callable[[Profile], Any],
    show: Callable[[Any], str],
    missing: tuple[str, ...],
    params: Mapping[str, float],
) -> CompiledAtom:
    op, unit = atom.op, atom.unit
    if op == "between":
        low_expr, high_expr = atom.operand
        low, high = constant(low_expr, params), constant(high_expr, params)

        def gap_between(v: Any) -> float | None:
            x = float(v)
            return low - x if x < low else high - x

        text = f"在 {format_number(low, unit)} 至 {format_number(high, unit)} 之间"
        return CompiledAtom(
            atom, index, get, lambda v: low <= v <= high, text, gap_between, show, missing
        )
    if op in ("in", "not_in"):
        options = frozenset(constant(e, params) for e in atom.operand)
        text = "、".join(format_number(o, unit) for o in sorted(options))
        if op == "in":
            return CompiledAtom(
                atom,
                index,
                get,
                lambda v: v in options,
                f"属于 {text}",
                lambda _v: None,
                show,
                missing,
            )
        return CompiledAtom(
            atom,
            index,
            get,
            lambda v: v not in options,
            f"不属于 {text}",
            lambda _v: None,
            show,
            missing,
        )
    bound = constant(atom.operand, params)
    text = f"{_SYMBOLS[op]} {format_number(bound, unit)}"
    tests: dict[str, Callable[[Any], bool]] = {
        "ge": lambda v: v >= bound,
        "gt": lambda v: v > bound,
        "le": lambda v: v <= bound,
        "lt": lambda v: v < bound,
        "eq": lambda v: v == bound,
        "ne": lambda v: v != bound,
    }
    if op in ("ge", "gt", "le", "lt"):
        # signed: positive = short of the requirement, negative = above the allowed maximum
        gap: Callable[[Any], float | None] = lambda v: bound - float(v)  # noqa: E731
    else:
        gap = lambda _v: None  # noqa: E731
    return CompiledAtom(atom, index, get, tests[op], text, gap, show, missing, bound)


def _compile_date(
    atom: Atom,
    index: int,
    get: Callable[[Profile], Any],
    show: Callable[[Any], str],
    missing: tuple[str, ...],
    on: date,
    params: Mapping[str, float],
) -> CompiledAtom:
    op = atom.op
    no_gap: Callable[[Any], float | None] = lambda _v: None  # noqa: E731
    if op == "within_years":
        years = constant(atom.operand, params)
        cutoff = years_before(on, years)
        text = f"在近 {format_number(years)} 年内（不早于 {format_date(cutoff)}）"
        return CompiledAtom(
            atom, index, get, lambda v: cutoff <= v <= on, text, no_gap, show, missing
        )
    if op == "between":
        low, high = atom.operand
        text = f"在 {format_date(low)} 至 {format_date(high)} 之间"
        return CompiledAtom(
            atom, index, get, lambda v: low <= v <= high, text, no_gap, show, missing
        )
    bound = atom.operand
    assert isinstance(bound, date)
    tests: dict[str, Callable[[Any], bool]] = {
        "ge": lambda v: v >= bound,
        "gt": lambda v: v > bound,
        "le": lambda v: v <= bound,
        "lt": lambda v: v < bound,
        "eq": lambda v: v == bound,
        "ne": lambda v: v != bound,
    }
    return CompiledAtom(
        atom,
        index,
        get,
        tests[op],
        f"{_DATE_WORDS[op]} {format_date(bound)}",
        no_gap,
        show,
        missing,
    )


def walk(group: Group) -> list[tuple[int, Atom | Group]]:
    """Pre-order list of (depth, node) of a condition tree, root excluded."""
    out: list[tuple[int, Atom | Group]] = []

    def visit(node: Atom | Group, depth: int) -> None:
        out.append((depth, node))
        if isinstance(node, Group):
            for child in node.children:
                visit(child, depth + 1)

    for child in group.children:
        visit(child, 0)
    return out


def version_key(version: PolicyVersion) -> int:
    """Identity of a version for caches."""
    return id(version)
