"""The needs' summary rows (NeedFigure): kept by the demand services, recounted on demand.

A need's cockpit figures (dashboard/kpis/demands.py) are functions of the as-of day D: raised by
D, withdrawn by D (closed without an answer), resolved, converted, answered by D, its time to
answer passed by D, overdue on D. Each is a step function of D that changes only on the days
the need's dates say (raised, accepted, answered, resolved, converted, closed, the day after a
time limit). ``contribution()`` evaluates the same conditions the figures' definitions state on
each of those days and writes the steps: one row per change (dated) and one undated row with
their sum. A figure as of D over needs raised from the first of a month is the undated rows of
those months minus the dated rows after D.

The services change a need and settle its contribution in the same transaction
(``Tracker``): the contribution before and after, from the need's own fields, and only the
difference is added. ``recount()`` adds up every need from the raw tables; ``rebuild()``
replaces the rows by it; ``verify()`` names every difference.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any, cast

from django.db.models import F, Sum
from django.utils import timezone

from .models import Demand, FollowUp, NeedFigure

M = NeedFigure.Measure
# (region_id, park_id, unit_id, category, measure, month, day)
Key = tuple[int | None, int | None, int | None, str, str, dt.date, dt.date | None]
# [count, score]
Totals = dict[Key, list[int]]
KEY_FIELDS = ("region_id", "park_id", "unit_id", "category", "measure", "month", "day")
CHUNK = 900
ONE_DAY = dt.timedelta(days=1)


def _add(totals: Totals, key: Key, count: int, score: int = 0) -> None:
    row = totals.get(key)
    if row is None:
        totals[key] = [count, score]
    else:
        row[0] += count
        row[1] += score


def _day(moment: dt.datetime | None) -> dt.date | None:
    """The local day of a timestamp (the figures compare timestamps with the end of a local day)."""
    return None if moment is None else timezone.localtime(moment).date()


def _by(day: dt.date | None, d: dt.date) -> bool:
    return day is not None and day <= d


def _measures(demand: Any) -> dict[str, Callable[[dt.date], bool]]:
    """Each measure as a condition on the as-of day D, as the figures' definitions state it."""
    raised = _day(demand.created_at)
    accepted = _day(demand.accepted_at)
    responded = _day(demand.responded_at)
    resolved = _day(demand.resolved_at)
    converted = _day(demand.converted_at)
    closed = _day(demand.closed_at)
    accept_due, respond_due = demand.accept_due, demand.respond_due

    def withdrawn(d: dt.date) -> bool:  # closed without an answer by D
        return _by(closed, d) and not _by(responded, d)

    def total(d: dt.date) -> bool:
        return _by(raised, d) and not withdrawn(d)

    def due(d: dt.date) -> bool:
        return total(d) and ((respond_due is not None and respond_due < d) or _by(responded, d))

    def on_time(d: dt.date) -> bool:
        return (
            due(d)
            and _by(responded, d)
            and respond_due is not None
            and responded is not None
            and responded <= respond_due
        )

    def overdue(d: dt.date) -> bool:
        if not _by(raised, d) or _by(closed, d):
            return False
        waiting_accept = not _by(accepted, d) and accept_due is not None and accept_due < d
        waiting_answer = not _by(responded, d) and respond_due is not None and respond_due < d
        return waiting_accept or waiting_answer

    return {
        M.TOTAL: total,
        M.RESOLVED: lambda d: total(d) and _by(resolved, d),
        M.CONVERTED: lambda d: total(d) and _by(converted, d),
        M.DUE: due,
        M.ON_TIME: on_time,
        M.OVERDUE: overdue,
    }


def _place(demand: Any, places: dict[int, tuple[int | None, int | None]]) -> tuple[Any, ...]:
    region, park = places.get(demand.organisation_id, (None, None))
    return region, park, demand.unit_id


def contribution(demand: Any, places: dict[int, tuple[int | None, int | None]]) -> Totals:
    """What one need adds to the rows (its follow-ups apart): the steps of each measure."""
    raised = _day(demand.created_at)
    if raised is None:
        return {}
    month = raised.replace(day=1)
    days = {raised}
    for moment in (
        demand.accepted_at,
        demand.responded_at,
        demand.resolved_at,
        demand.converted_at,
        demand.closed_at,
    ):
        day = _day(moment)
        if day is not None:
            days.add(max(day, raised))
    for due in (demand.accept_due, demand.respond_due):
        if due is not None:
            days.add(max(due + ONE_DAY, raised))
    ordered = sorted(days)
    region, park, unit = _place(demand, places)
    totals: Totals = {}
    for measure, holds in _measures(demand).items():
        before = 0
        for day in ordered:
            now = int(holds(day))
            if now != before:
                _add(
                    totals, (region, park, unit, demand.category, measure, month, day), now - before
                )
                before = now
        if before:
            _add(totals, (region, park, unit, demand.category, measure, month, None), before)
    return totals


def follow_up_contribution(
    on: dt.date, satisfaction: int, demand: Any, places: dict[int, tuple[int | None, int | None]]
) -> Totals:
    region, park, unit = _place(demand, places)
    month = on.replace(day=1)
    totals: Totals = {}
    for day in (on, None):
        _add(totals, (region, park, unit, demand.category, M.FOLLOWUP, month, day), 1, satisfaction)
    return totals


def _places(organisation_ids: Iterable[int]) -> dict[int, tuple[int | None, int | None]]:
    from yiqiao.registry.models import Organisation

    ids = sorted(set(organisation_ids))
    out: dict[int, tuple[int | None, int | None]] = {}
    for i in range(0, len(ids), CHUNK):
        for pk, region, park in Organisation.objects.filter(pk__in=ids[i : i + CHUNK]).values_list(
            "pk", "region_id", "park_id"
        ):
            out[pk] = (region, park)
    return out


FIELDS = (
    "id",
    "organisation_id",
    "unit_id",
    "category",
    "created_at",
    "accepted_at",
    "responded_at",
    "resolved_at",
    "converted_at",
    "closed_at",
    "accept_due",
    "respond_due",
)


def recount() -> Totals:
    """Every need's and follow-up's contribution, from the raw tables."""
    from yiqiao.registry.models import Organisation

    places: dict[int, tuple[int | None, int | None]] = {
        pk: (region, park)
        for pk, region, park in Organisation.objects.values_list("pk", "region_id", "park_id")
    }
    totals: Totals = {}
    for demand in Demand.objects.only(*FIELDS).order_by().iterator(chunk_size=5000):
        for key, (c, s) in contribution(demand, places).items():
            _add(totals, key, c, s)
    visits = FollowUp.objects.select_related("demand").only(
        "on", "satisfaction", *(f"demand__{f}" for f in ("organisation_id", "unit_id", "category"))
    )
    for visit in visits.order_by().iterator(chunk_size=5000):
        for key, (c, s) in follow_up_contribution(
            visit.on, visit.satisfaction, visit.demand, places
        ).items():
            _add(totals, key, c, s)
    return totals


def stored() -> Totals:
    totals: Totals = {}
    rows = (
        NeedFigure.objects.values(*KEY_FIELDS).order_by().annotate(n=Sum("count"), s=Sum("score"))
    )
    for r in rows:
        if r["n"] or r["s"]:
            _add(totals, cast(Key, tuple(r[f] for f in KEY_FIELDS)), r["n"], r["s"])
    return totals


def _apply(delta: Totals) -> None:
    for key, (count, score) in delta.items():
        if not (count or score):
            continue
        match = dict(zip(KEY_FIELDS, key, strict=True))
        updated = NeedFigure.objects.filter(**match).update(
            count=F("count") + count, score=F("score") + score
        )
        if not updated:
            NeedFigure.objects.create(**match, count=count, score=score)


class Tracker:
    """Call ``before(demand)`` before a service changes a need and ``after(demand)`` after it,
    inside the service's transaction: the difference of its contribution is added to the rows."""

    def __init__(self) -> None:
        self.was: Totals = {}

    def before(self, demand: Any) -> None:
        self.was = contribution(demand, _places([demand.organisation_id]))

    def after(self, demand: Any) -> None:
        delta = contribution(demand, _places([demand.organisation_id]))
        for key, (count, score) in self.was.items():
            _add(delta, key, -count, -score)
        _apply(delta)
        self.was = {}


def need_added(demand: Any) -> None:
    """A need the service has just created (it contributed nothing before)."""
    _apply(contribution(demand, _places([demand.organisation_id])))


def follow_up_added(follow_up: Any, demand: Any) -> None:
    _apply(
        follow_up_contribution(
            follow_up.on, follow_up.satisfaction, demand, _places([demand.organisation_id])
        )
    )


def differences(expected: Totals, actual: Totals) -> list[str]:
    out = []
    for key in sorted(set(expected) | set(actual), key=repr):
        want, have = expected.get(key, [0, 0]), actual.get(key, [0, 0])
        if list(want) != list(have):
            region, park, unit, category, measure, month, day = key
            out.append(
                f"needs {measure} region={region} park={park} unit={unit} category={category} "
                f"month={month:%Y-%m} day={day or '-'}: recount {want[0]} / {want[1]}, "
                f"stored {have[0]} / {have[1]}"
            )
    return out


def rebuild() -> int:
    totals = recount()
    NeedFigure.objects.all().delete()
    rows = [
        NeedFigure(**dict(zip(KEY_FIELDS, key, strict=True)), count=c, score=s)
        for key, (c, s) in totals.items()
        if c or s
    ]
    NeedFigure.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def verify() -> list[str]:
    return differences(recount(), stored())
