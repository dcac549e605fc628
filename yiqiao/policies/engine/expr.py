"""A small whitelisted arithmetic grammar (no ``eval``): parse, evaluate, vectorise, render.

Grammar::

    expr  := term (("+" | "-") term)*
    term  := unary (("*" | "/") unary)*
    unary := "-" unary | atom
    atom  := NUMBER ["万" | "亿" | "%"] | NAME | FUNC "(" expr ("," expr)* ")" | "(" expr ")"
    FUNC  := min | max | abs | floor | ceil | round

Names are fields of the dictionary (numeric types only) or parameters of the policy. Division
by zero yields "missing", never an exception.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FUNCTIONS = {
    "min": (2, 99),
    "max": (2, 99),
    "abs": (1, 1),
    "floor": (1, 1),
    "ceil": (1, 1),
    "round": (1, 1),
}
_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d[\d_]*(?:\.\d+)?(?:[eE][-+]?\d+)?)\s*(?P<suffix>万|亿|%)?"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<op>[-+*/(),]))"
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
    """A field or parameter name."""

    name: str


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


Expr = Num | Var | Neg | Bin | Call


def parse_expr(text: str, names: Callable[[str], str | None]) -> Expr:
    """Parse ``text``; ``names(name)`` returns None when the name is allowed, else a message."""
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
        else:
            tokens.append(("op", match.group("op"), match.start("op"), 0.0))
        pos = match.end()
    tokens.append(("end", "", len(text), 0.0))
    parser = _Parser(tokens, names)
    result = parser.expr()
    kind, tok, offset, _ = parser.peek()
    if kind != "end":
        raise ExprError(f"多余的 {tok!r}", offset)
    return result


class _Parser:
    def __init__(
        self, tokens: list[tuple[str, str, int, float]], names: Callable[[str], str | None]
    ) -> None:
        self.tokens = tokens
        self.index = 0
        self.names = names

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
        if kind == "name":
            if self.peek()[:2] == ("op", "("):
                if tok not in FUNCTIONS:
                    raise ExprError(f"不允许的函数 {tok}，允许：{'、'.join(FUNCTIONS)}", offset)
                self.take()
                args = [self.expr()]
                while self.peek()[:2] == ("op", ","):
                    self.take()
                    args.append(self.expr())
                self.expect(")")
                low, high = FUNCTIONS[tok]
                if not low <= len(args) <= high:
                    raise ExprError(f"函数 {tok} 的参数个数不对", offset)
                return Call(tok, tuple(args))
            problem = self.names(tok)
            if problem is not None:
                raise ExprError(problem, offset)
            return Var(tok)
        raise ExprError(f"此处应为数字、名称或括号，实为 {tok or '结尾'!r}", offset)


def variables(node: Expr) -> frozenset[str]:
    """Every name used in ``node``."""
    if isinstance(node, Var):
        return frozenset({node.name})
    if isinstance(node, Neg):
        return variables(node.operand)
    if isinstance(node, Bin):
        return variables(node.left) | variables(node.right)
    if isinstance(node, Call):
        return frozenset().union(*(variables(a) for a in node.args))
    return frozenset()


def substitute(node: Expr, constants: Mapping[str, float]) -> Expr:
    """Replace names found in ``constants`` (parameters on a date) by numbers, folding constants."""
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
    return node


_SCALAR_FUNCS: dict[str, Callable[..., float]] = {
    "min": min,
    "max": max,
    "abs": abs,
    "floor": lambda x: float(math.floor(x)),
    "ceil": lambda x: float(math.ceil(x)),
    "round": lambda x: float(round(x)),
}

ScalarFn = Callable[[Mapping[str, object]], float | None]


def compile_scalar(node: Expr) -> ScalarFn:
    """Compile to a closure ``profile -> float | None`` (None when a name is missing)."""
    if isinstance(node, Num):
        value = node.value
        return lambda _p: value
    if isinstance(node, Var):
        name = node.name

        def get(profile: Mapping[str, object]) -> float | None:
            raw = profile.get(name)
            if raw is None:
                return None
            return float(raw)  # type: ignore[arg-type]

        return get
    if isinstance(node, Neg):
        inner = compile_scalar(node.operand)

        def neg(profile: Mapping[str, object]) -> float | None:
            value = inner(profile)
            return None if value is None else -value

        return neg
    if isinstance(node, Bin):
        left, right, op = compile_scalar(node.left), compile_scalar(node.right), node.op

        def binary(profile: Mapping[str, object]) -> float | None:
            a = left(profile)
            b = right(profile)
            if a is None or b is None:
                return None
            if op == "+":
                return a + b
            if op == "-":
                return a - b
            if op == "*":
                return a * b
            return None if b == 0 else a / b

        return binary
    parts = [compile_scalar(a) for a in node.args]
    function = _SCALAR_FUNCS[node.function]

    def call(profile: Mapping[str, object]) -> float | None:
        values = [p(profile) for p in parts]
        if any(v is None for v in values):
            return None
        return float(function(*values))

    return call


ColumnGetter = Callable[[str], tuple[FloatArray, BoolArray | None]]


def eval_vector(node: Expr, column: ColumnGetter, size: int) -> tuple[FloatArray, BoolArray | None]:
    """Evaluate over columns: returns ``(values, missing)``; ``missing`` None means none missing."""
    if isinstance(node, Num):
        return np.full(size, node.value), None
    if isinstance(node, Var):
        return column(node.name)
    if isinstance(node, Neg):
        values, missing = eval_vector(node.operand, column, size)
        return -values, missing
    if isinstance(node, Bin):
        a, ma = eval_vector(node.left, column, size)
        b, mb = eval_vector(node.right, column, size)
        missing = _or(ma, mb)
        if node.op == "+":
            return a + b, missing
        if node.op == "-":
            return a - b, missing
        if node.op == "*":
            return a * b, missing
        zero = b == 0
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.where(zero, 0.0, a / np.where(zero, 1.0, b))
        return out, _or(missing, zero if zero.any() else None)
    evaluated = [eval_vector(a, column, size) for a in node.args]
    missing_all: BoolArray | None = None
    for _, m in evaluated:
        missing_all = _or(missing_all, m)
    arrays = [v for v, _ in evaluated]
    if node.function == "min":
        out = arrays[0]
        for other in arrays[1:]:
            out = np.minimum(out, other)
    elif node.function == "max":
        out = arrays[0]
        for other in arrays[1:]:
            out = np.maximum(out, other)
    elif node.function == "abs":
        out = np.abs(arrays[0])
    elif node.function == "floor":
        out = np.floor(arrays[0])
    elif node.function == "ceil":
        out = np.ceil(arrays[0])
    else:
        out = np.round(arrays[0])
    return out, missing_all


def _or(a: BoolArray | None, b: BoolArray | None) -> BoolArray | None:
    if a is None:
        return b
    if b is None:
        return a
    return a | b


def render(node: Expr, show: Callable[[str], str], parent: int = 0, right: bool = False) -> str:
    """Render in Chinese notation; ``show(name)`` gives e.g. ``研发投入 6000万元``."""
    if isinstance(node, Num):
        return node.text
    if isinstance(node, Var):
        return show(node.name)
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
    return f"{node.function}({', '.join(render(a, show) for a in node.args)})"


def canonical(node: Expr) -> str:
    """A canonical text of ``node``, used to share identical expressions across policies."""
    if isinstance(node, Num):
        return repr(node.value)
    if isinstance(node, Var):
        return node.name
    if isinstance(node, Neg):
        return f"(-{canonical(node.operand)})"
    if isinstance(node, Bin):
        return f"({canonical(node.left)}{node.op}{canonical(node.right)})"
    return f"{node.function}({','.join(canonical(a) for a in node.args)})"
