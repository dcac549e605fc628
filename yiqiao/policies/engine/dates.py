"""Calendar arithmetic on day numbers (days since 1970-01-01), vectorised.

Whole months between two dates count a month once the day of the month is reached again
(1 March → 1 April is one month, 31 January → 28 February is none); a date moved by months
that lands past a month's end falls back to its last day, as :func:`values.add_months` does.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]


def day_parts(days: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    """(year, month 1-12, day 1-31) of each day number, in integer arithmetic (the proleptic
    Gregorian "civil from days" conversion; exact for every date)."""
    z = np.asarray(days, dtype=np.int64) + 719468
    era = np.floor_divide(z, 146097)
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = np.where(mp < 10, mp + 3, mp - 9)
    year = yoe + era * 400 + (month <= 2)
    return year, month, day


def months_between(start: IntArray, end: IntArray) -> IntArray:
    """Whole months from ``start`` to ``end`` (negative when ``end`` is earlier)."""
    start = np.asarray(start, dtype=np.int64)
    end = np.asarray(end, dtype=np.int64)
    sign = np.where(end >= start, 1, -1)
    low = np.minimum(start, end)
    high = np.maximum(start, end)
    ly, lm, ld = day_parts(low)
    hy, hm, hd = day_parts(high)
    whole = (hy * 12 + hm) - (ly * 12 + lm) - (hd < ld).astype(np.int64)
    result: IntArray = sign * whole
    return result


def shift(days: IntArray, years: int = 0, months: int = 0, extra_days: int = 0) -> IntArray:
    """Day numbers moved by whole years and months (clamped to the month's end), then days."""
    days = np.asarray(days, dtype=np.int64)
    total = years * 12 + months
    if total:
        year, month, day = day_parts(days)
        index = year * 12 + (month - 1) + total
        new_year, new_month = np.divmod(index, 12)
        first = _first_of_month(new_year, new_month + 1)
        following = _first_of_month(new_year + (new_month + 1) // 12, (new_month + 1) % 12 + 1)
        length = following - first
        days = first + np.minimum(day, length) - 1
    return days + extra_days


def _first_of_month(year: IntArray, month: IntArray) -> IntArray:
    stamp = ((year - 1970) * 12 + (month - 1)).astype("datetime64[M]")
    result: IntArray = stamp.astype("datetime64[D]").astype(np.int64)
    return result
