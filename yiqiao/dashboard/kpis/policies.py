"""Policy money delivered (政策兑现): 免申即享 awards and paid applications against the year's
budget (the region's yearly target for this figure, set by its admins)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from yiqiao.core.kpi import Kpi, RecordSet
from yiqiao.policies.models import Award

from .context import KpiContext
from .registry import KpiSpec, register
from .targets import target_for, target_region


def _budget_missing(ctx: KpiContext) -> str:
    """The policy budget is this figure's yearly target, named as a budget on the tile."""
    region = target_region(ctx)
    if region is None:
        return _("未指定区域，无法对照年度兑现预算")
    return _("%(region)s未设定%(year)s年度兑现预算") % {"region": region.name, "year": ctx.year}


def money_paid(ctx: KpiContext) -> Kpi:
    qs = ctx.in_region(ctx.scoped(Award), "organisation__region", "organisation__park").filter(
        source=Award.Source.PAYMENT, awarded_on__gte=ctx.start, awarded_on__lte=ctx.as_of
    )
    totals = qs.aggregate(n=Count("pk"), s=Sum("amount"))
    n = totals["n"]
    total = Decimal(totals["s"] or 0).quantize(Decimal("0.01"))
    target, missing = target_for(ctx, MONEY_PAID.key)
    return Kpi(
        key=MONEY_PAID.key,
        label=MONEY_PAID.label,
        value=total,
        unit=MONEY_PAID.unit,
        period=ctx.period,
        definition=MONEY_PAID.definition,
        records=RecordSet(
            "policies.Award", qs=qs.order_by("id").values_list("id", flat=True), count=n
        ),
        target=target,
        note=_budget_missing(ctx) if missing else "",
        why_empty="" if n else _("期间内没有兑付记录（免申即享或申请兑付）"),
    )


MONEY_PAID = register(
    KpiSpec(
        key="policies.money_paid",
        label="政策兑现金额",
        unit="元",
        group="policy",
        definition=(
            "期间内在本平台兑付的奖补资金之和（按兑付日期计）：免申即享直接兑付与企业申请核准后兑付的金额；"
            "导入或手工登记的、在其他渠道兑付的奖励不计入。对照本区域本年度的政策兑现预算（以年度目标登记）。"
        ),
        source="已获奖励（来源为本平台兑付）的金额与兑付日期",
        compute=money_paid,
        has_target=True,
    )
)
