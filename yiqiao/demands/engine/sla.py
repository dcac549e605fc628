"""Working-day arithmetic for time limits (pure: no Django import).

Working days are Monday to Friday. Public holidays and the make-up working weekends of the
Chinese calendar are not modelled yet; ``holidays`` lets a caller pass them when it has them.
"""

from __future__ import annotations

import math
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


# The share of a time limit, at its end, during which a need counts as due soon (即将到期).
DUE_SOON_SHARE = 0.2


def due_soon_from(start: date, due: date, holidays: Collection[date] = ()) -> date:
    """The first day a need raised on ``start`` with limit ``due`` counts as due soon.

    The warning covers the last fifth of the limit's working days, at least the due day itself:
    a one-day limit warns on its due day only, five days on the last day, ten days on the last
    two. A need is never due soon on the day it was raised unless its limit ends that day.
    """
    limit = working_days_between(start, due, holidays)
    window = max(1, math.ceil(round(limit * DUE_SOON_SHARE, 6)))
    current = due
    remaining = window - 1
    while remaining > 0 and current > start:
        current -= timedelta(days=1)
        if is_working_day(current, holidays):
            remaining -= 1
    return max(current, start) if limit else due
