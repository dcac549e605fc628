"""Refusals are pages of the product, in Chinese: a record out of reach is 'not found', a role
that may not act is told why."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_it_answers_a_record_out_of_reach_with_a_chinese_not_found_page(
    org_factory: Any, charlie: Any, client_for: Any
) -> None:
    company = org_factory("桐华示例生物科技有限公司")
    response = client_for(charlie).get(reverse("registry:organisation-detail", args=[company.pk]))
    body = response.content.decode()
    assert response.status_code == 404
    assert "找不到该页面" in body and "不在您可查看的范围内" in body
    assert "桐华示例生物科技有限公司" not in body
    assert "The requested resource was not found" not in body


def test_it_tells_a_refused_role_why_in_chinese(
    org_factory: Any, charlie: Any, client_for: Any
) -> None:
    company = org_factory("桐华示例生物科技有限公司")
    response = client_for(charlie).get(
        reverse("audit-trail", args=["registry.organisation", company.pk])
    )
    assert response.status_code == 403
    body = response.content.decode()
    assert "无权进行此操作" in body
    assert "403 Forbidden" not in body
