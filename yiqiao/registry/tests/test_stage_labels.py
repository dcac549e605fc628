"""An investor's stages read as labels on its page, never as the stored codes (b、c、pre_ipo)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from yiqiao.registry.models import InvestorProfile, Organisation

pytestmark = pytest.mark.django_db


def _stages_cell(html: str) -> str:
    return html.split("投资阶段" if "投资阶段" in html else "Stages", 1)[1].split("</dd>", 1)[0]


def test_investor_stages_show_labels_in_chinese_and_english(
    client_for: Any, alice: Any, org_factory: Any
) -> None:
    fund = org_factory("锦城示例生物医药创投基金", kind=Organisation.Kind.INVESTOR)
    InvestorProfile.objects.create(organisation=fund, stages=["b", "c", "pre_ipo"])
    client = client_for(alice)
    url = reverse("registry:organisation-detail", args=[fund.pk])
    cell = _stages_cell(client.get(url).content.decode())
    assert "B轮、C轮及以后、Pre-IPO" in cell
    assert "pre_ipo" not in cell and "b、c" not in cell

    InvestorProfile.objects.filter(organisation=fund).update(stage_codes=["Pre-A", "A", "D+"])
    cell = _stages_cell(client.get(url).content.decode())
    assert "Pre-A轮、A轮、D轮及以后" in cell
    client.cookies["django_language"] = "en"
    english = client.get(url).content.decode()
    assert "Pre-A、Series A、Series D and later" in english
