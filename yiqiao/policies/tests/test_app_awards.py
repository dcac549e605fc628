"""List-valued facts and awards received in the app: records, imports, the 快申快享 flow, and the
profile and register snapshot that feed the engine (issue 15)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from yiqiao.core.imports import import_apply, import_plan
from yiqiao.core.models import AuditEvent
from yiqiao.core.tabular import Table, clean_header
from yiqiao.policies import engine
from yiqiao.policies.models import Award, AwardApplication, OrganisationRecord, Policy
from yiqiao.policies.profiles import organisation_profile, register_snapshot
from yiqiao.policies.services import (
    award_application_pay,
    award_application_review,
    award_application_submit,
    award_record,
    organisation_record_add,
    policy_version_add,
)
from yiqiao.policies.tests.app_support import HEADER, use_fast_hasher
from yiqiao.registry.models import Organisation

ON = dt.date(2025, 6, 30)


def table(headers: list[str], rows: list[tuple[int, list[str]]]) -> Table:
    return Table([clean_header(h) for h in headers], rows, "utf-8")


PER_CERTIFICATE = (
    HEADER
    + """id: t.per_cert
title: 测试逐证奖励
status: published
delivery: apply
effective_from: 2025-01-01
conditions:
  - {field: kind, eq: enterprise}
  - count: certificates
    where: [{field: issued_on, in_year: previous}]
    ge: 1
benefit:
  per_item:
    of: certificates
    where: [{field: issued_on, in_year: previous}]
    amount: {table: {by: category, rows: {device_class2: 30万, device_class3: 100万}, default: 0}}
caps:
  annual_minus_received: 150万
tests:
  - name: 两张三类证200万元，受每年150万元限制
    on: 2025-06-30
    profile: {kind: enterprise, certificates: [{category: device_class3, issued_on: 2024-02-01}, {category: device_class3, issued_on: 2024-03-01}]}
    expect: {status: eligible, amount: 150万}
  - name: 没有证
    on: 2025-06-30
    profile: {kind: enterprise, certificates: []}
    expect: {status: ineligible}
"""
)


@pytest.fixture(autouse=True)
def _fast(settings: Any) -> None:
    use_fast_hasher(settings)


@pytest.fixture
def policy(alice: Any) -> Policy:
    created, _ = policy_version_add(
        code_hint="per_cert", text=PER_CERTIFICATE, file="per_cert.yaml", by=alice
    )
    assert created.status == Policy.Status.PUBLISHED
    return created


def certificate(org: Organisation, category: str, issued_on: str, by: Any) -> OrganisationRecord:
    return organisation_record_add(
        organisation=org, field="certificates", data={"category": category, "issued_on": issued_on},
        recorded_on=dt.date(2025, 1, 5), by=by,
    )  # fmt: skip


def test_it_records_a_certificate_and_refuses_one_without_its_date(org_factory, alice):
    org = org_factory("桐华示例器械有限公司")
    record = certificate(org, "device_class3", "2024-02-01", alice)
    assert record.data == {"category": "device_class3", "issued_on": "2024-02-01"}
    with pytest.raises(ValidationError) as caught:
        organisation_record_add(
            organisation=org, field="certificates", data={"category": "device_class2"},
            recorded_on=ON, by=alice,
        )  # fmt: skip
    assert "缺少取证日期（issued_on）" in str(caught.value)
    assert OrganisationRecord.objects.filter(organisation=org).count() == 1
    assert AuditEvent.objects.filter(model="policies.organisationrecord").count() == 1


def test_it_builds_the_same_lists_for_one_profile_and_for_the_register(org_factory, alice):
    org = org_factory("桐华示例器械有限公司")
    other = org_factory("桐华另一器械有限公司")
    certificate(org, "device_class3", "2024-02-01", alice)
    certificate(org, "device_class2", "2024-05-01", alice)
    award_record(organisation=org, policy_code="t.per_cert", amount=Decimal("500000"),
                 awarded_on=dt.date(2025, 3, 1), by=alice)  # fmt: skip
    profile = organisation_profile(org, on=ON)
    assert profile["certificates"] == (
        {"category": "device_class3", "issued_on": dt.date(2024, 2, 1)},
        {"category": "device_class2", "issued_on": dt.date(2024, 5, 1)},
    )
    assert profile["awards_received"] == (
        {"policy": "t.per_cert", "date": dt.date(2025, 3, 1), "amount_yuan": 500000.0},
    )
    assert "certificates" not in organisation_profile(other, on=ON)  # no record: missing data
    register = register_snapshot(Organisation.objects.filter(pk__in=[org.pk, other.pk]), on=ON)
    from yiqiao.policies.engine.synthetic import profiles_from_snapshot

    rows = profiles_from_snapshot(register.snapshot, range(2))
    mine = rows[list(register.organisation_ids).index(org.pk)]
    assert mine["certificates"] == profile["certificates"]
    assert mine["awards_received"] == profile["awards_received"]
    theirs = rows[list(register.organisation_ids).index(other.pk)]
    assert (theirs["certificates"], theirs["awards_received"]) == (None, ())


def test_it_runs_an_application_from_submission_to_payment_and_counts_the_award(
    org_factory, alice, policy
):
    org = org_factory("桐华示例器械有限公司")
    certificate(org, "device_class3", "2024-02-01", alice)
    application = award_application_submit(organisation=org, policy=policy, as_of=ON, by=alice)
    assert (application.status, application.amount_computed) == ("submitted", Decimal("1000000.00"))
    assert "100万元" in application.trace
    approved = award_application_review(
        application=application, approve=True, amount=Decimal("800000"), by=alice,
        row_version=application.row_version,
    )  # fmt: skip
    paid = award_application_pay(application=approved, paid_on=dt.date(2025, 7, 1), by=alice,
                                 reference="ZF-001", row_version=approved.row_version)  # fmt: skip
    award = Award.objects.get(application=paid)
    assert (paid.status, award.amount, award.policy_id, award.source) == (
        "paid",
        Decimal("800000.00"),
        policy.pk,
        "payment",
    )
    # the paid award now counts against the annual cap of 150万: a second certificate pays 70万
    certificate(org, "device_class3", "2024-06-01", alice)
    result = engine.explain(
        __import__("yiqiao.policies.versions", fromlist=["engine_policy"]).engine_policy(policy.current_version),
        organisation_profile(org, on=dt.date(2025, 7, 2)), dt.date(2025, 7, 2),
    )  # fmt: skip
    assert (result.status, result.amount) == ("eligible", 70e4)


def test_it_refuses_an_application_the_engine_does_not_support(org_factory, alice, policy):
    org = org_factory("桐华示例器械有限公司")
    with pytest.raises(ValidationError) as caught:
        award_application_submit(organisation=org, policy=policy, as_of=ON, by=alice)
    assert "暂不能申请" in str(caught.value)
    assert not AwardApplication.objects.exists()


def test_it_refuses_to_approve_more_than_computed_and_to_reject_without_a_reason(
    org_factory, alice, policy
):
    org = org_factory("桐华示例器械有限公司")
    certificate(org, "device_class2", "2024-02-01", alice)
    application = award_application_submit(organisation=org, policy=policy, as_of=ON, by=alice)
    with pytest.raises(ValidationError):
        award_application_review(
            application=application, approve=True, amount=Decimal("300001"), by=alice
        )
    with pytest.raises(ValidationError):
        award_application_review(application=application, approve=False, by=alice)
    application.refresh_from_db()
    assert (application.status, application.amount_approved) == ("submitted", None)


def test_it_imports_awards_received_and_names_bad_rows(org_factory, alice):
    org = org_factory("桐华示例器械有限公司")
    awards = table(
        ["机构名称或统一社会信用代码", "政策编号", "兑付日期", "金额（元）"],
        [(2, ["桐华示例器械有限公司", "national.major_drug", "2024-09-01", "600万"]),
         (3, ["不存在的公司", "x", "2024-13-01", "-1"])],
    )  # fmt: skip
    plan = import_plan(target="policy_awards", table=awards, user=alice)
    assert [o.errors for o in plan.outcomes][1] == [
        "机构“不存在的公司”不在名录中，请先登记或填写统一社会信用代码",
        "兑付日期“2024-13-01”应为日期（如 2024-09-01）",
        "金额“-1”应为非负金额",
    ]
    import_apply(target="policy_awards", table=awards, user=alice, mode="valid")
    assert list(Award.objects.filter(organisation=org).values_list("policy_code", "amount")) == [
        ("national.major_drug", Decimal("6000000.00"))
    ]


def test_it_imports_records_only_for_organisations_in_the_users_scope(org_factory, alice, charlie):
    org_factory("桐华示例器械有限公司")
    records = table(["机构名称或统一社会信用代码", "注册证类别", "取证日期"],
                    [(2, ["桐华示例器械有限公司", "第三类医疗器械", "2024-03-01"])])  # fmt: skip
    plan = import_apply(
        target="policy_records:certificates", table=records, user=charlie, mode="valid"
    )
    assert plan.outcomes[0].errors == [
        "机构“桐华示例器械有限公司”不在名录中，请先登记或填写统一社会信用代码"
    ]
    assert not OrganisationRecord.objects.exists()
    import_apply(target="policy_records:certificates", table=records, user=alice, mode="valid")
    assert list(OrganisationRecord.objects.values_list("data", flat=True)) == [
        {"category": "device_class3", "issued_on": "2024-03-01"}
    ]


def test_it_applies_reviews_and_pays_through_the_pages_within_the_scope(
    org_factory, alice, bob, client_for, policy
):
    from django.urls import reverse

    last_year = dt.date.today().year - 1
    org = org_factory("桐华示例器械有限公司")
    certificate(org, "device_class3", f"{last_year}-02-01", alice)
    client = client_for(alice)
    page = client.get(reverse("registry:organisation-detail", args=[org.pk])).content.decode()
    assert "申请兑现" in page
    apply = reverse("policies:award-apply", args=[org.pk, policy.pk])
    assert client.post(apply).status_code == 302
    application = AwardApplication.objects.get()
    assert (application.status, application.amount_computed) == ("submitted", Decimal("1000000.00"))
    again = client.post(apply, follow=True).content.decode()  # one open application at a time
    assert "已有此政策的在办申请" in again and AwardApplication.objects.count() == 1
    listing = client.get(reverse("policies:application-list")).content.decode()
    assert "桐华示例器械有限公司" in listing and "100万元" in listing
    # the park officer neither sees nor reviews the district's application
    review = reverse("policies:application-review", args=[application.pk])
    assert (
        "桐华示例器械有限公司"
        not in client_for(bob).get(reverse("policies:application-list")).content.decode()
    )
    assert client_for(bob).post(review, {"decision": "approve"}).status_code == 404
    client = client_for(alice)
    refused = client.post(review, {"decision": "approve", "amount": "120万"}, follow=True)
    assert "核准金额不能高于测算金额" in refused.content.decode()
    client.post(review, {"decision": "approve", "amount": "80万"})
    application.refresh_from_db()
    assert (application.status, application.amount_approved) == ("approved", Decimal("800000.00"))
    pay = reverse("policies:application-pay", args=[application.pk])
    assert (
        "兑付日期应为日期"
        in client.post(pay, {"paid_on": "2026-13-01"}, follow=True).content.decode()
    )
    client.post(pay, {"paid_on": dt.date.today().isoformat(), "reference": "ZF-9"})
    award = Award.objects.get(application=application)
    assert (award.amount, award.source) == (Decimal("800000.00"), "payment")
    page = client.get(reverse("registry:organisation-detail", args=[org.pk])).content.decode()
    assert 'id="calc-awards"' in page and "80.00万元" in page
    # the payment counts as received: 150万 a year less the 80万 paid leaves 70万 to apply for
    assert "150万元 − 已获 80万元 → 70万元" in page and "申请兑现" in page
