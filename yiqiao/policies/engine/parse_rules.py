"""Parsing of conditions and benefits (the rule part of a policy file)."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import yaml

from .expr import Expr, ExprError, Num, parse_expr, variables
from .fields import CODED_TYPES, FieldDictionary, FieldSpec
from .model import (
    OPERATORS,
    Atom,
    Benefit,
    Bracket,
    Combine,
    Condition,
    Fixed,
    Formula,
    Group,
    PerUnit,
    Rate,
    Table,
    Tiers,
)
from .values import parse_number
from .yamlsrc import Source, as_mapping, as_sequence, check_keys, plain, scalar

_ORDER_OPS = frozenset({"ge", "gt", "le", "lt"})
_ATOM_KEYS = frozenset({"field", "expr", "label", "unit", "note"})
_BENEFIT_KINDS = ("fixed", "rate", "per_unit", "tiers", "table", "formula", "min", "max", "sum")


@dataclass
class Context:
    """What the rule parser needs: the issue collector, the fields and the parameter names."""

    src: Source
    fields: FieldDictionary
    parameters: frozenset[str]

    def field_problem(self, name: str) -> str | None:
        """None when ``name`` is a declared field, else a message with a suggestion."""
        if name in self.fields:
            return None
        close = difflib.get_close_matches(name, list(self.fields), n=1)
        hint = f"（是否为 {close[0]}？）" if close else ""
        return f"未知字段 {name}{hint}：字段必须先在字段字典中声明"

    def numeric_name(self, name: str) -> str | None:
        """Names allowed in arithmetic over an enterprise: numeric fields and parameters."""
        if name in self.parameters:
            return None
        problem = self.field_problem(name)
        if problem is not None:
            return problem.replace("未知字段", "未知字段或参数")
        spec = self.fields[name]
        if not spec.is_numeric:
            return f"字段 {name}（{spec.label}）的类型为 {spec.type}，不能参与运算"
        return None

    def constant_name(self, name: str) -> str | None:
        """Names allowed where a constant is expected: parameters only."""
        if name in self.parameters:
            return None
        if name in self.fields:
            return f"此处只能使用数字或参数，不能使用字段 {name}"
        return f"未知参数 {name}"


def line_of(node: yaml.Node) -> int:
    """1-based line of a node."""
    return int(node.start_mark.line) + 1


def parse_expression(
    ctx: Context, node: yaml.Node, path: str, names: Callable[[str], str | None]
) -> Expr | None:
    """An expression from a scalar node: a number (``200万``, ``10%``) or grammar text."""
    if not isinstance(node, yaml.ScalarNode):
        ctx.src.error(node, path, "应为数字或表达式")
        return None
    raw = scalar(node)
    number = parse_number(raw)
    if number is not None:
        return Num(number, str(raw))
    if not isinstance(raw, str):
        ctx.src.error(node, path, f"应为数字或表达式，实为 {raw!r}")
        return None
    try:
        return parse_expr(raw, names)
    except ExprError as exc:
        ctx.src.error(node, path, f"无法解析的表达式 {raw!r}（第 {exc.offset + 1} 个字符）：{exc}")
        return None


def parse_condition(ctx: Context, node: yaml.Node, path: str) -> Condition | None:
    """A condition tree: a list (all of), ``all``/``any``/``not``, or an atom."""
    if isinstance(node, yaml.SequenceNode):
        return _group(ctx, "all", node, path)
    items = as_mapping(ctx.src, node, path)
    if not items:
        ctx.src.error(node, path, "条件为空")
        return None
    for kind in ("all", "any", "not"):
        if kind in items:
            if len(items) > 1:
                ctx.src.error(node, path, f"{kind} 不能与其他键并列")
                return None
            child = items[kind][1]
            if kind == "not":
                inner = parse_condition(ctx, child, f"{path}.not")
                return None if inner is None else Group("not", (inner,), path, line_of(node))
            return _group(ctx, kind, child, f"{path}.{kind}")
    return _atom(ctx, node, items, path)


def _group(ctx: Context, kind: str, node: yaml.Node, path: str) -> Group | None:
    children = []
    for index, child in enumerate(as_sequence(ctx.src, node, path)):
        parsed = parse_condition(ctx, child, f"{path}[{index}]")
        if parsed is not None:
            children.append(parsed)
    if not children and isinstance(node, yaml.SequenceNode):
        ctx.src.error(node, path, f"{kind} 至少需要一个条件")
        return None
    return Group(kind, tuple(children), path, line_of(node))


def _atom(
    ctx: Context, node: yaml.Node, items: dict[str, tuple[yaml.Node, yaml.Node]], path: str
) -> Atom | None:
    src = ctx.src
    ops = [k for k in items if k not in _ATOM_KEYS]
    for key in ops:
        if key not in OPERATORS:
            src.error(
                items[key][0], f"{path}.{key}", f"未知运算符 {key}，允许：{' '.join(OPERATORS)}"
            )
    ops = [k for k in ops if k in OPERATORS]
    if len(ops) != 1:
        if len(ops) > 1:
            src.error(node, path, f"一个条件只能有一个运算符，实有 {'、'.join(ops)}")
        elif len(items) == len([k for k in items if k in _ATOM_KEYS]):
            src.error(node, path, "条件缺少运算符")
        return None
    op = ops[0]
    label = _text(ctx, items, "label", path)
    if ("field" in items) == ("expr" in items):
        src.error(node, path, "条件须有且仅有 field 或 expr 之一")
        return None
    expression: Expr | None = None
    name: str | None = None
    if "field" in items:
        raw = scalar(items["field"][1]) if isinstance(items["field"][1], yaml.ScalarNode) else None
        problem = ctx.field_problem(str(raw))
        if not isinstance(raw, str) or problem is not None:
            src.error(items["field"][1], f"{path}.field", problem or "field 应为字段名")
            return None
        name = raw
        spec = ctx.fields[name]
        field_type, unit, label = spec.type, spec.unit, label or spec.label
    else:
        expression = parse_expression(ctx, items["expr"][1], f"{path}.expr", ctx.numeric_name)
        if expression is None:
            return None
        if not label:
            src.error(node, f"{path}.label", "表达式条件必须有 label（中文名称）")
            return None
        field_type, unit, spec = "number", _text(ctx, items, "unit", path), None
        if not variables(expression) - ctx.parameters:
            src.error(items["expr"][1], f"{path}.expr", "表达式条件必须引用至少一个字段")
            return None
    operand = _operand(ctx, items[op][1], f"{path}.{op}", op, field_type, spec)
    if operand is None:
        return None
    return Atom(path, line_of(node), name, expression, label, unit, field_type, op, operand)


def _text(ctx: Context, items: dict[str, tuple[yaml.Node, yaml.Node]], key: str, path: str) -> str:
    if key not in items:
        return ""
    raw = plain(items[key][1])
    if not isinstance(raw, str):
        ctx.src.error(items[key][1], f"{path}.{key}", f"{key} 应为文本")
        return ""
    return raw


def _operand(
    ctx: Context, node: yaml.Node, path: str, op: str, field_type: str, spec: FieldSpec | None
) -> object:
    src = ctx.src
    name = f"字段 {spec.name}（{spec.label}）" if spec else "表达式"
    if op == "exists":
        raw = plain(node)
        if not isinstance(raw, bool):
            src.error(node, path, "exists 的取值应为 true 或 false")
            return None
        return raw
    numeric = field_type in ("number", "money", "int")
    if op == "within_years":
        if field_type != "date":
            src.error(node, path, f"within_years 只适用于日期字段，{name} 的类型为 {field_type}")
            return None
        return parse_expression(ctx, node, path, ctx.constant_name)
    if op == "is":
        raw = plain(node)
        if field_type != "bool":
            src.error(node, path, f"is 只适用于布尔字段，{name} 的类型为 {field_type}")
            return None
        if not isinstance(raw, bool):
            src.error(node, path, "is 的取值应为 true 或 false")
            return None
        return raw
    if op in _ORDER_OPS or op == "between":
        if not (numeric or field_type == "date"):
            src.error(node, path, f"运算符 {op} 不适用于 {field_type} 类型的{name}")
            return None
        if op == "between":
            items = as_sequence(src, node, path)
            if len(items) != 2:
                src.error(node, path, "between 的取值应为 [下限, 上限]")
                return None
            low = _scalar_operand(ctx, items[0], f"{path}[0]", field_type)
            high = _scalar_operand(ctx, items[1], f"{path}[1]", field_type)
            if low is None or high is None:
                return None
            if isinstance(low, date) and isinstance(high, date) and low > high:
                src.error(node, path, "between 的下限大于上限")
                return None
            if isinstance(low, Num) and isinstance(high, Num) and low.value > high.value:
                src.error(node, path, "between 的下限大于上限")
                return None
            return (low, high)
        return _scalar_operand(ctx, node, path, field_type)
    # eq ne in not_in
    if field_type == "set" and op in ("eq", "ne"):
        src.error(node, path, f"集合字段{name}只能用 in / not_in / exists")
        return None
    if field_type == "bool" and op in ("in", "not_in"):
        src.error(node, path, f"{name}为布尔字段，请用 is")
        return None
    if field_type == "date" and op in ("in", "not_in"):
        src.error(node, path, f"日期字段不能用 {op}")
        return None
    if op in ("in", "not_in"):
        items = as_sequence(src, node, path)
        if not items:
            if isinstance(node, yaml.SequenceNode):
                src.error(node, path, f"{op} 的列表不能为空")
            return None
        values = [
            _scalar_operand(ctx, item, f"{path}[{i}]", field_type, spec)
            for i, item in enumerate(items)
        ]
        if any(v is None for v in values):
            return None
        return tuple(values)
    return _scalar_operand(ctx, node, path, field_type, spec)


def _scalar_operand(
    ctx: Context, node: yaml.Node, path: str, field_type: str, spec: FieldSpec | None = None
) -> object:
    src = ctx.src
    if not isinstance(node, yaml.ScalarNode):
        src.error(node, path, "取值应为单个值")
        return None
    raw = scalar(node)
    if field_type in ("number", "money", "int"):
        return parse_expression(ctx, node, path, ctx.constant_name)
    if field_type == "date":
        if not isinstance(raw, date):
            src.error(node, path, f"取值应为日期（如 2024-01-01），实为 {raw!r}")
            return None
        return raw
    if field_type == "bool":
        if not isinstance(raw, bool):
            src.error(node, path, f"取值应为 true 或 false，实为 {raw!r}")
            return None
        return raw
    if isinstance(raw, bool) or raw is None or isinstance(raw, date):
        src.error(node, path, f"取值应为代码文本，实为 {raw!r}")
        return None
    code = str(raw)
    coded = field_type in CODED_TYPES or field_type == "set"
    if spec is not None and spec.values and coded and code not in spec.values:
        src.error(
            node, path, f"取值 {code} 不在字段 {spec.name} 的可选值中：{'、'.join(spec.values)}"
        )
        return None
    return code


def parse_benefit(ctx: Context, node: yaml.Node, path: str) -> Benefit | None:
    """A benefit: exactly one kind key, plus ``cap`` and ``label`` where the kind allows."""
    src = ctx.src
    items = as_mapping(src, node, path)
    kinds = [k for k in items if k in _BENEFIT_KINDS]
    if len(kinds) != 1:
        src.error(node, path, f"待遇须有且仅有一种：{'、'.join(_BENEFIT_KINDS)}")
        return None
    kind = kinds[0]
    allowed = {
        "fixed": {"label"},
        "rate": {"of", "cap", "label"},
        "per_unit": {"of", "cap", "label"},
        "tiers": {"cap", "label"},
        "table": {"label"},
        "formula": {"cap", "label"},
    }.get(kind, {"cap", "label"})
    check_keys(src, items, path, frozenset(allowed | {kind}))
    label = _text(ctx, items, "label", path)
    cap = None
    if "cap" in items:
        cap = parse_expression(ctx, items["cap"][1], f"{path}.cap", ctx.constant_name)
        if cap is None:
            return None
    value = items[kind][1]
    if kind == "fixed":
        amount = parse_expression(ctx, value, f"{path}.fixed", ctx.constant_name)
        return None if amount is None else Fixed(amount, label)
    if kind in ("rate", "per_unit"):
        if "of" not in items:
            src.error(node, f"{path}.of", f"{kind} 须有 of（计算基数）")
            return None
        factor = parse_expression(ctx, value, f"{path}.{kind}", ctx.constant_name)
        base = parse_expression(ctx, items["of"][1], f"{path}.of", ctx.numeric_name)
        if factor is None or base is None:
            return None
        if kind == "rate":
            return Rate(factor, base, cap, label)
        return PerUnit(factor, base, cap, label)
    if kind == "formula":
        formula = parse_expression(ctx, value, f"{path}.formula", ctx.numeric_name)
        return None if formula is None else Formula(formula, cap, label)
    if kind == "tiers":
        return _tiers(ctx, value, f"{path}.tiers", cap, label)
    if kind == "table":
        return _table(ctx, value, f"{path}.table", label)
    parts = []
    for index, child in enumerate(as_sequence(src, value, f"{path}.{kind}")):
        part = parse_benefit(ctx, child, f"{path}.{kind}[{index}]")
        if part is None:
            return None
        parts.append(part)
    if len(parts) < 2:
        src.error(value, f"{path}.{kind}", f"{kind} 至少需要两项")
        return None
    return Combine(kind, tuple(parts), cap, label)


def _tiers(ctx: Context, node: yaml.Node, path: str, cap: Expr | None, label: str) -> Tiers | None:
    src = ctx.src
    items = as_mapping(src, node, path)
    check_keys(src, items, path, frozenset({"of", "brackets"}))
    if "of" not in items or "brackets" not in items:
        src.error(node, path, "tiers 须有 of 与 brackets")
        return None
    base = parse_expression(ctx, items["of"][1], f"{path}.of", ctx.numeric_name)
    brackets: list[Bracket] = []
    last: float | None = None
    for index, child in enumerate(as_sequence(src, items["brackets"][1], f"{path}.brackets")):
        where = f"{path}.brackets[{index}]"
        row = as_mapping(src, child, where)
        check_keys(src, row, where, frozenset({"from", "amount", "rate"}))
        if "from" not in row or ("amount" in row) == ("rate" in row):
            src.error(child, where, "每档须有 from，以及 amount 或 rate 之一")
            return None
        lower = parse_expression(ctx, row["from"][1], f"{where}.from", ctx.constant_name)
        pay = "amount" if "amount" in row else "rate"
        value = parse_expression(ctx, row[pay][1], f"{where}.{pay}", ctx.constant_name)
        if lower is None or value is None:
            return None
        if isinstance(lower, Num):
            if last is not None and lower.value <= last:
                src.error(row["from"][1], f"{where}.from", "各档 from 必须严格递增")
                return None
            last = lower.value
        brackets.append(
            Bracket(lower, value if pay == "amount" else None, value if pay == "rate" else None)
        )
    if base is None or not brackets:
        if base is not None:
            src.error(node, f"{path}.brackets", "tiers 至少需要一档")
        return None
    return Tiers(base, tuple(brackets), cap, label)


def _table(ctx: Context, node: yaml.Node, path: str, label: str) -> Table | None:
    src = ctx.src
    items = as_mapping(src, node, path)
    check_keys(src, items, path, frozenset({"by", "rows", "default"}))
    if "by" not in items or "rows" not in items:
        src.error(node, path, "table 须有 by 与 rows")
        return None
    by = plain(items["by"][1])
    problem = ctx.field_problem(str(by))
    if not isinstance(by, str) or problem is not None:
        src.error(items["by"][1], f"{path}.by", problem or "by 应为字段名")
        return None
    spec = ctx.fields[by]
    if spec.type not in ("enum", "str", "int", "bool"):
        src.error(
            items["by"][1],
            f"{path}.by",
            f"table 的 by 字段须为 enum/str/int/bool，{by} 为 {spec.type}",
        )
        return None
    rows: list[tuple[str, Expr]] = []
    for key, key_node, value in _rows(src, items["rows"][1], f"{path}.rows"):
        if spec.values and key not in spec.values:
            src.error(key_node, f"{path}.rows.{key}", f"{key} 不在字段 {by} 的可选值中")
            return None
        amount = parse_expression(ctx, value, f"{path}.rows.{key}", ctx.constant_name)
        if amount is None:
            return None
        rows.append((key, amount))
    default = None
    if "default" in items:
        default = parse_expression(ctx, items["default"][1], f"{path}.default", ctx.constant_name)
    return Table(by, tuple(rows), default, label)


def _rows(src: Source, node: yaml.Node, path: str) -> list[tuple[str, yaml.Node, yaml.Node]]:
    from .yamlsrc import mapping_items

    out = []
    for _, key_node, value in mapping_items(src, node, path):
        raw = scalar(key_node)
        key = str(raw).lower() if isinstance(raw, bool) else str(raw)
        out.append((key, key_node, value))
    return out
