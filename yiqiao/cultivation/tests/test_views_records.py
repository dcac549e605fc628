"""The 上市后备库, approvals and talent pages: an officer records, a refusal keeps the data,
an outsider sees none of it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from yiqiao.cultivation import services
from yiqiao.cultivation.models import ListingCandidate, TalentTeam
from yiqiao.policies.models import OrganisationRecord

pytestmark = pytest.mark.django_db


def test_it_enters_and_advances_a_pool_company(
    client_for: Any, alice: Any, org_factory: Any
) -> None:
    org = org_factory("桐华创新药业股份有限公司", is_little_giant=True)
    client = client_for(alice)
    today = timezone.localdate().isoformat()
    response = client.post(
        "/cultivation/pool/enter/",
        {"organisation": org.pk, "board": "star", "entered_on": today, "sponsor": "某证券"},
        follow=True,
    )
    assert "已入库" in response.content.decode()
    candidate = ListingCandidate.objects.get()
    response = client.post(
        f"/cultivation/pool/{candidate.pk}/advance/",
        {"to_stage": "tutoring", "on": today, "row_version": candidate.row_version},
        follow=True,
    )
    assert "辅导备案" in response.content.decode()
    candidate.refresh_from_db()
    response = client.post(
        f"/cultivation/pool/{candidate.pk}/advance/",
        {"to_stage": "reserve", "on": today, "row_version": candidate.row_version},
        follow=True,
    )
    assert "上市进程不能倒退" in response.content.decode()
    candidate.refresh_from_db()
    assert candidate.stage == "tutoring"


def test_it_records_an_approval_and_counts_it_by_quarter(
    client_for: Any, alice: Any, org_factory: Any
) -> None:
    org = org_factory("桐华影像设备有限公司")
    client = client_for(alice)
    day = timezone.localdate() - dt.timedelta(days=1)
    if day.year != timezone.localdate().year:  # pragma: no cover - the first of January
        day = timezone.localdate()
    post = {
        "organisation": org.pk,
        "kind": "certificates",
        "number": "国械注准20263060999",
        "category": "device_class3",
        "approved_on": day.isoformat(),
    }
    assert (
        "已登记" in client.post("/cultivation/approvals/add/", post, follow=True).content.decode()
    )
    again = client.post("/cultivation/approvals/add/", post, follow=True).content.decode()
    assert "已登记过" in again
    assert OrganisationRecord.objects.count() == 1
    html = client.get(f"/cultivation/approvals/?year={day.year}").content.decode()
    assert "国械注准20263060999" in html


def test_it_records_a_talent_team(client_for: Any, alice: Any, org_factory: Any) -> None:
    host = org_factory("桐华细胞治疗有限公司")
    response = client_for(alice).post(
        "/cultivation/talent/add/",
        {
            "name": "基因编辑创新团队",
            "leader": "王华",
            "level": "national",
            "members": 8,
            "host": host.pk,
            "brought_in_on": "2025-05-01",
            "support_yuan": "3000000",
        },
        follow=True,
    )
    assert "已登记人才团队" in response.content.decode()
    assert "基因编辑创新团队" in response.content.decode()
    assert TalentTeam.objects.get().host == host


def test_it_shows_an_outsider_nothing_and_refuses_writes(
    client_for: Any, alice: Any, charlie: Any, org_factory: Any
) -> None:
    org = org_factory("桐华创新药业股份有限公司", is_little_giant=True)
    services.listing_enter(organisation=org, board="star", entered_on=dt.date(2025, 1, 1), by=alice)
    client = client_for(charlie)
    for url in ("/cultivation/pool/", "/cultivation/approvals/", "/cultivation/talent/"):
        assert org.name not in client.get(url).content.decode()
    response = client.post(
        "/cultivation/talent/add/",
        {"name": "X", "leader": "Y", "level": "other", "members": 1, "host": org.pk,
         "brought_in_on": "2025-05-01", "support_yuan": "0"},
        follow=True,
    )  # fmt: skip
    assert "不存在或无权使用" in response.content.decode()
    assert TalentTeam.objects.count() == 0
