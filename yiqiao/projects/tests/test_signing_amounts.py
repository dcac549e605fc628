"""A strategic or framework agreement may name no sum; an investment agreement must (issue 10)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from yiqiao.projects.models import Signing
from yiqiao.projects.services import signing_record

pytestmark = pytest.mark.django_db


def test_it_records_a_strategic_agreement_without_an_amount(project: Any, alice: Any) -> None:
    signing = signing_record(
        project=project,
        signed_on=dt.date(2025, 5, 1),
        agreement_type="strategic",
        amount=None,
        currency="CNY",
        signatories="桐华区人民政府、沪上示例医药投资有限公司",
        by=alice,
    )
    assert signing.amount == Decimal("0")
    project.refresh_from_db()
    assert project.signed_amount == Decimal("0")


def test_it_still_requires_an_amount_for_an_investment_agreement(project: Any, alice: Any) -> None:
    with pytest.raises(ValidationError, match="投资协议须填写大于0的签约金额"):
        signing_record(
            project=project,
            signed_on=dt.date(2025, 5, 1),
            agreement_type="investment",
            amount=None,
            currency="CNY",
            signatories="桐华区人民政府、沪上示例医药投资有限公司",
            by=alice,
        )
    assert Signing.objects.count() == 0


def test_it_accepts_a_strategic_agreement_without_amount_through_the_api(
    client_for: Any, alice: Any, project: Any
) -> None:
    response = client_for(alice).post(
        f"/api/projects/projects/{project.pk}/signings",
        {
            "signed_on": "2025-05-01",
            "agreement_type": "framework",
            "currency": "CNY",
            "signatories": "桐华区人民政府、沪上示例医药投资有限公司",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert Signing.objects.get().amount == Decimal("0")
