"""The projects' summary rows (ProjectFigure): kept by the services, recounted on demand.

A project contributes to the rows of its target region and owner unit: one ``signing`` row per
counted signing (repeats left out), one ``first`` row on its first counted signing day, one
``stage`` row on the day it entered its current stage. A service that changes projects or
their signings watches them (``Tracker.watch``) before the change and settles after it, in the
same transaction: each watched project's contribution is recounted from its raw rows before
and after, and only the difference is added to the summary rows. So a summary row is never
recomputed by a full scan on a write, and a write that changes nothing counted writes nothing.

``recount()`` adds up every project's contribution from the raw tables (what the rows must
hold); ``rebuild()`` replaces the rows by it; ``differences()`` compares them. Rows written by
bulk operations outside the services (an import of raw rows, a benchmark's bulk build) are put
right by ``yiqiao kpis rebuild``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, cast

from django.db.models import F, Sum

from yiqiao.core.money import to_yuan

from .models import Project, ProjectFigure, Signing

# (target_region_id, owner_unit_id, measure, day, stage, currency)
Key = tuple[int | None, int | None, str, dt.date, str, str]
# [count, amount, yuan]
Totals = dict[Key, list[Any]]

KEY_FIELDS = ("target_region_id", "owner_unit_id", "measure", "day", "stage", "currency")


def _add(totals: Totals, key: Key, count: int, amount: Decimal, yuan: Decimal) -> None:
    row = totals.get(key)
    if row is None:
        totals[key] = [count, amount, yuan]
    else:
        row[0] += count
        row[1] += amount
        row[2] += yuan


CHUNK = 900  # ids per IN (…) query: under SQLite's bound-parameter limit on every version


def contributions(project_ids: Iterable[int] | None = None) -> Totals:
    """What the given projects (every project when None) add to the summary rows, from the raw
    project and signing rows."""
    if project_ids is not None:
        ids = sorted(set(project_ids))
        if len(ids) > CHUNK:
            totals: Totals = {}
            for i in range(0, len(ids), CHUNK):
                for key, (c, a, y) in _contributions(ids[i : i + CHUNK]).items():
                    _add(totals, key, c, a, y)
            return totals
        return _contributions(ids)
    return _contributions(None)


def _contributions(project_ids: list[int] | None) -> Totals:
    projects = Project.objects.all()
    signings = Signing.objects.filter(repeat_of__isnull=True)
    if project_ids is not None:
        if not project_ids:
            return {}
        projects = projects.filter(pk__in=project_ids)
        signings = signings.filter(project_id__in=project_ids)
    places: dict[int, tuple[int | None, int | None]] = {}
    totals: Totals = {}
    zero = Decimal(0)
    for pid, region_id, unit_id, stage, entered in projects.values_list(
        "id", "target_region_id", "owner_unit_id", "stage", "stage_entered_on"
    ).iterator(chunk_size=5000):
        places[pid] = (region_id, unit_id)
        _add(
            totals,
            (region_id, unit_id, ProjectFigure.Measure.STAGE, entered, stage, ""),
            1,
            zero,
            zero,
        )
    first: dict[int, dt.date] = {}
    for pid, day, amount, currency in signings.values_list(
        "project_id", "signed_on", "amount", "currency"
    ).iterator(chunk_size=5000):
        region, unit = places[pid]
        key = (region, unit, ProjectFigure.Measure.SIGNING, day, "", currency)
        _add(totals, key, 1, amount, to_yuan(amount, currency))
        if pid not in first or day < first[pid]:
            first[pid] = day
    for pid, first_day in first.items():
        region, unit = places[pid]
        _add(totals, (region, unit, ProjectFigure.Measure.FIRST, first_day, "", ""), 1, zero, zero)
    return totals


def stored() -> Totals:
    """The summary rows as stored, added up by key (rows of one key written by two concurrent
    transactions count together)."""
    totals: Totals = {}
    rows = (
        ProjectFigure.objects.values(*KEY_FIELDS)
        .order_by()
        .annotate(n=Sum("count"), a=Sum("amount"), y=Sum("yuan"))
    )
    for r in rows:
        key = cast(Key, tuple(r[f] for f in KEY_FIELDS))
        if r["n"] or r["a"] or r["y"]:
            _add(totals, key, r["n"], r["a"], r["y"])
    return totals


def _apply(delta: Totals) -> None:
    for key, (count, amount, yuan) in delta.items():
        if not (count or amount or yuan):
            continue
        match = dict(zip(KEY_FIELDS, key, strict=True))
        updated = ProjectFigure.objects.filter(**match).update(
            count=F("count") + count, amount=F("amount") + amount, yuan=F("yuan") + yuan
        )
        if not updated:
            ProjectFigure.objects.create(**match, count=count, amount=amount, yuan=yuan)


def _minus(after: Totals, before: Totals) -> Totals:
    delta: Totals = {k: list(v) for k, v in after.items()}
    for key, (count, amount, yuan) in before.items():
        _add(delta, key, -count, -amount, -yuan)
    return delta


class Tracker:
    """Watch the projects a service is about to change; ``settle()`` after the change adds the
    difference of their contributions to the summary rows (call both inside the service's
    transaction)."""

    def __init__(self) -> None:
        self.before: Totals = {}
        self.watched: set[int] = set()

    def watch(self, *project_ids: int | None) -> None:
        new = {pid for pid in project_ids if pid is not None and pid not in self.watched}
        if new:
            for key, (count, amount, yuan) in contributions(new).items():
                _add(self.before, key, count, amount, yuan)
            self.watched |= new

    def watch_new(self, project_id: int) -> None:
        """A project created by the service (it contributed nothing before)."""
        self.watched.add(project_id)

    def settle(self) -> None:
        _apply(_minus(contributions(self.watched), self.before))
        self.before, self.watched = {}, set()


def differences(expected: Totals, actual: Totals) -> list[str]:
    """Every key where the stored rows and the recount disagree, said in one line each."""
    out = []
    zero = [0, Decimal(0), Decimal(0)]
    for key in sorted(set(expected) | set(actual), key=repr):
        want, have = expected.get(key, zero), actual.get(key, zero)
        if [want[0], Decimal(want[1]), Decimal(want[2])] != [
            have[0],
            Decimal(have[1]),
            Decimal(have[2]),
        ]:
            region, unit, measure, day, stage, currency = key
            out.append(
                f"projects {measure} region={region} unit={unit} day={day} stage={stage or '-'} "
                f"currency={currency or '-'}: recount {want[0]} / {want[1]} / {want[2]} yuan, "
                f"stored {have[0]} / {have[1]} / {have[2]} yuan"
            )
    return out


def rebuild() -> int:
    """Replace every summary row by the recount; returns the number of rows written."""
    totals = contributions()
    ProjectFigure.objects.all().delete()
    rows = [
        ProjectFigure(**dict(zip(KEY_FIELDS, key, strict=True)), count=c, amount=a, yuan=y)
        for key, (c, a, y) in totals.items()
        if c or a or y
    ]
    ProjectFigure.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def verify() -> list[str]:
    return differences(contributions(), stored())
