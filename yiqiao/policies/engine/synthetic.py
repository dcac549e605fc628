"""Seeded synthetic registers and policy sets, for the benchmark, cross-checks and demos.

Distributions are rough but shaped like a district register: most rows are small enterprises
of the district, facts such as clinical trials or certificates are rare, and every field has a
share of missing values (so the 快申快享 path is exercised).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from .expr import Bin, Call, Expr, Neg, Num
from .fields import AWARDS_RECEIVED, FieldDictionary, FieldSpec
from .model import (
    Atom,
    Benefit,
    Bracket,
    Combine,
    Fixed,
    Formula,
    Group,
    PerItem,
    PerUnit,
    Policy,
    PolicyVersion,
    Rate,
    Table,
    Tiers,
    When,
)
from .snapshot import EPOCH, ItemTable, Snapshot, day_number, item_table, snapshot_from_arrays

DISTRICT = "xs.jc.th"
_REGIONS = (DISTRICT, "330101", "330102", "330105", "310115")
_REGION_P = (0.85, 0.05, 0.04, 0.03, 0.03)
_SET_RATES = {
    "qualifications": {
        "high_tech": 0.12,
        "specialised": 0.06,
        "little_giant": 0.01,
        "listed": 0.004,
        "pre_ipo": 0.01,
        "chain_leader": 0.002,
    },
}


# share of enterprises holding at least one item of a list (the rest hold none); awards
# received are commoner than certificates or trials
_LIST_RATES = {AWARDS_RECEIVED: 0.12}


def synthetic_snapshot(
    fields: FieldDictionary,
    size: int,
    seed: int,
    on: date,
    fact_missing: float = 0.05,
    award_policies: Sequence[str] = (),
    str_codes: Mapping[str, Sequence[str]] | None = None,
) -> Snapshot:
    """A seeded random register of ``size`` rows covering every field of ``fields``.

    Register columns miss 3% of values; facts miss ``fact_missing`` of theirs. List fields get
    items for a few percent of the rows (awards received name ``award_policies``). Text-coded
    fields draw a quarter of their rows from ``str_codes`` (the codes policies name, such as
    division codes), so that policies scoped by place reach part of the register.
    """
    rng = np.random.default_rng(seed)
    today = day_number(on)
    columns: dict[str, npt.NDArray[Any]] = {}
    missing: dict[str, npt.NDArray[np.bool_] | None] = {}
    vocab: dict[str, tuple[str, ...]] = {}
    lists: dict[str, ItemTable] = {}
    revenue = np.exp(rng.normal(np.log(8e6), 1.6, size))
    for name in fields:
        spec = fields[name]
        kind = spec.type
        miss_rate = 0.03 if spec.source == "register" else fact_missing
        if kind == "list":
            lists[name] = _items(spec, size, rng, today, award_policies)
            if name != AWARDS_RECEIVED:
                missing[name] = rng.random(size) < miss_rate
            continue
        if kind == "enum":
            codes = tuple(spec.values)
            vocab[name] = codes
            if name == "kind":
                p = np.full(len(codes), 0.08 / (len(codes) - 1))
                p[codes.index("enterprise")] = 0.92
            else:
                p = np.full(len(codes), 1.0 / len(codes))
            columns[name] = rng.choice(len(codes), size=size, p=p).astype(np.int32)
        elif kind == "str":
            if name == "region_code":
                vocab[name] = _REGIONS
                columns[name] = rng.choice(len(_REGIONS), size=size, p=_REGION_P).astype(np.int32)
            else:
                # a few designated parks; most enterprises sit outside them ("X00")
                named = tuple((str_codes or {}).get(name, ()))
                codes = ("X00",) + tuple(f"{name[:1].upper()}{i:02d}" for i in range(1, 7)) + named
                vocab[name] = codes
                p = np.array([0.76] + [0.04] * 6 + [0.0] * len(named))
                if named:
                    p = p * 0.75
                    p[7:] = 0.25 / len(named)
                columns[name] = rng.choice(len(codes), size=size, p=p).astype(np.int32)
        elif kind == "set":
            codes = tuple(spec.values)
            vocab[name] = codes
            rates = _SET_RATES.get(name)
            bits = np.zeros(size, dtype=np.uint64)
            for i, code in enumerate(codes):
                rate = rates.get(code, 0.05) if rates else 1.5 / len(codes)
                bits |= (rng.random(size) < rate).astype(np.uint64) << np.uint64(i)
            columns[name] = bits
        elif kind == "bool":
            # yes/no facts (trial site, approval, new line...) hold for a small minority
            columns[name] = rng.random(size) < (0.02 if spec.source == "fact" else 0.1)
        elif kind == "date":
            age = rng.exponential(8 * 365.25, size)
            if spec.source == "fact":
                age = rng.exponential(4 * 365.25, size)
            columns[name] = (today - age).astype(np.int32)
        elif kind == "int":
            if spec.source == "register":
                columns[name] = np.exp(rng.normal(np.log(30), 1.2, size)).astype(np.int64)
            else:
                # counted events (trials started, certificates, talents) are rare
                has = rng.random(size) < 0.005
                columns[name] = np.where(has, rng.poisson(1.0, size) + 1, 0).astype(np.int64)
        else:
            if name == "revenue_yuan":
                values = revenue
            elif name.startswith("rd_spend"):
                values = revenue * np.exp(rng.normal(np.log(0.06), 0.8, size))
            elif spec.source == "register":
                values = np.exp(rng.normal(np.log(5e6), 1.5, size))
            elif spec.unit.startswith("元/"):
                values = rng.uniform(30, 150, size)
            elif spec.unit == "平方米":
                leases = rng.random(size) < 0.15
                values = np.where(leases, np.exp(rng.normal(np.log(800), 1.0, size)), 0.0)
            else:
                has = rng.random(size) < 0.03
                values = np.where(has, np.exp(rng.normal(np.log(3e6), 1.5, size)), 0.0)
            columns[name] = np.round(values, 2)
        mask = rng.random(size) < miss_rate
        missing[name] = mask
    for name in lists:
        columns[name] = np.diff(lists[name].starts)
    return snapshot_from_arrays(fields, size, columns, missing, vocab, lists)


def _items(
    spec: FieldSpec, size: int, rng: np.random.Generator, today: int, policies: Sequence[str]
) -> ItemTable:
    """Items of one list field: a few rows hold 1–4 items with plausible values."""
    assert spec.items is not None
    has = rng.random(size) < _LIST_RATES.get(spec.name, 0.04)
    counts = np.where(has, rng.poisson(0.8, size) + 1, 0)
    owner = np.repeat(np.arange(size, dtype=np.int64), counts)
    m = owner.size
    columns: dict[str, npt.NDArray[Any]] = {}
    masks: dict[str, npt.NDArray[np.bool_] | None] = {}
    vocab: dict[str, tuple[str, ...]] = {}
    for name, sub in spec.items.items():
        kind = sub.type
        if kind == "date":
            columns[name] = (today - rng.exponential(2.5 * 365.25, m)).astype(np.int32)
        elif kind in ("enum", "str"):
            codes = tuple(policies) if name == "policy" and policies else tuple(sub.values) or (
                "A", "B", "C",
            )  # fmt: skip
            vocab[name] = codes
            columns[name] = rng.integers(0, len(codes), m).astype(np.int32)
        elif kind == "set":
            codes = tuple(sub.values)
            vocab[name] = codes
            bits = np.zeros(m, dtype=np.uint64)
            for i in range(len(codes)):
                bits |= (rng.random(m) < 0.3).astype(np.uint64) << np.uint64(i)
            columns[name] = bits
        elif kind == "bool":
            columns[name] = rng.random(m) < 0.25
        elif kind == "int":
            columns[name] = rng.integers(1, 5, m).astype(np.int64)
        else:
            columns[name] = np.round(np.exp(rng.normal(np.log(2e6), 1.2, m)), 2)
        masks[name] = None if sub.required else (rng.random(m) < 0.03)
    return item_table(spec, size, owner, columns, masks, vocab)


def profiles_from_snapshot(snapshot: Snapshot, rows: Sequence[int]) -> list[dict[str, object]]:
    """Decode snapshot rows back to profile dicts (None for missing), for explain cross-checks."""
    out: list[dict[str, object]] = []
    for row in rows:
        profile: dict[str, object] = {}
        for name, column in snapshot.columns.items():
            mask = snapshot.missing.get(name)
            if mask is not None and mask[row]:
                profile[name] = None
                continue
            spec = snapshot.fields[name]
            if spec.type == "list":
                profile[name] = _decode_items(snapshot.lists[name], row)
                continue
            raw = column[row]
            if spec.type in ("number", "money"):
                profile[name] = float(raw)
            elif spec.type == "int":
                profile[name] = int(raw)
            elif spec.type == "bool":
                profile[name] = bool(raw)
            elif spec.type == "date":
                profile[name] = date.fromordinal(EPOCH.toordinal() + int(raw))
            elif spec.type in ("enum", "str"):
                profile[name] = snapshot.vocab[name][int(raw)]
            else:
                bits = int(raw)
                profile[name] = frozenset(
                    c for i, c in enumerate(snapshot.vocab[name]) if bits >> i & 1
                )
        out.append(profile)
    return out


def _decode_items(table: ItemTable, row: int) -> tuple[dict[str, object], ...]:
    assert table.spec.items is not None
    items = []
    for k in range(int(table.starts[row]), int(table.starts[row + 1])):
        item: dict[str, object] = {}
        for name, sub in table.spec.items.items():
            mask = table.missing.get(name)
            if mask is not None and mask[k]:
                continue
            raw = table.columns[name][k]
            if sub.type in ("number", "money"):
                item[name] = float(raw)
            elif sub.type == "int":
                item[name] = int(raw)
            elif sub.type == "bool":
                item[name] = bool(raw)
            elif sub.type == "date":
                item[name] = date.fromordinal(EPOCH.toordinal() + int(raw))
            elif sub.type in ("enum", "str"):
                item[name] = table.vocab[name][int(raw)]
            else:
                bits = int(raw)
                item[name] = frozenset(c for i, c in enumerate(table.vocab[name]) if bits >> i & 1)
        items.append(item)
    return tuple(items)


_THRESHOLD_FACTORS = (0.5, 0.75, 1.0, 1.0, 1.5, 2.0)
_AMOUNT_FACTORS = (0.5, 0.8, 1.0, 1.0, 1.2, 1.5, 2.0)


def synthetic_policies(
    templates: Sequence[Policy], count: int, seed: int, *, jitter: bool = False
) -> list[Policy]:
    """``count`` variants of the library's policies: same families and shapes, thresholds and
    amounts scaled by round factors, exclusive/cap groups kept within each family batch.

    ``jitter`` scales thresholds by a random non-round factor too, so that (almost) no two
    policies share an atom or a condition tree: the worst case for sharing.
    """
    rng = np.random.default_rng(seed)
    out: list[Policy] = []
    for k in range(count):
        template = templates[int(rng.integers(len(templates)))]
        threshold = float(rng.choice(_THRESHOLD_FACTORS))
        if jitter:
            threshold *= float(rng.uniform(0.9, 1.1))
        amount = float(rng.choice(_AMOUNT_FACTORS))
        batch = k // max(len(templates), 1)
        versions = tuple(_vary(v, threshold, amount, batch) for v in template.versions)
        out.append(dataclasses.replace(template, id=f"{template.id}.s{k}", versions=versions))
    return out


def _vary(version: PolicyVersion, threshold: float, amount: float, batch: int) -> PolicyVersion:
    params = {
        name: dataclasses.replace(
            p, values=tuple((d, v * amount if p.unit == "元" else v) for d, v in p.values)
        )
        for name, p in version.parameters.items()
    }
    return dataclasses.replace(
        version,
        parameters=params,
        conditions=_vary_group(version.conditions, threshold),
        benefit=_vary_benefit(version.benefit, amount),
        exclusive_group=None
        if version.exclusive_group is None
        else f"{version.exclusive_group}#{batch}",
        cap_group=None if version.cap_group is None else f"{version.cap_group}#{batch}",
    )


def _scale(node: Expr, factor: float) -> Expr:
    if isinstance(node, Num):
        return Num(node.value * factor, node.text)
    if isinstance(node, Neg):
        return Neg(_scale(node.operand, factor))
    if isinstance(node, Bin):
        return (
            Bin(node.op, _scale(node.left, factor), node.right)
            if node.op in "*/"
            else Bin(node.op, _scale(node.left, factor), _scale(node.right, factor))
        )
    if isinstance(node, Call):
        return Call(node.function, tuple(_scale(a, factor) for a in node.args))
    return node


def _vary_group(group: Group, factor: float) -> Group:
    children: list[Atom | Group] = []
    for child in group.children:
        if isinstance(child, Group):
            children.append(_vary_group(child, factor))
        elif (
            child.op in ("ge", "gt", "le", "lt")
            and child.type in ("number", "money")
            and isinstance(child.operand, Num)
        ):
            children.append(dataclasses.replace(child, operand=_scale(child.operand, factor)))
        else:
            children.append(child)
    return dataclasses.replace(group, children=tuple(children))


def _vary_benefit(benefit: Benefit, f: float) -> Benefit:
    def cap(node: Expr | None) -> Expr | None:
        return None if node is None else _scale(node, f)

    if isinstance(benefit, Fixed):
        return dataclasses.replace(benefit, amount=_scale(benefit.amount, f))
    if isinstance(benefit, Rate | Formula):
        return dataclasses.replace(benefit, cap=cap(benefit.cap))
    if isinstance(benefit, PerUnit):
        return dataclasses.replace(benefit, amount=_scale(benefit.amount, f), cap=cap(benefit.cap))
    if isinstance(benefit, Tiers):
        brackets = tuple(
            Bracket(b.lower, None if b.amount is None else _scale(b.amount, f), b.rate)
            for b in benefit.brackets
        )
        return dataclasses.replace(benefit, brackets=brackets, cap=cap(benefit.cap))
    if isinstance(benefit, Table):
        return dataclasses.replace(
            benefit,
            rows=tuple((k, _vary_benefit(v, f)) for k, v in benefit.rows),
            default=None if benefit.default is None else _vary_benefit(benefit.default, f),
            cap=cap(benefit.cap),
        )
    if isinstance(benefit, When):
        return dataclasses.replace(
            benefit,
            branches=tuple((c, _vary_benefit(b, f)) for c, b in benefit.branches),
            otherwise=None if benefit.otherwise is None else _vary_benefit(benefit.otherwise, f),
            cap=cap(benefit.cap),
        )
    if isinstance(benefit, PerItem):
        return dataclasses.replace(
            benefit, amount=_vary_benefit(benefit.amount, f), cap=cap(benefit.cap)
        )
    assert isinstance(benefit, Combine)
    return dataclasses.replace(
        benefit, parts=tuple(_vary_benefit(p, f) for p in benefit.parts), cap=cap(benefit.cap)
    )


__all__ = [
    "DISTRICT",
    "named_codes",
    "profiles_from_snapshot",
    "synthetic_policies",
    "synthetic_snapshot",
]


def named_codes(policies: Sequence[Policy]) -> dict[str, list[str]]:
    """Per text-coded field, the codes the policies' top-level conditions compare it with."""
    out: dict[str, set[str]] = {}
    for policy in policies:
        for version in policy.versions:
            for child in version.conditions.children:
                if isinstance(child, Atom) and child.field and child.type == "str":
                    values = child.operand if isinstance(child.operand, tuple) else (child.operand,)
                    out.setdefault(child.field, set()).update(str(v) for v in values)
    return {name: sorted(codes) for name, codes in out.items()}
