"""Services: transitions with guards and history, signing de-dup, milestones and the gap, leads."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from yiqiao.core.models import AuditEvent
from yiqiao.projects import services
from yiqiao.projects.models import Milestone, Project, Signing, StageChange

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _sign(project: Any, by: Any, **extra: Any) -> Signing:
    data = {
        "project": project,
        "signed_on": TODAY - dt.timedelta(days=3),
        "agreement_type": "investment",
        "amount": Decimal("400000000"),
        "currency": "CNY",
        "signatories": "桐华区人民政府、沪上示例医药投资有限公司",
        "by": by,
    } | extra
    return services.signing_record(**data)


def _walk(project: Any, by: Any, stages: list[str]) -> Any:
    for stage in stages:
        project = services.project_advance_stage(project=project, to_stage=stage, by=by)
    return project


def test_it_walks_a_project_to_production_and_keeps_the_history(
    project: Any, alice: Any, company: Any
) -> None:
    project = _walk(project, alice, ["contacted", "site_visit", "negotiating"])
    _sign(project, alice)
    project = services.project_advance_stage(project=project, to_stage="signed", by=alice)
    project = services.project_update(
        project=project, data={"registered_company": company}, by=alice
    )
    project = _walk(project, alice, ["registered", "construction", "production"])
    assert project.stage == "production"
    history = list(StageChange.objects.filter(project=project).values_list("to_stage", flat=True))
    assert history == [
        "lead",
        "contacted",
        "site_visit",
        "negotiating",
        "signed",
        "registered",
        "construction",
        "production",
    ]
    assert AuditEvent.objects.filter(object_id=str(project.pk), action="transition").count() == 7


def test_it_refuses_a_skip_and_changes_nothing(project: Any, alice: Any) -> None:
    version = project.row_version
    with pytest.raises(services.TransitionRefused) as info:
        services.project_advance_stage(project=project, to_stage="negotiating", by=alice)
    assert info.value.messages == ["不能从“线索”直接跳到“洽谈”，须先经过“接洽”、“考察”"]
    project.refresh_from_db()
    assert (project.stage, project.row_version) == ("lead", version)
    assert StageChange.objects.filter(project=project).count() == 1


def test_it_refuses_signed_without_signing_and_registered_without_company(
    project: Any, alice: Any
) -> None:
    project = _walk(project, alice, ["contacted", "site_visit", "negotiating"])
    with pytest.raises(services.TransitionRefused, match="须先登记签约记录"):
        services.project_advance_stage(project=project, to_stage="signed", by=alice)
    _sign(project, alice)
    project = services.project_advance_stage(project=project, to_stage="signed", by=alice)
    with pytest.raises(services.TransitionRefused, match="须关联已注册的落地企业"):
        services.project_advance_stage(project=project, to_stage="registered", by=alice)


def test_it_refuses_a_stale_transition(project: Any, alice: Any, bob: Any) -> None:
    stale = project.row_version
    services.project_advance_stage(project=project, to_stage="contacted", by=bob)
    with pytest.raises(services.StaleEditError, match="已被他人修改"):
        services.project_advance_stage(
            project=project, to_stage="site_visit", by=alice, row_version=stale
        )
    assert Project.objects.get(pk=project.pk).stage == "contacted"


def test_it_marks_lost_with_a_reason_and_reopens(project: Any, alice: Any) -> None:
    with pytest.raises(services.TransitionRefused, match="须填写原因"):
        services.project_advance_stage(project=project, to_stage="lost", by=alice)
    project = services.project_advance_stage(
        project=project, to_stage="lost", by=alice, reason="投资方转投他省园区"
    )
    assert (project.lost_from_stage, project.lost_reason) == ("lead", "投资方转投他省园区")
    project = services.project_advance_stage(project=project, to_stage="lead", by=alice)
    assert (project.stage, project.lost_reason) == ("lead", "")


def test_it_records_a_signing_once(project: Any, alice: Any) -> None:
    _sign(project, alice)
    with pytest.raises(ValidationError, match="同一协议不重复计入"):
        _sign(project, alice)
    project.refresh_from_db()
    assert project.signed_amount == Decimal("400000000.00")
    assert Signing.objects.filter(project=project).count() == 1


def test_it_backs_signing_dedup_with_a_constraint(project: Any) -> None:
    Signing.objects.create(
        project=project, signed_on=TODAY, agreement_type="framework", amount=1, currency="CNY"
    )
    with pytest.raises(IntegrityError):
        Signing.objects.create(
            project=project, signed_on=TODAY, agreement_type="framework", amount=1, currency="CNY"
        )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"signed_on": TODAY + dt.timedelta(days=1)}, "晚于今天"),
        ({"amount": Decimal("-5")}, "签约金额不能为负数"),
        ({"amount": Decimal("5000000000000")}, "超出合理范围"),
        ({"currency": "USD"}, "签约币种须一致"),
        ({"signatories": " "}, "请填写签约方"),
    ],
)
def test_it_refuses_bad_signings(
    project: Any, alice: Any, extra: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        _sign(project, alice, **extra)
    assert Signing.objects.count() == 0
    assert Project.objects.get(pk=project.pk).signed_amount == 0


def test_it_rolls_milestones_into_realised_figures_and_states_the_gap(
    project: Any, alice: Any, rf: Any
) -> None:
    from yiqiao.projects import queries

    _sign(project, alice)
    day = TODAY - dt.timedelta(days=2)
    services.milestone_record(
        project=project,
        kind="capital_arrived",
        achieved_on=day,
        by=alice,
        capital_arrived=Decimal("100000000"),
        jobs=80,
    )
    services.milestone_record(
        project=project,
        kind="construction",
        achieved_on=TODAY,
        by=alice,
        realised_capex=Decimal("60000000"),
        capital_arrived=Decimal("20000000"),
        jobs=120,
    )
    with pytest.raises(ValidationError, match="不重复计入"):
        services.milestone_record(project=project, kind="construction", achieved_on=TODAY, by=alice)
    project.refresh_from_db()
    assert (project.capital_arrived, project.realised_capex, project.realised_jobs) == (
        Decimal("120000000.00"),
        Decimal("60000000.00"),
        120,
    )
    gap = queries.project_history(user=alice, project=project, today=TODAY)["gap"]
    assert gap.capital_gap == Decimal("280000000.00")
    assert gap.summary == "到资30.0%，尚差2.80亿人民币；就业尚差180人"
    assert Milestone.objects.filter(project=project).count() == 2


def test_it_refuses_a_milestone_before_any_signing(project: Any, alice: Any) -> None:
    with pytest.raises(ValidationError, match="尚无签约记录"):
        services.milestone_record(project=project, kind="registered", achieved_on=TODAY, by=alice)


def test_it_creates_one_lead_per_source_and_investor(alice: Any, investor: Any) -> None:
    first = services.project_create_lead(
        title="某医疗器械企业拟设西南总部",
        investor=investor,
        source_note="资讯：投资动态",
        chain_nodes=(),
        by=alice,
        source_url_or_ref="https://example.org/news/1",
    )
    again = services.project_create_lead(
        title="标题被改写",
        investor=investor,
        source_note="资讯：转载",
        by=alice,
        source_url_or_ref="https://example.org/news/1",
    )
    other = services.project_create_lead(
        title="同一资讯的另一投资方",
        source_note="",
        by=alice,
        source_url_or_ref="https://example.org/news/1",
    )
    assert again.pk == first.pk
    assert other.pk != first.pk
    assert first.stage == "lead"
    assert first.owner_unit_id == alice.org_unit_id
    assert Project.objects.count() == 2


def test_it_checks_attachment_type_and_content(project: Any, alice: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("会谈纪要.exe", b"MZ...")
    with pytest.raises(ValidationError, match="不允许"):
        services.activity_record(
            project=project,
            kind="meeting",
            happened_on=TODAY,
            summary="会谈",
            by=alice,
            attachment=bad,
        )
    fake_pdf = SimpleUploadedFile("纪要.pdf", b"not a pdf")
    with pytest.raises(ValidationError, match="不是 PDF"):
        services.activity_record(
            project=project,
            kind="meeting",
            happened_on=TODAY,
            summary="会谈",
            by=alice,
            attachment=fake_pdf,
        )
    assert project.activities.count() == 0
