"""The cockpit's JSON API: the figures (with their records) and the series of its charts.

Scoped like the pages: a signed-in staff user's figures count only what they may see.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from yiqiao.core.scope import user_scope

from . import charts, queries

router = Router(tags=["领导驾驶舱"])


class RecordSetOut(Schema):
    model: str
    ids: list[int]


class KpiOut(Schema):
    key: str
    label: str
    value: float | None
    unit: str
    period: str
    definition: str
    records: RecordSetOut | None = None
    numerator: RecordSetOut | None = None
    denominator: RecordSetOut | None = None
    excluded: RecordSetOut | None = None
    target: float | None = None
    why_empty: str | None = None
    note: str | None = None


class SeriesOut(Schema):
    name: str
    data: list[float]


class ChartOut(Schema):
    key: str
    title: str
    labels: list[str]
    series: list[SeriesOut]
    ids: list[int] | None = None


def _context(request: HttpRequest, as_of: str | None, region: str | None) -> Any:
    scope = user_scope(request.user)
    if not (scope.everything or scope.is_staff_role):
        raise HttpError(403, "驾驶舱仅向区、园区工作人员开放")
    try:
        day = queries.parse_as_of(as_of)
    except ValidationError as exc:
        raise HttpError(422, "；".join(exc.messages)) from exc
    try:
        place = queries.resolve_region(request.user, region)
    except Http404 as exc:
        raise HttpError(404, "没有这个区域，或不在您的范围内") from exc
    return queries.context_for(request.user, as_of=day, region=place)


@router.get("/kpis", response=list[KpiOut], summary="驾驶舱指标（含计入的记录）")
def kpi_list(
    request: HttpRequest, as_of: str | None = None, region: str | None = None
) -> list[dict[str, Any]]:
    ctx = _context(request, as_of, region)
    return [tile.kpi.as_json() for _g, _l, tiles in queries.cockpit(ctx) for tile in tiles]


@router.get("/kpis/{key}", response=KpiOut, summary="驾驶舱单项指标（含计入的记录）")
def kpi_one(
    request: HttpRequest, key: str, as_of: str | None = None, region: str | None = None
) -> dict[str, Any]:
    ctx = _context(request, as_of, region)
    try:
        _spec, kpi = queries.kpi_get(ctx, key)
    except Http404 as exc:
        raise HttpError(404, "没有这个指标") from exc
    return kpi.as_json()


@router.get("/charts/{key}", response=ChartOut, summary="驾驶舱图表数据")
def chart(
    request: HttpRequest, key: str, as_of: str | None = None, region: str | None = None
) -> dict[str, Any]:
    found = charts.CHARTS.get(key)
    if found is None:
        raise HttpError(404, "没有这个图表")
    ctx = _context(request, as_of, region)
    title, compute = found
    data = compute(ctx)
    return {"key": key, "title": str(title), **data}
