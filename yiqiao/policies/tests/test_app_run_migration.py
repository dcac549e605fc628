"""The data migration that turns stored (organisation, policy) rows into result groups."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("policies", "0002_records_awards_applications")]
AFTER = [("policies", "0003_screening_groups")]


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_it_converts_stored_rows_into_groups_the_queries_read_back() -> None:
    from yiqiao.accounts.models import User
    from yiqiao.registry.models import Organisation, Region

    old = _migrate(BEFORE)
    user = User.objects.create(username="m")
    region = Region.objects.create(code="m1", name="区", kind="district")
    orgs = [
        Organisation.objects.create(name=f"企业{i}", name_normalised=f"企业{i}", region=region)
        for i in range(4)
    ]
    policy_model = old.get_model("policies", "Policy")
    policy = policy_model.objects.create(code="m.p", title="政策", category="a", delivery="auto")
    run = old.get_model("policies", "ScreeningRun").objects.create(
        created_by_id=user.pk, as_of=dt.date(2025, 6, 30), status="done"
    )
    rows = old.get_model("policies", "ScreeningResult").objects
    common = {"run": run, "policy": policy, "rule_version": 1, "delivery": "auto"}
    rows.create(organisation_id=orgs[0].pk, status="eligible", amount=Decimal(100), **common)
    rows.create(
        organisation_id=orgs[1].pk, status="eligible", amount=Decimal(300),
        amount_before_caps=Decimal(500), reasons="符合全部条件；受共享上限限制（原 500元）",
        **common,
    )  # fmt: skip
    for org in orgs[2:]:
        rows.create(
            organisation_id=org.pk, status="eligible_if_data_supplied", missing_fields=["headcount"],
            reasons="其余条件均满足，缺少：从业人数", **common,
        )  # fmt: skip
    rows.create(organisation_id=orgs[3].pk, status="near_miss", reasons="仅一项不满足：X", **common)

    _migrate(AFTER)
    from yiqiao.policies.models import ScreeningRun
    from yiqiao.policies.queries import organisation_run_results, run_results

    migrated = ScreeningRun.objects.get(pk=run.pk)
    got = [
        (r.organisation_id, r.status, r.amount, r.reasons, r.missing_fields)
        for r in run_results(migrated)
    ]
    assert got == [
        (orgs[1].pk, "eligible", Decimal("300.0"), "符合全部条件；受共享上限限制（原 500元）", []),
        (orgs[0].pk, "eligible", Decimal("100.0"), "符合全部条件", []),
        (
            orgs[2].pk,
            "eligible_if_data_supplied",
            None,
            "其余条件均满足，缺少：从业人数",
            ["headcount"],
        ),
        (
            orgs[3].pk,
            "eligible_if_data_supplied",
            None,
            "其余条件均满足，缺少：从业人数",
            ["headcount"],
        ),
        (orgs[3].pk, "near_miss", None, "仅一项不满足：X", []),
    ]
    assert [r.status for r in organisation_run_results(migrated, orgs[3].pk)] == [
        "eligible_if_data_supplied",
        "near_miss",
    ]
