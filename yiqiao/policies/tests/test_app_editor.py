"""The policy editor: a text composed from the form round-trips every library file, problems are
named on the editor's own fields and nothing is saved, drafts are saved in the officer's region
through the audited workflow, and the reach preview screens the officer's register."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from yiqiao.core.models import AuditEvent
from yiqiao.policies import drafting, engine
from yiqiao.policies.models import Award, OrganisationRecord, Policy
from yiqiao.policies.profiles import LIBRARIES, field_dictionary

from .app_support import use_fast_hasher

TODAY = dt.date.today()
LAST_YEAR = TODAY.year - 1

FORM: dict[str, str] = {
    "document": "《测试区医疗器械产业扶持办法》",
    "number": "测试医〔2026〕2号",
    "article": "第五条",
    "issuer": "测试区人民政府",
    "code": "t.editor.device_cert",
    "title": "医疗器械注册证逐证奖励",
    "category": "产品注册",
    "delivery": "auto",
    "effective_from": f"{LAST_YEAR}-01-01",
    "conditions": (
        "- {field: kind, eq: enterprise}\n"
        '- {field: region_code, eq: "tp.jc.th"}\n'
        "- {count: certificates, where: [{field: issued_on, in_year: previous}], ge: 1}"
    ),
    "benefit": (
        "per_item:\n  of: certificates\n  where: [{field: issued_on, in_year: previous}]\n"
        "  amount:\n    table: {by: category, rows: {device_class2: 30万, device_class3: 100万},"
        " default: 0}"
    ),
    "limits": "caps:\n  annual_minus_received: 150万",
    "tests": (
        f"- name: 一张三类证\n  on: {TODAY}\n"
        f'  profile: {{kind: enterprise, region_code: "tp.jc.th", certificates: '
        f"[{{category: device_class3, issued_on: {LAST_YEAR}-03-01}}]}}\n"
        "  expect: {status: eligible, amount: 100万}\n"
        f"- name: 没有证\n  on: {TODAY}\n"
        '  profile: {kind: enterprise, region_code: "tp.jc.th", certificates: []}\n'
        "  expect: {status: ineligible}"
    ),
}


@pytest.fixture(autouse=True)
def _fast(settings: Any) -> None:
    use_fast_hasher(settings)


def _policy_files() -> list[Path]:
    return [p for lib in LIBRARIES.values() for p in engine.policy_files(lib)]


def test_it_round_trips_every_library_file_through_the_editor(db: Any) -> None:
    # explanations name regions, read from the register (policies.profiles.RegionNames)
    fields = field_dictionary()
    files = _policy_files()
    assert len(files) >= 100
    for path in files:
        original = engine.parse_policy(path, fields)
        again = engine.parse_policy(drafting.compose(drafting.split(path.read_text())).text, fields)
        assert again.id == original.id
        assert [v.source for v in again.versions] == [v.source for v in original.versions]
        assert [(t.status, t.amount) for t in engine.run_tests(again)] == [
            (t.status, t.amount) for t in engine.run_tests(original)
        ], path.name


def _post(client: Any, name: str, **changes: str) -> Any:
    return client.post(reverse(name), {**FORM, **changes})


@pytest.mark.parametrize(
    ("changes", "where"),
    [
        # an unknown field, on its line of the conditions
        (
            {"conditions": "- {field: kind, eq: enterprise}\n- {field: revenu_yuan, ge: 1}"},
            "申报条件 第 2 行",
        ),
        # a table without a row for a code and no default
        ({"benefit": "table: {by: lifecycle_stage, rows: {seed: 10万}}"}, "兑现标准 第 1 行"),
        # a formula dividing by a field that can be zero
        ({"benefit": "formula: 'rd_spend_yuan / headcount'"}, "兑现标准 第 1 行"),
        # a date in the wrong format inside a test case
        (
            {"tests": "- name: x\n  on: 2025-13-40\n  profile: {}\n  expect: {status: ineligible}"},
            "测试用例 第 2 行",
        ),
        # a list item missing its (required) date
        (
            {
                "tests": f"- name: x\n  on: {TODAY}\n"
                "  profile: {certificates: [{category: device_class3}]}\n"
                "  expect: {status: ineligible}"
            },
            "测试用例 第 3 行",
        ),
        # an award() cycle: the policy pays a share of its own award
        ({"benefit": "formula: \"award('t.editor.device_cert') * 50%\""}, "兑现标准"),
        # a date in the wrong format in the particulars
        ({"effective_from": "2025/13/01"}, "生效日期"),
    ],
)
def test_it_names_the_place_of_each_problem_and_publishes_nothing(
    alice: Any, client_for: Any, changes: dict[str, str], where: str
) -> None:
    client = client_for(alice)
    check = _post(client, "policies:policy-check", **changes).content.decode()
    assert 'data-field="' in check and where in check, check[:3000]
    saved = _post(client, "policies:policy-new", **changes)
    if saved.status_code == 200:  # the text does not parse: nothing is written
        assert "未保存，请修正" in saved.content.decode()
        assert where in saved.content.decode()
        assert not Policy.objects.exists()
        return
    # a draft may be saved unfinished; it is not published while the problem stands
    policy = Policy.objects.get()
    transition = reverse("policies:policy-transition", args=[policy.pk])
    client.post(transition, {"to_status": "review"})
    refused = client.post(transition, {"to_status": "published"}, follow=True).content.decode()
    policy.refresh_from_db()
    assert policy.status == "review"
    assert "未通过发布检查" in refused


def test_it_saves_a_draft_in_the_officers_region_and_revises_it(
    alice: Any, bob: Any, client_for: Any, regions: Any
) -> None:
    client = client_for(alice)
    check = _post(client, "policies:policy-check").content.decode()
    assert "通过 2 / 2" in check
    assert "逐项计算" in check and "可以提交审核并发布" in check
    response = _post(client, "policies:policy-new")
    assert response.status_code == 302
    policy = Policy.objects.get(code="t.editor.device_cert")
    assert policy.status == "draft" and policy.region == regions["district"]
    assert policy.document_number == "测试医〔2026〕2号" and policy.article == "第五条"
    assert AuditEvent.objects.filter(model="policies.policy", object_id=str(policy.pk)).exists()
    # the editor opens on the saved text, split back into its sections
    page = client.get(reverse("policies:policy-edit", args=[policy.pk])).content.decode()
    assert "annual_minus_received: 150万" in page and "测试区人民政府" in page
    # a revision: a higher cap; the id may not change
    edit = reverse("policies:policy-edit", args=[policy.pk])
    data = {**FORM, "limits": "caps:\n  annual_minus_received: 200万", "row_version": "1"}
    assert client.post(edit, data).status_code == 302
    policy.refresh_from_db()
    assert policy.versions.count() == 2
    assert "200万" in policy.current_version.yaml_text  # type: ignore[union-attr]
    renamed = client.post(edit, {**data, "code": "t.other", "row_version": "2"})
    assert "政策编号不能修改" in renamed.content.decode()
    # a second draft may not take the same id
    again = _post(client, "policies:policy-new").content.decode()
    assert "已被使用" in again
    # the park officer cannot edit the district's draft
    assert client_for(bob).get(edit).status_code in (403, 404)
    # published: the text is not edited in place
    Policy.objects.filter(pk=policy.pk).update(status="published")
    refused = client_for(alice).post(edit, {**data, "row_version": "2"}).content.decode()
    assert "不能直接修改" in refused


def test_it_previews_the_reach_and_what_a_lower_threshold_would_add(
    alice: Any, client_for: Any, org_factory: Any
) -> None:
    revenues = [3000, 2500, 1900, 1700, 1500, 1000]  # 万元
    for k, revenue in enumerate(revenues):
        org_factory(f"测试企业{k}", revenue_yuan=Decimal(revenue * 10_000))
    form = {
        "conditions": (
            '- {field: kind, eq: enterprise}\n- {field: region_code, eq: "tp.jc.th"}\n'
            "- {field: revenue_yuan, ge: 2000万}"
        ),
        "benefit": "fixed: 10万",
        "limits": "",
        "tests": "",
        "reach_on": TODAY.isoformat(),
    }
    page = _post(alice and client_for(alice), "policies:policy-reach", **form).content.decode()
    assert 'id="reach-eligible">2<' in page
    assert "20.00万元" in page
    # near misses on the revenue bound (within 70 %): 1900, 1700, 1500 万
    assert "3 家" in page
    assert "若门槛为 1800万元：再增加 1 家" in page
    assert "若门槛为 1600万元：再增加 2 家" in page
    assert "若门槛为 1400万元：再增加 3 家，30.00万元" in page


def test_it_shows_a_published_editor_policy_with_its_trace_on_the_enterprise_page(
    alice: Any, client_for: Any, org_factory: Any
) -> None:
    client = client_for(alice)
    assert _post(client, "policies:policy-new").status_code == 302
    policy = Policy.objects.get()
    org = org_factory("测试器械有限公司")
    for category in ("device_class3", "device_class3"):
        OrganisationRecord.objects.create(
            organisation=org,
            field="certificates",
            data={"category": category, "issued_on": f"{LAST_YEAR}-05-01"},
            recorded_on=dt.date(LAST_YEAR, 5, 1),
        )
    Award.objects.create(
        organisation=org,
        policy=policy,
        policy_code=policy.code,
        amount=Decimal("800000"),
        awarded_on=dt.date(TODAY.year, 1, 1),
    )
    detail = reverse("policies:policy-transition", args=[policy.pk])
    client.post(detail, {"to_status": "review"})
    client.post(detail, {"to_status": "published"})
    policy.refresh_from_db()
    assert policy.status == "published"
    page = client.get(reverse("registry:organisation-detail", args=[org.pk])).content.decode()
    assert 'data-policy="t.editor.device_cert"' in page
    assert "70.00万元" in page  # 2 × 100万, capped at 150万 less 80万 already received
