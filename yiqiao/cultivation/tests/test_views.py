"""The ladder pages as officers use them (and as an outsider cannot)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from yiqiao.cultivation import services
from yiqiao.cultivation.models import Recognition
from yiqiao.policies.services import organisation_fact_set

pytestmark = pytest.mark.django_db


def _near_specialised(org_factory: Any, alice: Any, name: str, rd_spend: float) -> Any:
    org = org_factory(name, revenue_yuan=3e7, rd_spend_yuan=rd_spend, is_high_tech=True)
    today = timezone.localdate()
    organisation_fact_set(
        organisation=org, field="niche_since", value=dt.date(2019, 1, 1), as_of=today, by=alice
    )
    organisation_fact_set(
        organisation=org, field="specialised_score", value=72, as_of=today, by=alice
    )
    return org


def test_it_lists_candidates_one_criterion_away_with_the_gap(
    client_for: Any, alice: Any, org_factory: Any
) -> None:
    near = _near_specialised(org_factory, alice, "桐华精工医疗科技有限公司", 95e4)
    far = org_factory("桐华远途贸易有限公司")
    done = org_factory("桐华专精已认定有限公司", is_specialised=True)
    response = client_for(alice).get("/cultivation/candidates/specialised/")
    assert response.status_code == 200
    html = response.content.decode()
    assert near.name in html and far.name in html
    assert done.name not in html  # already on the rung
    assert html.index(near.name) < html.index(far.name)
    assert "上年度研发投入 95万元，要求 ≥ 100万元，差 5万元" in html


def test_it_records_a_recognition_from_the_enterprise_page(
    client_for: Any, alice: Any, org_factory: Any
) -> None:
    org = _near_specialised(org_factory, alice, "桐华精工医疗科技有限公司", 120e4)
    client = client_for(alice)
    page = client.get(f"/cultivation/enterprises/{org.pk}/?rung=specialised")
    assert "距“专精特新中小企业”" in page.content.decode()
    response = client.post(
        f"/cultivation/enterprises/{org.pk}/recognitions/",
        {
            "rung": "specialised",
            "certificate_number": "ZJTX-2026-0451",
            "recognised_on": (timezone.localdate() - dt.timedelta(days=3)).isoformat(),
            "evidence": "省工信厅2026年专精特新中小企业名单",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "已登记" in html
    assert '<strong id="current-rung">专精特新中小企业</strong>' in html
    org.refresh_from_db()
    assert org.is_specialised is True


def test_it_shows_a_refusal_and_keeps_the_data(
    client_for: Any, alice: Any, org_factory: Any
) -> None:
    org = org_factory("桐华新创有限公司")
    response = client_for(alice).post(
        f"/cultivation/enterprises/{org.pk}/recognitions/",
        {
            "rung": "little_giant",
            "certificate_number": "X-1",
            "recognised_on": timezone.localdate().isoformat(),
        },
        follow=True,
    )
    assert "未保存" in response.content.decode() and "跳级依据" in response.content.decode()
    assert Recognition.objects.count() == 0


def test_it_lists_high_tech_due_for_recertification(
    client_for: Any, alice: Any, org_factory: Any
) -> None:
    today = timezone.localdate()
    org = org_factory("桐华将到期生物有限公司")
    services.recognition_record(
        organisation=org,
        data=services.RecognitionInput(
            rung="high_tech",
            recognised_on=today - dt.timedelta(days=3 * 365 - 40),
            certificate_number="GR202333000777",
            skip_basis="直接申报",
        ),
        by=alice,
    )
    html = client_for(alice).get("/cultivation/").content.decode()
    section = html[html.index('id="recert-table"') :]
    assert org.name in section and "GR202333000777" in section


def test_it_hides_another_districts_enterprises(
    client_for: Any, charlie: Any, alice: Any, org_factory: Any
) -> None:
    org = _near_specialised(org_factory, alice, "桐华精工医疗科技有限公司", 95e4)
    client = client_for(charlie)
    assert org.name not in client.get("/cultivation/candidates/specialised/").content.decode()
    assert client.get(f"/cultivation/enterprises/{org.pk}/").status_code == 404
    response = client.post(
        f"/cultivation/enterprises/{org.pk}/recognitions/",
        {"rung": "high_tech", "certificate_number": "Z", "recognised_on": "2026-01-01"},
    )
    assert response.status_code == 404
    assert Recognition.objects.count() == 0


def test_it_shows_criteria_and_lets_an_admin_add_a_dated_version(
    client_for: Any, alice: Any, admin_user: Any
) -> None:
    from yiqiao.cultivation.criteria import CRITERIA_DIR
    from yiqiao.cultivation.models import CriteriaVersion

    html = client_for(alice).get("/cultivation/criteria/high_tech/").content.decode()
    assert "国科发火〔2016〕32号" in html and "内置标准" in html
    assert 'id="criteria-form"' not in html  # officers read, admins revise
    client = client_for(admin_user)
    text = (CRITERIA_DIR / "high_tech.yaml").read_text(encoding="utf-8")
    broken = client.post(
        "/cultivation/criteria/high_tech/",
        {"effective_from": "2026-01-01", "text": text.replace("ge: 12}", "ge: 十二}")},
    )
    assert "未保存" in broken.content.decode()
    assert CriteriaVersion.objects.count() == 0
    saved = client.post(
        "/cultivation/criteria/high_tech/",
        {"effective_from": "2026-01-01", "note": "本区口径", "text": text},
        follow=True,
    )
    assert "已保存第 1 版" in saved.content.decode()
    assert CriteriaVersion.objects.get().note == "本区口径"


def test_it_shows_the_ladder_on_the_organisation_page(
    client_for: Any, alice: Any, org_factory: Any
) -> None:
    org = org_factory("桐华将到期生物有限公司")
    services.recognition_record(
        organisation=org,
        data=services.RecognitionInput(
            rung="high_tech", recognised_on=dt.date(2025, 1, 5),
            certificate_number="GR202533000001", skip_basis="直接申报",
        ),
        by=alice,
    )  # fmt: skip
    html = client_for(alice).get(f"/registry/organisations/{org.pk}/").content.decode()
    panel = html[html.index('id="ladder-panel"') :]
    assert "高新技术企业" in panel and "GR202533000001" in panel


def test_it_keeps_the_list_pages_query_counts_flat(
    client_for: Any, alice: Any, org_factory: Any, django_assert_max_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(alice)
    for i in range(3):
        _near_specialised(org_factory, alice, f"桐华少量企业{i}有限公司", 95e4)
    counts = {}
    for url in ("/cultivation/", "/cultivation/candidates/specialised/", "/cultivation/pool/"):
        with CaptureQueriesContext(connection) as few:
            client.get(url)
        counts[url] = len(few)
    for i in range(25):
        _near_specialised(org_factory, alice, f"桐华更多企业{i}有限公司", 90e4 + i)
    for url, before in counts.items():
        with django_assert_max_num_queries(before):
            assert client.get(url).status_code == 200
