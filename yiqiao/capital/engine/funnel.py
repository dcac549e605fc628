"""The roadshow funnel: pitches → feedback → meetings → term sheets → closes, by investor.

The unit is a pitch invitation: one investor invited to one company's pitch. For each one:

- ``pitched``: the invitation itself (the pitch took place);
- ``feedback``: the investor gave feedback on it (``on_time`` when within the time limit);
- ``meeting``: a follow-up meeting between the investor and the company on or after the pitch;
- ``term_sheet``: a term sheet from the investor for the company's round after the pitch;
- ``close``: the investor took part in a close of that round after the pitch.

Each step counts what was recorded (a close recorded without a meeting still counts as a
close), and lists the invitation keys it counts so every figure drills to its records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

STEPS: tuple[str, ...] = ("pitched", "feedback", "meeting", "term_sheet", "close")
STEP_LABELS = {
    "pitched": "路演推介",
    "feedback": "投资人反馈",
    "meeting": "后续约见",
    "term_sheet": "投资条款书",
    "close": "完成交割",
}


@dataclass(frozen=True, slots=True)
class PairFacts:
    """One invitation (investor × pitch) and what followed it."""

    key: int
    investor_key: int
    investor_name: str
    pitched_on: dt.date
    feedback_on: dt.date | None
    feedback_due_on: dt.date
    has_meeting: bool
    has_term_sheet: bool
    has_close: bool


@dataclass(frozen=True, slots=True)
class FunnelRow:
    """Counts per step (with the invitation keys) for one investor or for all."""

    label: str
    investor_key: int | None
    steps: dict[str, tuple[int, ...]]
    on_time: tuple[int, ...]

    def count(self, step: str) -> int:
        return len(self.steps[step])

    @property
    def counts(self) -> list[int]:
        return [len(self.steps[s]) for s in STEPS]

    @property
    def cells(self) -> list[tuple[str, int]]:
        """(step, count) in funnel order."""
        return [(s, len(self.steps[s])) for s in STEPS]

    @property
    def feedback_rate(self) -> float | None:
        pitched = len(self.steps["pitched"])
        return len(self.steps["feedback"]) / pitched if pitched else None


@dataclass(frozen=True, slots=True)
class Funnel:
    total: FunnelRow
    by_investor: tuple[FunnelRow, ...]


def _row(label: str, investor_key: int | None, pairs: list[PairFacts]) -> FunnelRow:
    return FunnelRow(
        label=label,
        investor_key=investor_key,
        steps={
            "pitched": tuple(p.key for p in pairs),
            "feedback": tuple(p.key for p in pairs if p.feedback_on is not None),
            "meeting": tuple(p.key for p in pairs if p.has_meeting),
            "term_sheet": tuple(p.key for p in pairs if p.has_term_sheet),
            "close": tuple(p.key for p in pairs if p.has_close),
        },
        on_time=tuple(
            p.key for p in pairs if p.feedback_on is not None and p.feedback_on <= p.feedback_due_on
        ),
    )


def funnel(
    pairs: Iterable[PairFacts], *, start: dt.date | None = None, end: dt.date | None = None
) -> Funnel:
    """The funnel of the invitations whose pitch falls in [start, end] (all when not given).

    Investors are ordered by closes, term sheets, meetings, feedback (most first), then name.
    """
    chosen = [
        p
        for p in pairs
        if (start is None or p.pitched_on >= start) and (end is None or p.pitched_on <= end)
    ]
    groups: dict[int, list[PairFacts]] = {}
    for p in chosen:
        groups.setdefault(p.investor_key, []).append(p)
    rows = [_row(g[0].investor_name, k, g) for k, g in groups.items()]
    rows.sort(key=lambda r: ([-c for c in reversed(r.counts)], r.label))
    return Funnel(total=_row("合计", None, chosen), by_investor=tuple(rows))
