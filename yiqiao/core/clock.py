"""A simulated clock for writing history: the demo district's years are made by the product's own
services, each called at the moment it happened.

    with simulated_clock(start) as clock:
        clock.set(dt.datetime(2024, 3, 5, 9, 30, tzinfo=...))   # forward only
        event_create(...)              # created_at, audit time, "today" checks: 2024-03-05 09:30
        clock.advance(minutes=5)

Every service reads the time through ``django.utils.timezone.now`` (directly, through
``timezone.localdate()``, or through ``auto_now``/``auto_now_add`` fields), so the clock replaces
that one function for the duration of the block and restores it afterwards. The clock never
moves backwards (an audit trail whose times go back would not be a trail) and never passes the
real time (nothing is recorded in the future). It is for single-threaded generators such as
``yiqiao demo``; a web request must never run inside it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils import timezone


class ClockError(Exception):
    """The simulated clock was asked to go back in time or past the real present."""


class SimulatedClock:
    """The current simulated moment; ``now()`` is what ``timezone.now()`` returns meanwhile."""

    def __init__(self, start: dt.datetime, *, real_now: dt.datetime) -> None:
        if timezone.is_naive(start):
            raise ClockError("simulated time must be timezone-aware")
        if start > real_now:
            raise ClockError(f"simulated start {start:%Y-%m-%d %H:%M} is in the future")
        self._now = start
        self.real_now = real_now

    def now(self) -> dt.datetime:
        return self._now

    def today(self) -> dt.date:
        return timezone.localtime(self._now).date()

    def set(self, moment: dt.datetime) -> dt.datetime:
        """Move to `moment` (forward only, not past the real present); returns it."""
        if moment < self._now:
            raise ClockError(
                f"the clock cannot go back from {self._now:%Y-%m-%d %H:%M} to {moment:%Y-%m-%d %H:%M}"
            )
        if moment > self.real_now:
            raise ClockError(f"{moment:%Y-%m-%d %H:%M} is after the real present")
        self._now = moment
        return moment

    def advance(self, **delta: float) -> dt.datetime:
        """Move forward by a timedelta given as keywords (minutes=5, days=2)."""
        return self.set(self._now + dt.timedelta(**delta))

    def at_day(self, day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
        """The aware moment `hour:minute` local time on `day`."""
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@contextmanager
def simulated_clock(start: dt.datetime) -> Iterator[SimulatedClock]:
    """Run the block with ``timezone.now()`` answering the simulated clock's time."""
    real = timezone.now
    clock = SimulatedClock(start, real_now=real())
    timezone.now = clock.now
    try:
        yield clock
    finally:
        timezone.now = real
