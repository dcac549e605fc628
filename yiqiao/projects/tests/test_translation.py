"""Translational projects: a gate passes with evidence, a grant converts, a company is formed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from yiqiao.projects.models import FundingTranche, GateRecord
from yiqiao.projects.services import translational
from yiqiao.registry.models import Organisation

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
NEW_USCC = "91350100M000100Y43"


@pytest.fixture
def tp(alice: Any, org_factory: Any, regions: Any) -> Any:
    hospital = org_factory("桐华示例医院", kind=Organisation.Kind.HOSPITAL)
    offshore = org_factory(
        "锦城驻沪离岸创新中心", kind=Organisation.Kind.INCUBATOR, region=regions["other"]
    )
    return translational.translation_create(
        data={
            "title": "可降解冠脉支架",
            "origin": hospital,
            "team_lead": "王医生",
            "field": "心血管介入",
            "product_type": "device_3",
            "incubator": offshore,
            "landing_region": regions["park"],
        },
        by=alice,
    )


def _pass(tp: Any, alice: Any, gate: str, evidence: dict[str, str]) -> Any:
    return translational.translation_pass_gate(
        project=tp, to_gate=gate, passed_on=TODAY, evidence=evidence, by=alice
    )


def test_it_passes_a_gate_only_with_evidence(tp: Any, alice: Any) -> None:
    with pytest.raises(ValidationError) as info:
        _pass(tp, alice, "poc", {"technical_plan": "方案"})
    assert info.value.messages == ["缺少准入依据：知识产权归属已明确（含职务成果约定）"]
    tp = _pass(tp, alice, "poc", {"technical_plan": "方案v1", "ip_ownership": "转化协议2025-03"})
    assert tp.gate == "poc"
    record = GateRecord.objects.get(project=tp)
    assert record.evidence == {"technical_plan": "方案v1", "ip_ownership": "转化协议2025-03"}
    with pytest.raises(ValidationError, match="须先通过“临床前”"):
        _pass(tp, alice, "clinical", {"ethics_approval": "x", "type_test": "y"})


def test_it_converts_a_grant_to_equity_after_its_gate(tp: Any, alice: Any) -> None:
    tranche = translational.funding_tranche_add(
        project=tp,
        kind="grant",
        amount=Decimal("3000000"),
        granted_on=TODAY - dt.timedelta(days=30),
        converts_on_gate="preclinical",
        by=alice,
    )
    with pytest.raises(ValidationError, match="尚未通过约定的转股节点“临床前”"):
        translational.funding_convert(
            tranche=tranche, converted_on=TODAY, equity_percent=Decimal("5"), by=alice
        )
    tp = _pass(tp, alice, "poc", {"technical_plan": "方案", "ip_ownership": "协议"})
    _pass(tp, alice, "preclinical", {"poc_report": "报告", "ip_filed": "CN2025"})
    converted = translational.funding_convert(
        tranche=tranche, converted_on=TODAY, equity_percent=Decimal("5"), by=alice
    )
    assert (converted.converted_on, converted.equity_percent) == (TODAY, Decimal("5"))
    with pytest.raises(ValidationError, match="不能重复转换"):
        translational.funding_convert(
            tranche=tranche, converted_on=TODAY, equity_percent=Decimal("5"), by=alice
        )
    assert FundingTranche.objects.get(pk=tranche.pk).equity_percent == Decimal("5.000")


def test_it_refuses_a_grant_without_conversion_gate(tp: Any, alice: Any) -> None:
    with pytest.raises(ValidationError, match="须约定转股节点"):
        translational.funding_tranche_add(
            project=tp, kind="grant", amount=Decimal("1"), granted_on=TODAY, by=alice
        )


def test_it_forms_a_company_that_appears_in_the_register(tp: Any, alice: Any) -> None:
    with pytest.raises(ValidationError, match="统一社会信用代码无效"):
        translational.form_company(project=tp, name="示例支架科技有限公司", uscc="123", by=alice)
    company = translational.form_company(
        project=tp, name="示例支架科技有限公司", uscc=NEW_USCC, by=alice
    )
    tp.refresh_from_db()
    assert tp.company_id == company.pk
    registered = Organisation.objects.get(uscc=NEW_USCC)
    assert (registered.name, registered.kind, registered.region_id) == (
        "示例支架科技有限公司",
        "enterprise",
        tp.landing_region_id,
    )
    with pytest.raises(ValidationError, match="已关联成立的企业"):
        translational.form_company(project=tp, name="再来一次", uscc=NEW_USCC, by=alice)


def test_it_requires_an_incubator_organisation_for_the_incubation_place(
    alice: Any, org_factory: Any, regions: Any
) -> None:
    with pytest.raises(ValidationError, match="孵化器/离岸创新中心"):
        translational.translation_create(
            data={
                "title": "x",
                "origin": org_factory("某高校", kind=Organisation.Kind.UNIVERSITY),
                "team_lead": "李",
                "product_type": "drug",
                "incubator": org_factory("某普通企业"),
            },
            by=alice,
        )
