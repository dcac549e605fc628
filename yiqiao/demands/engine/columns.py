"""Columnar copy of the structured attributes, so structured fit is vectorised per query.

One row per resource, in index order. Missing numbers are NaN; set-valued attributes (chain
nodes, investor sectors and regions) are bitsets over a vocabulary built at index time, stored
as ``uint64`` words of shape (rows, words).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .model import (
    GMP_GRADES,
    INVESTOR_STAGES,
    RESOURCE_KINDS,
    SERVICE_CATEGORIES,
    SPACE_KINDS,
    InvestorAttributes,
    OrganisationAttributes,
    PolicyAttributes,
    Resource,
    ServiceAttributes,
    SpaceAttributes,
)

KIND_CODE = {kind: code for code, kind in enumerate(RESOURCE_KINDS)}
SPACE_KIND_CODE = {kind: code for code, kind in enumerate(SPACE_KINDS)}
SERVICE_CODE = {category: code for code, category in enumerate(SERVICE_CATEGORIES)}
STAGE_BIT = {stage: 1 << position for position, stage in enumerate(INVESTOR_STAGES)}
# Rank 0 is the strictest grade (A); NO_GRADE sorts after every grade.
GMP_RANK = {grade: rank for rank, grade in enumerate(GMP_GRADES)}
NO_GRADE = len(GMP_GRADES)

Bits = npt.NDArray[np.uint64]


class BitVocabulary:
    """Maps codes to bit positions; encodes code sets as fixed-width uint64 word arrays."""

    def __init__(self, codes: Iterable[str]) -> None:
        self.position: dict[str, int] = {}
        for code in codes:
            self.position.setdefault(code, len(self.position))
        self.words = max(1, (len(self.position) + 63) // 64)

    def mask(self, codes: Iterable[str]) -> Bits:
        """One row of words with the bits of the known ``codes`` set (unknown codes ignored)."""
        out = np.zeros(self.words, dtype=np.uint64)
        for code in codes:
            position = self.position.get(code)
            if position is not None:
                out[position // 64] |= np.uint64(1 << (position % 64))
        return out


def any_overlap(bits: Bits, rows: npt.NDArray[np.int64], mask: Bits) -> npt.NDArray[np.bool_]:
    """Whether each row's bitset shares a bit with ``mask``."""
    if not mask.any():
        return np.zeros(rows.shape[0], dtype=np.bool_)
    return np.asarray((bits[rows] & mask).any(axis=1), dtype=np.bool_)


@dataclass(frozen=True, slots=True)
class Columns:
    """Structured attributes as arrays; row i describes resource i of the index."""

    kind: npt.NDArray[np.uint8]
    # spaces
    is_available: npt.NDArray[np.bool_]
    space_kind: npt.NDArray[np.int8]
    area_available: npt.NDArray[np.float32]
    rent: npt.NDArray[np.float32]
    gmp_rank: npt.NDArray[np.int8]
    floor_load: npt.NDArray[np.float32]
    park: npt.NDArray[np.int32]
    # services
    service_category: npt.NDArray[np.int8]
    lead_time: npt.NDArray[np.float32]
    capacity: npt.NDArray[np.float32]
    # investors
    stage_bits: npt.NDArray[np.uint16]
    ticket_min: npt.NDArray[np.float64]
    ticket_max: npt.NDArray[np.float64]
    region_bits: Bits
    # organisations and investors: chain nodes / sectors
    chain_bits: Bits
    has_chain: npt.NDArray[np.bool_]
    # vocabularies
    parks: dict[str, int]
    chain_vocabulary: BitVocabulary
    region_vocabulary: BitVocabulary

    @classmethod
    def build(cls, resources: Sequence[Resource], chain_codes: Iterable[str]) -> Columns:
        """Extract the columns in one pass over the resources."""
        n = len(resources)
        nan = np.float32(np.nan)
        kind = np.zeros(n, dtype=np.uint8)
        is_available = np.ones(n, dtype=np.bool_)
        space_kind = np.full(n, -1, dtype=np.int8)
        area_available = np.full(n, nan, dtype=np.float32)
        rent = np.full(n, nan, dtype=np.float32)
        gmp_rank = np.full(n, NO_GRADE, dtype=np.int8)
        floor_load = np.full(n, nan, dtype=np.float32)
        park = np.full(n, -1, dtype=np.int32)
        service_category = np.full(n, -1, dtype=np.int8)
        lead_time = np.full(n, nan, dtype=np.float32)
        capacity = np.full(n, nan, dtype=np.float32)
        stage_bits = np.zeros(n, dtype=np.uint16)
        ticket_min = np.full(n, np.nan, dtype=np.float64)
        ticket_max = np.full(n, np.nan, dtype=np.float64)
        parks: dict[str, int] = {}
        chain_sets: dict[int, tuple[str, ...]] = {}
        region_sets: dict[int, tuple[str, ...]] = {}
        for row, resource in enumerate(resources):
            kind[row] = KIND_CODE[resource.kind]
            attributes = resource.attributes
            if isinstance(attributes, SpaceAttributes):
                is_available[row] = attributes.is_available and attributes.area_available_m2 > 0
                space_kind[row] = SPACE_KIND_CODE[attributes.space_kind]
                area_available[row] = attributes.area_available_m2
                if attributes.rent_per_m2_month is not None:
                    rent[row] = attributes.rent_per_m2_month
                if attributes.gmp_grade is not None:
                    gmp_rank[row] = GMP_RANK[attributes.gmp_grade]
                if attributes.floor_load_kn_m2 is not None:
                    floor_load[row] = attributes.floor_load_kn_m2
                if attributes.park_code is not None:
                    park[row] = parks.setdefault(attributes.park_code, len(parks))
            elif isinstance(attributes, ServiceAttributes):
                service_category[row] = SERVICE_CODE[attributes.category]
                if attributes.lead_time_days is not None:
                    lead_time[row] = attributes.lead_time_days
                if attributes.capacity is not None:
                    capacity[row] = attributes.capacity
            elif isinstance(attributes, InvestorAttributes):
                bits = 0
                for stage in attributes.stages:
                    bits |= STAGE_BIT[stage]
                stage_bits[row] = bits
                if attributes.ticket_min_yuan is not None:
                    ticket_min[row] = attributes.ticket_min_yuan
                if attributes.ticket_max_yuan is not None:
                    ticket_max[row] = attributes.ticket_max_yuan
                if attributes.sectors:
                    chain_sets[row] = attributes.sectors
                if attributes.regions:
                    region_sets[row] = attributes.regions
            elif isinstance(attributes, OrganisationAttributes):
                if attributes.chain_nodes:
                    chain_sets[row] = attributes.chain_nodes
            elif isinstance(attributes, PolicyAttributes):
                pass
        chain_vocabulary = BitVocabulary(
            [*chain_codes, *sorted({c for codes in chain_sets.values() for c in codes})]
        )
        region_vocabulary = BitVocabulary(sorted({c for cs in region_sets.values() for c in cs}))
        return cls(
            kind=kind,
            is_available=is_available,
            space_kind=space_kind,
            area_available=area_available,
            rent=rent,
            gmp_rank=gmp_rank,
            floor_load=floor_load,
            park=park,
            service_category=service_category,
            lead_time=lead_time,
            capacity=capacity,
            stage_bits=stage_bits,
            ticket_min=ticket_min,
            ticket_max=ticket_max,
            region_bits=_encode(chain_sets_rows=region_sets, n=n, vocabulary=region_vocabulary),
            chain_bits=_encode(chain_sets_rows=chain_sets, n=n, vocabulary=chain_vocabulary),
            has_chain=_rows_mask(chain_sets, n),
            parks=parks,
            chain_vocabulary=chain_vocabulary,
            region_vocabulary=region_vocabulary,
        )

    @property
    def nbytes(self) -> int:
        """Memory held by the arrays."""
        return sum(
            int(getattr(self, name).nbytes)
            for name in self.__slots__
            if isinstance(getattr(self, name), np.ndarray)
        )


def _encode(
    *, chain_sets_rows: dict[int, tuple[str, ...]], n: int, vocabulary: BitVocabulary
) -> Bits:
    out = np.zeros((n, vocabulary.words), dtype=np.uint64)
    masks: dict[tuple[str, ...], Bits] = {}  # code sets repeat a lot; encode each once
    for row, codes in chain_sets_rows.items():
        mask = masks.get(codes)
        if mask is None:
            mask = masks[codes] = vocabulary.mask(codes)
        out[row] = mask
    return out


def _rows_mask(rows: dict[int, tuple[str, ...]], n: int) -> npt.NDArray[np.bool_]:
    out = np.zeros(n, dtype=np.bool_)
    if rows:
        out[np.fromiter(rows.keys(), dtype=np.int64, count=len(rows))] = True
    return out
