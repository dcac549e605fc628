"""Grant-to-equity positions (拨投结合): each grant tranche from payment to conversion and exit.

A grant tranche names the stage gate whose passing converts it to equity (the conversion
milestone) and, in the agreement, the date by which the gate should be passed. As of a date:

- milestone ``met`` (the gate passed on or before the due date, or no due date was agreed),
  ``met_late`` (passed after it), ``missed`` (the due date is past and the gate is not passed),
  ``open`` (not passed, not yet due);
- a tranche is ``converted`` once converted, ``convertible`` when its milestone is reached but it
  is not converted yet, else its milestone's state;
- equity held = the percentage received at conversion minus the percentages sold at exits; its
  value at conversion = held % × the post-money valuation the conversion used.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

MET = "met"
MET_LATE = "met_late"
MISSED = "missed"
OPEN = "open"
MILESTONE_LABELS = {MET: "按期达成", MET_LATE: "逾期达成", MISSED: "逾期未达成", OPEN: "未到期"}

CONVERTED = "converted"
CONVERTIBLE = "convertible"
POSITION_LABELS = {
    CONVERTED: "已转股",
    CONVERTIBLE: "节点已达成，待转股",
    MISSED: "节点逾期未达成",
    OPEN: "未到转股节点",
}
HUNDRED = Decimal("100")


@dataclass(frozen=True, slots=True)
class ExitFact:
    key: int
    exited_on: dt.date
    percent_sold: Decimal
    proceeds_yuan: Decimal


@dataclass(frozen=True, slots=True)
class GrantFacts:
    """One grant tranche with its project's progress and what happened to the equity."""

    key: int
    project_key: int
    amount_yuan: Decimal
    granted_on: dt.date
    gate_passed_on: dt.date | None
    milestone_due_on: dt.date | None
    converted_on: dt.date | None = None
    equity_percent: Decimal | None = None
    valuation_yuan: Decimal | None = None
    exits: tuple[ExitFact, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class Position:
    """What the portfolio page shows for one tranche."""

    facts: GrantFacts
    milestone: str
    status: str
    equity_held_percent: Decimal
    held_value_yuan: Decimal | None
    exit_proceeds_yuan: Decimal

    @property
    def milestone_label(self) -> str:
        return MILESTONE_LABELS[self.milestone]

    @property
    def status_label(self) -> str:
        return POSITION_LABELS.get(self.status, MILESTONE_LABELS.get(self.status, self.status))


def milestone_state(facts: GrantFacts, as_of: dt.date) -> str:
    """met / met_late / missed / open for the tranche's conversion milestone."""
    passed = (
        facts.gate_passed_on if facts.gate_passed_on and facts.gate_passed_on <= as_of else None
    )
    due = facts.milestone_due_on
    if passed is not None:
        return MET_LATE if due is not None and passed > due else MET
    if due is not None and as_of > due:
        return MISSED
    return OPEN


def position(facts: GrantFacts, as_of: dt.date) -> Position:
    """The tranche's position as of ``as_of``."""
    milestone = milestone_state(facts, as_of)
    converted = facts.converted_on is not None and facts.converted_on <= as_of
    if converted:
        status = CONVERTED
    elif milestone in {MET, MET_LATE}:
        status = CONVERTIBLE
    else:
        status = milestone
    received = facts.equity_percent if converted and facts.equity_percent is not None else None
    sold = sum((e.percent_sold for e in facts.exits if e.exited_on <= as_of), Decimal("0"))
    proceeds = sum((e.proceeds_yuan for e in facts.exits if e.exited_on <= as_of), Decimal("0"))
    held = max(Decimal("0"), (received or Decimal("0")) - sold)
    value = (
        (held / HUNDRED * facts.valuation_yuan).quantize(Decimal("0.01"))
        if received is not None and facts.valuation_yuan is not None
        else None
    )
    return Position(facts, milestone, status, held, value, proceeds)


@dataclass(frozen=True, slots=True)
class PortfolioTotals:
    """Figures of the portfolio page; every figure carries the tranche keys it counts."""

    paid: tuple[int, ...]
    paid_yuan: Decimal
    by_status: dict[str, tuple[int, ...]]
    by_milestone: dict[str, tuple[int, ...]]
    converted_yuan: Decimal
    held: tuple[int, ...]
    held_value_yuan: Decimal
    exited: tuple[int, ...]
    exit_proceeds_yuan: Decimal


def portfolio_totals(positions: Iterable[Position]) -> PortfolioTotals:
    """Sum the positions; each count lists the tranches it is made of."""
    items = list(positions)
    by_status: dict[str, list[int]] = {k: [] for k in POSITION_LABELS}
    by_milestone: dict[str, list[int]] = {k: [] for k in MILESTONE_LABELS}
    for p in items:
        by_status.setdefault(p.status, []).append(p.facts.key)
        by_milestone[p.milestone].append(p.facts.key)
    return PortfolioTotals(
        paid=tuple(p.facts.key for p in items),
        paid_yuan=sum((p.facts.amount_yuan for p in items), Decimal("0")),
        by_status={k: tuple(v) for k, v in by_status.items()},
        by_milestone={k: tuple(v) for k, v in by_milestone.items()},
        converted_yuan=sum(
            (p.facts.amount_yuan for p in items if p.status == CONVERTED), Decimal("0")
        ),
        held=tuple(p.facts.key for p in items if p.held_value_yuan),
        held_value_yuan=sum((p.held_value_yuan for p in items if p.held_value_yuan), Decimal("0")),
        exited=tuple(p.facts.key for p in items if p.exit_proceeds_yuan > 0 or p.facts.exits),
        exit_proceeds_yuan=sum((p.exit_proceeds_yuan for p in items), Decimal("0")),
    )


def conversion_percent(amount_yuan: Decimal, post_money_yuan: Decimal) -> Decimal:
    """The equity a grant buys at a post-money valuation: amount / valuation × 100 (3 places)."""
    if post_money_yuan <= 0:
        raise ValueError("转股估值须大于0")
    if amount_yuan > post_money_yuan:
        raise ValueError("转股估值不能低于拨款金额")
    return (amount_yuan / post_money_yuan * HUNDRED).quantize(Decimal("0.001"))
