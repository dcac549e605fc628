"""Packed bitmaps (uint64 words, little-endian bit order) and the shared atom table.

Each atomic condition is evaluated once per screening into two bitmaps: ``T`` (true) and
``NF`` (not false = true or unknown because of missing data). Groups combine them with
three-valued logic: all → (∧T, ∧NF); any → (∨T, ∨NF); not → (¬NF, ¬T).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from .expr import canonical, eval_vector, substitute
from .model import Atom
from .scalar import constant
from .snapshot import Snapshot, day_number
from .values import years_before

Words = npt.NDArray[np.uint64]
Pair = tuple[Words, Words]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]


def pack(bits: BoolArray, words: int) -> Words:
    """Pack a bool array into ``words`` uint64 words (padding bits are 0)."""
    packed = np.packbits(bits, bitorder="little")
    if packed.size != words * 8:
        packed = np.concatenate([packed, np.zeros(words * 8 - packed.size, dtype=np.uint8)])
    return packed.view(np.uint64)


def extract(bitmap: Words) -> npt.NDArray[np.int64]:
    """Row indices of the set bits, ascending."""
    nonzero = np.flatnonzero(bitmap)
    if nonzero.size == 0:
        return np.zeros(0, dtype=np.int64)
    bits = np.unpackbits(bitmap[nonzero].view(np.uint8), bitorder="little").view(np.bool_)
    k = np.flatnonzero(bits)
    rows: npt.NDArray[np.int64] = nonzero[k >> 6] * 64 + (k & 63)
    return rows


def extract_first(bitmap: Words, limit: int, total: int | None = None) -> npt.NDArray[np.int64]:
    """The first ``limit`` set rows (ascending), without expanding the rest of the bitmap.

    ``total`` (the number of set bits, when known) skips a counting pass.
    """
    if limit <= 0:
        return np.zeros(0, dtype=np.int64)
    if total is not None and total <= limit:
        return extract(bitmap)
    cumulative = np.cumsum(np.bitwise_count(bitmap), dtype=np.int64)
    if cumulative.size == 0 or cumulative[-1] <= limit:
        return extract(bitmap)
    stop = int(np.searchsorted(cumulative, limit)) + 1
    return extract(bitmap[:stop])[:limit]


def count(bitmap: Words) -> int:
    """Number of set bits."""
    return int(np.bitwise_count(bitmap).sum(dtype=np.int64))


def bits_at(bitmap: Words, rows: npt.NDArray[np.int64]) -> BoolArray:
    """The bit of ``bitmap`` at each row of ``rows``."""
    words = bitmap[rows >> 6]
    bits: BoolArray = ((words >> (rows & 63).astype(np.uint64)) & np.uint64(1)).astype(np.bool_)
    return bits


class AtomTable:
    """Evaluates atoms over a snapshot once each, keyed by their resolved meaning."""

    def __init__(self, snapshot: Snapshot, on: date) -> None:
        self.snapshot = snapshot
        self.on = on
        self.size = snapshot.size
        self.words = (snapshot.size + 63) // 64
        self.valid = pack(np.ones(snapshot.size, dtype=np.bool_), self.words)
        self.zeros = np.zeros(self.words, dtype=np.uint64)
        self._missing: dict[str, Words | None] = {}
        self._pairs: dict[tuple[object, ...], Pair] = {}
        self._exprs: dict[str, tuple[FloatArray, BoolArray | None]] = {}
        self.requests = 0

    def missing_bits(self, name: str) -> Words | None:
        """Packed missing mask of a column (absent column = all missing); None = none missing."""
        if name not in self._missing:
            if not self.snapshot.has(name):
                self._missing[name] = self.valid
            else:
                mask = self.snapshot.missing.get(name)
                self._missing[name] = None if mask is None else pack(mask, self.words)
        return self._missing[name]

    def numeric(self, name: str) -> tuple[FloatArray, BoolArray | None]:
        """A numeric column as float64 with its missing mask (absent column = all missing)."""
        if not self.snapshot.has(name):
            return np.zeros(self.size), np.ones(self.size, dtype=np.bool_)
        values = np.asarray(self.snapshot.columns[name], dtype=np.float64)
        return values, self.snapshot.missing.get(name)

    def expression(
        self, atom: Atom, params: dict[str, float]
    ) -> tuple[str, FloatArray, BoolArray | None]:
        """Evaluate (once per canonical text) the expression of an expression atom."""
        assert atom.expr is not None
        resolved = substitute(atom.expr, params)
        key = canonical(resolved)
        if key not in self._exprs:
            self._exprs[key] = eval_vector(resolved, self.numeric, self.size)
        values, missing = self._exprs[key]
        return key, values, missing

    def atom(self, atom: Atom, params: dict[str, float]) -> Pair:
        """``(T, NF)`` bitmaps of ``atom`` with parameters ``params`` on this table's date."""
        self.requests += 1
        key, operand = self._key(atom, params)
        hit = self._pairs.get(key)
        if hit is not None:
            return hit
        pair = self._evaluate(atom, params, operand)
        self._pairs[key] = pair
        return pair

    @property
    def distinct(self) -> int:
        """How many distinct atoms were evaluated."""
        return len(self._pairs)

    def key(self, atom: Atom, params: dict[str, float]) -> tuple[object, ...]:
        """The resolved meaning of ``atom`` (equal keys give equal bitmaps)."""
        return self._key(atom, params)[0]

    def _key(self, atom: Atom, params: dict[str, float]) -> tuple[tuple[object, ...], Any]:
        operand = _resolve(atom, params, self.on)
        if atom.field is not None:
            subject = atom.field
        else:
            assert atom.expr is not None
            subject = canonical(substitute(atom.expr, params))
        return (subject, atom.op, operand), operand

    def _evaluate(self, atom: Atom, params: dict[str, float], operand: Any) -> Pair:
        op = atom.op
        if atom.field is not None:
            name = atom.field
            missing = self.missing_bits(name)
            if op == "exists":
                present = self.valid if missing is None else self.valid & ~missing
                result = present if operand else (self.zeros if missing is None else missing)
                return result, result
            if not self.snapshot.has(name):
                return self.zeros, self.valid
            truth = self._compare(atom, self.snapshot.columns[name], operand)
        else:
            _, values, mask = self.expression(atom, params)
            missing = None if mask is None else pack(mask, self.words)
            if op == "exists":
                present = self.valid if missing is None else self.valid & ~missing
                result = present if operand else (self.zeros if missing is None else missing)
                return result, result
            truth = self._compare(atom, values, operand)
        packed = pack(truth, self.words)
        if missing is None:
            return packed, packed
        packed &= ~missing
        return packed, packed | missing

    def _compare(self, atom: Atom, column: npt.NDArray[Any], operand: Any) -> BoolArray:
        return _as_bool(self._compare_any(atom, column, operand))

    def _compare_any(self, atom: Atom, column: npt.NDArray[Any], operand: Any) -> Any:
        op, kind = atom.op, atom.type
        if kind == "set":
            vocab = self.snapshot.vocab[atom.field or ""]
            mask = np.uint64(sum(1 << vocab.index(c) for c in operand if c in vocab))
            hit = (column & mask) != 0
            return hit if op == "in" else ~hit
        if kind in ("enum", "str"):
            vocab = self.snapshot.vocab[atom.field or ""]
            codes = [
                vocab.index(c)
                for c in (operand if isinstance(operand, tuple) else (operand,))
                if c in vocab
            ]
            if not codes:
                hit = np.zeros(self.size, dtype=np.bool_)
            elif len(codes) == 1:
                hit = column == codes[0]
            elif len(codes) <= 4:
                hit = column == codes[0]
                for code in codes[1:]:
                    hit |= column == code
            else:
                hit = np.isin(column, codes)
            return hit if op in ("eq", "in") else ~hit
        if kind == "bool" and op in ("is", "eq", "ne"):
            flag = bool(operand) if op != "ne" else not bool(operand)
            return column.copy() if flag else ~column
        if op == "between":
            low, high = operand
            return (column >= low) & (column <= high)
        if op == "within_years":
            low, high = operand
            return (column >= low) & (column <= high)
        if op in ("in", "not_in"):
            hit = np.isin(column, np.array(operand))
            return hit if op == "in" else ~hit
        compare = {
            "ge": np.greater_equal,
            "gt": np.greater,
            "le": np.less_equal,
            "lt": np.less,
            "eq": np.equal,
            "ne": np.not_equal,
        }[op]
        return compare(column, operand)


def _as_bool(values: Any) -> BoolArray:
    return np.asarray(values, dtype=np.bool_)


def _resolve(atom: Atom, params: dict[str, float], on: date) -> Any:
    """A hashable operand with parameters and dates resolved (dates as day numbers)."""
    operand = atom.operand
    if atom.op in ("exists", "is"):
        return bool(operand)
    if atom.op == "within_years":
        years = constant(operand, params)
        return (day_number(years_before(on, years)), day_number(on))
    if atom.type == "date":
        if isinstance(operand, tuple):
            return tuple(day_number(d) for d in operand)
        return day_number(operand)
    if atom.type in ("number", "money", "int"):
        if isinstance(operand, tuple):
            return tuple(constant(e, params) for e in operand)
        return constant(operand, params)
    if isinstance(operand, tuple):
        return tuple(operand)
    return operand
