"""A screening run stores, for each 快申快享 row, the missing fields the enterprise page lists:
only fields that can still decide (a benefit field is not asked for while a condition is
undecided), in the calculator's order (issue 15: batch and single agree on missing fields)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from yiqiao.policies import engine
from yiqiao.policies.models import OrganisationFact, ScreeningGroup, ScreeningRun
from yiqiao.policies.queries import organisation_calculator, run_results
from yiqiao.policies.services.screening import screening_run_create
from yiqiao.registry.models import Organisation

from .app_support import HEADER, ON, RD_SUBSIDY, sync, use_fast_hasher, write_library

pytestmark = pytest.mark.django_db

HEADCOUNT_RATE = (
    HEADER
    + """id: t.small_rd
title: 测试小微企业研发补助
category: 研发创新
status: published
delivery: apply
effective_from: 2024-01-01
conditions:
  - field: kind
    eq: enterprise
  - field: region_code
    eq: "tp.jc.th"
  - field: headcount
    lt: 500
  - field: talents_leading
    ge: 1
benefit:
  rate: 10%
  of: rd_spend_yuan
  cap: 200万
tests:
  - name: 小企业研发投入1000万元
    on: 2025-03-31
    profile: {kind: enterprise, region_code: "tp.jc.th", headcount: 80, talents_leading: 1, rd_spend_yuan: 1000万}
    expect: {status: eligible, amount: 100万}
  - name: 人数过多
    on: 2025-03-31
    profile: {kind: enterprise, region_code: "tp.jc.th", headcount: 800, talents_leading: 1, rd_spend_yuan: 1000万}
    expect: {status: ineligible}
"""
)


@pytest.fixture(autouse=True)
def fast_hasher(settings: Any) -> None:
    use_fast_hasher(settings)


def test_it_stores_the_missing_fields_the_calculator_lists(
    tmp_path: Path,
    regions: dict[str, Any],
    org_factory: Any,
    alice: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    folder = write_library(
        tmp_path / "lib", {"rd_subsidy.yaml": RD_SUBSIDY, "small_rd.yaml": HEADCOUNT_RATE}
    )
    sync(folder, region=regions["district"])
    # headcount, talents and rd unknown: the two conditions are asked for, the benefit waits
    org_factory("缺人数与研发企业", region=regions["district"])
    # headcount known and small, talents unknown, rd unknown: talents decides, rd waits
    org_factory("缺人才企业", region=regions["district"], headcount=50)
    # everything decided but the benefit's base: rd is the one field asked for
    talent = org_factory("缺研发投入企业", region=regions["district"], headcount=50)
    OrganisationFact.objects.create(
        organisation=talent, field="talents_leading", value=2, as_of=dt.date(2025, 1, 1)
    )
    org_factory(
        "齐全企业", region=regions["district"], headcount=50, rd_spend_yuan=Decimal("30000000")
    )
    with django_capture_on_commit_callbacks(execute=True):
        run = screening_run_create(by=alice, as_of=ON)
    run = ScreeningRun.objects.get(pk=run.pk)
    assert run.status == "done", run.error
    stored = {
        (r.organisation_id, r.policy.code): (tuple(r.missing_fields), r.reasons)
        for r in run_results(run, status=ScreeningGroup.Status.IF_DATA_SUPPLIED)
    }
    expected = {}
    for org in Organisation.objects.filter(region=regions["district"]):
        for policy, item in organisation_calculator(org, on=ON).rows():
            e = item.explanation
            if e.status == engine.IF_DATA_SUPPLIED:
                reason = "其余条件均满足，缺少：" + "、".join(e.missing_labels)
                expected[(org.pk, policy.code)] = (tuple(e.missing_fields), reason)
    assert stored == expected
    patterns = {(code, fields) for (_, code), (fields, _) in expected.items()}
    assert ("t.small_rd", ("headcount", "talents_leading")) in patterns  # not rd_spend_yuan
    assert ("t.small_rd", ("talents_leading",)) in patterns
    assert ("t.small_rd", ("rd_spend_yuan",)) in patterns
