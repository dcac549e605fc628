"""Capital fixtures: an enterprise raising a round, its user, investors and their users, a
roadshow event (on top of the root personas alice, bob, charlie)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from conftest import make_user


@pytest.fixture
def company(org_factory: Any) -> Any:
    return org_factory("桐华精准诊断科技有限公司", uscc=None)


@pytest.fixture
def erin(units: dict[str, Any], company: Any) -> Any:
    """An enterprise user of the company raising the round."""
    return make_user("erin", units["portal"], "enterprise", organisation=company)


@pytest.fixture
def investors(org_factory: Any, regions: dict[str, Any]) -> list[Any]:
    from yiqiao.registry.models import InvestorProfile, Organisation

    out = []
    for name in ("锦城医疗创业投资基金", "蓉江生物医药产业基金", "西岭健康天使基金"):
        org = org_factory(name, kind=Organisation.Kind.INVESTOR, region=regions["city"])
        InvestorProfile.objects.create(organisation=org)
        out.append(org)
    return out


@pytest.fixture
def ivan(units: dict[str, Any], investors: list[Any]) -> Any:
    """A user of the first investor."""
    return make_user("ivan", units["portal"], "investor", organisation=investors[0])


@pytest.fixture
def iris(units: dict[str, Any], investors: list[Any]) -> Any:
    """A user of the second investor."""
    return make_user("iris", units["portal"], "investor", organisation=investors[1])


@pytest.fixture
def need_input(company: Any) -> Any:
    from yiqiao.capital.services.needs import NeedInput

    return NeedInput(
        organisation=company,
        title="化学发光免疫诊断平台B轮融资",
        round="B",
        amount=Decimal("200000000"),
        summary="化学发光试剂与仪器，已取得三类证8张，寻找领投方。",
        use_of_funds="新产线与注册临床",
        sectors=["ivd"],
        instruments=["equity"],
        role_wanted="lead",
        valuation_min=Decimal("1200000000"),
        valuation_max=Decimal("1500000000"),
        confidential_fields=["valuation", "use_of_funds"],
    )


@pytest.fixture
def published(need_input: Any, erin: Any) -> Any:
    from yiqiao.capital.services import needs

    need = needs.financing_need_create(data=need_input, by=erin)
    needs.financing_need_consent(need=need, by=erin)
    return needs.financing_need_publish(need=need, by=erin)


@pytest.fixture
def roadshow(alice: Any) -> Any:
    from yiqiao.events import services as event_services

    return event_services.event_create(
        by=alice,
        title="生物医药投融资路演",
        kind="roadshow",
        city="锦城",
        starts_on=dt.date.today() - dt.timedelta(days=20),
    )
