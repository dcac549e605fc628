"""The figures issue 18 named and the first cockpit lacked (policy money against budget, time in
stage, need conversion by category), bad input the tiles must explain (milestones out of order,
a missing target, a period without data) and a cockpit whose query count does not grow with
the data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yiqiao.dashboard.kpis.context import KpiContext
from yiqiao.dashboard.kpis.registry import spec, specs

from .conftest import _milestone, _project, _sign, pdf

pytestmark = pytest.mark.django_db


def _kpi(key: str, ctx: KpiContext) -> Any:
    found = spec(key)
    assert found is not None
    return found.compute(ctx)


def test_it_leaves_out_production_dated_before_construction_and_says_why(
    history: dict[str, Any], leader: Any, alice: Any, regions: dict[str, Any]
) -> None:
    today = history["today"]
    p5 = _project(alice, "重组蛋白原液车间", regions["park"])
    signed = today - dt.timedelta(days=900)
    _sign(p5, alice, signed, "20000000")
    # Production (with its licence) recorded as reached before construction began.
    _milestone(p5, alice, "construction", signed + dt.timedelta(days=300), evidence=pdf())
    _milestone(p5, alice, "production", signed + dt.timedelta(days=100), evidence=pdf("l.pdf"))
    ctx = KpiContext(as_of=today, start=today - dt.timedelta(days=60), user=leader)
    kpi = _kpi("projects.production_rate", ctx)
    assert p5.pk in kpi.denominator.ids
    assert p5.pk not in kpi.numerator.ids
    assert kpi.numerator.count == len(kpi.numerator.ids)
    assert "1个项目的投产日期早于开工日期，日期顺序有误，未计入" in kpi.note
    assert kpi.excluded.model == "projects.Project" and kpi.excluded.ids == (p5.pk,)
    # Once construction is dated before production, the project counts.
    from yiqiao.projects.models import Milestone

    Milestone.objects.filter(project=p5, kind="construction").update(
        achieved_on=signed + dt.timedelta(days=50)
    )
    again = _kpi("projects.production_rate", ctx)
    assert p5.pk in again.numerator.ids and "顺序有误" not in again.note


def test_it_leaves_out_construction_dated_before_the_signing(
    history: dict[str, Any], leader: Any, alice: Any, regions: dict[str, Any]
) -> None:
    from yiqiao.projects.models import Milestone

    today = history["today"]
    p6 = _project(alice, "体外诊断试剂生产线", regions["park"])
    signed = today - dt.timedelta(days=500)
    _sign(p6, alice, signed, "30000000")
    m = _milestone(p6, alice, "construction", signed + dt.timedelta(days=30), evidence=pdf())
    # An imported record dated before the signing (the service itself refuses one).
    Milestone.objects.filter(pk=m.pk).update(achieved_on=signed - dt.timedelta(days=10))
    kpi = _kpi("projects.construction_rate", KpiContext.year_to_date(today, user=leader))
    assert p6.pk in kpi.denominator.ids and p6.pk not in kpi.numerator.ids
    assert "开工日期早于首次签约日期" in kpi.note


def test_it_says_why_for_every_figure_of_a_period_without_data(
    history: dict[str, Any], leader: Any
) -> None:
    ctx = KpiContext(as_of=dt.date(2001, 6, 30), start=dt.date(2001, 1, 1), user=leader)
    for s in specs():
        kpi = s.compute(ctx)
        assert kpi.value in (None, 0, Decimal(0)), s.key
        assert kpi.why_empty, f"{s.key} shows {kpi.value} without saying why"


def test_it_says_a_cultivation_target_is_missing_for_the_year(
    history: dict[str, Any], leader: Any
) -> None:
    kpi = _kpi("cultivation.new_high_tech", KpiContext.year_to_date(history["today"], user=leader))
    assert kpi.target is None
    assert f"未设定{history['today'].year}年度目标" in kpi.note


def test_it_adds_policy_money_paid_on_the_platform_against_the_budget(
    history: dict[str, Any], leader: Any, alice: Any, org_factory: Any, regions: dict[str, Any]
) -> None:
    from yiqiao.dashboard.services import kpi_target_set
    from yiqiao.policies.services import award_record

    today = history["today"]
    ent = org_factory("澄江生物制药有限公司", park=regions["park"])
    paid = [
        award_record(
            organisation=ent,
            policy_code="demo.rd",
            amount=Decimal(amount),
            awarded_on=today,
            by=alice,
            source="payment",
        )  # fmt: skip
        for amount in ("300000", "1200000.50")
    ]
    # Paid elsewhere (imported): not money this platform delivered.
    award_record(
        organisation=ent, policy_code="national.x", amount=Decimal("9000000"), awarded_on=today,
        by=alice, source="import",
    )  # fmt: skip
    ctx = KpiContext.year_to_date(today, user=leader)
    kpi = _kpi("policies.money_paid", ctx)
    assert kpi.value == Decimal("1500000.50")
    assert sorted(kpi.records.ids) == sorted(a.pk for a in paid)
    assert kpi.target is None and "未设定" in kpi.note and "兑现预算" in kpi.note
    kpi_target_set(
        region=regions["district"], year=today.year, key="policies.money_paid",
        value=Decimal("3000000"), by=None,
    )  # fmt: skip
    with_budget = _kpi("policies.money_paid", ctx)
    assert with_budget.target == Decimal("3000000") and not with_budget.note


def test_it_averages_the_days_spent_in_the_stage_a_project_left(
    history: dict[str, Any], leader: Any, alice: Any, regions: dict[str, Any]
) -> None:
    from yiqiao.projects.models import StageChange
    from yiqiao.projects.services import project_advance_stage

    today = history["today"]
    p = _project(alice, "多肽原料药项目", regions["park"])
    StageChange.objects.filter(project=p).update(changed_on=today - dt.timedelta(days=30))
    type(p).objects.filter(pk=p.pk).update(stage_entered_on=today - dt.timedelta(days=30))
    p.refresh_from_db()
    project_advance_stage(project=p, to_stage="contacted", by=alice, on=today)
    kpi = _kpi("projects.time_in_stage", KpiContext.year_to_date(today, user=leader))
    moves = StageChange.objects.filter(pk__in=kpi.records.ids)
    assert moves.filter(project=p, days_in_from_stage=30).exists()
    days = [m.days_in_from_stage for m in moves]
    assert kpi.value == Decimal(str(sum(days) / len(days))).quantize(Decimal("0.1"))


def test_it_rates_need_conversion_per_category(
    history: dict[str, Any], leader: Any, alice: Any
) -> None:
    from yiqiao.demands.services import demand_convert

    d1 = history["demands"][0]  # resolved, in the leader's district

    def ctx() -> KpiContext:  # one per request, as a page makes (its counts are kept in it)
        return KpiContext(
            as_of=history["today"], start=history["today"] - dt.timedelta(days=60), user=leader
        )

    before = _kpi("demands.conversion_space", ctx())
    assert before.value == 0 and before.denominator.count == 2
    demand_convert(demand=d1, by=alice, kind="space_lease")
    after = _kpi("demands.conversion_space", ctx())
    assert after.numerator.ids == (d1.pk,) and after.value == 1 / 2
    other = _kpi("demands.conversion_talent", ctx())
    assert other.value is None and other.why_empty


def test_the_cockpit_makes_as_many_queries_with_more_data(
    history: dict[str, Any], leader: Any, alice: Any, regions: dict[str, Any], client: Any
) -> None:
    client.force_login(leader)

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    from yiqiao.events.services import event_create, event_signing_record

    today = history["today"]

    def grow(n: int, offset: int) -> None:
        """Events that ended 100–300 days ago, each with a signing; projects with milestones."""
        for i in range(offset, offset + n):
            held = today - dt.timedelta(days=100 + 30 * i)
            event = event_create(
                by=alice, title=f"推介会{i}", kind="promotion", city="上海", venue="会议中心",
                starts_on=held, is_invitation_only=False, slot_count=2, table_count=1, seats=4,
            )  # fmt: skip
            event_signing_record(
                event=event, by=alice, agreement_type="investment",
                amount=Decimal(10_000_000 * (i + 1)), currency="CNY", parties="桐华区；投资方",
                new_project_title=f"扩产项目{i}", signed_on=held,
            )  # fmt: skip
            p = _project(alice, f"新建项目{i}", regions["park"])
            on = today - dt.timedelta(days=200 + 90 * i)
            _sign(p, alice, on, str(10_000_000 * (i + 1)))
            _milestone(p, alice, "construction", on + dt.timedelta(days=20), evidence=pdf())
            if i % 2:
                _milestone(p, alice, "production", on + dt.timedelta(days=10))

    grow(1, 0)
    urls = ["/cockpit/", "/api/cockpit/kpis", "/cockpit/kpi/events.signings_90d/"]
    first = {u: queries(u) for u in urls}
    grow(5, 1)
    assert {u: queries(u) for u in urls} == first
