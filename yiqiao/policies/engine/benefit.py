"""The Chinese trace of a benefit for one enterprise: how the amount was reached, part by part
(``min(上年度研发投入 6000万元 × 10%, 上限 500万元) = 500万元``).

Amounts in the trace are the ones :mod:`.evaluate` computes on the same frame, so the text and
the amount never disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from .evaluate import (
    aggregate,
    benefit_value,
    condition,
    expr_value,
    per_item_amounts,
    received_sum,
    table_rows,
)
from .expr import Agg, AwardOf, Bin, Call, Expr, Neg, Num, Received, render, special_key, variables
from .fields import FieldDictionary
from .frame import Frame, ItemFrame
from .model import Benefit, Combine, Fixed, Formula, PerItem, PerUnit, Rate, Table, Tiers, When
from .texts import show_value
from .values import format_money, format_number

Trace = tuple[float | None, str]


class Tracer:
    """Renders benefits on a one-row frame (or one item of it)."""

    def __init__(
        self,
        fields: FieldDictionary,
        params: Mapping[str, float],
        labels: Mapping[str, tuple[str, str]],
    ) -> None:
        self.fields = fields
        self.params = params
        self.labels = labels

    # -- values ---------------------------------------------------------------------------------

    def _specials(self, node: Expr, out: dict[str, Expr]) -> None:
        if isinstance(node, Agg | Received | AwardOf):
            out[special_key(node)] = node
        elif isinstance(node, Bin):
            self._specials(node.left, out)
            self._specials(node.right, out)
        elif isinstance(node, Neg):
            self._specials(node.operand, out)
        elif isinstance(node, Call):
            for arg in node.args:
                self._specials(arg, out)

    def show_expr(self, node: Expr, frame: Frame, row: int = 0) -> str:
        """``node`` rendered with every name followed by its value at ``row``."""
        specials: dict[str, Expr] = {}
        self._specials(node, specials)

        def show(name: str) -> str:
            if name in specials:
                return self._show_special(specials[name], frame, row)
            if name in self.params and name not in self.fields:
                label, unit = self.labels.get(name, (name, ""))
                return f"{label} {format_number(self.params[name], unit)}"
            spec = frame.spec(name)
            if spec is None:
                return name
            values, missing, vocab = frame.raw(name)
            if missing is not None and missing[row]:
                return f"{spec.label}（缺数据）"
            return f"{spec.label} {_decoded(spec, values[row], vocab)}"

        return render(node, show)

    def _show_special(self, node: Expr, frame: Frame, row: int) -> str:
        if isinstance(node, Agg):
            values, missing, _ = aggregate(node, frame, self.params)
            unit = "条" if node.kind == "count" else "元"
            shown = (
                "（缺数据）"
                if missing is not None and missing[row]
                else format_number(float(values[row]), unit)
            )
            return f"{node.label} {shown}"
        if isinstance(node, Received):
            got = received_sum(node, frame)
            return f"已获（{'、'.join(node.patterns)}）{format_money(float(got[row]))}"
        assert isinstance(node, AwardOf)
        values, missing = frame.awards.get(node.policy, (np.zeros(frame.size), None))
        if missing is not None and missing[row]:
            return f"政策 {node.policy} 的奖励（待定）"
        return f"政策 {node.policy} 的奖励 {format_money(float(values[row]))}"

    def number(self, node: Expr, frame: Frame, row: int = 0) -> tuple[float | None, str]:
        """Value and text of an amount, rate or cap (a constant shows as itself)."""
        value = expr_value(node, frame, self.params)
        amount = (
            None if value.missing is not None and value.missing[row] else float(value.values[row])
        )
        if not (variables(node) - set(self.params)) and not isinstance(
            node, Agg | Received | AwardOf
        ):
            return amount, node.text if isinstance(node, Num) and "%" in node.text else (
                format_money(amount) if amount is not None else "?"
            )
        return amount, self.show_expr(node, frame, row)

    # -- benefits -------------------------------------------------------------------------------

    def trace(self, benefit: Benefit, frame: Frame, row: int = 0) -> Trace:
        """(amount or None when data is missing, text) of ``benefit`` at ``row``."""
        values, missing = benefit_value(benefit, frame, self.params)
        amount = None if missing is not None and missing[row] else float(values[row])
        body, raw = self._body(benefit, frame, row)
        cap = getattr(benefit, "cap", None)
        if cap is not None and amount is not None:
            _, cap_text = self.number(cap, frame, row)
            if not cap_text.startswith("上限"):
                cap_text = f"上限 {cap_text}"
            inner = body.rsplit(" = ", 1)[0] if " = " in body else body
            return amount, f"min({inner}, {cap_text}) = {format_money(amount)}"
        if amount is None:
            return None, body if "缺" in body else f"{body}（缺少数据）"
        if raw is not None and raw < 0 and amount == 0:
            return amount, f"{body}；不足零按 0元"
        return amount, body

    def _body(self, benefit: Benefit, frame: Frame, row: int) -> tuple[str, float | None]:
        """The trace text before any cap, and the raw (unfloored) value where one exists."""
        if isinstance(benefit, Fixed):
            value, text = self.number(benefit.amount, frame, row)
            return (f"定额 {text}" if not text.startswith("定额") else text), value
        if isinstance(benefit, Rate | PerUnit):
            base_expr = benefit.base if isinstance(benefit, Rate) else benefit.quantity
            factor_expr = benefit.rate if isinstance(benefit, Rate) else benefit.amount
            base = expr_value(base_expr, frame, self.params)
            factor, factor_text = self.number(factor_expr, frame, row)
            shown = self.show_expr(base_expr, frame, row)
            if base.missing is not None and base.missing[row]:
                return f"{shown}（缺少数据）", None
            raw = float(base.values[row]) * (factor or 0.0)
            if isinstance(benefit, Rate):
                if not variables(factor_expr) - set(self.params):
                    factor_text = format_number(factor or 0.0, "%")
                return f"{shown} × {factor_text} = {format_money(raw)}", raw
            return f"每单位 {factor_text} × {shown} = {format_money(raw)}", raw
        if isinstance(benefit, Formula):
            evaluated = expr_value(benefit.expr, frame, self.params)
            shown = self.show_expr(benefit.expr, frame, row)
            if evaluated.missing is not None and evaluated.missing[row]:
                return f"{shown}（缺少数据）", None
            raw = float(evaluated.values[row])
            return f"{shown} = {format_money(raw)}", raw
        if isinstance(benefit, Tiers):
            return self._tiers(benefit, frame, row), None
        if isinstance(benefit, Table):
            return self._table(benefit, frame, row), None
        if isinstance(benefit, When):
            return self._when(benefit, frame, row), None
        if isinstance(benefit, PerItem):
            return self._per_item(benefit, frame, row), None
        assert isinstance(benefit, Combine)
        parts = [self.trace(p, frame, row) for p in benefit.parts]
        inner = "；".join(text for _, text in parts)
        if any(a is None for a, _ in parts):
            return f"{benefit.kind}({inner})", None
        values, _ = benefit_value(benefit, frame, self.params)
        return f"{benefit.kind}({inner}) = {format_money(float(values[row]))}", None

    def _tiers(self, benefit: Tiers, frame: Frame, row: int) -> str:
        base = expr_value(benefit.base, frame, self.params)
        shown = self.show_expr(benefit.base, frame, row)
        if base.missing is not None and base.missing[row]:
            return f"{shown}（缺少数据）"
        value = float(base.values[row])
        chosen = None
        for bracket in benefit.brackets:
            lower, _ = self.number(bracket.lower, frame, row)
            if lower is not None and value >= lower:
                chosen = (lower, bracket)
        if chosen is None:
            first, _ = self.number(benefit.brackets[0].lower, frame, row)
            return f"{shown} 未达最低档 {format_money(first or 0.0)} = 0元"
        lower, bracket = chosen
        if bracket.amount is not None:
            amount, _ = self.number(bracket.amount, frame, row)
            return f"{shown} ≥ {format_money(lower)} 档 = {format_money(amount or 0.0)}"
        assert bracket.rate is not None
        rate, _ = self.number(bracket.rate, frame, row)
        result = value * (rate or 0.0)
        return (
            f"{shown} ≥ {format_money(lower)} 档：{shown} × {format_number(rate or 0.0, '%')} = "
            f"{format_money(result)}"
        )

    def _table(self, benefit: Table, frame: Frame, row: int) -> str:
        spec = frame.spec(benefit.by)
        label = spec.label if spec else benefit.by
        selector, missing = table_rows(benefit, frame)
        if missing is not None and missing[row]:
            return f"{label}（缺少数据）"
        values, _, vocab = frame.raw(benefit.by)
        shown = f"{label} {_decoded(spec, values[row], vocab)}"
        position = int(selector[row])
        if position < len(benefit.rows):
            cell = benefit.rows[position][1]
            amount, text = self.trace(cell, frame, row)
            if isinstance(cell, Fixed) and amount is not None:
                return f"{shown} 对应 {format_money(amount)}"
            return f"{shown}：{text}"
        if benefit.default is not None:
            amount, text = self.trace(benefit.default, frame, row)
            if isinstance(benefit.default, Fixed) and amount is not None:
                return f"{shown} 无对应档次，按默认 {format_money(amount)}"
            return f"{shown} 无对应档次，按默认：{text}"
        return f"{shown} 无对应档次 = 0元"

    def _when(self, benefit: When, frame: Frame, row: int) -> str:
        for branch_condition, branch in benefit.branches:
            truth, not_false = condition(branch_condition, frame, self.params)
            label = _condition_text(self, branch_condition, frame)
            if truth[row]:
                return f"符合「{label}」：{self.trace(branch, frame, row)[1]}"
            if not_false[row]:
                return f"「{label}」待补充数据"
        if benefit.otherwise is not None:
            return f"其他情形：{self.trace(benefit.otherwise, frame, row)[1]}"
        return "均不符合各情形 = 0元"

    def _per_item(self, benefit: PerItem, frame: Frame, row: int) -> str:
        items = frame.items(benefit.list)
        spec = self.fields.get(benefit.list)
        label = spec.label if spec else benefit.list
        _, list_missing, _ = frame.raw(benefit.list)
        if list_missing is not None and list_missing[row]:
            return f"{label}（缺少数据）"
        kept, unknown = per_item_amounts(benefit, items, self.params)
        mine = np.flatnonzero(items.owner == row)
        parts = []
        for number, k in enumerate(mine.tolist(), start=1):
            if unknown[k]:
                parts.append(f"第{number}项 待补充数据")
            elif kept[k] > 0:
                one = ItemFrame(
                    frame, items.table, _item_index(items, k), np.zeros(1, dtype=np.int64)
                )
                text = self.trace(benefit.amount, one, 0)[1]
                parts.append(
                    f"第{number}项 {text}"
                    if not text.startswith("定额")
                    else f"第{number}项 {format_money(float(kept[k]))}"
                )
        total = float(kept[mine].sum()) if mine.size else 0.0
        listed = "；".join(parts) if parts else "无符合条件的项"
        return f"{label}逐项：{listed}；合计 {format_money(total)}"


def _item_index(items: ItemFrame, k: int) -> np.ndarray:
    absolute = k if items.index is None else int(items.index[k])
    return np.array([absolute], dtype=np.int64)


def _decoded(spec: object, raw: object, vocab: tuple[str, ...]) -> str:
    from .fields import FieldSpec
    from .snapshot import EPOCH

    assert isinstance(spec, FieldSpec)
    if spec.type in ("enum", "str"):
        return spec.value_label(vocab[int(raw)])  # type: ignore[call-overload]
    if spec.type == "date":
        from datetime import timedelta

        return show_value(spec, "", EPOCH + timedelta(days=int(raw)))  # type: ignore[call-overload]
    if spec.type == "bool":
        return "是" if bool(raw) else "否"
    if spec.type == "set":
        bits = int(raw)  # type: ignore[call-overload]
        return show_value(spec, "", frozenset(c for i, c in enumerate(vocab) if bits >> i & 1))
    if spec.type == "int" or spec.type == "list":
        return format_number(float(raw), spec.unit if spec.type == "int" else "条")  # type: ignore[arg-type]
    return format_number(float(raw), spec.unit)  # type: ignore[arg-type]


def _condition_text(tracer: Tracer, group: object, frame: Frame) -> str:
    from .model import Atom, Group
    from .texts import atom_text, group_label

    assert isinstance(group, Group)
    if len(group.children) == 1 and isinstance(group.children[0], Atom):
        text = atom_text(group.children[0], tracer.fields, tracer.params, frame.on)
        return f"{text.atom.label} {text.required}"
    return group_label(group, tracer.fields, tracer.params, frame.on)


BenefitFn = Callable[[Mapping[str, object]], Trace]
