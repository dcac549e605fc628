"""Figures count exactly the records they name, in the user's scope, with evidence rules."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from yiqiao.dashboard.kpis.context import KpiContext
from yiqiao.dashboard.kpis.registry import spec, specs
from yiqiao.dashboard.models import KpiTarget

pytestmark = pytest.mark.django_db


def _kpi(key: str, ctx: KpiContext) -> Any:
    found = spec(key)
    assert found is not None
    return found.compute(ctx)


def _window(history: dict[str, Any], user: Any = None, region: Any = None) -> KpiContext:
    today = history["today"]
    return KpiContext(as_of=today, start=today - dt.timedelta(days=60), region=region, user=user)


def test_it_counts_the_signed_amount_in_yuan_of_the_leaders_district_only(
    history: dict[str, Any], leader: Any
) -> None:
    today = history["today"]
    ctx = KpiContext(as_of=today, start=today - dt.timedelta(days=800), user=leader)
    kpi = _kpi("projects.signed_amount", ctx)
    # 500m + 10m USD at 7.2 + 100m; the other district's 900m is not the leader's.
    assert kpi.value == Decimal("500000000") + Decimal("72000000") + Decimal("100000000")
    assert sorted(kpi.records.ids) == sorted(history[k].pk for k in ("s1", "s2", "s3"))
    assert kpi.records.model == "projects.Signing"


def test_it_counts_everything_without_a_user_and_a_region_subtree_with_one(
    history: dict[str, Any], regions: dict[str, Any]
) -> None:
    today = history["today"]
    ctx = KpiContext.year_to_date(today)
    everyone = _kpi("projects.signing_count", ctx)
    assert everyone.value == 2  # p1 and the other district's p4 first signed this year
    park = KpiContext.year_to_date(today, region=regions["park"])
    assert _kpi("projects.signing_count", park).records.ids == (history["projects"][0].pk,)


def test_it_counts_construction_only_with_evidence_and_says_how_many_were_left_out(
    history: dict[str, Any], leader: Any
) -> None:
    kpi = _kpi("projects.construction_rate", _window(history, leader))
    p1, p2, p3, _p4 = history["projects"]
    # p1 was signed this year (not yet 180 days for most of the year, or it has no milestone).
    assert set(kpi.denominator.ids) >= {p2.pk, p3.pk}
    assert kpi.numerator.ids == (p2.pk,)
    assert "1个项目登记了节点但未附凭证" in kpi.note
    assert kpi.value == 1 / len(kpi.denominator.ids)


def test_it_refuses_evidence_of_the_wrong_type_and_writes_nothing(
    history: dict[str, Any], alice: Any
) -> None:
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from yiqiao.projects import services
    from yiqiao.projects.models import Milestone

    p3 = history["projects"][2]
    before = Milestone.objects.count()
    with pytest.raises(ValidationError, match="附件类型"):
        services.milestone_record(
            project=p3,
            kind="production",
            achieved_on=history["today"],
            by=alice,
            evidence=SimpleUploadedFile("licence.exe", b"MZ..."),
        )
    assert Milestone.objects.count() == before


def test_it_measures_capital_arrival_against_signed_amounts(
    history: dict[str, Any], leader: Any
) -> None:
    kpi = _kpi("projects.capital_arrival_rate", _window(history, leader))
    assert kpi.numerator.ids == (history["m2"].pk,)
    committed = Decimal("500000000") + Decimal("72000000") + Decimal("100000000")
    assert kpi.value == pytest.approx(float(Decimal("28800000") / committed))


def test_it_lists_overdue_needs_and_the_response_rate_in_scope(
    history: dict[str, Any], leader: Any
) -> None:
    d1, d2, d3 = history["demands"]
    ctx = _window(history, leader)
    overdue = _kpi("demands.overdue", ctx)
    assert overdue.records.ids == (d2.pk,)
    assert overdue.value == 1
    resolution = _kpi("demands.resolution_rate", ctx)
    assert resolution.numerator.ids == (d1.pk,)
    assert resolution.denominator.ids == (d1.pk, d2.pk)
    everyone = _kpi("demands.overdue", _window(history))
    assert set(everyone.records.ids) == {d2.pk, d3.pk}


def test_it_says_the_target_is_missing_instead_of_comparing_with_zero(
    history: dict[str, Any], leader: Any, regions: dict[str, Any]
) -> None:
    ctx = KpiContext.year_to_date(history["today"], user=leader)
    kpi = _kpi("projects.signed_amount", ctx)
    assert kpi.target is None
    assert "未设定" in kpi.note
    KpiTarget.objects.create(
        region=regions["district"], year=ctx.year, key="projects.signed_amount", value=10**9
    )
    assert _kpi("projects.signed_amount", ctx).target == Decimal(10**9)


def test_it_prints_one_json_line_per_figure_with_its_records(history: dict[str, Any]) -> None:
    out = StringIO()
    call_command("kpis", "--json", f"--as-of={history['today']:%Y-%m-%d}", stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["key"] for line in lines] == [s.key for s in specs()]
    for line in lines:
        assert {"key", "label", "value", "unit", "period", "definition"} <= set(line)
        assert ("records" in line) != ("numerator" in line and "denominator" in line)
    amount = next(line for line in lines if line["key"] == "projects.signed_amount")
    assert amount["records"]["model"] == "projects.Signing"
    assert amount["value"] == 500000000 + 900000000


def test_it_refuses_a_future_as_of_date_and_an_unknown_region(history: dict[str, Any]) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="晚于今天"):
        call_command("kpis", "--json", "--as-of=2999-01-01", stdout=StringIO())
    with pytest.raises(CommandError, match="没有编码"):
        call_command("kpis", "--json", "--region=nowhere", stdout=StringIO())


def test_it_counts_a_repeat_signing_once_and_names_it(
    history: dict[str, Any], leader: Any, alice: Any
) -> None:
    from yiqiao.projects import services

    today = history["today"]
    p1 = history["projects"][0]
    ctx = KpiContext.year_to_date(today, user=leader)
    before = _kpi("projects.signed_amount", ctx)
    again = services.signing_record(
        project=p1,
        signed_on=today,
        agreement_type="strategic",
        amount=Decimal("500000000"),
        currency="CNY",
        signatories="桐华区人民政府；投资方",
        by=alice,
        event_ref="第二届招商大会",
    )
    assert again.repeat_of_id == history["s1"].pk
    after = _kpi("projects.signed_amount", ctx)
    assert after.value == before.value
    assert after.records.ids == before.records.ids
    assert after.excluded is not None and after.excluded.ids == (again.pk,)
    assert "1次重复签约已识别，只计一次" in after.note
    assert _kpi("projects.signing_count", ctx).value == 1
