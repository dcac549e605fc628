"""A small whitelisted arithmetic grammar (no ``eval``): parse, substitute, render, evaluate.

Grammar::

    expr  := term (("+" | "-") term)*
    term  := unary (("*" | "/") unary)*
    unary := "-" unary | atom
    atom  := NUMBER ["万" | "亿" | "%"] | STRING | NAME | FUNC "(" expr ("," expr)* ")" | "(" expr ")"
    NAME  := identifier ("." identifier)*          e.g. rd_spend_yuan, finance.revenue_yuan
    STRING:= '...' | "..."                          only as an argument of received/award/dates
    FUNC  := min | max | abs | floor | ceil | round
           | months_between | years_between | days_between      (two dates: field, as_of, '2024-01-01')
           | count | sum                                        (a list field / a list's numeric field)
           | received | award                                  (awards already received / another policy)

Names are fields of the dictionary or parameters of the policy; date fields appear only inside the
date functions. Division by zero and missing data yield "missing", never an exception.
``round(x)`` rounds half up (四舍五入); ``round(x, -4)`` to the nearest 万.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from .values import round_half_up_array

FUNCTIONS = {
    "min": (2, 99),
    "max": (2, 99),
    "abs": (1, 1),
    "floor": (1, 1),
    "ceil": (1, 1),
    "round": (1, 2),
    "months_between": (2, 2),
    "years_between": (2, 2),
    "days_between": (2, 2),
    "count": (1, 1),
    "sum": (1, 1),
    "received": (1, 99),
    "award": (1, 1),
}
DATE_FUNCTIONS = frozenset({"months_between", "years_between", "days_between"})
AS_OF = "as_of"
PERIODS = ("cumulative", "year", "previous_year")
_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d[\d_]*(?:\.\d+)?(?:[eE][-+]?\d+)?)\s*(?P<suffix>万|亿|%)?"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)"
    r"|'(?P<sq>[^']*)'|\"(?P<dq>[^\"]*)\""
    r"|(?P<op>[-+*/(),]))"
)
_SCALE = {"万": 1e4, "亿": 1e8, "%": 0.01}
_SYMBOL = {"+": "+", "-": "−", "*": "×", "/": "÷"}

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


class ExprError(ValueError):
    """An expression cannot be parsed; ``offset`` is the 0-based character position."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


@dataclass(frozen=True, slots=True)
class Num:
    """A literal number; ``text`` keeps what the author wrote (``10%``)."""

    value: float
    text: str


@dataclass(frozen=True, slots=True)
class Var:
    """A field or parameter name (``as_of`` is the screening date inside date functions)."""

    name: str


@dataclass(frozen=True, slots=True)
class Str:
    """A quoted text: a policy id or pattern, a period, or a date literal."""

    value: str


@dataclass(frozen=True, slots=True)
class Neg:
    """Unary minus."""

    operand: Expr


@dataclass(frozen=True, slots=True)
class Bin:
    """A binary operation, ``op`` in ``+ - * /``."""

    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class Call:
    """A whitelisted function call."""

    function: str
    args: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Agg:
    """An aggregate over a list field: ``count`` of items, or ``sum``/``min``/``max`` of a numeric
    item expression, over the items passing ``where`` (a condition in item context, or None).

    ``where_key`` is a canonical text of the filter (with parameter values once substituted).
    """

    kind: str
    list: str
    value: Expr | None
    where: Any = None  # model.Group in item context (kept untyped: model imports this module)
    where_key: str = ""
    label: str = ""


@dataclass(frozen=True, slots=True)
class Received:
    """Sum of awards already received (``awards_received``) whose policy matches ``patterns``
    (ids, ``prefix.*`` globs; ``self`` is resolved at parse time) within ``period``:
    ``cumulative`` (on or before the screening date), ``year`` (its calendar year up to it),
    ``previous_year``, ``years:N`` (this and the N−1 previous calendar years), ``months:N``."""

    patterns: tuple[str, ...]
    period: str = "cumulative"


@dataclass(frozen=True, slots=True)
class AwardOf:
    """The amount another policy of the library computes for the same enterprise and date."""

    policy: str


Expr = Num | Var | Str | Neg | Bin | Call | Agg | Received | AwardOf
NameCheck = Callable[[str], str | None]
KindOf = Callable[[str], str]


def check_period(text: str) -> str | None:
    """None when ``text`` is a valid period of :class:`Received`, else a message."""
    if text in PERIODS:
        return None
    head, _, tail = text.partition(":")
    if head in ("years", "months") and tail.isdigit() and int(tail) >= 1:
        return None
    return f"期间 {text!r} 无效，允许：cumulative、year、previous_year、years:N、months:N"


def parse_expr(text: str, names: NameCheck, kinds: KindOf | None = None) -> Expr:
    """Parse ``text``; ``names(name)`` returns None when the name is allowed, else a message;
    ``kinds(name)`` says what an allowed name holds: ``number`` (default), ``date``, ``list``
    or ``list_number`` (a numeric field of a list's items, ``trials.cost_yuan``)."""
    tokens: list[tuple[str, str, int, float]] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise ExprError(f"无法识别的字符 {text[pos:].strip()[:1]!r}", pos)
        if match.group("num") is not None:
            start = match.start("num")
            value = float(match.group("num").replace("_", ""))
            value *= _SCALE.get(match.group("suffix") or "", 1.0)
            tokens.append(("num", text[start : match.end()].strip(), start, value))
        elif match.group("name") is not None:
            tokens.append(("name", match.group("name"), match.start("name"), 0.0))
        elif match.group("sq") is not None or match.group("dq") is not None:
            quoted = match.group("sq") if match.group("sq") is not None else match.group("dq")
            tokens.append(("str", quoted, match.start(), 0.0))
        else:
            tokens.append(("op", match.group("op"), match.start("op"), 0.0))
        pos = match.end()
    tokens.append(("end", "", len(text), 0.0))
    parser = _Parser(tokens, names, kinds or (lambda _n: "number"))
    result = parser.expr()
    kind, tok, offset, _ = parser.peek()
    if kind != "end":
        raise ExprError(f"多余的 {tok!r}", offset)
    return result


class _Parser:
    def __init__(
        self, tokens: list[tuple[str, str, int, float]], names: NameCheck, kinds: KindOf
    ) -> None:
        self.tokens = tokens
        self.index = 0
        self.names = names
        self.kinds = kinds

    def peek(self) -> tuple[str, str, int, float]:
        return self.tokens[self.index]

    def take(self) -> tuple[str, str, int, float]:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def expect(self, op: str) -> None:
        kind, tok, offset, _ = self.take()
        if kind != "op" or tok != op:
            raise ExprError(f"此处应为 {op!r}，实为 {tok or '结尾'!r}", offset)

    def expr(self) -> Expr:
        node = self.term()
        while self.peek()[0] == "op" and self.peek()[1] in "+-":
            op = self.take()[1]
            node = Bin(op, node, self.term())
        return node

    def term(self) -> Expr:
        node = self.unary()
        while self.peek()[0] == "op" and self.peek()[1] in "*/":
            op = self.take()[1]
            node = Bin(op, node, self.unary())
        return node

    def unary(self) -> Expr:
        if self.peek()[:2] == ("op", "-"):
            self.take()
            return Neg(self.unary())
        return self.atom()

    def atom(self) -> Expr:
        kind, tok, offset, value = self.take()
        if kind == "num":
            return Num(value, tok)
        if kind == "op" and tok == "(":
            node = self.expr()
            self.expect(")")
            return node
        if kind == "str":
            raise ExprError(f"文本 {tok!r} 只能作为 received、award 或日期函数的参数", offset)
        if kind == "name":
            if self.peek()[:2] == ("op", "("):
                return self.call(tok, offset)
            self.check_name(tok, offset, "number")
            return Var(tok)
        raise ExprError(f"此处应为数字、名称或括号，实为 {tok or '结尾'!r}", offset)

    def check_name(self, name: str, offset: int, wanted: str) -> None:
        if wanted == "date" and name == AS_OF:
            return
        problem = self.names(name)
        if problem is not None:
            raise ExprError(problem, offset)
        actual = self.kinds(name)
        if actual == wanted:
            return
        words = {"number": "数值", "date": "日期", "list": "列表", "list_number": "列表项数值"}
        hint = {
            "date": "日期只能用于 months_between / years_between / days_between",
            "list": "列表只能用于 count(...)，或在条件中用 count/sum 聚合",
            "list_number": "列表项字段只能用于 sum(...)",
        }.get(actual, f"此处需要{words.get(wanted, wanted)}")
        raise ExprError(f"{name} 是{words.get(actual, actual)}字段：{hint}", offset)

    def call(self, name: str, offset: int) -> Expr:
        if name not in FUNCTIONS:
            raise ExprError(f"不允许的函数 {name}，允许：{'、'.join(FUNCTIONS)}", offset)
        self.take()
        args: list[Expr] = [self.argument(name, 0)]
        while self.peek()[:2] == ("op", ","):
            self.take()
            args.append(self.argument(name, len(args)))
        self.expect(")")
        low, high = FUNCTIONS[name]
        if not low <= len(args) <= high:
            raise ExprError(f"函数 {name} 的参数个数不对", offset)
        if name == "count":
            assert isinstance(args[0], Var)
            return Agg("count", args[0].name, None)
        if name == "sum":
            assert isinstance(args[0], Var)
            head, _, tail = args[0].name.partition(".")
            return Agg("sum", head, Var(tail))
        if name == "received":
            texts = [a.value for a in args if isinstance(a, Str)]
            period = "cumulative"
            if len(texts) > 1 and check_period(texts[-1]) is None:
                period = texts.pop()
            return Received(tuple(texts), period)
        if name == "award":
            assert isinstance(args[0], Str)
            return AwardOf(args[0].value)
        if name == "round" and len(args) == 2 and not isinstance(args[1], Num | Neg):
            raise ExprError("round 的第二个参数应为整数位数（如 -4 表示到万）", offset)
        return Call(name, tuple(args))

    def argument(self, function: str, position: int) -> Expr:
        kind, tok, offset, _ = self.peek()
        if function in DATE_FUNCTIONS:
            if kind == "str":
                self.take()
                from .values import parse_date

                if parse_date(tok) is None:
                    raise ExprError(f"日期 {tok!r} 格式不对，应为 2024-01-01", offset)
                return Str(tok)
            if kind != "name":
                raise ExprError(f"{function} 的参数应为日期字段、as_of 或 '2024-01-01'", offset)
            self.take()
            self.check_name(tok, offset, "date")
            return Var(tok)
        if function in ("count", "sum"):
            if kind != "name":
                raise ExprError(f"{function} 的参数应为列表字段", offset)
            self.take()
            self.check_name(tok, offset, "list" if function == "count" else "list_number")
            return Var(tok)
        if function in ("received", "award"):
            if kind != "str":
                raise ExprError(f"{function} 的参数应为带引号的政策编号，如 'rd.subsidy'", offset)
            self.take()
            return Str(tok)
        return self.expr()


def variables(node: Expr) -> frozenset[str]:
    """Every field or parameter name used in ``node`` (lists by their name; not ``as_of``)."""
    if isinstance(node, Var):
        return frozenset() if node.name == AS_OF else frozenset({node.name})
    if isinstance(node, Neg):
        return variables(node.operand)
    if isinstance(node, Bin):
        return variables(node.left) | variables(node.right)
    if isinstance(node, Call):
        return frozenset().union(*(variables(a) for a in node.args))
    if isinstance(node, Agg):
        return frozenset({node.list})
    if isinstance(node, Received):
        from .fields import AWARDS_RECEIVED

        return frozenset({AWARDS_RECEIVED})
    return frozenset()


def award_references(node: Expr) -> frozenset[str]:
    """Ids of the other policies whose award ``node`` uses."""
    if isinstance(node, AwardOf):
        return frozenset({node.policy})
    if isinstance(node, Neg):
        return award_references(node.operand)
    if isinstance(node, Bin):
        return award_references(node.left) | award_references(node.right)
    if isinstance(node, Call):
        return frozenset().union(*(award_references(a) for a in node.args))
    return frozenset()


def substitute(node: Expr, constants: Mapping[str, float]) -> Expr:
    """Replace names found in ``constants`` (parameters on a date) by numbers."""
    if isinstance(node, Var):
        if node.name in constants:
            return Num(constants[node.name], node.name)
        return node
    if isinstance(node, Neg):
        return Neg(substitute(node.operand, constants))
    if isinstance(node, Bin):
        return Bin(node.op, substitute(node.left, constants), substitute(node.right, constants))
    if isinstance(node, Call):
        return Call(node.function, tuple(substitute(a, constants) for a in node.args))
    if isinstance(node, Agg) and constants and node.where is not None:
        # the filter's parameters are resolved when it is evaluated; the key records their values
        used = sorted(n for n in constants if n in node.where_key)
        if used:
            suffix = ";".join(f"{n}={constants[n]!r}" for n in used)
            return Agg(
                node.kind, node.list, node.value, node.where, f"{node.where_key}|{suffix}",
                node.label,
            )  # fmt: skip
    return node


def render(node: Expr, show: Callable[[str], str], parent: int = 0, right: bool = False) -> str:
    """Render in Chinese notation; ``show(name)`` gives e.g. ``研发投入 6000万元``."""
    if isinstance(node, Num):
        return node.text
    if isinstance(node, Var):
        return "测算日" if node.name == AS_OF else show(node.name)
    if isinstance(node, Str):
        return node.value
    if isinstance(node, Neg):
        return f"−{render(node.operand, show, 3)}"
    if isinstance(node, Bin):
        level = 1 if node.op in "+-" else 2
        text = (
            f"{render(node.left, show, level)} {_SYMBOL[node.op]} "
            f"{render(node.right, show, level, right=True)}"
        )
        needs = level < parent or (level == parent and right)
        return f"({text})" if needs else text
    if isinstance(node, Agg | Received | AwardOf):
        return show(special_key(node))
    return f"{node.function}({', '.join(render(a, show) for a in node.args)})"


def special_key(node: Agg | Received | AwardOf) -> str:
    """The name under which the value of an aggregate, a received sum or an award reference is
    shown and cached (``count(certificates|…)``, ``received(rd.*;year)``, ``award(x)``)."""
    if isinstance(node, Agg):
        inner = "" if node.value is None else canonical(node.value)
        return f"{node.kind}({node.list}:{inner}|{node.where_key})"
    if isinstance(node, Received):
        return f"received({','.join(node.patterns)};{node.period})"
    return f"award({node.policy})"


def canonical(node: Expr) -> str:
    """A canonical text of ``node``, used to share identical expressions across policies."""
    if isinstance(node, Num):
        return repr(node.value)
    if isinstance(node, Var):
        return node.name
    if isinstance(node, Str):
        return repr(node.value)
    if isinstance(node, Neg):
        return f"(-{canonical(node.operand)})"
    if isinstance(node, Bin):
        return f"({canonical(node.left)}{node.op}{canonical(node.right)})"
    if isinstance(node, Agg | Received | AwardOf):
        return special_key(node)
    return f"{node.function}({','.join(canonical(a) for a in node.args)})"


# ---- evaluation ---------------------------------------------------------------------------------

ColumnGetter = Callable[[str], tuple[FloatArray, BoolArray | None]]
SpecialGetter = Callable[[Expr], tuple[FloatArray, BoolArray | None]]


@dataclass
class Evaluated:
    """Values of an expression over rows, rows where it is missing, and rows where a division
    by zero made it missing (``zero_divisors``: the divisor's names with their rows)."""

    values: FloatArray
    missing: BoolArray | None
    zero_divisors: list[tuple[frozenset[str], BoolArray]] = field(default_factory=list)


def eval_vector(
    node: Expr, column: ColumnGetter, size: int, special: SpecialGetter | None = None
) -> tuple[FloatArray, BoolArray | None]:
    """Evaluate over columns: returns ``(values, missing)``; ``missing`` None means none missing.

    ``column(name)`` gives a numeric column; ``special(node)`` evaluates date functions,
    aggregates, received sums and award references (None: not allowed here).
    """
    result = eval_full(node, column, size, special)
    return result.values, result.missing


def eval_full(
    node: Expr, column: ColumnGetter, size: int, special: SpecialGetter | None = None
) -> Evaluated:
    """:func:`eval_vector` keeping track of divisions by zero (to name the divisor's fields)."""
    zero: list[tuple[frozenset[str], BoolArray]] = []

    def walk(n: Expr) -> tuple[FloatArray, BoolArray | None]:
        if isinstance(n, Num):
            return np.full(size, n.value), None
        if isinstance(n, Var):
            return column(n.name)
        if isinstance(n, Neg):
            values, missing = walk(n.operand)
            return -values, missing
        if isinstance(n, Bin):
            a, ma = walk(n.left)
            b, mb = walk(n.right)
            missing = _or(ma, mb)
            if n.op == "+":
                return a + b, missing
            if n.op == "-":
                return a - b, missing
            if n.op == "*":
                return a * b, missing
            is_zero = b == 0
            if mb is not None:
                is_zero &= ~mb
            with np.errstate(divide="ignore", invalid="ignore"):
                out = np.where(is_zero, 0.0, a / np.where(b == 0, 1.0, b))
            if is_zero.any():
                zero.append((variables(n.right), is_zero))
                missing = _or(missing, is_zero)
            return out, missing
        if isinstance(n, Agg | Received | AwardOf) or (
            isinstance(n, Call) and n.function in DATE_FUNCTIONS
        ):
            if special is None:
                raise ValueError(f"{canonical(n)} 在此处不可用")
            return special(n)
        assert isinstance(n, Call)
        evaluated = [walk(a) for a in n.args if not isinstance(a, Str)]
        missing_all: BoolArray | None = None
        for _, m in evaluated:
            missing_all = _or(missing_all, m)
        arrays = [v for v, _ in evaluated]
        if n.function == "min":
            out = arrays[0]
            for other in arrays[1:]:
                out = np.minimum(out, other)
        elif n.function == "max":
            out = arrays[0]
            for other in arrays[1:]:
                out = np.maximum(out, other)
        elif n.function == "abs":
            out = np.abs(arrays[0])
        elif n.function == "floor":
            out = np.floor(np.round(arrays[0], 9))
        elif n.function == "ceil":
            out = np.ceil(np.round(arrays[0], 9))
        else:
            digits = int(arrays[1][0]) if len(arrays) > 1 and size else 0
            out = round_half_up_array(arrays[0], digits)
        return out, missing_all

    values, missing = walk(node)
    return Evaluated(values, missing, zero)


def _or(a: BoolArray | None, b: BoolArray | None) -> BoolArray | None:
    if a is None:
        return b
    if b is None:
        return a
    return a | b


ScalarFn = Callable[[Mapping[str, object]], float | None]


def compile_scalar(node: Expr) -> ScalarFn:
    """``profile -> float | None`` for plain arithmetic over numeric names (one row of
    :func:`eval_vector`, so both give the same answer)."""

    def run(profile: Mapping[str, object]) -> float | None:
        def column(name: str) -> tuple[FloatArray, BoolArray | None]:
            raw = profile.get(name)
            if raw is None:
                return np.zeros(1), np.ones(1, dtype=np.bool_)
            return np.array([float(raw)]), None  # type: ignore[arg-type]

        values, missing = eval_vector(node, column, 1)
        if missing is not None and bool(missing[0]):
            return None
        return float(values[0])

    return run


def constant_value(node: Expr, params: Mapping[str, float]) -> float:
    """The value of a parameter-only expression (raises ValueError when it reads a field)."""
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Var) and node.name in params:
        return params[node.name]

    def no_column(name: str) -> tuple[FloatArray, BoolArray | None]:
        raise ValueError(f"expression is not constant: {name}")

    values, missing = eval_vector(substitute(node, params), no_column, 1)
    if missing is not None and bool(missing[0]):
        raise ValueError("expression is not constant")
    return float(values[0])
