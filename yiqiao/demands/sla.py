"""Working-day arithmetic for time limits (pure: no Django import).

Working days are Monday to Friday. Public holidays and the make-up working weekends of the
Chinese calendar are not modelled yet; ``holidays`` lets a caller pass them when it has them.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta


def is_working_day(day: date, holidays: Collection[date] = ()) -> bool:
    """Monday–Friday and not a listed holiday."""
    return day.weekday() < 5 and day not in holidays


def add_working_days(start: date, days: int, holidays: Collection[date] = ()) -> date:
    """The date ``days`` working days after ``start`` (a need raised on Friday with one day to
    accept is due on Monday). ``days == 0`` gives ``start`` itself, or the next working day if
    ``start`` is not one.
    """
    if days < 0:
        raise ValueError("working days must not be negative")
    current = start
    if days == 0:
        while not is_working_day(current, holidays):
            current += timedelta(days=1)
        return current
    remaining = days
    while remaining:
        current += timedelta(days=1)
        if is_working_day(current, holidays):
            remaining -= 1
    return current


def working_days_between(start: date, end: date, holidays: Collection[date] = ()) -> int:
    """Working days after ``start`` up to and including ``end`` (0 if end <= start)."""
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if is_working_day(current, holidays):
            count += 1
    return count
