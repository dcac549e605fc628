"""Pages and API: scoping, outsider refused everywhere, viewer read-only, pinned query counts."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from yiqiao.projects import services
from yiqiao.projects.models import Activity, Project, StageChange
from yiqiao.projects.services import translational
from yiqiao.registry.models import Organisation

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def tp(alice: Any, org_factory: Any, regions: Any) -> Any:
    return translational.translation_create(
        data={
            "title": "示例诊断试剂",
            "origin": org_factory("示例大学", kind=Organisation.Kind.UNIVERSITY),
            "team_lead": "陈",
            "product_type": "ivd",
            "landing_region": regions["park"],
        },
        by=alice,
    )


def _pages(project: Any, tp: Any) -> list[str]:
    return [
        reverse("projects:board"),
        reverse("projects:project-list"),
        reverse("projects:follow-ups"),
        reverse("projects:figures"),
        reverse("projects:translation-board"),
    ]


def test_it_hides_projects_from_an_outsider_everywhere(
    client_for: Any, charlie: Any, project: Any, tp: Any
) -> None:
    client = client_for(charlie)
    for url in _pages(project, tp):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "示例抗体药物产业化基地" not in response.content.decode(), url
    export = load_workbook(io.BytesIO(client.get(reverse("projects:project-export")).content))
    assert export.active is not None
    assert len(list(export.active.iter_rows(values_only=True))) == 1  # the header only
    assert client.get(reverse("projects:project-detail", args=[project.pk])).status_code == 404
    assert client.get(reverse("projects:translation-detail", args=[tp.pk])).status_code == 404
    before = (project.stage, project.row_version)
    response = client.post(
        reverse("projects:project-move", args=[project.pk]), {"to_stage": "contacted"}
    )
    assert response.status_code == 404
    for name in ("activity-add", "signing-add", "milestone-add", "project-edit"):
        assert client.post(reverse(f"projects:{name}", args=[project.pk]), {}).status_code == 404
    assert client.post(reverse("projects:form-company", args=[tp.pk]), {}).status_code == 404
    project.refresh_from_db()
    assert (project.stage, project.row_version) == before
    assert Activity.objects.count() == 0


def test_it_refuses_an_outsider_through_the_api(
    client_for: Any, charlie: Any, project: Any, tp: Any
) -> None:
    client = client_for(charlie)
    listing = client.get("/api/projects/projects").json()
    assert listing["count"] == 0
    assert client.get(f"/api/projects/projects/{project.pk}").status_code == 404
    response = client.post(
        f"/api/projects/projects/{project.pk}/transitions",
        json.dumps({"to_stage": "contacted", "row_version": project.row_version}),
        content_type="application/json",
    )
    assert response.status_code == 404
    assert client.get("/api/projects/translation").json() == []
    assert (
        client.post(
            f"/api/projects/translation/{tp.pk}/company",
            json.dumps({"name": "x", "uscc": "91350100M000100Y43"}),
            content_type="application/json",
        ).status_code
        == 404
    )
    assert StageChange.objects.filter(project=project).count() == 1


def test_it_lets_a_park_officer_see_park_projects_only(
    client_for: Any, bob: Any, project: Any, alice: Any, regions: Any
) -> None:
    services.project_create(
        data={"title": "开发区项目", "target_region": regions["zone"]}, by=alice
    )
    listing = client_for(bob).get("/api/projects/projects").json()
    assert [p["title"] for p in listing["results"]] == ["示例抗体药物产业化基地"]


def test_it_keeps_a_viewer_read_only_and_hides_unsigned_amounts(
    client_for: Any, viewer: Any, project: Any
) -> None:
    client = client_for(viewer)
    page = client.get(reverse("projects:project-detail", args=[project.pk])).content.decode()
    assert "未签约项目的计划金额仅对有权限的人员显示" in page
    assert "5.00亿" not in page
    data = client.get(f"/api/projects/projects/{project.pk}").json()
    assert data["planned_amount"] is None
    assert (
        client.post(
            reverse("projects:project-move", args=[project.pk]), {"to_stage": "contacted"}
        ).status_code
        == 403
    )
    response = client.post(
        f"/api/projects/projects/{project.pk}/transitions",
        json.dumps({"to_stage": "contacted", "row_version": project.row_version}),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert Project.objects.get(pk=project.pk).stage == "lead"


def test_it_answers_409_on_a_stale_edit_and_422_on_a_skip(
    client_for: Any, alice: Any, project: Any
) -> None:
    client = client_for(alice)
    url = f"/api/projects/projects/{project.pk}/transitions"
    skip = client.post(
        url,
        json.dumps({"to_stage": "signed", "row_version": project.row_version}),
        content_type="application/json",
    )
    assert skip.status_code == 422
    assert skip.json()["detail"] == ("不能从“线索”直接跳到“签约”，须先经过“接洽”、“考察”、“洽谈”")
    ok = client.post(
        url,
        json.dumps({"to_stage": "contacted", "row_version": project.row_version}),
        content_type="application/json",
    )
    assert ok.status_code == 200
    assert ok.json()["stage"] == "contacted"
    stale = client.patch(
        f"/api/projects/projects/{project.pk}",
        json.dumps({"row_version": project.row_version, "title": "改名"}),
        content_type="application/json",
    )
    assert stale.status_code == 409
    assert Project.objects.get(pk=project.pk).title == "示例抗体药物产业化基地"


def test_it_moves_a_card_on_the_board_with_htmx_and_shows_refusals(
    client_for: Any, alice: Any, project: Any
) -> None:
    client = client_for(alice)
    url = reverse("projects:project-move", args=[project.pk])
    response = client.post(
        url,
        {"to_stage": "contacted", "row_version": project.row_version, "origin": "board"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "已进入“接洽”阶段" in response.content.decode()
    refused = client.post(
        url,
        {"to_stage": "signed", "row_version": project.row_version + 1, "origin": "board"},
        HTTP_HX_REQUEST="true",
    )
    assert "阶段变更未执行：不能从“接洽”直接跳到“签约”" in refused.content.decode()
    assert Project.objects.get(pk=project.pk).stage == "contacted"


def _many(alice: Any, investor: Any, regions: Any, n: int) -> None:
    for i in range(n):
        p = services.project_create(
            data={
                "title": f"项目{i}",
                "investors": [investor],
                "target_region": regions["park"],
                "next_follow_up_on": TODAY - dt.timedelta(days=1),
            },
            by=alice,
        )
        Activity.objects.create(project=p, kind="call", happened_on=TODAY, summary="电话")
        if i % 2:
            services.signing_record(
                project=p,
                signed_on=TODAY,
                agreement_type="investment",
                amount=Decimal("1000"),
                currency="CNY",
                signatories="甲乙",
                by=alice,
            )


def _counts(client: Any, urls: list[str]) -> dict[str, int]:
    counts = {}
    for url in urls:
        client.get(url)  # warm the session and user caches
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200, url
        counts[url] = len(captured)
    return counts


def test_it_pins_query_counts_of_board_list_figures_and_page(
    client_for: Any, alice: Any, investor: Any, regions: Any, project: Any
) -> None:
    client = client_for(alice)
    budgets = {
        reverse("projects:board"): 18,
        reverse("projects:project-list"): 10,
        reverse("projects:figures"): 12,
        reverse("projects:follow-ups"): 7,
        reverse("projects:project-detail", args=[project.pk]): 16,
        reverse("projects:translation-board"): 19,
        "/api/projects/board": 16,
        f"/api/projects/projects/{project.pk}": 14,
    }
    _many(alice, investor, regions, 2)
    small = _counts(client, list(budgets))
    _many(alice, investor, regions, 10)
    large = _counts(client, list(budgets))
    assert large == small
    assert {u: n for u, n in large.items() if n > budgets[u]} == {}


def test_it_lists_my_overdue_follow_ups(client_for: Any, alice: Any, project: Any) -> None:
    Project.objects.filter(pk=project.pk).update(next_follow_up_on=TODAY - dt.timedelta(days=2))
    page = client_for(alice).get(reverse("projects:follow-ups")).content.decode()
    assert "示例抗体药物产业化基地" in page
    assert "已逾期" in page


def test_it_shows_the_projects_panel_on_the_organisation_page(
    client_for: Any, alice: Any, charlie: Any, project: Any, investor: Any
) -> None:
    url = reverse("registry:organisation-detail", args=[investor.pk])
    assert "示例抗体药物产业化基地" in client_for(alice).get(url).content.decode()


def test_it_serves_translation_projects_and_figures_over_the_api(
    client_for: Any, alice: Any, tp: Any, project: Any
) -> None:
    client = client_for(alice)
    listing = client.get("/api/projects/translation").json()
    assert [(t["title"], t["gate"], t["landing_region"]) for t in listing] == [
        ("示例诊断试剂", "", tp.landing_region_id)
    ]
    gate = client.post(
        f"/api/projects/translation/{tp.pk}/gates",
        json.dumps({"to_gate": "preclinical", "passed_on": TODAY.isoformat()}),
        content_type="application/json",
    )
    assert gate.status_code == 422
    assert gate.json()["detail"] == "不能从“立项”直接进入“临床前”，须先通过“概念验证”"
    figures = client.get("/api/projects/figures").json()
    assert [s["reached"] for s in figures["funnel"]][:2] == [1, 0]
    assert figures["signed_totals_by_currency"] == {}


def test_it_offers_only_incubators_in_scope_on_the_translation_form(
    client_for: Any, alice: Any, charlie: Any, org_factory: Any, regions: Any
) -> None:
    from django.urls import reverse

    # registered outside both districts; maintained by the district bureau (org_factory default)
    centre = org_factory("桐华（沪）离岸孵化中心", kind="incubator", region=regions["province"])
    page = client_for(alice).get(reverse("projects:translation-create"))
    assert centre in page.context["form"].fields["incubator"].queryset
    page = client_for(charlie).get(reverse("projects:translation-create"))
    assert centre not in page.context["form"].fields["incubator"].queryset


def test_it_creates_a_project_with_an_empty_region_code_as_no_region(
    client_for: Any, alice: Any
) -> None:
    # Found by the API fuzzing run: "" reached the foreign key and answered 500.
    response = client_for(alice).post(
        "/api/projects/projects",
        json.dumps({"title": "空区域编码的项目", "target_region": ""}),
        content_type="application/json",
    )
    assert response.status_code == 201
    assert Project.objects.get(title="空区域编码的项目").target_region is None
