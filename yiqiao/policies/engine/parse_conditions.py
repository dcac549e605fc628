"""Parsing of expressions and conditions (atoms, groups, aggregates over lists, date windows).

A :class:`Context` knows the field dictionary, the policy's parameters and named values
(``define``), and — inside ``where`` filters and per-item benefits — the list whose items are
being read, so that names resolve to the item's fields first.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

import yaml

from .errors import Issue
from .expr import (
    AS_OF,
    Agg,
    Bin,
    Call,
    Expr,
    ExprError,
    Neg,
    Num,
    Received,
    Var,
    award_references,
    check_period,
    parse_expr,
    variables,
)
from .fields import AWARDS_RECEIVED, CODED_TYPES, FieldDictionary, FieldSpec
from .model import DATE_WINDOWS, OPERATORS, Atom, Condition, DateRef, Group
from .values import parse_date, parse_number
from .yamlsrc import Source, as_mapping, as_sequence, plain, scalar

_ORDER_OPS = frozenset({"ge", "gt", "le", "lt"})
_SUBJECTS = ("field", "expr", "count", "sum", "max", "received")
_ATOM_KEYS = frozenset({*_SUBJECTS, "label", "unit", "note", "where", "period"})
_NUMERIC = frozenset({"number", "money", "int"})
_YEAR_WORDS = {"current": 0, "this": 0, "previous": -1, "last": -1}


@dataclass
class Context:
    """What the rule parser needs: the issue collector, the fields, the parameter names, named
    values, the list being read (item context) and the references to other policies' awards."""

    src: Source
    fields: FieldDictionary
    parameters: frozenset[str]
    item: FieldSpec | None = None
    defines: dict[str, tuple[Expr, str, str]] = field(default_factory=dict)
    policy_id: str = ""
    references: list[tuple[str, int]] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    # codes a field can still hold once the conditions (or a per-item filter) hold
    reachable: dict[str, frozenset[str]] = field(default_factory=dict)

    def restricted_by(self, group: Group) -> Context:
        """This context knowing the codes ``group``'s top-level atoms leave possible."""
        reachable = dict(self.reachable)
        for child in group.children:
            if not isinstance(child, Atom) or child.field is None:
                continue
            spec = self.spec(child.field)
            if spec is None or not spec.values or child.type not in ("enum", "str", "bool"):
                continue
            codes = child.operand if isinstance(child.operand, tuple) else (child.operand,)
            allowed = {str(c).lower() if isinstance(c, bool) else str(c) for c in codes}
            if child.op in ("eq", "in"):
                keep = frozenset(allowed)
            elif child.op in ("ne", "not_in"):
                keep = frozenset(spec.values) - allowed
            else:
                continue
            reachable[child.field] = reachable.get(child.field, keep) & keep
        return dataclasses.replace(self, reachable=reachable)

    def within(self, spec: FieldSpec) -> Context:
        """The context of the items of list ``spec`` (shares issues and references)."""
        return dataclasses.replace(self, item=spec)

    def spec(self, name: str) -> FieldSpec | None:
        """The field ``name`` resolves to: an item field (in item context), else a field."""
        if self.item is not None and self.item.items and name in self.item.items:
            return self.item.items[name]
        return self.fields.get(name)

    def field_problem(self, name: str) -> str | None:
        """None when ``name`` is a declared field, else a message with a suggestion."""
        if self.spec(name) is not None:
            return None
        known = list(self.fields) + list((self.item.items or {}) if self.item else {})
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"（是否为 {close[0]}？）" if close else ""
        return f"未知字段 {name}{hint}：字段必须先在字段字典中声明"

    def kind(self, name: str) -> str:
        """What a known name holds in an expression (see :func:`expr.parse_expr`)."""
        if name in self.parameters or name in self.defines:
            return "number"
        spec = self.spec(name)
        if spec is None:
            head, _, tail = name.partition(".")
            parent = self.fields.get(head)
            if parent is not None and parent.items and tail in parent.items:
                return "list_number" if parent.items[tail].is_numeric else parent.items[tail].type
            return "number"
        if spec.is_numeric:
            return "number"
        return spec.type

    def numeric_name(self, name: str) -> str | None:
        """Names allowed in arithmetic over an enterprise: numeric fields, parameters, named
        values (dates and lists are placed by :meth:`kind`)."""
        if name in self.parameters or name in self.defines:
            return None
        head, _, tail = name.partition(".")
        parent = self.fields.get(head)
        if self.spec(name) is None and parent is not None and parent.items and tail in parent.items:
            return None
        problem = self.field_problem(name)
        if problem is not None:
            return problem.replace("未知字段", "未知字段或参数")
        spec = self.spec(name)
        assert spec is not None
        if spec.type in CODED_TYPES or spec.type in ("set", "bool"):
            return f"字段 {name}（{spec.label}）的类型为 {spec.type}，不能参与运算"
        return None

    def constant_name(self, name: str) -> str | None:
        """Names allowed where a constant is expected: parameters only."""
        if name in self.parameters:
            return None
        if self.spec(name) is not None or name in self.defines:
            return f"此处只能使用数字或参数，不能使用字段 {name}"
        return f"未知参数 {name}"


def line_of(node: yaml.Node) -> int:
    """1-based line of a node."""
    return int(node.start_mark.line) + 1


def parse_expression(
    ctx: Context, node: yaml.Node, path: str, names: Callable[[str], str | None]
) -> Expr | None:
    """An expression from a scalar node: a number (``200万``, ``10%``) or grammar text; named
    values (``define``) are inlined; ``award('x')`` references are recorded."""
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
        parsed = parse_expr(raw, names, ctx.kind)
    except ExprError as exc:
        ctx.src.error(node, path, f"无法解析的表达式 {raw!r}（第 {exc.offset + 1} 个字符）：{exc}")
        return None
    for policy in sorted(award_references(parsed)):
        ctx.references.append((policy, line_of(node)))
    return inline(parsed, ctx)


def inline(node: Expr, ctx: Context) -> Expr:
    """Replace named values by their expressions and ``self`` in received patterns by the id."""
    if isinstance(node, Var) and node.name in ctx.defines:
        return ctx.defines[node.name][0]
    if isinstance(node, Neg):
        return Neg(inline(node.operand, ctx))
    if isinstance(node, Bin):
        return Bin(node.op, inline(node.left, ctx), inline(node.right, ctx))
    if isinstance(node, Call):
        return Call(node.function, tuple(inline(a, ctx) for a in node.args))
    if isinstance(node, Received):
        return Received(
            tuple(ctx.policy_id if p == "self" else p for p in node.patterns), node.period
        )
    return node


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


def as_group(condition: Condition, path: str) -> Group:
    """A condition as an ``all`` group (a lone atom becomes ``all [atom]``)."""
    if isinstance(condition, Group) and condition.kind == "all":
        return condition
    return Group("all", (condition,), path, condition.line)


def _group(ctx: Context, kind: str, node: yaml.Node, path: str) -> Group | None:
    children = []
    for index, child in enumerate(as_sequence(ctx.src, node, path)):
        parsed = parse_condition(ctx, child, f"{path}[{index}]")
        if parsed is not None:
            children.append(parsed)
    if not children:
        if isinstance(node, yaml.SequenceNode) and not node.value:
            ctx.src.error(node, path, f"{kind} 至少需要一个条件")
        return None
    return Group(kind, tuple(children), path, line_of(node))


def _text(
    ctx: Context, items: Mapping[str, tuple[yaml.Node, yaml.Node]], key: str, path: str
) -> str:
    if key not in items:
        return ""
    raw = plain(items[key][1])
    if not isinstance(raw, str):
        ctx.src.error(items[key][1], f"{path}.{key}", f"{key} 应为文本")
        return ""
    return raw


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
    subjects = [k for k in _SUBJECTS if k in items]
    if len(subjects) != 1:
        src.error(node, path, "条件须有且仅有一个对象：field、expr、count、sum、max 或 received")
        return None
    subject = subjects[0]
    for extra in ("where", "period"):
        if extra in items and not (
            (extra == "where" and subject in ("count", "sum", "max"))
            or (extra == "period" and subject == "received")
        ):
            src.error(
                items[extra][0], f"{path}.{extra}", f"{extra} 只能与 count/sum/max/received 同用"
            )
            return None
    parsed = _subject(ctx, node, items, subject, path, label)
    if parsed is None:
        return None
    name, expression, field_type, unit, label, spec = parsed
    operand = _operand(ctx, items[op][1], f"{path}.{op}", op, field_type, spec)
    if operand is None:
        return None
    return Atom(path, line_of(node), name, expression, label, unit, field_type, op, operand)


def _subject(
    ctx: Context,
    node: yaml.Node,
    items: dict[str, tuple[yaml.Node, yaml.Node]],
    subject: str,
    path: str,
    label: str,
) -> tuple[str | None, Expr | None, str, str, str, FieldSpec | None] | None:
    """(field name, expression, type, unit, label, spec) of an atom's subject."""
    src = ctx.src
    value_node = items[subject][1]
    if subject == "field":
        raw = scalar(value_node) if isinstance(value_node, yaml.ScalarNode) else None
        if isinstance(raw, str) and raw in ctx.defines:
            expression, define_label, define_unit = ctx.defines[raw]
            return (
                None,
                expression,
                "number",
                _text(ctx, items, "unit", path) or define_unit,
                label or define_label,
                None,
            )
        problem = ctx.field_problem(str(raw))
        if not isinstance(raw, str) or problem is not None:
            src.error(value_node, f"{path}.field", problem or "field 应为字段名")
            return None
        spec = ctx.spec(raw)
        assert spec is not None
        kind = "list" if spec.type == "list" else spec.type
        unit = "条" if kind == "list" else spec.unit
        return raw, None, kind, unit, label or spec.label, spec
    if subject == "expr":
        parsed_expr = parse_expression(ctx, value_node, f"{path}.expr", ctx.numeric_name)
        if parsed_expr is None:
            return None
        expression = parsed_expr
        if not label:
            src.error(node, f"{path}.label", "表达式条件必须有 label（中文名称）")
            return None
        if not variables(expression) - ctx.parameters and not _has_special(expression):
            src.error(value_node, f"{path}.expr", "表达式条件必须引用至少一个字段")
            return None
        return None, expression, "number", _text(ctx, items, "unit", path), label, None
    if subject == "received":
        received = parse_received(ctx, value_node, items.get("period"), path)
        if received is None:
            return None
        return None, received, "number", "元", label or "已获奖励资助金额", None
    aggregate = parse_aggregate(ctx, subject, value_node, items.get("where"), path, label)
    if aggregate is None:
        return None
    agg, unit = aggregate
    return None, agg, "number", _text(ctx, items, "unit", path) or unit, agg.label, None


def _has_special(node: Expr) -> bool:
    from .expr import AwardOf

    if isinstance(node, Agg | Received | AwardOf):
        return True
    if isinstance(node, Call):
        return any(_has_special(a) for a in node.args) or node.function.endswith("_between")
    if isinstance(node, Bin):
        return _has_special(node.left) or _has_special(node.right)
    if isinstance(node, Neg):
        return _has_special(node.operand)
    return False


def parse_received(
    ctx: Context, node: yaml.Node, period: tuple[yaml.Node, yaml.Node] | None, path: str
) -> Received | None:
    """``received: [ids or 'prefix.*' patterns]`` (``self`` = this policy) with an optional
    ``period``: cumulative (default), year, previous_year, years:N, months:N."""
    raw = plain(node)
    patterns = [raw] if isinstance(raw, str) else raw
    if (
        not isinstance(patterns, list)
        or not patterns
        or not all(isinstance(p, str) for p in patterns)
    ):
        ctx.src.error(
            node,
            f"{path}.received",
            "received 应为政策编号或编号模式的列表（如 [self, 'city.rd.*']）",
        )
        return None
    text = "cumulative"
    if period is not None:
        value = plain(period[1])
        if not isinstance(value, str) or check_period(value) is not None:
            ctx.src.error(
                period[1], f"{path}.period", check_period(str(value)) or "period 应为文本"
            )
            return None
        text = value
    return Received(tuple(ctx.policy_id if p == "self" else p for p in patterns), text)


def parse_aggregate(
    ctx: Context,
    kind: str,
    node: yaml.Node,
    where: tuple[yaml.Node, yaml.Node] | None,
    path: str,
    label: str,
) -> tuple[Agg, str] | None:
    """``count: LIST`` or ``sum|max: LIST.FIELD`` with an optional ``where`` item filter."""
    src = ctx.src
    raw = scalar(node) if isinstance(node, yaml.ScalarNode) else None
    if not isinstance(raw, str):
        src.error(node, f"{path}.{kind}", f"{kind} 应为列表字段名")
        return None
    head, _, tail = raw.partition(".")
    spec = ctx.fields.get(head)
    if spec is None or spec.type != "list" or spec.items is None:
        src.error(node, f"{path}.{kind}", ctx.field_problem(head) or f"{head} 不是列表字段")
        return None
    value: Expr | None = None
    unit = "条"
    if kind == "count":
        if tail:
            src.error(node, f"{path}.count", "count 只需列表名（如 count: certificates）")
            return None
    else:
        item = spec.items.get(tail)
        if item is None or not item.is_numeric:
            src.error(
                node, f"{path}.{kind}", f"{kind} 应写作 列表.数值字段（如 {head}.amount_yuan）"
            )
            return None
        value = Var(tail)
        unit = item.unit
    filter_group: Group | None = None
    key = ""
    if where is not None:
        inner = ctx.within(spec)
        parsed = parse_condition(inner, where[1], f"{path}.where")
        if parsed is None:
            return None
        filter_group = as_group(parsed, f"{path}.where")
        key = condition_key(filter_group)
    words = {"count": "数", "sum": "合计", "max": "最大值"}
    default_label = spec.label + (
        words[kind] if kind == "count" else f"{spec.items[tail].label}{words[kind]}"
    )
    return Agg(kind, head, value, filter_group, key, label or default_label), unit


def condition_key(node: Atom | Group) -> str:
    """A canonical text of a condition (shares equal filters across policies)."""
    from .expr import canonical

    if isinstance(node, Group):
        return f"{node.kind}[{','.join(condition_key(c) for c in node.children)}]"
    subject = node.field if node.field is not None else canonical(node.expr)  # type: ignore[arg-type]

    def text(value: object) -> str:
        if isinstance(value, tuple):
            return "(" + ",".join(text(v) for v in value) + ")"
        if isinstance(value, Num | Var | Bin | Neg | Call):
            return canonical(value)
        return repr(value)

    return f"{subject} {node.op} {text(node.operand)}"


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
    if field_type == "list":
        field_type = "int"  # a list compared with a number compares its item count
    numeric = field_type in _NUMERIC
    if op in DATE_WINDOWS:
        if field_type != "date":
            src.error(node, path, f"{op} 只适用于日期字段，{name} 的类型为 {field_type}")
            return None
        return _window(ctx, node, path, op)
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


def _window(ctx: Context, node: yaml.Node, path: str, op: str) -> object:
    src = ctx.src
    raw = plain(node)
    if op in ("within_years", "within_months", "within_days"):
        expression = parse_expression(ctx, node, path, ctx.constant_name)
        if expression is None:
            return None
        if isinstance(expression, Num):
            months = expression.value * 12
            if expression.value <= 0:
                src.error(node, path, f"{op} 的取值应为正数")
                return None
            if op == "within_years" and abs(months - round(months)) > 1e-9:
                src.error(
                    node, path, f"within_years: {expression.text} 不是整月数，请改用 within_months"
                )
                return None
            if op != "within_years" and expression.value != int(expression.value):
                src.error(node, path, f"{op} 的取值应为整数")
                return None
        return expression
    if op == "in_year":
        if isinstance(raw, str) and raw in _YEAR_WORDS:
            return _YEAR_WORDS[raw]
        if isinstance(raw, int) and not isinstance(raw, bool) and (raw <= 0 or raw >= 1900):
            return raw
        src.error(
            node,
            path,
            "in_year 的取值应为 0（本年）、-1（上一年度）、current、previous 或年份如 2024",
        )
        return None
    if op == "in_years":
        if (
            isinstance(raw, list)
            and len(raw) == 2
            and all(
                isinstance(v, int) and not isinstance(v, bool) and (v <= 0 or v >= 1900)
                for v in raw
            )
        ):
            first, last = raw
            if (first <= 0) == (last <= 0) and first > last:
                src.error(node, path, "in_years 的起始年晚于结束年")
                return None
            return (first, last)
        src.error(
            node,
            path,
            "in_years 的取值应为 [起, 止]，如 [-3, -1]（近三年，不含本年）或 [2022, 2024]",
        )
        return None
    if isinstance(raw, int) and not isinstance(raw, bool) and raw >= 1:
        return raw
    src.error(node, path, "in_last_years 的取值应为正整数（近 N 个完整年度，不含本年）")
    return None


def _date_operand(ctx: Context, node: yaml.Node, path: str) -> object:
    """A date literal, ``as_of``, or another date ``{field: X, years/months/days: ±N}``."""
    src = ctx.src
    if isinstance(node, yaml.MappingNode):
        items = as_mapping(src, node, path)
        unknown = [k for k in items if k not in ("field", "years", "months", "days")]
        if unknown or "field" not in items:
            src.error(
                node, path, "日期比较对象应为 {field: 日期字段或 as_of, years/months/days: 整数}"
            )
            return None
        name = plain(items["field"][1])
        offsets: dict[str, int] = {}
        for key in ("years", "months", "days"):
            if key in items:
                value = plain(items[key][1])
                if not isinstance(value, int) or isinstance(value, bool):
                    src.error(items[key][1], f"{path}.{key}", f"{key} 应为整数")
                    return None
                offsets[key] = value
        if name == AS_OF:
            return DateRef(None, **offsets)
        spec = ctx.spec(str(name))
        if not isinstance(name, str) or spec is None or spec.type != "date":
            src.error(
                items["field"][1],
                f"{path}.field",
                ctx.field_problem(str(name)) or f"{name} 不是日期字段",
            )
            return None
        return DateRef(name, **offsets)
    raw = scalar(node) if isinstance(node, yaml.ScalarNode) else None
    if raw == AS_OF:
        return DateRef(None)
    day = parse_date(raw)
    if day is None:
        src.error(
            node, path, f"取值应为日期（如 2024-01-01）、as_of 或 {{field: 日期字段}}，实为 {raw!r}"
        )
        return None
    return day


def _scalar_operand(
    ctx: Context, node: yaml.Node, path: str, field_type: str, spec: FieldSpec | None = None
) -> object:
    src = ctx.src
    if field_type == "date":
        return _date_operand(ctx, node, path)
    if not isinstance(node, yaml.ScalarNode):
        src.error(node, path, "取值应为单个值")
        return None
    raw = scalar(node)
    if field_type in _NUMERIC:
        return parse_expression(ctx, node, path, ctx.constant_name)
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


def parse_defines(ctx: Context, node: yaml.Node, path: str) -> None:
    """``define: {name: {count|sum|max|received|expr: ..., where/period, label, unit}}``:
    named values usable in conditions (``field: name``) and expressions."""
    from .yamlsrc import mapping_items

    for name, key_node, value_node in mapping_items(ctx.src, node, path):
        where = f"{path}.{name}"
        if not name.isidentifier() or ctx.fields.get(name) is not None or name in ctx.parameters:
            ctx.src.error(key_node, where, f"命名值 {name} 须为标识符，且不与字段或参数同名")
            continue
        items = as_mapping(ctx.src, value_node, where)
        kinds = [k for k in ("count", "sum", "max", "received", "expr") if k in items]
        allowed = {
            "count",
            "sum",
            "max",
            "received",
            "expr",
            "where",
            "period",
            "label",
            "unit",
            "note",
        }
        unknown = [k for k in items if k not in allowed]
        if len(kinds) != 1 or unknown:
            ctx.src.error(
                value_node,
                where,
                "命名值须有且仅有 count、sum、max、received、expr 之一（可带 where/period、label、unit）",
            )
            continue
        kind = kinds[0]
        label = _text(ctx, items, "label", where)
        unit = _text(ctx, items, "unit", where)
        expression: Expr | None
        if kind == "expr":
            expression = parse_expression(ctx, items["expr"][1], f"{where}.expr", ctx.numeric_name)
            default_unit = ""
        elif kind == "received":
            expression = parse_received(ctx, items["received"][1], items.get("period"), where)
            default_unit = "元"
        else:
            parsed = parse_aggregate(ctx, kind, items[kind][1], items.get("where"), where, label)
            expression, default_unit = (None, "") if parsed is None else parsed
        if expression is not None:
            ctx.defines[name] = (expression, label or name, unit or default_unit)


__all__ = [
    "AWARDS_RECEIVED",
    "Context",
    "as_group",
    "condition_key",
    "inline",
    "line_of",
    "parse_aggregate",
    "parse_condition",
    "parse_defines",
    "parse_expression",
    "parse_received",
]
