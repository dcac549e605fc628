"""An investor's portfolio read against a financing need: conflicts and precedents.

- **follow-on**: the investor already holds the company raising (a precedent of the strongest
  kind: existing investors often take part again);
- **conflict**: within the last ``CONFLICT_YEARS`` years the investor took equity in another
  company in one of the need's specific sectors (two IVD companies; not merely two "device"
  companies). Funds avoid backing direct competitors, so the officer is warned; it does not
  exclude the investor (it may still be interested), it ranks it after those without a conflict
  among results of the same standing;
- **precedent**: the investor took equity at the same round in a company of the same umbrella
  field (drugs, devices; a field without an umbrella is its own): a fund that did a B round in
  imaging is a precedent for an IVD B round.

Loans, leases and pledges carry no conflict: a bank lends to competitors every day.

The ranking engine reads these as predicates on ``investor.portfolio`` (``rank.check``, the ops in
``PORTFOLIO_OPS``): the capital shortlist states them as preferences of a financing need.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from yiqiao.vocab import SECTOR_UMBRELLA, SECTOR_UMBRELLAS

CONFLICT_YEARS = 5
EQUITY_INSTRUMENTS = frozenset({"equity", "convertible", "grant_to_equity"})


@dataclass(frozen=True, slots=True)
class Holding:
    """One portfolio line: the investor's position in a company at a round."""

    key: int
    company_key: int | None
    company_name: str
    sectors: tuple[str, ...]
    round: str
    year: int | None
    is_equity: bool = True


@dataclass(frozen=True, slots=True)
class NeedFacts:
    """What the need says that a portfolio is read against."""

    company_key: int | None
    sectors: tuple[str, ...]
    round: str
    instruments: tuple[str, ...]
    year: int


@dataclass(frozen=True, slots=True)
class Signal:
    holding: Holding
    line: str


@dataclass(frozen=True, slots=True)
class PortfolioSignals:
    follow_on: tuple[Signal, ...]
    conflicts: tuple[Signal, ...]
    precedents: tuple[Signal, ...]

    def lines(self) -> list[str]:
        """✓ for follow-on and precedents, ✗ for conflicts (Chinese)."""
        return (
            [f"✓ {s.line}" for s in self.follow_on]
            + [f"✗ {s.line}" for s in self.conflicts]
            + [f"✓ {s.line}" for s in self.precedents]
        )


def _when(h: Holding) -> str:
    return f"{h.year}年" if h.year else "年份不详"


def _umbrellas(sectors: Iterable[str]) -> set[str]:
    """The umbrellas a sector list falls under (a member gives its umbrella; healthcare_general
    every umbrella but synthetic biology's own field)."""
    out: set[str] = set()
    for s in sectors:
        if s == "healthcare_general":
            out |= {"drug", "device"}
        elif s in SECTOR_UMBRELLAS:
            out.add(s)
        elif s in SECTOR_UMBRELLA:
            out.add(SECTOR_UMBRELLA[s])
        else:
            out.add(s)  # a field without an umbrella (synthetic biology, CRO/CDMO) is its own
    return out


def _specific(sectors: Iterable[str]) -> set[str]:
    return {s for s in sectors if s not in SECTOR_UMBRELLAS}


def read_portfolio(need: NeedFacts, holdings: Iterable[Holding]) -> PortfolioSignals:
    """Follow-on, conflicts and precedents of one investor's holdings for one need."""
    follow: list[Signal] = []
    conflicts: list[Signal] = []
    precedents: list[Signal] = []
    wants_equity = bool(set(need.instruments) & EQUITY_INSTRUMENTS) or not need.instruments
    need_specific = _specific(need.sectors)
    for h in sorted(holdings, key=lambda x: (-(x.year or 0), x.key)):
        if need.company_key is not None and h.company_key == need.company_key:
            follow.append(Signal(h, f"已投资该企业（{h.round or '轮次不详'}，{_when(h)}）"))
            continue
        if not h.is_equity:
            continue
        shared = need_specific & _specific(h.sectors)
        recent = h.year is None or need.year - h.year <= CONFLICT_YEARS
        if wants_equity and shared and recent:
            conflicts.append(
                Signal(h, f"可能的投资冲突：已投同领域企业“{h.company_name}”（{_when(h)}）")
            )
            continue
        related = bool(_umbrellas(h.sectors) & _umbrellas(need.sectors))
        if h.round and h.round == need.round and related:
            precedents.append(
                Signal(h, f"同轮次同领域先例：投资“{h.company_name}”{h.round}轮（{_when(h)}）")
            )
    return PortfolioSignals(tuple(follow), tuple(conflicts), tuple(precedents[:3]))


T = TypeVar("T")


def reorder(
    items: Sequence[T], standing: Sequence[int], signals: Sequence[PortfolioSignals]
) -> list[T]:
    """Reorder results within each standing (0 = meets every requirement, 1 = some unknown …):
    follow-on first, conflicts last, more precedents earlier; the matcher's order breaks ties.
    A result never moves across standings, so a broken requirement never outranks a met one."""
    order = sorted(
        range(len(items)),
        key=lambda i: (
            standing[i],
            0 if signals[i].follow_on else 1,
            1 if signals[i].conflicts else 0,
            -len(signals[i].precedents),
            i,
        ),
    )
    return [items[i] for i in order]


#: Predicates on ``investor.portfolio`` (a tuple of ``Holding``); the value is the ``NeedFacts``.
PORTFOLIO_OPS = frozenset({"follow_on", "no_conflict", "precedent"})


def portfolio_check(op: str, need: NeedFacts, holdings: Iterable[Holding]) -> bool:
    """``follow_on``: the investor holds the company raising; ``no_conflict``: no recent equity
    in a rival of the same specific sector; ``precedent``: the same round in the same field."""
    signals = read_portfolio(need, holdings)
    if op == "follow_on":
        return bool(signals.follow_on)
    if op == "no_conflict":
        return not signals.conflicts
    if op == "precedent":
        return bool(signals.precedents)
    raise ValueError(f"unknown portfolio predicate: {op}")
