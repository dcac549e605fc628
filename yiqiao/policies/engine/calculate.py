"""The policy calculator for one enterprise: explain every policy, then apply 就高不重复 and
shared caps exactly as the batch screening does."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from .allocate import allocate_one
from .evaluate import constant
from .explain import Explanation, _explain, group_members
from .model import ELIGIBLE, IF_DATA_SUPPLIED, Policy


@dataclass(slots=True)
class CalculatedPolicy:
    """One policy's explanation plus its final amount after cross-policy rules.

    ``final_amount`` is 0 and ``superseded`` True when a higher award of the same exclusive
    group was kept; ``capped`` is True when a shared annual cap reduced the amount.
    """

    explanation: Explanation
    final_amount: float | None
    superseded: bool
    capped: bool


@dataclass(slots=True)
class Calculation:
    """All policies for one enterprise on one date, in the order given."""

    on: date
    items: list[CalculatedPolicy]

    @property
    def total(self) -> float:
        """Sum of final amounts of eligible policies."""
        return sum(i.final_amount or 0.0 for i in self.items)

    @property
    def eligible(self) -> list[CalculatedPolicy]:
        """Eligible and not superseded."""
        return [i for i in self.items if i.explanation.status == ELIGIBLE and not i.superseded]

    @property
    def quick_apply(self) -> list[CalculatedPolicy]:
        """Eligible if data were supplied (快申快享)."""
        return [i for i in self.items if i.explanation.status == IF_DATA_SUPPLIED]

    @property
    def near_misses(self) -> list[CalculatedPolicy]:
        """Exactly one top-level condition fails (see :func:`explain`)."""
        return [i for i in self.items if i.explanation.is_near_miss]


def calculate(policies: Sequence[Policy], profile: Mapping[str, object], on: date) -> Calculation:
    """Explain each policy for ``profile`` and apply exclusive groups and shared caps.

    Ties in an exclusive group go to the policy listed first; shared caps grant the largest
    awards first (same rules as :func:`~yiqiao.policies.engine.screen.screen`).
    """
    by_id = {p.id: p for p in policies}
    members = group_members(policies)
    seen: dict[str, Explanation] = {}
    explanations = []
    for policy in policies:
        result = seen.get(policy.id)
        if result is None or result.title == "":
            result = _explain(policy, profile, on, 0.3, members, by_id, seen)
            seen[policy.id] = result
        explanations.append(result)
    rows: list[tuple[int, float, str | None, str | None, float | None]] = []
    positions: list[int] = []
    for index, (policy, result) in enumerate(zip(policies, explanations, strict=True)):
        if result.status != ELIGIBLE or result.amount is None:
            continue
        version = policy.version_on(on)
        assert version is not None
        limit = None
        if version.cap_group is not None and version.cap_group_limit is not None:
            limit = constant(version.cap_group_limit, version.parameters_on(on))
        cap_group = version.cap_group if limit is not None else None
        rows.append((index, result.amount, version.exclusive_group, cap_group, limit))
        positions.append(index)
    final, lost = allocate_one(rows)
    by_index = dict(zip(positions, range(len(rows)), strict=True))
    items: list[CalculatedPolicy] = []
    for index, result in enumerate(explanations):
        if index not in by_index:
            items.append(CalculatedPolicy(result, None, False, False))
            continue
        row = rows[by_index[index]]
        amount = final[by_index[index]]
        superseded = lost[by_index[index]]
        items.append(
            CalculatedPolicy(result, amount, superseded, not superseded and amount < row[1])
        )
    return Calculation(on, items)
