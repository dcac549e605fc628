"""Stage gates of a translational project (成果转化项目) and their entry criteria.

Gates in order: 概念验证 → 临床前 → 临床试验 → 注册审评 → 中试/生产 → 应用示范/上市. A project
passes into a gate when every entry criterion for its product type is backed by evidence. Class I
devices are filed (备案) without a clinical trial, so for them the clinical gate does not apply
and the next gate after 临床前 is 注册审评; no other gate may be skipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

POC = "poc"
PRECLINICAL = "preclinical"
CLINICAL = "clinical"
REGISTRATION = "registration"
PILOT = "pilot"
LAUNCH = "launch"

GATE_ORDER: tuple[str, ...] = (POC, PRECLINICAL, CLINICAL, REGISTRATION, PILOT, LAUNCH)
GATE_LABELS: dict[str, str] = {
    POC: "概念验证",
    PRECLINICAL: "临床前",
    CLINICAL: "临床试验",
    REGISTRATION: "注册审评",
    PILOT: "中试/生产",
    LAUNCH: "应用示范/上市",
}

DRUG = "drug"
DEVICE_I = "device_1"
DEVICE_II = "device_2"
DEVICE_III = "device_3"
IVD = "ivd"
DIGITAL = "digital"
PRODUCT_TYPE_LABELS: dict[str, str] = {
    DRUG: "创新药",
    DEVICE_I: "一类医疗器械",
    DEVICE_II: "二类医疗器械",
    DEVICE_III: "三类医疗器械",
    IVD: "体外诊断试剂",
    DIGITAL: "数字医疗",
}

CRITERIA_LABELS: dict[str, str] = {
    "technical_plan": "技术方案与验证计划",
    "ip_ownership": "知识产权归属已明确（含职务成果约定）",
    "poc_report": "概念验证报告",
    "ip_filed": "专利已申请或授权",
    "ind_approval": "药物临床试验批准（默示许可）",
    "preclinical_report": "临床前研究（药理毒理）报告",
    "type_test": "产品检验（型式检验）报告",
    "ethics_approval": "伦理委员会审查批件",
    "clinical_report": "临床试验总结报告",
    "filing_accepted": "注册/备案申报资料已受理",
    "registration_certificate": "注册证或备案凭证",
    "manufacturing_arrangement": "生产许可或委托生产（CDMO）协议",
    "first_release": "首批产品放行记录",
    "demonstration_site": "应用示范单位或首批采购方",
}

_BASE: dict[str, tuple[str, ...]] = {
    POC: ("technical_plan", "ip_ownership"),
    PRECLINICAL: ("poc_report", "ip_filed"),
    CLINICAL: ("ethics_approval",),
    REGISTRATION: ("filing_accepted",),
    PILOT: ("registration_certificate", "manufacturing_arrangement"),
    LAUNCH: ("first_release", "demonstration_site"),
}
_BY_TYPE: dict[tuple[str, str], tuple[str, ...]] = {
    (CLINICAL, DRUG): ("ind_approval", "preclinical_report"),
    (CLINICAL, DEVICE_II): ("type_test",),
    (CLINICAL, DEVICE_III): ("type_test",),
    (CLINICAL, IVD): ("type_test",),
    (CLINICAL, DIGITAL): ("type_test",),
    (REGISTRATION, DRUG): ("clinical_report",),
    (REGISTRATION, DEVICE_II): ("clinical_report",),
    (REGISTRATION, DEVICE_III): ("clinical_report",),
    (REGISTRATION, IVD): ("clinical_report",),
    (REGISTRATION, DIGITAL): ("clinical_report",),
    (REGISTRATION, DEVICE_I): ("type_test",),
}
DRUG_PHASES: tuple[str, ...] = ("I", "II", "III")


def gate_label(gate: str) -> str:
    """Chinese label of a gate code."""
    return GATE_LABELS.get(gate, gate)


def gates_for(product_type: str) -> tuple[str, ...]:
    """The gates that apply to a product type, in order."""
    if product_type == DEVICE_I:
        return tuple(g for g in GATE_ORDER if g != CLINICAL)
    return GATE_ORDER


def entry_criteria(gate: str, product_type: str) -> tuple[str, ...]:
    """Criterion codes that must be evidenced before entering `gate`."""
    return _BASE.get(gate, ()) + _BY_TYPE.get((gate, product_type), ())


@dataclass(frozen=True)
class GateCheck:
    """Whether a project may pass into `to_gate`; `missing` lists unmet criteria codes."""

    from_gate: str
    to_gate: str
    reasons: tuple[str, ...]
    missing: tuple[str, ...] = ()

    @property
    def allowed(self) -> bool:
        return not self.reasons

    @property
    def message(self) -> str:
        return "；".join(self.reasons)


def check_gate(
    *,
    product_type: str,
    current_gate: str,
    to_gate: str,
    evidence: Mapping[str, str],
    phase: str = "",
) -> GateCheck:
    """Check passing from `current_gate` ("" before the first gate) into `to_gate`.

    `evidence` maps criterion code → a short description or document reference; blank entries
    do not count. For drugs entering 临床试验, `phase` (I/II/III) is required.
    """
    if product_type not in PRODUCT_TYPE_LABELS:
        return GateCheck(current_gate, to_gate, (f"未知的产品类型“{product_type}”",))
    order = gates_for(product_type)
    if to_gate not in order:
        if to_gate in GATE_ORDER:
            reason = f"{PRODUCT_TYPE_LABELS[product_type]}不适用“{gate_label(to_gate)}”关口"
        else:
            reason = f"未知的关口“{to_gate}”"
        return GateCheck(current_gate, to_gate, (reason,))
    position = order.index(current_gate) if current_gate in order else -1
    expected = order[position + 1] if position + 1 < len(order) else None
    if expected is None:
        return GateCheck(current_gate, to_gate, ("项目已通过全部关口",))
    if to_gate != expected:
        here = gate_label(current_gate) if current_gate else "立项"
        target = order.index(to_gate)
        if target <= position:
            text = f"项目已通过“{gate_label(to_gate)}”关口，不能重复或回退"
        else:
            names = "、".join(f"“{gate_label(g)}”" for g in order[position + 1 : target])
            text = f"不能从“{here}”直接进入“{gate_label(to_gate)}”，须先通过{names}"
        return GateCheck(current_gate, to_gate, (text,))
    required = entry_criteria(to_gate, product_type)
    missing = tuple(c for c in required if not evidence.get(c, "").strip())
    reasons = [f"缺少准入依据：{CRITERIA_LABELS[c]}" for c in missing]
    if to_gate == CLINICAL and product_type == DRUG and phase not in DRUG_PHASES:
        reasons.append("创新药进入临床试验须注明期别（I、II 或 III 期）")
    return GateCheck(current_gate, to_gate, tuple(reasons), missing)


def next_gate(product_type: str, current_gate: str) -> str | None:
    """The gate a project may pass next, or None when all are passed."""
    order = gates_for(product_type)
    position = order.index(current_gate) if current_gate in order else -1
    return order[position + 1] if position + 1 < len(order) else None
