"""Enterprise-need figures: 办结率, on-time response, satisfaction, overdue needs.

Every figure is read from the dates the demand services stamp (accepted_at, responded_at,
resolved_at, closed_at) rather than from the current state, so a figure as of a past day is
what it was on that day.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from yiqiao.core.kpi import Kpi, RecordSet
from yiqiao.demands.models import Category, Demand, FollowUp

from .. import summary
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


def _ids(qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs.order_by("id").values_list("id", flat=True)


def _on_time_base(cutoff: dt.datetime, as_of: dt.date) -> Q:
    """Needs whose time to answer has passed, or that were answered, by the as-of day."""
    return Q(respond_due__lt=as_of) | Q(responded_at__lt=cutoff)


def _on_time(cutoff: dt.datetime) -> Q:
    """Answered by the end of the due day (local time), compared in the database."""
    return Q(responded_at__lt=cutoff, responded_at__date__lte=F("respond_due"))


def _resolved(cutoff: dt.datetime) -> Q:
    return Q(resolved_at__isnull=False, resolved_at__lt=cutoff)


def _converted(cutoff: dt.datetime) -> Q:
    return Q(converted_at__isnull=False, converted_at__lt=cutoff)


def _period_counts(ctx: KpiContext) -> dict[str, dict[str, int]]:
    """Per category, the counts of the needs raised in the period (withdrawn ones left out):
    one grouped query shared by the resolution, on-time and conversion figures."""
    key = "demands.period_counts"
    if key not in ctx.memo and summary.needs_from_rows(ctx):
        ctx.memo[key] = summary.need_period_counts(ctx)
    if key not in ctx.memo:
        cutoff = _end_of(ctx.as_of)
        due = _on_time_base(cutoff, ctx.as_of)
        rows = (
            _raised_in_period(ctx)
            .exclude(_withdrawn(cutoff))
            .order_by()
            .values("category")
            .annotate(
                total=Count("pk"),
                resolved=Count("pk", filter=_resolved(cutoff)),
                converted=Count("pk", filter=_converted(cutoff)),
                due=Count("pk", filter=due),
                on_time=Count("pk", filter=due & _on_time(cutoff)),
            )
        )
        ctx.memo[key] = {r["category"]: r for r in rows}
    counts: dict[str, dict[str, int]] = ctx.memo[key]
    return counts


def _summed(ctx: KpiContext, name: str) -> int:
    return sum(row.get(name, 0) for row in _period_counts(ctx).values())


def resolution_rate(ctx: KpiContext) -> Kpi:
    cutoff = _end_of(ctx.as_of)
    base = _raised_in_period(ctx).exclude(_withdrawn(cutoff))
    total, done = _summed(ctx, "total"), _summed(ctx, "resolved")
    return Kpi(
        key=RESOLUTION_RATE.key,
        label=RESOLUTION_RATE.label,
        value=done / total if total else None,
        unit="%",
        period=ctx.period,
        definition=RESOLUTION_RATE.definition,
        numerator=RecordSet("demands.Demand", qs=_ids(base.filter(_resolved(cutoff))), count=done),
        denominator=RecordSet("demands.Demand", qs=_ids(base), count=total),
        why_empty="" if total else _("期间内没有提出的需求"),
    )


def on_time_response_rate(ctx: KpiContext) -> Kpi:
    cutoff = _end_of(ctx.as_of)
    base = (
        _raised_in_period(ctx).exclude(_withdrawn(cutoff)).filter(_on_time_base(cutoff, ctx.as_of))
    )
    total, done = _summed(ctx, "due"), _summed(ctx, "on_time")
    return Kpi(
        key=ON_TIME_RESPONSE.key,
        label=ON_TIME_RESPONSE.label,
        value=done / total if total else None,
        unit="%",
        period=ctx.period,
        definition=ON_TIME_RESPONSE.definition,
        numerator=RecordSet("demands.Demand", qs=_ids(base.filter(_on_time(cutoff))), count=done),
        denominator=RecordSet("demands.Demand", qs=_ids(base), count=total),
        why_empty="" if total else _("期间内没有响应时限已到的需求"),
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
    n = summary.need_overdue(ctx)
    return Kpi(
        key=OVERDUE.key,
        label=OVERDUE.label,
        value=n,
        unit=OVERDUE.unit,
        period=f"{ctx.as_of:%Y-%m-%d}",
        definition=OVERDUE.definition,
        records=RecordSet("demands.Demand", qs=_ids(qs), count=n),
        why_empty="" if n else _("统计日没有超期未办的需求"),
    )


def satisfaction(ctx: KpiContext) -> Kpi:
    demands = _demands(ctx)
    qs = FollowUp.objects.filter(
        demand__in=demands.values("pk"), on__gte=ctx.start, on__lte=ctx.as_of
    )
    if summary.needs_from_rows(ctx):
        n, score = summary.need_follow_ups(ctx)
    else:
        totals = qs.aggregate(n=Count("pk"), s=Sum("satisfaction"))
        n, score = totals["n"], totals["s"]
    value = round(score / n, 2) if n else None
    return Kpi(
        key=SATISFACTION.key,
        label=SATISFACTION.label,
        value=value,
        unit="分（满分5）",
        period=ctx.period,
        definition=SATISFACTION.definition,
        records=RecordSet("demands.FollowUp", qs=_ids(qs), count=n),
        why_empty="" if n else _("期间内没有回访记录"),
    )


def _conversion(category: str) -> Any:
    def compute(ctx: KpiContext) -> Kpi:
        spec = CONVERSION[category]
        cutoff = _end_of(ctx.as_of)
        base = _raised_in_period(ctx).filter(category=category).exclude(_withdrawn(cutoff))
        row = _period_counts(ctx).get(category, {})
        total, done = row.get("total", 0), row.get("converted", 0)
        return Kpi(
            key=spec.key,
            label=spec.label,
            value=done / total if total else None,
            unit="%",
            period=ctx.period,
            definition=spec.definition,
            numerator=RecordSet(
                "demands.Demand", qs=_ids(base.filter(_converted(cutoff))), count=done
            ),
            denominator=RecordSet("demands.Demand", qs=_ids(base), count=total),
            why_empty=""
            if total
            else _("期间内没有提出%(category)s类需求") % {"category": Category(category).label},
        )

    return compute


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
        source="企业需求的提出时间、办结时间与关闭时间",
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
        source="企业需求的首次响应时间与响应时限",
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
        source="回访记录的满意度与回访日期",
        compute=satisfaction,
    )
)
CONVERSION: dict[str, KpiSpec] = {}
for _category, _lazy in Category.choices:
    # The catalogue's texts are Chinese whatever language is active when it is first loaded
    # (they are msgids and what ``kpis --json`` prints); pages translate them.
    with translation.override("zh-hans"):
        _label = str(_lazy)
    CONVERSION[_category] = register(
        KpiSpec(
            key=f"demands.conversion_{_category}",
            label=f"{_label}转化率",
            unit="%",
            group="needs",
            definition=(
                f"“{_label}”类需求的转化率 = 期间内提出、截至统计日已转化（登记转化时间：转为招商项目、"
                "融资对接或载体租赁等）的需求数 ÷ 期间内提出的该类需求数。未经响应即关闭的需求不计入。"
            ),
            source="企业需求的类别、提出时间与转化时间",
            compute=_conversion(_category),
        )
    )
