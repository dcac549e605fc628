"""Explaining one policy for one enterprise profile: conditions, gaps, benefit trace, status.

The rules are evaluated by :mod:`.evaluate` over a frame holding this one profile — the same
code the batch screening runs over the whole register — and worded by :mod:`.texts` and
:mod:`.benefit`. Texts are rendered on first access.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from .benefit import Tracer
from .evaluate import (
    Step,
    atom_subject,
    benefit_sources,
    benefit_value,
    condition,
    condition_sources,
    finish,
)
from .fields import FieldDictionary
from .frame import ProfileFrame
from .model import (
    ELIGIBLE,
    IF_DATA_SUPPLIED,
    INELIGIBLE,
    NOT_IN_EFFECT,
    Atom,
    Group,
    Policy,
    PolicyVersion,
)
from .order import names_in_order, ordered
from .texts import AtomText, atom_text, group_label, walk
from .values import format_money, format_number

PASS, FAIL, MISSING = "pass", "fail", "missing"


@dataclass(slots=True)
class ConditionResult:
    """The outcome of one node of the condition tree (pre-order, ``depth`` 0 = top level).

    ``gap`` is signed: > 0 short of the requirement, < 0 above the allowed maximum.
    """

    path: str
    depth: int
    kind: str  # "atom", "all", "any", "not"
    field: str | None
    label: str
    state: str  # pass / fail / missing
    actual: object
    required: str
    gap: float | None
    unit: str = ""
    wording: AtomText | None = None

    @property
    def actual_text(self) -> str:
        """The actual value in Chinese (``1200万元``), empty when missing or for groups."""
        if self.state == MISSING or self.wording is None:
            return ""
        return "未提供" if self.actual is None else self.wording.show(self.actual)

    @property
    def gap_text(self) -> str:
        """``差 800万元`` / ``超出 100人`` / ``等于界值``, empty when there is no numeric gap."""
        if self.state != FAIL or self.wording is None:
            return ""
        return self.wording.gap_text(self.actual)

    @property
    def text(self) -> str:
        """One Chinese sentence, e.g. ``研发投入 1200万元，要求 ≥ 2000万元，差 800万元``."""
        if self.kind != "atom" or self.wording is None:
            word = {PASS: "满足", FAIL: "不满足", MISSING: "待补充数据"}[self.state]
            return f"{self.label}：{word}"
        return self.wording.sentence(self.state, self.actual)


@dataclass(slots=True)
class Explanation:
    """Why a policy does or does not apply to one enterprise, and how much it pays.

    ``status``: eligible / ineligible / eligible_if_data_supplied / not_in_effect. Missing data
    never makes a profile ineligible by itself. ``amount`` is set only when eligible (the
    policy's own amount: benefit, caps, caps net of awards received, top-up, 四舍五入 to yuan;
    exclusive groups and shared caps are applied by ``calculate``). ``missing_fields`` names
    only the missing data that could still change the verdict.
    """

    policy_id: str
    title: str
    version: int | None
    status: str
    amount: float | None
    delivery: str
    exclusive_group: str | None
    source: str
    conditions: list[ConditionResult]
    missing_fields: tuple[str, ...]
    is_near_miss: bool
    top: tuple[int, ...] = ()
    labels: Mapping[str, str] | None = None
    render_trace: Callable[[], str] | None = None
    _trace: str | None = field(default=None, repr=False)

    @property
    def benefit_trace(self) -> str:
        """E.g. ``min(上年度研发投入 6000万元 × 10%, 上限 500万元) = 500万元``; empty unless
        the conditions are met."""
        if self.render_trace is None:
            return ""
        if self._trace is None:
            self._trace = self.render_trace()
        return self._trace

    @property
    def failing(self) -> tuple[str, ...]:
        """Texts of the failing top-level conditions."""
        if self.status == NOT_IN_EFFECT:
            return ("该日期无有效版本",)
        return tuple(self.conditions[i].text for i in self.top if self.conditions[i].state == FAIL)

    @property
    def missing_labels(self) -> tuple[str, ...]:
        """Chinese labels of ``missing_fields``."""
        labels = self.labels or {}
        return tuple(labels.get(n, n) for n in self.missing_fields)

    @property
    def summary(self) -> str:
        """A one-line Chinese verdict."""
        if self.status == ELIGIBLE:
            return f"符合条件，可获 {format_money(self.amount or 0.0)}"
        if self.status == IF_DATA_SUPPLIED:
            return f"补充数据后可能符合：缺 {'、'.join(self.missing_labels)}"
        if self.status == NOT_IN_EFFECT:
            return "该日期无有效版本"
        return f"不符合：{'；'.join(self.failing)}"


@dataclass(frozen=True)
class Compiled:
    """A version's texts and parameters on one date (cached)."""

    version: PolicyVersion
    on: date
    params: Mapping[str, float]
    nodes: tuple[tuple[int, Atom | Group, str, AtomText | None], ...]
    top: tuple[int, ...]
    order: Mapping[str, int]
    labels: Mapping[str, str]
    tracer: Tracer


_CACHE: dict[tuple[int, date], Compiled] = {}
_CACHE_LIMIT = 4096


def compile_version(version: PolicyVersion, fields: FieldDictionary, on: date) -> Compiled:
    """Texts of ``version`` on ``on`` (parameters in force and relative dates resolved)."""
    key = (id(version), on)
    hit = _CACHE.get(key)
    if hit is not None and hit.version is version:
        return hit
    params = version.parameters_on(on)
    flat = walk(version.conditions)
    index_of = {id(node): i for i, (_, node) in enumerate(flat)}
    nodes: list[tuple[int, Atom | Group, str, AtomText | None]] = []
    for depth, node in flat:
        if isinstance(node, Atom):
            wording = atom_text(node, fields, params, on)
            nodes.append((depth, node, node.label, wording))
        else:
            nodes.append((depth, node, group_label(node, fields, params, on), None))
    labels = {name: fields.label(name) for name in fields}
    order = names_in_order(version, fields)
    labels.update({name: fields.label(name) for name in order})
    compiled = Compiled(
        version, on, params, tuple(nodes),
        tuple(index_of[id(c)] for c in version.conditions.children), order, labels,
        Tracer(fields, params, {n: (p.label, p.unit) for n, p in version.parameters.items()}),
    )  # fmt: skip
    if len(_CACHE) >= _CACHE_LIMIT:
        _CACHE.clear()
    _CACHE[key] = compiled
    return compiled


def explain(
    policy: Policy,
    profile: Mapping[str, object],
    on: date,
    *,
    near_miss_tolerance: float | None = 0.3,
    library: Sequence[Policy] | Mapping[str, Policy] | None = None,
) -> Explanation:
    """Explain ``policy`` for one enterprise ``profile`` on date ``on``.

    ``profile`` maps field names to values (None or absent = missing) with their field's Python
    type (see :func:`~yiqiao.policies.engine.profile_values.check_profile`). ``library`` holds
    the policies an ``award('id')`` reference may name and the members of exclusive groups.
    ``is_near_miss``: exactly one of two or more top-level conditions fails, the others pass,
    and a failing numeric lower bound (ge/gt) is reached to within ``near_miss_tolerance``.
    """
    members, by_id = _library(policy, library)
    return _explain(policy, profile, on, near_miss_tolerance, members, by_id, {})


def _library(
    policy: Policy, library: Sequence[Policy] | Mapping[str, Policy] | None
) -> tuple[dict[str, tuple[str, ...]], dict[str, Policy]]:
    by_id = dict(library) if isinstance(library, Mapping) else {p.id: p for p in library or ()}
    by_id.setdefault(policy.id, policy)
    return group_members(by_id.values()), by_id


def group_members(policies: object) -> dict[str, tuple[str, ...]]:
    """Exclusive group name → ids of the policies that declare it in any version."""
    out: dict[str, set[str]] = {}
    for policy in policies:  # type: ignore[attr-defined]
        for version in policy.versions:
            if version.exclusive_group is not None:
                out.setdefault(version.exclusive_group, set()).add(policy.id)
    return {name: tuple(sorted(ids)) for name, ids in out.items()}


def _explain(
    policy: Policy,
    profile: Mapping[str, object],
    on: date,
    tolerance: float | None,
    members: Mapping[str, tuple[str, ...]],
    by_id: Mapping[str, Policy],
    seen: dict[str, Explanation],
) -> Explanation:
    version = policy.version_on(on)
    if version is None:
        return Explanation(
            policy.id, policy.title, None, NOT_IN_EFFECT, None, "", None, "", [], (), False
        )
    compiled = compile_version(version, policy.fields, on)
    params = compiled.params
    frame = ProfileFrame(policy.fields, profile, on)
    for reference in sorted(version.references):
        other = seen.get(reference)
        if other is None and reference in by_id and reference != policy.id:
            seen[reference] = Explanation(
                reference, "", None, IF_DATA_SUPPLIED, None, "", None, "", [], (), False
            )  # guards a cycle that validation would have refused
            other = _explain(by_id[reference], profile, on, tolerance, members, by_id, seen)
            seen[reference] = other
        _set_award(frame, reference, other)
    everything = np.ones(1, dtype=np.bool_)
    results: list[ConditionResult] = []
    states: list[int] = []
    for depth, node, label, wording in compiled.nodes:
        truth, not_false = condition(node, frame, params)
        state = 1 if truth[0] else (0 if not not_false[0] else 2)
        states.append(state)
        if isinstance(node, Atom):
            assert wording is not None
            actual = _actual(node, frame, params, profile) if state != 2 else None
            result = ConditionResult(
                node.path, depth, "atom", node.field, label, _STATE[state], actual,
                wording.required, wording.gap(actual) if state == 0 else None, node.unit, wording,
            )  # fmt: skip
        else:
            result = ConditionResult(
                node.path, depth, node.kind, None, label, _STATE[state], None, "", None
            )
        results.append(result)
    truth, not_false = condition(version.conditions, frame, params)
    top_states = [states[i] for i in compiled.top]
    failures = top_states.count(0)
    near = failures == 1 and len(top_states) >= 2 and top_states.count(1) == len(top_states) - 1
    if near and tolerance is not None:
        near = _close_enough(compiled, top_states.index(0), results, tolerance)
    amount: float | None = None
    missing: tuple[str, ...] = ()
    render: Callable[[], str] | None = None
    if truth[0]:
        values, amount_missing = benefit_value(version.benefit, frame, params)
        if amount_missing is not None and amount_missing[0]:
            status = IF_DATA_SUPPLIED
            missing = ordered(
                benefit_sources(version.benefit, frame, params, everything), compiled.order
            )
        else:
            status = ELIGIBLE
            final, steps = finish(version, policy.id, frame, params, values, members)
            amount = float(final[0])
            render = _trace_renderer(compiled, frame, steps)
    elif not_false[0]:
        status = IF_DATA_SUPPLIED
        missing = ordered(
            condition_sources(version.conditions, frame, params, everything), compiled.order
        )
    else:
        status = INELIGIBLE
    return Explanation(
        policy.id, version.title, version.version, status, amount, version.delivery,
        version.exclusive_group, str(version.source), results, missing, near, compiled.top,
        compiled.labels, render,
    )  # fmt: skip


_STATE = ("fail", "pass", "missing")


def _set_award(frame: ProfileFrame, reference: str, other: Explanation | None) -> None:
    if other is None:
        return
    if other.status == IF_DATA_SUPPLIED:
        frame.awards[reference] = (np.zeros(1), np.ones(1, dtype=np.bool_))
        frame.award_missing[reference] = [
            (n, np.ones(1, dtype=np.bool_)) for n in other.missing_fields
        ]
    else:
        frame.awards[reference] = (np.array([other.amount or 0.0]), None)


def _actual(
    atom: Atom, frame: ProfileFrame, params: Mapping[str, float], profile: Mapping[str, object]
) -> object:
    """The value an atom compared, as the enterprise reads it."""
    if atom.field is not None:
        value = profile.get(atom.field)
        if atom.type == "list" and atom.op != "exists":
            return None if value is None else len(value)  # type: ignore[arg-type]
        return value
    values, missing, _ = atom_subject(atom, frame, params)
    if missing is not None and missing[0]:
        return None
    return float(values[0])


def _trace_renderer(
    compiled: Compiled, frame: ProfileFrame, steps: list[Step]
) -> Callable[[], str]:
    def render() -> str:
        amount, text = compiled.tracer.trace(compiled.version.benefit, frame)
        current = amount or 0.0
        for step in steps:
            value = float(step.values[0])
            if abs(value - current) < 0.005:
                continue
            if step.kind == "year_cap":
                text += f"；{step.text} → {format_money(value)}"
            elif step.kind == "rounding":
                text += f"；四舍五入 → {format_money(value)}"
            else:
                text += f"；{step.text} → {format_money(value)}"
            current = value
        return text

    return render


def _close_enough(
    compiled: Compiled, top_position: int, results: list[ConditionResult], tolerance: float
) -> bool:
    """A failing numeric lower bound counts as a near miss only within ``tolerance`` of it."""
    node_index = compiled.top[top_position]
    _, node, _, wording = compiled.nodes[node_index]
    if not isinstance(node, Atom) or wording is None:
        return True
    if node.op not in ("ge", "gt") or node.type not in ("number", "money", "int"):
        return True
    assert wording.bound is not None
    actual = float(results[node_index].actual)  # type: ignore[arg-type]
    relaxed = wording.bound * (1.0 - tolerance)
    # same relaxed atom as the batch path: ``gt`` stays strict, so ``gt 0`` has no near misses
    return actual > relaxed if node.op == "gt" else actual >= relaxed


def combine(kind: str, states: list[int]) -> int:
    """Three-valued combination: 1 true, 0 false, 2 unknown (missing data)."""
    if kind == "not":
        return (1, 0, 2)[states[0]]
    if kind == "all":
        if 0 in states:
            return 0
        return 2 if 2 in states else 1
    if 1 in states:
        return 1
    return 2 if 2 in states else 0


__all__ = [
    "Compiled",
    "ConditionResult",
    "Explanation",
    "combine",
    "compile_version",
    "explain",
    "format_number",
    "group_members",
]
