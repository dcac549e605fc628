"""The 上市后备库, product approvals and talent teams, with the bad input the issue names."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from yiqiao.cultivation import queries, services
from yiqiao.cultivation.models import ListingCandidate, Recognition, TalentTeam
from yiqiao.policies.models import OrganisationFact, OrganisationRecord

pytestmark = pytest.mark.django_db

DAY = dt.date(2025, 3, 1)


def _pool(alice: Any, org: Any) -> Any:
    return services.listing_enter(
        organisation=org, board="star", entered_on=DAY, by=alice, basis="区上市后备库认定"
    )


def test_it_moves_a_listing_candidate_forward_to_listed(alice: Any, org_factory: Any) -> None:
    org = org_factory("桐华创新药业股份有限公司", is_specialised=True, is_little_giant=True)
    candidate = _pool(alice, org)
    assert Recognition.objects.get(organisation=org).rung == "pre_ipo"
    candidate = services.listing_advance(
        candidate=candidate, to_stage="tutoring", on=dt.date(2025, 4, 1), by=alice
    )
    candidate = services.listing_advance(
        candidate=candidate, to_stage="listed", on=dt.date(2025, 11, 20), by=alice,
        stock_code="688999",
    )  # fmt: skip
    org.refresh_from_db()
    assert (org.is_listed, org.listed_market) == (True, "star")
    assert list(candidate.changes.values_list("to_stage", flat=True)) == [
        "reserve", "tutoring", "listed",
    ]  # fmt: skip
    rows = OrganisationFact.objects.filter(organisation=org).order_by("as_of")
    facts = dict(rows.values_list("field", "value"))  # the latest value of each field
    assert facts["ipo_stage"] == "listed" and facts["listed_on"] == "2025-11-20"


def test_it_refuses_a_listing_stage_going_backwards(alice: Any, org_factory: Any) -> None:
    org = org_factory("桐华医疗器械股份有限公司", is_little_giant=True)
    candidate = services.listing_advance(
        candidate=_pool(alice, org), to_stage="inquiry", on=dt.date(2025, 6, 1), by=alice
    )
    with pytest.raises(ValidationError) as caught:
        services.listing_advance(
            candidate=candidate, to_stage="tutoring", on=dt.date(2025, 7, 1), by=alice
        )
    assert "上市进程不能倒退" in caught.value.messages[0]
    candidate.refresh_from_db()
    assert candidate.stage == "inquiry" and candidate.changes.count() == 2


def test_it_refuses_entering_the_pool_twice(alice: Any, org_factory: Any) -> None:
    org = org_factory("桐华生物股份有限公司", is_little_giant=True)
    _pool(alice, org)
    with pytest.raises(ValidationError):
        _pool(alice, org)
    assert ListingCandidate.objects.count() == 1


def test_it_records_approvals_once_per_number_and_counts_them(
    alice: Any, admin_user: Any, org_factory: Any, regions: Any
) -> None:
    org = org_factory("桐华影像设备有限公司")
    today = timezone.localdate()
    record = services.approval_record(
        organisation=org, kind="certificates", by=alice,
        data={"number": "国械注准20263060123", "category": "device_class3", "issued_on": today,
              "innovative": True, "first_registration": True},
    )  # fmt: skip
    assert record.data["number"] == "国械注准20263060123"
    with pytest.raises(ValidationError) as caught:
        services.approval_record(
            organisation=org, kind="certificates", by=alice,
            data={"number": "国械注准20263060123", "category": "device_class2", "issued_on": today},
        )  # fmt: skip
    assert "已登记过" in caught.value.messages[0]
    assert OrganisationRecord.objects.count() == 1
    services.approval_record(
        organisation=org, kind="trials", by=alice,
        data={"number": "CXHL2600123", "product": "innovative_drug", "phase": "ind", "date": today},
    )  # fmt: skip
    services.target_set(
        region=regions["district"], year=today.year, metric="approvals", target=10, by=admin_user
    )
    progress = queries.target_progress(alice, today.year)
    assert [p.realised for p in progress] == [2]


def test_it_refuses_an_approval_dated_in_the_future(alice: Any, org_factory: Any) -> None:
    org = org_factory("桐华药业有限公司")
    with pytest.raises(ValidationError):
        services.approval_record(
            organisation=org, kind="drug_approvals", by=alice,
            data={"number": "国药准字H2026", "category": "innovative",
                  "approved_on": timezone.localdate() + dt.timedelta(days=1)},
        )  # fmt: skip
    assert OrganisationRecord.objects.count() == 0


def _team(host: Any, **kw: Any) -> services.TeamInput:
    data: dict[str, Any] = {
        "name": "肿瘤免疫治疗创新团队",
        "leader": "李明",
        "level": "academician",
        "host_id": host.pk,
        "brought_in_on": DAY,
        "members": 12,
        "support_yuan": Decimal("5000000"),
    }
    data.update(kw)
    return services.TeamInput(**data)


def test_it_records_a_talent_team_with_its_project(alice: Any, org_factory: Any) -> None:
    from yiqiao.projects.models import Project

    host = org_factory("桐华细胞治疗有限公司")
    project = Project.objects.create(
        title="细胞治疗产业化基地", owner_unit=alice.org_unit, target_region=host.region
    )
    team = services.talent_team_create(data=_team(host, project_id=project.pk), by=alice)
    assert (team.host, team.project) == (host, project)


def test_it_refuses_a_team_linked_to_a_project_in_another_scope(
    alice: Any, charlie: Any, org_factory: Any, regions: Any
) -> None:
    from yiqiao.projects.models import Project

    host = org_factory("桐华细胞治疗有限公司")
    theirs = Project.objects.create(
        title="北山区项目", owner_unit=charlie.org_unit, target_region=regions["other"]
    )
    with pytest.raises(ValidationError) as caught:
        services.talent_team_create(data=_team(host, project_id=theirs.pk), by=alice)
    assert caught.value.message_dict == {
        "project": [f"随同项目（编号 {theirs.pk}）不存在或无权使用"]
    }
    assert TalentTeam.objects.count() == 0


def test_it_refuses_a_team_hosted_by_an_outsiders_view(charlie: Any, org_factory: Any) -> None:
    host = org_factory("桐华细胞治疗有限公司")
    with pytest.raises(ValidationError):
        services.talent_team_create(data=_team(host), by=charlie)
    with pytest.raises(PermissionDenied):
        services.listing_enter(organisation=host, board="star", entered_on=DAY, by=charlie)
    assert TalentTeam.objects.count() == 0 and ListingCandidate.objects.count() == 0
