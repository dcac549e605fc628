"""Searchable pickers: the list offered while typing holds only records the user may see, the
forms accept only those, small sets stay plain selects, large sets render only what is chosen."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from yiqiao.core.widgets import SMALL_SET

pytestmark = pytest.mark.django_db


def _pick(client: Any, source: str, q: str, **params: str) -> dict[str, Any]:
    response = client.get(reverse("pick", args=[source]), {"q": q, **params})
    assert response.status_code == 200
    return response.json()


def test_it_finds_an_organisation_by_part_of_its_chinese_name(
    client_for: Any, alice: Any, org_factory: Any
) -> None:
    wanted = org_factory("锦城康瑞生物科技有限公司")
    org_factory("桐华示例医疗器械有限公司")

    data = _pick(client_for(alice), "organisations", "康瑞")

    assert [r["id"] for r in data["results"]] == [wanted.pk]
    assert data["results"][0]["label"] == "锦城康瑞生物科技有限公司"
    assert data["results"][0]["hint"] == "企业 · 桐华区"
    assert data["more"] is False


def test_it_offers_an_outsider_nothing_of_another_district(
    client_for: Any, charlie: Any, alice: Any, org_factory: Any, regions: Any, units: Any
) -> None:
    org_factory("锦城康瑞生物科技有限公司")
    theirs = org_factory(
        "北山康瑞医药有限公司", region=regions["other"], owner_unit=units["outsider"]
    )

    data = _pick(client_for(charlie), "organisations", "康瑞")

    assert [r["id"] for r in data["results"]] == [theirs.pk]


def test_it_narrows_by_kind_and_ignores_unknown_kinds(
    client_for: Any, alice: Any, org_factory: Any
) -> None:
    from yiqiao.registry.models import Organisation

    company = org_factory("康瑞生物有限公司")
    org_factory("康瑞创业投资基金", kind=Organisation.Kind.INVESTOR)
    client = client_for(alice)

    assert [
        r["id"] for r in _pick(client, "organisations", "康瑞", kind="enterprise")["results"]
    ] == [company.pk]
    assert _pick(client, "organisations", "康瑞", kind="nonsense")["results"] == []


def test_it_lists_shorter_names_first_and_says_when_there_are_more(
    client_for: Any, alice: Any, org_factory: Any
) -> None:
    for i in range(25):
        org_factory(f"康瑞{'医' * (i + 1)}有限公司")
    org_factory("康瑞")

    data = _pick(client_for(alice), "organisations", "康瑞")

    assert len(data["results"]) == 20
    assert data["results"][0]["label"] == "康瑞"
    assert data["more"] is True


def test_it_refuses_anonymous_users_and_unknown_sources(client: Any, alice: Any) -> None:
    response = client.get(reverse("pick", args=["organisations"]), {"q": "康"})
    assert response.status_code == 302
    client.force_login(alice)
    assert client.get(reverse("pick", args=["users"])).status_code == 404


def test_it_finds_projects_only_in_scope(
    client_for: Any, alice: Any, charlie: Any, regions: Any
) -> None:
    from yiqiao.projects import services as project_services

    project = project_services.project_create(
        data={"title": "示例抗体药物产业化基地", "target_region": regions["park"]}, by=alice
    )

    assert [r["id"] for r in _pick(client_for(alice), "projects", "抗体")["results"]] == [
        project.pk
    ]
    assert _pick(client_for(charlie), "projects", "抗体")["results"] == []


def test_it_renders_a_small_set_as_a_plain_select_and_a_large_one_with_only_the_choice(
    alice: Any, org_factory: Any, regions: Any
) -> None:
    from yiqiao.projects.forms import ProjectForm

    few = [org_factory(f"桐华第{i}生物有限公司") for i in range(3)]
    html = str(ProjectForm(regions=[regions["park"]], user=alice)["investors"])
    assert 'data-picker="/pick/organisations/?kind=enterprise&amp;kind=investor"' in html
    assert all(f'value="{org.pk}"' in html for org in few)

    for i in range(SMALL_SET):
        org_factory(f"锦城第{i}医药有限公司")
    form = ProjectForm(regions=[regions["park"]], user=alice, initial={"investors": [few[1].pk]})
    html = str(form["investors"])
    assert f'value="{few[1].pk}" selected' in html
    assert f'value="{few[0].pk}"' not in html
    assert html.count("<option") == 1


def test_it_keeps_a_registered_company_to_enterprises(
    alice: Any, org_factory: Any, regions: Any
) -> None:
    from yiqiao.projects.forms import ProjectForm
    from yiqiao.registry.models import Organisation

    fund = org_factory("康瑞创业投资基金", kind=Organisation.Kind.INVESTOR)
    form = ProjectForm(
        {"title": "示例项目", "registered_company": fund.pk, "currency": "CNY"},
        regions=[regions["park"]],
        user=alice,
    )

    assert not form.is_valid()
    assert "registered_company" in form.errors


def test_the_event_signing_form_refuses_an_investor_of_another_district(
    client_for: Any, alice: Any, org_factory: Any, regions: Any, units: Any
) -> None:
    from yiqiao.events import services as event_services
    from yiqiao.projects.models import Signing
    from yiqiao.registry.models import Organisation

    event = event_services.event_create(
        by=alice,
        title="桐华区推介会",
        kind="promotion",
        city="上海",
        starts_on=dt.date(2025, 3, 10),
    )
    theirs = org_factory(
        "北山医药投资有限公司",
        kind=Organisation.Kind.INVESTOR,
        region=regions["other"],
        owner_unit=units["outsider"],
    )
    client = client_for(alice)

    response = client.post(
        reverse("events:signings", args=[event.pk]),
        {
            "new_project_title": "示例项目",
            "investor": theirs.pk,
            "parties": "桐华区；投资方",
            "agreement_type": "strategic",
            "currency": "CNY",
            "project_count": 1,
            "signed_on": "2025-03-10",
        },
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "北山医药投资有限公司" not in page
    assert "选择一个有效的选项" in page
    assert Signing.objects.count() == 0


def test_the_event_signing_form_takes_a_project_and_an_investor_by_picker(
    client_for: Any, alice: Any, org_factory: Any, regions: Any
) -> None:
    from yiqiao.events import services as event_services
    from yiqiao.projects import services as project_services
    from yiqiao.projects.models import Signing
    from yiqiao.registry.models import Organisation

    event = event_services.event_create(
        by=alice,
        title="桐华区推介会",
        kind="promotion",
        city="上海",
        starts_on=dt.date(2025, 3, 10),
    )
    fund = org_factory("沪上医药投资有限公司", kind=Organisation.Kind.INVESTOR)
    project = project_services.project_create(
        data={"title": "示例抗体药物产业化基地", "target_region": regions["park"]}, by=alice
    )
    page = client_for(alice).get(reverse("events:signings", args=[event.pk])).content.decode()
    assert 'data-picker="/pick/projects/"' in page
    assert "已有项目编号" not in page and "名录机构编号" not in page

    response = client_for(alice).post(
        reverse("events:signings", args=[event.pk]),
        {
            "project": project.pk,
            "investor": fund.pk,
            "parties": "桐华区；沪上医药投资有限公司",
            "agreement_type": "strategic",
            "currency": "CNY",
            "project_count": 1,
            "signed_on": "2025-03-10",
        },
    )

    assert response.status_code == 302
    signing = Signing.objects.get()
    assert signing.project_id == project.pk


def test_the_space_owner_is_chosen_among_organisations_in_scope(
    alice: Any, org_factory: Any, regions: Any, units: Any
) -> None:
    from yiqiao.registry.forms import SpaceForm

    ours = org_factory("桐华园区运营有限公司")
    theirs = org_factory("北山置业有限公司", region=regions["other"], owner_unit=units["outsider"])
    data = {
        "name": "A1栋3层",
        "kind": "building",
        "park": regions["park"].pk,
        "total_area_m2": "800",
        "available_area_m2": "800",
        "is_available": "on",
    }

    refused = SpaceForm({**data, "owner": theirs.pk}, user=alice, regions=[regions["park"]])
    accepted = SpaceForm({**data, "owner": ours.pk}, user=alice, regions=[regions["park"]])

    assert "owner" in refused.errors
    assert accepted.is_valid(), accepted.errors
