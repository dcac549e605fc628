"""Parsing of authored numbers (万/亿/%) and Chinese formatting of values."""

from __future__ import annotations

import math
import re
from datetime import date

_NUMBER = re.compile(
    r"^\s*(?P<num>[-+]?(?:\d[\d_,]*)?(?:\.\d+)?(?:[eE][-+]?\d+)?)\s*"
    r"(?P<suffix>万亿|亿|万|%)?\s*(?:元)?\s*$"
)
_SCALE = {None: 1.0, "万": 1e4, "亿": 1e8, "万亿": 1e12, "%": 0.01}


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


def _trim(value: float, digits: int) -> str:
    text = f"{value:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def format_money(value: float) -> str:
    """Format yuan the way bureau staff write it: ``500万元``, ``1.5亿元``, ``8000元``."""
    if not math.isfinite(value):
        return str(value)
    magnitude = abs(value)
    if magnitude >= 1e8:
        return f"{_trim(value / 1e8, 4)}亿元"
    if magnitude >= 1e4:
        return f"{_trim(value / 1e4, 2)}万元"
    return f"{_trim(value, 2)}元"


def format_number(value: float, unit: str = "") -> str:
    """Format a plain quantity with its unit; ``unit == '元'`` formats as money, ``%`` as percent."""
    if unit == "元":
        return format_money(value)
    if unit == "%":
        return f"{_trim(value * 100, 2)}%"
    return f"{_trim(value, 2)}{unit}"


def format_date(value: date) -> str:
    """Format a date as ``2025年3月1日``."""
    return f"{value.year}年{value.month}月{value.day}日"


def years_before(on: date, years: float) -> date:
    """The date ``years`` whole years before ``on`` (29 February falls back to 28 February)."""
    whole = int(years)
    try:
        return on.replace(year=on.year - whole)
    except ValueError:
        return on.replace(year=on.year - whole, day=28)
