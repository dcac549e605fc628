"""Candidates for a rung, ranked by how close they are, over a whole register snapshot.

The rung's criteria are a policy-format file (``yiqiao/cultivation/criteria``): each top-level
condition is one criterion. Every criterion is evaluated over every row at once with the policy
engine's batch code (:func:`yiqiao.policies.engine.evaluate.condition` on a
:class:`SnapshotFrame`, three-valued: met / failed / missing data), so a million enterprises
cost a handful of vector operations per criterion. Rows are ranked by

1. criteria not met (failed or not decidable for missing data; fewest first), then
2. criteria failed (an undecided criterion may still be met), then
3. the relative shortfall on the failed numeric lower bounds (研发投入 95万 of 100万 → 0.05;
   a failed criterion that is not a numeric bound counts 1).

Only the rows shown are explained one by one (:func:`explain_rows`, the calculator's wording).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from yiqiao.policies.engine import Policy, Snapshot, explain
from yiqiao.policies.engine.evaluate import atom_subject, condition, constant
from yiqiao.policies.engine.explain import FAIL, MISSING, PASS
from yiqiao.policies.engine.frame import SnapshotFrame
from yiqiao.policies.engine.model import Atom
from yiqiao.policies.engine.synthetic import profiles_from_snapshot

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

_NUMERIC = frozenset({"number", "money", "int"})


@dataclass(frozen=True)
class CandidateRanking:
    """Rows of the snapshot in rank order (closest first) with their counts per row.

    ``rows`` holds the first ``limit`` candidates; ``by_unmet[k]`` counts every considered row
    with k criteria not met (failed or missing data; k = 0 means every criterion met)."""

    criteria: tuple[str, ...]
    considered: int
    rows: IntArray
    failed: IntArray
    missing: IntArray
    shortfall: FloatArray
    by_unmet: tuple[int, ...]


def _labels(policy: Policy, on: dt.date) -> tuple[str, ...]:
    version = policy.version_on(on)
    assert version is not None
    out = []
    for child in version.conditions.children:
        if isinstance(child, Atom):
            out.append(child.label)
        else:
            parts = [c.label for c in child.children if isinstance(c, Atom)]
            out.append("、".join(dict.fromkeys(parts)) or "组合条件")
    return tuple(out)


def rank_candidates(
    policy: Policy,
    snapshot: Snapshot,
    on: dt.date,
    *,
    considered: npt.NDArray[np.bool_] | None = None,
    limit: int = 100,
    max_unmet: int | None = None,
) -> CandidateRanking:
    """Rank the rows of ``snapshot`` (those set in ``considered``, default all) by closeness to
    meeting ``policy``'s criteria on ``on``; keep the first ``limit`` (and only rows with at
    most ``max_unmet`` criteria not met, when given)."""
    version = policy.version_on(on)
    if version is None:
        raise ValueError(f"{policy.id} 在 {on} 无有效版本")
    params = version.parameters_on(on)
    frame = SnapshotFrame(snapshot, on)
    size = snapshot.size
    failed = np.zeros(size, dtype=np.int64)
    missing = np.zeros(size, dtype=np.int64)
    shortfall = np.zeros(size, dtype=np.float64)
    for child in version.conditions.children:
        truth, not_false = condition(child, frame, params)
        is_failed = ~not_false
        failed += is_failed
        missing += not_false & ~truth
        shortfall += _shortfall(child, frame, params, is_failed)
    unmet = failed + missing
    keep = np.ones(size, dtype=np.bool_) if considered is None else considered.copy()
    if max_unmet is not None:
        keep &= unmet <= max_unmet
    candidates = np.flatnonzero(keep)
    counts = np.bincount(unmet[candidates], minlength=len(version.conditions.children) + 1)
    order = np.lexsort((candidates, shortfall[candidates], failed[candidates], unmet[candidates]))
    top = candidates[order[:limit]]
    return CandidateRanking(
        _labels(policy, on),
        int(candidates.size),
        top.astype(np.int64),
        failed[top],
        missing[top],
        shortfall[top],
        tuple(int(c) for c in counts),
    )


def _shortfall(
    node: object,
    frame: SnapshotFrame,
    params: dict[str, float] | object,
    is_failed: npt.NDArray[np.bool_],
) -> FloatArray:
    """Relative shortfall of a failed numeric lower bound (0..1); 1 for any other failure."""
    out = is_failed.astype(np.float64)
    if not (isinstance(node, Atom) and node.op in ("ge", "gt") and node.type in _NUMERIC):
        return out
    bound = constant(node.operand, params)  # type: ignore[arg-type]
    if bound == 0:
        return out
    values, absent, _ = atom_subject(node, frame, params)  # type: ignore[arg-type]
    numbers = values.astype(np.float64, copy=False)
    gap = np.clip((bound - numbers) / abs(bound), 0.0, 1.0)
    rows = is_failed if absent is None else is_failed & ~absent
    out[rows] = gap[rows]
    return out


@dataclass(frozen=True)
class CriterionState:
    """One criterion for one enterprise: met / failed / missing, in the calculator's words."""

    label: str
    state: str  # pass / fail / missing
    text: str
    gap: float | None

    @property
    def is_met(self) -> bool:
        return self.state == PASS

    @property
    def is_failed(self) -> bool:
        return self.state == FAIL

    @property
    def is_missing(self) -> bool:
        return self.state == MISSING


def explain_rows(
    policy: Policy, snapshot: Snapshot, rows: Sequence[int], on: dt.date
) -> list[tuple[CriterionState, ...]]:
    """The top-level criteria of each row, explained (the rows' profiles read back from the
    snapshot, so the list needs no further query)."""
    labels = _labels(policy, on)
    out = []
    for profile in profiles_from_snapshot(snapshot, [int(r) for r in rows]):
        result = explain(policy, profile, on)
        top = [c for c in result.conditions if c.depth == 0]
        out.append(
            tuple(
                CriterionState(label, c.state, c.text, c.gap)
                for label, c in zip(labels, top, strict=True)
            )
        )
    return out
