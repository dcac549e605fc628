"""Parsing of benefits: fixed, rate, per_unit, tiers, table, formula, min/max/sum, when (a
benefit that branches on conditions) and per_item (a benefit per item of a list field).

Amounts, rates and caps may be numbers, parameters or expressions over the enterprise's fields;
tier thresholds are constants. Checks that do not stop a policy from being computed but must
stop it from being published (a table missing a row, a division by a field that can be zero)
are collected as warnings.
"""

from __future__ import annotations

import yaml

from .errors import Issue
from .expr import Bin, Call, Expr, Neg, Num, Var, variables
from .model import (
    Atom,
    Benefit,
    Bracket,
    Combine,
    Fixed,
    Formula,
    Group,
    PerItem,
    PerUnit,
    Rate,
    Table,
    Tiers,
    When,
)
from .parse_conditions import (
    Context,
    _text,
    as_group,
    line_of,
    parse_condition,
    parse_expression,
)
from .yamlsrc import as_mapping, as_sequence, check_keys, mapping_items, plain, scalar

BENEFIT_KINDS = (
    "fixed", "rate", "per_unit", "tiers", "table", "formula", "min", "max", "sum", "when",
    "per_item",
)  # fmt: skip
_ALLOWED = {
    "fixed": {"label", "note"},
    "rate": {"of", "cap", "label", "note"},
    "per_unit": {"of", "cap", "label", "note"},
    "tiers": {"cap", "label", "note"},
    "table": {"cap", "label", "note"},
    "formula": {"cap", "label", "note"},
    "when": {"else", "otherwise", "cap", "label", "note"},
    "per_item": {"cap", "label", "note"},
}


def parse_benefit(ctx: Context, node: yaml.Node, path: str) -> Benefit | None:
    """A benefit: exactly one kind key, plus ``cap`` and ``label`` where the kind allows. A bare
    number (``50万``) is a fixed amount."""
    src = ctx.src
    if isinstance(node, yaml.ScalarNode):
        amount = parse_expression(ctx, node, path, ctx.numeric_name)
        return None if amount is None else Fixed(amount)
    items = as_mapping(src, node, path)
    kinds = [k for k in items if k in BENEFIT_KINDS]
    if len(kinds) != 1:
        src.error(node, path, f"待遇须有且仅有一种：{'、'.join(BENEFIT_KINDS)}")
        return None
    kind = kinds[0]
    check_keys(src, items, path, frozenset(_ALLOWED.get(kind, {"cap", "label", "note"}) | {kind}))
    label = _text(ctx, items, "label", path)
    cap = None
    if "cap" in items:
        cap = parse_expression(ctx, items["cap"][1], f"{path}.cap", ctx.numeric_name)
        if cap is None:
            return None
    value = items[kind][1]
    if kind == "fixed":
        amount = parse_expression(ctx, value, f"{path}.fixed", ctx.numeric_name)
        return None if amount is None else Fixed(amount, label)
    if kind in ("rate", "per_unit"):
        if "of" not in items:
            src.error(node, f"{path}.of", f"{kind} 须有 of（计算基数）")
            return None
        factor = parse_expression(ctx, value, f"{path}.{kind}", ctx.numeric_name)
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
        return _table(ctx, value, f"{path}.table", label, cap)
    if kind == "when":
        return _when(ctx, node, items, path, cap, label)
    if kind == "per_item":
        return _per_item(ctx, value, f"{path}.per_item", cap, label)
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
        value = parse_expression(ctx, row[pay][1], f"{where}.{pay}", ctx.numeric_name)
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


def _table(ctx: Context, node: yaml.Node, path: str, label: str, cap: Expr | None) -> Table | None:
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
    spec = ctx.spec(by)
    assert spec is not None
    if spec.type not in ("enum", "str", "int", "bool"):
        src.error(
            items["by"][1],
            f"{path}.by",
            f"table 的 by 字段须为 enum/str/int/bool，{by} 为 {spec.type}",
        )
        return None
    rows: list[tuple[str, Benefit]] = []
    for _, key_node, value in mapping_items(src, items["rows"][1], f"{path}.rows"):
        raw = scalar(key_node)
        key = str(raw).lower() if isinstance(raw, bool) else str(raw)
        if spec.type == "bool" and key in ("yes", "no", "on", "off"):
            key = "true" if key in ("yes", "on") else "false"
        if spec.values and key not in spec.values:
            src.error(
                key_node,
                f"{path}.rows.{key}",
                f"{key} 不在字段 {by} 的可选值中：{'、'.join(spec.values)}",
            )
            return None
        cell = parse_benefit(ctx, value, f"{path}.rows.{key}")
        if cell is None:
            return None
        rows.append((key, cell))
    default = None
    if "default" in items:
        default = parse_benefit(ctx, items["default"][1], f"{path}.default")
        if default is None:
            return None
    else:
        expected = (
            list(spec.values) if spec.values else (["true", "false"] if spec.type == "bool" else [])
        )
        if by in ctx.reachable:  # codes the conditions already exclude need no row
            expected = [code for code in expected if code in ctx.reachable[by]]
        absent = [code for code in expected if code not in dict(rows)]
        if absent:
            names = "、".join(f"{c}（{spec.values.get(c, c)}）" for c in absent)
            ctx.warnings.append(
                Issue(
                    src.file,
                    line_of(items["rows"][1]),
                    1,
                    f"{path}.rows",
                    f"表格缺少 {names} 的行：请补上这些行，或用 default 写明其余情况（如 default: 0）",
                )  # fmt: skip
            )
    return Table(by, tuple(rows), default, label, cap)


def _when(
    ctx: Context,
    node: yaml.Node,
    items: dict[str, tuple[yaml.Node, yaml.Node]],
    path: str,
    cap: Expr | None,
    label: str,
) -> When | None:
    src = ctx.src
    branches: list[tuple[Group, Benefit]] = []
    for index, child in enumerate(as_sequence(src, items["when"][1], f"{path}.when")):
        where = f"{path}.when[{index}]"
        row = as_mapping(src, child, where)
        check_keys(src, row, where, frozenset({"if", "then", "note"}))
        if "if" not in row or "then" not in row:
            src.error(child, where, "when 的每一项须有 if（条件）与 then（待遇）")
            return None
        condition = parse_condition(ctx, row["if"][1], f"{where}.if")
        benefit = parse_benefit(ctx, row["then"][1], f"{where}.then")
        if condition is None or benefit is None:
            return None
        branches.append((as_group(condition, f"{where}.if"), benefit))
    if not branches:
        src.error(node, f"{path}.when", "when 至少需要一项")
        return None
    otherwise = None
    key = "else" if "else" in items else ("otherwise" if "otherwise" in items else None)
    if key is not None:
        otherwise = parse_benefit(ctx, items[key][1], f"{path}.{key}")
        if otherwise is None:
            return None
    return When(tuple(branches), otherwise, cap, label)


def _per_item(
    ctx: Context, node: yaml.Node, path: str, cap: Expr | None, label: str
) -> PerItem | None:
    src = ctx.src
    items = as_mapping(src, node, path)
    check_keys(src, items, path, frozenset({"of", "where", "amount", "max_items", "note"}))
    if "of" not in items or "amount" not in items:
        src.error(node, path, "per_item 须有 of（列表字段）与 amount（每项待遇）")
        return None
    name = plain(items["of"][1])
    spec = ctx.fields.get(str(name))
    if not isinstance(name, str) or spec is None or spec.type != "list":
        src.error(
            items["of"][1], f"{path}.of", ctx.field_problem(str(name)) or f"{name} 不是列表字段"
        )
        return None
    inner = ctx.within(spec)
    where = None
    if "where" in items:
        parsed = parse_condition(inner, items["where"][1], f"{path}.where")
        if parsed is None:
            return None
        where = as_group(parsed, f"{path}.where")
        inner = inner.restricted_by(where)
    amount = parse_benefit(inner, items["amount"][1], f"{path}.amount")
    if amount is None:
        return None
    limit = None
    if "max_items" in items:
        raw = plain(items["max_items"][1])
        if not isinstance(raw, int) or isinstance(raw, bool) or raw < 1:
            src.error(items["max_items"][1], f"{path}.max_items", "max_items 应为正整数")
            return None
        limit = raw
    return PerItem(name, where, amount, limit, cap, label)


# ---- divisions by a field that can be zero ------------------------------------------------------


def guarded_fields(conditions: Group, params: dict[str, float]) -> frozenset[str]:
    """Fields the top-level conditions keep above zero (``gt 0``, ``ge 1``, ``between [1, …]``)."""
    from .expr import constant_value

    out: set[str] = set()
    for child in conditions.children:
        if not isinstance(child, Atom) or child.field is None:
            continue
        if child.type not in ("number", "money", "int", "list"):
            continue
        try:
            if (
                child.op == "gt"
                and constant_value(child.operand, params) >= 0
                or child.op == "ge"
                and constant_value(child.operand, params) > 0
                or child.op == "between"
                and constant_value(child.operand[0], params) > 0
            ):
                out.add(child.field)
        except (ValueError, TypeError):
            continue
    return frozenset(out)


def zero_divisions(node: Expr, params: frozenset[str]) -> list[frozenset[str]]:
    """Divisors of ``node`` that read fields and are not kept positive by ``max(…, c > 0)``."""
    out: list[frozenset[str]] = []

    def safe(divisor: Expr) -> bool:
        if isinstance(divisor, Num):
            return divisor.value != 0
        if isinstance(divisor, Call) and divisor.function == "max":
            return any(isinstance(a, Num) and a.value > 0 for a in divisor.args)
        return False

    def visit(n: Expr) -> None:
        if isinstance(n, Bin):
            if n.op == "/" and not safe(n.right):
                names = variables(n.right) - params
                if names:
                    out.append(frozenset(names))
            visit(n.left)
            visit(n.right)
        elif isinstance(n, Neg):
            visit(n.operand)
        elif isinstance(n, Call):
            for arg in n.args:
                visit(arg)

    visit(node)
    return out


def benefit_expressions(benefit: Benefit) -> list[Expr]:
    """Every expression a benefit evaluates over the enterprise (not per item)."""
    if isinstance(benefit, Fixed):
        return [benefit.amount]
    if isinstance(benefit, Rate):
        return [benefit.rate, benefit.base] + ([benefit.cap] if benefit.cap else [])
    if isinstance(benefit, PerUnit):
        return [benefit.amount, benefit.quantity] + ([benefit.cap] if benefit.cap else [])
    if isinstance(benefit, Formula):
        return [benefit.expr] + ([benefit.cap] if benefit.cap else [])
    if isinstance(benefit, Tiers):
        values = [b.amount or b.rate for b in benefit.brackets]
        return [benefit.base, *[v for v in values if v is not None]] + (
            [benefit.cap] if benefit.cap else []
        )
    if isinstance(benefit, Table):
        out = [e for _, cell in benefit.rows for e in benefit_expressions(cell)]
        if benefit.default is not None:
            out += benefit_expressions(benefit.default)
        return out
    if isinstance(benefit, When):
        out = [e for _, b in benefit.branches for e in benefit_expressions(b)]
        if benefit.otherwise is not None:
            out += benefit_expressions(benefit.otherwise)
        return out
    if isinstance(benefit, PerItem):
        return ([benefit.cap] if benefit.cap else []) + benefit_expressions(benefit.amount)
    assert isinstance(benefit, Combine)
    return [e for p in benefit.parts for e in benefit_expressions(p)] + (
        [benefit.cap] if benefit.cap else []
    )


__all__ = [
    "BENEFIT_KINDS",
    "Var",
    "benefit_expressions",
    "guarded_fields",
    "parse_benefit",
    "zero_divisions",
]
