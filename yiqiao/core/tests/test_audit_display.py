"""The audit trail names fields and values as users know them, not as columns (issue 10)."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def test_it_shows_field_names_and_values_not_columns_and_ids(
    client_for: Any, admin_user: Any, org_factory: Any, regions: Any
) -> None:
    from yiqiao.registry.services import organisation_update

    org = org_factory("锦城康瑞生物科技有限公司", headcount=10, is_high_tech=False)
    organisation_update(
        organisation=org,
        data={"headcount": 86, "is_high_tech": True, "park": regions["park"]},
        by=admin_user,
        row_version=org.row_version,
    )
    page = client_for(admin_user).get(f"/audit/registry.organisation/{org.pk}/").content.decode()
    assert "员工人数</b>：10 → 86" in page
    assert "高新技术企业</b>：否 → 是" in page
    assert "所在园区</b>：— → 桐华转化医学产业园" in page
    assert "headcount" not in page and "is_high_tech" not in page
