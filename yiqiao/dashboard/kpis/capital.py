"""The capital app's figures (yiqiao/capital/kpis.py), listed in the cockpit's catalogue."""

from __future__ import annotations

from yiqiao.capital import kpis as capital
from yiqiao.capital.engine import landing
from yiqiao.core.kpi import Kpi
from yiqiao.registry.models import Region

from .context import KpiContext
from .registry import KpiSpec, register


def _region(ctx: KpiContext) -> Region | None:
    """Capital's figures take a region, not a user: a signed-in user's figures are those of
    their unit's region subtree (what the capital access rules let staff see)."""
    if ctx.region is not None or ctx.user is None or ctx.user.is_superuser:
        return ctx.region
    unit = getattr(ctx.user, "org_unit", None)
    # A user without a unit reaches no region: a path no region has, so nothing is counted.
    return unit.region if unit is not None else Region(code="", name="", path="/\x00/")


def _financing_closed(ctx: KpiContext) -> Kpi:
    return capital.financing_closed(start=ctx.start, end=ctx.as_of, region=_region(ctx))


def _feedback_rate(ctx: KpiContext) -> Kpi:
    return capital.feedback_rate(
        start=ctx.start, end=ctx.as_of, region=_region(ctx), as_of=ctx.as_of
    )


def _landing_rate(ctx: KpiContext) -> Kpi:
    return capital.landing_rate(months=12, as_of=ctx.as_of, region=_region(ctx))


register(
    KpiSpec(
        key="capital.financing_closed",
        label="融资交割金额",
        unit="元",
        group="capital",
        definition=capital.FINANCING_CLOSED,
        source="融资交割的金额、币种与交割日期",
        compute=_financing_closed,
    )
)
register(
    KpiSpec(
        key="capital.feedback_rate",
        label="路演反馈率（14天内）",
        unit="%",
        group="capital",
        definition=capital.FEEDBACK_RATE,
        source="路演邀请与投资方反馈",
        compute=_feedback_rate,
    )
)
register(
    KpiSpec(
        key="capital.landing_rate_12m",
        label="离岸创新中心12个月落地率",
        unit="%",
        group="capital",
        definition=landing.DEFINITION.replace("h个月", "12个月").replace("满h", "满12"),
        source="离岸创新中心孵化项目的孵化开始与落地日期",
        compute=_landing_rate,
    )
)
