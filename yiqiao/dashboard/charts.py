"""Series for the cockpit's charts (reads), each computed over the same scoped records as the
figures: signings and amounts by month, signed vs realised by project, signings by source
city, needs by category and state, projects by chain node, the event funnel.

Each function returns plain lists (labels and one or more series) for the JSON API; the
counts are grouped in the database, so their cost does not grow with one row per record.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from yiqiao.demands.engine import workflow
from yiqiao.demands.models import STATE_LABELS, Category, Demand
from yiqiao.events.models import Event, EventSigning, Meeting, Registration
from yiqiao.projects.models import Milestone, Project

from . import summary
from .kpis.context import KpiContext, to_yuan

WAN = Decimal(10_000)


def _projects(ctx: KpiContext) -> Any:
    return ctx.in_region(ctx.scoped(Project), "target_region")


def signings_by_month(ctx: KpiContext) -> dict[str, Any]:
    """Counted signings (repeats once) of the as-of year: number and amount (万元) per month,
    from the summary rows the project services keep."""
    count, amount = summary.signings_by_month(ctx)
    return {
        "labels": [_("%(month)d月") % {"month": m} for m in range(1, 13)],
        "series": [
            {"name": _("签约数"), "data": count},
            {"name": _("签约金额（万元）"), "data": [float(a / WAN) for a in amount]},
        ],
    }


def signed_vs_realised(ctx: KpiContext, limit: int = 15) -> dict[str, Any]:
    """The largest signed projects: signed amount vs evidenced capital arrived (万元)."""
    projects = list(
        _projects(ctx)
        .filter(signed_on__isnull=False, signed_on__lte=ctx.as_of)
        .order_by("-signed_amount", "id")
        .values_list("id", "title", "signed_amount", "currency")[:limit]
    )
    arrived: dict[int, Decimal] = {}
    for pid, value in (
        Milestone.objects.filter(
            project_id__in=[p[0] for p in projects], achieved_on__lte=ctx.as_of
        )
        .exclude(evidence="")
        .values_list("project_id", "capital_arrived")
    ):
        arrived[pid] = arrived.get(pid, Decimal(0)) + value
    return {
        "labels": [p[1] for p in projects],
        "ids": [p[0] for p in projects],
        "series": [
            {
                "name": _("签约金额（万元）"),
                "data": [float(to_yuan(p[2], p[3]) / WAN) for p in projects],
            },
            {
                "name": _("到位资金（万元，有凭证）"),
                "data": [
                    float(to_yuan(arrived.get(p[0], Decimal(0)), p[3]) / WAN) for p in projects
                ],
            },
        ],
    }


def signings_by_source_city(ctx: KpiContext, limit: int = 15) -> dict[str, Any]:
    """Counted signings made at events, by the city the event was held in (ranked bars)."""
    rows = (
        EventSigning.objects.filter(
            signing__project__in=_projects(ctx).values("pk"),
            signing__signed_on__gte=ctx.start,
            signing__signed_on__lte=ctx.as_of,
            signing__repeat_of__isnull=True,
        )
        .values("event__city")
        .annotate(n=Count("id"))
        .order_by("-n", "event__city")[:limit]
    )
    return {
        "labels": [r["event__city"] for r in rows],
        "series": [{"name": _("签约数"), "data": [r["n"] for r in rows]}],
    }


def needs_by_category(ctx: KpiContext) -> dict[str, Any]:
    """Needs raised in the period by category, stacked by state."""
    demands = ctx.in_region(ctx.scoped(Demand), "organisation__region", "organisation__park")
    rows = (
        demands.filter(created_at__date__gte=ctx.start, created_at__date__lte=ctx.as_of)
        .values_list("category", "state")
        .annotate(n=Count("id"))
    )
    categories = [c for c, _l in Category.choices]
    table = {(c, s): n for c, s, n in rows}
    return {
        "labels": [str(label) for _c, label in Category.choices],
        "series": [
            {
                "name": str(STATE_LABELS[state]),
                "data": [table.get((c, state), 0) for c in categories],
            }
            for state in workflow.STATES
        ],
    }


def projects_by_chain_node(ctx: KpiContext, limit: int = 15) -> dict[str, Any]:
    """Signed projects of the period per chain node (a project on two nodes counts on both)."""
    rows = (
        _projects(ctx)
        .filter(signed_on__gte=ctx.start, signed_on__lte=ctx.as_of)
        .values("chain_nodes__name")
        .exclude(chain_nodes__isnull=True)
        .annotate(n=Count("id", distinct=True))
        .order_by("-n", "chain_nodes__name")[:limit]
    )
    return {
        "labels": [r["chain_nodes__name"] for r in rows],
        "series": [{"name": _("签约项目数"), "data": [r["n"] for r in rows]}],
    }


def event_funnel(ctx: KpiContext) -> dict[str, Any]:
    """Events held in the period: registered → attended → meetings held → needs → signings."""
    events = ctx.in_region(ctx.scoped(Event), "region").filter(
        starts_on__gte=ctx.start, starts_on__lte=ctx.as_of
    )
    ids = events.values("pk")
    registered = Registration.objects.filter(event__in=ids).count()
    attended = Registration.objects.filter(event__in=ids, checked_in_at__isnull=False).count()
    meetings = Meeting.objects.filter(schedule__event__in=ids, status="held").count()
    needs = Demand.objects.filter(source_event_id__in=ids).count()
    signings = EventSigning.objects.filter(event__in=ids, signing__repeat_of__isnull=True).count()
    return {
        "labels": [
            pgettext("活动漏斗", word) for word in ("报名", "签到", "洽谈举行", "提出需求", "签约")
        ],
        "series": [
            {"name": _("活动漏斗"), "data": [registered, attended, meetings, needs, signings]}
        ],
        "events": events.count(),
    }


CHARTS = {
    "signings-by-month": (gettext_lazy("按月签约"), signings_by_month),
    "signed-vs-realised": (gettext_lazy("签约与到位资金（按项目）"), signed_vs_realised),
    "source-cities": (gettext_lazy("签约来源城市"), signings_by_source_city),
    "needs-by-category": (gettext_lazy("需求类别与状态"), needs_by_category),
    "chain-nodes": (gettext_lazy("产业链节点签约项目"), projects_by_chain_node),
    "event-funnel": (gettext_lazy("活动成效漏斗"), event_funnel),
}
