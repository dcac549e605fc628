"""Packed integer and float arrays stored in binary columns (screening results).

A screening run of a million enterprises against a thousand policies has over a hundred
million (enterprise, policy) results, most of them 快申快享 ("eligible if data were supplied").
They are stored as groups of organisations (see :class:`~yiqiao.policies.models.ScreeningGroup`)
whose ids are packed here:

- ``pack_ints``: one format byte, then either the first value (int64) and the differences of an
  ascending array in the narrowest unsigned width that holds them (``u1``/``u2``/``u4``/``u8``),
  or, for an array that is not ascending, the values themselves in the narrowest unsigned
  width (int64 if any is negative). A dense ascending set of ids costs about one byte per id.
- ``pack_floats``: float64 values, little-endian.

Everything is little-endian so a blob reads the same on any machine and database.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

_WIDTHS = (("a", "<u1", 0xFF), ("b", "<u2", 0xFFFF), ("c", "<u4", 0xFFFF_FFFF), ("d", "<u8", None))
_RAW = b"r"
_EMPTY = b"e"


def pack_ints(values: npt.ArrayLike) -> bytes:
    """``values`` (integers) as bytes; ascending arrays as differences in the narrowest width."""
    array = np.asarray(values, dtype=np.int64)
    if array.size == 0:
        return _EMPTY
    steps = np.diff(array)
    if steps.size == 0 or int(steps.min()) >= 0:
        largest = int(steps.max()) if steps.size else 0
        for code, dtype, limit in _WIDTHS:
            if limit is None or largest <= limit:
                head = code.encode() + np.asarray([array[0]], dtype="<i8").tobytes()
                return head + steps.astype(dtype).tobytes()
    if int(array.min()) >= 0:
        largest = int(array.max())
        for code, dtype, limit in _WIDTHS:
            if limit is None or largest <= limit:
                return code.upper().encode() + array.astype(dtype).tobytes()
    return _RAW + array.astype("<i8").tobytes()


def unpack_ints(data: Any) -> IntArray:
    """The int64 array :func:`pack_ints` packed (``data``: bytes or memoryview)."""
    raw = bytes(data) if not isinstance(data, bytes) else data
    if not raw or raw[:1] == _EMPTY:
        return np.zeros(0, dtype=np.int64)
    code = raw[:1]
    if code == _RAW:
        return np.frombuffer(raw, dtype="<i8", offset=1).astype(np.int64)
    plain = next((d for c, d, _ in _WIDTHS if c.upper().encode() == code), None)
    if plain is not None:
        return np.frombuffer(raw, dtype=plain, offset=1).astype(np.int64)
    dtype = next(d for c, d, _ in _WIDTHS if c.encode() == code)
    first = int(np.frombuffer(raw, dtype="<i8", count=1, offset=1)[0])
    steps = np.frombuffer(raw, dtype=dtype, offset=9)
    out = np.empty(steps.size + 1, dtype=np.int64)
    out[0] = first
    np.cumsum(steps, dtype=np.int64, out=out[1:])
    out[1:] += first
    return out


def pack_floats(values: npt.ArrayLike) -> bytes:
    """``values`` as little-endian float64 bytes."""
    return np.asarray(values, dtype="<f8").tobytes()


def unpack_floats(data: Any) -> FloatArray:
    """The float64 array :func:`pack_floats` packed."""
    raw = bytes(data) if not isinstance(data, bytes) else data
    return np.frombuffer(raw, dtype="<f8").astype(np.float64)
