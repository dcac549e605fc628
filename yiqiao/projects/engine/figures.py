"""Pipeline figures computed from small aggregates: funnel, time in stage, signed vs realised.

The database hands over grouped counts (never one row per project), so the cost of these
functions depends on the number of stages, days and groups, not on the number of projects.
Money is always kept per currency: amounts in different currencies are never added unless the
caller states an exchange rate for each, and the rates used travel with the result.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .pipeline import LOST, STAGE_ORDER, stage_index, stage_label

CURRENCIES: tuple[str, ...] = ("CNY", "USD", "EUR", "HKD")
CURRENCY_LABELS: dict[str, str] = {"CNY": "人民币", "USD": "美元", "EUR": "欧元", "HKD": "港元"}


# ---- funnel ----


@dataclass(frozen=True)
class FunnelStep:
    """How many projects ever reached `stage`, how many sit there now, and the step rate."""

    stage: str
    label: str
    reached: int
    current: int
    lost_here: int
    percent_of_previous: Decimal | None


def funnel(counts: Mapping[tuple[str, str], int]) -> tuple[FunnelStep, ...]:
    """Funnel from counts keyed by (stage, lost_from_stage).

    A project at stage S has reached every stage up to S; a lost project has reached the stage
    it was lost from. Projects lost without a recorded stage count as reached 线索 only.
    """
    current = dict.fromkeys(STAGE_ORDER, 0)
    lost_at = dict.fromkeys(STAGE_ORDER, 0)
    for (stage, lost_from), n in counts.items():
        if stage == LOST:
            lost_at[lost_from if lost_from in lost_at else STAGE_ORDER[0]] += n
        elif stage in current:
            current[stage] += n
    steps: list[FunnelStep] = []
    previous: int | None = None
    for i, stage in enumerate(STAGE_ORDER):
        reached = sum(current[s] + lost_at[s] for s in STAGE_ORDER[i:])
        percent = None if previous in (None, 0) else _percent(reached, previous or 1)
        steps.append(
            FunnelStep(stage, stage_label(stage), reached, current[stage], lost_at[stage], percent)
        )
        previous = reached
    return tuple(steps)


def _percent(part: float | Decimal | int, whole: float | Decimal | int) -> Decimal:
    value = Decimal(str(part)) * 100 / Decimal(str(whole))
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# ---- time in stage ----


def histogram_quantile(histogram: Mapping[int, int], q: float) -> float | None:
    """Quantile (0..1, linear between neighbours) of values given as value → count."""
    items = sorted((v, n) for v, n in histogram.items() if n > 0)
    total = sum(n for _v, n in items)
    if total == 0:
        return None
    position = q * (total - 1)
    rank = int(position)
    fraction = position - rank
    lower = _value_at(items, rank)
    upper = _value_at(items, rank + 1) if fraction > 0 else lower
    return lower + (upper - lower) * fraction


def _value_at(items: list[tuple[int, int]], rank: int) -> int:
    """Value at 0-based `rank` of the expanded sorted sample (last value if beyond)."""
    seen = 0
    for value, n in items:
        seen += n
        if rank < seen:
            return value
    return items[-1][0]


@dataclass(frozen=True)
class StageTime:
    """Days spent in a stage: finished stays and the age of stays still going on."""

    stage: str
    label: str
    finished: int
    median_days: float | None
    p90_days: float | None
    ongoing: int
    ongoing_median_days: float | None


def time_in_stage(
    finished: Mapping[str, Mapping[int, int]], ongoing: Mapping[str, Mapping[int, int]]
) -> tuple[StageTime, ...]:
    """Per-stage medians from day histograms (stage → days → count) of finished and open stays.

    Production is the end state, so it has no finished stays; it is listed for the ongoing age.
    """
    rows = []
    for stage in STAGE_ORDER:
        done = finished.get(stage, {})
        still = ongoing.get(stage, {})
        rows.append(
            StageTime(
                stage,
                stage_label(stage),
                sum(done.values()),
                histogram_quantile(done, 0.5),
                histogram_quantile(done, 0.9),
                sum(still.values()),
                histogram_quantile(still, 0.5),
            )
        )
    return tuple(rows)


def stage_spans(changes: Iterable[tuple[str, int]], today_ordinal: int) -> list[tuple[str, int]]:
    """(stage, days) stays of one project from its ordered (to_stage, date ordinal) changes."""
    ordered = list(changes)
    spans = []
    for (stage, start), (_next, end) in zip(ordered, ordered[1:], strict=False):
        spans.append((stage, end - start))
    if ordered:
        stage, start = ordered[-1]
        spans.append((stage, today_ordinal - start))
    return spans


# ---- money ----


def totals_by_currency(items: Iterable[tuple[str, Decimal]]) -> dict[str, Decimal]:
    """Sum amounts per currency, in the order of CURRENCIES; never across currencies."""
    totals: dict[str, Decimal] = {}
    for currency, amount in items:
        totals[currency] = totals.get(currency, Decimal("0")) + amount
    order = {c: i for i, c in enumerate(CURRENCIES)}
    return dict(sorted(totals.items(), key=lambda kv: (order.get(kv[0], 99), kv[0])))


@dataclass(frozen=True)
class ConvertedTotal:
    """A total converted to one currency with the stated rates, or the reasons it cannot be."""

    currency: str
    amount: Decimal | None
    rates_used: tuple[tuple[str, Decimal], ...]
    reasons: tuple[str, ...]

    @property
    def note(self) -> str:
        if self.reasons:
            return "；".join(self.reasons)
        parts = [f"1 {c} = {r} {self.currency}" for c, r in self.rates_used]
        return "按指定汇率折算：" + "，".join(parts) if parts else "单一币种，无需折算"


def convert_total(
    totals: Mapping[str, Decimal], rates: Mapping[str, Decimal], target: str = "CNY"
) -> ConvertedTotal:
    """Convert per-currency totals into `target` using the explicit `rates` (1 unit → target)."""
    reasons = []
    used = []
    amount = Decimal("0")
    for currency, value in totals.items():
        if currency == target:
            amount += value
            continue
        rate = rates.get(currency)
        if rate is None:
            reasons.append(
                f"未提供{CURRENCY_LABELS.get(currency, currency)}兑{target}的汇率，不能合计"
            )
            continue
        if rate <= 0:
            reasons.append(f"{currency}汇率须为正数")
            continue
        used.append((currency, rate))
        amount += value * rate
    if reasons:
        return ConvertedTotal(target, None, tuple(used), tuple(reasons))
    return ConvertedTotal(target, amount.quantize(Decimal("0.01")), tuple(used), ())


# ---- signed vs realised ----


@dataclass(frozen=True)
class CommitmentGroup:
    """Aggregated commitments and results of a group of projects in one currency."""

    key: str
    label: str
    currency: str
    projects: int
    signed_amount: Decimal
    capital_arrived: Decimal
    realised_capex: Decimal
    jobs_committed: int
    jobs_realised: int


@dataclass(frozen=True)
class GapLine:
    """Signed vs realised for one group, with the gap stated in words."""

    key: str
    label: str
    currency: str
    projects: int
    signed_amount: Decimal
    capital_arrived: Decimal
    realised_capex: Decimal
    capital_gap: Decimal
    arrived_percent: Decimal | None
    jobs_committed: int
    jobs_realised: int
    jobs_gap: int
    summary: str


def signed_vs_realised(groups: Iterable[CommitmentGroup]) -> tuple[GapLine, ...]:
    """Compare what was signed with what arrived, per group and currency, stating each gap."""
    lines = []
    for g in groups:
        gap = g.signed_amount - g.capital_arrived
        percent = _percent(g.capital_arrived, g.signed_amount) if g.signed_amount > 0 else None
        jobs_gap = g.jobs_committed - g.jobs_realised
        parts = []
        if percent is None:
            parts.append("无签约金额")
        elif gap > 0:
            parts.append(f"到资{percent}%，尚差{_plain(gap)}{CURRENCY_LABELS.get(g.currency, '')}")
        else:
            parts.append(f"到资{percent}%，已达到签约金额")
        if jobs_gap > 0:
            parts.append(f"就业尚差{jobs_gap}人")
        elif g.jobs_committed:
            parts.append("就业已达承诺")
        lines.append(
            GapLine(
                g.key,
                g.label,
                g.currency,
                g.projects,
                g.signed_amount,
                g.capital_arrived,
                g.realised_capex,
                gap,
                percent,
                g.jobs_committed,
                g.jobs_realised,
                jobs_gap,
                "；".join(parts),
            )
        )
    return tuple(lines)


def _plain(amount: Decimal) -> str:
    """Human amount: 1.25亿 / 380万 / 950."""
    value = abs(amount)
    if value >= Decimal("100000000"):
        return f"{(amount / Decimal('100000000')).quantize(Decimal('0.01'))}亿"
    if value >= Decimal("10000"):
        return f"{(amount / Decimal('10000')).quantize(Decimal('0.01'))}万"
    return f"{amount.quantize(Decimal('0.01'))}"


def is_overdue(follow_up_ordinal: int | None, today_ordinal: int, stage: str) -> bool:
    """A follow-up is overdue when its date has passed and the project is still open."""
    if follow_up_ordinal is None or stage == LOST:
        return False
    return follow_up_ordinal < today_ordinal and 0 <= stage_index(stage) < len(STAGE_ORDER) - 1
