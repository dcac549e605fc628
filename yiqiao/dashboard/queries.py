"""Reads of the cockpit: the figures a user may see, one figure's records, region choices."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language

from yiqiao.core.kpi import Kpi, RecordSet
from yiqiao.core.scope import user_scope
from yiqiao.core.templatetags.yiqiao import yuan
from yiqiao.registry.models import Region

from .kpis.context import KpiContext
from .kpis.registry import GROUPS, KpiSpec, spec, specs

PARTS = {
    "records": "计入的记录",
    "numerator": "分子",
    "denominator": "分母",
    "excluded": "未计入的记录",
}


@dataclass(frozen=True)
class Tile:
    spec: KpiSpec
    kpi: Kpi

    @property
    def display(self) -> str:
        return format_value(self.kpi.value, self.kpi.unit)

    @property
    def target_display(self) -> str:
        return format_value(self.kpi.target, self.kpi.unit) if self.kpi.target is not None else ""

    @property
    def progress(self) -> int | None:
        """Percent of the target reached (for the bar), capped at 100."""
        if self.kpi.target is None or self.kpi.value is None or not self.kpi.target:
            return None
        return min(100, int(Decimal(str(self.kpi.value)) * 100 / self.kpi.target))


#: A count's measure word on an English page: the tile's label says what is counted, so most
#: words go; these three say something the number alone does not.
ENGLISH_UNITS = {"人": " people", "天": " days", "分": " / 5"}


def format_value(value: Decimal | float | int | None, unit: str) -> str:
    """How a figure reads on a tile: 42.5%, 3.57亿元, 27个 (in English: 3.57B yuan, 27)."""
    if value is None:
        return "—"
    if unit == "%":
        return f"{float(value) * 100:.1f}%"
    if (get_language() or "").startswith("en"):
        if unit == "元":
            return yuan(value)
        return f"{value}{ENGLISH_UNITS.get(unit[:1], '')}"
    if unit == "元":
        amount = Decimal(str(value))
        if abs(amount) >= Decimal("100000000"):
            return f"{amount / Decimal('100000000'):.2f}亿元"
        if abs(amount) >= Decimal("10000"):
            return f"{amount / Decimal('10000'):.1f}万元"
        return f"{amount:.2f}元"
    if unit.startswith("分"):
        return f"{value}分"
    return f"{value}{unit}"


def parse_as_of(text: str | None) -> dt.date:
    """The as-of day from a query string: today when absent; a clear message when wrong."""
    today = timezone.localdate()
    if not text:
        return today
    try:
        day = dt.date.fromisoformat(text)
    except ValueError as exc:
        raise ValidationError(f"统计日期“{text}”格式不对，应为 YYYY-MM-DD") from exc
    if day > today:
        raise ValidationError(f"统计日期“{text}”晚于今天，指标只统计已发生的记录")
    return day


def region_choices(user: Any) -> list[Region]:
    """The regions a user may narrow the figures to: those of their scope."""
    scope = user_scope(user)
    qs = (
        Region.objects.all() if scope.everything else Region.objects.filter(id__in=scope.region_ids)
    )
    return list(qs.order_by("path"))


def resolve_region(user: Any, code: str | None) -> Region | None:
    """The region of a code the user may reach (None when no code); 404 otherwise."""
    if not code:
        return None
    scope = user_scope(user)
    region = Region.objects.filter(code=code).first()
    if region is None or not (scope.everything or region.pk in scope.region_ids):
        raise Http404("没有这个区域，或不在您的范围内")
    return region


def context_for(user: Any, *, as_of: dt.date, region: Region | None) -> KpiContext:
    return KpiContext.year_to_date(as_of, region=region, user=user)


def cockpit(ctx: KpiContext) -> list[tuple[str, str, list[Tile]]]:
    """Every figure of the catalogue for the context, by section."""
    tiles = [Tile(s, s.compute(ctx)) for s in specs()]
    return [
        (group, label, [t for t in tiles if t.spec.group == group])
        for group, label in GROUPS
        if any(t.spec.group == group for t in tiles)
    ]


def kpi_get(ctx: KpiContext, key: str) -> tuple[KpiSpec, Kpi]:
    found = spec(key)
    if found is None:
        raise Http404("没有这个指标")
    return found, found.compute(ctx)


def record_set(kpi: Kpi, part: str) -> RecordSet:
    """The records of one part of a figure: ``records`` of a count or sum, ``numerator`` or
    ``denominator`` of a rate."""
    chosen = {
        "records": kpi.records,
        "numerator": kpi.numerator,
        "denominator": kpi.denominator,
        "excluded": kpi.excluded,
    }
    found = chosen.get(part)
    if found is None:
        raise Http404("该指标没有这一部分记录")
    return found


def default_part(kpi: Kpi) -> str:
    return "numerator" if kpi.is_rate else "records"
