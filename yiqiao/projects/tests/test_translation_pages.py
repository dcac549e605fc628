"""Translational project pages: pass a gate, convert a grant, form a company, book a service."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from yiqiao.projects.models import FundingTranche, ServiceBooking
from yiqiao.projects.services import translational
from yiqiao.registry.models import Organisation, Service

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate().isoformat()


def test_it_passes_a_gate_converts_a_grant_and_forms_a_company_from_the_page(
    client_for: Any, alice: Any, org_factory: Any, regions: Any
) -> None:
    tp = translational.translation_create(
        data={
            "title": "智能心电贴",
            "origin": org_factory("示例研究院", kind=Organisation.Kind.INSTITUTE),
            "team_lead": "赵",
            "product_type": "device_2",
            "landing_region": regions["park"],
        },
        by=alice,
    )
    platform = org_factory("示例概念验证中心", kind=Organisation.Kind.PLATFORM)
    service = Service.objects.create(provider=platform, name="概念验证服务", category="poc")
    client = client_for(alice)
    detail = reverse("projects:translation-detail", args=[tp.pk])
    page = client.get(detail).content.decode()
    assert "技术方案与验证计划" in page

    client.post(reverse("projects:funding-add", args=[tp.pk]), {
        "kind": "grant", "amount": "2000000", "currency": "CNY", "granted_on": TODAY,
        "converts_on_gate": "poc",
    })  # fmt: skip
    tranche = FundingTranche.objects.get(project=tp)
    convert = reverse("projects:funding-convert", args=[tp.pk, tranche.pk])
    refused = client.post(convert, {"converted_on": TODAY, "equity_percent": "4"}, follow=True)
    assert "尚未通过约定的转股节点“概念验证”" in refused.content.decode()

    response = client.post(
        reverse("projects:gate-pass", args=[tp.pk]),
        {"passed_on": TODAY, "ev_technical_plan": "验证方案v3", "ev_ip_ownership": "成果转化协议"},
        follow=True,
    )
    assert "已通过“概念验证”关口" in response.content.decode()
    client.post(convert, {"converted_on": TODAY, "equity_percent": "4"})
    tranche.refresh_from_db()
    assert tranche.is_converted is True

    client.post(
        reverse("projects:booking-add", args=[tp.pk]), {"service": service.pk, "booked_on": TODAY}
    )
    assert ServiceBooking.objects.filter(project=tp, service=service).count() == 1

    client.post(
        reverse("projects:form-company", args=[tp.pk]),
        {"name": "示例心电科技有限公司", "uscc": "91350100M000100Y43"},
    )
    company = Organisation.objects.get(uscc="91350100M000100Y43")
    listing = client.get(reverse("registry:organisation-list"), {"q": "示例心电"}).content.decode()
    assert "示例心电科技有限公司" in listing
    panel = client.get(reverse("registry:organisation-detail", args=[company.pk])).content
    assert "智能心电贴" in panel.decode()
