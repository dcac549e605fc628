"""Yearly targets (年度目标) that figures are measured against, set per region by its admins."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from yiqiao.registry.models import Region

from ..models import KpiTarget
from .context import KpiContext


def target_region(ctx: KpiContext) -> Region | None:
    """The region whose target applies: the one asked for, else the user's unit's region."""
    if ctx.region is not None:
        return ctx.region
    unit = getattr(ctx.user, "org_unit", None) if ctx.user is not None else None
    return unit.region if unit is not None else None


def target_for(ctx: KpiContext, key: str) -> tuple[Decimal | None, str]:
    """(target, why missing). A missing target is said, never taken as 0."""
    region = target_region(ctx)
    if region is None:
        return None, _("未指定区域，无法对照年度目标")
    value = (
        KpiTarget.objects.filter(region=region, year=ctx.year, key=key)
        .values_list("value", flat=True)
        .first()
    )
    if value is None:
        return None, _("%(region)s未设定%(year)s年度目标") % {
            "region": region.name,
            "year": ctx.year,
        }
    return value, ""
