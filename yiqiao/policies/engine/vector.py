"""Vectorised benefit amounts for the eligible rows of one policy version."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from .expr import Expr, eval_vector, substitute
from .model import Benefit, Combine, Fixed, Formula, PerUnit, Rate, Table, Tiers
from .scalar import constant

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
Column = Callable[[str], tuple[FloatArray, BoolArray | None]]
RawColumn = Callable[[str], tuple[npt.NDArray[Any], BoolArray | None, tuple[str, ...]]]


def _or(a: BoolArray | None, b: BoolArray | None) -> BoolArray | None:
    if a is None:
        return b
    if b is None:
        return a
    return a | b


def benefit_vector(
    benefit: Benefit, params: Mapping[str, float], column: Column, raw: RawColumn, size: int
) -> tuple[FloatArray, BoolArray | None]:
    """Amounts for ``size`` rows, and the rows whose amount is unknown (missing data).

    ``column(name)`` gives a numeric field at those rows; ``raw(name)`` gives the stored codes,
    missing mask and vocabulary (for tables). Same semantics as the scalar compiler.
    """

    def expr(node: Expr) -> tuple[FloatArray, BoolArray | None]:
        return eval_vector(substitute(node, params), column, size)

    def capped(
        values: FloatArray, missing: BoolArray | None, cap: Expr | None
    ) -> tuple[FloatArray, BoolArray | None]:
        if cap is None:
            return values, missing
        return np.minimum(values, constant(cap, params)), missing

    if isinstance(benefit, Fixed):
        return np.full(size, constant(benefit.amount, params)), None
    if isinstance(benefit, Rate):
        base, missing = expr(benefit.base)
        return capped(base * constant(benefit.rate, params), missing, benefit.cap)
    if isinstance(benefit, PerUnit):
        base, missing = expr(benefit.quantity)
        return capped(base * constant(benefit.amount, params), missing, benefit.cap)
    if isinstance(benefit, Formula):
        base, missing = expr(benefit.expr)
        return capped(base, missing, benefit.cap)
    if isinstance(benefit, Tiers):
        base, missing = expr(benefit.base)
        lowers = np.array([constant(b.lower, params) for b in benefit.brackets])
        amounts = np.array(
            [0.0]
            + [np.nan if b.amount is None else constant(b.amount, params) for b in benefit.brackets]
        )
        rates = np.array(
            [0.0] + [0.0 if b.rate is None else constant(b.rate, params) for b in benefit.brackets]
        )
        index = np.searchsorted(lowers, base, side="right")
        fixed = amounts[index]
        values = np.where(np.isnan(fixed), base * rates[index], fixed)
        return capped(values, missing, benefit.cap)
    if isinstance(benefit, Table):
        codes, missing, vocab = raw(benefit.by)
        rows = {key: constant(e, params) for key, e in benefit.rows}
        default = 0.0 if benefit.default is None else constant(benefit.default, params)
        if codes.dtype == np.bool_:
            values = np.where(codes, rows.get("true", default), rows.get("false", default))
        elif vocab:
            lut = np.array([rows.get(code, default) for code in vocab] or [default])
            values = lut[codes]
        else:
            keys = np.array(sorted(float(k) for k in rows), dtype=np.float64)
            amounts = np.array([rows[_int_key(k)] for k in keys])
            as_float = codes.astype(np.float64)
            position = np.clip(np.searchsorted(keys, as_float), 0, max(len(keys) - 1, 0))
            found = keys[position] == as_float if len(keys) else np.zeros(size, dtype=np.bool_)
            values = np.where(found, amounts[position] if len(keys) else 0.0, default)
        return values.astype(np.float64), missing
    assert isinstance(benefit, Combine)
    parts = [benefit_vector(p, params, column, raw, size) for p in benefit.parts]
    out = parts[0][0]
    missing_all = parts[0][1]
    for values, missing in parts[1:]:
        missing_all = _or(missing_all, missing)
        if benefit.kind == "min":
            out = np.minimum(out, values)
        elif benefit.kind == "max":
            out = np.maximum(out, values)
        else:
            out = out + values
    return capped(out, missing_all, benefit.cap)


def _int_key(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
