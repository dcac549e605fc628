"""Packed bitmaps (uint64 words, little-endian bit order) and the shared atom table.

Each atomic condition is evaluated once per screening into two bitmaps: ``T`` (true) and
``NF`` (not false = true or unknown because of missing data). Groups combine them with
three-valued logic: all → (∧T, ∧NF); any → (∨T, ∨NF); not → (¬NF, ¬T).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from .evaluate import atom_key, atom_raw, subject_key
from .frame import SnapshotFrame
from .model import Atom

Words = npt.NDArray[np.uint64]
Pair = tuple[Words, Words]
BoolArray = npt.NDArray[np.bool_]


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
    """Evaluates atoms over the whole register once each, keyed by their resolved meaning, and
    keeps them as packed bitmaps (the truth itself comes from :mod:`.evaluate`)."""

    def __init__(self, frame: SnapshotFrame) -> None:
        self.frame = frame
        self.size = frame.size
        self.words = (frame.size + 63) // 64
        self.valid = pack(np.ones(frame.size, dtype=np.bool_), self.words)
        self.zeros = np.zeros(self.words, dtype=np.uint64)
        self._pairs: dict[tuple[object, ...], Pair] = {}
        self._missing: dict[object, Words | None] = {}
        self.requests = 0

    def atom(self, atom: Atom, params: Mapping[str, float]) -> Pair:
        """``(T, NF)`` bitmaps of ``atom`` with parameters ``params``."""
        self.requests += 1
        key = self.key(atom, params)
        hit = self._pairs.get(key)
        if hit is not None:
            return hit
        truth, missing = atom_raw(atom, self.frame, params)
        packed = pack(truth, self.words)
        if missing is None:
            pair = (packed, packed)
        else:
            subject = subject_key(atom, params)
            bits = self._missing.get(subject) if subject is not None else None
            if bits is None:
                bits = pack(missing, self.words)
                if subject is not None:
                    self._missing[subject] = bits
            packed &= ~bits
            pair = (packed, packed | bits)
        self._pairs[key] = pair
        return pair

    @property
    def distinct(self) -> int:
        """How many distinct atoms were evaluated."""
        return len(self._pairs)

    def key(self, atom: Atom, params: Mapping[str, float]) -> tuple[object, ...]:
        """The resolved meaning of ``atom`` (equal keys give equal bitmaps)."""
        return atom_key(atom, params, self.frame.on)
