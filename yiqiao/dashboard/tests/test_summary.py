"""The summary rows behind the fast figures follow the services' writes, and are checked.

After a sequence of writes through the services (create, update, advance, sign, a signing
that turns another project's earlier one into a repeat, lose, reopen, a ledger import), the
stored rows equal a recount from the raw tables, the figures read from them equal the
records they list, and ``yiqiao kpis rebuild --verify`` finds a corrupted row.
Run on PostgreSQL too: ``DATABASE_URL=postgres://… pytest yiqiao/dashboard/tests/test_summary.py``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from yiqiao.dashboard.kpis.context import KpiContext
from yiqiao.dashboard.kpis.registry import spec
from yiqiao.projects import services, summary
from yiqiao.projects.models import ProjectFigure, Signing
from yiqiao.projects.tests import test_ledger as ledger

pytestmark = pytest.mark.django_db

# The ledger tests' fixtures: an officer's client that runs the import jobs, and enterprises.
officer = ledger.officer
enterprises = ledger.enterprises

COUNTED = ("projects.signing_count", "projects.signed_amount", "projects.stalled")


def _figures(ctx: KpiContext) -> dict[str, Any]:
    out = {}
    for key in COUNTED:
        found = spec(key)
        assert found is not None
        out[key] = found.compute(ctx)
    return out


def _recount_agrees() -> None:
    assert summary.verify() == []
    assert summary.stored() == summary.contributions()


def _sign(project: Any, by: Any, on: dt.date, amount: str, who: str) -> Signing:
    return services.signing_record(
        project=project,
        signed_on=on,
        agreement_type="investment",
        amount=Decimal(amount),
        currency=project.currency,
        signatories=who,
        by=by,
    )


def test_summary_rows_follow_every_service_write_and_agree_with_a_recount(
    alice: Any, charlie: Any, leader: Any, regions: dict[str, Any]
) -> None:
    today = timezone.localdate()
    long_ago = today - dt.timedelta(days=200)
    create = services.project_create
    # Created (back-dated leads, so that stage moves can be dated and some projects stall).
    a = create(data={"title": "抗体偶联药物基地", "target_region": regions["park"],
                     "lead_on": long_ago}, by=alice)  # fmt: skip
    b = create(data={"title": "体外诊断试剂产线", "target_region": regions["zone"],
                     "currency": "USD", "lead_on": long_ago}, by=alice)  # fmt: skip
    c = create(data={"title": "北山区细胞工厂", "target_region": regions["other"]}, by=charlie)
    _recount_agrees()
    assert ProjectFigure.objects.filter(measure="stage", stage="lead").exists()

    # Advanced through the pipeline, one of them in the past (its stage date is old: stalled).
    for stage in ("contacted", "site_visit", "negotiating"):
        a = services.project_advance_stage(
            project=a, to_stage=stage, by=alice, on=long_ago + dt.timedelta(days=10)
        )
    b = services.project_advance_stage(project=b, to_stage="contacted", by=alice)
    _recount_agrees()

    # Signed: an investment agreement, a second one of the same project, one in USD.
    _sign(a, alice, today - dt.timedelta(days=3), "300000000", "甲方；基地公司")
    _sign(a, alice, today - dt.timedelta(days=1), "120000000", "甲方；基地二期公司")
    _sign(b, alice, today - dt.timedelta(days=2), "2500000", "甲方；诊断公司")
    _recount_agrees()
    ctx = KpiContext.year_to_date(today, user=leader)
    figures = _figures(ctx)
    assert figures["projects.signing_count"].value == 2
    assert figures["projects.signed_amount"].value == Decimal("438000000.00")  # 420m + 2.5m×7.2
    for key, kpi in figures.items():
        assert kpi.value == (
            len(kpi.records.ids)
            if key != "projects.signed_amount"
            else sum(
                (s.amount * (Decimal("7.2") if s.currency == "USD" else 1))
                for s in Signing.objects.filter(pk__in=kpi.records.ids)
            )
        ), key

    # An agreement entered afterwards that is the original of b's signing (same parties, same
    # amount, earlier date): b's signing becomes its repeat and leaves b's figures.
    d = create(data={"title": "体外诊断试剂产线（补录）", "target_region": regions["park"],
                     "currency": "USD", "lead_on": long_ago}, by=alice)  # fmt: skip
    _sign(d, alice, today - dt.timedelta(days=30), "2500000", "甲方；诊断公司")
    assert Signing.objects.filter(project=b, repeat_of__isnull=False).exists()
    _recount_agrees()

    # Lost, then reopened; the target region moved to another park; the other district's
    # project signed.
    b = services.project_advance_stage(project=b, to_stage="lost", by=alice, reason="投资方撤回")
    _recount_agrees()
    services.project_advance_stage(project=b, to_stage="contacted", by=alice)
    services.project_update(project=a, data={"target_region": regions["zone"]}, by=alice)
    _sign(c, charlie, today, "900000000", "北山区；细胞公司")
    _recount_agrees()

    # The figures read from the rows are the records they list, in the leader's scope (the
    # other district's signing is not counted) and in a region's subtree.
    for context in (
        KpiContext.year_to_date(today, user=leader),
        KpiContext.year_to_date(today, region=regions["park"]),
        KpiContext.year_to_date(today),
    ):
        figures = _figures(context)
        assert figures["projects.signing_count"].value == len(
            figures["projects.signing_count"].records.ids
        )
        assert figures["projects.stalled"].value == len(figures["projects.stalled"].records.ids)
    leader_figures = _figures(KpiContext.year_to_date(today, user=leader))
    assert c.pk not in leader_figures["projects.signing_count"].records.ids
    # a: negotiating since 190 days ago; d: a lead since 200 days ago.
    assert set(leader_figures["projects.stalled"].records.ids) == {a.pk, d.pk}
    # a and d; b's only signing became a repeat of d's (counted once, at d).
    assert set(leader_figures["projects.signing_count"].records.ids) == {a.pk, d.pk}


def test_a_ledger_import_keeps_the_rows(officer: Any, enterprises: None) -> None:
    """The ledger importer writes projects and signings without the pipeline services: it
    settles the summary rows itself, in its transaction (a new signed project; then a
    re-import that adds a second signing to it)."""
    job = ledger.decide(officer, ledger.upload(officer, ledger.xlsx(ledger.GOOD)), "all")
    assert job.counts["create"] == 2
    assert ProjectFigure.objects.filter(measure="first").exists()
    _recount_agrees()
    second = [[*ledger.GOOD[0][:5], "2025-06-18", "1000", "区政府、企业"]]
    ledger.decide(officer, ledger.upload(officer, ledger.xlsx(second)), "all")
    assert Signing.objects.filter(signed_on=dt.date(2025, 6, 18)).exists()
    _recount_agrees()


def test_verify_names_a_corrupted_row_and_rebuild_puts_it_right(
    alice: Any, regions: dict[str, Any]
) -> None:
    today = timezone.localdate()
    p = services.project_create(data={"title": "合成生物中试基地", "target_region": regions["park"]},
                                by=alice)  # fmt: skip
    _sign(p, alice, today, "50000000", "甲方；中试公司")
    out = StringIO()
    call_command("kpis", "rebuild", "--verify", stdout=out)
    assert "projects: 0 differences" in out.getvalue()

    # One row's amount is corrupted, and a row of a signing that never happened is added.
    ProjectFigure.objects.filter(measure="signing").update(yuan=F("yuan") + 1)
    ProjectFigure.objects.create(target_region=regions["zone"], measure="first", day=today, count=1)
    out = StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("kpis", "rebuild", "--verify", stdout=out)
    assert exit_info.value.code == 1
    text = out.getvalue()
    assert "projects: 2 differences" in text
    assert f"projects signing region={regions['park'].pk}" in text
    line = next(x for x in text.splitlines() if x.startswith("projects signing"))
    recount, stored = line.split(": recount ")[1].split(" yuan, stored ")
    assert recount == "1 / 50000000.00 / 50000000.00"
    assert [Decimal(v) for v in stored.removesuffix(" yuan").split(" / ")] == [
        1,
        50000000,
        50000001,
    ]
    assert f"projects first region={regions['zone'].pk}" in text
    # Verify wrote nothing; rebuild puts the rows right.
    assert summary.verify() != []
    call_command("kpis", "rebuild", stdout=StringIO())
    _recount_agrees()
