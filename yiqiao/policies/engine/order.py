"""The order in which a policy names its fields (conditions first, then the benefit), so that
missing fields are always listed the same way, whatever path computed them."""

from __future__ import annotations

from collections.abc import Mapping

from .evaluate import Sources
from .expr import AS_OF, Agg, AwardOf, Bin, Call, Expr, Neg, Received, Var
from .fields import AWARDS_RECEIVED, FieldDictionary
from .model import (
    Atom,
    Benefit,
    Combine,
    DateRef,
    Fixed,
    Formula,
    Group,
    PerItem,
    PerUnit,
    PolicyVersion,
    Rate,
    Table,
    Tiers,
    When,
)


def names_in_order(version: PolicyVersion, fields: FieldDictionary) -> dict[str, int]:
    """Every name the version may report missing → its rank of first appearance."""
    params = frozenset(version.parameters)
    out: dict[str, int] = {}

    def add(name: str) -> None:
        if name not in out and name not in params and name != AS_OF:
            out[name] = len(out)

    def expr(node: Expr, item: str | None) -> None:
        if isinstance(node, Var):
            add(f"{item}.{node.name}" if item and _is_item(fields, item, node.name) else node.name)
        elif isinstance(node, Neg):
            expr(node.operand, item)
        elif isinstance(node, Bin):
            expr(node.left, item)
            expr(node.right, item)
        elif isinstance(node, Call):
            for arg in node.args:
                expr(arg, item)
        elif isinstance(node, Agg):
            add(node.list)
            if node.where is not None:
                cond(node.where, node.list)
            if node.value is not None:
                expr(node.value, node.list)
        elif isinstance(node, Received):
            add(AWARDS_RECEIVED)
        elif isinstance(node, AwardOf):
            add(f"award:{node.policy}")

    def cond(node: Atom | Group, item: str | None) -> None:
        if isinstance(node, Group):
            for child in node.children:
                cond(child, item)
            return
        if node.field is not None:
            add(
                f"{item}.{node.field}"
                if item and _is_item(fields, item, node.field)
                else node.field
            )
        if node.expr is not None:
            expr(node.expr, item)
        if isinstance(node.operand, DateRef) and node.operand.field is not None:
            name = node.operand.field
            add(f"{item}.{name}" if item and _is_item(fields, item, name) else name)

    def benefit(node: Benefit, item: str | None) -> None:
        if isinstance(node, Fixed):
            expr(node.amount, item)
        elif isinstance(node, Rate):
            expr(node.base, item)
            expr(node.rate, item)
        elif isinstance(node, PerUnit):
            expr(node.quantity, item)
            expr(node.amount, item)
        elif isinstance(node, Formula):
            expr(node.expr, item)
        elif isinstance(node, Tiers):
            expr(node.base, item)
        elif isinstance(node, Table):
            add(f"{item}.{node.by}" if item and _is_item(fields, item, node.by) else node.by)
            for _, cell in node.rows:
                benefit(cell, item)
            if node.default is not None:
                benefit(node.default, item)
        elif isinstance(node, When):
            for branch_condition, branch in node.branches:
                cond(branch_condition, item)
                benefit(branch, item)
            if node.otherwise is not None:
                benefit(node.otherwise, item)
        elif isinstance(node, PerItem):
            add(node.list)
            if node.where is not None:
                cond(node.where, node.list)
            benefit(node.amount, node.list)
        elif isinstance(node, Combine):
            for part in node.parts:
                benefit(part, item)
        cap = getattr(node, "cap", None)
        if cap is not None:
            expr(cap, item)

    cond(version.conditions, None)
    benefit(version.benefit, None)
    return out


def _is_item(fields: FieldDictionary, item: str, name: str) -> bool:
    spec = fields.get(item)
    return spec is not None and spec.items is not None and name in spec.items


def ordered(sources: Sources, order: Mapping[str, int]) -> tuple[str, ...]:
    """The names of ``sources`` that apply to row 0, in the policy's order."""
    names = [name for name, rows in sources.items() if bool(rows[0])]
    return tuple(sorted(names, key=lambda n: (order.get(n, len(order)), n)))
