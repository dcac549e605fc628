"""The due-soon (即将到期) warning covers the end of a need's time limit, not its start."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from yiqiao.demands.engine import sla
from yiqiao.demands.models import Demand
from yiqiao.demands.queries import with_time_status

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _status(demand: Demand, today: date) -> str:
    return str(with_time_status(Demand.objects.filter(pk=demand.pk), today).get().time_status)  # type: ignore[attr-defined]


def test_a_need_raised_today_is_on_time_not_due_soon(
    submit: Any, bob: Any, client_for: Any
) -> None:
    fresh = submit(text="刚提交的需求：需要500平方米洁净厂房")
    assert _status(fresh, fresh.created_at.astimezone(SHANGHAI).date()) == "on_time"
    page = client_for(bob).get(reverse("demands:demand-detail", args=[fresh.pk])).content.decode()
    assert "未超期" in page
    assert "即将到期" not in page
    inbox = client_for(bob).get(reverse("demands:inbox") + "?time_status=due_soon")
    assert fresh.title not in inbox.content.decode()


def test_due_soon_is_the_last_fifth_of_the_limit(submit: Any) -> None:
    # Policy needs get 2 working days to accept and 10 to respond (conftest rules).
    monday = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)
    demand = submit(category="policy", text="咨询研发费用加计扣除政策的申报条件", now=monday)
    assert (demand.accept_due, demand.respond_due) == (date(2026, 3, 4), date(2026, 3, 16))
    assert _status(demand, date(2026, 3, 3)) == "on_time"  # 1 of 2 accept days left
    assert _status(demand, date(2026, 3, 4)) == "due_soon"  # accept due today
    assert _status(demand, date(2026, 3, 5)) == "overdue"
    Demand.objects.filter(pk=demand.pk).update(state="accepted")
    assert _status(demand, date(2026, 3, 5)) == "on_time"
    assert _status(demand, date(2026, 3, 12)) == "on_time"  # 3 working days left
    assert _status(demand, date(2026, 3, 13)) == "due_soon"  # last two of ten working days
    assert _status(demand, date(2026, 3, 16)) == "due_soon"
    assert _status(demand, date(2026, 3, 17)) == "overdue"


def test_due_soon_from_scales_with_the_limit() -> None:
    monday = date(2026, 3, 2)
    for days, first in [(1, date(2026, 3, 3)), (5, date(2026, 3, 9)), (20, date(2026, 3, 25))]:
        due = sla.add_working_days(monday, days)
        assert sla.due_soon_from(monday, due) == first, days
    assert sla.due_soon_from(monday, monday) == monday
