"""Repeat signings: the same agreement signed again (same project, or same parties, same amount)
is kept, flagged with its evidence, and counted once in the project's signed amount and in
every figure built on `counted_signings`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from yiqiao.core.models import AuditEvent
from yiqiao.projects import queries, services
from yiqiao.projects.engine import repeats
from yiqiao.projects.models import Project, Signing

TODAY = timezone.localdate()
PARTIES = "桐华区人民政府、沪上示例医药投资有限公司"


def _facts(pk: int, project: int, days_ago: int, amount: str, parties: str = PARTIES) -> Any:
    return repeats.SigningFacts(
        id=pk,
        project_id=project,
        signed_on=TODAY - dt.timedelta(days=days_ago),
        amount=Decimal(amount),
        currency="CNY",
        signatories=parties,
    )


def test_the_engine_tells_a_repeat_from_a_supplementary_agreement() -> None:
    first = _facts(1, 10, 200, "400000000")
    again = _facts(2, 10, 100, "401000000")  # within 1 %
    more = _facts(3, 10, 50, "100000000")  # same project, another sum: a supplement
    renamed = _facts(4, 11, 20, "400000000", "沪上示例医药投资有限公司，桐华区人民政府 ")
    stranger = _facts(5, 12, 10, "400000000", "桐华区人民政府、另一家公司")
    zero = _facts(6, 10, 5, "0")
    found = repeats.detect([stranger, renamed, more, again, first, zero])
    assert {k: (v.original_id, v.reason) for k, v in found.items()} == {
        2: (1, repeats.SAME_PROJECT),
        4: (1, repeats.SAME_PARTIES),
    }
    assert repeats.match(first, again) is None  # the earlier never repeats the later
    batch = _facts(9, 15, 200, "400000000")  # the same parties, the same day: a batch
    assert repeats.match(batch, first) is None
    far = _facts(7, 13, 0, "400000000")
    assert repeats.match(far, _facts(8, 14, 800, "400000000")) is None  # beyond two years


@pytest.mark.django_db
def test_a_repeat_is_flagged_with_evidence_and_counted_once(project: Any, alice: Any) -> None:
    def sign(p: Project, days_ago: int, amount: str, event_ref: str = "") -> Signing:
        return services.signing_record(
            project=p,
            signed_on=TODAY - dt.timedelta(days=days_ago),
            agreement_type="investment",
            amount=Decimal(amount),
            currency="CNY",
            signatories=PARTIES,
            by=alice,
            event_ref=event_ref,
        )

    first = sign(project, 300, "400000000", "上海推介会（#1）")
    again = sign(project, 100, "400000000", "深圳推介会（#2）")
    project.refresh_from_db()
    assert project.signed_amount == Decimal("400000000")  # once, not 8 亿
    again.refresh_from_db()
    assert (again.repeat_of_id, again.repeat_reason) == (first.pk, repeats.SAME_PROJECT)
    evidence = queries.repeat_evidence(again)
    assert "2" in evidence and "上海推介会" in evidence and first.signed_on.isoformat() in evidence
    audit = AuditEvent.objects.get(model="projects.signing", object_id=str(again.pk))
    assert "重复签约" in audit.note
    assert list(queries.counted_signings().values_list("pk", flat=True)) == [first.pk]
    assert list(queries.repeat_signings().values_list("pk", flat=True)) == [again.pk]
    assert queries.signing_repeats_recount() == []

    # an agreement entered afterwards that predates the original becomes the original
    other = services.project_create(
        data={
            "title": "示例抗体药物产业化基地（重复录入）",
            "target_region": project.target_region,
        },
        by=alice,
    )
    earliest = sign(other, 400, "400000000")
    first.refresh_from_db()
    again.refresh_from_db()
    assert (first.repeat_of_id, first.repeat_reason) == (earliest.pk, repeats.SAME_PARTIES)
    assert again.repeat_of_id == earliest.pk
    assert Project.objects.get(pk=project.pk).signed_amount == 0
    assert Project.objects.get(pk=project.pk).signed_on is None  # no counted signing left
    assert Project.objects.get(pk=other.pk).signed_amount == Decimal("400000000")
    assert queries.signing_repeats_recount() == []


@pytest.mark.django_db
def test_the_project_page_flags_the_repeat_with_its_evidence(
    project: Any, alice: Any, client_for: Any
) -> None:
    signed = [
        services.signing_record(
            project=project,
            signed_on=TODAY - dt.timedelta(days=days_ago),
            agreement_type="investment",
            amount=Decimal("400000000"),
            currency="CNY",
            signatories=PARTIES,
            by=alice,
            event_ref=ref,
        )
        for days_ago, ref in ((300, "上海推介会（#1）"), (100, "深圳推介会（#2）"))
    ]
    html = client_for(alice).get(f"/projects/{project.pk}/").content.decode()
    first = html.split(f'id="signing-{signed[0].pk}"')[1].split("</tr>")[0]
    again = html.split(f'id="signing-{signed[1].pk}"')[1].split("</tr>")[0]
    assert "repeat-flag" not in first
    assert "重复签约，不重复计入" in again and "上海推介会（#1）" in again
    assert "4.00亿元" in again and "CNY" not in again
