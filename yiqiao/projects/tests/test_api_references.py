"""Ids named in API bodies go through the access layer (issue 10, H2): a project created with
another district's organisation as investor answered with that organisation's name, so ids
enumerated the whole register; a registered company of another district was accepted."""

from __future__ import annotations

import json
from typing import Any

import pytest

from yiqiao.projects.models import Project

pytestmark = pytest.mark.django_db


def _text(response: Any) -> str:
    """The body as a reader sees it (JSON escapes Chinese)."""
    return json.dumps(response.json(), ensure_ascii=False)


def test_it_neither_accepts_nor_names_another_districts_organisation(
    client_for: Any, alice: Any, org_factory: Any, regions: Any, units: Any
) -> None:
    ours = org_factory("桐华本地资本管理有限公司", kind="investor")
    theirs = org_factory(
        "北山远方创业投资有限公司",
        kind="investor",
        region=regions["other"],
        owner_unit=units["outsider"],
    )
    client = client_for(alice)
    refused = client.post(
        "/api/projects/projects",
        json.dumps({"title": "外区投资方试探", "investors": [theirs.pk]}),
        content_type="application/json",
    )
    assert 400 <= refused.status_code < 500
    assert theirs.name not in _text(refused)
    assert not Project.objects.filter(title="外区投资方试探").exists()

    made = client.post(
        "/api/projects/projects",
        json.dumps({"title": "本区投资方项目", "investors": [ours.pk]}),
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    assert ours.name in _text(made)
    project = Project.objects.get(title="本区投资方项目")

    company = client.patch(
        f"/api/projects/projects/{project.pk}",
        json.dumps({"row_version": project.row_version, "registered_company": theirs.pk}),
        content_type="application/json",
    )
    assert 400 <= company.status_code < 500
    assert theirs.name not in _text(company)
    project.refresh_from_db()
    assert project.registered_company_id is None
