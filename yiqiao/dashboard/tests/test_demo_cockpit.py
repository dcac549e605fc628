"""On the demo district's history: every figure has data, the command's records recompute the
figures from the raw tables to the yuan, and the demo's yearly targets are in place."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from yiqiao.demo.generators import demo_run

SCALE = 40


@pytest.fixture
def demo(db: Any) -> Any:
    return demo_run(scale=SCALE, seed=7)


def _lines(*args: str) -> dict[str, Any]:
    out = StringIO()
    call_command("kpis", "--json", *args, stdout=out)
    return {line["key"]: line for line in map(json.loads, out.getvalue().splitlines())}


def _ids(ids: list[int]) -> str:
    return ",".join(str(int(i)) for i in ids) or "NULL"


RATES = {"CNY": Decimal("1"), "USD": Decimal("7.2"), "EUR": Decimal("7.8"), "HKD": Decimal("0.92")}


@pytest.mark.django_db
def test_it_recomputes_figures_from_the_raw_tables_to_the_yuan_and_the_record(demo: Any) -> None:
    lines = _lines("--region=xs.jc.th")
    amount = lines["projects.signed_amount"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT amount, currency, repeat_of_id FROM projects_signing WHERE id IN ("
            + _ids(amount["records"]["ids"])
            + ")"
        )
        rows = cursor.fetchall()
    assert all(r[2] is None for r in rows)  # no repeat is in the sum
    total = sum(Decimal(str(a)) * RATES[c] for a, c, _r in rows)
    assert Decimal(str(amount["value"])).quantize(Decimal("0.01")) == total.quantize(
        Decimal("0.01")
    )
    overdue = lines["demands.overdue"]
    assert overdue["value"] == len(overdue["records"]["ids"]) > 0
    # Every investment and need figure has data, and the signings have their targets.
    for key in (
        "projects.signing_count",
        "projects.signed_amount",
        "projects.construction_rate",
        "projects.production_rate",
        "projects.capital_arrival_rate",
        "demands.resolution_rate",
        "demands.on_time_response_rate",
        "demands.overdue",
        "demands.satisfaction",
    ):
        line = lines[key]
        assert line["value"] is not None, key
        if "denominator" in line:
            assert line["denominator"]["ids"], key
        else:
            assert line["value"] > 0, key
    assert lines["projects.signed_amount"].get("target", 0) > 0
    assert lines["projects.signing_count"].get("target", 0) > 0


def _rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _day(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _local_day(value: Any) -> dt.date | None:
    """A stored timestamp (aware, or naive UTC text on SQLite) as a local calendar day."""
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if timezone.is_naive(value):
        value = value.replace(tzinfo=dt.UTC)
    return timezone.localtime(value).date()


@pytest.mark.django_db
def test_an_auditor_recomputes_a_sample_of_figures_from_the_raw_tables_alone(demo: Any) -> None:
    """Signed amount, 开工率, 资金到位率 (realised against committed investment) and 需求办结率,
    each recomputed by SQL over the raw tables of the demo with the written definitions, agree
    with ``yiqiao kpis --json`` to the yuan and to the record."""
    today = timezone.localdate()
    start = dt.date(today.year, 1, 1)
    lines = _lines("--region=xs.jc.th")
    (path,) = _rows("SELECT path FROM registry_region WHERE code = %s", ["xs.jc.th"])[0]
    in_district = "r.path LIKE %s"
    like = path + "%"

    # 签约金额: the signings of the year, repeats left out, foreign currency at the plan rate.
    signings = _rows(
        "SELECT s.id, s.amount, s.currency, s.signed_on FROM projects_signing s "
        "JOIN projects_project p ON p.id = s.project_id "
        f"JOIN registry_region r ON r.id = p.target_region_id WHERE {in_district} "
        "AND s.repeat_of_id IS NULL",
        [like],
    )
    signings = [r for r in signings if start <= _day(r[3]) <= today]
    amount = lines["projects.signed_amount"]
    assert sorted(amount["records"]["ids"]) == sorted(r[0] for r in signings)
    total = sum(Decimal(str(a)) * RATES[c] for _i, a, c, _d in signings)
    assert Decimal(str(amount["value"])).quantize(Decimal("0.01")) == total.quantize(
        Decimal("0.01")
    )
    assert total > 0

    # 开工率: projects signed 180 days to three years ago; those with an evidenced start.
    projects = _rows(
        "SELECT p.id, p.signed_on FROM projects_project p "
        f"JOIN registry_region r ON r.id = p.target_region_id WHERE {in_district} "
        "AND p.signed_on IS NOT NULL",
        [like],
    )
    window = today - dt.timedelta(days=3 * 365)
    due = [i for i, on in projects if window <= _day(on) <= today - dt.timedelta(days=180)]
    started = {
        i
        for (i, on) in _rows(
            "SELECT project_id, achieved_on FROM projects_milestone "
            "WHERE kind = 'construction' AND evidence <> ''",
            [],
        )
        if _day(on) <= today
    }
    rate = lines["projects.construction_rate"]
    assert sorted(rate["denominator"]["ids"]) == sorted(due) and due
    assert sorted(rate["numerator"]["ids"]) == sorted(i for i in due if i in started)
    assert rate["value"] == pytest.approx(len([i for i in due if i in started]) / len(due))

    # 资金到位率: evidenced arrivals ÷ counted signed amounts of the projects signed in 3 years.
    recent = {i for i, on in projects if window <= _day(on) <= today}
    committed = [
        (i, Decimal(str(a)) * RATES[c])
        for i, p, a, c, on in _rows(
            "SELECT id, project_id, amount, currency, signed_on FROM projects_signing "
            "WHERE repeat_of_id IS NULL",
            [],
        )
        if p in recent and _day(on) <= today
    ]
    arrived = [
        (i, Decimal(str(a)) * RATES[c])
        for i, p, a, c, on in _rows(
            "SELECT m.id, m.project_id, m.capital_arrived, p.currency, m.achieved_on "
            "FROM projects_milestone m JOIN projects_project p ON p.id = m.project_id "
            "WHERE m.capital_arrived > 0 AND m.evidence <> ''",
            [],
        )
        if p in recent and _day(on) <= today
    ]
    capital = lines["projects.capital_arrival_rate"]
    assert sorted(capital["denominator"]["ids"]) == sorted(i for i, _a in committed)
    assert sorted(capital["numerator"]["ids"]) == sorted(i for i, _a in arrived)
    assert capital["value"] == pytest.approx(
        float(sum(a for _i, a in arrived) / sum(a for _i, a in committed))
    )

    # 需求办结率: needs raised this year (not withdrawn unanswered); those resolved.
    needs = _rows(
        "SELECT d.id, d.created_at, d.resolved_at, d.closed_at, d.responded_at "
        "FROM demands_demand d JOIN registry_organisation o ON o.id = d.organisation_id "
        "LEFT JOIN registry_region r ON r.id = o.region_id "
        "LEFT JOIN registry_region pk ON pk.id = o.park_id "
        "WHERE r.path LIKE %s OR pk.path LIKE %s",
        [like, like],
    )
    raised = []
    for i, created, resolved, closed, responded in needs:
        if not start <= (_local_day(created) or today) <= today:
            continue
        closed_day, responded_day = _local_day(closed), _local_day(responded)
        if closed_day is not None and closed_day <= today and responded_day is None:
            continue  # withdrawn or outside the remit without an answer
        raised.append((i, _local_day(resolved)))
    resolution = lines["demands.resolution_rate"]
    assert sorted(resolution["denominator"]["ids"]) == sorted(i for i, _r in raised) and raised
    done = [i for i, r in raised if r is not None and r <= today]
    assert sorted(resolution["numerator"]["ids"]) == sorted(done)


@pytest.mark.django_db
def test_the_demo_fills_the_event_funnel_and_each_step_opens_its_records(
    demo: Any, client: Any
) -> None:
    from yiqiao.accounts.models import User

    lines = _lines()
    registered = lines["events.registered"]
    (count,) = _rows(
        "SELECT COUNT(*) FROM events_registration g JOIN events_event e ON e.id = g.event_id "
        "WHERE g.status = 'registered' AND e.ends_on >= %s AND e.ends_on <= %s",
        [dt.date(timezone.localdate().year, 1, 1), timezone.localdate()],
    )[0]
    assert registered["value"] == count == len(registered["records"]["ids"]) > 0
    for key in ("events.attended", "events.meetings_held", "events.leads"):
        assert lines[key]["value"] > 0, key
    assert any(lines[f"events.signings_{d}d"]["value"] for d in (30, 90, 180))
    # The leader's tiles open lists of exactly their counts.
    client.force_login(User.objects.get(username="leader"))
    html = client.get("/cockpit/").content.decode()
    section = html.split('id="section-events"')[1].split("</section>")[0]
    for key, shown in re.findall(
        r'data-key="([^"]+)".*?<p class="parts muted">(\d+) ', section, re.S
    ):
        page = client.get(f"/cockpit/kpi/{key}/").content.decode()
        assert f'<span id="record-count">{shown}</span>' in page, key


def test_the_demo_gives_data_to_the_figures_added_later(demo: Any) -> None:
    """Invitations, policy money against its budget, time in stage and need conversion: each
    has data in a fresh demo (and its records, as every figure)."""
    lines = _lines()
    assert lines["events.invited"]["value"] > 0
    assert len(lines["events.invited"]["records"]["ids"]) == lines["events.invited"]["value"]
    money = lines["policies.money_paid"]
    assert money["value"] > 0 and money["records"]["ids"]
    assert lines["projects.time_in_stage"]["value"] > 0
    converted = [k for k in lines if k.startswith("demands.conversion_") and lines[k]["value"]]
    assert converted, "no category of need converted in the demo year"
