"""Cross-policy rules shared by batch and single-enterprise paths: 就高不重复 and shared caps.

Order: exclusive groups first (per enterprise keep the highest amount of each group; ties go to
the policy listed first), then shared caps (per enterprise, amounts are granted in descending
order, ties to the policy listed first, until the group's annual limit is used up).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


def _members(group_of: Sequence[int]) -> dict[int, list[int]]:
    members: dict[int, list[int]] = {}
    for p, g in enumerate(group_of):
        if g >= 0:
            members.setdefault(g, []).append(p)
    return members


def exclusive_winners(
    rows: Sequence[IntArray], amounts: Sequence[FloatArray], group_of: Sequence[int], size: int
) -> dict[int, BoolArray]:
    """Keep-masks of the grouped policies that lose rows to 就高不重复.

    ``rows[p]``/``amounts[p]`` are policy p's eligible enterprises (unique) and amounts;
    ``group_of[p]`` is -1 when p has no exclusive group. Work is proportional to grouped rows.
    """
    out: dict[int, BoolArray] = {}
    best = np.full(size, -1.0)
    taken = np.zeros(size, dtype=np.bool_)
    for members in _members(group_of).values():
        for p in members:
            best[rows[p]] = np.maximum(best[rows[p]], amounts[p])
        for p in members:  # in policy order: ties go to the policy listed first
            wins = (amounts[p] == best[rows[p]]) & ~taken[rows[p]]
            taken[rows[p][wins]] = True
            if not wins.all():
                out[p] = wins
        for p in members:
            best[rows[p]] = -1.0
            taken[rows[p]] = False
    return out


def apply_shared_caps(
    rows: Sequence[IntArray],
    amounts: Sequence[FloatArray],
    cap_group_of: Sequence[int],
    limits: Mapping[int, float],
    size: int,
) -> dict[int, FloatArray]:
    """Reduced amounts of the policies whose awards hit a shared annual cap (``{p: amounts}``).

    Only enterprises whose group total exceeds the limit are re-allocated: largest award first,
    ties to the policy listed first, until the limit is used up.
    """
    out: dict[int, FloatArray] = {}
    total = np.zeros(size)
    for group, members in _members(cap_group_of).items():
        limit = limits[group]
        for p in members:
            total[rows[p]] += amounts[p]
        over = {p: np.flatnonzero(total[rows[p]] > limit + 1e-6) for p in members}
        for p in members:
            total[rows[p]] = 0.0
        parts = [(p, positions) for p, positions in over.items() if positions.size]
        if not parts:
            continue
        e = np.concatenate([rows[p][pos] for p, pos in parts])
        a = np.concatenate([amounts[p][pos] for p, pos in parts])
        owner = np.concatenate([np.full(pos.size, p, dtype=np.int64) for p, pos in parts])
        position = np.concatenate([pos for _, pos in parts])
        order = np.lexsort((owner, -a, e))
        e, a, owner, position = e[order], a[order], owner[order], position[order]
        start = np.ones(order.size, dtype=np.bool_)
        start[1:] = e[1:] != e[:-1]
        cumulative = np.cumsum(a)
        run_start = np.maximum.accumulate(np.where(start, np.arange(order.size), 0))
        before = cumulative - a - (cumulative[run_start] - a[run_start])
        granted = np.clip(limit - before, 0.0, a)
        for p in np.unique(owner):
            mine = owner == p
            reduced = out.get(int(p))
            if reduced is None:
                reduced = amounts[int(p)].copy()
                out[int(p)] = reduced
            reduced[position[mine]] = granted[mine]
    return out


def allocate_one(
    rows: Sequence[tuple[int, float, str | None, str | None, float | None]],
) -> tuple[list[float], list[bool]]:
    """Single-enterprise version: rows of (order, amount, exclusive group, cap group, cap limit).

    Returns the final amount per row and whether each row was superseded in its exclusive group
    (superseded rows get 0).
    """
    final = [amount for _, amount, _, _, _ in rows]
    superseded = [False] * len(rows)
    best: dict[str, int] = {}
    for i, (order, amount, group, _, _) in enumerate(rows):
        if group is None:
            continue
        j = best.get(group)
        if j is None or amount > rows[j][1] or (amount == rows[j][1] and order < rows[j][0]):
            best[group] = i
    for i, (_, _, group, _, _) in enumerate(rows):
        if group is not None and best[group] != i:
            final[i] = 0.0
            superseded[i] = True
    used: dict[str, float] = {}
    ranked = sorted(
        (i for i in range(len(rows)) if rows[i][3] is not None and not superseded[i]),
        key=lambda i: (-final[i], rows[i][0]),
    )
    for i in ranked:
        group, limit = rows[i][3], rows[i][4]
        assert group is not None and limit is not None
        granted = min(final[i], max(limit - used.get(group, 0.0), 0.0))
        used[group] = used.get(group, 0.0) + granted
        final[i] = granted
    return final, superseded
