"""The need figures are read from summary rows the demand services keep (issue 18, item 7).

After writes through the services (submit, accept, assign, respond, resolve, convert, close,
reassign, a follow-up visit), the stored rows equal a recount from the raw tables, the figures
read from them equal the same figures counted from the needs themselves on several as-of days
(today, before the answers, a year back), and ``yiqiao kpis rebuild --verify`` names a
corrupted row.
"""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from yiqiao.dashboard import summary as dashboard_summary
from yiqiao.dashboard.kpis import demands as figures
from yiqiao.dashboard.kpis.context import KpiContext
from yiqiao.demands import services, summary
from yiqiao.demands.models import NeedFigure

pytestmark = pytest.mark.django_db


def _values(ctx: KpiContext) -> list[Any]:
    kpis = [
        figures.resolution_rate(ctx),
        figures.on_time_response_rate(ctx),
        figures.satisfaction(ctx),
        *(figures._conversion(c)(ctx) for c in figures.CONVERSION),
    ]
    out: list[Any] = []
    for k in kpis:
        out.append((k.key, k.value))
        if k.is_rate:
            assert k.numerator is not None and k.denominator is not None
            out.append((k.key, k.numerator.count, k.denominator.count))
    return out


def _from_needs(ctx: KpiContext, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    with monkeypatch.context() as m:
        m.setattr(dashboard_summary, "needs_from_rows", lambda ctx: False)
        return _values(KpiContext(as_of=ctx.as_of, start=ctx.start, user=ctx.user))


def test_need_rows_follow_the_services_and_agree_with_the_needs(
    history: dict[str, Any],
    alice: Any,
    leader: Any,
    units: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    d1, d2, _d3 = history["demands"]
    services.demand_close(demand=d1, by=alice, note="已办结，企业确认")
    services.demand_follow_up(demand=d1, by=alice, satisfaction=4)
    services.demand_accept(demand=d2, by=alice)
    services.demand_reassign(demand=d2, by=alice, unit=units["outsider"])
    d4 = services.demand_submit(
        by=alice, organisation=d1.organisation, category="space", text="需要200平方米办公室。"
    ).demand
    services.demand_close(demand=d4, by=alice, note="企业撤回")
    assert summary.verify() == []
    assert NeedFigure.objects.exists()

    today = timezone.localdate()
    for as_of in (today, today - dt.timedelta(days=20), dt.date(today.year - 1, 12, 31)):
        for user in (None, leader):
            ctx = KpiContext.year_to_date(as_of, user=user)
            assert _values(ctx) == _from_needs(ctx, monkeypatch), (as_of, user)
            overdue = figures.overdue(KpiContext.year_to_date(as_of, user=user))
            assert overdue.records is not None
            assert overdue.value == overdue.records.count == len(overdue.records.ids)

    # A withdrawn need counts nowhere; an answered one counts as answered.
    ctx = KpiContext.year_to_date(today)
    assert figures.resolution_rate(ctx).denominator.count == 3  # type: ignore[union-attr]

    NeedFigure.objects.filter(pk=NeedFigure.objects.order_by("pk").first().pk).update(  # type: ignore[union-attr]
        count=F("count") + 1
    )
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("kpis", "rebuild", "--verify", stdout=out)
    assert "needs " in out.getvalue() and "needs: 1 differences" in out.getvalue()
    call_command("kpis", "rebuild", stdout=StringIO())
    assert summary.verify() == []
