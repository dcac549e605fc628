"""Chinese texts of conditions: what an atom requires (``≥ 2000万元``, ``在近 3 年内（不早于
…）``), how a value reads (``1200万元``, ``2025年3月1日``, enum labels), and the signed gap
(``差 800万元`` / ``超出 100人``). Shared by the explanation and the batch near-miss list."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from .evaluate import constant, date_window
from .fields import FieldDictionary, FieldSpec
from .model import DATE_WINDOWS, Atom, DateRef, Group
from .values import format_date, format_number

_SYMBOLS = {"ge": "≥", "gt": ">", "le": "≤", "lt": "<", "eq": "=", "ne": "≠"}
_DATE_WORDS = {"ge": "不早于", "gt": "晚于", "le": "不晚于", "lt": "早于", "eq": "为", "ne": "不为"}
_NUMERIC = ("number", "money", "int", "list")


def show_value(spec: FieldSpec | None, unit: str, value: object) -> str:
    """A profile value in Chinese: money in 万元, dates, enum labels, sets, 是/否, lists."""
    if value is None:
        return "（缺数据）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        return format_number(float(value), unit)
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, frozenset | set):
        if not value:
            return "无"
        return (
            "、".join(spec.value_label(v) for v in sorted(value))
            if spec
            else "、".join(sorted(value))
        )
    if isinstance(value, tuple | list):
        return f"{len(value)}条"
    if spec is not None and isinstance(value, str):
        return spec.value_label(value)
    return str(value)


@dataclass(frozen=True)
class AtomText:
    """An atom's requirement in Chinese on one date, with what is needed to word a value and
    its gap. ``bound`` is the numeric bound of ge/gt/le/lt (None otherwise); ``low``/``high``
    the range of a numeric ``between``. ``terms`` are the resolved operands the requirement
    names (numbers, codes, dates, a :class:`DateRef`; for a date window its length or years
    and its first and last day), so another language can word the same requirement."""

    atom: Atom
    required: str
    spec: FieldSpec | None
    bound: float | None = None
    low: float | None = None
    high: float | None = None
    terms: tuple[Any, ...] = ()

    def show(self, value: object) -> str:
        """``value`` in Chinese with this atom's unit."""
        return show_value(self.spec, self.atom.unit, value)

    def gap(self, value: object) -> float | None:
        """Signed gap of a failing numeric value: > 0 short of the requirement, < 0 above the
        allowed maximum; 0 when a strict bound is met exactly."""
        if not isinstance(value, int | float) or isinstance(value, bool):
            return None
        x = float(value)
        if self.bound is not None:
            return self.bound - x
        if self.low is not None and self.high is not None:
            return self.low - x if x < self.low else self.high - x
        return None

    def gap_text(self, value: object) -> str:
        """``差 800万元`` / ``超出 100人`` / ``等于界值`` (strict bound met exactly)."""
        gap = self.gap(value)
        if gap is None:
            return ""
        if gap == 0 and self.atom.op in ("gt", "lt"):
            return "等于界值"
        unit = self.atom.unit
        word = "差" if gap > 0 else "超出"
        return f"{word} {format_number(abs(gap), unit)}"

    def sentence(self, state: str, value: object) -> str:
        """One Chinese sentence for this atom in ``state`` (pass / fail / missing)."""
        label = self.atom.label
        if state == "missing":
            return f"{label} 缺少数据，要求 {self.required}"
        actual = "未提供" if value is None else self.show(value)
        head = f"{label} {actual}，要求 {self.required}"
        if state == "pass":
            return f"{head}，满足"
        gap = self.gap_text(value)
        if gap == "等于界值":
            return f"{head}，等于界值，不满足"
        return f"{head}，{gap}" if gap else f"{head}，不满足"


def atom_text(
    atom: Atom, fields: FieldDictionary, params: Mapping[str, float], on: date
) -> AtomText:
    """The Chinese requirement of ``atom`` with parameters and dates resolved on ``on``."""
    spec = fields.get(atom.field) if atom.field else None
    op, operand, unit = atom.op, atom.operand, atom.unit
    if op == "exists":
        return AtomText(atom, "已提供" if operand else "未提供", spec, terms=(bool(operand),))
    if op == "is":
        return AtomText(atom, "是" if operand else "否", spec, terms=(bool(operand),))
    if atom.type == "date":
        return _date_text(atom, fields, params, on, spec)
    if atom.type in _NUMERIC:
        if op == "between":
            low, high = (constant(e, params) for e in operand)
            text = f"在 {format_number(low, unit)} 至 {format_number(high, unit)} 之间"
            return AtomText(atom, text, spec, None, low, high, (low, high))
        if op in ("in", "not_in"):
            options = sorted({constant(e, params) for e in operand})
            text = "、".join(format_number(o, unit) for o in options)
            word = "属于" if op == "in" else "不属于"
            return AtomText(atom, f"{word} {text}", spec, terms=tuple(options))
        bound = constant(operand, params)
        text = f"{_SYMBOLS[op]} {format_number(bound, unit)}"
        limit = bound if op in ("ge", "gt", "le", "lt") else None
        return AtomText(atom, text, spec, limit, terms=(bound,))
    if atom.type == "set":
        labels = "或".join(show_value(spec, "", c) for c in operand)
        return AtomText(
            atom, f"{'含' if op == 'in' else '不含'} {labels}", spec, terms=tuple(operand)
        )
    if op in ("in", "not_in"):
        labels = "、".join(show_value(spec, "", c) for c in operand)
        word = "属于" if op == "in" else "不属于"
        return AtomText(atom, f"{word} {labels}", spec, terms=tuple(operand))
    word = "为" if op == "eq" else "不为"
    return AtomText(atom, f"{word} {show_value(spec, '', operand)}", spec, terms=(operand,))


def _date_text(
    atom: Atom,
    fields: FieldDictionary,
    params: Mapping[str, float],
    on: date,
    spec: FieldSpec | None,
) -> AtomText:
    op, operand = atom.op, atom.operand
    if op in DATE_WINDOWS:
        low, high = date_window(atom, params, on)
        length = constant(operand, params) if op.startswith("within_") else None
        if op == "within_years":
            text = (
                f"在近 {format_number(constant(operand, params))} 年内（不早于 {format_date(low)}）"
            )
        elif op == "within_months":
            text = f"在近 {format_number(constant(operand, params))} 个月内（不早于 {format_date(low)}）"
        elif op == "within_days":
            text = (
                f"在近 {format_number(constant(operand, params))} 天内（不早于 {format_date(low)}）"
            )
        elif op == "in_year":
            text = f"在 {low.year} 年度内"
        else:
            text = f"在 {low.year} 至 {high.year} 年度内"
        return AtomText(atom, text, spec, terms=(length, low, high))
    if op == "between":
        low_d, high_d = operand
        text = f"在 {format_date(low_d)} 至 {format_date(high_d)} 之间"
        return AtomText(atom, text, spec, terms=(low_d, high_d))
    if isinstance(operand, DateRef):
        text = f"{_DATE_WORDS[op]} {date_ref_text(operand, fields)}"
        return AtomText(atom, text, spec, terms=(operand,))
    assert isinstance(operand, date)
    return AtomText(atom, f"{_DATE_WORDS[op]} {format_date(operand)}", spec, terms=(operand,))


def date_ref_text(ref: DateRef, fields: FieldDictionary | Any) -> str:
    """``落地（注册迁入）日期后 36 个月`` / ``测算日``."""
    base = "测算日" if ref.field is None else fields.label(ref.field)
    parts = []
    for amount, unit in ((ref.years, "年"), (ref.months, "个月"), (ref.days, "天")):
        if amount:
            parts.append(f"{'后' if amount > 0 else '前'} {abs(amount)} {unit}")
    return base + ("".join(parts) if parts else "")


_GROUP_WORDS = {"all": "同时满足以下各项", "any": "满足以下任一项", "not": "不得满足以下条件"}


def group_label(node: Group, fields: FieldDictionary, params: Mapping[str, float], on: date) -> str:
    """Chinese label of a group; a ``not`` over one atom names the excluded condition."""
    if node.kind == "not" and isinstance(node.children[0], Atom):
        child = atom_text(node.children[0], fields, params, on)
        return f"不得满足「{child.atom.label} {child.required}」"
    return _GROUP_WORDS[node.kind]


def walk(group: Group) -> list[tuple[int, Atom | Group]]:
    """Pre-order list of (depth, node) of a condition tree, root excluded."""
    out: list[tuple[int, Atom | Group]] = []

    def visit(node: Atom | Group, depth: int) -> None:
        out.append((depth, node))
        if isinstance(node, Group):
            for child in node.children:
                visit(child, depth + 1)

    for child in group.children:
        visit(child, 0)
    return out
