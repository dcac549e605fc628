"""The shape of a figure that can be recomputed: a value with the records it counts (issue 18).

A sum or count lists the records it adds up (``records``); a rate lists its ``numerator`` and
``denominator`` records instead. ``yiqiao kpis --json`` prints ``Kpi.as_json()`` one line per
figure, the cockpit shows the value and opens the records. Domain apps compute their figures
(``capital/kpis.py``, ``dashboard/kpis/``) and return this value; core knows no domain.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any


class RecordSet:
    """The records behind a figure: a model label (``app_label.Model``) and primary keys.

    The ids are given, or fetched on first use by ``query`` (a callable) or ``qs`` (a queryset
    of the ids in order): a cockpit tile needs the count, not fifty thousand ids, so a figure
    that knows its count passes ``count`` and its records are listed only when someone opens
    them (one page of ``qs`` at a time) or exports them.
    """

    __slots__ = ("_count", "_ids", "_qs", "_query", "model")

    def __init__(
        self,
        model: str,
        ids: Iterable[int] | None = None,
        *,
        query: Callable[[], Iterable[int]] | None = None,
        qs: Any = None,
        count: int | None = None,
    ) -> None:
        if sum(x is not None for x in (ids, query, qs)) != 1:
            raise ValueError("a RecordSet takes ids, a query or a queryset: exactly one")
        self.model = model
        self._ids: tuple[int, ...] | None = None if ids is None else tuple(ids)
        self._query = query
        self._qs = qs
        self._count = count

    @property
    def ids(self) -> tuple[int, ...]:
        if self._ids is None:
            if self._qs is not None:
                self._ids = tuple(self._qs)
            else:
                assert self._query is not None
                self._ids = tuple(self._query())
        return self._ids

    @property
    def count(self) -> int:
        """How many records, without fetching their ids when the figure knows it (or a
        COUNT query can say it)."""
        if self._ids is not None:
            return len(self._ids)
        if self._count is None:
            self._count = self._qs.count() if self._qs is not None else len(self.ids)
        return self._count

    def page(self, start: int, stop: int) -> list[int]:
        """The ids [start, stop) in order; a LIMIT/OFFSET query when they are not fetched."""
        if self._ids is None and self._qs is not None:
            return list(self._qs[start:stop])
        return list(self.ids[start:stop])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RecordSet):
            return NotImplemented
        return self.model == other.model and self.ids == other.ids

    def __hash__(self) -> int:
        return hash((self.model, self.ids))

    def __repr__(self) -> str:
        shown = "…" if self._ids is None else f"{len(self._ids)} ids"
        return f"RecordSet({self.model!r}, {shown})"

    def as_json(self) -> dict[str, Any]:
        return {"model": self.model, "ids": list(self.ids)}


@dataclass(frozen=True)
class Kpi:
    """One figure. ``value`` is None when it cannot be computed; ``why_empty`` then says why.

    ``target`` (optional) is the yearly target the value is measured against; ``note`` says
    what the value leaves out (records without evidence, a repeat signing counted once) and
    ``excluded`` names those records, so a reader can check what was left out and why.
    """

    key: str
    label: str
    value: Decimal | float | int | None
    unit: str
    period: str
    definition: str
    records: RecordSet | None = None
    numerator: RecordSet | None = None
    denominator: RecordSet | None = None
    why_empty: str = ""
    target: Decimal | None = None
    note: str = ""
    excluded: RecordSet | None = None

    @property
    def is_rate(self) -> bool:
        return self.numerator is not None and self.denominator is not None

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "key": self.key,
            "label": self.label,
            "value": None if self.value is None else _number(self.value),
            "unit": self.unit,
            "period": self.period,
            "definition": self.definition,
        }
        if self.records is not None:
            out["records"] = self.records.as_json()
        if self.numerator is not None and self.denominator is not None:
            out["numerator"] = self.numerator.as_json()
            out["denominator"] = self.denominator.as_json()
        if self.target is not None:
            out["target"] = _number(self.target)
        if self.why_empty:
            out["why_empty"] = self.why_empty
        if self.note:
            out["note"] = self.note
        # Fetched whether or not there are any, so the work does not depend on the data.
        if self.excluded is not None and self.excluded.ids:
            out["excluded"] = self.excluded.as_json()
        return out


def _number(value: Decimal | float | int) -> float | int:
    if isinstance(value, int):
        return value
    return float(value)
