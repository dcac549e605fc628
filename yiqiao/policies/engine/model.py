"""Frozen dataclasses describing a parsed policy (one 政策事项 with dated versions)."""

from __future__ import annotations

import bisect
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .errors import Issue
from .expr import Expr, Received
from .fields import FieldDictionary

OPERATORS = (
    "ge", "gt", "le", "lt", "eq", "ne", "in", "not_in", "between", "is", "exists",
    "within_years", "within_months", "within_days", "in_year", "in_years", "in_last_years",
)  # fmt: skip
DATE_WINDOWS = (
    "within_years", "within_months", "within_days", "in_year", "in_years", "in_last_years",
)  # fmt: skip
STATUSES = ("draft", "review", "published", "expired")
DELIVERIES = ("auto", "apply", "manual")
ELIGIBLE = "eligible"
INELIGIBLE = "ineligible"
IF_DATA_SUPPLIED = "eligible_if_data_supplied"
NOT_IN_EFFECT = "not_in_effect"
RESULT_STATUSES = (ELIGIBLE, INELIGIBLE, IF_DATA_SUPPLIED, NOT_IN_EFFECT)


@dataclass(frozen=True)
class Atom:
    """One atomic condition: ``field`` (or an expression) compared by ``op`` with ``operand``.

    ``operand`` by type: numeric → :data:`Expr` (constant once parameters are resolved);
    between → a 2-tuple of those (or of dates); date → ``date``; enum/str in/not_in → tuple of
    codes; eq/ne on codes → str; set in/not_in → tuple of codes; is/exists → bool;
    within_years/within_months/within_days → :data:`Expr`; in_year → int (≤ 0 relative to the
    screening year, else a calendar year); in_years → (int, int); in_last_years → int; a date
    compared with another date → :class:`DateRef`. ``expr`` also holds aggregates over lists
    (``count``/``sum`` with a filter) and received sums.
    """

    path: str
    line: int
    field: str | None
    expr: Expr | None
    label: str
    unit: str
    type: str
    op: str
    operand: Any  # see the class docstring for its type per operator


@dataclass(frozen=True)
class Group:
    """``all`` / ``any`` / ``not`` over child conditions."""

    kind: str
    children: tuple[Condition, ...]
    path: str
    line: int


Condition = Atom | Group


@dataclass(frozen=True)
class DateRef:
    """Another date to compare with: a date field (or the screening date when ``field`` is
    None), moved by whole ``years``/``months``/``days`` (``{field: landed_on, months: 36}``)."""

    field: str | None
    years: int = 0
    months: int = 0
    days: int = 0


@dataclass(frozen=True)
class Fixed:
    """A fixed amount."""

    amount: Expr
    label: str = ""


@dataclass(frozen=True)
class Rate:
    """``rate × of``, optionally capped."""

    rate: Expr
    base: Expr
    cap: Expr | None
    label: str = ""


@dataclass(frozen=True)
class PerUnit:
    """``amount per unit × quantity``, optionally capped."""

    amount: Expr
    quantity: Expr
    cap: Expr | None
    label: str = ""


@dataclass(frozen=True)
class Bracket:
    """One tier: applies when the base is at least ``lower``; pays ``amount`` or ``rate × base``."""

    lower: Expr
    amount: Expr | None
    rate: Expr | None


@dataclass(frozen=True)
class Tiers:
    """Step tiers on ``base``: the highest bracket reached pays (not marginal)."""

    base: Expr
    brackets: tuple[Bracket, ...]
    cap: Expr | None
    label: str = ""


@dataclass(frozen=True)
class Table:
    """A benefit looked up by the code of field ``by`` (each cell a fixed amount or any benefit:
    a rate with a cap, a formula...); ``default`` when the code has no row (None: 0)."""

    by: str
    rows: tuple[tuple[str, Benefit], ...]
    default: Benefit | None
    label: str = ""
    cap: Expr | None = None


@dataclass(frozen=True)
class When:
    """A benefit that branches: the first branch whose condition holds pays; ``otherwise``
    (None: 0) when none does. An undecided earlier branch leaves the amount undecided."""

    branches: tuple[tuple[Group, Benefit], ...]
    otherwise: Benefit | None
    cap: Expr | None
    label: str = ""


@dataclass(frozen=True)
class PerItem:
    """A benefit per item of a list field (each certificate, each trial phase...): ``amount`` is
    evaluated per item passing ``where`` (item context), each floored at 0; at most
    ``max_items`` items count (highest first); the sum is capped by ``cap``."""

    list: str
    where: Group | None
    amount: Benefit
    max_items: int | None
    cap: Expr | None
    label: str = ""


@dataclass(frozen=True)
class Formula:
    """A free arithmetic expression over numeric fields and parameters, optionally capped."""

    expr: Expr
    cap: Expr | None
    label: str = ""


@dataclass(frozen=True)
class Combine:
    """``min`` / ``max`` / ``sum`` of benefit parts, optionally capped."""

    kind: str
    parts: tuple[Benefit, ...]
    cap: Expr | None
    label: str = ""


Benefit = Fixed | Rate | PerUnit | Tiers | Table | Formula | Combine | When | PerItem


@dataclass(frozen=True)
class ReceivedCap:
    """A cap net of awards already received: the award is at most ``limit − received`` (≥ 0)."""

    limit: Expr
    received: Received
    label: str = ""


@dataclass(frozen=True)
class Parameter:
    """A dated value (openfisca style): the value in force is the last one dated on or before."""

    name: str
    label: str
    unit: str
    values: tuple[tuple[date, float], ...]
    reference: str = ""

    def value_on(self, on: date) -> float | None:
        """The value in force on ``on``, or None before the first date."""
        index = bisect.bisect_right([d for d, _ in self.values], on) - 1
        return None if index < 0 else self.values[index][1]


@dataclass(frozen=True)
class SourceRef:
    """The issuing document, its number and the article the policy implements."""

    document: str
    number: str
    article: str
    url: str = ""
    issuer: str = ""

    def __str__(self) -> str:
        number = f"（{self.number}）" if self.number else ""
        issuer = f"{self.issuer}：" if self.issuer else ""
        return f"{issuer}{self.document}{number}{self.article}"


@dataclass(frozen=True)
class PolicyVersion:
    """One dated version of a policy; versions of a policy never overlap in time."""

    version: int
    title: str
    status: str
    effective_from: date
    effective_to: date | None
    delivery: str
    exclusive_group: str | None
    cap_per_year: Expr | None
    cap_group: str | None
    cap_group_limit: Expr | None
    budget: float | None
    source: SourceRef
    summary: str
    category: str
    conditions: Group
    benefit: Benefit
    parameters: Mapping[str, Parameter]
    line: int
    change_dates: tuple[date, ...] = field(default=())
    received_caps: tuple[ReceivedCap, ...] = ()
    top_up: Received | None = None
    exclusive_period: str = "year"
    references: frozenset[str] = frozenset()

    def in_effect(self, on: date) -> bool:
        """True when ``on`` lies within [effective_from, effective_to]."""
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)

    def parameters_on(self, on: date) -> dict[str, float]:
        """Every parameter's value on ``on`` (parameters without a value yet are left out)."""
        result: dict[str, float] = {}
        for name, parameter in self.parameters.items():
            value = parameter.value_on(on)
            if value is not None:
                result[name] = value
        return result


@dataclass(frozen=True)
class PolicyCase:
    """A profile, a date and the expected status (and amount when eligible)."""

    name: str
    on: date
    profile: Mapping[str, object]
    status: str
    amount: float | None
    line: int
    missing_fields: tuple[str, ...] | None = None


@dataclass(frozen=True, eq=False)
class Policy:
    """One 政策事项: identity, dated versions and test cases, as parsed from one YAML file."""

    id: str
    title: str
    file: str
    versions: tuple[PolicyVersion, ...]
    tests: tuple[PolicyCase, ...]
    fictional_sample: bool
    fields: FieldDictionary
    tags: tuple[str, ...] = ()
    warnings: tuple[Issue, ...] = ()
    references: tuple[tuple[str, int], ...] = ()

    def version_on(self, on: date) -> PolicyVersion | None:
        """The version in effect on ``on``, or None."""
        for version in self.versions:
            if version.in_effect(on):
                return version
        return None

    @property
    def latest(self) -> PolicyVersion:
        """The version with the latest start date."""
        return self.versions[-1]
