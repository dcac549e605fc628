"""Explaining one policy for one enterprise profile: conditions, gaps, benefit trace, status.

Evaluation is eager and cheap (compiled closures); Chinese texts are rendered on first access
from the values kept in the result, so explaining 80 policies stays well under a millisecond.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from .benefit import AmountFn, BenefitFn, benefit_fields, compile_amount, compile_benefit
from .fields import FieldDictionary
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
from .scalar import CompiledAtom, compile_atom, constant, walk
from .values import format_money, format_number

PASS, FAIL, MISSING = "pass", "fail", "missing"
_STATE = (FAIL, PASS, MISSING)
_GROUP_WORDS = {"all": "同时满足以下各项", "any": "满足以下任一项", "not": "不得满足以下条件"}
_NOT = (1, 0, 2)


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
    show: Callable[[object], str] | None = None

    @property
    def actual_text(self) -> str:
        """The actual value in Chinese (``1200万元``), empty when missing or for groups."""
        if self.state == MISSING or self.show is None:
            return ""
        return "未提供" if self.actual is None else self.show(self.actual)

    @property
    def gap_text(self) -> str:
        """``差 800万元`` / ``超出 100人``, empty when there is no numeric gap."""
        if self.gap is None or self.state != FAIL:
            return ""
        word = "差" if self.gap > 0 else "超出"
        return f"{word} {format_number(abs(self.gap), self.unit)}"

    @property
    def text(self) -> str:
        """One Chinese sentence, e.g. ``研发投入 1200万元，要求 ≥ 2000万元，差 800万元``."""
        if self.kind != "atom":
            word = {PASS: "满足", FAIL: "不满足", MISSING: "待补充数据"}[self.state]
            return f"{self.label}：{word}"
        if self.state == MISSING:
            return f"{self.label} 缺少数据，要求 {self.required}"
        head = f"{self.label} {self.actual_text}，要求 {self.required}"
        if self.state == PASS:
            return f"{head}，满足"
        gap = self.gap_text
        return f"{head}，{gap}" if gap else f"{head}，不满足"


@dataclass(slots=True)
class Explanation:
    """Why a policy does or does not apply to one enterprise, and how much it pays.

    ``status``: eligible / ineligible / eligible_if_data_supplied / not_in_effect. Missing data
    never makes a profile ineligible by itself. ``amount`` is set only when eligible (after the
    policy's own per-year cap; exclusive groups and shared caps are applied by ``calculate``).
    Texts (``benefit_trace``, ``failing``, ``summary``) are rendered from ``profile`` on access.
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
    trace: BenefitFn | None = None
    profile: Mapping[str, object] | None = None

    @property
    def benefit_trace(self) -> str:
        """E.g. ``min(上年度研发投入 6000万元 × 10%, 上限 500万元) = 500万元``; empty unless
        the conditions are met."""
        if self.trace is None or self.profile is None:
            return ""
        return self.trace(self.profile)[1]

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
class CompiledVersion:
    """A version compiled for one date: closures for atoms, tree shape, benefit."""

    version: PolicyVersion
    on: date
    atoms: tuple[CompiledAtom, ...]
    # per node: depth, kind, path, label, children, atom index
    nodes: tuple[tuple[int, str, str, str, tuple[int, ...], int], ...]
    groups: tuple[tuple[int, int, str, tuple[int, ...], str, str], ...]  # reverse pre-order
    top: tuple[int, ...]
    amount: AmountFn
    trace: BenefitFn
    benefit_fields: tuple[str, ...]
    cap: float | None
    source: str
    labels: Mapping[str, str]


_CACHE: dict[tuple[int, date], CompiledVersion] = {}
_CACHE_LIMIT = 4096


def compile_version(version: PolicyVersion, fields: FieldDictionary, on: date) -> CompiledVersion:
    """Compile ``version`` for date ``on`` (parameters in force and relative dates resolved).

    Cached per (version, date); the cache holds at most a few thousand entries.
    """
    key = (id(version), on)
    hit = _CACHE.get(key)
    if hit is not None and hit.version is version:
        return hit
    params = version.parameters_on(on)
    labels = {name: (p.label, p.unit) for name, p in version.parameters.items()}
    flat = walk(version.conditions)
    index_of = {id(node): i for i, (_, node) in enumerate(flat)}
    atoms: list[CompiledAtom] = []
    nodes: list[tuple[int, str, str, str, tuple[int, ...], int]] = []
    for i, (depth, node) in enumerate(flat):
        if isinstance(node, Atom):
            atoms.append(compile_atom(node, i, fields, params, on))
            nodes.append((depth, "atom", node.path, node.label, (), len(atoms) - 1))
        else:
            assert isinstance(node, Group)
            children = tuple(index_of[id(c)] for c in node.children)
            label = _group_label(node, fields, params, on)
            nodes.append((depth, node.kind, node.path, label, children, -1))
    groups = tuple(
        (i, n[0], n[1], n[4], n[2], n[3])
        for i, n in reversed(list(enumerate(nodes)))
        if n[1] != "atom"
    )
    compiled = CompiledVersion(
        version, on, tuple(atoms), tuple(nodes), groups,
        tuple(index_of[id(c)] for c in version.conditions.children),
        compile_amount(version.benefit, fields, params),
        compile_benefit(version.benefit, fields, params, labels),
        tuple(sorted(benefit_fields(version.benefit, frozenset(params)))),
        None if version.cap_per_year is None else constant(version.cap_per_year, params),
        str(version.source), {name: fields[name].label for name in fields},
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
) -> Explanation:
    """Explain ``policy`` for one enterprise ``profile`` on date ``on``.

    ``profile`` maps field names to values (None or absent = missing). Values must already have
    their field's Python type (see :func:`~yiqiao.policies.engine.profile_values.check_profile`).
    Returns every condition with pass / fail / missing, actual vs required and the gap, the
    benefit trace, the amount (eligible only) and the source article. ``is_near_miss``: exactly
    one of two or more top-level conditions fails, the others pass, and a failing numeric lower
    bound (ge/gt) is reached to within ``near_miss_tolerance`` (same rule as ``screen``).
    """
    version = policy.version_on(on)
    if version is None:
        return Explanation(
            policy.id, policy.title, None, NOT_IN_EFFECT, None, "", None, "", [], (), False
        )
    compiled = compile_version(version, policy.fields, on)
    return explain_compiled(policy.id, compiled, profile, near_miss_tolerance)


def explain_compiled(
    policy_id: str,
    compiled: CompiledVersion,
    profile: Mapping[str, object],
    near_miss_tolerance: float | None = 0.3,
) -> Explanation:
    """Explain with an already compiled version (the fast path behind :func:`explain`)."""
    version = compiled.version
    nodes = compiled.nodes
    states = [0] * len(nodes)
    results: list[ConditionResult] = [None] * len(nodes)  # type: ignore[list-item]
    missing: list[str] = []
    for catom in compiled.atoms:
        atom = catom.atom
        value = catom.get(profile)
        index = catom.index
        if value is None and atom.op != "exists":
            states[index] = 2
            for name in catom.missing_fields:
                if profile.get(name) is None and name not in missing:
                    missing.append(name)
            results[index] = ConditionResult(
                atom.path,
                nodes[index][0],
                "atom",
                atom.field,
                atom.label,
                MISSING,
                None,
                catom.required,
                None,
                atom.unit,
                catom.show,
            )
            continue
        if catom.test(value):
            states[index] = 1
            results[index] = ConditionResult(
                atom.path,
                nodes[index][0],
                "atom",
                atom.field,
                atom.label,
                PASS,
                value,
                catom.required,
                None,
                atom.unit,
                catom.show,
            )
        else:
            results[index] = ConditionResult(
                atom.path,
                nodes[index][0],
                "atom",
                atom.field,
                atom.label,
                FAIL,
                value,
                catom.required,
                catom.gap(value),
                atom.unit,
                catom.show,
            )
    for index, depth, kind, children, path, label in compiled.groups:
        state = combine(kind, [states[c] for c in children])
        states[index] = state
        results[index] = ConditionResult(
            path, depth, kind, None, label, _STATE[state], None, "", None
        )
    top_states = [states[i] for i in compiled.top]
    failures = top_states.count(0)
    near = failures == 1 and len(top_states) >= 2 and top_states.count(1) == len(top_states) - 1
    if near and near_miss_tolerance is not None:
        near = _close_enough(compiled, top_states.index(0), results, near_miss_tolerance)
    amount: float | None = None
    status = INELIGIBLE
    trace = None
    if failures == 0:
        if 2 in top_states:
            status = IF_DATA_SUPPLIED
        else:
            trace = compiled.trace
            amount = compiled.amount(profile)
            if amount is None:
                status = IF_DATA_SUPPLIED
                for name in compiled.benefit_fields:
                    if profile.get(name) is None and name not in missing:
                        missing.append(name)
            else:
                status = ELIGIBLE
                if amount < 0.0:
                    amount = 0.0
                    trace = _with_floor(compiled.trace)
                if compiled.cap is not None and amount > compiled.cap:
                    amount = compiled.cap
                    trace = _with_year_cap(compiled.trace, compiled.cap)
    return Explanation(
        policy_id, version.title, version.version, status, amount, version.delivery,
        version.exclusive_group, compiled.source, results, tuple(missing), near, compiled.top,
        compiled.labels, trace, profile,
    )  # fmt: skip


def _with_floor(trace: BenefitFn) -> BenefitFn:
    def floored(profile: Mapping[str, object]) -> tuple[float | None, str]:
        _, text = trace(profile)
        return 0.0, f"{text}；不足零按 0元"

    return floored


def _with_year_cap(trace: BenefitFn, cap: float) -> BenefitFn:
    def capped(profile: Mapping[str, object]) -> tuple[float | None, str]:
        amount, text = trace(profile)
        return cap, f"{text}；年度上限 {format_money(cap)} → {format_money(cap)}"

    return capped


def combine(kind: str, states: list[int]) -> int:
    """Three-valued combination: 1 true, 0 false, 2 unknown (missing data)."""
    if kind == "not":
        return _NOT[states[0]]
    if kind == "all":
        if 0 in states:
            return 0
        return 2 if 2 in states else 1
    if 1 in states:
        return 1
    return 2 if 2 in states else 0


def _group_label(node: Group, fields: FieldDictionary, params: dict[str, float], on: date) -> str:
    """Chinese label of a group; a ``not`` over one atom names the excluded condition."""
    if node.kind == "not" and isinstance(node.children[0], Atom):
        child = compile_atom(node.children[0], -1, fields, params, on)
        return f"不得满足「{child.atom.label} {child.required}」"
    return _GROUP_WORDS[node.kind]


def _close_enough(
    compiled: CompiledVersion, top_position: int, results: list[ConditionResult], tolerance: float
) -> bool:
    """A failing numeric lower bound counts as a near miss only within ``tolerance`` of it."""
    node_index = compiled.top[top_position]
    _, kind, _, _, _, atom_index = compiled.nodes[node_index]
    if kind != "atom":
        return True
    catom = compiled.atoms[atom_index]
    if catom.atom.op not in ("ge", "gt") or catom.atom.type not in ("number", "money", "int"):
        return True
    assert catom.bound is not None
    actual = float(results[node_index].actual)  # type: ignore[arg-type]
    relaxed = catom.bound * (1.0 - tolerance)
    # same relaxed atom as the batch path: ``gt`` stays strict, so ``gt 0`` has no near misses
    return actual > relaxed if catom.atom.op == "gt" else actual >= relaxed
