"""Chinese labels and number formatting for reasons shown to officers."""

from __future__ import annotations

from .model import (
    InvestorStage,
    NeedCategory,
    PolicyStatus,
    ResourceKind,
    ServiceCategory,
    SpaceKind,
)

KIND_LABEL: dict[ResourceKind, str] = {
    "policy": "政策",
    "space": "载体",
    "service": "平台服务",
    "investor": "投资机构",
    "organisation": "合作机构",
}
SPACE_KIND_LABEL: dict[SpaceKind, str] = {
    "building": "楼宇",
    "plant": "厂房",
    "land": "土地",
    "lab": "实验室",
}
SERVICE_CATEGORY_LABEL: dict[ServiceCategory, str] = {
    "poc": "概念验证",
    "preclinical": "临床前研究",
    "clinical_cro": "临床试验CRO",
    "cdmo": "CDMO",
    "pilot": "中试",
    "registration": "注册申报",
    "testing": "检验检测",
    "cso": "CSO",
    "finance": "融资服务",
    "clinical_site": "临床试验机构",
    "smo": "SMO",
    "quality_system": "质量体系辅导",
    "sterilization": "灭菌",
    "market_access": "市场准入",
    "ip": "知识产权",
    "talent": "人才服务",
    "equipment_sharing": "仪器共享",
    "tech_transfer": "技术转移",
    "cold_chain": "医药冷链",
    "ehs": "环保安全服务",
}
STAGE_LABEL: dict[InvestorStage, str] = {
    "seed": "种子轮",
    "angel": "天使轮",
    "pre_a": "Pre-A轮",
    "a": "A轮",
    "b": "B轮",
    "c": "C轮",
    "d": "D轮",
    "pre_ipo": "Pre-IPO轮",
    "growth": "成长期",
}
NEED_CATEGORY_LABEL: dict[NeedCategory, str] = {
    "policy": "政策",
    "space": "空间载体",
    "financing": "融资",
    "clinical": "临床资源",
    "capacity": "概念验证/中试/CDMO产能",
    "talent": "人才",
    "partner": "市场渠道与合作伙伴",
    "registration": "注册审批",
    "other": "其他",
}
POLICY_STATUS_LABEL: dict[PolicyStatus, str] = {
    "eligible": "符合申报条件",
    "eligible_if_data_supplied": "补充材料后可申报",
    "ineligible": "不符合申报条件",
    "unknown": "尚未评估申报资格",
}


def yuan(amount: float) -> str:
    """Money in the units officers use: 亿元 from 1e8, 万元 from 1e4, else 元."""
    if amount >= 1e8:
        return f"{_trim(amount / 1e8)}亿元"
    if amount >= 1e4:
        return f"{_trim(amount / 1e4)}万元"
    return f"{_trim(amount)}元"


def area(m2: float) -> str:
    """Area in square metres."""
    return f"{_trim(m2)}平方米"


def number(value: float) -> str:
    """A number without a trailing .0."""
    return _trim(value)


def _trim(value: float) -> str:
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", "")
