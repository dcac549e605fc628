"""Structured fit: per-constraint outcome codes over candidate rows, and their weights.

Each constraint yields an ``int8`` code per candidate row: 0 means "does not apply" (wrong
resource kind, or the need did not ask), a positive code means met, a negative code means
missed or unknown. The score contribution of a code is ``WEIGHTS[constraint][code]``; the
reason text for the same code is written in ``reasons.py``. Score and reasons therefore come
from the same outcome and cannot disagree.

Hard filters (``exclude``) remove rows entirely: a space that is not available or has no free
area, and a policy the policy engine found the enterprise ineligible for.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from .chain import ChainGraph
from .columns import (
    GMP_RANK,
    KIND_CODE,
    SERVICE_CODE,
    SPACE_KIND_CODE,
    STAGE_BIT,
    Bits,
    Columns,
    any_overlap,
)
from .model import Need, NeedCategory, PolicyStatus, ResourceKind, ServiceCategory, SpaceKind

Rows = npt.NDArray[np.int64]
Codes = npt.NDArray[np.int8]

# How well each resource kind serves a need category: 2 primary, 1 secondary.
CATEGORY_KINDS: dict[NeedCategory, dict[ResourceKind, int]] = {
    "policy": {"policy": 2},
    "space": {"space": 2, "policy": 1},
    "financing": {"investor": 2, "service": 1, "policy": 1},
    "clinical": {"service": 2, "organisation": 2, "policy": 1},
    "capacity": {"service": 2, "space": 1},
    "talent": {"policy": 2, "organisation": 1},
    "partner": {"organisation": 2, "service": 1},
    "registration": {"service": 2, "policy": 1},
    "other": {},
}
# Service categories a need category asks for when neither the form nor the text says.
CATEGORY_SERVICES: dict[NeedCategory, tuple[ServiceCategory, ...]] = {
    "capacity": ("poc", "pilot", "cdmo"),
    "clinical": ("clinical_cro", "preclinical"),
    "registration": ("registration", "testing"),
    "financing": ("finance",),
    "partner": ("cso",),
}
# Canonical text terms that name a service category or a space kind.
TERM_SERVICES: dict[str, ServiceCategory] = {
    "概念验证": "poc",
    "中试": "pilot",
    "cdmo": "cdmo",
    "cro": "clinical_cro",
    "临床试验": "clinical_cro",
    "临床前": "preclinical",
    "注册": "registration",
    "检验检测": "testing",
    "cso": "cso",
}
TERM_SPACES: dict[str, SpaceKind] = {
    "厂房": "plant",
    "洁净车间": "plant",
    "土地": "land",
    "实验室": "lab",
    "楼宇": "building",
}
POLICY_CODE: dict[PolicyStatus, int] = {
    "eligible": 1,
    "eligible_if_data_supplied": 2,
    "unknown": -1,
    "ineligible": -2,
}

WEIGHTS: dict[str, dict[int, float]] = {
    # kind: 2 primary resource kind of the need category, 1 secondary, -1 neither
    "kind": {2: 0.3, 1: 0.1, -1: -0.2},
    "area": {1: 0.25, -1: -0.5, -2: 0.0},
    "rent": {1: 0.15, -1: -0.3, -2: 0.0},
    "gmp": {1: 0.2, -1: -0.4, -2: -0.4},
    "floor_load": {1: 0.1, -1: -0.3, -2: 0.0},
    "park": {1: 0.1, -1: -0.1},
    "space_kind": {1: 0.15, -1: -0.3},
    "service_category": {1: 0.3, -1: -0.2},
    "lead_time": {1: 0.15, -1: -0.3, -2: 0.0},
    "capacity": {1: 0.05, -1: -0.3},
    "stage": {1: 0.25, -1: -0.3, -2: 0.0},
    "sector": {1: 0.2, -1: -0.15, -2: 0.0},
    "ticket": {1: 0.2, -1: -0.4, -2: 0.0},
    "region": {1: 0.05, -1: -0.1},
    # chain: 1 requested node, 2 upstream supplier, 3 downstream customer, 4 peer
    "chain": {1: 0.3, 2: 0.25, 3: 0.25, 4: 0.05, -1: -0.05},
    "policy": {1: 0.4, 2: 0.2, -1: 0.0},
}
CONSTRAINTS: tuple[str, ...] = tuple(WEIGHTS)
FIT_FLOOR = 0.1
FIT_ALONE = 0.05


@dataclass(frozen=True, slots=True)
class FitQuery:
    """Everything structured fit needs from one need, resolved against the index vocabularies."""

    category: NeedCategory
    area_min: float | None
    area_max: float | None
    rent_max: float | None
    gmp_rank: int | None
    floor_load_min: float | None
    park_ids: npt.NDArray[np.int32]
    has_park_query: bool
    space_kind_codes: tuple[int, ...]
    service_codes: tuple[int, ...]
    days_left: int | None
    stage_bit: int
    sector_mask: Bits
    funding_amount: float | None
    region_mask: Bits | None
    requested_mask: Bits
    upstream_mask: Bits
    downstream_mask: Bits
    peer_mask: Bits
    has_chain_query: bool
    policy_codes: Codes  # one code per index row (only policy rows are read)


def fit_query(
    *,
    need_terms: Mapping[str, tuple[str, ...]],
    columns: Columns,
    chain: ChainGraph,
    policy_rows: Mapping[str, npt.NDArray[np.int64]],
    n_rows: int,
    need: Need,
    policy_status: Mapping[str, PolicyStatus] | None,
    today: date,
) -> FitQuery:
    """Resolve a need into arrays and codes for ``evaluate``."""
    services = need.service_categories or tuple(
        dict.fromkeys(TERM_SERVICES[t] for t in need_terms if t in TERM_SERVICES)
    )
    if not services:
        services = CATEGORY_SERVICES.get(need.category, ())
    space_kinds = need.space_kinds
    if not space_kinds and need.category in ("space", "capacity"):
        space_kinds = tuple(dict.fromkeys(TERM_SPACES[t] for t in need_terms if t in TERM_SPACES))
    vocabulary = columns.chain_vocabulary
    own = need.enterprise_chain_nodes
    # An investor's sectors are compared with the enterprise's own nodes only when it is
    # looking for money; otherwise only a sector the need names counts.
    sectors = need.chain_nodes or (own if need.category == "financing" else ())
    policy_codes = np.full(n_rows, POLICY_CODE["unknown"], dtype=np.int8)
    for policy_id, status in (policy_status or {}).items():
        rows = policy_rows.get(policy_id)
        if rows is not None:
            policy_codes[rows] = POLICY_CODE[status]
    region_mask = None
    if need.region_code is not None:
        region_mask = columns.region_vocabulary.mask([need.region_code])
    return FitQuery(
        category=need.category,
        area_min=need.area_min_m2,
        area_max=need.area_max_m2,
        rent_max=need.rent_max_per_m2_month,
        gmp_rank=None if need.gmp_grade is None else GMP_RANK[need.gmp_grade],
        floor_load_min=need.floor_load_min_kn_m2,
        park_ids=np.array(
            [columns.parks[c] for c in need.park_codes if c in columns.parks], dtype=np.int32
        ),
        has_park_query=bool(need.park_codes),
        space_kind_codes=tuple(SPACE_KIND_CODE[k] for k in space_kinds),
        service_codes=tuple(SERVICE_CODE[c] for c in services),
        days_left=None if need.deadline is None else (need.deadline - today).days,
        stage_bit=0 if need.funding_stage is None else STAGE_BIT[need.funding_stage],
        sector_mask=vocabulary.mask(sectors),
        funding_amount=need.funding_amount_yuan,
        region_mask=region_mask,
        requested_mask=vocabulary.mask(need.chain_nodes),
        upstream_mask=vocabulary.mask(chain.upstream_of(own)),
        downstream_mask=vocabulary.mask(chain.downstream_of(own)),
        peer_mask=vocabulary.mask(own),
        has_chain_query=bool(need.chain_nodes or own),
        policy_codes=policy_codes,
    )


def exclude(columns: Columns, rows: Rows, query: FitQuery) -> npt.NDArray[np.bool_]:
    """Rows a user would not expect to see at all: unavailable spaces, ineligible policies."""
    kind = columns.kind[rows]
    unavailable = (kind == KIND_CODE["space"]) & ~columns.is_available[rows]
    ineligible = (kind == KIND_CODE["policy"]) & (
        query.policy_codes[rows] == POLICY_CODE["ineligible"]
    )
    return np.asarray(unavailable | ineligible, dtype=np.bool_)


def evaluate(columns: Columns, rows: Rows, query: FitQuery) -> dict[str, Codes]:
    """Outcome code per constraint per row (see the module docstring)."""
    n = rows.shape[0]
    kind = columns.kind[rows]
    codes: dict[str, Codes] = {name: np.zeros(n, dtype=np.int8) for name in CONSTRAINTS}

    affinity = CATEGORY_KINDS[query.category]
    if affinity:
        codes["kind"][:] = -1
    for resource_kind, level in affinity.items():
        codes["kind"][kind == KIND_CODE[resource_kind]] = level

    space = kind == KIND_CODE["space"]
    if space.any():
        _space_codes(columns, rows, space, query, codes)
    service = kind == KIND_CODE["service"]
    if service.any():
        _service_codes(columns, rows, service, query, codes)
    investor = kind == KIND_CODE["investor"]
    if investor.any():
        _investor_codes(columns, rows, investor, query, codes)
    organisation = kind == KIND_CODE["organisation"]
    if organisation.any() and query.has_chain_query:
        _chain_codes(columns, rows, organisation, query, codes)
    policy = kind == KIND_CODE["policy"]
    codes["policy"][policy] = query.policy_codes[rows[policy]]
    return codes


def _lookup_table(weights: Mapping[int, float]) -> npt.NDArray[np.float32]:
    # Codes run from -2 to 4; with mode="wrap", code -1 reads slot 7 and -2 slot 6.
    table = np.zeros(8, dtype=np.float32)
    for code, weight in weights.items():
        table[code % 8] = weight
    return table


_TABLES = {name: _lookup_table(weights) for name, weights in WEIGHTS.items()}


def score(codes: Mapping[str, Codes], n: int) -> npt.NDArray[np.float32]:
    """Sum of the weights of every constraint outcome, per row."""
    total = np.zeros(n, dtype=np.float32)
    for name, outcome in codes.items():
        if outcome.any():
            total += np.take(_TABLES[name], outcome, mode="wrap")
    return total


def combine(
    text_norm: npt.NDArray[np.float32], fit: npt.NDArray[np.float32]
) -> npt.NDArray[np.float32]:
    """Final score: text relevance scaled by structured fit, plus a little fit on its own.

    Fit multiplies text rather than adding to it, so a resource that shares one stray word
    with the need cannot ride a category prior past resources that are actually about the
    need, while among resources about the need the ones that fit rise and the ones that miss
    constraints sink (never below ``FIT_FLOOR`` of their text score). The small additive part
    orders resources that match no word at all (the fill for empty text matches).
    Non-decreasing in ``fit``, which the pruning in ``MatchIndex`` relies on.
    """
    scale = np.maximum(np.float32(1.0) + fit, np.float32(FIT_FLOOR))
    return np.asarray(text_norm * scale + np.float32(FIT_ALONE) * fit, dtype=np.float32)


def _gain(name: str) -> float:
    return max(0.0, *WEIGHTS[name].values())


def upper_bounds(query: FitQuery) -> npt.NDArray[np.float32]:
    """Highest fit any resource of each kind (indexed by kind code) can reach for ``query``.

    Used to skip rows whose text score plus this bound cannot reach the current top results,
    so a bound that is too high only costs time, never correctness.
    """
    bound = np.zeros(len(KIND_CODE), dtype=np.float32)
    for resource_kind, level in CATEGORY_KINDS[query.category].items():
        bound[KIND_CODE[resource_kind]] += WEIGHTS["kind"][level]
    space = [
        ("area", query.area_min is not None or query.area_max is not None),
        ("rent", query.rent_max is not None),
        ("gmp", query.gmp_rank is not None),
        ("floor_load", query.floor_load_min is not None),
        ("park", query.has_park_query),
        ("space_kind", bool(query.space_kind_codes)),
    ]
    service = [
        ("service_category", bool(query.service_codes)),
        ("lead_time", query.days_left is not None),
        ("capacity", True),
    ]
    investor = [
        ("stage", bool(query.stage_bit)),
        ("sector", bool(query.sector_mask.any())),
        ("ticket", query.funding_amount is not None),
        ("region", query.region_mask is not None),
    ]
    for resource_kind, constraints in (
        ("space", space),
        ("service", service),
        ("investor", investor),
        ("organisation", [("chain", query.has_chain_query)]),
        ("policy", [("policy", True)]),
    ):
        bound[KIND_CODE[resource_kind]] += sum(_gain(name) for name, on in constraints if on)
    return bound


def _space_codes(
    columns: Columns, rows: Rows, mask: npt.NDArray[np.bool_], q: FitQuery, codes: dict[str, Codes]
) -> None:
    r = rows[mask]
    if q.area_min is not None or q.area_max is not None:
        area = columns.area_available[r]
        low = np.float32(q.area_min if q.area_min is not None else 0.0)
        high = np.float32(q.area_max if q.area_max is not None else np.inf)
        code = np.where(area < low, -1, np.where(area > high, -2, 1)).astype(np.int8)
        codes["area"][mask] = code
    if q.rent_max is not None:
        rent = columns.rent[r]
        code = np.where(np.isnan(rent), -2, np.where(rent <= q.rent_max, 1, -1))
        codes["rent"][mask] = code.astype(np.int8)
    if q.gmp_rank is not None:
        rank = columns.gmp_rank[r]
        code = np.where(rank <= q.gmp_rank, 1, np.where(rank == len(GMP_RANK), -2, -1))
        codes["gmp"][mask] = code.astype(np.int8)
    if q.floor_load_min is not None:
        load = columns.floor_load[r]
        code = np.where(np.isnan(load), -2, np.where(load >= q.floor_load_min, 1, -1))
        codes["floor_load"][mask] = code.astype(np.int8)
    if q.has_park_query:
        code = np.where(np.isin(columns.park[r], q.park_ids), 1, -1)
        codes["park"][mask] = code.astype(np.int8)
    if q.space_kind_codes:
        code = np.where(np.isin(columns.space_kind[r], q.space_kind_codes), 1, -1)
        codes["space_kind"][mask] = code.astype(np.int8)


def _service_codes(
    columns: Columns, rows: Rows, mask: npt.NDArray[np.bool_], q: FitQuery, codes: dict[str, Codes]
) -> None:
    r = rows[mask]
    if q.service_codes:
        code = np.where(np.isin(columns.service_category[r], q.service_codes), 1, -1)
        codes["service_category"][mask] = code.astype(np.int8)
    if q.days_left is not None:
        lead = columns.lead_time[r]
        code = np.where(np.isnan(lead), -2, np.where(lead <= q.days_left, 1, -1))
        codes["lead_time"][mask] = code.astype(np.int8)
    capacity = columns.capacity[r]
    code = np.where(np.isnan(capacity), 0, np.where(capacity > 0, 1, -1))
    codes["capacity"][mask] = code.astype(np.int8)


def _investor_codes(
    columns: Columns, rows: Rows, mask: npt.NDArray[np.bool_], q: FitQuery, codes: dict[str, Codes]
) -> None:
    r = rows[mask]
    if q.stage_bit:
        bits = columns.stage_bits[r]
        code = np.where(bits == 0, -2, np.where((bits & q.stage_bit) != 0, 1, -1))
        codes["stage"][mask] = code.astype(np.int8)
    if q.sector_mask.any():
        overlap = any_overlap(columns.chain_bits, r, q.sector_mask)
        code = np.where(~columns.has_chain[r], -2, np.where(overlap, 1, -1))
        codes["sector"][mask] = code.astype(np.int8)
    if q.funding_amount is not None:
        low, high = columns.ticket_min[r], columns.ticket_max[r]
        unknown = np.isnan(low) & np.isnan(high)
        inside = ~(low > q.funding_amount) & ~(high < q.funding_amount)  # NaN bound = open
        codes["ticket"][mask] = np.where(unknown, -2, np.where(inside, 1, -1)).astype(np.int8)
    if q.region_mask is not None:
        stated = columns.region_bits[r].any(axis=1)
        overlap = any_overlap(columns.region_bits, r, q.region_mask)
        code = np.where(~stated, 0, np.where(overlap, 1, -1))
        codes["region"][mask] = code.astype(np.int8)


def _chain_codes(
    columns: Columns, rows: Rows, mask: npt.NDArray[np.bool_], q: FitQuery, codes: dict[str, Codes]
) -> None:
    r = rows[mask]
    code = np.full(r.shape[0], -1, dtype=np.int8)
    # Later assignments win, so go from the weakest relation to the strongest.
    code[any_overlap(columns.chain_bits, r, q.peer_mask)] = 4
    code[any_overlap(columns.chain_bits, r, q.downstream_mask)] = 3
    code[any_overlap(columns.chain_bits, r, q.upstream_mask)] = 2
    code[any_overlap(columns.chain_bits, r, q.requested_mask)] = 1
    code[~columns.has_chain[r]] = 0
    codes["chain"][mask] = code
