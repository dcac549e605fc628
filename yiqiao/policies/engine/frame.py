"""Frames: the rows an evaluation runs over — a whole snapshot, some of its rows, one profile,
or the items of a list field. Every rule is evaluated by the same vectorised code over a frame,
so the single explanation (a frame of one profile) and the batch screening (a snapshot) share
their semantics; only the way rows are stored differs.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from .fields import AWARDS_RECEIVED, FieldDictionary, FieldSpec
from .snapshot import ItemTable, Snapshot, encode, items_from_lists

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]
Column = tuple[npt.NDArray[Any], BoolArray | None, tuple[str, ...]]
Award = tuple[FloatArray, BoolArray | None]


class Frame:
    """Rows to evaluate over; ``cache`` keeps values computed on these rows (by canonical key).

    ``awards`` holds, per referenced policy id, its amounts at these rows (``award('x')``), and
    ``award_missing`` the fields that policy lacks at these rows (name → rows).
    """

    size: int
    on: date

    def __init__(self, size: int, on: date) -> None:
        self.size = size
        self.on = on
        self.keep_atoms = True  # the batch path packs atoms into bitmaps instead
        self.cache: dict[object, Any] = {}
        self.awards: dict[str, Award] = {}
        self.award_missing: dict[str, list[tuple[str, BoolArray]]] = {}

    def spec(self, name: str) -> FieldSpec | None:
        """The field ``name`` resolves to on this frame (item fields first on item frames)."""
        raise NotImplementedError

    def raw(self, name: str) -> Column:
        """The encoded column ``name`` at these rows: values, missing mask, vocabulary."""
        raise NotImplementedError

    def items(self, name: str) -> ItemFrame:
        """The items of list ``name`` owned by these rows."""
        raise NotImplementedError

    def numeric(self, name: str) -> tuple[FloatArray, BoolArray | None]:
        """A numeric (or date, as day numbers) column as float64 with its missing mask."""
        values, missing, _ = self.raw(name)
        if values.dtype == np.float64:
            return values, missing
        key = ("num", name)  # int and date columns are converted once per frame
        hit = self.cache.get(key)
        if hit is None:
            hit = (values.astype(np.float64), missing)
            self.cache[key] = hit
        return hit

    def all_missing(self) -> BoolArray:
        return np.ones(self.size, dtype=np.bool_)


class SnapshotFrame(Frame):
    """All rows of a snapshot, or the rows ``rows`` (ascending positions) of it."""

    def __init__(self, snapshot: Snapshot, on: date, rows: IntArray | None = None) -> None:
        super().__init__(snapshot.size if rows is None else int(rows.size), on)
        self.snapshot = snapshot
        self.rows = rows

    def spec(self, name: str) -> FieldSpec | None:
        return self.snapshot.fields.get(name)

    def raw(self, name: str) -> Column:
        key = ("raw", name)
        hit = self.cache.get(key)
        if hit is not None:
            return hit  # type: ignore[no-any-return]
        snap = self.snapshot
        if not snap.has(name):
            spec = snap.fields.get(name)
            never_missing = name == AWARDS_RECEIVED
            empty: npt.NDArray[Any] = np.zeros(
                self.size, dtype=np.int64 if spec is None else _dtype(spec)
            )
            out: Column = (empty, None if never_missing else self.all_missing(), ())
        else:
            values = snap.columns[name]
            missing = snap.missing.get(name)
            if self.rows is not None:
                values = values[self.rows]
                missing = None if missing is None else missing[self.rows]
            out = (values, missing, snap.vocab.get(name, ()))
        self.cache[key] = out
        return out

    def items(self, name: str) -> ItemFrame:
        key = ("items", name)
        hit = self.cache.get(key)
        if hit is not None:
            return hit  # type: ignore[no-any-return]
        spec = self.snapshot.fields[name]
        table = self.snapshot.lists.get(name)
        if table is None:
            table = items_from_lists(spec, 0, [])
            frame = ItemFrame(self, table, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
        elif self.rows is None:
            frame = ItemFrame(self, table, None, table.owner)
        else:
            starts = table.starts[self.rows]
            counts = table.starts[self.rows + 1] - starts
            total = int(counts.sum())
            owner = np.repeat(np.arange(self.size, dtype=np.int64), counts)
            # item index = start of its owner's run + position within the run
            offsets = np.arange(total, dtype=np.int64) - np.repeat(
                np.cumsum(counts) - counts, counts
            )
            index = np.repeat(starts, counts) + offsets
            frame = ItemFrame(self, table, index, owner)
        self.cache[key] = frame
        return frame

    def subset(self, rows: IntArray) -> SnapshotFrame:
        """The frame of positions ``rows`` (ascending) of this frame, awards included."""
        absolute = rows if self.rows is None else self.rows[rows]
        sub = SnapshotFrame(self.snapshot, self.on, absolute)
        for pid, (values, missing) in self.awards.items():
            sub.awards[pid] = (values[rows], None if missing is None else missing[rows])
        for pid, sources in self.award_missing.items():
            sub.award_missing[pid] = [(n, m[rows]) for n, m in sources]
        return sub


class ProfileFrame(Frame):
    """One enterprise profile (a dict of typed values; None or absent = missing)."""

    def __init__(self, fields: FieldDictionary, profile: Mapping[str, object], on: date) -> None:
        super().__init__(1, on)
        self.fields = fields
        self.profile = profile

    def spec(self, name: str) -> FieldSpec | None:
        return self.fields.get(name)

    def raw(self, name: str) -> Column:
        key = ("raw", name)
        hit = self.cache.get(key)
        if hit is not None:
            return hit  # type: ignore[no-any-return]
        spec = self.fields.get(name)
        value = self.profile.get(name)
        if spec is None:
            out: Column = (np.zeros(1), self.all_missing(), ())
        elif spec.type == "list":
            count = 0 if value is None else len(value)  # type: ignore[arg-type]
            missing = None if value is not None or name == AWARDS_RECEIVED else self.all_missing()
            out = (np.array([count], dtype=np.int64), missing, ())
        else:
            array, vocab = encode(spec, [value])
            out = (array, None if value is not None else self.all_missing(), vocab or ())
        self.cache[key] = out
        return out

    def items(self, name: str) -> ItemFrame:
        key = ("items", name)
        hit = self.cache.get(key)
        if hit is not None:
            return hit  # type: ignore[no-any-return]
        spec = self.fields[name]
        table = items_from_lists(spec, 1, [self.profile.get(name)])
        frame = ItemFrame(self, table, None, table.owner)
        self.cache[key] = frame
        return frame


class ItemFrame(Frame):
    """The items of one list field owned by the rows of ``parent``; names resolve to the item's
    fields first, then to the owner's fields (gathered per item)."""

    def __init__(
        self, parent: Frame, table: ItemTable, index: IntArray | None, owner: IntArray
    ) -> None:
        super().__init__(int(owner.size), parent.on)
        self.parent = parent
        self.table = table
        self.index = index
        self.owner = owner

    def spec(self, name: str) -> FieldSpec | None:
        items = self.table.spec.items or {}
        return items.get(name) or self.parent.spec(name)

    def raw(self, name: str) -> Column:
        key = ("raw", name)
        hit = self.cache.get(key)
        if hit is not None:
            return hit  # type: ignore[no-any-return]
        items = self.table.spec.items or {}
        if name in items:
            values = self.table.columns[name]
            missing = self.table.missing.get(name)
            if self.index is not None:
                values = values[self.index]
                missing = None if missing is None else missing[self.index]
            out: Column = (values, missing, self.table.vocab.get(name, ()))
        else:
            values, missing, vocab = self.parent.raw(name)
            out = (values[self.owner], None if missing is None else missing[self.owner], vocab)
        self.cache[key] = out
        return out

    def items(self, name: str) -> ItemFrame:
        raise ValueError("列表项中不能再嵌套列表")

    def per_owner(self, values: npt.NDArray[Any]) -> FloatArray:
        """Sum ``values`` (one per item) into one value per owner row."""
        summed = np.bincount(self.owner, weights=values, minlength=self.parent.size)
        return summed.astype(np.float64, copy=False)

    def per_owner_selected(
        self, selected: BoolArray, values: npt.NDArray[Any] | None = None
    ) -> FloatArray:
        """Sum ``values`` (or count, when None) over the ``selected`` items, per owner row;
        only the selected items are visited."""
        owners = self.owner[selected]
        weights = None if values is None else values[selected]
        summed = np.bincount(owners, weights=weights, minlength=self.parent.size)
        return summed.astype(np.float64, copy=False)

    def any_per_owner(self, flags: BoolArray) -> BoolArray:
        """True for owner rows with at least one flagged item."""
        out = np.zeros(self.parent.size, dtype=np.bool_)
        out[self.owner[flags]] = True
        return out


def _dtype(spec: FieldSpec) -> type:
    return {
        "number": np.float64, "money": np.float64, "int": np.int64, "list": np.int64,
        "bool": np.bool_, "set": np.uint64,
    }.get(spec.type, np.int32)  # fmt: skip
