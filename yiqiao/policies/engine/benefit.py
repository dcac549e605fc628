"""Compilation of benefits to closures for one profile: the amount (fast path) and its trace."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

from .expr import Expr, compile_scalar, render, substitute, variables
from .fields import FieldDictionary
from .model import Benefit, Combine, Fixed, Formula, PerUnit, Rate, Table, Tiers
from .scalar import Profile, constant, show_value
from .values import format_money, format_number

BenefitFn = Callable[[Profile], tuple[float | None, str]]


def compile_benefit(
    benefit: Benefit,
    fields: FieldDictionary,
    params: Mapping[str, float],
    labels: Mapping[str, tuple[str, str]],
) -> BenefitFn:
    """Compile a benefit to ``profile -> (amount or None when data is missing, trace)``.

    ``labels`` maps parameter names to (label, unit) for the trace.
    """

    def show_name(profile: Profile) -> Callable[[str], str]:
        def show(name: str) -> str:
            spec = fields.get(name)
            if spec is None:
                label, unit = labels.get(name, (name, ""))
                return f"{label} {format_number(params[name], unit)}"
            return f"{spec.label} {show_value(spec, spec.unit, profile.get(name))}"

        return show

    def capped(fn: BenefitFn, cap_expr: Expr | None) -> BenefitFn:
        if cap_expr is None:
            return fn
        cap = constant(cap_expr, params)
        cap_text = format_money(cap)

        def with_cap(profile: Profile) -> tuple[float | None, str]:
            amount, trace = fn(profile)
            if amount is None:
                return None, trace
            result = min(amount, cap)
            body = trace.rsplit(" = ", 1)[0]
            return result, f"min({body}, 上限 {cap_text}) = {format_money(result)}"

        return with_cap

    if isinstance(benefit, Fixed):
        value = constant(benefit.amount, params)
        text = f"定额 {format_money(value)}"
        return lambda _p: (value, text)
    if isinstance(benefit, Rate | PerUnit | Formula):
        if isinstance(benefit, Rate):
            factor = constant(benefit.rate, params)
            body_expr: Expr = benefit.base
        elif isinstance(benefit, PerUnit):
            factor = constant(benefit.amount, params)
            body_expr = benefit.quantity
        else:
            factor = 1.0
            body_expr = benefit.expr
        base = compile_scalar(substitute(body_expr, params))
        if isinstance(benefit, Rate):
            factor_text = format_number(factor, "%")
        elif isinstance(benefit, PerUnit):
            factor_text = f"每单位 {format_money(factor)}"
        else:
            factor_text = ""

        def product(profile: Profile) -> tuple[float | None, str]:
            value = base(profile)
            shown = render(body_expr, show_name(profile))
            if value is None:
                return None, f"{shown}（缺少数据）"
            amount = value * factor
            if factor_text and isinstance(benefit, Rate):
                return amount, f"{shown} × {factor_text} = {format_money(amount)}"
            if factor_text:
                return amount, f"{factor_text} × {shown} = {format_money(amount)}"
            return amount, f"{shown} = {format_money(amount)}"

        return capped(product, benefit.cap)
    if isinstance(benefit, Tiers):
        base = compile_scalar(substitute(benefit.base, params))
        brackets = [
            (
                constant(b.lower, params),
                None if b.amount is None else constant(b.amount, params),
                None if b.rate is None else constant(b.rate, params),
            )
            for b in benefit.brackets
        ]

        def tiers(profile: Profile) -> tuple[float | None, str]:
            value = base(profile)
            shown = render(benefit.base, show_name(profile))
            if value is None:
                return None, f"{shown}（缺少数据）"
            chosen = None
            for lower, amount, rate in brackets:
                if value >= lower:
                    chosen = (lower, amount, rate)
            if chosen is None:
                return 0.0, f"{shown} 未达最低档 {format_money(brackets[0][0])} = 0元"
            lower, amount, rate = chosen
            if amount is not None:
                return amount, f"{shown} ≥ {format_money(lower)} 档 = {format_money(amount)}"
            result = value * (rate or 0.0)
            return (
                result,
                f"{shown} ≥ {format_money(lower)} 档：{shown} × {format_number(rate or 0.0, '%')} = {format_money(result)}",
            )

        return capped(tiers, benefit.cap)
    if isinstance(benefit, Table):
        spec = fields[benefit.by]
        rows = {key: constant(e, params) for key, e in benefit.rows}
        default = None if benefit.default is None else constant(benefit.default, params)
        by = benefit.by

        def table(profile: Profile) -> tuple[float | None, str]:
            raw = profile.get(by)
            if raw is None:
                return None, f"{spec.label}（缺少数据）"
            key = table_key(raw)
            shown = f"{spec.label} {show_value(spec, spec.unit, raw)}"
            if key in rows:
                return rows[key], f"{shown} 对应 {format_money(rows[key])}"
            if default is not None:
                return default, f"{shown} 无对应档次，按默认 {format_money(default)}"
            return 0.0, f"{shown} 无对应档次 = 0元"

        return table
    assert isinstance(benefit, Combine)
    parts = [compile_benefit(p, fields, params, labels) for p in benefit.parts]
    reducers: dict[str, Callable[[list[float]], float]] = {"min": min, "max": max, "sum": math.fsum}
    reduce = reducers[benefit.kind]

    def combine(profile: Profile) -> tuple[float | None, str]:
        results = [part(profile) for part in parts]
        inner = "；".join(trace for _, trace in results)
        if any(amount is None for amount, _ in results):
            return None, f"{benefit.kind}({inner})"
        total = float(reduce([a for a, _ in results if a is not None]))
        return total, f"{benefit.kind}({inner}) = {format_money(total)}"

    return capped(combine, benefit.cap)


def table_key(raw: object) -> str:
    """The row key of a table for a profile value (``true``/``false`` for booleans)."""
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw)


def benefit_fields(benefit: Benefit, params: frozenset[str]) -> frozenset[str]:
    """Fields a benefit reads (their absence makes the amount unknown)."""
    if isinstance(benefit, Rate):
        return variables(benefit.base) - params
    if isinstance(benefit, PerUnit):
        return variables(benefit.quantity) - params
    if isinstance(benefit, Formula):
        return variables(benefit.expr) - params
    if isinstance(benefit, Tiers):
        return variables(benefit.base) - params
    if isinstance(benefit, Table):
        return frozenset({benefit.by})
    if isinstance(benefit, Combine):
        return frozenset().union(*(benefit_fields(p, params) for p in benefit.parts))
    return frozenset()


AmountFn = Callable[[Profile], float | None]


def compile_amount(
    benefit: Benefit, fields: FieldDictionary, params: Mapping[str, float]
) -> AmountFn:
    """The fast path of :func:`compile_benefit`: the amount only (None when data is missing)."""
    cap = None
    if isinstance(benefit, Rate | PerUnit | Formula | Tiers | Combine) and benefit.cap is not None:
        cap = constant(benefit.cap, params)
    inner = _amount(benefit, fields, params)
    if cap is None:
        return inner
    limit = cap

    def with_cap(profile: Profile) -> float | None:
        value = inner(profile)
        return None if value is None else min(value, limit)

    return with_cap


def _amount(benefit: Benefit, fields: FieldDictionary, params: Mapping[str, float]) -> AmountFn:
    if isinstance(benefit, Fixed):
        value = constant(benefit.amount, params)
        return lambda _p: value
    if isinstance(benefit, Rate | PerUnit):
        factor = constant(benefit.rate if isinstance(benefit, Rate) else benefit.amount, params)
        body = compile_scalar(
            substitute(benefit.base if isinstance(benefit, Rate) else benefit.quantity, params)
        )

        def product(profile: Profile) -> float | None:
            value = body(profile)
            return None if value is None else value * factor

        return product
    if isinstance(benefit, Formula):
        return compile_scalar(substitute(benefit.expr, params))
    if isinstance(benefit, Tiers):
        base = compile_scalar(substitute(benefit.base, params))
        brackets = [
            (constant(b.lower, params), None if b.amount is None else constant(b.amount, params), None if b.rate is None else constant(b.rate, params))
            for b in benefit.brackets
        ]  # fmt: skip

        def tiers(profile: Profile) -> float | None:
            value = base(profile)
            if value is None:
                return None
            result = 0.0
            for lower, amount, rate in brackets:
                if value >= lower:
                    result = amount if amount is not None else value * (rate or 0.0)
            return result

        return tiers
    if isinstance(benefit, Table):
        rows = {key: constant(e, params) for key, e in benefit.rows}
        default = 0.0 if benefit.default is None else constant(benefit.default, params)
        by = benefit.by

        def table(profile: Profile) -> float | None:
            raw = profile.get(by)
            return None if raw is None else rows.get(table_key(raw), default)

        return table
    assert isinstance(benefit, Combine)
    parts = [compile_amount(p, fields, params) for p in benefit.parts]
    kind = benefit.kind

    def combine(profile: Profile) -> float | None:
        values = [part(profile) for part in parts]
        present = [v for v in values if v is not None]
        if len(present) != len(values):
            return None
        if kind == "min":
            return min(present)
        if kind == "max":
            return max(present)
        return math.fsum(present)

    return combine
