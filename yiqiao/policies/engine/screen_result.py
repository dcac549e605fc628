"""Result types of batch screening: per-policy figures and long-form arrays."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from .benefit import benefit_fields
from .bitmaps import Words, extract
from .expr import variables
from .model import Atom, Group, PolicyVersion
from .snapshot import Snapshot

IntArray = npt.NDArray[np.int64]
RowArray = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float64]
DELIVERY_CODES = {"auto": 0, "apply": 1, "manual": 2}


@dataclass
class ScreenedPolicy:
    """Per-policy figures of a screening; ``index`` is the policy's position in the input."""

    index: int
    policy_id: str
    title: str
    version: int | None
    delivery: str
    exclusive_group: str | None
    cap_group: str | None
    budget: float | None
    eligible: int = 0
    amount: float = 0.0
    superseded: int = 0
    quick_apply: int = 0
    near_misses: int = 0
    near_misses_listed: int = 0
    rule: PolicyVersion | None = None
    parameter_names: frozenset[str] = frozenset()

    @property
    def fields(self) -> tuple[str, ...]:
        """Fields the screened version reads (conditions, then benefit)."""
        return () if self.rule is None else _fields_of(self.rule, self.parameter_names)

    @property
    def top_labels(self) -> tuple[str, ...]:
        """Chinese labels of the top-level conditions (indexed by ``near_condition``)."""
        return () if self.rule is None else tuple(_label(n) for n in self.rule.conditions.children)

    @property
    def over_budget(self) -> bool:
        """True when the awarded total exceeds the policy's annual budget."""
        return self.budget is not None and self.amount > self.budget + 0.005


@dataclass
class ScreeningResult:
    """Long-form results: one row per (enterprise, policy).

    ``award_*``: eligible pairs kept after exclusive groups, amounts after shared caps
    (``award_amount_before_caps`` keeps the per-policy amount). ``superseded_*``: eligible pairs
    dropped by 就高不重复. ``quick_*``: pairs eligible if data were supplied (快申快享; see
    :meth:`missing_fields`). ``near_*``: exactly one top-level
    condition fails (index into ``policies[p].top_labels``), listed up to the per-policy limit.
    """

    on: date
    size: int
    policies: list[ScreenedPolicy]
    award_enterprise: RowArray
    award_policy: RowArray
    award_amount: FloatArray
    cap_reduced: dict[int, FloatArray]
    superseded_enterprise: RowArray
    superseded_policy: RowArray
    superseded_amount: FloatArray
    quick_bitmaps: list[Words | None]
    quick_extra: list[IntArray]
    near_enterprise: RowArray
    near_policy: RowArray
    near_condition: RowArray
    snapshot: Snapshot
    total_budget: float | None = None
    distinct_atoms: int = 0
    atom_requests: int = 0
    distinct_trees: int = 0
    _quick: tuple[RowArray, RowArray] | None = None
    _before: FloatArray | None = None
    _delivery: npt.NDArray[np.int8] | None = None

    @property
    def award_amount_before_caps(self) -> FloatArray:
        """Per-policy amounts before shared caps (built once, on first access)."""
        if not self.cap_reduced:
            return self.award_amount
        if self._before is None:
            out = self.award_amount.copy()
            counts = np.bincount(self.award_policy, minlength=len(self.policies))
            offsets = np.concatenate([[0], np.cumsum(counts)])
            for policy, original in self.cap_reduced.items():
                out[offsets[policy] : offsets[policy + 1]] = original
            self._before = out
        return self._before

    @property
    def award_delivery(self) -> npt.NDArray[np.int8]:
        """Delivery code of each award: 0 auto (免申即享), 1 apply, 2 manual (built once)."""
        if self._delivery is None:
            codes = [DELIVERY_CODES.get(p.delivery, 2) for p in self.policies] or [0]
            self._delivery = np.array(codes, dtype=np.int8)[self.award_policy]
        return self._delivery

    @property
    def total_amount(self) -> float:
        """Total awarded (all deliveries) after groups and caps."""
        return float(self.award_amount.sum())

    @property
    def over_budget(self) -> bool:
        """True when the total exceeds ``total_budget``."""
        return self.total_budget is not None and self.total_amount > self.total_budget + 0.005

    def auto_awards(self) -> IntArray:
        """Indices (into ``award_*``) of the 免申即享 list: eligible pairs with delivery auto."""
        return np.flatnonzero(self.award_delivery == DELIVERY_CODES["auto"])

    def quick_apply_rows(self, policy: int) -> IntArray:
        """Enterprises of the 快申快享 list of policy ``policy`` (ascending)."""
        bitmap = self.quick_bitmaps[policy]
        rows = extract(bitmap) if bitmap is not None else np.zeros(0, dtype=np.int64)
        extra = self.quick_extra[policy]
        return np.sort(np.concatenate([rows, extra])) if extra.size else rows

    def quick_apply_long(self) -> tuple[RowArray, RowArray]:
        """The whole 快申快享 list in long form: (enterprise, policy), by policy then enterprise.

        Kept as per-policy bitmaps during screening and expanded here on demand.
        """
        if self._quick is None:
            parts = [self.quick_apply_rows(p) for p in range(len(self.policies))]
            self._quick = (
                np.asarray(concat_parts(parts, np.int64), dtype=np.int32),
                policy_of_rows(parts),
            )
        return self._quick

    @property
    def quick_enterprise(self) -> RowArray:
        """Enterprise column of :meth:`quick_apply_long`."""
        return self.quick_apply_long()[0]

    @property
    def quick_policy(self) -> RowArray:
        """Policy column of :meth:`quick_apply_long`."""
        return self.quick_apply_long()[1]

    def missing_fields(self, row: int) -> tuple[str, ...]:
        """Names of the policy's fields missing for quick-apply row ``row`` (read on demand)."""
        policy = self.policies[int(self.quick_policy[row])]
        enterprise = int(self.quick_enterprise[row])
        out = []
        for name in policy.fields:
            if not self.snapshot.has(name):
                out.append(name)
                continue
            mask = self.snapshot.missing.get(name)
            if mask is not None and mask[enterprise]:
                out.append(name)
        return tuple(out)


def concat_parts(parts: list[IntArray] | list[FloatArray], dtype: type) -> npt.NDArray[Any]:
    """Concatenate per-policy parts; row indices are stored as int32 to halve the traffic."""
    out_type = np.int32 if dtype is np.int64 else dtype
    if not parts:
        return np.zeros(0, dtype=out_type)
    return np.concatenate(parts, dtype=out_type, casting="unsafe")


def policy_of_rows(parts: list[IntArray]) -> RowArray:
    """Policy index of every row of the concatenated per-policy ``parts``."""
    out = np.empty(sum(p.size for p in parts), dtype=np.int32)
    start = 0
    for index, part in enumerate(parts):
        out[start : start + part.size] = index
        start += part.size
    return out


def _fields_of(version: PolicyVersion, params: frozenset[str]) -> tuple[str, ...]:

    names: list[str] = []

    def visit(node: Atom | Group) -> None:
        if isinstance(node, Atom):
            used = [node.field] if node.field else sorted(variables(node.expr) - params)  # type: ignore[arg-type]
            names.extend(n for n in used if n not in names)
        else:
            for child in node.children:
                visit(child)

    visit(version.conditions)
    names.extend(n for n in sorted(benefit_fields(version.benefit, params)) if n not in names)
    return tuple(names)


def _label(node: Atom | Group) -> str:
    if isinstance(node, Atom):
        return node.label
    return {"all": "同时满足的一组条件", "any": "任一条件组", "not": "排除条件"}[
        node.kind
    ] + f"（{node.path}）"
