"""Money rules of a round: amounts in yuan, a close against its round, a term sheet's share.

USD converts at the rate RESOURCES.md fixes for matching (7.2) unless a record states its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

USD_RATE = Decimal("7.2")


def to_yuan(amount: Decimal, currency: str, rate: Decimal | None = None) -> Decimal:
    """``amount`` in yuan (USD at ``rate`` or 7.2)."""
    if currency == "CNY":
        return amount
    if currency == "USD":
        return (amount * (rate or USD_RATE)).quantize(Decimal("0.01"))
    raise ValueError(f"不支持的币种：{currency}")


def format_yuan(amount: Decimal | float | int | None) -> str:
    """1.5亿 / 3000万 / 80万元 (Chinese, as officers write amounts)."""
    if amount is None:
        return "未知"
    value = Decimal(str(amount))
    if value >= Decimal("100000000"):
        return f"{(value / Decimal('100000000')).normalize():f}亿元"
    if value >= Decimal("10000"):
        return f"{(value / Decimal('10000')).quantize(Decimal('0.01')).normalize():f}万元"
    return f"{value.quantize(Decimal('0.01')).normalize():f}元"


@dataclass(frozen=True, slots=True)
class CloseCheck:
    reasons: tuple[str, ...]

    @property
    def allowed(self) -> bool:
        return not self.reasons

    @property
    def message(self) -> str:
        return "；".join(self.reasons)


@dataclass(frozen=True, slots=True)
class ShareFacts:
    investor_key: int
    amount: Decimal
    is_lead: bool


def check_close(
    *,
    round_amount: Decimal,
    closed_before: Decimal,
    amount: Decimal,
    shares: Iterable[ShareFacts],
    lead_key: int | None,
) -> CloseCheck:
    """May a close of ``amount`` be recorded for a round of ``round_amount`` (same currency)
    of which ``closed_before`` is already closed, split into ``shares``?"""
    reasons: list[str] = []
    parts = list(shares)
    if amount <= 0:
        reasons.append("交割金额须大于0")
    if closed_before + amount > round_amount:
        reasons.append(
            f"交割金额{format_yuan(amount)}"
            + (f"与此前已交割的{format_yuan(closed_before)}合计" if closed_before else "")
            + f"超过本轮融资额{format_yuan(round_amount)}，请核对金额或先修改融资需求"
        )
    if not parts:
        reasons.append("请至少登记一家参与交割的投资方及其金额")
    else:
        if any(p.amount <= 0 for p in parts):
            reasons.append("每家投资方的交割金额须大于0")
        total = sum((p.amount for p in parts), Decimal("0"))
        if total != amount:
            reasons.append(
                f"各投资方金额合计{format_yuan(total)}与交割金额{format_yuan(amount)}不一致"
            )
        keys = [p.investor_key for p in parts]
        if len(set(keys)) != len(keys):
            reasons.append("同一投资方在一次交割中只能登记一次")
        if lead_key is None:
            reasons.append("请指明本轮的领投方")
        elif lead_key not in keys:
            reasons.append("领投方须是参与本次交割的投资方之一")
    return CloseCheck(tuple(reasons))
