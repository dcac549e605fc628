"""Grant-to-equity conversion and exits; offshore centres: landing by credit code, rates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from yiqiao.capital import queries
from yiqiao.capital.engine import landing
from yiqiao.capital.models import EquityExit, IncubatedProject
from yiqiao.capital.services import centres, grants
from yiqiao.core.uscc import uscc_make
from yiqiao.projects.models import FundingTranche
from yiqiao.projects.services import translational as translation
from yiqiao.registry.models import Organisation

TODAY = dt.date.today()
DIVISION = "510107"


def code(division: str = DIVISION, body: str = "MA6CDE8K1") -> str:
    return uscc_make("91" + division + body)


@pytest.fixture
def tp(alice: Any, org_factory: Any, regions: Any) -> Any:
    hospital = org_factory("桐华示例医院", kind=Organisation.Kind.HOSPITAL)
    return translation.translation_create(
        data={
            "title": "可降解冠脉支架",
            "origin": hospital,
            "team_lead": "王医生",
            "product_type": "device_3",
            "landing_region": regions["park"],
        },
        by=alice,
    )


@pytest.fixture
def grant(tp: Any, alice: Any) -> Any:
    return translation.funding_tranche_add(
        project=tp,
        kind="grant",
        amount=Decimal("3000000"),
        granted_on=TODAY - dt.timedelta(days=300),
        converts_on_gate="poc",
        by=alice,
    )


def test_it_refuses_a_conversion_before_its_milestone(grant: Any, tp: Any, alice: Any) -> None:
    with pytest.raises(ValidationError) as before_gate:
        grants.grant_convert(
            tranche=grant, converted_on=TODAY, valuation_yuan=Decimal("60000000"), by=alice
        )
    assert before_gate.value.messages == ["项目尚未通过约定的转股节点“概念验证”，暂不能转股"]
    translation.translation_pass_gate(
        project=tp,
        to_gate="poc",
        passed_on=TODAY - dt.timedelta(days=10),
        evidence={"technical_plan": "方案", "ip_ownership": "协议"},
        by=alice,
    )
    with pytest.raises(ValidationError) as before_date:
        grants.grant_convert(
            tranche=grant,
            converted_on=TODAY - dt.timedelta(days=20),
            valuation_yuan=Decimal("60000000"),
            by=alice,
        )
    assert "不能在节点达成前转股" in before_date.value.messages[0]
    assert FundingTranche.objects.get(pk=grant.pk).converted_on is None


def test_it_converts_at_a_valuation_and_follows_exits_into_the_portfolio(
    grant: Any, tp: Any, alice: Any, charlie: Any
) -> None:
    grants.grant_terms_set(tranche=grant, by=alice, milestone_due_on=TODAY - dt.timedelta(days=30))
    translation.translation_pass_gate(
        project=tp,
        to_gate="poc",
        passed_on=TODAY - dt.timedelta(days=10),
        evidence={"technical_plan": "方案", "ip_ownership": "协议"},
        by=alice,
    )
    converted = grants.grant_convert(
        tranche=grant, converted_on=TODAY, valuation_yuan=Decimal("60000000"), by=alice
    )
    assert converted.equity_percent == Decimal("5.000")
    grants.equity_exit_record(
        tranche=grant,
        kind="buyback",
        exited_on=TODAY,
        percent_sold=Decimal("2"),
        proceeds_yuan=Decimal("1500000"),
        by=alice,
    )
    with pytest.raises(ValidationError) as too_much:
        grants.equity_exit_record(
            tranche=grant,
            kind="transfer",
            exited_on=TODAY,
            percent_sold=Decimal("4"),
            proceeds_yuan=Decimal("1"),
            by=alice,
        )
    assert too_much.value.messages == ["退出股比须大于0且不超过当前持有的3.000%"]
    assert EquityExit.objects.count() == 1
    [(position, tranche)] = queries.grant_positions(user=alice)
    assert tranche == grant
    assert (position.milestone, position.status) == ("met_late", "converted")
    assert position.equity_held_percent == Decimal("3.000")
    assert position.held_value_yuan == Decimal("1800000.00")
    assert queries.grant_positions(user=charlie) == []


@pytest.fixture
def centre(alice: Any, org_factory: Any, regions: Any) -> Any:
    org = org_factory(
        "桐华驻沪离岸创新中心", kind=Organisation.Kind.INCUBATOR, region=regions["other"]
    )
    return centres.centre_create(
        data=centres.CentreInput(
            organisation=org,
            city="上海",
            host_name="浦江生命科学园",
            opened_on=TODAY - dt.timedelta(days=900),
            landing_region=regions["district"],
            landing_division_codes=[DIVISION],
        ),
        by=alice,
    )


@pytest.fixture
def incubated(centre: Any, alice: Any) -> Any:
    return centres.incubated_project_add(
        centre=centre,
        data=centres.IncubationInput(
            name="靶向蛋白降解平台", cohort="2024级", started_on=TODAY - dt.timedelta(days=500)
        ),
        by=alice,
    )


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("91510107MA6CDE8K1X", "统一社会信用代码无效：第18位校验码错误"),
        (
            code("310115"),
            "该统一社会信用代码的登记机关行政区划代码为310115，不属于桐华区（510107），不能计为在本区落地",
        ),
        ("US-DE-7712093", "统一社会信用代码无效：统一社会信用代码应为18位，实际为11位"),
        (
            uscc_make("12" + DIVISION + "MA6CDE8K1"),
            "该代码不是企业（市场监管部门登记）的统一社会信用代码",
        ),
    ],
)
def test_it_refuses_a_landing_with_an_invalid_or_foreign_code(
    incubated: Any, alice: Any, raw: str, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        centres.incubated_project_land(
            project=incubated,
            company_name="降解科技有限公司",
            uscc=raw,
            registered_on=TODAY,
            by=alice,
        )
    assert refused.value.messages[0].startswith(message)
    incubated.refresh_from_db()
    assert incubated.company_id is None
    assert not Organisation.objects.filter(name="降解科技有限公司").exists()


def test_it_records_a_landing_and_the_twelve_month_rate_changes(
    centre: Any, incubated: Any, alice: Any
) -> None:
    projects = queries.centre_projects(centre, alice)
    before = landing.horizon_rate(queries.incubations(projects), 12, TODAY)
    assert (len(before.observed), len(before.landed)) == (1, 0)
    landed = centres.incubated_project_land(
        project=incubated,
        company_name="降解科技有限公司",
        uscc=code(),
        registered_on=TODAY - dt.timedelta(days=300),
        by=alice,
    )
    assert landed.company.uscc == code()
    assert landed.company.region == centre.landing_region
    after = landing.horizon_rate(
        queries.incubations(queries.centre_projects(centre, alice)), 12, TODAY
    )
    assert after.landed == (incubated.pk,)
    assert after.rate == 1.0


def test_it_refuses_a_landing_claimed_by_a_company_registered_elsewhere(
    incubated: Any, alice: Any, org_factory: Any, regions: Any
) -> None:
    org_factory("外区同名企业有限公司", uscc=code(), region=regions["other"])
    with pytest.raises(ValidationError) as refused:
        centres.incubated_project_land(
            project=incubated, company_name="x", uscc=code(), registered_on=TODAY, by=alice
        )
    assert refused.value.messages == ["名录中该代码对应的企业注册在北山区，不在桐华区"]
    assert IncubatedProject.objects.get(pk=incubated.pk).landed_on is None


def test_it_compares_promised_and_realised_benefits_with_the_host(
    centre: Any, incubated: Any, alice: Any
) -> None:
    term = centres.benefit_term_add(
        centre=centre,
        kind="tax_share",
        host_share_percent=Decimal("20"),
        basis_note="落地企业前三年区级财政贡献",
        agreement_ref="共建协议第八条",
        by=alice,
    )
    centres.benefit_settlement_record(
        term=term,
        period="2025年度",
        basis_yuan=Decimal("1000000"),
        host_paid_yuan=Decimal("150000"),
        settled_on=TODAY,
        project=incubated,
        by=alice,
    )
    [row] = queries.benefit_rows(centre, alice)
    assert (row.promised_yuan, row.realised_yuan, row.gap_yuan) == (
        Decimal("200000.00"),
        Decimal("150000"),
        Decimal("-50000.00"),
    )


def test_it_gives_the_cockpit_the_landing_rate_with_its_projects(
    centre: Any, incubated: Any, alice: Any, regions: Any
) -> None:
    from yiqiao.capital import kpis

    before = kpis.landing_rate(months=12, region=regions["district"])
    assert (before.value, before.denominator.ids, before.numerator.ids) == (
        0.0,
        (incubated.pk,),
        (),
    )
    centres.incubated_project_land(
        project=incubated,
        company_name="降解科技有限公司",
        uscc=code(),
        registered_on=TODAY - dt.timedelta(days=300),
        by=alice,
    )
    after = kpis.landing_rate(months=12, region=regions["district"])
    assert (after.value, after.numerator.ids) == (1.0, (incubated.pk,))
    assert kpis.landing_rate(months=36).why_empty == "尚无孵化满36个月的项目（1个观察期未满）"
