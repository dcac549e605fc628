"""Fixtures of the demands app tests: an enterprise of the park, its portal user, rules."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import make_user


@pytest.fixture
def enterprise(org_factory: Any, regions: dict[str, Any], units: dict[str, Any]) -> Any:
    """An IVD enterprise registered in the district, located in the park."""
    return org_factory(
        "川雅诊断科技有限公司",
        park=regions["park"],
        owner_unit=units["park"],
        revenue_yuan=80_000_000,
        headcount=120,
        is_high_tech=True,
    )


@pytest.fixture
def ent_user(units: dict[str, Any], enterprise: Any) -> Any:
    """Dora, the enterprise's portal user."""
    return make_user("dora", units["portal"], "enterprise", organisation=enterprise)


@pytest.fixture
def rules(units: dict[str, Any], regions: dict[str, Any]) -> Any:
    """Space needs in the park go to the park committee; everything else to the bureau."""
    from yiqiao.demands.models import RoutingRule, SlaPolicy

    RoutingRule.objects.create(category="space", region=regions["park"], unit=units["park"])
    RoutingRule.objects.create(category="space", region=None, unit=units["bureau"])
    RoutingRule.objects.create(category="policy", region=None, unit=units["bureau"])
    SlaPolicy.objects.create(category="space", accept_days=1, respond_days=5)
    SlaPolicy.objects.create(category="policy", accept_days=2, respond_days=10)
    return units


@pytest.fixture
def submit(ent_user: Any, enterprise: Any, rules: Any) -> Any:
    """Submit a need as the enterprise user (overridable keyword arguments)."""
    from yiqiao.demands import services

    def make(**kw: Any) -> Any:
        kw.setdefault("by", ent_user)
        kw.setdefault("organisation", enterprise)
        kw.setdefault("category", "space")
        kw.setdefault("text", "我们需要1000平方米左右的GMP厂房，用于体外诊断试剂扩产。")
        return services.demand_submit(**kw).demand

    return make
