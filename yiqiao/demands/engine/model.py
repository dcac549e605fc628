"""Plain data for the matching engine: resources, needs and matches.

Everything here is a frozen dataclass so that an index can hold a million resources without
anyone mutating them behind its back, and so that inputs and outputs are easy to build in tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal, get_args

ResourceKind = Literal["policy", "space", "service", "investor", "organisation"]
SpaceKind = Literal["building", "plant", "land", "lab"]
ServiceCategory = Literal[
    "poc",
    "preclinical",
    "clinical_cro",
    "cdmo",
    "pilot",
    "registration",
    "testing",
    "cso",
    "finance",
    "clinical_site",
    "smo",
    "quality_system",
    "sterilization",
    "market_access",
    "ip",
    "talent",
    "equipment_sharing",
    "tech_transfer",
    "cold_chain",
    "ehs",
]
InvestorStage = Literal["seed", "angel", "pre_a", "a", "b", "c", "d", "pre_ipo", "growth"]
NeedCategory = Literal[
    "policy",
    "space",
    "financing",
    "clinical",
    "capacity",
    "talent",
    "partner",
    "registration",
    "other",
]
PolicyStatus = Literal["eligible", "eligible_if_data_supplied", "ineligible", "unknown"]
GmpGrade = Literal["A", "B", "C", "D"]

RESOURCE_KINDS: tuple[ResourceKind, ...] = get_args(ResourceKind)
SPACE_KINDS: tuple[SpaceKind, ...] = get_args(SpaceKind)
SERVICE_CATEGORIES: tuple[ServiceCategory, ...] = get_args(ServiceCategory)
INVESTOR_STAGES: tuple[InvestorStage, ...] = get_args(InvestorStage)
NEED_CATEGORIES: tuple[NeedCategory, ...] = get_args(NeedCategory)
POLICY_STATUSES: tuple[PolicyStatus, ...] = get_args(PolicyStatus)
# Strictest first: a grade-B room also satisfies a need for grade C or D.
GMP_GRADES: tuple[GmpGrade, ...] = get_args(GmpGrade)


class EngineInputError(ValueError):
    """Raised for input the engine refuses, with a message an officer can read (Chinese)."""


@dataclass(frozen=True, slots=True)
class SpaceAttributes:
    """A space (载体): building floor, plant, land parcel or lab, with what is still free."""

    space_kind: SpaceKind
    area_total_m2: float
    area_available_m2: float
    rent_per_m2_month: float | None = None
    gmp_grade: GmpGrade | None = None
    floor_load_kn_m2: float | None = None
    park_code: str | None = None
    is_available: bool = True


@dataclass(frozen=True, slots=True)
class ServiceAttributes:
    """A platform service: what it does, how long it takes and how many open slots it has."""

    category: ServiceCategory
    lead_time_days: int | None = None
    capacity: int | None = None  # open slots; 0 means fully booked, None means not stated


@dataclass(frozen=True, slots=True)
class InvestorAttributes:
    """An investor profile: stages, sectors (chain-node codes), ticket size in yuan, regions."""

    stages: tuple[InvestorStage, ...] = ()
    sectors: tuple[str, ...] = ()
    ticket_min_yuan: float | None = None
    ticket_max_yuan: float | None = None
    regions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class OrganisationAttributes:
    """A potential partner organisation: where it sits in the chain and what it makes."""

    chain_nodes: tuple[str, ...] = ()
    org_kind: str = "enterprise"
    products: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PolicyAttributes:
    """A policy item; eligibility per enterprise comes from the policy engine at match time."""

    policy_id: str
    max_amount_yuan: float | None = None


Attributes = (
    SpaceAttributes
    | ServiceAttributes
    | InvestorAttributes
    | OrganisationAttributes
    | PolicyAttributes
)

_ATTRIBUTE_TYPE: dict[ResourceKind, type] = {
    "space": SpaceAttributes,
    "service": ServiceAttributes,
    "investor": InvestorAttributes,
    "organisation": OrganisationAttributes,
    "policy": PolicyAttributes,
}


@dataclass(frozen=True, slots=True)
class Resource:
    """One thing the region can offer. ``attributes`` must match ``kind``."""

    kind: ResourceKind
    id: str
    title: str
    text: str = ""
    tags: tuple[str, ...] = ()
    attributes: Attributes | None = None

    def __post_init__(self) -> None:
        if self.kind not in RESOURCE_KINDS:
            raise EngineInputError(f"未知的资源类型：{self.kind}")
        if not self.id:
            raise EngineInputError("资源缺少编号")
        expected = _ATTRIBUTE_TYPE[self.kind]
        if self.attributes is not None and not isinstance(self.attributes, expected):
            raise EngineInputError(f"资源 {self.id} 的属性与类型 {self.kind} 不符")
        if self.kind == "policy" and self.attributes is None:
            raise EngineInputError(f"政策资源 {self.id} 缺少政策编号")


@dataclass(frozen=True, slots=True)
class PolicyEligibility:
    """What the policy engine said about one policy for the asking enterprise."""

    status: PolicyStatus
    amount_yuan: float | None = None
    missing: tuple[str, ...] = ()  # data the enterprise still has to supply


@dataclass(frozen=True, slots=True)
class Need:
    """An enterprise need (需求) as the engine sees it: free text plus optional structure.

    ``chain_nodes`` are the chain nodes the need is about (a sector sought or offered);
    ``enterprise_chain_nodes`` are where the asking enterprise itself sits in the chain.
    """

    text: str
    category: NeedCategory = "other"
    area_min_m2: float | None = None
    area_max_m2: float | None = None
    rent_max_per_m2_month: float | None = None
    gmp_grade: GmpGrade | None = None
    floor_load_min_kn_m2: float | None = None
    park_codes: tuple[str, ...] = ()
    space_kinds: tuple[SpaceKind, ...] = ()
    service_categories: tuple[ServiceCategory, ...] = ()
    funding_amount_yuan: float | None = None
    funding_stage: InvestorStage | None = None
    chain_nodes: tuple[str, ...] = ()
    enterprise_chain_nodes: tuple[str, ...] = ()
    region_code: str | None = None
    deadline: date | None = None

    def __post_init__(self) -> None:
        if self.category not in NEED_CATEGORIES:
            raise EngineInputError(f"未知的需求类别：{self.category}")
        if self.funding_stage is not None and self.funding_stage not in INVESTOR_STAGES:
            raise EngineInputError(f"未知的融资阶段：{self.funding_stage}")
        if self.gmp_grade is not None and self.gmp_grade not in GMP_GRADES:
            raise EngineInputError(f"未知的洁净级别：{self.gmp_grade}")
        if (
            self.area_min_m2 is not None
            and self.area_max_m2 is not None
            and self.area_min_m2 > self.area_max_m2
        ):
            raise EngineInputError("面积下限大于上限")


@dataclass(frozen=True, slots=True)
class MatchedTerm:
    """A query word found in the resource; ``term`` is the canonical synonym-group head."""

    term: str
    query_forms: tuple[str, ...]  # how the need wrote it


@dataclass(frozen=True, slots=True)
class Match:
    """One suggested resource with its score and the reasons behind it (Chinese)."""

    resource: Resource
    score: float
    text_score: float  # BM25 normalised to [0, 1] within this query
    fit_score: float  # sum of structured-fit contributions
    matched_terms: tuple[MatchedTerm, ...] = ()
    met: tuple[str, ...] = ()
    missed: tuple[str, ...] = ()
    reasons: tuple[str, ...] = field(default=())
