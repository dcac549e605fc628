"""Property: over random profiles and every policy of the libraries, the batch screening and the
single explanation agree on status, amount and missing fields (issue 15).

Profiles are drawn around the thresholds the policies themselves name (each bound, just below
and above it), with missing values, lists of items and awards already received.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yiqiao.policies.engine import Policy, load_library
from yiqiao.policies.engine.evaluate import constant
from yiqiao.policies.engine.fields import AWARDS_RECEIVED, FieldSpec
from yiqiao.policies.engine.model import Atom, Group
from yiqiao.policies.tests.engine_support import batch, single
from yiqiao.policies.tests.policy_samples import FIELDS, LIBRARY

DATES = (date(2024, 6, 30), date(2025, 6, 30), date(2025, 12, 31))


def _libraries() -> list[Policy]:
    _, demo = load_library(LIBRARY)
    policies = list(demo)
    starter = LIBRARY / "starter"
    if starter.exists():
        _, real = load_library(starter)
        policies += real
    return policies


POLICIES = _libraries()


def _bounds(policies: list[Policy]) -> dict[str, list[float]]:
    """Per field (or ``list.field``), the numbers conditions compare it with."""
    out: dict[str, list[float]] = {}

    def visit(node: Atom | Group, params: dict[str, float], item: str | None) -> None:
        if isinstance(node, Group):
            for child in node.children:
                visit(child, params, item)
            return
        name = node.field if item is None or node.field is None else f"{item}.{node.field}"
        if node.expr is not None:
            agg = getattr(node.expr, "where", None)
            if agg is not None:
                visit(agg, params, getattr(node.expr, "list", None))
        if name is None or node.type not in ("number", "money", "int", "list"):
            return
        operands = node.operand if isinstance(node.operand, tuple) else (node.operand,)
        for operand in operands:
            try:
                out.setdefault(name, []).append(constant(operand, params))
            except (ValueError, TypeError, AssertionError):
                continue

    for policy in policies:
        for version in policy.versions:
            visit(version.conditions, version.parameters_on(version.effective_from), None)
    return out


BOUNDS = _bounds(POLICIES)
POLICY_IDS = sorted({p.id for p in POLICIES}) + ["city.other.award", "province.rd.subsidy"]
REGIONS = sorted(
    {
        str(atom.operand)
        for p in POLICIES
        for v in p.versions
        for atom in v.conditions.children
        if isinstance(atom, Atom) and atom.field == "region_code" and isinstance(atom.operand, str)
    }
    | {"310115"}
)


def number(name: str, spec: FieldSpec) -> st.SearchStrategy[object]:
    near = [b * f for b in BOUNDS.get(name, []) for f in (0.7, 1.0, 1.0001, 0.9999, 1.5)]
    near += [b + d for b in BOUNDS.get(name, []) for d in (-1, 1)]
    if spec.type == "int":
        ints = sorted({max(0, int(round(v))) for v in near} | {0, 1, 2, 3})
        return st.sampled_from(ints)
    pool = sorted({max(v, 0.0) for v in near} | {0.0})
    return st.one_of(
        st.sampled_from(pool),
        st.floats(min_value=0, max_value=2e9, allow_nan=False).map(lambda x: round(x, 2)),
    )


def value(name: str, spec: FieldSpec, on: date) -> st.SearchStrategy[object]:
    kind = spec.type
    if kind in ("number", "money", "int"):
        return number(name, spec)
    if kind == "bool":
        return st.booleans()
    if kind == "date":
        return st.integers(-2200, 400).map(lambda d: on - timedelta(days=d))
    if kind == "enum":
        return st.sampled_from(list(spec.values))
    if kind == "str":
        codes = list(spec.values) or (REGIONS if name == "region_code" else ["X00", "P01"])
        if name == "policy":
            codes = POLICY_IDS
        return st.sampled_from(codes)
    if kind == "set":
        return st.frozensets(st.sampled_from(list(spec.values)), max_size=3)
    assert spec.items is not None
    item = st.fixed_dictionaries(
        {n: value(f"{name}.{n}", s, on) for n, s in spec.items.items() if s.required},
        optional={n: value(f"{name}.{n}", s, on) for n, s in spec.items.items() if not s.required},
    )
    return st.lists(item, max_size=3).map(tuple)


def profiles(on: date) -> st.SearchStrategy[list[dict[str, object]]]:
    fields = {name: FIELDS[name] for name in FIELDS}
    profile = st.fixed_dictionaries(
        {"kind": st.just("enterprise")} | {},
        optional={name: value(name, spec, on) for name, spec in fields.items() if name != "kind"},
    )
    return st.lists(profile, min_size=1, max_size=12)


@st.composite
def scenario(draw: st.DrawFn) -> tuple[date, list[dict[str, object]]]:
    on = draw(st.sampled_from(DATES))
    return on, draw(profiles(on))


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(scenario())
def test_it_agrees_between_batch_and_single_on_random_profiles(case):
    on, drawn = case
    for profile in drawn:
        profile.setdefault(AWARDS_RECEIVED, ())
    assert batch(POLICIES, drawn, on) == single(POLICIES, drawn, on)
