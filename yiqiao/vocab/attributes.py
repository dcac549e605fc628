"""The attribute table of RESOURCES.md: dotted name, datatype, unit, vocabulary, labels.

``check_value`` is the one validator every importer, form and API uses for an attribute value,
so a bad value is refused with the same message wherever it comes in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from .terms import VOCABULARIES, Vocabulary

Datatype = Literal["enum", "list", "number", "int", "bool"]
#: Units as RESOURCES.md fixes them (the codes the evaluation formats use).
UNIT_LABELS: dict[str, tuple[str, str]] = {
    "m2": ("㎡", "m²"),
    "yuan_per_m2_month": ("元/㎡/月", "yuan/m²/month"),
    "yuan_per_m2": ("元/㎡", "yuan/m²"),
    "yuan": ("元", "yuan"),
    "m": ("米", "m"),
    "kn_m2": ("kN/㎡", "kN/m²"),
    "iso": ("ISO级", "ISO class"),
    "days": ("天", "days"),
    "t": ("吨", "t"),
    "L": ("升", "L"),
}


@dataclass(frozen=True, slots=True)
class Attribute:
    """One recordable attribute of a resource."""

    name: str
    datatype: Datatype
    zh: str
    en: str
    vocabulary: str | None = None
    unit: str | None = None
    minimum: float | None = None
    maximum: float | None = None

    @property
    def resource_type(self) -> str:
        return self.name.split(".", 1)[0]

    @property
    def field(self) -> str:
        return self.name.split(".", 1)[1]

    @property
    def vocab(self) -> Vocabulary | None:
        return VOCABULARIES[self.vocabulary] if self.vocabulary else None

    def label(self, language: str = "zh") -> str:
        return self.en if language.lower().startswith("en") else self.zh


def _a(
    name: str,
    datatype: Datatype,
    zh: str,
    en: str,
    vocabulary: str | None = None,
    unit: str | None = None,
    minimum: float | None = None,
    maximum: float | None = None,
) -> Attribute:
    return Attribute(name, datatype, zh, en, vocabulary, unit, minimum, maximum)


_ROWS: tuple[Attribute, ...] = (
    _a("type", "enum", "资源类型", "Resource type", "TYPE"),
    # spaces
    _a("space.kind", "enum", "载体类型", "Space kind", "SPACE_KIND"),
    _a("space.status", "enum", "招商状态", "Status", "SPACE_STATUS"),
    _a("space.tenure", "enum", "租售方式", "Tenure", "TENURE"),
    _a("space.available_area_m2", "number", "可用面积", "Available area", unit="m2", minimum=0),
    _a(
        "space.rent_yuan_per_m2_month",
        "number",
        "租金",
        "Rent",
        unit="yuan_per_m2_month",
        minimum=0,
    ),
    _a(
        "space.sale_price_yuan_per_m2",
        "number",
        "售价",
        "Sale price",
        unit="yuan_per_m2",
        minimum=0,
    ),
    _a("space.floor_height_m", "number", "层高", "Clear height", unit="m", minimum=0, maximum=100),
    _a("space.floor_load_kn_m2", "number", "楼面荷载", "Floor load", unit="kn_m2", minimum=0),
    _a("space.floor_level", "int", "所在楼层", "Storey", minimum=-5, maximum=200),
    _a("space.freight_elevator_t", "number", "货梯载重", "Freight lift", unit="t", minimum=0),
    _a("space.gmp", "bool", "GMP厂房", "GMP-ready"),
    _a(
        "space.cleanroom_iso",
        "number",
        "洁净等级",
        "Clean-room class",
        unit="iso",
        minimum=1,
        maximum=9,
    ),
    _a("space.bsl_level", "int", "生物安全等级", "Biosafety level", minimum=1, maximum=4),
    _a("space.hazmat_allowed", "bool", "可使用危化品", "Hazardous chemicals allowed"),
    _a("space.utilities", "list", "配套设施", "Utilities", "UTILITY"),
    _a("space.land_use", "enum", "用地性质", "Land use", "LAND_USE"),
    _a("space.fit_out", "enum", "交付标准", "Fit-out", "FIT_OUT"),
    _a("space.industry_tags", "list", "产业定位", "Designated industries", "SECTOR"),
    _a(
        "space.days_until_available",
        "int",
        "可入驻等待天数",
        "Days until available",
        unit="days",
        minimum=0,
    ),
    # services
    _a("service.category", "enum", "服务类别", "Category", "SERVICE_CATEGORY"),
    _a("service.provider_kind", "enum", "服务机构类型", "Provider kind", "ORG_KIND"),
    _a("service.sectors", "list", "服务领域", "Sectors served", "SECTOR"),
    _a("service.capabilities", "list", "服务能力", "Capabilities", "CAPABILITY"),
    _a("service.device_classes", "list", "器械类别", "Device classes", "DEVICE_CLASS"),
    _a("service.phases", "list", "临床阶段", "Phases", "PHASE"),
    _a("service.therapeutic_areas", "list", "治疗领域", "Therapeutic areas", "TA"),
    _a("service.scale_max_l", "number", "最大批量", "Largest batch", unit="L", minimum=0),
    _a("service.gmp", "bool", "GMP条件", "Under GMP"),
    _a("service.lead_time_days", "int", "排期/周期", "Lead time", unit="days", minimum=0),
    _a("service.accreditations", "list", "资质认可", "Accreditations", "CERT"),
    _a("service.markets", "list", "服务市场", "Markets", "MARKET"),
    _a("service.coverage_regions", "list", "服务地域", "Coverage", "REGION"),
    _a("service.voucher_accepted", "bool", "可用创新券", "Vouchers accepted"),
    _a("service.in_district", "bool", "区内机构", "In the district"),
    _a("service.accepting_orders", "bool", "正在接单", "Accepting orders"),
    # investors
    _a("investor.kind", "enum", "资金方类型", "Investor kind", "INVESTOR_KIND"),
    _a("investor.stages", "list", "投资轮次", "Stages", "STAGE"),
    _a("investor.sectors", "list", "投资领域", "Sectors", "SECTOR"),
    _a("investor.ticket_min_yuan", "number", "单笔下限", "Smallest ticket", unit="yuan", minimum=0),
    _a("investor.ticket_max_yuan", "number", "单笔上限", "Largest ticket", unit="yuan", minimum=0),
    _a("investor.instruments", "list", "资金形式", "Instruments", "INSTRUMENT"),
    _a("investor.currencies", "list", "币种", "Currencies", "CURRENCY"),
    _a("investor.regions", "list", "投资地域", "Regions", "REGION"),
    _a("investor.lead_capable", "bool", "可领投", "Leads rounds"),
    _a("investor.local_presence", "bool", "本地有基金或机构", "Local presence"),
    _a("investor.active", "bool", "在投", "Active"),
    # policies
    _a("policy.category", "enum", "政策类别", "Category", "POLICY_CATEGORY"),
    _a("policy.level", "enum", "发文层级", "Level", "POLICY_LEVEL"),
    _a("policy.status", "enum", "政策状态", "Status", "POLICY_STATUS"),
    _a("policy.delivery", "enum", "兑现方式", "Delivery", "DELIVERY"),
    _a("policy.sectors", "list", "适用领域", "Sectors", "SECTOR"),
    _a("policy.applicant_types", "list", "申报主体", "Applicants", "APPLICANT_TYPE"),
    _a("policy.milestones", "list", "奖励节点", "Milestones", "MILESTONE"),
    _a("policy.benefits", "list", "支持方式", "Benefits", "BENEFIT"),
    _a("policy.max_amount_yuan", "number", "最高金额", "Ceiling", unit="yuan", minimum=0),
    # organisations
    _a("organisation.kind", "enum", "机构类型", "Kind", "ORG_KIND"),
    _a("organisation.chain_node", "enum", "产业链位置", "Chain position", "CHAIN_NODE"),
    _a("organisation.sectors", "list", "产品领域", "Sectors", "SECTOR"),
    _a("organisation.capabilities", "list", "合作能力", "Capabilities", "CAPABILITY"),
    _a("organisation.certifications", "list", "资质证照", "Certifications", "CERT"),
    _a("organisation.coverage_regions", "list", "覆盖地域", "Coverage", "REGION"),
    _a("organisation.in_district", "bool", "区内机构", "In the district"),
    _a("organisation.hospital_grade", "enum", "医院等级", "Hospital grade", "HOSPITAL_GRADE"),
    _a("organisation.gcp_certified", "bool", "GCP备案", "GCP registered"),
    _a("organisation.therapeutic_areas", "list", "优势科室", "Therapeutic areas", "TA"),
)

ATTRIBUTES: dict[str, Attribute] = {a.name: a for a in _ROWS}


def attributes_of(resource_type: str) -> list[Attribute]:
    """The attributes of one resource type ("space", "service", …), in table order."""
    return [a for a in _ROWS if a.resource_type == resource_type]


def check_value(name: str, value: object) -> str | None:
    """Why ``value`` cannot be recorded as attribute ``name`` (Chinese), or None if it can.

    None (unknown) is always allowed; a list may be empty only when it is known to be empty.
    """
    attribute = ATTRIBUTES.get(name)
    if attribute is None:
        return f"未知的属性：{name}"
    if value is None:
        return None
    if attribute.datatype == "bool":
        return None if isinstance(value, bool) else f"{attribute.zh}须为是或否"
    if attribute.datatype in {"number", "int"}:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"{attribute.zh}须为数字"
        if isinstance(value, float) and not math.isfinite(value):
            return f"{attribute.zh}须为有限数字"
        if attribute.datatype == "int" and float(value) != int(value):
            return f"{attribute.zh}须为整数"
        if attribute.minimum is not None and value < attribute.minimum:
            return f"{attribute.zh}不能小于{attribute.minimum:g}"
        if attribute.maximum is not None and value > attribute.maximum:
            return f"{attribute.zh}不能大于{attribute.maximum:g}"
        return None
    vocab = attribute.vocab
    assert vocab is not None
    if attribute.datatype == "enum":
        if not isinstance(value, str) or value not in vocab:
            return f"{attribute.zh}的取值“{value}”不在{vocab.zh}词表中"
        return None
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        return f"{attribute.zh}须为{vocab.zh}代码的列表"
    unknown = vocab.unknown(value)
    if unknown:
        return f"{attribute.zh}含未知取值：{'、'.join(unknown)}"
    return None
