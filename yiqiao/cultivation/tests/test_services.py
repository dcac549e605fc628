"""Recording recognitions, criteria versions and targets, as the personas would."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from yiqiao.core.models import AuditEvent
from yiqiao.cultivation import queries, services
from yiqiao.cultivation.criteria import CRITERIA_DIR, criteria_in_force
from yiqiao.cultivation.models import CriteriaVersion, CultivationTarget, Recognition
from yiqiao.policies.models import OrganisationFact

pytestmark = pytest.mark.django_db


def _input(**kw: Any) -> services.RecognitionInput:
    data: dict[str, Any] = {
        "rung": "high_tech",
        "recognised_on": timezone.localdate() - dt.timedelta(days=30),
        "certificate_number": "GR202633000123",
        "evidence": "2026年第一批高企认定名单",
        "skip_basis": "直接申报高企",
    }
    data.update(kw)
    return services.RecognitionInput(**data)


def test_it_records_a_recognition_and_sets_the_flag_and_facts(alice: Any, org_factory: Any) -> None:
    org = org_factory("桐华示例生物科技有限公司")
    recognition = services.recognition_record(organisation=org, data=_input(), by=alice)
    org.refresh_from_db()
    assert org.is_high_tech is True
    assert recognition.expires_on == recognition.recognised_on.replace(
        year=recognition.recognised_on.year + 3
    ) - dt.timedelta(days=1)
    facts = dict(OrganisationFact.objects.filter(organisation=org).values_list("field", "value"))
    assert facts == {
        "high_tech_recognised_on": recognition.recognised_on.isoformat(),
        "high_tech_first_time": True,
    }
    events = AuditEvent.objects.filter(
        model="cultivation.recognition", object_id=str(recognition.pk)
    )
    assert events.count() == 1


def test_it_refuses_a_skipped_rung_and_writes_nothing(alice: Any, org_factory: Any) -> None:
    org = org_factory("桐华示例医疗器械有限公司")
    with pytest.raises(ValidationError) as caught:
        services.recognition_record(
            organisation=org,
            data=_input(rung="little_giant", certificate_number="XJR-2026-9", skip_basis=""),
            by=alice,
        )
    assert "跳过了" in caught.value.messages[0]
    org.refresh_from_db()
    assert org.is_little_giant is False
    assert Recognition.objects.count() == 0
    assert OrganisationFact.objects.count() == 0


def test_it_refuses_a_duplicate_certificate_number(alice: Any, org_factory: Any) -> None:
    first = org_factory("甲公司")
    second = org_factory("乙公司")
    services.recognition_record(organisation=first, data=_input(), by=alice)
    with pytest.raises(ValidationError) as caught:
        services.recognition_record(organisation=second, data=_input(), by=alice)
    assert caught.value.messages == ["证书编号 GR202633000123 已登记过，同一证书不能重复登记"]
    second.refresh_from_db()
    assert second.is_high_tech is False


def test_it_refuses_an_expiry_before_the_recognition(alice: Any, org_factory: Any) -> None:
    org = org_factory("丙公司")
    day = timezone.localdate() - dt.timedelta(days=10)
    with pytest.raises(ValidationError):
        services.recognition_record(
            organisation=org,
            data=_input(recognised_on=day, expires_on=day - dt.timedelta(days=1)),
            by=alice,
        )
    assert Recognition.objects.count() == 0


def test_it_refuses_an_outsider_and_writes_nothing(charlie: Any, org_factory: Any) -> None:
    org = org_factory("丁公司")
    with pytest.raises(PermissionDenied):
        services.recognition_record(organisation=org, data=_input(), by=charlie)
    assert Recognition.objects.count() == 0


def test_it_counts_a_new_recognition_against_the_year_target(
    alice: Any, admin_user: Any, org_factory: Any, regions: Any
) -> None:
    year = timezone.localdate().year
    target = services.target_set(
        region=regions["district"], year=year, metric="new_high_tech", target=5, by=admin_user
    )
    org = org_factory("戊公司")
    day = dt.date(year, 1, 2)
    if day > timezone.localdate():  # pragma: no cover - the first of January
        day = timezone.localdate()
    services.recognition_record(organisation=org, data=_input(recognised_on=day), by=alice)
    progress = queries.target_progress(alice, year)
    assert [(p.target.pk, p.realised) for p in progress] == [(target.pk, 1)]


def test_it_lets_only_admins_of_the_region_set_targets(alice: Any, regions: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.target_set(
            region=regions["district"], year=2026, metric="teams", target=3, by=alice
        )
    assert CultivationTarget.objects.count() == 0


def test_it_adds_a_dated_criteria_version_only_when_its_cases_pass(admin_user: Any) -> None:
    text = (CRITERIA_DIR / "specialised.yaml").read_text(encoding="utf-8")
    stricter = text.replace(
        "{field: specialised_score, ge: 60}", "{field: specialised_score, ge: 70}"
    )
    with pytest.raises(ValidationError) as caught:
        services.criteria_version_add(
            rung="specialised",
            text=stricter,
            effective_from=dt.date(2026, 1, 1),
            note="本区提高得分要求",
            by=admin_user,
        )
    assert "未通过" in " ".join(caught.value.messages)  # the 66-point case no longer meets
    assert CriteriaVersion.objects.count() == 0
    fixed = stricter.replace("specialised_score: 66}", "specialised_score: 76}")
    version = services.criteria_version_add(
        rung="specialised", text=fixed, effective_from=dt.date(2026, 1, 1), note="", by=admin_user
    )
    assert criteria_in_force("specialised", dt.date(2026, 3, 1)).version == version
    assert criteria_in_force("specialised", dt.date(2025, 12, 31)).version is None


def test_it_refuses_criteria_edits_by_officers(alice: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.criteria_version_add(
            rung="specialised", text="", effective_from=dt.date(2026, 1, 1), note="", by=alice
        )
