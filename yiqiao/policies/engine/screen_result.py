"""Result types of batch screening: per-policy figures and long-form arrays."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from .bitmaps import Words, extract
from .fields import FieldDictionary
from .frame import SnapshotFrame
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
    fields_dictionary: FieldDictionary | None = None
    tree_key: object = None  # policies with equal keys have the same condition results

    @property
    def fields(self) -> tuple[str, ...]:
        """Fields the screened version reads (conditions, then benefit), in the order missing
        fields are listed."""
        if self.rule is None or self.fields_dictionary is None:
            return ()
        from .order import names_in_order

        return tuple(names_in_order(self.rule, self.fields_dictionary))

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
    group_members: dict[str, tuple[str, ...]] | None = None
    frame: SnapshotFrame | None = None
    _quick: tuple[RowArray, RowArray] | None = None
    _quick_missing: dict[int, tuple[list[tuple[str, ...]], IntArray]] | None = None
    _before: FloatArray | None = None
    _delivery: npt.NDArray[np.int8] | None = None
    _by_id: dict[str, ScreenedPolicy] | None = None
    _pattern_memo: dict[object, tuple[list[tuple[str, ...]], IntArray]] = field(
        default_factory=dict
    )

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
        """The missing fields of quick-apply row ``row`` (of :meth:`quick_apply_long`): only
        those that could still change the verdict, as the single explanation lists them."""
        policy = int(self.quick_policy[row])
        rows = self.quick_apply_rows(policy)
        position = int(np.searchsorted(rows, int(self.quick_enterprise[row])))
        return self.quick_missing(policy)[position]

    def quick_missing(self, policy: int) -> list[tuple[str, ...]]:
        """Per row of :meth:`quick_apply_rows` of ``policy``, its missing fields (computed on
        first use, for all of the policy's rows at once)."""
        labels, inverse = self.quick_patterns(policy)
        return [labels[i] for i in inverse.tolist()]

    def quick_patterns(self, policy: int) -> tuple[list[tuple[str, ...]], IntArray]:
        """The distinct sets of missing fields of the 快申快享 rows of ``policy`` and, per row of
        :meth:`quick_apply_rows`, the index of its set (computed on first use)."""
        if self._quick_missing is None:
            self._quick_missing = {}
        hit = self._quick_missing.get(policy)
        if hit is not None:
            return hit
        from .evaluate import missing_patterns, missing_sources
        from .order import names_in_order

        rows = self.quick_apply_rows(policy)
        info = self.policies[policy]
        if info.rule is None or rows.size == 0 or self.frame is None:
            out: tuple[list[tuple[str, ...]], IntArray] = (
                [()],
                np.zeros(rows.size, dtype=np.int64),
            )
        else:
            assert info.fields_dictionary is not None
            order = names_in_order(info.rule, info.fields_dictionary)
            # Rows that only the conditions leave undecided (no award read, no benefit field
            # missing) have the same missing fields under every policy with equal conditions.
            shared = None
            alone = not info.rule.references and self.quick_extra[policy].size == 0
            if info.tree_key is not None and alone:
                shared = (info.tree_key, tuple(order.items()))
            hit = self._pattern_memo.get(shared) if shared is not None else None
            if hit is not None:
                out = hit
            else:
                sub = self.frame.subset(rows)
                self._award_sources(info.rule, sub, set())
                params = info.rule.parameters_on(self.on)
                within = np.ones(rows.size, dtype=np.bool_)
                sources = missing_sources(info.rule, sub, params, within)
                out = missing_patterns(sources, rows.size, order)
                if shared is not None:
                    self._pattern_memo[shared] = out
        self._quick_missing[policy] = out
        return out

    def _award_sources(self, version: PolicyVersion, sub: SnapshotFrame, seen: set[str]) -> None:
        """Fill ``sub.award_missing`` for the awards ``version`` reads (recursively)."""
        from .evaluate import missing_sources

        if not version.references:
            return
        if self._by_id is None:
            self._by_id = {p.policy_id: p for p in self.policies if p.rule is not None}
        by_id = self._by_id
        for ref in sorted(version.references):
            other = by_id.get(ref)
            if other is None or other.rule is None or ref in seen or ref in sub.award_missing:
                continue
            seen.add(ref)
            self._award_sources(other.rule, sub, seen)
            params = other.rule.parameters_on(self.on)
            sources = missing_sources(other.rule, sub, params, np.ones(sub.size, dtype=np.bool_))
            sub.award_missing[ref] = list(sources.items())

    def near_details(self, policy: int) -> list[str]:
        """Per listed near-miss row of ``policy`` (in the order of ``near_*``), the failing
        condition with the enterprise's value and the gap, worded as the explanation words it
        (``上年度营业收入 1.2亿元，要求 ≥ 1.5亿元，差 3000万元``)."""
        info = self.policies[policy]
        picked = np.flatnonzero(self.near_policy == policy)
        if info.rule is None or picked.size == 0 or self.frame is None:
            return []
        from .evaluate import atom_subject
        from .texts import atom_text, group_label

        version = info.rule
        fields = info.fields_dictionary
        assert fields is not None
        params = version.parameters_on(self.on)
        rows = self.near_enterprise[picked].astype(np.int64)
        which = self.near_condition[picked]
        order = np.argsort(rows, kind="stable")
        sub = self.frame.subset(rows[order])
        texts = [""] * rows.size
        for top_index in np.unique(which).tolist():
            node = version.conditions.children[top_index]
            positions = np.flatnonzero(which[order] == top_index)
            if isinstance(node, Group):
                label = group_label(node, fields, params, self.on)
                for k in positions.tolist():
                    texts[int(order[k])] = f"{label}：不满足"
                continue
            wording = atom_text(node, fields, params, self.on)
            values, _, vocab = atom_subject(node, sub, params)
            spec = fields.get(node.field) if node.field else None
            for k in positions.tolist():
                actual = decode(spec, node, values[k], vocab)
                texts[int(order[k])] = wording.sentence("fail", actual)
        return texts


def decode(spec: object, atom: Atom, raw: object, vocab: tuple[str, ...]) -> object:
    """A stored snapshot value as the profile holds it (for wording a value)."""
    from datetime import timedelta

    from .fields import FieldSpec
    from .snapshot import EPOCH

    if not isinstance(spec, FieldSpec) or atom.field is None:
        return float(raw)  # type: ignore[arg-type]
    kind = spec.type
    if kind in ("enum", "str"):
        return vocab[int(raw)]  # type: ignore[call-overload]
    if kind == "date":
        return EPOCH + timedelta(days=int(raw))  # type: ignore[call-overload]
    if kind == "bool":
        return bool(raw)
    if kind == "set":
        bits = int(raw)  # type: ignore[call-overload]
        return frozenset(c for i, c in enumerate(vocab) if bits >> i & 1)
    if kind in ("int", "list"):
        return int(raw)  # type: ignore[call-overload]
    return float(raw)  # type: ignore[arg-type]


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


def _label(node: Atom | Group) -> str:
    if isinstance(node, Atom):
        return node.label
    return {"all": "同时满足的一组条件", "any": "任一条件组", "not": "排除条件"}[
        node.kind
    ] + f"（{node.path}）"
