"""The cultivation API as an officer's script would call it, and as an outsider cannot."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from yiqiao.cultivation import services
from yiqiao.cultivation.models import ListingCandidate, Recognition, TalentTeam

pytestmark = pytest.mark.django_db


def test_it_records_a_recognition_and_lists_the_ladder(
    client_for: Any, alice: Any, org_factory: Any
) -> None:
    org = org_factory("桐华精工医疗科技有限公司", is_high_tech=True, rd_spend_yuan=95e4)
    client = client_for(alice)
    day = (timezone.localdate() - dt.timedelta(days=2)).isoformat()
    body = {"rung": "specialised", "recognised_on": day, "certificate_number": "ZJTX-1"}
    response = client.post(
        f"/api/cultivation/organisations/{org.pk}/recognitions",
        body,
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["expires_on"] is not None
    again = client.post(
        f"/api/cultivation/organisations/{org.pk}/recognitions",
        body,
        content_type="application/json",
    )
    assert again.status_code == 422 and "已登记过" in again.json()["detail"]
    ladder = {r["rung"]: r["enterprises"] for r in client.get("/api/cultivation/ladder").json()}
    assert ladder["specialised"] == 1
    candidates = client.get("/api/cultivation/candidates/little_giant").json()
    assert candidates["candidates"][0]["organisation_id"] == org.pk


def test_it_refuses_a_skipped_rung_and_an_outsider(
    client_for: Any, alice: Any, charlie: Any, org_factory: Any
) -> None:
    org = org_factory("桐华新创有限公司")
    body = {"rung": "little_giant", "recognised_on": "2025-01-01", "certificate_number": "X-2"}
    url = f"/api/cultivation/organisations/{org.pk}/recognitions"
    response = client_for(alice).post(url, body, content_type="application/json")
    assert response.status_code == 422 and "跳级依据" in response.json()["detail"]
    outsider = client_for(charlie).post(url, body, content_type="application/json")
    assert outsider.status_code == 404
    assert Recognition.objects.count() == 0


def test_it_refuses_a_backward_stage_and_another_scopes_project(
    client_for: Any, alice: Any, charlie: Any, org_factory: Any, regions: Any
) -> None:
    from yiqiao.projects.models import Project

    org = org_factory("桐华创新药业股份有限公司", is_little_giant=True)
    candidate = services.listing_enter(
        organisation=org, board="star", entered_on=dt.date(2025, 1, 1), by=alice
    )
    services.listing_advance(
        candidate=candidate, to_stage="filing", on=dt.date(2025, 5, 1), by=alice
    )
    client = client_for(alice)
    response = client.post(
        f"/api/cultivation/pool/{candidate.pk}/advance",
        {"to_stage": "tutoring", "on": "2025-06-01"},
        content_type="application/json",
    )
    assert response.status_code == 422 and "不能倒退" in response.json()["detail"]
    assert ListingCandidate.objects.get().stage == "filing"
    theirs = Project.objects.create(
        title="北山区项目", owner_unit=charlie.org_unit, target_region=regions["other"]
    )
    team = {"name": "团队", "leader": "李", "level": "national", "host_id": org.pk,
            "brought_in_on": "2025-01-01", "project_id": theirs.pk}  # fmt: skip
    response = client.post("/api/cultivation/teams", team, content_type="application/json")
    assert response.status_code == 422 and "随同项目" in response.json()["detail"]
    assert TalentTeam.objects.count() == 0
    team["project_id"] = None
    response = client.post("/api/cultivation/teams", team, content_type="application/json")
    assert response.status_code == 201
    assert [t["name"] for t in client.get("/api/cultivation/teams").json()] == ["团队"]
    assert client_for(charlie).get("/api/cultivation/teams").json() == []


def test_an_enterprises_next_rung_criteria_read_in_english(
    client_for: Any, alice: Any, org_factory: Any
) -> None:
    """Issue 10: the ✓/✗/? criteria of the next rung were the policy engine's Chinese."""
    import re

    from django.urls import reverse

    from yiqiao.registry.models import Region

    org = org_factory("桐华精工医疗科技有限公司", is_high_tech=True, rd_spend_yuan=95e4)
    client = client_for(alice)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("cultivation:enterprise", args=[org.pk])).content.decode()
    criteria = re.findall(r'<ul class="criteria">.*?</ul>', page, re.S)
    assert criteria and "<li" in criteria[0]
    places = sorted(Region.objects.values_list("name", flat=True), key=len, reverse=True)
    for section in criteria:
        for place in places:
            section = section.replace(place, "")
        assert not re.search(r"[\u4e00-\u9fff]", section), section
