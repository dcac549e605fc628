"""Fixtures for project tests: an investor, a landed company with a valid uscc, a project."""

from __future__ import annotations

from typing import Any

import pytest

VALID_USCC = "91350100M000100Y43"


@pytest.fixture
def investor(org_factory: Any) -> Any:
    from yiqiao.registry.models import Organisation

    return org_factory("沪上示例医药投资有限公司", kind=Organisation.Kind.INVESTOR)


@pytest.fixture
def company(org_factory: Any, regions: Any) -> Any:
    return org_factory("桐华示例生物制药有限公司", uscc=VALID_USCC, park=regions["park"])


@pytest.fixture
def project(alice: Any, investor: Any, regions: Any) -> Any:
    from yiqiao.projects import services

    return services.project_create(
        data={
            "title": "示例抗体药物产业化基地",
            "investors": [investor],
            "target_region": regions["park"],
            "planned_amount": "500000000",
            "planned_jobs": 300,
        },
        by=alice,
    )
