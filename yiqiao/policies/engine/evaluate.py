"""The semantics of policy rules, once, over frames (vectorised): values of expressions, truth of
conditions (three-valued: true / false / unknown because data is missing), benefit amounts,
the policy-level finishing steps (caps, caps net of awards received, top-ups, 四舍五入), and
which missing fields could still change a result.

:func:`~yiqiao.policies.engine.explain.explain` runs these over a frame of one profile and the
batch :func:`~yiqiao.policies.engine.screen.screen` over a snapshot (sharing atoms between
policies as packed bitmaps), so both agree by construction on status, amount and missing fields.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt

from .dates import day_parts, months_between, shift
from .expr import (
    AS_OF,
    Agg,
    AwardOf,
    Bin,
    Call,
    Evaluated,
    Expr,
    Neg,
    Received,
    Str,
    Var,
    canonical,
    eval_full,
    substitute,
)
from .expr import constant_value as constant
from .fields import AWARDS_RECEIVED
from .frame import BoolArray, FloatArray, Frame, ItemFrame
from .model import (
    DATE_WINDOWS,
    Atom,
    Benefit,
    Combine,
    DateRef,
    Fixed,
    Formula,
    Group,
    PerItem,
    PerUnit,
    PolicyVersion,
    Rate,
    Table,
    Tiers,
    When,
)
from .snapshot import day_number
from .values import add_months, parse_date, round_half_up_array, years_before

Pair = tuple[BoolArray, BoolArray]  # (true, not false): unknown = not_false & ~true
Sources = dict[str, BoolArray]  # missing field → rows where supplying it could decide


# ---- expressions --------------------------------------------------------------------------------


def expr_value(node: Expr, frame: Frame, params: Mapping[str, float]) -> Evaluated:
    """Evaluate ``node`` (parameters substituted) on ``frame``; cached by canonical text."""
    resolved = substitute(node, params)
    key = ("expr", canonical(resolved))
    hit = frame.cache.get(key)
    if hit is not None:
        return hit  # type: ignore[no-any-return]

    def special(n: Expr) -> tuple[FloatArray, BoolArray | None]:
        return _special(n, frame, params)

    result = eval_full(resolved, frame.numeric, frame.size, special)
    frame.cache[key] = result
    return result


def _special(
    node: Expr, frame: Frame, params: Mapping[str, float]
) -> tuple[FloatArray, BoolArray | None]:
    if isinstance(node, Call):
        (a, ma), (b, mb) = (_date_arg(x, frame) for x in node.args)
        missing = ma if mb is None else (mb if ma is None else ma | mb)
        if node.function == "days_between":
            result = (b - a).astype(np.float64)
        else:
            months = months_between(a, b)
            if node.function == "years_between":
                months = np.sign(months) * (np.abs(months) // 12)
            result = months.astype(np.float64)
        return np.broadcast_to(result, (frame.size,)).copy(), missing
    if isinstance(node, Agg):
        return aggregate(node, frame, params)[:2]
    if isinstance(node, Received):
        return received_sum(node, frame), None
    assert isinstance(node, AwardOf)
    hit = frame.awards.get(node.policy)
    if hit is None:
        return np.zeros(frame.size), frame.all_missing()
    return hit


def _date_arg(node: Expr, frame: Frame) -> tuple[npt.NDArray[np.int64], BoolArray | None]:
    """Day numbers of a date argument; a constant (a date, ``as_of``) stays a 0-d array that
    broadcasts, so its calendar parts are computed once."""
    if isinstance(node, Str):
        day = parse_date(node.value)
        assert day is not None
        return np.array(day_number(day), dtype=np.int64), None
    assert isinstance(node, Var)
    if node.name == AS_OF:
        return np.array(day_number(frame.on), dtype=np.int64), None
    key = ("days", node.name)
    hit = frame.cache.get(key)
    if hit is None:
        values, missing, _ = frame.raw(node.name)
        hit = (np.asarray(values, dtype=np.int64), missing)
        frame.cache[key] = hit
    return hit


def aggregate(
    node: Agg, frame: Frame, params: Mapping[str, float]
) -> tuple[FloatArray, BoolArray | None, BoolArray]:
    """Per row: the aggregate, rows where it is unknown, and the unknown items (for sources)."""
    key = ("agg", canonical(substitute(node, params)))
    hit = frame.cache.get(key)
    if hit is not None:
        return hit  # type: ignore[no-any-return]
    items = frame.items(node.list)
    chosen, unknown = _selection(node.where, items, params)
    weights: FloatArray | None = None
    if node.kind != "count":
        assert node.value is not None
        value = expr_value(node.value, items, params)
        if value.missing is not None:
            unknown = unknown | (chosen & value.missing)
            chosen = chosen & ~value.missing
        weights = value.values
    if node.kind == "max":
        assert weights is not None
        out = np.zeros(frame.size)
        np.maximum.at(out, items.owner[chosen], weights[chosen])
    else:
        out = items.per_owner_selected(chosen, weights)
    _, list_missing, _ = frame.raw(node.list)
    missing = items.any_per_owner(unknown) if unknown.any() else None
    if list_missing is not None:
        missing = list_missing if missing is None else missing | list_missing
    result = (out, missing, unknown)
    frame.cache[key] = result
    return result


def _selection(
    where: Group | None, items: ItemFrame, params: Mapping[str, float]
) -> tuple[BoolArray, BoolArray]:
    """Items passing ``where`` for sure, and items whose passing is unknown."""
    if where is None:
        return np.ones(items.size, dtype=np.bool_), np.zeros(items.size, dtype=np.bool_)
    truth, not_false = condition(where, items, params)
    return truth, not_false & ~truth


def period_bounds(period: str, on: date) -> tuple[int, int]:
    """Day numbers [low, high] of a received-awards period on the screening date ``on``."""
    year_start = date(on.year, 1, 1)
    if period == "cumulative":
        return -(10**9), day_number(on)
    if period == "year":
        return day_number(year_start), day_number(on)
    if period == "previous_year":
        return day_number(date(on.year - 1, 1, 1)), day_number(year_start) - 1
    head, _, tail = period.partition(":")
    if head == "years":
        return day_number(date(on.year - int(tail) + 1, 1, 1)), day_number(on)
    return day_number(add_months(on, -int(tail))), day_number(on)


def _received_items(node: Received, items: ItemFrame, on: date) -> tuple[BoolArray, FloatArray]:
    """The awards received that count for ``node`` (policy matches, date in the period), and
    every award's amount."""
    codes, _, vocab = items.raw("policy")
    lut = np.array(
        [any(fnmatch.fnmatchcase(v, p) for p in node.patterns) for v in vocab] + [False],
        dtype=np.bool_,
    )
    matched = lut[np.asarray(codes, dtype=np.int64)] if items.size else np.zeros(0, dtype=np.bool_)
    days, _, _ = items.raw("date")
    low, high = period_bounds(node.period, on)
    amounts, _, _ = items.raw("amount_yuan")
    return matched & (days >= low) & (days <= high), np.asarray(amounts, dtype=np.float64)


def received_sum(node: Received, frame: Frame) -> FloatArray:
    """Per row: the sum of awards received whose policy matches and whose date is in the period."""
    key = ("received", node.patterns, node.period)
    hit = frame.cache.get(key)
    if hit is not None:
        return hit  # type: ignore[no-any-return]
    items = frame.items(AWARDS_RECEIVED)
    inside, amounts = _received_items(node, items, frame.on)
    out = items.per_owner_selected(inside, amounts)
    frame.cache[key] = out
    return out


# ---- conditions ---------------------------------------------------------------------------------


def condition(node: Atom | Group, frame: Frame, params: Mapping[str, float]) -> Pair:
    """(true, not false) of a condition node on ``frame`` (three-valued logic)."""
    if isinstance(node, Atom):
        truth, missing = atom_truth(node, frame, params)
        if missing is None:
            return truth, truth
        return truth, truth | missing
    pairs = [condition(child, frame, params) for child in node.children]
    if node.kind == "not":
        truth, not_false = pairs[0]
        return ~not_false, ~truth
    truth = pairs[0][0].copy()
    not_false = pairs[0][1].copy()
    for t, nf in pairs[1:]:
        if node.kind == "all":
            truth &= t
            not_false &= nf
        else:
            truth |= t
            not_false |= nf
    return truth, not_false


def atom_subject(
    atom: Atom, frame: Frame, params: Mapping[str, float]
) -> tuple[npt.NDArray[Any], BoolArray | None, tuple[str, ...]]:
    """The compared value of ``atom`` at each row: (values, missing, vocabulary)."""
    if atom.field is None:
        assert atom.expr is not None
        value = expr_value(atom.expr, frame, params)
        return value.values, value.missing, ()
    return frame.raw(atom.field)


def atom_key(atom: Atom, params: Mapping[str, float], on: date) -> tuple[object, ...]:
    """The resolved meaning of ``atom`` (equal keys give equal truth on the same rows)."""
    subject = atom.field if atom.field is not None else canonical(substitute(atom.expr, params))  # type: ignore[arg-type]
    return (subject, atom.type, atom.op, resolve_operand(atom, params, on))


def resolve_operand(atom: Atom, params: Mapping[str, float], on: date) -> Any:
    """A hashable operand with parameters and dates resolved (dates as day numbers; a date
    window as its [low, high] day numbers; another date as its reference)."""
    operand = atom.operand
    if atom.op in ("exists", "is"):
        return bool(operand)
    if atom.op in DATE_WINDOWS:
        low, high = date_window(atom, params, on)
        return (day_number(low), day_number(high))
    if isinstance(operand, DateRef):
        return operand
    if atom.type == "date":
        if isinstance(operand, tuple):
            return tuple(day_number(d) for d in operand)
        return day_number(operand)
    if atom.type in ("number", "money", "int", "list"):
        if isinstance(operand, tuple):
            return tuple(constant(e, params) for e in operand)
        return constant(operand, params)
    if isinstance(operand, tuple):
        return tuple(operand)
    return operand


def date_window(atom: Atom, params: Mapping[str, float], on: date) -> tuple[date, date]:
    """[low, high] dates of a window operator on the screening date ``on``."""
    op = atom.op
    if op == "within_years":
        return years_before(on, constant(atom.operand, params)), on
    if op == "within_months":
        return add_months(on, -round(constant(atom.operand, params))), on
    if op == "within_days":
        return on - timedelta(days=round(constant(atom.operand, params))), on
    if op == "in_year":
        year = _year(int(atom.operand), on)
        return date(year, 1, 1), date(year, 12, 31)
    if op == "in_years":
        first, last = (_year(int(y), on) for y in atom.operand)
        return date(first, 1, 1), date(last, 12, 31)
    assert op == "in_last_years"
    count = int(atom.operand)
    return date(on.year - count, 1, 1), date(on.year - 1, 12, 31)


def _year(value: int, on: date) -> int:
    """A year operand: ≤ 0 relative to the screening year (0 this year, −1 last), else absolute."""
    return on.year + value if value <= 0 else value


def atom_truth(
    atom: Atom, frame: Frame, params: Mapping[str, float]
) -> tuple[BoolArray, BoolArray | None]:
    """(true, missing) of ``atom``; rows with missing data are not true. ``exists`` is never
    missing."""
    key = ("atom", atom_key(atom, params, frame.on))
    hit = frame.cache.get(key)
    if hit is not None:
        return hit  # type: ignore[no-any-return]
    truth, missing = atom_raw(atom, frame, params)
    if missing is not None:
        truth = truth & ~missing
    result = (truth, missing)
    if frame.keep_atoms:
        frame.cache[key] = result
    return result


def atom_raw(
    atom: Atom, frame: Frame, params: Mapping[str, float]
) -> tuple[BoolArray, BoolArray | None]:
    """The comparison of ``atom`` at every row, not yet masked by missing data, and the rows
    whose data is missing (the batch path packs both, reusing the missing bits per subject)."""
    sparse = _sparse_atom(atom, frame, params)
    if sparse is not None:
        return sparse
    values, missing, vocab = atom_subject(atom, frame, params)
    operand = resolve_operand(atom, params, frame.on)
    if atom.op == "exists":
        present = np.ones(frame.size, dtype=np.bool_) if missing is None else ~missing
        return (present if operand else ~present), None
    if isinstance(operand, DateRef):
        other, other_missing = _date_ref(operand, frame)
        truth = _compare(atom.op, np.asarray(values, dtype=np.int64), other)
        if other_missing is not None:
            missing = other_missing if missing is None else missing | other_missing
        return truth, missing
    return _compare_any(atom, values, vocab, operand), missing


def _sparse_atom(
    atom: Atom, frame: Frame, params: Mapping[str, float]
) -> tuple[BoolArray, BoolArray | None] | None:
    """Fast path for ``count``/``sum``/``received`` compared with a number on a whole register:
    most rows hold no item (value 0), so only the rows with items are compared."""
    if isinstance(frame, ItemFrame) or atom.expr is None or atom.op not in _COMPARE:
        return None
    node = substitute(atom.expr, params)
    if isinstance(node, Agg) and node.kind in ("count", "sum"):
        if ("agg", canonical(node)) in frame.cache:
            return None  # already dense: compare it as usual
        items = frame.items(node.list)
        chosen, unknown = _selection(node.where, items, params)
        weights = None
        if node.kind == "sum":
            assert node.value is not None
            value = expr_value(node.value, items, params)
            if value.missing is not None:
                unknown = unknown | (chosen & value.missing)
                chosen = chosen & ~value.missing
            weights = value.values
        _, list_missing, _ = frame.raw(node.list)
        missing = items.any_per_owner(unknown) if unknown.any() else None
        if list_missing is not None:
            missing = list_missing if missing is None else missing | list_missing
    elif isinstance(node, Received):
        items = frame.items(AWARDS_RECEIVED)
        chosen, weights = _received_items(node, items, frame.on)
        missing = None
    else:
        return None
    bound = constant(atom.operand, params)
    owners = items.owner[chosen]
    rows, starts = np.unique(owners, return_index=True)
    if weights is None:
        sums = np.diff(np.append(starts, owners.size)).astype(np.float64)
    else:
        sums = np.add.reduceat(weights[chosen], starts) if rows.size else np.zeros(0)
    at_zero = bool(_COMPARE[atom.op](0.0, bound))
    truth = np.full(frame.size, at_zero, dtype=np.bool_)
    truth[rows] = _COMPARE[atom.op](sums, bound)
    return truth, missing


def subject_key(atom: Atom, params: Mapping[str, float]) -> object:
    """What an atom's missing rows depend on (equal keys: equal missing rows)."""
    if isinstance(atom.operand, DateRef):
        return None  # two columns: not shared
    if atom.field is not None:
        return atom.field
    return canonical(substitute(atom.expr, params))  # type: ignore[arg-type]


def _date_ref(ref: DateRef, frame: Frame) -> tuple[npt.NDArray[np.int64], BoolArray | None]:
    if ref.field is None:
        base: npt.NDArray[np.int64] = np.full(frame.size, day_number(frame.on), dtype=np.int64)
        missing = None
    else:
        values, missing, _ = frame.raw(ref.field)
        base = np.asarray(values, dtype=np.int64)
    return shift(base, ref.years, ref.months, ref.days), missing


_COMPARE = {
    "ge": np.greater_equal,
    "gt": np.greater,
    "le": np.less_equal,
    "lt": np.less,
    "eq": np.equal,
    "ne": np.not_equal,
}


def _compare(op: str, values: npt.NDArray[Any], bound: Any) -> BoolArray:
    return np.asarray(_COMPARE[op](values, bound), dtype=np.bool_)


def _compare_any(
    atom: Atom, column: npt.NDArray[Any], vocab: tuple[str, ...], operand: Any
) -> BoolArray:
    op, kind = atom.op, atom.type
    size = column.shape[0]
    if kind == "set":
        mask = np.uint64(sum(1 << vocab.index(c) for c in operand if c in vocab))
        hit = (column & mask) != 0
        return np.asarray(hit if op == "in" else ~hit, dtype=np.bool_)
    if kind in ("enum", "str"):
        wanted = operand if isinstance(operand, tuple) else (operand,)
        codes = [vocab.index(c) for c in wanted if c in vocab]
        if not codes:
            hit = np.zeros(size, dtype=np.bool_)
        elif len(codes) == 1:
            hit = column == codes[0]
        elif len(codes) <= 4:
            hit = column == codes[0]
            for code in codes[1:]:
                hit |= column == code
        else:
            hit = np.isin(column, codes)
        return np.asarray(hit if op in ("eq", "in") else ~hit, dtype=np.bool_)
    if kind == "bool" and op in ("is", "eq", "ne"):
        flag = bool(operand) if op != "ne" else not bool(operand)
        return np.asarray(column if flag else ~column, dtype=np.bool_)
    if op == "between" or op in DATE_WINDOWS:
        low, high = operand
        return np.asarray((column >= low) & (column <= high), dtype=np.bool_)
    if op in ("in", "not_in"):
        hit = np.isin(column, np.array(operand))
        return np.asarray(hit if op == "in" else ~hit, dtype=np.bool_)
    return _compare(op, column, operand)


# ---- benefits -----------------------------------------------------------------------------------


def benefit_value(
    benefit: Benefit, frame: Frame, params: Mapping[str, float]
) -> tuple[FloatArray, BoolArray | None]:
    """Amounts at each row (each part floored at 0 after its own cap) and rows where the amount
    needs missing data."""
    values, missing = _benefit(benefit, frame, params)
    return np.maximum(values, 0.0), missing


def _capped(
    values: FloatArray, missing: BoolArray | None, cap: Expr | None, params: Mapping[str, float]
) -> tuple[FloatArray, BoolArray | None]:
    if cap is not None:
        values = np.minimum(values, constant(cap, params))
    return np.maximum(values, 0.0), missing


def _benefit(
    benefit: Benefit, frame: Frame, params: Mapping[str, float]
) -> tuple[FloatArray, BoolArray | None]:
    size = frame.size
    if isinstance(benefit, Fixed):
        return np.full(size, max(constant(benefit.amount, params), 0.0)), None
    if isinstance(benefit, Rate):
        base = expr_value(benefit.base, frame, params)
        return _capped(
            base.values * constant(benefit.rate, params), base.missing, benefit.cap, params
        )
    if isinstance(benefit, PerUnit):
        base = expr_value(benefit.quantity, frame, params)
        return _capped(
            base.values * constant(benefit.amount, params), base.missing, benefit.cap, params
        )
    if isinstance(benefit, Formula):
        base = expr_value(benefit.expr, frame, params)
        return _capped(base.values, base.missing, benefit.cap, params)
    if isinstance(benefit, Tiers):
        base = expr_value(benefit.base, frame, params)
        lowers = np.array([constant(b.lower, params) for b in benefit.brackets])
        amounts = np.array(
            [0.0]
            + [np.nan if b.amount is None else constant(b.amount, params) for b in benefit.brackets]
        )
        rates = np.array(
            [0.0] + [0.0 if b.rate is None else constant(b.rate, params) for b in benefit.brackets]
        )
        index = np.searchsorted(lowers, base.values, side="right")
        fixed = amounts[index]
        values = np.where(np.isnan(fixed), base.values * rates[index], fixed)
        return _capped(values, base.missing, benefit.cap, params)
    if isinstance(benefit, Table):
        selector, by_missing = table_rows(benefit, frame)
        values = np.zeros(size)
        missing = by_missing
        for position, (_, cell) in enumerate(benefit.rows):
            picked = selector == position
            if picked.any():
                cell_values, cell_missing = benefit_value(cell, frame, params)
                values = np.where(picked, cell_values, values)
                if cell_missing is not None:
                    missing = _or(missing, picked & cell_missing)
        fallback = selector == len(benefit.rows)
        if benefit.default is not None and fallback.any():
            cell_values, cell_missing = benefit_value(benefit.default, frame, params)
            values = np.where(fallback, cell_values, values)
            if cell_missing is not None:
                missing = _or(missing, fallback & cell_missing)
        return _capped(values, missing, getattr(benefit, "cap", None), params)
    if isinstance(benefit, When):
        values = np.zeros(size)
        missing = None
        pending = np.ones(size, dtype=np.bool_)
        for branch_condition, branch in benefit.branches:
            truth, not_false = condition(branch_condition, frame, params)
            unknown = pending & not_false & ~truth
            if unknown.any():
                missing = _or(missing, unknown)
            take = pending & truth
            if take.any():
                branch_values, branch_missing = benefit_value(branch, frame, params)
                values = np.where(take, branch_values, values)
                if branch_missing is not None:
                    missing = _or(missing, take & branch_missing)
            pending = pending & ~not_false
        if benefit.otherwise is not None and pending.any():
            other_values, other_missing = benefit_value(benefit.otherwise, frame, params)
            values = np.where(pending, other_values, values)
            if other_missing is not None:
                missing = _or(missing, pending & other_missing)
        return _capped(values, missing, benefit.cap, params)
    if isinstance(benefit, PerItem):
        items = frame.items(benefit.list)
        kept, unknown = per_item_amounts(benefit, items, params)
        values = items.per_owner_selected(kept > 0, kept)
        missing = items.any_per_owner(unknown) if unknown.any() else None
        _, list_missing, _ = frame.raw(benefit.list)
        missing = _or(missing, list_missing)
        return _capped(values, missing, benefit.cap, params)
    assert isinstance(benefit, Combine)
    parts = [benefit_value(p, frame, params) for p in benefit.parts]
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
    return _capped(out, missing_all, benefit.cap, params)


def table_rows(table: Table, frame: Frame) -> tuple[npt.NDArray[np.int64], BoolArray | None]:
    """Per row: the position of the table row its ``by`` value selects (``len(rows)``: none)."""
    codes, missing, vocab = frame.raw(table.by)
    keys = [key for key, _ in table.rows]
    none = len(keys)
    if codes.dtype == np.bool_:
        lut = np.array([keys.index(k) if k in keys else none for k in ("false", "true")])
        return lut[codes.astype(np.int64)], missing
    if vocab:
        lut = np.array([keys.index(code) if code in keys else none for code in vocab] + [none])
        return lut[np.asarray(codes, dtype=np.int64)], missing
    numeric = np.asarray(codes, dtype=np.float64)
    selector = np.full(frame.size, none, dtype=np.int64)
    for position, key in enumerate(keys):
        try:
            selector[numeric == float(key)] = position
        except ValueError:
            continue
    return selector, missing


def per_item_amounts(
    benefit: PerItem, items: ItemFrame, params: Mapping[str, float]
) -> tuple[FloatArray, BoolArray]:
    """Per item: the amount kept (0 when filtered out or beyond ``max_items``) and whether the
    item leaves its owner's amount unknown (its filter or its amount needs missing data)."""
    chosen, unknown = _selection(benefit.where, items, params)
    amounts, amount_missing = benefit_value(benefit.amount, items, params)
    if amount_missing is not None:
        unknown = unknown | (chosen & amount_missing)
        chosen = chosen & ~amount_missing
    kept = np.where(chosen, amounts, 0.0)
    if benefit.max_items is not None and items.size:
        # highest amounts first within each owner; ties by item order
        order = np.lexsort((np.arange(items.size), -kept, items.owner))
        owners = items.owner[order]
        first = np.ones(order.size, dtype=np.bool_)
        first[1:] = owners[1:] != owners[:-1]
        run_start = np.maximum.accumulate(np.where(first, np.arange(order.size), 0))
        rank = np.arange(order.size) - run_start
        beyond = np.zeros(items.size, dtype=np.bool_)
        beyond[order] = rank >= benefit.max_items
        kept = np.where(beyond, 0.0, kept)
    return kept, unknown


def _or(a: BoolArray | None, b: BoolArray | None) -> BoolArray | None:
    if a is None:
        return b
    if b is None:
        return a
    return a | b


# ---- the policy's own amount --------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One finishing step that changed at least one amount: its Chinese description."""

    kind: str  # year_cap, top_up, exclusive, received_cap, rounding
    text: str
    values: FloatArray


def finish(
    version: PolicyVersion,
    policy_id: str,
    frame: Frame,
    params: Mapping[str, float],
    amounts: FloatArray,
    group_members: Mapping[str, tuple[str, ...]] | None = None,
) -> tuple[FloatArray, list[Step]]:
    """The policy's own amount from its benefit: the per-year cap; the top-up (差额) over
    awards received; 就高不重复 against awards already received from its exclusive group; caps
    net of awards received; then 四舍五入 to whole yuan. Returns the amounts and the steps."""
    from .values import format_money

    steps: list[Step] = []
    out = amounts
    if version.cap_per_year is not None:
        cap = constant(version.cap_per_year, params)
        out = np.minimum(out, cap)
        steps.append(Step("year_cap", f"年度上限 {format_money(cap)}", out))
    if version.top_up is not None:
        got = received_sum(version.top_up, frame)
        out = np.maximum(out - got, 0.0)
        steps.append(Step("top_up", "差额补足：减去已获" + _one(got), out))
    if version.exclusive_group is not None:
        members = (group_members or {}).get(version.exclusive_group) or (policy_id,)
        got = received_sum(Received(tuple(sorted(members)), version.exclusive_period), frame)
        if got.any():
            out = np.maximum(out - got, 0.0)
            steps.append(Step("exclusive", "就高不重复：减去本组已获" + _one(got), out))
    for received_cap in version.received_caps:
        got = received_sum(received_cap.received, frame)
        limit = constant(received_cap.limit, params)
        room = np.maximum(limit - got, 0.0)
        out = np.minimum(out, room)
        label = received_cap.label or f"上限 {format_money(limit)}（扣除已获）"
        if got.size == 1:  # one enterprise (an explanation): the figures, not only the rule
            label += f"：{format_money(limit)} − 已获 {format_money(float(got[0]))}"
        steps.append(Step("received_cap", label, out))
    rounded = round_half_up_array(out)
    steps.append(Step("rounding", "四舍五入到元", rounded))
    return rounded, steps


def _one(got: FloatArray) -> str:
    """`` 80万元`` for one enterprise (an explanation's trace), nothing for a whole register."""
    from .values import format_money

    return f" {format_money(float(got[0]))}" if got.size == 1 else ""


# ---- which missing fields could still decide ---------------------------------------------------


def _add(out: Sources, name: str, rows: BoolArray | None) -> None:
    if rows is None or not rows.any():
        return
    current = out.get(name)
    out[name] = rows.copy() if current is None else current | rows


def _merge(out: Sources, other: Sources) -> None:
    for name, rows in other.items():
        _add(out, name, rows)


def _name(frame: Frame, name: str) -> str:
    """The name a missing field is reported under (``certificates.issued_on`` for items)."""
    if isinstance(frame, ItemFrame) and name in (frame.table.spec.items or {}):
        return f"{frame.table.spec.name}.{name}"
    return name


def expr_sources(
    node: Expr, frame: Frame, params: Mapping[str, float], within: BoolArray
) -> Sources:
    """Missing fields behind the missing rows of an expression, within ``within``."""
    out: Sources = {}
    resolved = substitute(node, params)
    value = expr_value(node, frame, params)
    if value.missing is None or not (value.missing & within).any():
        return out
    rows = value.missing & within

    def visit(n: Expr) -> None:
        if isinstance(n, Var):
            if n.name == AS_OF:
                return
            _, missing, _ = frame.raw(n.name)
            if missing is not None:
                _add(out, _name(frame, n.name), missing & rows)
        elif isinstance(n, Agg):
            _merge(out, aggregate_sources(n, frame, params, rows))
        elif isinstance(n, AwardOf):
            sources = frame.award_missing.get(n.policy)
            if sources is None:
                _, missing = frame.awards.get(n.policy, (None, frame.all_missing()))
                _add(out, f"award:{n.policy}", None if missing is None else missing & rows)
            else:
                for name, mask in sources:
                    _add(out, name, mask & rows)
        elif isinstance(n, Call):
            for arg in n.args:
                visit(arg)
        elif isinstance(n, Bin):
            visit(n.left)
            visit(n.right)
        elif isinstance(n, Neg):
            visit(n.operand)

    visit(resolved)
    for names, zero in value.zero_divisors:
        for name in sorted(names):
            _add(out, _name(frame, name), zero & rows)
    return out


def aggregate_sources(
    node: Agg, frame: Frame, params: Mapping[str, float], within: BoolArray
) -> Sources:
    """Missing data behind an unknown aggregate: the list itself, or fields of its items."""
    out: Sources = {}
    _, list_missing, _ = frame.raw(node.list)
    if list_missing is not None:
        _add(out, node.list, list_missing & within)
    items = frame.items(node.list)
    _, _, unknown = aggregate(node, frame, params)
    relevant = unknown & within[items.owner]
    if relevant.any():
        if node.where is not None:
            item_sources = condition_sources(node.where, items, params, relevant)
        else:
            item_sources = {}
        if node.value is not None:
            _merge(item_sources, expr_sources(node.value, items, params, relevant))
        for name, rows in item_sources.items():
            _add(out, name, items.any_per_owner(rows) & within)
    return out


def atom_sources(
    atom: Atom, frame: Frame, params: Mapping[str, float], within: BoolArray
) -> Sources:
    """Missing fields that make ``atom`` unknown, within ``within``."""
    out: Sources = {}
    if atom.op == "exists":
        return out
    if atom.field is None:
        assert atom.expr is not None
        return expr_sources(atom.expr, frame, params, within)
    _, missing, _ = frame.raw(atom.field)
    if missing is not None:
        _add(out, _name(frame, atom.field), missing & within)
    if isinstance(atom.operand, DateRef) and atom.operand.field is not None:
        _, other, _ = frame.raw(atom.operand.field)
        if other is not None:
            _add(out, _name(frame, atom.operand.field), other & within)
    return out


def condition_sources(
    node: Atom | Group, frame: Frame, params: Mapping[str, float], within: BoolArray
) -> Sources:
    """Missing fields that could still decide ``node`` at the rows of ``within`` where it is
    unknown: only fields of unknown atoms reached through unknown groups (an ``any`` already
    true, or an ``all`` already false, needs nothing more)."""
    out: Sources = {}
    truth, not_false = condition(node, frame, params)
    rows = within & not_false & ~truth
    if not rows.any():
        return out
    if isinstance(node, Atom):
        return atom_sources(node, frame, params, rows)
    for child in node.children:
        _merge(out, condition_sources(child, frame, params, rows))
    return out


def benefit_sources(
    benefit: Benefit, frame: Frame, params: Mapping[str, float], within: BoolArray
) -> Sources:
    """Missing fields behind the rows of ``within`` whose amount is unknown."""
    out: Sources = {}
    if isinstance(benefit, Fixed):
        return out
    if isinstance(benefit, Rate | Formula):
        node = benefit.base if isinstance(benefit, Rate) else benefit.expr
        return expr_sources(node, frame, params, within)
    if isinstance(benefit, PerUnit):
        return expr_sources(benefit.quantity, frame, params, within)
    if isinstance(benefit, Tiers):
        return expr_sources(benefit.base, frame, params, within)
    if isinstance(benefit, Table):
        selector, by_missing = table_rows(benefit, frame)
        if by_missing is not None:
            _add(out, _name(frame, benefit.by), by_missing & within)
            within = within & ~by_missing
        for position, (_, cell) in enumerate(benefit.rows):
            _merge(out, benefit_sources(cell, frame, params, within & (selector == position)))
        if benefit.default is not None:
            fallback = within & (selector == len(benefit.rows))
            _merge(out, benefit_sources(benefit.default, frame, params, fallback))
        return out
    if isinstance(benefit, When):
        pending = within.copy()
        for branch_condition, branch in benefit.branches:
            truth, not_false = condition(branch_condition, frame, params)
            _merge(out, condition_sources(branch_condition, frame, params, pending))
            _merge(out, benefit_sources(branch, frame, params, pending & truth))
            pending = pending & ~not_false
        if benefit.otherwise is not None:
            _merge(out, benefit_sources(benefit.otherwise, frame, params, pending))
        return out
    if isinstance(benefit, PerItem):
        _, list_missing, _ = frame.raw(benefit.list)
        if list_missing is not None:
            _add(out, benefit.list, list_missing & within)
        items = frame.items(benefit.list)
        relevant = within[items.owner]
        if not relevant.any():
            return out
        item_sources: Sources = {}
        if benefit.where is not None:
            item_sources = condition_sources(benefit.where, items, params, relevant)
            chosen = condition(benefit.where, items, params)[0] & relevant
        else:
            chosen = relevant
        _merge(item_sources, benefit_sources(benefit.amount, items, params, chosen))
        for name, rows in item_sources.items():
            _add(out, name, items.any_per_owner(rows) & within)
        return out
    assert isinstance(benefit, Combine)
    for part in benefit.parts:
        _merge(out, benefit_sources(part, frame, params, within))
    return out


def missing_sources(
    version: PolicyVersion, frame: Frame, params: Mapping[str, float], within: BoolArray
) -> Sources:
    """Missing fields that could change the verdict at the rows of ``within``: those of the
    undecided conditions where the conditions are undecided, else those the amount needs."""
    truth, not_false = condition(version.conditions, frame, params)
    out = condition_sources(version.conditions, frame, params, within & not_false & ~truth)
    true_rows = within & truth
    if true_rows.any():
        _, amount_missing = benefit_value(version.benefit, frame, params)
        if amount_missing is not None and (true_rows & amount_missing).any():
            _merge(out, benefit_sources(version.benefit, frame, params, true_rows & amount_missing))
    return out


def missing_by_row(
    sources: Sources, size: int, order: Mapping[str, int] | None = None
) -> list[tuple[str, ...]]:
    """Per row, the names of ``sources`` that apply to it, in the policy's ``order``."""
    labels, inverse = missing_patterns(sources, size, order)
    return [labels[i] for i in inverse.tolist()]


def missing_patterns(
    sources: Sources, size: int, order: Mapping[str, int] | None = None
) -> tuple[list[tuple[str, ...]], npt.NDArray[np.int64]]:
    """The distinct sets of missing fields (names in the policy's ``order``) and, per row, the
    index of its set: :func:`missing_by_row` without a Python object per row."""
    rank = order or {}
    names = sorted(sources, key=lambda n: (rank.get(n, len(rank)), n))
    if not names:
        return [()], np.zeros(size, dtype=np.int64)
    if len(names) > 62:  # too many for one integer per row
        matrix = np.column_stack([sources[n] for n in names])
        patterns, inverse = np.unique(matrix, axis=0, return_inverse=True)
        labels = [
            tuple(n for n, flag in zip(names, pattern, strict=True) if flag) for pattern in patterns
        ]
        return labels, np.asarray(inverse, dtype=np.int64).reshape(-1)
    # Each row's set as an integer, first name in the highest bit: ascending integers are the
    # sets in the order np.unique(axis=0) gives them, at the cost of one pass per name.
    codes = np.zeros(size, dtype=np.int64)
    for name in names:
        codes <<= 1
        codes |= np.asarray(sources[name], dtype=np.int64)
    if len(names) <= 20:
        present = np.flatnonzero(np.bincount(codes, minlength=1 << len(names)))
        lookup = np.zeros(1 << len(names), dtype=np.int64)
        lookup[present] = np.arange(present.size)
        inverse = lookup[codes]
    else:
        present, inverse = np.unique(codes, return_inverse=True)
    top = len(names) - 1
    labels = [
        tuple(n for k, n in enumerate(names) if int(code) >> (top - k) & 1)
        for code in present.tolist()
    ]
    return labels, np.asarray(inverse, dtype=np.int64).reshape(-1)


__all__ = [
    "Pair",
    "Sources",
    "Step",
    "aggregate",
    "atom_key",
    "atom_raw",
    "atom_sources",
    "atom_subject",
    "atom_truth",
    "benefit_sources",
    "benefit_value",
    "condition",
    "condition_sources",
    "constant",
    "date_window",
    "day_parts",
    "expr_value",
    "finish",
    "missing_by_row",
    "missing_patterns",
    "missing_sources",
    "per_item_amounts",
    "period_bounds",
    "received_sum",
    "resolve_operand",
    "subject_key",
    "table_rows",
]
