"""Screening runs (免申即享): same answers as the calculator, lists, exports, scope, queries."""

from __future__ import annotations

import datetime as dt
import io
import random
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from yiqiao.core.models import AuditEvent
from yiqiao.policies import engine
from yiqiao.policies.models import OrganisationFact, Policy, ScreeningGroup, ScreeningRun
from yiqiao.policies.queries import organisation_calculator, organisation_run_results, run_results
from yiqiao.registry.models import ChainNode, Organisation

from .app_support import ON, sync, use_fast_hasher, write_library

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_hasher(settings: Any) -> None:
    use_fast_hasher(settings)


@pytest.fixture
def library(tmp_path: Path, regions: dict[str, Any]) -> Path:
    folder = write_library(tmp_path / "lib")
    sync(folder, region=regions["district"])
    return folder


@pytest.fixture
def register(
    library: Path, org_factory: Any, regions: dict[str, Any], units: dict[str, Any]
) -> list[Organisation]:
    """A small seeded register mixing eligible, missing-data and near-miss enterprises."""
    rng = random.Random(3)
    nodes = list(ChainNode.objects.filter(parent__isnull=False)[:6])
    orgs = []
    for i in range(30):
        rd = rng.choice([None, 5e6, 1.5e7, 1.8e7, 2.5e7, 8e7])
        org = org_factory(
            f"测试企业{i:02d}有限公司",
            rd_spend_yuan=Decimal(str(rd)) if rd is not None else None,
            is_high_tech=rng.random() < 0.4,
            is_specialised=rng.random() < 0.3,
            region=regions["zone"] if i % 7 == 0 else regions["district"],
            park=regions["park"] if i % 3 == 0 else None,
            kind=Organisation.Kind.HOSPITAL if i == 29 else Organisation.Kind.ENTERPRISE,
        )
        if i % 4:
            org.chain_nodes.set(rng.sample(nodes, k=2))
        if rng.random() < 0.6:
            OrganisationFact.objects.create(
                organisation=org,
                field="drug_phase1_started",
                value=rng.choice([0, 1, 2, 5]),
                as_of=dt.date(2025, 1, 1),
            )
        if rng.random() < 0.3:
            OrganisationFact.objects.create(
                organisation=org, field="talents_leading", value=1, as_of=dt.date(2025, 1, 1)
            )
        orgs.append(org)
    org_factory(
        "北山区外地企业",
        region=regions["other"],
        owner_unit=units["outsider"],
        rd_spend_yuan=Decimal("90000000"),
    )
    return orgs


@pytest.fixture
def officer(client_for: Any, alice: Any, django_capture_on_commit_callbacks: Any) -> Any:
    client = client_for(alice)

    class Wrapped:
        def post(self, *args: Any, **kwargs: Any) -> Any:
            with django_capture_on_commit_callbacks(execute=True):
                return client.post(*args, **kwargs)

        def get(self, *args: Any, **kwargs: Any) -> Any:
            return client.get(*args, **kwargs)

    return Wrapped()


def start(officer: Any, **data: Any) -> ScreeningRun:
    response = officer.post(reverse("policies:run-list"), {"as_of": ON.isoformat(), **data})
    assert response.status_code == 302, response.content.decode()[:800]
    return ScreeningRun.objects.latest("pk")


def test_it_matches_the_per_organisation_calculator(
    register: list[Organisation], officer: Any
) -> None:
    run = start(officer)
    assert run.status == "done", run.error
    assert run.enterprises == 30  # the outside district's enterprise is not in alice's scope
    stored = {(r.organisation_id, r.policy.code, r.status): r.amount for r in run_results(run)}
    expected: dict[tuple[int, str, str], Decimal | None] = {}
    near_reasons: dict[tuple[int, str], str] = {}
    for org in register:
        view = organisation_calculator(org, on=ON)
        for policy, item in view.rows():
            e = item.explanation
            if e.status == engine.ELIGIBLE and not item.superseded:
                amount = Decimal(str(round(item.final_amount or 0.0, 2)))
                expected[(org.pk, policy.code, "eligible")] = amount
            elif e.status == engine.IF_DATA_SUPPLIED:
                expected[(org.pk, policy.code, "eligible_if_data_supplied")] = None
            if e.is_near_miss:
                expected[(org.pk, policy.code, "near_miss")] = None
                near_reasons[(org.pk, policy.code)] = "仅一项不满足：" + e.failing[0]
    assert stored == expected
    # a near miss says which condition, the enterprise's value and the gap, as the page does
    assert {
        (r.organisation_id, r.policy.code): r.reasons for r in run_results(run, status="near_miss")
    } == near_reasons
    assert any("差" in reason for reason in near_reasons.values())
    statuses = {key[2] for key in expected}
    assert statuses == {"eligible", "eligible_if_data_supplied", "near_miss"}
    total = sum((v for k, v in expected.items() if v is not None), Decimal(0))
    assert run.total_amount == total


def test_it_lists_missing_data_enterprises_as_quick_apply_never_as_ineligible(
    register: list[Organisation], officer: Any
) -> None:
    run = start(officer)
    no_rd = [o.pk for o in register if o.rd_spend_yuan is None and o.kind == "enterprise"]
    assert no_rd
    policy = Policy.objects.get(code="t.rd_subsidy")
    rows = [r for r in run_results(run, policy_id=policy.pk) if r.organisation_id in no_rd]
    assert sorted(r.organisation_id for r in rows) == sorted(no_rd)
    assert {r.status for r in rows} == {"eligible_if_data_supplied"}
    assert {tuple(r.missing_fields) for r in rows} == {("rd_spend_yuan",)}
    assert rows[0].reasons == "其余条件均满足，缺少：上年度研发投入"


def test_it_measures_the_budget_impact_of_a_draft_before_publication(
    register: list[Organisation], officer: Any
) -> None:
    draft = Policy.objects.get(code="t.draft_talent")
    run = start(officer, draft_policy=draft.pk)
    row = next(p for p in run.per_policy if p["code"] == "t.draft_talent")
    talented = OrganisationFact.objects.filter(
        field="talents_leading", organisation__in=register
    ).exclude(organisation__kind="hospital")
    assert row["is_draft"] is True
    assert row["eligible"] == talented.count()
    assert row["amount"] == 1_000_000 * talented.count()
    draft.refresh_from_db()
    assert draft.status == "draft"
    page = officer.get(reverse("policies:run-detail", args=[run.pk])).content.decode()
    assert 'id="draft-impact"' in page
    plain = start(officer)
    assert all(p["code"] != "t.draft_talent" for p in plain.per_policy)


def test_it_downloads_the_auto_list_as_xlsx(register: list[Organisation], officer: Any) -> None:
    run = start(officer)
    response = officer.get(reverse("policies:run-export", args=[run.pk, "auto"]))
    assert response.status_code == 200
    rows = list(
        load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True)
    )
    assert rows[0][:4] == ("政策编号", "政策名称", "条款版本", "机构名称")
    auto = run_results(run, status="eligible", delivery="auto")
    assert len(rows) - 1 == auto.count() == run.auto_count
    assert {r[5] for r in rows[1:]} == {"免申即享"}
    amounts: list[float] = [float(str(r[7])) for r in rows[1:]]
    assert sum(amounts) == float(run.auto_amount)
    assert "t.high_tech" not in {r[0] for r in rows[1:]}  # apply delivery: not on the auto list


def test_it_pins_the_query_count_of_the_results_page(
    register: list[Organisation], officer: Any, django_assert_max_num_queries: Any
) -> None:
    run = start(officer)
    officer.get(reverse("policies:run-detail", args=[run.pk]))
    for tab in ("auto", "quick", "near"):
        with django_assert_max_num_queries(8):
            response = officer.get(reverse("policies:run-detail", args=[run.pk]), {"list": tab})
        assert response.status_code == 200


def test_it_refuses_runs_to_an_outsider_and_changes_nothing(
    register: list[Organisation], officer: Any, client_for: Any, charlie: Any
) -> None:
    run = start(officer)
    runs, results, events = (
        ScreeningRun.objects.count(),
        ScreeningGroup.objects.count(),
        AuditEvent.objects.count(),
    )
    client = client_for(charlie)
    assert client.get(reverse("policies:run-detail", args=[run.pk])).status_code == 404
    assert client.get(reverse("policies:run-export", args=[run.pk, "auto"])).status_code == 404
    assert client.get(f"/api/policies/runs/{run.pk}").status_code == 404
    assert client.get(f"/api/policies/runs/{run.pk}/results").status_code == 404
    assert (
        reverse("policies:run-detail", args=[run.pk])
        not in client.get(reverse("policies:run-list")).content.decode()
    )
    assert (
        ScreeningRun.objects.count(),
        ScreeningGroup.objects.count(),
        AuditEvent.objects.count(),
    ) == (runs, results, events)


def test_it_screens_only_the_outsiders_own_register_when_they_run(
    register: list[Organisation],
    client_for: Any,
    charlie: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = client_for(charlie)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("policies:run-list"), {"as_of": ON.isoformat()})
    run = ScreeningRun.objects.get(created_by=charlie)
    assert run.enterprises == 1
    assert not {r.organisation_id for r in run_results(run)} & {o.pk for o in register}
    assert all(organisation_run_results(run, o.pk) == [] for o in register)


def test_it_refuses_a_run_to_a_viewer(
    register: list[Organisation], client_for: Any, viewer: Any
) -> None:
    response = client_for(viewer).post(reverse("policies:run-list"), {"as_of": ON.isoformat()})
    assert response.status_code == 403
    assert ScreeningRun.objects.count() == 0


def test_it_starts_a_run_and_pages_results_through_the_api(
    register: list[Organisation],
    client_for: Any,
    alice: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = client_for(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/policies/runs", {"as_of": ON.isoformat()}, content_type="application/json"
        )
    assert response.status_code == 201
    run_id = response.json()["id"]
    run = client.get(f"/api/policies/runs/{run_id}").json()
    assert run["status"] == "done"
    page = client.get(
        f"/api/policies/runs/{run_id}/results", {"list": "eligible", "per_page": 5}
    ).json()
    assert page["count"] == run["eligible_count"]
    assert len(page["results"]) == min(5, page["count"])
    assert all(r["status"] == "eligible" and r["amount"] > 0 for r in page["results"])
    export = client.get(f"/api/policies/runs/{run_id}/export", {"list": "quick"})
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    policies = client.get("/api/policies/policies", {"status": "published"}).json()
    assert policies["count"] == 4


def test_it_shows_progress_until_the_run_is_done(
    register: list[Organisation], client_for: Any, alice: Any
) -> None:
    from yiqiao.policies.services.screening import screening_run_create

    run = screening_run_create(by=alice, as_of=ON)  # on_commit never fires: still queued
    client = client_for(alice)
    state = client.get(reverse("policies:run-detail", args=[run.pk]), {"state": "1"})
    assert 'data-status="queued"' in state.content.decode()
    assert "every 1s" in state.content.decode()
    from yiqiao.policies.services.screening import screening_run_execute

    screening_run_execute(run.pk)
    done = client.get(reverse("policies:run-detail", args=[run.pk]), {"state": "1"})
    assert done["HX-Refresh"] == "true"
    assert screening_run_execute(run.pk) is None  # a run is executed once


def test_it_reports_a_screenings_progress_on_its_page_as_it_goes(
    register: list[Organisation], client_for: Any, alice: Any, monkeypatch: Any
) -> None:
    import re

    from yiqiao.policies.services import screening

    run = screening.screening_run_create(by=alice, as_of=ON)  # on_commit never fires: queued
    client = client_for(alice)
    url = reverse("policies:run-detail", args=[run.pk])
    seen: list[tuple[int, int | None, bool]] = []
    report = screening._progress

    def watching(on: ScreeningRun, percent: int) -> None:
        report(on, percent)
        text = client.get(url, {"state": "1"}).content.decode()
        bar = re.search(r'<progress max="100" value="(\d+)"', text)
        seen.append((percent, int(bar.group(1)) if bar else None, "every 1s" in text))

    monkeypatch.setattr(screening, "BATCH", 5)  # results written in several batches
    monkeypatch.setattr(screening, "_progress", watching)
    screening.screening_run_execute(run.pk)

    percents = [s[0] for s in seen]
    assert len(percents) >= 4, percents  # register read, screened, then each batch written
    assert percents == sorted(percents) and percents[0] > 0 and percents[-1] < 100
    assert any(60 < p < 100 for p in percents)  # writing reports between batches
    assert [s[1] for s in seen] == percents  # the page shows each figure as it is stored
    assert all(s[2] for s in seen)  # and keeps polling while the run goes on
    run.refresh_from_db()
    assert run.status == ScreeningRun.Status.DONE and run.progress == 100


def test_it_answers_per_organisation_from_the_index_as_the_lists_do(
    register: list[Organisation], officer: Any, monkeypatch: Any
) -> None:
    """ "Which policies does this organisation qualify for, or miss" reads the index (several
    blocks here) and gives what the run's lists give, amounts and reasons included; "who
    qualifies for this policy" gives the ids of the eligible list."""
    from yiqiao.policies import queries
    from yiqiao.policies.services import screening

    monkeypatch.setattr(screening, "INDEX_BLOCK", 7)
    run = start(officer)
    assert run.index.count() == -(-run.enterprises // 7)  # type: ignore[attr-defined]

    def key(r: Any) -> tuple[Any, ...]:
        return (r.organisation_id, r.policy.code, r.status, r.amount, r.reasons, r.missing_fields)

    listed = sorted(key(r) for r in run_results(run))
    by_organisation = sorted(key(r) for o in register for r in organisation_run_results(run, o.pk))
    assert listed == by_organisation and listed
    for policy in Policy.objects.all():
        eligible = sorted(
            r.organisation_id for r in run_results(run, status="eligible", policy_id=policy.pk)
        )
        assert queries.policy_run_organisations(run, policy.pk).tolist() == eligible
    assert queries.run_status_counts(run) == {
        status: sum(1 for k in listed if k[2] == status) for status in {k[2] for k in listed}
    }


def test_it_pages_a_list_across_groups_in_order(register: list[Organisation], officer: Any) -> None:
    run = start(officer)
    results = run_results(run, status="eligible_if_data_supplied")
    whole = [(r.organisation_id, r.policy_id) for r in results]
    assert len(whole) == results.count() == run.quick_count > 7
    paged = [
        (r.organisation_id, r.policy_id)
        for s in range(0, len(whole), 7)
        for r in results[s : s + 7]
    ]
    assert paged == whole and len(set(whole)) == len(whole)
    assert (results[-1].organisation_id, results[-1].policy_id) == whole[-1]
