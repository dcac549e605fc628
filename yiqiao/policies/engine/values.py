"""Parsing of authored numbers (万/亿/%) and dates, half-up rounding, calendar arithmetic and
Chinese formatting of values."""

from __future__ import annotations

import math
import re
from datetime import date, datetime

import numpy as np
import numpy.typing as npt

_NUMBER = re.compile(
    r"^\s*(?P<num>[-+]?(?:\d[\d_,]*)?(?:\.\d+)?(?:[eE][-+]?\d+)?)\s*"
    r"(?P<suffix>万亿|亿|万|%)?\s*(?:元)?\s*$"
)
_SCALE = {None: 1.0, "万": 1e4, "亿": 1e8, "万亿": 1e12, "%": 0.01}
_DATE = re.compile(
    r"^\s*(?P<y>\d{4})\s*(?:[-/.年]\s*(?P<m>\d{1,2})\s*(?:[-/.月]\s*(?P<d>\d{1,2})\s*日?)?\s*月?"
    r"|(?P<y8>\d{4})(?P<m8>\d{2})(?P<d8>\d{2}))\s*$"
)


def parse_number(raw: object) -> float | None:
    """Read an authored number: ``2000000``, ``2e6``, ``'200万'``, ``'1.5亿元'``, ``'10%'``.

    Returns None when ``raw`` is not a number (booleans are not numbers).
    """
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        return float(raw)
    if not isinstance(raw, str):
        return None
    match = _NUMBER.match(raw)
    if match is None or not any(ch.isdigit() for ch in match.group("num")):
        return None
    try:
        value = float(match.group("num").replace("_", "").replace(",", ""))
    except ValueError:
        return None
    return value * _SCALE[match.group("suffix")]


def parse_date(raw: object) -> date | None:
    """Read a date written ``2024-03-01``, ``2024-3-1``, ``2024/3/1``, ``2024.3.1``,
    ``2024年3月1日`` or ``20240301`` (a ``date`` passes through). None when it is not a whole,
    valid calendar date (a month alone, ``2024-13-01``, ``03/01/2024``...)."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if not isinstance(raw, str):
        return None
    match = _DATE.match(raw)
    if match is None:
        return None
    if match.group("y8"):
        y, m, d = match.group("y8"), match.group("m8"), match.group("d8")
    else:
        y, m, d = match.group("y"), match.group("m"), match.group("d")
        if m is None or d is None:
            return None
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        return None


def round_half_up(value: float, digits: int = 0) -> float:
    """四舍五入 (half away from zero) to ``digits`` decimals, ignoring binary noise below 1e-9
    of a unit (150000.5 → 150001, 0.125 at 2 digits → 0.13)."""
    return float(round_half_up_array(np.array([value], dtype=np.float64), digits)[0])


def round_half_up_array(
    values: npt.NDArray[np.float64], digits: int = 0
) -> npt.NDArray[np.float64]:
    """Vectorised :func:`round_half_up` (the one implementation both paths use)."""
    scaled = values if digits == 0 else values * 10.0**digits
    # 1e-6 of a unit absorbs the binary noise of decimal inputs (150000.4999999999 is 150000.5);
    # amounts in yuan carry at most fen, so no real value sits that close below a half
    if scaled.size == 0 or float(scaled.min()) >= 0.0:
        rounded: npt.NDArray[np.float64] = np.floor(scaled + (0.5 + 1e-6))
    else:
        rounded = np.sign(scaled) * np.floor(np.abs(scaled) + (0.5 + 1e-6))
    if digits:
        rounded = rounded / 10.0**digits
    return rounded + 0.0  # no negative zero


def _trim(value: float, digits: int) -> str:
    text = f"{value:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def format_money(value: float) -> str:
    """Format yuan the way bureau staff write it, exact to the fen: ``500万元``, ``1.5亿元``,
    ``300.001万元``, ``1999.9999万元``, ``8000元``, ``0.5元``."""
    if not math.isfinite(value):
        return str(value)
    cents = round(value * 100)
    magnitude = abs(cents)
    if magnitude >= 1e10:
        return f"{_trim(cents / 1e10, 10)}亿元"
    if magnitude >= 1e6:
        return f"{_trim(cents / 1e6, 6)}万元"
    return f"{_trim(cents / 100, 2)}元"


def format_number(value: float, unit: str = "") -> str:
    """Format a plain quantity with its unit; ``unit == '元'`` formats as money, ``%`` as percent."""
    if unit == "元":
        return format_money(value)
    if unit == "%":
        return f"{_trim(value * 100, 4)}%"
    return f"{_trim(value, 4)}{unit}"


def format_date(value: date) -> str:
    """Format a date as ``2025年3月1日``."""
    return f"{value.year}年{value.month}月{value.day}日"


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole ``months`` (negative: back); a day past the month's end becomes the
    month's last day (31 March − 1 month = 28/29 February)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = _month_length(year, month + 1)
    return date(year, month + 1, min(day.day, last))


def _month_length(year: int, month: int) -> int:
    if month == 12:
        return 31
    return (date(year, month + 1, 1) - date(year, month, 1)).days


def years_before(on: date, years: float) -> date:
    """The date ``years`` before ``on``; a fraction counts in whole months (0.5 → 6 months).

    Raises ValueError when ``years × 12`` is not a whole number of months.
    """
    months = years * 12
    if abs(months - round(months)) > 1e-9:
        raise ValueError(f"{years} 年不是整月数")
    return add_months(on, -round(months))
