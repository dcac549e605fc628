"""Planning exchange rates used to add amounts in other currencies to yuan figures.

The bureau reports at one rate per year, not the daily market rate; the cockpit's definitions
page states them. Here (below every app) so that the summary rows a domain app keeps and the
cockpit's figures convert the same way.
"""

from __future__ import annotations

from decimal import Decimal

YUAN_RATES: dict[str, Decimal] = {
    "CNY": Decimal("1"),
    "USD": Decimal("7.2"),
    "EUR": Decimal("7.8"),
    "HKD": Decimal("0.92"),
}


def to_yuan(amount: Decimal, currency: str) -> Decimal:
    """``amount`` in yuan at the planning rate of ``currency`` (unknown currency: refused)."""
    rate = YUAN_RATES.get(currency)
    if rate is None:
        raise ValueError(f"没有币种{currency}的折算汇率")
    return (amount * rate).quantize(Decimal("0.01"))
