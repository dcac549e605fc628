"""Batch screening of many policies over a columnar snapshot of the register (免申即享).

Every distinct atom is evaluated once into packed bitmaps shared by all policies; each
policy's tree is combined with three-valued logic (policies with equal trees share the result);
amounts are computed only at the eligible rows, with the same rule code the single explanation
uses (:mod:`.evaluate`); then exclusive groups, shared caps and budgets are applied. Policies
whose benefit reads another policy's award (``award('x')``) are screened after it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from .allocate import apply_shared_caps, exclusive_winners
from .bitmaps import AtomTable, Pair, Words, bits_at, count, extract, extract_first
from .evaluate import benefit_value, constant, finish
from .explain import group_members
from .expr import Num
from .frame import SnapshotFrame
from .model import Atom, Group, Policy, PolicyVersion
from .screen_result import (
    FloatArray,
    IntArray,
    ScreenedPolicy,
    ScreeningResult,
    concat_parts,
    policy_of_rows,
)
from .snapshot import Snapshot


def screen(
    policies: Sequence[Policy],
    snapshot: Snapshot,
    on: date,
    *,
    total_budget: float | None = None,
    statuses: Iterable[str] | None = None,
    near_miss_tolerance: float | None = 0.3,
    near_miss_limit: int = 1_000,
    near_misses: bool = True,
) -> ScreeningResult:
    """Screen ``policies`` (the versions in effect on ``on``) over every row of ``snapshot``.

    ``statuses`` restricts the versions screened (e.g. ``{"published"}``; default: all, so a
    draft's budget impact can be measured). A near miss is a row where exactly one top-level
    condition fails and the others pass; when that condition is a numeric lower bound (ge/gt)
    the row must reach ``(1 - near_miss_tolerance)`` of it (None: no closeness filter). At most
    ``near_miss_limit`` near-miss rows are listed per policy (the count is always exact);
    ``near_misses=False`` skips them (counts stay 0).
    """
    allowed = None if statuses is None else frozenset(statuses)
    frame = SnapshotFrame(snapshot, on)
    frame.keep_atoms = False
    table = AtomTable(frame)
    members = group_members(policies)
    memo: dict[object, _Tree] = {}  # policies with equal condition trees share their results
    n_policies = len(policies)
    empty = np.zeros(0, dtype=np.int64)
    screened: list[ScreenedPolicy] = []
    award_rows: list[IntArray] = [empty] * n_policies
    award_amounts: list[FloatArray] = [np.zeros(0)] * n_policies
    quick_bitmaps: list[Words | None] = [None] * n_policies
    quick_extra: list[IntArray] = [empty] * n_policies
    near_rows: list[IntArray] = [empty] * n_policies
    near_which: list[IntArray] = [empty] * n_policies
    exclusive_of = [-1] * n_policies
    cap_of = [-1] * n_policies
    exclusive_ids: dict[str, int] = {}
    cap_ids: dict[str, int] = {}
    cap_limits: dict[int, float] = {}
    versions: list[PolicyVersion | None] = []
    for index, policy in enumerate(policies):
        version = policy.version_on(on)
        if version is None or (allowed is not None and version.status not in allowed):
            versions.append(None)
            screened.append(
                ScreenedPolicy(index, policy.id, policy.title, None, "", None, None, None)
            )
            continue
        versions.append(version)
        params = version.parameters_on(on)
        screened.append(
            ScreenedPolicy(
                index,
                policy.id,
                version.title,
                version.version,
                version.delivery,
                version.exclusive_group,
                version.cap_group,
                version.budget,
                rule=version,
                parameter_names=frozenset(params),
                fields_dictionary=policy.fields,
            )  # fmt: skip
        )
        if version.exclusive_group is not None:
            exclusive_of[index] = exclusive_ids.setdefault(
                version.exclusive_group, len(exclusive_ids)
            )
        if version.cap_group is not None and version.cap_group_limit is not None:
            cap_of[index] = cap_ids.setdefault(version.cap_group, len(cap_ids))
            cap_limits.setdefault(cap_of[index], constant(version.cap_group_limit, params))
    referenced = {ref for v in versions if v is not None for ref in v.references}
    for index in _order(policies, versions):
        version = versions[index]
        assert version is not None
        policy = policies[index]
        params = version.parameters_on(on)
        info = screened[index]
        outcome = _screen_one(
            table, frame, policy.id, version, params, info, near_miss_tolerance,
            near_miss_limit if near_misses else -1, memo, members,
        )  # fmt: skip
        award_rows[index], award_amounts[index] = outcome.rows, outcome.amounts
        quick_bitmaps[index], quick_extra[index] = outcome.unknown, outcome.extra
        near_rows[index], near_which[index] = outcome.near_rows, outcome.near_which
        if policy.id in referenced:
            values = np.zeros(frame.size)
            values[outcome.rows] = outcome.amounts
            missing = np.zeros(frame.size, dtype=np.bool_)
            missing[extract(outcome.unknown)] = True
            missing[outcome.extra] = True
            frame.awards[policy.id] = (values, missing if missing.any() else None)
    lost = exclusive_winners(award_rows, award_amounts, exclusive_of, snapshot.size)
    sup_rows: list[IntArray] = []
    sup_amounts: list[FloatArray] = []
    for p in range(n_policies):
        keep = lost.get(p)
        if keep is None:
            sup_rows.append(empty)
            sup_amounts.append(np.zeros(0))
            continue
        screened[p].superseded = int((~keep).sum())
        sup_rows.append(award_rows[p][~keep])
        sup_amounts.append(award_amounts[p][~keep])
        award_rows[p], award_amounts[p] = award_rows[p][keep], award_amounts[p][keep]
    reduced = apply_shared_caps(award_rows, award_amounts, cap_of, cap_limits, snapshot.size)
    final_amounts = [reduced.get(p, award_amounts[p]) for p in range(n_policies)]
    for info in screened:
        info.eligible = int(award_rows[info.index].size)
        info.amount = float(final_amounts[info.index].sum())
    return ScreeningResult(
        on, snapshot.size, screened, concat_parts(award_rows, np.int64), policy_of_rows(award_rows),
        concat_parts(final_amounts, np.float64), {p: award_amounts[p] for p in reduced},
        concat_parts(sup_rows, np.int64), policy_of_rows(sup_rows), concat_parts(sup_amounts, np.float64),
        quick_bitmaps, quick_extra,
        concat_parts(near_rows, np.int64), policy_of_rows(near_rows), concat_parts(near_which, np.int64),
        snapshot, total_budget, table.distinct, table.requests, len(memo),
        group_members=members, frame=frame,
    )  # fmt: skip


def _order(policies: Sequence[Policy], versions: list[PolicyVersion | None]) -> list[int]:
    """Indices of the screened versions, each after the policies whose award it reads (a cycle,
    which validation refuses, leaves the reference missing)."""
    position = {p.id: i for i, p in enumerate(policies)}
    done: set[int] = set()
    visiting: set[int] = set()
    out: list[int] = []

    def visit(i: int) -> None:
        if i in done or i in visiting:
            return
        visiting.add(i)
        version = versions[i]
        assert version is not None
        for ref in sorted(version.references):
            j = position.get(ref)
            if j is not None and versions[j] is not None:
                visit(j)
        visiting.discard(i)
        done.add(i)
        out.append(i)

    for i, version in enumerate(versions):
        if version is not None:
            visit(i)
    return out


def _pair(table: AtomTable, node: Atom | Group, params: Mapping[str, float]) -> Pair:
    if isinstance(node, Atom):
        return table.atom(node, params)
    pairs = [_pair(table, child, params) for child in node.children]
    if node.kind == "not":
        truth, not_false = pairs[0]
        return table.valid & ~not_false, table.valid & ~truth
    truth = pairs[0][0].copy()
    not_false = pairs[0][1].copy()
    for t, nf in pairs[1:]:
        if node.kind == "all":
            truth &= t
            not_false &= nf
        else:
            truth |= t
            not_false |= nf
    return truth, not_false


@dataclass
class _Tree:
    """What a condition tree yields over the register; shared by policies with equal trees."""

    eligible: IntArray
    unknown: Words
    unknown_count: int
    near_rows: IntArray
    near_which: IntArray
    near_count: int
    frame: SnapshotFrame | None = None  # the eligible rows, with their gathered columns


@dataclass
class _Outcome:
    rows: IntArray
    amounts: FloatArray
    unknown: Words
    extra: IntArray
    near_rows: IntArray
    near_which: IntArray


def _tree_key(table: AtomTable, node: Atom | Group, params: Mapping[str, float]) -> object:
    if isinstance(node, Atom):
        return table.key(node, params)
    return (node.kind, tuple(_tree_key(table, child, params) for child in node.children))


def _screen_one(
    table: AtomTable,
    frame: SnapshotFrame,
    policy_id: str,
    version: PolicyVersion,
    params: Mapping[str, float],
    info: ScreenedPolicy,
    tolerance: float | None,
    limit: int,
    memo: dict[object, _Tree],
    members: Mapping[str, tuple[str, ...]],
) -> _Outcome:
    top = version.conditions.children
    key = tuple(_tree_key(table, child, params) for child in top)
    tree = memo.get(key)
    if tree is None:
        tree = _conditions(table, top, params, tolerance, limit)
        memo[key] = tree
    info.near_misses, info.near_misses_listed = tree.near_count, int(tree.near_rows.size)
    info.tree_key = key
    eligible_rows = tree.eligible
    extra = np.zeros(0, dtype=np.int64)
    amounts = np.zeros(0, dtype=np.float64)
    if eligible_rows.size:
        if tree.frame is None:
            tree.frame = frame.subset(eligible_rows)
        sub = tree.frame
        for ref in version.references:
            if ref not in sub.awards and ref in frame.awards:
                values, missing = frame.awards[ref]
                sub.awards[ref] = (
                    values[eligible_rows],
                    None if missing is None else missing[eligible_rows],
                )
        values, benefit_missing = benefit_value(version.benefit, sub, params)
        amounts, _ = finish(version, policy_id, sub, params, values, members)
        if benefit_missing is not None and benefit_missing.any():
            # conditions met but the amount needs data that is missing: 快申快享 too
            extra = eligible_rows[benefit_missing]
            eligible_rows, amounts = eligible_rows[~benefit_missing], amounts[~benefit_missing]
    info.quick_apply = tree.unknown_count + int(extra.size)
    return _Outcome(eligible_rows, amounts, tree.unknown, extra, tree.near_rows, tree.near_which)


def _conditions(
    table: AtomTable,
    top: tuple[Atom | Group, ...],
    params: Mapping[str, float],
    tolerance: float | None,
    limit: int,
) -> _Tree:
    pairs = [_pair(table, child, params) for child in top]
    # prefixes[i] = AND of the truth of children 0..i (reused by near misses)
    prefixes: list[Words] = [pairs[0][0]]
    not_false = pairs[0][1]
    for t, nf in pairs[1:]:
        prefixes.append(np.bitwise_and(prefixes[-1], t))
        not_false = np.bitwise_and(not_false, nf)
    truth = prefixes[-1]
    unknown = np.bitwise_and(not_false, ~truth)
    eligible = extract(truth)
    empty = np.zeros(0, dtype=np.int64)
    if limit < 0:
        return _Tree(eligible, unknown, count(unknown), empty, empty, 0)
    rows, which, near_count = _near_misses(table, top, pairs, prefixes, params, tolerance, limit)
    return _Tree(eligible, unknown, count(unknown), rows, which, near_count)


def _near_misses(
    table: AtomTable,
    top: tuple[Atom | Group, ...],
    pairs: list[Pair],
    prefixes: list[Words],
    params: Mapping[str, float],
    tolerance: float | None,
    limit: int,
) -> tuple[IntArray, IntArray, int]:
    """Rows where exactly one top-level condition is false (and, for a numeric lower bound,
    close enough) while all the others are true: ``false_i ∧ prefix_i ∧ suffix_i+1``."""
    empty = np.zeros(0, dtype=np.int64)
    n = len(pairs)
    if n < 2:
        return empty, empty, 0
    suffixes: list[Words | None] = [None] * (n + 1)
    suffixes[n - 1] = pairs[n - 1][0]
    running = pairs[n - 1][0]
    for i in range(n - 2, 0, -1):
        running = np.bitwise_and(running, pairs[i][0])
        suffixes[i] = running
    hits: list[Words] = []
    near: Words | None = None
    for i, node in enumerate(top):
        hit = ~pairs[i][1]
        relaxed = _relaxed(node, params, tolerance)
        if relaxed is not None:
            hit &= table.atom(relaxed, params)[0]
        if i > 0:
            hit &= prefixes[i - 1]
        after = suffixes[i + 1]
        if after is not None:
            hit &= after
        hits.append(hit)
        near = hit.copy() if near is None else np.bitwise_or(near, hit, out=near)
    assert near is not None
    total = count(near)
    if total == 0:
        return empty, empty, 0
    rows = extract_first(near, limit, total)
    which = np.zeros(rows.size, dtype=np.int64)
    for i, hit in enumerate(hits[1:], start=1):
        which[bits_at(hit, rows)] = i
    return rows, which, total


def _relaxed(
    node: Atom | Group, params: Mapping[str, float], tolerance: float | None
) -> Atom | None:
    """The atom ``field ≥ (1 - tolerance) × bound`` for a numeric lower bound, else None."""
    if tolerance is None or not isinstance(node, Atom) or node.op not in ("ge", "gt"):
        return None
    if node.type not in ("number", "money", "int"):
        return None
    bound = constant(node.operand, params)
    return Atom(
        node.path, node.line, node.field, node.expr, node.label, node.unit, node.type,
        node.op, Num(bound * (1.0 - tolerance), repr(bound * (1.0 - tolerance))),
    )  # fmt: skip
