"""Grant-to-equity funding (拨投结合): when a grant tranche may be converted to equity.

A grant tranche names the gate whose passing converts it ("the milestone"); once the project has
passed that gate the grant may be converted to an equity stake, once. Angel and equity tranches
are equity from the start and never convert.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .gates import gate_label, gates_for

GRANT = "grant"
EQUITY = "equity"
ANGEL = "angel"
KIND_LABELS: dict[str, str] = {GRANT: "财政拨款（拨投结合）", EQUITY: "股权投资", ANGEL: "天使基金"}


@dataclass(frozen=True)
class TrancheFacts:
    """One funding tranche and the project's progress, as the conversion check needs them."""

    kind: str
    amount: Decimal
    converts_on_gate: str
    is_converted: bool
    product_type: str
    passed_gates: frozenset[str]


@dataclass(frozen=True)
class ConversionCheck:
    """Whether the tranche may convert now, with the reasons if not."""

    reasons: tuple[str, ...]

    @property
    def allowed(self) -> bool:
        return not self.reasons

    @property
    def message(self) -> str:
        return "；".join(self.reasons)


def check_conversion(facts: TrancheFacts, *, equity_percent: Decimal) -> ConversionCheck:
    """May this grant tranche be converted to an equity stake of `equity_percent` %?"""
    reasons: list[str] = []
    if facts.kind != GRANT:
        reasons.append(f"只有财政拨款可转为股权，本笔为{KIND_LABELS.get(facts.kind, facts.kind)}")
    if facts.is_converted:
        reasons.append("该笔拨款已转股，不能重复转换")
    if not facts.converts_on_gate:
        reasons.append("该笔拨款未约定转股节点")
    elif facts.converts_on_gate not in gates_for(facts.product_type):
        reasons.append(f"约定的转股节点“{gate_label(facts.converts_on_gate)}”不适用于该产品类型")
    elif facts.converts_on_gate not in facts.passed_gates:
        reasons.append(
            f"项目尚未通过约定的转股节点“{gate_label(facts.converts_on_gate)}”，暂不能转股"
        )
    if not (Decimal("0") < equity_percent <= Decimal("100")):
        reasons.append("转股比例须大于0且不超过100%")
    return ConversionCheck(tuple(reasons))
