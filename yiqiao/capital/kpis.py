"""Capital figures for the leader's cockpit: each a value with the records it counts.

Every function returns a ``Kpi`` in the shape ``yiqiao kpis --json`` prints (issue 18): a sum
lists the records it adds up (``records``); a rate lists its ``numerator`` and ``denominator``,
so anyone can recompute the figure from the records and from the raw tables. ``region`` limits
a figure to a region's subtree (the district's code); ``None`` counts everything.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from yiqiao.core.kpi import Kpi, RecordSet
from yiqiao.registry.models import Region

from .engine import landing
from .engine.deals import to_yuan
from .models import Close, IncubatedProject, PitchInvitation

__all__ = ["Kpi", "RecordSet", "capital_kpis", "feedback_rate", "financing_closed", "landing_rate"]


def _period(start: dt.date, end: dt.date) -> str:
    return f"{start:%Y-%m-%d}/{end:%Y-%m-%d}"


FINANCING_CLOSED = (
    "期间内登记的交割金额之和（按交割日期计入；美元按1美元=7.2元折算为人民币）。每笔交割须有金额、领投方、"
    "日期和凭证（股东名册/工商变更登记或投资协议），且不超过本轮融资额。"
)


def financing_closed(*, start: dt.date, end: dt.date, region: Region | None = None) -> Kpi:
    """Money closed by the district's enterprises in the period (yuan)."""
    closes = Close.objects.filter(closed_on__gte=start, closed_on__lte=end)
    if region is not None:
        closes = closes.filter(need__region__path__startswith=region.path)
    rows = list(closes.order_by("id").values_list("id", "amount", "currency"))
    total = sum((to_yuan(amount, currency) for _id, amount, currency in rows), Decimal("0"))
    return Kpi(
        key="capital.financing_closed",
        label="融资交割金额",
        value=total,
        unit="元",
        period=_period(start, end),
        definition=FINANCING_CLOSED,
        records=RecordSet("capital.Close", tuple(r[0] for r in rows)),
        why_empty="" if rows else _("期间内没有登记交割"),
    )


FEEDBACK_RATE = (
    "路演反馈率 = 期间内举行的路演中，受邀投资方在路演后14个自然日内给出反馈的邀请数 ÷ 反馈期限已届满的"
    "邀请数。以“投资方 × 路演项目”的每一次邀请为单位；已取消的路演不计；期限未满的邀请不计入分子和分母。"
)


def feedback_rate(
    *, start: dt.date, end: dt.date, region: Region | None = None, as_of: dt.date | None = None
) -> Kpi:
    """Share of invited investors who gave feedback within the 14-day limit."""
    day = as_of or timezone.localdate()
    invitations = (
        PitchInvitation.objects.filter(
            pitch__pitched_on__gte=start,
            pitch__pitched_on__lte=min(end, day),
            pitch__feedback_due_on__lt=day,
        )
        .exclude(pitch__status="cancelled")
        .select_related("pitch", "feedback")
    )
    if region is not None:
        invitations = invitations.filter(pitch__need__region__path__startswith=region.path)
    due = list(invitations.order_by("id"))
    on_time = tuple(
        i.pk
        for i in due
        if getattr(i, "feedback", None) is not None
        and i.feedback.given_on <= i.pitch.feedback_due_on
    )
    return Kpi(
        key="capital.feedback_rate",
        label="路演反馈率（14天内）",
        value=len(on_time) / len(due) if due else None,
        unit="%",
        period=_period(start, end),
        definition=FEEDBACK_RATE,
        numerator=RecordSet("capital.PitchInvitation", on_time),
        denominator=RecordSet("capital.PitchInvitation", tuple(i.pk for i in due)),
        why_empty="" if due else _("期间内没有反馈期限已届满的路演邀请"),
    )


def _why_no_rate(rate: landing.HorizonRate) -> str:
    """The engine's reason (pure, in Chinese) said in the page's language."""
    if rate.observed:
        return ""
    if rate.pending:
        return _("尚无孵化满%(months)s个月的项目（%(n)s个观察期未满）") % {
            "months": rate.months,
            "n": len(rate.pending),
        }
    return _("暂无孵化项目")


def landing_rate(
    *, months: int = 12, as_of: dt.date | None = None, region: Region | None = None
) -> Kpi:
    """The offshore centres' landing rate at ``months`` (12, 24 or 36) as of a date."""
    if months not in landing.HORIZONS:
        raise ValueError(f"落地率期限只能是{landing.HORIZONS}个月")
    day = as_of or timezone.localdate()
    projects = IncubatedProject.objects.all()
    if region is not None:
        projects = projects.filter(centre__landing_region__path__startswith=region.path)
    items = [
        landing.Incubation(p.pk, p.started_on, p.landed_on, p.cohort)
        for p in projects.order_by("id").only("id", "started_on", "landed_on", "cohort")
    ]
    rate = landing.horizon_rate(items, months, day)
    return Kpi(
        key=f"capital.landing_rate_{months}m",
        label=f"离岸创新中心{months}个月落地率",
        value=rate.rate,
        unit="%",
        period=f"{day:%Y-%m-%d}",
        definition=landing.DEFINITION.replace("h个月", f"{months}个月").replace(
            "满h", f"满{months}"
        ),
        numerator=RecordSet("capital.IncubatedProject", rate.landed),
        denominator=RecordSet("capital.IncubatedProject", rate.observed),
        why_empty=_why_no_rate(rate),
    )


def capital_kpis(
    *, start: dt.date, end: dt.date, region: Region | None = None, as_of: dt.date | None = None
) -> list[Kpi]:
    """The capital figures a cockpit shows, in order."""
    return [
        financing_closed(start=start, end=end, region=region),
        feedback_rate(start=start, end=end, region=region, as_of=as_of),
        landing_rate(months=12, as_of=as_of or end, region=region),
    ]
