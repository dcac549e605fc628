"""Pages and API of the demands app: scope, bad input, pinned query counts."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from yiqiao.demands import matching, services
from yiqiao.demands.models import Demand, Response, RoutingRule

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_index() -> None:
    matching.clear_cache()


@pytest.fixture
def space(regions: Any, units: Any) -> Any:
    from yiqiao.registry.models import Space

    return Space.objects.create(
        name="转化医学园3号楼GMP厂房",
        kind="plant",
        park=regions["park"],
        total_area_m2=Decimal("2000"),
        available_area_m2=Decimal("1200"),
        rent_yuan_per_m2_month=Decimal("45"),
        gmp_grade="D级",
        description="D级洁净厂房，适合体外诊断试剂生产。",
        owner_unit=units["park"],
    )


def _many(submit: Any, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        submit(text=f"第{i}号需求：需要{100 + i}平方米的实验室")


def test_it_shows_the_routed_demand_in_the_park_inbox(
    submit: Any, bob: Any, client_for: Any
) -> None:
    demand = submit()
    page = client_for(bob).get(reverse("demands:inbox"))
    assert page.status_code == 200
    assert demand.title in page.content.decode()


def test_it_shows_the_outsider_an_empty_inbox(submit: Any, charlie: Any, client_for: Any) -> None:
    demand = submit()
    client = client_for(charlie)
    page = client.get(reverse("demands:inbox") + "?unit=all")
    assert demand.title not in page.content.decode()
    assert client.get(reverse("demands:demand-detail", args=[demand.pk])).status_code == 404
    assert client.get(f"/api/demands/demands/{demand.pk}").status_code == 404


def test_it_refuses_the_outsider_every_action_and_changes_nothing(
    submit: Any, charlie: Any, client_for: Any
) -> None:
    demand = submit()
    client = client_for(charlie)
    for name in ("accept", "respond", "resolve", "close", "follow-up", "suggestion-accept"):
        response = client.post(reverse(f"demands:{name}", args=[demand.pk]), {"text": "x"})
        assert response.status_code == 404, name
    api = client.post(
        f"/api/demands/demands/{demand.pk}/accept", {}, content_type="application/json"
    )
    assert api.status_code == 404
    demand.refresh_from_db()
    assert (demand.state, demand.row_version) == ("submitted", 1)
    assert Response.objects.count() == 0


def test_it_refuses_a_viewer_handling_a_demand(submit: Any, viewer: Any, client_for: Any) -> None:
    demand = submit(category="policy", text="想了解租金补贴")
    client = client_for(viewer)
    assert client.get(reverse("demands:demand-detail", args=[demand.pk])).status_code == 200
    assert client.post(reverse("demands:accept", args=[demand.pk])).status_code == 403
    demand.refresh_from_db()
    assert demand.state == "submitted"


def test_it_pins_the_inbox_query_count(
    submit: Any, bob: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(bob)
    _many(submit, 3)
    client.get(reverse("demands:inbox"))  # warm the session and scope
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("demands:inbox"))
    _many(submit, 12, start=3)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("demands:inbox"))
    assert page.content.decode().count("第") >= 15


def test_it_pins_the_funnel_query_count_and_counts(
    submit: Any, bob: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    demand = submit()
    services.demand_respond(demand=demand, by=bob, text="已推荐园区厂房")
    services.demand_convert(demand=demand, by=bob, kind="space_lease")
    _many(submit, 2)
    client = client_for(bob)
    client.get(reverse("demands:funnel"))
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("demands:funnel"))
    _many(submit, 8, start=2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("demands:funnel"))
    data = client.get("/api/demands/funnel").json()
    assert data["total"] == {"raised": 11, "answered": 1, "on_time": 1, "converted": 1}


def test_it_takes_a_need_from_the_enterprise_form_once(
    ent_user: Any, enterprise: Any, org_factory: Any, client_for: Any, rules: Any
) -> None:
    other = org_factory("别家公司")
    client = client_for(ent_user)
    form = {
        "category": "space",
        "text": "需要800平方米的D级洁净车间",
        "area_min_m2": "600",
        "organisation": str(other.pk),  # ignored: the enterprise is fixed
    }
    first = client.post(reverse("demands:demand-create"), form)
    second = client.post(reverse("demands:demand-create"), form, follow=True)
    assert first.status_code == 302
    assert Demand.objects.count() == 1
    demand = Demand.objects.get()
    assert demand.organisation == enterprise
    assert "相同内容的需求刚刚已提交，未重复登记。" in second.content.decode()


BAD_FORMS = [
    ({"category": "space", "text": ""}, "需求描述不能为空，请写明需要什么"),
    ({"category": "space", "text": "长" * 20001}, "需求描述过长，请控制在20000字以内"),
    ({"category": "lunch", "text": "要厂房"}, "lunch"),
    ({"category": "space", "text": "要厂房", "area_min_m2": "9", "area_max_m2": "1"}, "面积上限"),
]


@pytest.mark.parametrize(("form", "message"), BAD_FORMS)
def test_it_explains_bad_form_input_and_writes_nothing(
    ent_user: Any, client_for: Any, rules: Any, form: dict[str, str], message: str
) -> None:
    page = client_for(ent_user).post(reverse("demands:demand-create"), form)
    assert page.status_code == 200
    assert message in page.content.decode()
    assert Demand.objects.count() == 0


def test_it_refuses_an_officer_raising_for_an_enterprise_outside_scope(
    bob: Any, org_factory: Any, regions: Any, client_for: Any, rules: Any
) -> None:
    elsewhere = org_factory("开发区企业", park=regions["zone"])
    client = client_for(bob)
    page = client.post(
        reverse("demands:demand-create"),
        {"organisation": elsewhere.pk, "category": "space", "text": "要厂房", "channel": "visit"},
    )
    assert page.status_code == 200
    api = client.post(
        "/api/demands/demands",
        {"organisation_id": elsewhere.pk, "category": "space", "text": "要厂房"},
        content_type="application/json",
    )
    assert api.status_code == 404
    assert Demand.objects.count() == 0


def test_it_submits_through_the_api_once(ent_user: Any, client_for: Any, rules: Any) -> None:
    client = client_for(ent_user)
    body = {"category": "space", "text": "需要冷链仓储"}
    first = client.post("/api/demands/demands", body, content_type="application/json")
    again = client.post("/api/demands/demands", body, content_type="application/json")
    assert (first.status_code, first.json()["is_duplicate"]) == (201, False)
    assert (again.status_code, again.json()["is_duplicate"]) == (200, True)
    assert again.json()["demand"]["id"] == first.json()["demand"]["id"]
    bad = client.post(
        "/api/demands/demands", {"category": "lunch", "text": "x"}, content_type="application/json"
    )
    assert bad.status_code == 422
    assert "未知的需求类别" in bad.json()["detail"]
    assert Demand.objects.count() == 1


def test_it_answers_409_for_a_stale_row_version(submit: Any, bob: Any, client_for: Any) -> None:
    demand = submit()
    client = client_for(bob)
    url = f"/api/demands/demands/{demand.pk}/accept"
    ok = client.post(url, {"row_version": 1}, content_type="application/json")
    stale = client.post(url, {"row_version": 1}, content_type="application/json")
    assert ok.status_code == 200
    assert ok.json()["state"] == "accepted"
    assert stale.status_code == 409


def test_it_answers_422_for_an_illegal_transition(submit: Any, bob: Any, client_for: Any) -> None:
    demand = submit()
    response = client_for(bob).post(
        f"/api/demands/demands/{demand.pk}/resolve", {}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["detail"] == "需求当前为“已提交”，不能办结（可执行：受理、关闭）"


def test_it_suggests_a_space_and_accepts_it_with_one_click(
    submit: Any, bob: Any, client_for: Any, space: Any
) -> None:
    demand = submit()
    client = client_for(bob)
    data = client.get(f"/api/demands/demands/{demand.pk}/suggestions").json()
    keys = [s["key"] for s in data["results"]]
    assert f"space:{space.pk}" in keys
    assert f"org:{demand.organisation_id}" not in keys  # never the asking enterprise itself
    first = next(s for s in data["results"] if s["key"] == f"space:{space.pk}")
    # each requirement of the need, with the record's value; no raw score
    checks = {c["name"]: (c["mark"], c["value"]) for c in first["checks"]}
    assert checks["space.available_area_m2"] == ("✓", "1200㎡")
    assert checks["space.kind"] == ("✓", "厂房")
    assert checks["space.gmp"] == ("?", "未登记")  # the record does not say: 待核实
    assert first["to_verify"] and "score" not in first
    assert "满足：可用面积 介于 800–1200㎡（1200㎡）" in first["reasons"]
    page = client.post(
        reverse("demands:suggestion-accept", args=[demand.pk]),
        {"key": f"space:{space.pk}"},
        HTTP_HX_REQUEST="true",
    )
    assert page.status_code == 200
    assert "已推荐" in page.content.decode()
    client.post(
        reverse("demands:suggestion-accept", args=[demand.pk]), {"key": f"space:{space.pk}"}
    )
    response = Response.objects.get()
    assert (response.resource_key, response.is_referral) == (f"space:{space.pk}", True)
    demand.refresh_from_db()
    assert (demand.state, demand.assignee) == ("responded", bob)


def test_it_refuses_a_forged_suggestion_key(submit: Any, bob: Any, client_for: Any) -> None:
    demand = submit()
    response = client_for(bob).post(
        f"/api/demands/demands/{demand.pk}/suggestions/accept",
        {"key": "space:999999"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert Response.objects.count() == 0


def test_it_exports_needs_and_outcomes_as_xlsx(submit: Any, bob: Any, client_for: Any) -> None:
    from io import BytesIO

    from openpyxl import load_workbook

    demand = submit()
    services.demand_respond(demand=demand, by=bob, text="推荐厂房")
    services.demand_convert(demand=demand, by=bob, kind="space_lease", amount_yuan=Decimal("5"))
    response = client_for(bob).get(reverse("demands:export"))
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "编号"
    assert rows[1][0] == demand.pk
    assert rows[1][15] == "载体租赁（5.00元）"


def test_it_lists_the_organisations_demands_on_its_page(
    submit: Any, bob: Any, enterprise: Any, client_for: Any
) -> None:
    demand = submit()
    page = client_for(bob).get(reverse("registry:organisation-detail", args=[enterprise.pk]))
    assert 'id="demands-panel"' in page.content.decode()
    assert demand.title in page.content.decode()


def test_it_lets_only_admins_change_routing(
    admin_user: Any, alice: Any, units: Any, client_for: Any, client: Any
) -> None:
    url = reverse("demands:routing")
    body = {"form": "rule", "category": "financing", "region": "", "unit": units["bureau"].pk}
    assert client_for(alice).post(url, body).status_code == 403
    assert RoutingRule.objects.count() == 0
    client.force_login(admin_user)
    assert client.post(url, body).status_code == 302
    rule = RoutingRule.objects.get()
    assert (rule.category, rule.unit) == ("financing", units["bureau"])
    sla = {"form": "sla", "category": "financing", "accept_days": "2", "respond_days": "1"}
    page = client.post(url, sla, follow=True)
    assert "时限须满足" in page.content.decode()


def test_it_lists_overdue_demands(submit: Any, bob: Any, client_for: Any) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    old = submit(now=datetime(2026, 1, 5, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    fresh = submit(text="新的需求：要实验室")
    content = client_for(bob).get(reverse("demands:overdue")).content.decode()
    assert old.title in content
    assert fresh.title not in content
    api = client_for(bob).get("/api/demands/demands?time_status=overdue").json()
    assert [d["id"] for d in api["results"]] == [old.pk]
    assert json.dumps(api["results"][0]["time_status"]) == '"overdue"'


def test_it_uploads_attachments_through_the_api_checking_each_file(
    submit: Any, ent_user: Any, charlie: Any, client_for: Any, settings: Any, tmp_path: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from yiqiao.demands.models import DemandAttachment

    settings.MEDIA_ROOT = tmp_path
    demand = submit()
    url = f"/api/demands/demands/{demand.pk}/attachments"
    client = client_for(ent_user)
    bad = client.post(
        url,
        {
            "files": [
                SimpleUploadedFile("ok.pdf", b"%PDF-1.4 x"),
                SimpleUploadedFile("evil.docx", b"MZ not zip"),
            ]
        },
    )
    assert bad.status_code == 422
    assert "“evil.docx”的内容与扩展名不符" in bad.json()["detail"]
    assert DemandAttachment.objects.count() == 0
    good = client.post(url, {"files": [SimpleUploadedFile("site.png", b"\x89PNG\r\n\x1a\n..")]})
    assert good.status_code == 201
    assert [a["kind"] for a in good.json()] == ["image"]
    client.logout()
    outsider = client_for(charlie).post(
        url, {"files": [SimpleUploadedFile("x.pdf", b"%PDF-1.4 x")]}
    )
    assert outsider.status_code == 404
    assert DemandAttachment.objects.count() == 1


def test_it_exposes_routing_rules_and_time_limits_in_the_api(
    admin_user: Any, alice: Any, units: Any, client_for: Any, client: Any
) -> None:
    body = {"category": "clinical", "unit_id": units["bureau"].pk}
    denied = client_for(alice).post(
        "/api/demands/routing-rules", body, content_type="application/json"
    )
    assert denied.status_code == 403
    client.force_login(admin_user)
    made = client.post("/api/demands/routing-rules", body, content_type="application/json")
    assert made.status_code == 201
    assert made.json()["unit"] == "桐华区投资促进局"
    sla = client.post(
        "/api/demands/sla-policies",
        {"category": "clinical", "accept_days": 2, "respond_days": 8},
        content_type="application/json",
    )
    assert sla.json() == {"category": "clinical", "accept_days": 2, "respond_days": 8}
    rows = {r["category"]: r for r in client.get("/api/demands/sla-policies").json()}
    assert (rows["clinical"]["respond_days"], rows["other"]["respond_days"]) == (8, 5)


def test_it_keeps_routing_rules_to_the_region_of_the_admin_who_sets_them(
    admin_user: Any, charlie: Any, units: Any, regions: Any, client_for: Any
) -> None:
    from yiqiao.accounts.models import User

    url = reverse("demands:routing")
    client = client_for(admin_user)
    # An empty region is the admin's whole area, not every district's.
    assert (
        client.post(
            url, {"form": "rule", "category": "space", "region": "", "unit": units["park"].pk}
        ).status_code
        == 302
    )
    rule = RoutingRule.objects.get()
    assert (rule.region, rule.unit) == (regions["district"], units["park"])
    page = client.post(
        url,
        {
            "form": "rule",
            "category": "space",
            "region": regions["other"].pk,
            "unit": units["park"].pk,
        },
        follow=True,
    )
    assert "请选择本单位辖区内的区域" in page.content.decode()
    assert RoutingRule.objects.count() == 1

    outsider_admin = User.objects.create(
        username="olga", org_unit=units["outsider"], role="admin", display_name="olga"
    )
    for user in (charlie, outsider_admin):
        listed = client_for(user).get(url).content.decode()
        assert "转化医学产业园管委会" not in listed
        assert client_for(user).get("/api/demands/routing-rules").json() == []


def test_it_names_a_needs_history_in_the_pages_language(
    submit: Any, bob: Any, client_for: Any
) -> None:
    # Issue #10: the history list was built from Chinese engine labels ("受理：已提交→已受理"),
    # so an English page still read them in Chinese.
    demand = submit()
    client = client_for(bob)
    client.post(
        f"/api/demands/demands/{demand.pk}/accept",
        {"row_version": 1},
        content_type="application/json",
    )
    url = reverse("demands:demand-detail", args=[demand.pk])
    zh = client.get(url).content.decode()
    zh_history = zh.split('id="transitions"', 1)[1].split("</ol>", 1)[0]
    assert "受理" in zh_history and "已提交 → 已受理" in zh_history
    client.cookies["django_language"] = "en"
    page = client.get(url).content.decode()
    history = page.split('id="transitions"', 1)[1].split("</ol>", 1)[0]
    assert "Accepted" in history and "Submitted" in history
    assert not re.search(r"[\u4e00-\u9fff]", re.sub(r"（[^）]*）", "", history)), history
    states = client.get("/api/demands/states").json()
    assert [s["label"] for s in states][:2] == ["Submitted", "Accepted"]


def test_it_warms_the_matching_index_the_need_page_reads(space: Any) -> None:
    """The warm-up task builds the one engine's catalogue (the district with the most spaces, as
    of today), so the first need page after a bulk import does not pay for it."""
    from django.utils import timezone

    from yiqiao.demands import tasks
    from yiqiao.demands.management.commands.demands_match import default_district

    assert tasks.warm_matching_index.call() >= 1
    key = (default_district().pk, timezone.localdate())
    assert f"space:{space.pk}" in {c.key for c in matching._CACHE[key].candidates}


def test_it_keeps_each_districts_catalogue_when_needs_of_two_districts_alternate(
    regions: Any, space: Any
) -> None:
    """Needs of several districts arrive interleaved: each district's catalogue is built once,
    not rebuilt at every change of district (that cost the need page its p95)."""
    from django.utils import timezone

    today = timezone.localdate()
    district = matching.catalogue_for(regions["district"], today)
    everywhere = matching.catalogue_for(None, today)
    assert matching.catalogue_for(regions["district"], today) is district
    assert matching.catalogue_for(None, today) is everywhere


def test_the_inbox_deadline_filter_reads_in_english(submit: Any, bob: Any, client_for: Any) -> None:
    """The deadline-state menu showed its Chinese labels in English mode."""
    client = client_for(bob)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("demands:inbox")).content.decode()
    for english in ("Overdue", "Due soon"):
        assert f">{english}</option>" in page
    assert ">即将到期</option>" not in page


def test_the_requirements_read_and_their_checks_read_in_english(
    submit: Any, bob: Any, client_for: Any, space: Any
) -> None:
    """Issue 10: the requirements read from a need ("可用面积 介于 …㎡") and each suggestion's
    ✓/✗/? checks were Chinese on an English page. The need's own words stay as typed."""
    demand = submit()
    client = client_for(bob)
    url = reverse("demands:demand-detail", args=[demand.pk])
    zh = client.get(url).content.decode()
    assert "可用面积" in zh.split('id="need-requirements"', 1)[1].split("</dd>", 1)[0]
    client.cookies["django_language"] = "en"
    page = client.get(url).content.decode()
    read = page.split('id="need-requirements"', 1)[1].split("</dd>", 1)[0]
    assert "Available area between" in read and "m²" in read, read
    fragment = client.get(reverse("demands:suggestions", args=[demand.pk])).content.decode()
    assert space.name in fragment
    checks = re.findall(r'<ul class="checks"[^>]*>.*?</ul>', page + fragment, re.S)
    assert len(checks) >= 2, "the requirements and at least one suggestion's checks"
    for section in checks:
        shown = re.sub(r"「[^」]*」", "", section)  # the need's own words, quoted
        assert not re.search(r"[\u4e00-\u9fff]", shown), shown
