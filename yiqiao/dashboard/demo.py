"""The demo district's yearly targets, set the way bureaus set them: last year's result + 10 %.

Runs after the history (which signs the projects); the first year of the history has no
previous year, so its target is its own result rounded up. The last year's target is set too,
so the cockpit compares this year's signings with a target from the start.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from django.db.models import Min, Q
from django.utils import timezone

from yiqiao.demo.generators import DemoContext
from yiqiao.policies.models import Award
from yiqiao.projects.models import Project, Signing
from yiqiao.registry.models import Region

from .kpis.context import to_yuan
from .models import KpiTarget
from .services import kpi_target_set

DISTRICT_CODE = "xs.jc.th"
GROWTH = Decimal("1.1")
YI = Decimal(100_000_000)
WAN = Decimal(10_000)


def _yearly(region: Region) -> dict[int, tuple[int, Decimal]]:
    """(projects first signed, yuan signed) per year in the region's subtree, repeats once."""
    in_region = Project.objects.filter(target_region__path__startswith=region.path)
    counts: dict[int, int] = {}
    firsts = in_region.annotate(
        first=Min("signings__signed_on", filter=Q(signings__repeat_of__isnull=True))
    ).values_list("first", flat=True)
    for day in firsts:
        if day is not None:
            counts[day.year] = counts.get(day.year, 0) + 1
    amounts: dict[int, Decimal] = {}
    for day, amount, currency in Signing.objects.filter(
        project__in=in_region.values("pk"), repeat_of__isnull=True
    ).values_list("signed_on", "amount", "currency"):
        amounts[day.year] = amounts.get(day.year, Decimal(0)) + to_yuan(amount, currency)
    years = set(counts) | set(amounts)
    return {y: (counts.get(y, 0), amounts.get(y, Decimal(0))) for y in years}


def targets_demo(context: DemoContext) -> dict[str, Any]:
    region = Region.objects.filter(code=DISTRICT_CODE).first()
    if region is None:
        return {"targets": 0}
    yearly = _yearly(region)
    this_year = timezone.localdate().year
    written = 0
    for year in sorted(set(yearly) | {this_year}):
        base = yearly.get(year - 1) or yearly.get(year)
        if base is None:
            continue
        count, amount = base
        growth = GROWTH if year - 1 in yearly else Decimal(1)
        count_target = Decimal(max(1, math.ceil(count * growth)))
        amount_target = (amount * growth / YI).quantize(Decimal("1"), rounding="ROUND_CEILING") * YI
        note = "上年实绩增长10%" if year - 1 in yearly else "按当年实绩取整（示范数据首年）"
        kpi_target_set(
            region=region,
            year=year,
            key="projects.signing_count",
            value=count_target,
            by=None,
            note=note,
        )
        kpi_target_set(
            region=region,
            year=year,
            key="projects.signed_amount",
            value=amount_target,
            by=None,
            note=note,
        )
        written += 2
    written += _policy_budgets(region, this_year)
    context.notes.append(
        f"年度目标：{written}项（签约项目数、签约金额、政策兑现预算，按上年实绩增长10%设定）"
    )
    return {"targets": written}


def _policy_budgets(region: Region, this_year: int) -> int:
    """The yearly policy budget (政策兑现预算): last year's money paid on the platform + 10 %,
    rounded up to 10,000 yuan (the first year: its own total)."""
    paid: dict[int, Decimal] = {}
    for day, amount in (
        Award.objects.filter(
            source=Award.Source.PAYMENT,
        )
        .filter(
            Q(organisation__region__path__startswith=region.path)
            | Q(organisation__park__path__startswith=region.path)
        )
        .values_list("awarded_on", "amount")
    ):
        paid[day.year] = paid.get(day.year, Decimal(0)) + amount
    written = 0
    for year in sorted(set(paid) | {this_year}):
        base = paid.get(year - 1) or paid.get(year)
        if not base:
            continue
        growth = GROWTH if year - 1 in paid else Decimal(1)
        budget = (base * growth / WAN).quantize(Decimal("1"), rounding="ROUND_CEILING") * WAN
        kpi_target_set(
            region=region,
            year=year,
            key="policies.money_paid",
            value=budget,
            by=None,
            note="上年兑现额增长10%" if year - 1 in paid else "按当年兑现额取整（示范数据首年）",
        )
        written += 1
    return written


def targets_present() -> bool:
    return KpiTarget.objects.exists()
