"""Figures read from the summary rows the domain services keep (issue 18, fast figures).

A tile needs a number, not the records: these read the number from the summary rows of the
user's scope (the rows' own access rule, which mirrors the records'), so a tile costs a few
hundred summary rows instead of a scan of every project and signing. The records behind the
number are still listed from the raw tables, when someone opens or exports them
(``RecordSet(query=…)``); ``yiqiao kpis rebuild --verify`` checks the rows against a recount.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum
from django.db.models.functions import ExtractMonth

from yiqiao.demands.models import NeedFigure
from yiqiao.projects.models import ProjectFigure, Stage

from .kpis.context import KpiContext


def _project_rows(ctx: KpiContext, measure: str) -> QuerySet[Any]:
    return ctx.in_region(ctx.scoped(ProjectFigure), "target_region").filter(measure=measure)


def first_signings(ctx: KpiContext) -> int:
    """Projects whose first counted signing falls in the period."""
    total = (
        _project_rows(ctx, ProjectFigure.Measure.FIRST)
        .filter(day__gte=ctx.start, day__lte=ctx.end)
        .aggregate(n=Sum("count"))["n"]
    )
    return int(total or 0)


def counted_signings(ctx: KpiContext) -> tuple[int, Decimal]:
    """Counted signings of the period (repeats left out): their number and amount in yuan."""
    totals = (
        _project_rows(ctx, ProjectFigure.Measure.SIGNING)
        .filter(day__gte=ctx.start, day__lte=ctx.end)
        .aggregate(n=Sum("count"), y=Sum("yuan"))
    )
    return int(totals["n"] or 0), Decimal(totals["y"] or 0).quantize(Decimal("0.01"))


def signings_by_month(ctx: KpiContext) -> tuple[list[int], list[Decimal]]:
    """Counted signings of the period by month of the year: number and amount in yuan."""
    count = [0] * 12
    amount = [Decimal(0)] * 12
    rows = (
        _project_rows(ctx, ProjectFigure.Measure.SIGNING)
        .filter(day__gte=ctx.start, day__lte=ctx.end)
        .annotate(month=ExtractMonth("day"))
        .values("month")
        .order_by()
        .annotate(n=Sum("count"), y=Sum("yuan"))
    )
    for row in rows:
        count[row["month"] - 1] += int(row["n"] or 0)
        amount[row["month"] - 1] += Decimal(row["y"] or 0)
    return count, amount


def stalled(ctx: KpiContext, days: int) -> int:
    """Projects neither lost nor producing, in their stage since before ``days`` ago."""
    total = (
        _project_rows(ctx, ProjectFigure.Measure.STAGE)
        .exclude(stage__in=[Stage.LOST, Stage.PRODUCTION])
        .filter(day__lt=ctx.days_before(days))
        .aggregate(n=Sum("count"))["n"]
    )
    return int(total or 0)


def _months(ctx: KpiContext) -> tuple[dt.date, dt.date]:
    return ctx.start.replace(day=1), ctx.as_of.replace(day=1)


def needs_from_rows(ctx: KpiContext) -> bool:
    """The need rows hold needs by the month they were raised in: a period that starts on the
    first of a month (the year to date always does) is read from them."""
    return ctx.start.day == 1


def _need_rows(ctx: KpiContext) -> QuerySet[Any]:
    return ctx.in_region(ctx.scoped(NeedFigure), "region", "park")


def _need_totals(ctx: KpiContext, rows: QuerySet[Any]) -> dict[tuple[str, str], list[int]]:
    """(measure, category) → [count, score] of the figure as of the as-of day: the rows that
    add up every change, minus the changes dated after the as-of day."""
    out: dict[tuple[str, str], list[int]] = {}
    for sign, part in (
        (1, rows.filter(day__isnull=True)),
        (-1, rows.filter(day__isnull=False, day__gt=ctx.as_of)),
    ):
        grouped = (
            part.values("measure", "category").order_by().annotate(n=Sum("count"), s=Sum("score"))
        )
        for r in grouped:
            got = out.setdefault((r["measure"], r["category"]), [0, 0])
            got[0] += sign * int(r["n"] or 0)
            got[1] += sign * int(r["s"] or 0)
    return out


def need_period_counts(ctx: KpiContext) -> dict[str, dict[str, int]]:
    """Per category, the counts of the needs raised in the period (withdrawn ones left out):
    total, resolved, converted, due (time to answer passed or answered), on_time."""
    first, last = _months(ctx)
    rows = (
        _need_rows(ctx)
        .filter(month__gte=first, month__lte=last)
        .exclude(measure__in=[NeedFigure.Measure.OVERDUE, NeedFigure.Measure.FOLLOWUP])
    )
    out: dict[str, dict[str, int]] = {}
    for (measure, category), (n, _s) in _need_totals(ctx, rows).items():
        out.setdefault(category, {})[measure] = n
    return out


def need_overdue(ctx: KpiContext) -> int:
    """Needs overdue on the as-of day, whenever raised."""
    rows = _need_rows(ctx).filter(
        measure=NeedFigure.Measure.OVERDUE, month__lte=ctx.as_of.replace(day=1)
    )
    return sum(n for n, _s in _need_totals(ctx, rows).values())


def need_follow_ups(ctx: KpiContext) -> tuple[int, int]:
    """Follow-up visits of the period: their number and the sum of their satisfaction."""
    first, last = _months(ctx)
    rows = _need_rows(ctx).filter(
        measure=NeedFigure.Measure.FOLLOWUP, month__gte=first, month__lte=last
    )
    totals = _need_totals(ctx, rows).values()
    return sum(n for n, _s in totals), sum(s for _n, s in totals)
