"""Enterprise-need figures: 办结率, on-time response, satisfaction, overdue needs.

Every figure is read from the dates the demand services stamp (accepted_at, responded_at,
resolved_at, closed_at) rather than from the current state, so a figure as of a past day is
what it was on that day.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from yiqiao.core.kpi import Kpi, RecordSet
from yiqiao.demands.models import Demand, FollowUp

from .context import KpiContext
from .registry import KpiSpec, register


def _end_of(day: dt.date) -> dt.datetime:
    """The first instant after ``day`` in the local time zone (timestamps are compared with it)."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))


def _demands(ctx: KpiContext) -> QuerySet[Any]:
    return ctx.in_region(ctx.scoped(Demand), "organisation__region", "organisation__park")


def _raised_in_period(ctx: KpiContext) -> QuerySet[Any]:
    start = timezone.make_aware(dt.datetime.combine(ctx.start, dt.time()))
    return _demands(ctx).filter(created_at__gte=start, created_at__lt=_end_of(ctx.as_of))


def _withdrawn(before: dt.datetime) -> Q:
    """Closed without an answer (withdrawn by the enterprise or outside the remit)."""
    return Q(closed_at__lt=before) & (Q(responded_at__isnull=True) | Q(responded_at__gte=before))


def resolution_rate(ctx: KpiContext) -> Kpi:
    cutoff = _end_of(ctx.as_of)
    base = _raised_in_period(ctx).exclude(_withdrawn(cutoff))
    rows = list(base.order_by("id").values_list("id", "resolved_at"))
    denominator = tuple(r[0] for r in rows)
    numerator = tuple(r[0] for r in rows if r[1] is not None and r[1] < cutoff)
    return Kpi(
        key=RESOLUTION_RATE.key,
        label=RESOLUTION_RATE.label,
        value=len(numerator) / len(denominator) if denominator else None,
        unit="%",
        period=ctx.period,
        definition=RESOLUTION_RATE.definition,
        numerator=RecordSet("demands.Demand", numerator),
        denominator=RecordSet("demands.Demand", denominator),
        why_empty="" if denominator else "期间内没有提出的需求",
    )


def on_time_response_rate(ctx: KpiContext) -> Kpi:
    cutoff = _end_of(ctx.as_of)
    base = (
        _raised_in_period(ctx)
        .exclude(_withdrawn(cutoff))
        .filter(Q(respond_due__lt=ctx.as_of) | Q(responded_at__lt=cutoff))
    )
    rows = list(base.order_by("id").values_list("id", "responded_at", "respond_due"))
    denominator = tuple(r[0] for r in rows)
    numerator = tuple(
        r[0]
        for r in rows
        if r[1] is not None and r[1] < cutoff and timezone.localtime(r[1]).date() <= r[2]
    )
    return Kpi(
        key=ON_TIME_RESPONSE.key,
        label=ON_TIME_RESPONSE.label,
        value=len(numerator) / len(denominator) if denominator else None,
        unit="%",
        period=ctx.period,
        definition=ON_TIME_RESPONSE.definition,
        numerator=RecordSet("demands.Demand", numerator),
        denominator=RecordSet("demands.Demand", denominator),
        why_empty="" if denominator else "期间内没有响应时限已到的需求",
    )


def overdue(ctx: KpiContext) -> Kpi:
    cutoff = _end_of(ctx.as_of)
    waiting_accept = (Q(accepted_at__isnull=True) | Q(accepted_at__gte=cutoff)) & Q(
        accept_due__lt=ctx.as_of
    )
    waiting_answer = (Q(responded_at__isnull=True) | Q(responded_at__gte=cutoff)) & Q(
        respond_due__lt=ctx.as_of
    )
    qs = (
        _demands(ctx)
        .filter(created_at__lt=cutoff)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=cutoff))
        .filter(waiting_accept | waiting_answer)
    )
    ids = tuple(qs.order_by("id").values_list("id", flat=True))
    return Kpi(
        key=OVERDUE.key,
        label=OVERDUE.label,
        value=len(ids),
        unit=OVERDUE.unit,
        period=f"{ctx.as_of:%Y-%m-%d}",
        definition=OVERDUE.definition,
        records=RecordSet("demands.Demand", ids),
        why_empty="" if ids else "统计日没有超期未办的需求",
    )


def satisfaction(ctx: KpiContext) -> Kpi:
    demands = _demands(ctx)
    rows = list(
        FollowUp.objects.filter(
            demand__in=demands.values("pk"), on__gte=ctx.start, on__lte=ctx.as_of
        )
        .order_by("id")
        .values_list("id", "satisfaction")
    )
    value = round(sum(r[1] for r in rows) / len(rows), 2) if rows else None
    return Kpi(
        key=SATISFACTION.key,
        label=SATISFACTION.label,
        value=value,
        unit="分（满分5）",
        period=ctx.period,
        definition=SATISFACTION.definition,
        records=RecordSet("demands.FollowUp", tuple(r[0] for r in rows)),
        why_empty="" if rows else "期间内没有回访记录",
    )


RESOLUTION_RATE = register(
    KpiSpec(
        key="demands.resolution_rate",
        label="需求办结率",
        unit="%",
        group="needs",
        definition=(
            "需求办结率 = 期间内提出、截至统计日已办结（登记办结时间）的需求数 ÷ 期间内提出的需求数。"
            "未经响应即关闭的需求（企业撤回或不属受理范围）不计入分子和分母。"
        ),
        source="企业需求（demands.Demand）的提出时间 created_at、办结时间 resolved_at、关闭时间 closed_at",
        compute=resolution_rate,
    )
)
ON_TIME_RESPONSE = register(
    KpiSpec(
        key="demands.on_time_response_rate",
        label="按时响应率",
        unit="%",
        group="needs",
        definition=(
            "按时响应率 = 首次响应日期不晚于响应时限的需求数 ÷ 期间内提出、截至统计日响应时限已过或已响应的需求数。"
            "响应时限按需求类别的工作日时限计算（不含周末和法定节假日）；未经响应即关闭的需求不计。"
        ),
        source="企业需求的首次响应时间 responded_at 与响应时限 respond_due",
        compute=on_time_response_rate,
    )
)
OVERDUE = register(
    KpiSpec(
        key="demands.overdue",
        label="超期未办需求",
        unit="件",
        group="needs",
        definition=(
            "统计日仍未关闭、且已过受理时限仍未受理或已过响应时限仍未响应的需求件数（不限提出时间）。"
        ),
        source="企业需求的受理/响应时限与受理、响应、关闭时间",
        compute=overdue,
    )
)
SATISFACTION = register(
    KpiSpec(
        key="demands.satisfaction",
        label="回访满意度",
        unit="分（满分5）",
        group="needs",
        definition="期间内回访记录满意度（1–5分）的算术平均；每次回访计一次。",
        source="回访记录（demands.FollowUp）的满意度 satisfaction 与回访日期 on",
        compute=satisfaction,
    )
)
