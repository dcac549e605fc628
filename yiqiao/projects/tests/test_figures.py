"""The figures page: funnel, per-currency totals, conversion only with a stated rate."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from yiqiao.projects import queries, services

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _signed(alice: Any, regions: Any, title: str, currency: str, amount: str) -> Any:
    project = services.project_create(
        data={"title": title, "target_region": regions["park"], "currency": currency}, by=alice
    )
    services.signing_record(
        project=project,
        signed_on=TODAY,
        agreement_type="investment",
        amount=Decimal(amount),
        currency=currency,
        signatories="甲、乙",
        by=alice,
    )
    return project


def test_it_keeps_currencies_apart_unless_a_rate_is_stated(
    client_for: Any, alice: Any, regions: Any
) -> None:
    _signed(alice, regions, "人民币项目", "CNY", "300000000")
    _signed(alice, regions, "美元项目", "USD", "10000000")
    data = queries.pipeline_figures(user=alice, filters=queries.ProjectFilters(), today=TODAY)
    assert data["signed_totals"] == {"CNY": Decimal("300000000.00"), "USD": Decimal("10000000.00")}
    assert [(g.label, g.currency) for g in data["by_year"]] == [
        (str(TODAY.year), "CNY"),
        (str(TODAY.year), "USD"),
    ]
    assert data["funnel"][0].reached == 2
    client = client_for(alice)
    page = client.get(reverse("projects:figures")).content.decode()
    assert "3.00亿人民币" in page
    assert "1,000.00万美元" in page
    assert "不同币种的金额分别列示，不直接相加" in page
    converted = client.get(reverse("projects:figures"), {"rate_USD": "7.1"}).content.decode()
    assert "折合 <b>3.71亿人民币</b>（按指定汇率折算：1 USD = 7.1 CNY）" in converted
    bad = client.get(reverse("projects:figures"), {"rate_USD": "-1"}).content.decode()
    assert "USD汇率须为正数" in bad
