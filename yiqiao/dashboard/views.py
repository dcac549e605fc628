"""The cockpit pages: tiles, the records behind a tile (and their .xlsx), the definitions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from yiqiao.core.scope import user_scope
from yiqiao.core.tabular import write_xlsx
from yiqiao.core.templatetags.yiqiao import CURRENCY_NAMES
from yiqiao.registry import queries as registry_queries
from yiqiao.registry import views as registry_views

from . import home as home_queries
from . import queries, records
from .kpis.context import YUAN_RATES
from .kpis.registry import GROUPS, specs

# (chart key, title, layout, stacked) — the series come from the API (dashboard/api.py).
CHART_LAYOUT = [
    ("signings-by-month", "按月签约（数量与金额）", "months", "0"),
    ("event-funnel", "活动成效漏斗", "funnel", "0"),
    ("signed-vs-realised", "签约与到位资金（按项目）", "bars", "0"),
    ("source-cities", "签约来源城市", "bars", "0"),
    ("needs-by-category", "需求类别与状态", "columns", "1"),
    ("chain-nodes", "产业链节点签约项目", "bars", "0"),
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 50


def _require_staff(user: Any) -> None:
    scope = user_scope(user)
    if not (scope.everything or scope.is_staff_role):
        raise PermissionDenied("驾驶舱仅向区、园区工作人员开放")


def _window(request: HttpRequest) -> tuple[dt.date, Any]:
    try:
        as_of = queries.parse_as_of(request.GET.get("as_of"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages) + "，已按今天统计")
        as_of = timezone.localdate()
    region = queries.resolve_region(request.user, request.GET.get("region"))
    return as_of, region


def _query(as_of: dt.date, region: Any) -> str:
    parts = [f"as_of={as_of:%Y-%m-%d}"]
    if region is not None:
        parts.append(f"region={region.code}")
    return "&".join(parts)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The first page by role: a leader's cockpit, an officer's work list over the register's
    figures, an enterprise's needs, a platform operator's services and projects."""
    user: Any = request.user
    role = getattr(user, "role", "")
    if getattr(user, "is_leader", False):
        return redirect("dashboard:cockpit")
    today = timezone.localdate()
    if role in {"officer", "admin"}:
        panels = home_queries.officer_panels(user, today)
    elif role == "enterprise" and user.organisation_id:
        panels = home_queries.enterprise_panels(user, today)
    elif role == "investor" and user.organisation_id:
        panels = home_queries.investor_panels(user)
    elif role == "platform" and user.organisation_id:
        panels = home_queries.platform_panels(user)
    else:
        return registry_views.home(request)
    return render(
        request,
        "dashboard/home.html",
        {
            "panels": panels,
            "today": today,
            "figures": registry_queries.home_figures(user=user),
        },
    )


@login_required
def cockpit(request: HttpRequest) -> HttpResponse:
    """The leader's cockpit: every figure with its definition, each opening its records."""
    _require_staff(request.user)
    as_of, region = _window(request)
    ctx = queries.context_for(request.user, as_of=as_of, region=region)
    return render(
        request,
        "dashboard/cockpit.html",
        {
            "sections": queries.cockpit(ctx),
            "ctx": ctx,
            "query": _query(as_of, region),
            "regions": queries.region_choices(request.user),
            "region": region,
            "charts": CHART_LAYOUT,
        },
    )


class _Pages:
    """A figure's records for the paginator: the count, and one page of ids at a time."""

    def __init__(self, chosen: Any) -> None:
        self.chosen = chosen

    def count(self) -> int:
        return int(self.chosen.count)

    def __getitem__(self, window: slice) -> list[int]:
        return self.chosen.page(window.start or 0, window.stop)


@login_required
def kpi_records(request: HttpRequest, key: str) -> HttpResponse:
    """The records one figure counts (or one part of a rate), each linking to the record."""
    _require_staff(request.user)
    as_of, region = _window(request)
    ctx = queries.context_for(request.user, as_of=as_of, region=region)
    spec, kpi = queries.kpi_get(ctx, key)
    part = request.GET.get("part") or queries.default_part(kpi)
    chosen = queries.record_set(kpi, part)
    kind = records.kind_of(chosen.model)
    # The figure's records were counted through the user's scope (KpiContext.scoped); only the
    # rows shown (one page, or the export) are fetched, again through the access layer, so the
    # page costs the same number of queries however many records the figure counts.
    if request.GET.get("format") == "xlsx":
        rows = records.fetch(request.user, chosen.model, list(chosen.ids))
        headers = ["编号", *[h for h, _c in kind.columns]]
        content = write_xlsx(
            headers,
            ([row.pk, *[cell(row) for _h, cell in kind.columns]] for row in rows),
            title=f"{spec.label}-{queries.PARTS[part]}",
        )
        response = HttpResponse(content, content_type=XLSX)
        response["Content-Disposition"] = f"attachment; filename={key}-{part}.xlsx"
        return response
    # _Pages has what the paginator uses (count(), slicing), not a whole Sequence.
    pages: Paginator[int] = Paginator(_Pages(chosen), PAGE_SIZE)  # type: ignore[arg-type]
    page = pages.get_page(request.GET.get("page"))
    rows = records.fetch(request.user, chosen.model, list(page.object_list))
    return render(
        request,
        "dashboard/kpi_records.html",
        {
            "spec": spec,
            "kpi": kpi,
            "tile": queries.Tile(spec, kpi),
            "part": part,
            "part_label": queries.PARTS[part],
            "parts": [p for p in ("numerator", "denominator") if kpi.is_rate],
            "kind": kind,
            "headers": [h for h, _c in kind.columns],
            "rows": records.table(kind, rows),
            "count": chosen.count,
            "page": page,
            "query": _query(as_of, region),
        },
    )


@login_required
def definitions(request: HttpRequest) -> HttpResponse:
    """Every figure's written definition and source, with the choices the definitions make."""
    _require_staff(request.user)
    catalogue = specs()
    return render(
        request,
        "dashboard/definitions.html",
        {
            "sections": [
                (label, [s for s in catalogue if s.group == group])
                for group, label in GROUPS
                if any(s.group == group for s in catalogue)
            ],
            # Currencies by their names (美元), not their codes.
            "rates": [(CURRENCY_NAMES.get(c, c), r) for c, r in YUAN_RATES.items() if c != "CNY"],
        },
    )


@login_required
def cockpit_export(request: HttpRequest) -> HttpResponse:
    """The KPI table as .xlsx: figure, value, unit, target, period, definition."""
    _require_staff(request.user)
    as_of, region = _window(request)
    ctx = queries.context_for(request.user, as_of=as_of, region=region)
    rows = [
        [
            tile.spec.key,
            tile.kpi.label,
            None if tile.kpi.value is None else float(tile.kpi.value),
            tile.kpi.unit,
            None if tile.kpi.target is None else float(tile.kpi.target),
            tile.kpi.period,
            tile.kpi.why_empty or tile.kpi.note,
            tile.spec.definition_text,
        ]
        for _g, _label, tiles in queries.cockpit(ctx)
        for tile in tiles
    ]
    content = write_xlsx(
        ["指标编号", "指标", "数值", "单位", "年度目标", "统计期间", "说明", "定义"],
        rows,
        title="驾驶舱指标",
    )
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename=kpis-{as_of:%Y%m%d}.xlsx"
    return response
