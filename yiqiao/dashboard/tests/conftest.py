"""A small district with a history: signed projects with and without evidence, needs answered
on time, late and never, and the same in another district that the leader must not count."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from conftest import make_user


@pytest.fixture
def leader(units: dict[str, Any]) -> Any:
    return make_user("lena", units["bureau"], "leader")


def _project(by: Any, title: str, region: Any, currency: str = "CNY") -> Any:
    from yiqiao.projects import services

    return services.project_create(
        data={"title": title, "target_region": region, "currency": currency},
        by=by,
    )


def _sign(project: Any, by: Any, on: dt.date, amount: str, currency: str = "CNY") -> Any:
    from yiqiao.projects import services

    return services.signing_record(
        project=project,
        signed_on=on,
        agreement_type="investment",
        amount=Decimal(amount),
        currency=currency,
        signatories="桐华区人民政府；投资方",
        by=by,
    )


def _milestone(project: Any, by: Any, kind: str, on: dt.date, **kw: Any) -> Any:
    from yiqiao.projects import services

    return services.milestone_record(project=project, kind=kind, achieved_on=on, by=by, **kw)


def pdf(name: str = "permit.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 evidence", content_type="application/pdf")


@pytest.fixture
def history(
    alice: Any, charlie: Any, regions: dict[str, Any], units: dict[str, Any], org_factory: Any
) -> dict[str, Any]:
    """Dates are relative to today so the rates' windows hold whatever day the tests run."""
    from yiqiao.demands import services as demand_services
    from yiqiao.demands.models import Demand, RoutingRule, SlaPolicy

    today = timezone.localdate()
    year_start = dt.date(today.year, 1, 1)
    out: dict[str, Any] = {"today": today}
    # Signed this year in the park (counts for signings this year).
    p1 = _project(alice, "抗体药物产业化基地", regions["park"])
    out["s1"] = _sign(p1, alice, year_start, "500000000")
    # Signed about 2 years ago, in USD; started with a permit, produced without a licence.
    p2 = _project(alice, "高端医疗器械研发中心", regions["zone"], currency="USD")
    early = today - dt.timedelta(days=700)
    out["s2"] = _sign(p2, alice, early, "10000000", "USD")
    out["m2"] = _milestone(
        p2,
        alice,
        "construction",
        early + dt.timedelta(days=90),
        capital_arrived=Decimal("4000000"),
        evidence=pdf(),
    )
    _milestone(p2, alice, "production", early + dt.timedelta(days=400))
    # Signed about 1 year ago; construction recorded without evidence.
    p3 = _project(alice, "细胞治疗中试平台", regions["park"])
    out["s3"] = _sign(p3, alice, today - dt.timedelta(days=365), "100000000")
    _milestone(p3, alice, "construction", today - dt.timedelta(days=200))
    # Another district's project (charlie's): never counted for our leader.
    p4 = _project(charlie, "北山区合成生物项目", regions["other"])
    _sign(p4, charlie, year_start, "900000000")
    out["projects"] = [p1, p2, p3, p4]

    # Needs: one answered and resolved, one left waiting (overdue), one in the other district.
    SlaPolicy.objects.create(category="space", accept_days=1, respond_days=5)
    RoutingRule.objects.create(category="space", region=regions["district"], unit=units["bureau"])
    RoutingRule.objects.create(category="space", region=regions["other"], unit=units["outsider"])
    ent = org_factory("川雅诊断科技有限公司", park=regions["park"])
    ent_user = make_user("dora", units["portal"], "enterprise", organisation=ent)
    earlier = timezone.now() - dt.timedelta(days=40)
    d1 = demand_services.demand_submit(
        by=ent_user,
        organisation=ent,
        category="space",
        text="需要1000平方米GMP厂房用于扩产。",
        now=earlier,
    ).demand
    demand_services.demand_accept(demand=d1, by=alice)
    demand_services.demand_assign(demand=d1, assignee=alice, by=alice)
    demand_services.demand_respond(demand=d1, by=alice, text="推荐转化医学产业园3号楼")
    demand_services.demand_resolve(demand=d1, by=alice)
    d2 = demand_services.demand_submit(
        by=ent_user,
        organisation=ent,
        category="space",
        text="需要冷链仓储500平方米，尽快。",
        now=earlier,
    ).demand
    other_ent = org_factory(
        "北山合成生物有限公司", region=regions["other"], owner_unit=units["outsider"]
    )
    other_user = make_user("olga", units["outsider"], "enterprise", organisation=other_ent)
    d3 = demand_services.demand_submit(
        by=other_user,
        organisation=other_ent,
        category="space",
        text="北山区的一个厂房需求。",
        now=earlier,
    ).demand
    out["demands"] = [Demand.objects.get(pk=d.pk) for d in (d1, d2, d3)]
    return out
