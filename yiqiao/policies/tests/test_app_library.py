"""Library sync (idempotent, versioned) and the audited status workflow with publish checks."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from yiqiao.core.models import AuditEvent
from yiqiao.policies.models import Policy, PolicyVersion
from yiqiao.policies.profiles import LIBRARY_DIR
from yiqiao.registry.models import Region

from .app_support import ALL, RD_SUBSIDY, sync, use_fast_hasher, write_library

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_hasher(settings: Any) -> None:
    use_fast_hasher(settings)


@pytest.fixture
def library(tmp_path: Path, regions: dict[str, Any]) -> Path:
    folder = write_library(tmp_path / "lib")
    sync(folder, region=regions["district"])
    return folder


def test_it_syncs_files_once_and_changes_nothing_when_run_again(
    tmp_path: Path, regions: dict[str, Any]
) -> None:
    folder = write_library(tmp_path / "lib")
    first = sync(folder, region=regions["district"])
    assert sorted(first.created) == sorted(
        ["t.rd_subsidy", "t.phase1", "t.high_tech", "t.specialised", "t.draft_talent", "t.failing"]
    )
    counts = (Policy.objects.count(), PolicyVersion.objects.count(), AuditEvent.objects.count())
    stamps = list(Policy.objects.order_by("pk").values_list("updated_at", "row_version"))
    second = sync(folder, region=regions["district"])
    assert second.created == [] and second.updated == []
    assert len(second.unchanged) == 6
    assert (
        Policy.objects.count(),
        PolicyVersion.objects.count(),
        AuditEvent.objects.count(),
    ) == counts
    assert list(Policy.objects.order_by("pk").values_list("updated_at", "row_version")) == stamps


def test_it_adds_a_version_when_a_file_changes(library: Path) -> None:
    (library / "rd_subsidy.yaml").write_text(
        RD_SUBSIDY.replace("title: 测试研发投入补助", "title: 测试研发投入补助（修订）"),
        encoding="utf-8",
    )
    report = sync(library)
    assert report.updated == ["t.rd_subsidy"]
    policy = Policy.objects.get(code="t.rd_subsidy")
    assert policy.title == "测试研发投入补助（修订）"
    assert list(policy.versions.values_list("number", flat=True)) == [2, 1]
    assert policy.current_version is not None and policy.current_version.number == 2
    assert policy.status == "published"


def test_it_keeps_the_file_status_only_when_the_checks_pass(library: Path) -> None:
    statuses = dict(Policy.objects.values_list("code", "status"))
    assert statuses["t.rd_subsidy"] == "published"
    assert statuses["t.draft_talent"] == "draft"
    assert statuses["t.failing"] == "review"


def test_it_reports_a_bad_file_with_file_line_and_field(tmp_path: Path) -> None:
    folder = write_library(
        tmp_path / "bad",
        {"bad.yaml": RD_SUBSIDY.replace("field: rd_spend_yuan", "field: rd_budget")},
    )
    report = sync(folder)
    assert report.created == []
    assert len(report.errors) >= 1
    assert report.errors[0].startswith("bad.yaml:")
    assert "rd_budget" in report.errors[0]
    assert Policy.objects.count() == 0


def test_it_syncs_the_real_library_with_the_command(capsys: Any) -> None:
    call_command("policies_sync")
    out = capsys.readouterr().out
    files = [p for p in LIBRARY_DIR.glob("*.yaml") if p.name != "fields.yaml"]
    assert Policy.objects.count() == len(files)
    assert "错误 0 处" in out
    call_command("policies_sync")
    assert "新增 0 项，新版本 0 项" in capsys.readouterr().out
    assert PolicyVersion.objects.count() == len(files)


def test_it_refuses_to_publish_a_policy_whose_tests_fail(
    library: Path, client_for: Any, alice: Any
) -> None:
    policy = Policy.objects.get(code="t.failing")
    client = client_for(alice)
    response = client.post(
        reverse("policies:policy-transition", args=[policy.pk]),
        {"to_status": "published"},
        follow=True,
    )
    policy.refresh_from_db()
    assert policy.status == "review"
    text = response.content.decode()
    assert "未通过发布检查" in text
    assert "测试「人数达标」未通过：预期符合 20万元，实际符合 10万元" in text
    assert "failing.yaml:" in text
    assert not AuditEvent.objects.filter(
        model="policies.policy", object_id=str(policy.pk), action="transition"
    ).exists()


def test_it_moves_a_policy_through_the_workflow_with_audit(
    library: Path, client_for: Any, alice: Any
) -> None:
    policy = Policy.objects.get(code="t.draft_talent")
    client = client_for(alice)
    url = reverse("policies:policy-transition", args=[policy.pk])
    client.post(url, {"to_status": "review", "note": "提交审核"})
    client.post(url, {"to_status": "published"})
    policy.refresh_from_db()
    assert policy.status == "published"
    events = AuditEvent.objects.filter(
        model="policies.policy", object_id=str(policy.pk), action="transition"
    ).order_by("id")
    assert [((e.before or {})["status"], (e.after or {})["status"]) for e in events] == [
        ("draft", "review"),
        ("review", "published"),
    ]
    assert events[0].note == "提交审核"
    assert events[0].actor == alice


def test_it_refuses_an_illegal_transition_in_chinese(
    library: Path, client_for: Any, alice: Any
) -> None:
    policy = Policy.objects.get(code="t.draft_talent")
    response = client_for(alice).post(
        reverse("policies:policy-transition", args=[policy.pk]),
        {"to_status": "published"},
        follow=True,
    )
    policy.refresh_from_db()
    assert policy.status == "draft"
    assert "不能从“草稿”变更为“已发布”" in response.content.decode()


@pytest.mark.parametrize("persona", ["charlie", "viewer"])
def test_it_refuses_a_transition_by_an_outsider_or_viewer(
    library: Path, client_for: Any, persona: str, request: Any
) -> None:
    user = request.getfixturevalue(persona)
    policy = Policy.objects.get(code="t.draft_talent")
    events = AuditEvent.objects.count()
    response = client_for(user).post(
        reverse("policies:policy-transition", args=[policy.pk]), {"to_status": "review"}
    )
    # another district's draft is not even visible (404, as a missing one); a viewer of the
    # district sees it but may not change it (403)
    assert response.status_code == (404 if persona == "charlie" else 403)
    policy.refresh_from_db()
    assert policy.status == "draft"
    assert AuditEvent.objects.count() == events


def test_it_shows_conditions_parameters_tests_and_history_in_chinese(
    library: Path, client_for: Any, alice: Any
) -> None:
    policy = Policy.objects.get(code="t.rd_subsidy")
    text = client_for(alice).get(reverse("policies:policy-detail", args=[policy.pk])).content
    page = text.decode()
    assert "上年度研发投入" in page
    assert "2000万元" in page
    assert "研发投入门槛" in page and "2024-01-01 起 2000万元" in page
    assert "测试用例（通过 2 / 2）" in page
    assert "r1" in page


def test_it_filters_the_library_and_pins_its_query_count(
    library: Path, client_for: Any, alice: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(alice)
    client.get(reverse("policies:library"))  # warm the session and scope caches
    with django_assert_max_num_queries(9):
        response = client.get(reverse("policies:library"))
    assert response.status_code == 200
    assert response.content.decode().count('href="/policies/') >= len(ALL)
    filtered = client.get(reverse("policies:library"), {"delivery": "apply"}).content.decode()
    assert "测试高新技术企业奖励" in filtered and "测试研发投入补助" not in filtered
    by_group = client.get(reverse("policies:library"), {"group": "t_qual"}).content.decode()
    assert "测试专精特新奖励" in by_group and "测试I期临床奖励" not in by_group
    drafts = client.get(reverse("policies:library"), {"status": "draft"}).content.decode()
    assert "测试领军人才奖励（草案）" in drafts and "测试研发投入补助" not in drafts


def test_it_keeps_the_library_query_count_flat_as_policies_grow(
    tmp_path: Path, library: Path, client_for: Any, alice: Any, django_assert_max_num_queries: Any
) -> None:
    more = {
        f"extra_{i}.yaml": RD_SUBSIDY.replace("id: t.rd_subsidy", f"id: t.extra_{i}")
        for i in range(10)
    }
    sync(write_library(tmp_path / "more", more))
    client = client_for(alice)
    client.get(reverse("policies:library"))
    with django_assert_max_num_queries(9):
        client.get(reverse("policies:library"))


def test_it_refuses_publication_through_the_api_with_the_failing_tests(
    library: Path, client_for: Any, alice: Any
) -> None:
    policy = Policy.objects.get(code="t.failing")
    client = client_for(alice)
    detail = client.get(f"/api/policies/policies/{policy.pk}").json()
    assert detail["tests"][0]["passed"] is False
    assert detail["publish_problems"] == [
        "failing.yaml:21:1: [tests] 测试「人数达标」未通过：预期符合 20万元，实际符合 10万元（定额 10万元）"
    ]
    url = f"/api/policies/policies/{policy.pk}/transition"
    refused = client.post(
        url,
        {"to_status": "published", "row_version": detail["row_version"]},
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert "测试「人数达标」未通过" in refused.json()["detail"]
    stale = client.post(
        url, {"to_status": "draft", "row_version": 99}, content_type="application/json"
    )
    assert stale.status_code == 409
    policy.refresh_from_db()
    assert policy.status == "review"


def test_it_refuses_api_transitions_to_an_outsider(
    library: Path, client_for: Any, charlie: Any
) -> None:
    policy = Policy.objects.get(code="t.draft_talent")
    response = client_for(charlie).post(
        f"/api/policies/policies/{policy.pk}/transition",
        {"to_status": "review", "row_version": policy.row_version},
        content_type="application/json",
    )
    assert response.status_code == 404  # another district's draft is not visible at all
    policy.refresh_from_db()
    assert policy.status == "draft"


def test_it_shows_only_published_policies_to_an_enterprise_user(
    library: Path, client_for: Any, units: dict[str, Any], org_factory: Any
) -> None:
    from conftest import make_user

    user = make_user("ent", units["portal"], "enterprise", organisation=org_factory("某企业"))
    data = client_for(user).get("/api/policies/policies").json()
    assert sorted(p["code"] for p in data["results"]) == [
        "t.high_tech",
        "t.phase1",
        "t.rd_subsidy",
        "t.specialised",
    ]
    draft = Policy.objects.get(code="t.draft_talent")
    assert (
        client_for(user).get(reverse("policies:policy-detail", args=[draft.pk])).status_code == 404
    )


def test_it_never_shows_another_districts_draft_to_an_outsider(
    library: Path, client_for: Any, charlie: Any, alice: Any
) -> None:
    """Issue 10, M1: an outsider read another district's draft policy through the API, its page
    and the list search."""
    draft = Policy.objects.get(code="t.draft_talent")
    title = "测试领军人才奖励（草案）"
    mine = client_for(alice)
    assert mine.get(reverse("policies:policy-detail", args=[draft.pk])).status_code == 200
    assert mine.get(f"/api/policies/policies/{draft.pk}").status_code == 200
    client = client_for(charlie)
    assert client.get(f"/api/policies/policies/{draft.pk}").status_code == 404
    assert client.get(reverse("policies:policy-detail", args=[draft.pk])).status_code == 404
    for query in ({"q": "领军人才"}, {"status": "draft"}, {}):
        page = client.get(reverse("policies:library"), query).content.decode()
        assert title not in page
        listed = client.get("/api/policies/policies", query).json()
        assert draft.pk not in [p["id"] for p in listed["results"]]


def test_another_districts_officer_reads_a_published_policy_but_not_its_workings(
    library: Path, client_for: Any, charlie: Any, alice: Any
) -> None:
    """Issue 10 QA walk: an outsider opened /policies/18/ with 200. The policy is published, so
    reading what it offers is right (policies are public); its budget, test cases, source,
    status changes and their officers' names are the issuing district's own business."""
    from yiqiao.policies.services import policy_transition

    policy = Policy.objects.get(code="t.high_tech")
    policy_transition(policy=policy, to_status="expired", by=alice, note="到期停止受理")
    client = client_for(charlie)
    response = client.get(reverse("policies:policy-detail", args=[policy.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "测试高新技术企业奖励" in page and 'class="conditions"' in page
    for internal in (
        "policy-tests", "policy-history", "policy-workflow", "policy-events", "YAML",
        "t.high_tech", "年度预算", "到期停止受理", "alice",
    ):  # fmt: skip
        assert internal not in page, internal
    # its own district's officer still reads them
    own = client_for(alice).get(reverse("policies:policy-detail", args=[policy.pk])).content
    assert "到期停止受理" in own.decode() and 'id="policy-tests"' in own.decode()


def test_it_shows_an_enterprise_what_a_policy_offers_and_none_of_its_workings(
    library: Path, units: dict[str, Any], org_factory: Any, client_for: Any, alice: Any
) -> None:
    # Issue #10: an enterprise user read the policy's test cases, revisions and YAML, its
    # status changes and budget, and raw keys (the group "t_qual", the policy code, parameter
    # names) on the policy pages.
    from conftest import make_user

    company = org_factory("锦城康瑞生物科技有限公司")
    user = make_user("ent", units["portal"], "enterprise", organisation=company)
    policy = Policy.objects.get(code="t.high_tech")
    client = client_for(user)
    page = client.get(reverse("policies:policy-detail", args=[policy.pk])).content.decode()
    assert "测试高新技术企业奖励" in page and 'class="conditions"' in page
    assert "与以下政策就高、不重复享受：测试专精特新奖励" in page
    for internal in (
        "policy-tests", "policy-history", "policy-workflow", "policy-events", "YAML",
        "t_qual", "t.high_tech", "年度预算", "min_rd",
    ):  # fmt: skip
        assert internal not in page, internal
    listing = client.get(reverse("policies:library")).content.decode()
    assert "测试高新技术企业奖励" in listing
    assert "t_qual" not in listing and "t.high_tech" not in listing
    rd = Policy.objects.get(code="t.rd_subsidy")
    rd_page = client.get(reverse("policies:policy-detail", args=[rd.pk])).content.decode()
    assert "min_rd" not in rd_page and "测试用例" not in rd_page
    # Staff still read the workings.
    staff = client_for(alice).get(reverse("policies:policy-detail", args=[policy.pk]))
    staff_page = staff.content.decode()
    assert 'id="policy-tests"' in staff_page and 'id="policy-history"' in staff_page
    assert "t.high_tech" in staff_page


def test_an_open_ended_policy_reads_open_ended_in_english(
    library: Path, client_for: Any, alice: Any
) -> None:
    """The library and a policy's page said 长期 in English mode."""
    client = client_for(alice)
    client.cookies["django_language"] = "en"
    policy = Policy.objects.get(code="t.rd_subsidy")
    assert policy.current_version is not None and policy.current_version.effective_to is None
    for url in (reverse("policies:library"), reverse("policies:policy-detail", args=[policy.pk])):
        page = client.get(url).content.decode()
        assert "2024-01-01 – open-ended" in page
        assert "长期" not in page


def test_a_policys_conditions_read_in_english(library: Path, client_for: Any, alice: Any) -> None:
    """Issue 10: the condition tree on a policy's page was the engine's Chinese in English."""
    client = client_for(alice)
    client.cookies["django_language"] = "en"
    han = re.compile(r"[\u4e00-\u9fff]")
    places = sorted(Region.objects.values_list("name", flat=True), key=len, reverse=True)
    seen = 0
    for policy in Policy.objects.all():
        page = client.get(reverse("policies:policy-detail", args=[policy.pk])).content.decode()
        for section in re.findall(r'<ul class="conditions">.*?</ul>', page, re.S):
            for place in places:  # a region's own name (stored data)
                section = section.replace(place, "")
            seen += section.count("<li")
            assert not han.search(section), section
    assert seen > 5
    rd = Policy.objects.get(code="t.rd_subsidy")
    page = client.get(reverse("policies:policy-detail", args=[rd.pk])).content.decode()
    assert "R&amp;D spending last year ≥ 20M yuan" in page


def test_policy_categories_read_in_english(library: Path, client_for: Any, alice: Any) -> None:
    """Issue 10: a policy's category (stored as the library writes it) stayed Chinese."""
    client = client_for(alice)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("policies:library")).content.decode()
    menu = re.search(r'<select name="category".*?</select>', page, re.S)
    assert menu is not None
    assert ">R&amp;D and innovation</option>" in menu.group(0)
    assert 'value="研发创新"' in menu.group(0)  # the filter still sends the stored value
    assert not re.search(r"[\u4e00-\u9fff]", re.sub(r'value="[^"]*"', "", menu.group(0)))
    rd = Policy.objects.get(code="t.rd_subsidy")
    detail = client.get(reverse("policies:policy-detail", args=[rd.pk])).content.decode()
    assert "<dd>R&amp;D and innovation</dd>" in detail
    client.cookies["django_language"] = "zh-hans"
    assert (
        "<dd>研发创新</dd>"
        in client.get(reverse("policies:policy-detail", args=[rd.pk])).content.decode()
    )
