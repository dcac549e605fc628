"""Columnar snapshots of the register for batch screening (numpy arrays + missing masks).

Encodings by field type: number/money → float64; int → int64 (int32 accepted); bool → bool;
date → int32 days since 1970-01-01 (datetime64[D] accepted); enum/str → int32 codes into
``vocab[name]``; set → uint64 bit masks, bit ``i`` meaning ``vocab[name][i]`` (≤ 64 codes).
A missing mask is a bool array (True = missing) or None when nothing is missing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from .errors import ProfileError
from .fields import FieldDictionary
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
}


@dataclass(frozen=True)
class Snapshot:
    """The register as columns; row ``i`` is enterprise index ``i``."""

    size: int
    columns: Mapping[str, npt.NDArray[Any]]
    missing: Mapping[str, npt.NDArray[np.bool_] | None]
    vocab: Mapping[str, tuple[str, ...]]
    fields: FieldDictionary

    def has(self, name: str) -> bool:
        """True when the snapshot carries column ``name``."""
        return name in self.columns


def day_number(value: date) -> int:
    """Days since 1970-01-01 (the date encoding of snapshots)."""
    return (value - EPOCH).days


def snapshot_from_arrays(
    fields: FieldDictionary,
    size: int,
    columns: Mapping[str, npt.NDArray[Any]],
    missing: Mapping[str, npt.NDArray[np.bool_] | None] | None = None,
    vocab: Mapping[str, Sequence[str]] | None = None,
) -> Snapshot:
    """Fast path: wrap ready-made arrays (no copy) after checking names, dtypes and lengths.

    Columns absent from ``columns`` are treated as entirely missing by :func:`screen`.
    """
    missing = dict(missing or {})
    vocab_t = {name: tuple(values) for name, values in (vocab or {}).items()}
    out: dict[str, npt.NDArray[Any]] = {}
    for name, array in columns.items():
        spec = fields.get(name)
        if spec is None:
            raise ProfileError(f"快照列 {name} 不在字段字典中")
        if spec.type == "date" and array.dtype.kind == "M":
            array = array.astype("datetime64[D]").view(np.int64)
        if array.dtype.type not in _DTYPES[spec.type]:
            raise ProfileError(
                f"快照列 {name}（{spec.type}）的类型应为 {_DTYPES[spec.type][0].__name__}，实为 {array.dtype}"
            )
        if array.shape != (size,):
            raise ProfileError(f"快照列 {name} 的长度为 {array.shape}，应为 ({size},)")
        if spec.type in ("enum", "str", "set") and name not in vocab_t:
            raise ProfileError(f"快照列 {name} 缺少代码表 vocab")
        if spec.type == "set" and len(vocab_t[name]) > 64:
            raise ProfileError(f"集合字段 {name} 的代码超过 64 个")
        mask = missing.get(name)
        if mask is not None and (mask.dtype != np.bool_ or mask.shape != (size,)):
            raise ProfileError(f"快照列 {name} 的缺失掩码应为长度 {size} 的布尔数组")
        out[name] = array
    for name in missing:
        if name not in out:
            raise ProfileError(f"缺失掩码 {name} 没有对应的列")
    return Snapshot(size, out, {n: missing.get(n) for n in out}, vocab_t, fields)


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
    for name in wanted:
        spec = fields[name]
        values = [coerce(spec, row.get(name)) for row in rows]
        mask = np.fromiter((v is None for v in values), dtype=np.bool_, count=size)
        missing[name] = mask if mask.any() else None
        kind = spec.type
        if kind in ("number", "money"):
            columns[name] = np.array([0.0 if v is None else v for v in values], dtype=np.float64)
        elif kind == "int":
            columns[name] = np.array([0 if v is None else v for v in values], dtype=np.int64)
        elif kind == "bool":
            columns[name] = np.array([bool(v) for v in values], dtype=np.bool_)
        elif kind == "date":
            columns[name] = np.array(
                [
                    0 if v is None else day_number(v)
                    for v in values
                    if v is None or isinstance(v, date)
                ],
                dtype=np.int32,
            )
        elif kind in ("enum", "str"):
            codes = list(spec.values) + sorted(
                {str(v) for v in values if v is not None} - set(spec.values)
            )
            index = {c: i for i, c in enumerate(codes)}
            vocab[name] = tuple(codes)
            columns[name] = np.array(
                [0 if v is None else index[str(v)] for v in values], dtype=np.int32
            )
        else:
            seen: set[str] = set()
            sets = [v if isinstance(v, frozenset) else None for v in values]
            for v in sets:
                if v is not None:
                    seen |= v
            codes = list(spec.values) + sorted(seen - set(spec.values))
            if len(codes) > 64:
                raise ProfileError(f"集合字段 {name} 的代码超过 64 个")
            bit = {c: 1 << i for i, c in enumerate(codes)}
            vocab[name] = tuple(codes)
            columns[name] = np.array(
                [0 if v is None else sum(bit[c] for c in v) for v in sets],
                dtype=np.uint64,
            )
    return Snapshot(size, columns, missing, vocab, fields)
