"""Money in its own currency: 3.57亿人民币, 1,200.00万美元 (never a bare 元 for USD)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from ..engine.figures import CURRENCY_LABELS

register = template.Library()


@register.filter
def money(value: Any, currency: str = "CNY") -> str:
    if value in (None, ""):
        return "—"
    amount = Decimal(str(value))
    unit = CURRENCY_LABELS.get(currency, currency)
    if abs(amount) >= Decimal(100_000_000):
        return f"{amount / Decimal(100_000_000):,.2f}亿{unit}"
    if abs(amount) >= Decimal(10_000):
        return f"{amount / Decimal(10_000):,.2f}万{unit}"
    return f"{amount:,.2f}{unit}"


@register.filter
def percent_width(value: Any, whole: Any) -> int:
    """Bar width in percent (0–100) for simple inline bars."""
    try:
        part, total = float(value or 0), float(whole or 0)
    except (TypeError, ValueError):
        return 0
    return 0 if total <= 0 else max(0, min(100, round(100 * part / total)))
