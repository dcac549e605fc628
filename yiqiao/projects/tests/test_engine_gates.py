"""Table-driven tests of translational gates and grant-to-equity conversion."""

from __future__ import annotations

from decimal import Decimal

import pytest

from yiqiao.projects.engine.funding import TrancheFacts, check_conversion
from yiqiao.projects.engine.gates import check_gate, gates_for, next_gate

FULL = {
    "technical_plan": "方案v2",
    "ip_ownership": "转化协议",
    "poc_report": "报告",
    "ip_filed": "CN2025xxxx",
    "ind_approval": "默示许可",
    "preclinical_report": "GLP报告",
    "type_test": "检验报告",
    "ethics_approval": "伦理批件",
    "clinical_report": "总结报告",
    "filing_accepted": "受理号",
}


@pytest.mark.parametrize(
    ("product", "current", "to", "phase", "reasons"),
    [
        ("drug", "", "poc", "", ()),
        ("drug", "poc", "preclinical", "", ()),
        ("drug", "preclinical", "clinical", "II", ()),
        (
            "drug",
            "preclinical",
            "clinical",
            "",
            ("创新药进入临床试验须注明期别（I、II 或 III 期）",),
        ),
        ("device_3", "clinical", "registration", "", ()),
        ("device_1", "preclinical", "registration", "", ()),
        ("device_1", "preclinical", "clinical", "", ("一类医疗器械不适用“临床试验”关口",)),
        (
            "drug",
            "poc",
            "clinical",
            "I",
            ("不能从“概念验证”直接进入“临床试验”，须先通过“临床前”",),
        ),
        ("drug", "clinical", "poc", "", ("项目已通过“概念验证”关口，不能重复或回退",)),
        ("drug", "launch", "launch", "", ("项目已通过全部关口",)),
        ("vaccine", "", "poc", "", ("未知的产品类型“vaccine”",)),
    ],
)
def test_it_checks_gate_order_and_phase(
    product: str, current: str, to: str, phase: str, reasons: tuple[str, ...]
) -> None:
    check = check_gate(
        product_type=product, current_gate=current, to_gate=to, evidence=FULL, phase=phase
    )
    assert check.reasons == reasons


def test_it_lists_missing_entry_evidence() -> None:
    check = check_gate(
        product_type="device_2",
        current_gate="preclinical",
        to_gate="clinical",
        evidence={"ethics_approval": "  ", "type_test": "报告"},
    )
    assert check.missing == ("ethics_approval",)
    assert check.reasons == ("缺少准入依据：伦理委员会审查批件",)


def test_it_skips_the_clinical_gate_only_for_class_one_devices() -> None:
    assert gates_for("device_1") == ("poc", "preclinical", "registration", "pilot", "launch")
    assert next_gate("device_2", "preclinical") == "clinical"
    assert next_gate("drug", "launch") is None


BASE = TrancheFacts(
    kind="grant",
    amount=Decimal("3000000"),
    converts_on_gate="preclinical",
    is_converted=False,
    product_type="drug",
    passed_gates=frozenset({"poc", "preclinical"}),
)


@pytest.mark.parametrize(
    ("changes", "percent", "reasons"),
    [
        ({}, Decimal("5"), ()),
        (
            {"passed_gates": frozenset({"poc"})},
            Decimal("5"),
            ("项目尚未通过约定的转股节点“临床前”，暂不能转股",),
        ),
        ({"is_converted": True}, Decimal("5"), ("该笔拨款已转股，不能重复转换",)),
        ({"kind": "angel"}, Decimal("5"), ("只有财政拨款可转为股权，本笔为天使基金",)),
        ({"converts_on_gate": ""}, Decimal("5"), ("该笔拨款未约定转股节点",)),
        ({}, Decimal("0"), ("转股比例须大于0且不超过100%",)),
        ({}, Decimal("120"), ("转股比例须大于0且不超过100%",)),
    ],
)
def test_it_converts_a_grant_only_after_its_gate(
    changes: dict[str, object], percent: Decimal, reasons: tuple[str, ...]
) -> None:
    facts = TrancheFacts(**{**BASE.__dict__, **changes})
    assert check_conversion(facts, equity_percent=percent).reasons == reasons
