"""Return investment of a fund (返投): investment into district companies against the basis
its agreement names, promised vs realised.

A partnership agreement between a district and a fund states a ratio and what it applies to:
"返投比例不低于1.5倍" of the district's own contribution, of the fund's committed size, or of the
capital paid in. ``return_ledger`` computes, as of a date:

- the basis amount (from the agreement's basis) and the amount required (basis × promised ratio);
- the investments that count: made by the fund (or, for a guidance fund, by its sub-funds) on or
  before the as-of date into a company registered in the district when the investment was made,
  not reversed; every other investment is listed with the reason it does not count;
- the realised amount and ratio (realised / basis) and what is still missing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

DISTRICT_CONTRIBUTION = "district_contribution"
FUND_SIZE = "fund_size"
PAID_IN = "paid_in"
BASIS_LABELS: dict[str, str] = {
    DISTRICT_CONTRIBUTION: "区级出资额",
    FUND_SIZE: "基金认缴规模",
    PAID_IN: "基金实缴规模",
}


@dataclass(frozen=True, slots=True)
class FundTerms:
    """What the agreement says: the basis, its amount, and the promised ratio (倍)."""

    basis: str
    basis_amount: Decimal
    promised_ratio: Decimal


@dataclass(frozen=True, slots=True)
class InvestmentFact:
    """One investment by the fund or one of its sub-funds."""

    key: int
    amount_yuan: Decimal
    invested_on: dt.date
    is_district_company: bool
    is_reversed: bool = False
    via: str = ""  # the sub-fund's name when made by a sub-fund


@dataclass(frozen=True, slots=True)
class ReturnLedger:
    """Promised vs realised, with the investments counted and those left out (and why)."""

    basis: str
    basis_amount: Decimal
    promised_ratio: Decimal
    required_amount: Decimal
    realised_amount: Decimal
    counted: tuple[int, ...]
    excluded: tuple[tuple[int, str], ...]

    @property
    def realised_ratio(self) -> Decimal | None:
        """realised / basis (None when the basis is zero: the page says why)."""
        if self.basis_amount <= 0:
            return None
        return (self.realised_amount / self.basis_amount).quantize(Decimal("0.01"))

    @property
    def shortfall(self) -> Decimal:
        """What is still to be invested in the district to meet the promise (0 when met)."""
        return max(Decimal("0"), self.required_amount - self.realised_amount)

    @property
    def is_met(self) -> bool:
        return self.realised_amount >= self.required_amount


def return_ledger(
    terms: FundTerms, investments: Iterable[InvestmentFact], as_of: dt.date
) -> ReturnLedger:
    """The 返投 ledger as of ``as_of`` (see the module docstring for what counts)."""
    if terms.basis not in BASIS_LABELS:
        raise ValueError(f"未知的返投计算基数：{terms.basis}")
    counted: list[int] = []
    excluded: list[tuple[int, str]] = []
    realised = Decimal("0")
    for item in sorted(investments, key=lambda i: (i.invested_on, i.key)):
        if item.invested_on > as_of:
            excluded.append((item.key, f"投资日期晚于统计日（{as_of:%Y-%m-%d}）"))
        elif item.is_reversed:
            excluded.append((item.key, "投资已撤回或未实际到账"))
        elif not item.is_district_company:
            excluded.append((item.key, "被投企业投资时不在本区注册"))
        else:
            counted.append(item.key)
            realised += item.amount_yuan
    required = (terms.basis_amount * terms.promised_ratio).quantize(Decimal("0.01"))
    return ReturnLedger(
        basis=terms.basis,
        basis_amount=terms.basis_amount,
        promised_ratio=terms.promised_ratio,
        required_amount=required,
        realised_amount=realised,
        counted=tuple(counted),
        excluded=tuple(excluded),
    )
