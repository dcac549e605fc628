"""Landing rate of an offshore innovation centre (离岸创新中心 落地率), per horizon and cohort.

Definition (shown on the centre's page, ``DEFINITION``): the h-month landing rate of a set of
incubated projects is

    landed within h months / projects observed for h months

- *observed for h months*: incubation started at least h calendar months before the as-of date
  (a project whose window is still open is neither a success nor a failure yet: it is listed as
  "观察期未满" and left out of both numerator and denominator);
- *landed within h months*: the project registered a company in the district (a valid credit code
  of the district, recorded with the landing) on or before the day h months after incubation
  started, and on or before the as-of date.

Months are calendar months: 31 January + 1 month = 28/29 February (the month's last day).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

HORIZONS: tuple[int, ...] = (12, 24, 36)

DEFINITION = (
    "h个月落地率 = 孵化开始满h个月的项目中，在孵化开始后h个月内（含当日）于本区注册成立企业的项目数 ÷ "
    "孵化开始满h个月的项目数。落地以本区登记机关的统一社会信用代码为准；孵化开始未满h个月的项目"
    "观察期未满，不计入分子和分母，单独列示。按自然月计算（1月31日加1个月为2月末）。"
)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus calendar months, clamped to the end of the target month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


@dataclass(frozen=True, slots=True)
class Incubation:
    """One incubated project: when incubation started and when (if) it landed in the district."""

    key: int
    started_on: dt.date
    landed_on: dt.date | None = None
    cohort: str = ""


@dataclass(frozen=True, slots=True)
class HorizonRate:
    """The h-month rate with the records behind each number."""

    months: int
    observed: tuple[int, ...]
    landed: tuple[int, ...]
    pending: tuple[int, ...]

    @property
    def rate(self) -> float | None:
        """landed / observed; None when no project has been observed for h months yet."""
        return len(self.landed) / len(self.observed) if self.observed else None

    @property
    def why_empty(self) -> str:
        """Why there is no rate (shown instead of 0)."""
        if self.observed:
            return ""
        if self.pending:
            return f"尚无孵化满{self.months}个月的项目（{len(self.pending)}个观察期未满）"
        return "暂无孵化项目"


def horizon_rate(items: Iterable[Incubation], months: int, as_of: dt.date) -> HorizonRate:
    """The ``months``-month landing rate of ``items`` as of ``as_of`` (see the module docstring)."""
    observed: list[int] = []
    landed: list[int] = []
    pending: list[int] = []
    for item in items:
        if item.started_on > as_of:
            continue
        window_end = add_months(item.started_on, months)
        if window_end > as_of:
            pending.append(item.key)
            continue
        observed.append(item.key)
        if item.landed_on is not None and item.landed_on <= window_end:
            landed.append(item.key)
    return HorizonRate(months, tuple(observed), tuple(landed), tuple(pending))


def landing_rates(
    items: Iterable[Incubation], as_of: dt.date, horizons: tuple[int, ...] = HORIZONS
) -> dict[int, HorizonRate]:
    """Rates at every horizon for one set of projects."""
    listed = list(items)
    return {h: horizon_rate(listed, h, as_of) for h in horizons}


def landing_by_cohort(
    items: Iterable[Incubation], as_of: dt.date, horizons: tuple[int, ...] = HORIZONS
) -> Mapping[str, dict[int, HorizonRate]]:
    """Rates per cohort (in cohort order), each at every horizon."""
    groups: dict[str, list[Incubation]] = {}
    for item in items:
        groups.setdefault(item.cohort, []).append(item)
    return {c: landing_rates(groups[c], as_of, horizons) for c in sorted(groups)}
