"""The order of happenings: a queue of (moment, callback) run under the simulated clock.

A story (a project, a need, an event) schedules its next step when it takes one, so the whole
district's life interleaves in time as it would have happened; callbacks at the same moment run
in the order they were scheduled, which keeps a run deterministic.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Callable

from yiqiao.core.clock import SimulatedClock


class Timeline:
    def __init__(self, clock: SimulatedClock, *, end: dt.datetime) -> None:
        self.clock = clock
        self.end = end
        self._queue: list[tuple[dt.datetime, int, Callable[[], None]]] = []
        self._seq = 0
        self.steps = 0

    def at(self, moment: dt.datetime, action: Callable[[], None]) -> bool:
        """Schedule `action` at `moment`; False (nothing scheduled) when it is after the end."""
        if moment > self.end:
            return False
        moment = max(moment, self.clock.now())
        self._seq += 1
        heapq.heappush(self._queue, (moment, self._seq, action))
        return True

    def run(self) -> None:
        while self._queue:
            moment, _seq, action = heapq.heappop(self._queue)
            if moment > self.clock.now():
                self.clock.set(moment)
            action()
            self.steps += 1
