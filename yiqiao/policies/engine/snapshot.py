"""Columnar snapshots of the register for batch screening (numpy arrays + missing masks).

Encodings by field type: number/money → float64; int → int64 (int32 accepted); bool → bool;
date → int32 days since 1970-01-01 (datetime64[D] accepted); enum/str → int32 codes into
``vocab[name]``; set → uint64 bit masks, bit ``i`` meaning ``vocab[name][i]`` (≤ 64 codes).
A missing mask is a bool array (True = missing) or None when nothing is missing.

List fields (certificates, trials, awards received...) are an :class:`ItemTable` each: one row per
item, sorted by owner, with ``starts`` offsets (CSR) so the items of any set of enterprises are
gathered in time proportional to those items; the item fields use the same encodings. The list
column itself (``columns[name]``) holds the item count per enterprise; its missing mask says
where the list was not supplied (``awards_received`` is never missing: none recorded = none).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from .errors import ProfileError
from .fields import AWARDS_RECEIVED, FieldDictionary, FieldSpec
from .profile_values import coerce

EPOCH = date(1970, 1, 1)
_DTYPES: dict[str, tuple[type, ...]] = {
    "number": (np.float64,),
    "money": (np.float64,),
    "int": (np.int64, np.int32),
    "bool": (np.bool_,),
    "date": (np.int32, np.int64),
    "enum": (np.int32, np.int64, np.int16),
    "str": (np.int32, np.int64, np.int16),
    "set": (np.uint64,),
    "list": (np.int64, np.int32),
}


@dataclass(frozen=True)
class ItemTable:
    """The items of one list field over all enterprises (see the module docstring)."""

    spec: FieldSpec
    owner: npt.NDArray[np.int64]
    starts: npt.NDArray[np.int64]
    columns: Mapping[str, npt.NDArray[Any]]
    missing: Mapping[str, npt.NDArray[np.bool_] | None]
    vocab: Mapping[str, tuple[str, ...]]

    @property
    def size(self) -> int:
        """Number of items."""
        return int(self.owner.size)


@dataclass(frozen=True)
class Snapshot:
    """The register as columns; row ``i`` is enterprise index ``i``."""

    size: int
    columns: Mapping[str, npt.NDArray[Any]]
    missing: Mapping[str, npt.NDArray[np.bool_] | None]
    vocab: Mapping[str, tuple[str, ...]]
    fields: FieldDictionary
    lists: Mapping[str, ItemTable] = field(default_factory=dict)

    def has(self, name: str) -> bool:
        """True when the snapshot carries column ``name``."""
        return name in self.columns


def day_number(value: date) -> int:
    """Days since 1970-01-01 (the date encoding of snapshots)."""
    return (value - EPOCH).days


def _check_column(
    spec: FieldSpec, name: str, array: npt.NDArray[Any], size: int, vocab: Mapping[str, Any]
) -> npt.NDArray[Any]:
    if spec.type == "date" and array.dtype.kind == "M":
        array = array.astype("datetime64[D]").view(np.int64)
    if array.dtype.type not in _DTYPES[spec.type]:
        raise ProfileError(
            f"快照列 {name}（{spec.type}）的类型应为 {_DTYPES[spec.type][0].__name__}，实为 {array.dtype}"
        )
    if array.shape != (size,):
        raise ProfileError(f"快照列 {name} 的长度为 {array.shape}，应为 ({size},)")
    if spec.type in ("enum", "str", "set") and name not in vocab:
        raise ProfileError(f"快照列 {name} 缺少代码表 vocab")
    if spec.type == "set" and len(vocab[name]) > 64:
        raise ProfileError(f"集合字段 {name} 的代码超过 64 个")
    return array


def item_table(
    spec: FieldSpec,
    size: int,
    owner: npt.NDArray[np.int64],
    columns: Mapping[str, npt.NDArray[Any]],
    missing: Mapping[str, npt.NDArray[np.bool_] | None] | None = None,
    vocab: Mapping[str, Sequence[str]] | None = None,
) -> ItemTable:
    """Check and wrap the items of list field ``spec`` (``owner[k]`` = enterprise row of item k);
    items are reordered by owner (stable) when they are not already."""
    assert spec.items is not None
    owner = np.asarray(owner, dtype=np.int64)
    m = owner.size
    if m and (owner.min() < 0 or owner.max() >= size):
        raise ProfileError(f"列表 {spec.name} 的记录指向不存在的行")
    order = None
    if m > 1 and bool((owner[1:] < owner[:-1]).any()):
        order = np.argsort(owner, kind="stable")
        owner = owner[order]
    vocab_t = {n: tuple(v) for n, v in (vocab or {}).items()}
    out: dict[str, npt.NDArray[Any]] = {}
    masks: dict[str, npt.NDArray[np.bool_] | None] = {}
    for name, array in columns.items():
        sub = spec.items.get(name)
        if sub is None:
            raise ProfileError(f"列表 {spec.name} 没有字段 {name}")
        array = _check_column(
            sub,
            f"{spec.name}.{name}",
            array,
            m,
            {f"{spec.name}.{k}": v for k, v in vocab_t.items()},
        )
        mask = (missing or {}).get(name)
        if order is not None:
            array = array[order]
            mask = None if mask is None else mask[order]
        out[name] = array
        masks[name] = mask if mask is not None and mask.any() else None
    for name, sub in spec.items.items():
        if name not in out:
            out[name] = _empty(sub, m)
            masks[name] = np.ones(m, dtype=np.bool_) if m else None
    starts = np.zeros(size + 1, dtype=np.int64)
    if m:
        np.cumsum(np.bincount(owner, minlength=size), out=starts[1:])
    return ItemTable(spec, owner, starts, out, masks, vocab_t)


def _empty(spec: FieldSpec, size: int) -> npt.NDArray[Any]:
    kind = spec.type
    if kind in ("number", "money"):
        return np.zeros(size, dtype=np.float64)
    if kind in ("int", "list"):
        return np.zeros(size, dtype=np.int64)
    if kind == "bool":
        return np.zeros(size, dtype=np.bool_)
    if kind == "set":
        return np.zeros(size, dtype=np.uint64)
    return np.zeros(size, dtype=np.int32)


def snapshot_from_arrays(
    fields: FieldDictionary,
    size: int,
    columns: Mapping[str, npt.NDArray[Any]],
    missing: Mapping[str, npt.NDArray[np.bool_] | None] | None = None,
    vocab: Mapping[str, Sequence[str]] | None = None,
    lists: Mapping[str, ItemTable] | None = None,
) -> Snapshot:
    """Fast path: wrap ready-made arrays (no copy) after checking names, dtypes and lengths.

    Columns absent from ``columns`` are treated as entirely missing by :func:`screen`; a list
    given in ``lists`` gets its count column (and, unless given, no missing mask).
    """
    missing = dict(missing or {})
    vocab_t = {name: tuple(values) for name, values in (vocab or {}).items()}
    out: dict[str, npt.NDArray[Any]] = {}
    tables = dict(lists or {})
    for name, table in tables.items():
        spec = fields.get(name)
        if spec is None or spec.type != "list":
            raise ProfileError(f"列表 {name} 不是字典中的列表字段")
        if table.starts.size != size + 1:
            raise ProfileError(f"列表 {name} 的行数与快照不一致")
        if name not in columns:
            out[name] = np.diff(table.starts)
    for name, array in columns.items():
        spec = fields.get(name)
        if spec is None:
            raise ProfileError(f"快照列 {name} 不在字段字典中")
        if spec.type == "list" and name not in tables:
            raise ProfileError(f"列表字段 {name} 须在 lists 中给出")
        array = _check_column(spec, name, array, size, vocab_t)
        mask = missing.get(name)
        if mask is not None and (mask.dtype != np.bool_ or mask.shape != (size,)):
            raise ProfileError(f"快照列 {name} 的缺失掩码应为长度 {size} 的布尔数组")
        out[name] = array
    for name in missing:
        if name not in out:
            raise ProfileError(f"缺失掩码 {name} 没有对应的列")
    if AWARDS_RECEIVED in out:
        missing[AWARDS_RECEIVED] = None
    return Snapshot(size, out, {n: missing.get(n) for n in out}, vocab_t, fields, tables)


def encode(spec: FieldSpec, values: list[Any]) -> tuple[npt.NDArray[Any], tuple[str, ...] | None]:
    """Encode checked values of one (non-list) field; None stays a zero with the missing mask
    kept by the caller. Returns the array and the vocabulary of coded types."""
    kind = spec.type
    if kind in ("number", "money"):
        return np.array([0.0 if v is None else v for v in values], dtype=np.float64), None
    if kind == "int":
        return np.array([0 if v is None else v for v in values], dtype=np.int64), None
    if kind == "bool":
        return np.array([bool(v) for v in values], dtype=np.bool_), None
    if kind == "date":
        return np.array([0 if v is None else day_number(v) for v in values], dtype=np.int32), None
    if kind in ("enum", "str"):
        codes = list(spec.values) + sorted(
            {str(v) for v in values if v is not None} - set(spec.values)
        )
        index = {c: i for i, c in enumerate(codes)}
        array = np.array([0 if v is None else index[str(v)] for v in values], dtype=np.int32)
        return array, tuple(codes)
    seen: set[str] = set()
    for v in values:
        if v is not None:
            seen |= v
    codes = list(spec.values) + sorted(seen - set(spec.values))
    if len(codes) > 64:
        raise ProfileError(f"集合字段 {spec.name} 的代码超过 64 个")
    bit = {c: 1 << i for i, c in enumerate(codes)}
    array = np.array([0 if v is None else sum(bit[c] for c in v) for v in values], dtype=np.uint64)
    return array, tuple(codes)


def items_from_lists(spec: FieldSpec, size: int, lists: Sequence[Any]) -> ItemTable:
    """An :class:`ItemTable` from per-row lists of checked item dicts (None = not supplied)."""
    assert spec.items is not None
    owner: list[int] = []
    rows: list[Mapping[str, Any]] = []
    for row, items in enumerate(lists):
        for item in items or ():
            owner.append(row)
            rows.append(item)
    columns: dict[str, npt.NDArray[Any]] = {}
    masks: dict[str, npt.NDArray[np.bool_] | None] = {}
    vocab: dict[str, tuple[str, ...]] = {}
    for name, sub in spec.items.items():
        values = [r.get(name) for r in rows]
        array, codes = encode(sub, values)
        columns[name] = array
        if codes is not None:
            vocab[name] = codes
        mask = np.fromiter((v is None for v in values), dtype=np.bool_, count=len(values))
        masks[name] = mask if mask.any() else None
    return item_table(spec, size, np.array(owner, dtype=np.int64), columns, masks, vocab)


def snapshot_from_profiles(
    fields: FieldDictionary,
    profiles: Iterable[Mapping[str, object]],
    names: Iterable[str] | None = None,
) -> Snapshot:
    """Build a snapshot from profile dicts (values checked with the field types).

    ``names`` restricts the columns (default: every dictionary field). Codes of enum/str/set
    columns get their vocabulary from the dictionary's values, then from the data.
    """
    rows = list(profiles)
    size = len(rows)
    wanted = list(names) if names is not None else list(fields)
    columns: dict[str, npt.NDArray[Any]] = {}
    missing: dict[str, npt.NDArray[np.bool_] | None] = {}
    vocab: dict[str, tuple[str, ...]] = {}
    lists: dict[str, ItemTable] = {}
    for name in wanted:
        spec = fields[name]
        values = [coerce(spec, row.get(name)) for row in rows]
        if spec.type == "list" and name == AWARDS_RECEIVED:
            values = [v if v is not None else [] for v in values]
        mask = np.fromiter((v is None for v in values), dtype=np.bool_, count=size)
        missing[name] = mask if mask.any() else None
        if spec.type == "list":
            table = items_from_lists(spec, size, values)
            lists[name] = table
            columns[name] = np.diff(table.starts)
            continue
        array, codes = encode(spec, values)
        columns[name] = array
        if codes is not None:
            vocab[name] = codes
    return Snapshot(size, columns, missing, vocab, fields, lists)
