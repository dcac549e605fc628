"""Figures read from the summary rows the domain services keep (issue 18, fast figures).

A tile needs a number, not the records: these read the number from the summary rows of the
user's scope (the rows' own access rule, which mirrors the records'), so a tile costs a few
hundred summary rows instead of a scan of every project and signing. The records behind the
number are still listed from the raw tables, when someone opens or exports them
(``RecordSet(query=…)``); ``yiqiao kpis rebuild --verify`` checks the rows against a recount.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum
from django.db.models.functions import ExtractMonth

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
