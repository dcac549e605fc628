"""The server errors found by probing (issue 10): each bad input gets a 4xx with a message
and leaves the data as it was."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db

BIG = 2**63
HUGE_PAGE = 2**62


@pytest.fixture
def officer(client_for: Any, alice: Any) -> Any:
    return client_for(alice)


def test_it_refuses_a_null_description_in_a_patch(officer: Any, org_factory: Any) -> None:
    org = org_factory("锦城康瑞生物科技有限公司", description="研发抗体药物")
    response = officer.patch(
        f"/api/registry/organisations/{org.pk}",
        {"row_version": org.row_version, "description": None},
        content_type="application/json",
    )
    assert response.status_code == 422
    org.refresh_from_db()
    assert org.description == "研发抗体药物"


def test_it_refuses_a_null_description_in_a_project_patch(officer: Any) -> None:
    made = officer.post(
        "/api/projects/projects",
        {"title": "示例项目", "description": "说明"},
        content_type="application/json",
    ).json()
    response = officer.patch(
        f"/api/projects/projects/{made['id']}",
        {"row_version": made["row_version"], "description": None},
        content_type="application/json",
    )
    assert response.status_code == 422
    from yiqiao.projects.models import Project

    assert Project.objects.get(pk=made["id"]).description == "说明"


def test_it_refuses_a_patch_without_row_version(officer: Any, org_factory: Any) -> None:
    org = org_factory("锦城康瑞生物科技有限公司", headcount=10)
    response = officer.patch(
        f"/api/registry/organisations/{org.pk}", {"headcount": 99}, content_type="application/json"
    )
    assert response.status_code == 422
    stale = officer.patch(
        f"/api/registry/organisations/{org.pk}",
        {"headcount": 99, "row_version": org.row_version + 5},
        content_type="application/json",
    )
    assert stale.status_code == 409
    org.refresh_from_db()
    assert org.headcount == 10


@pytest.mark.parametrize(
    "url",
    [
        f"/api/registry/organisations/{BIG}",
        f"/api/projects/projects/{BIG}",
        f"/api/events/events/{BIG}/report",
        f"/api/demands/demands/{BIG}",
        f"/api/policies/policies/{BIG}",
        f"/api/intel/articles/{BIG}",
        f"/registry/organisations/{BIG}/",
        f"/projects/{BIG}/",
    ],
)
def test_it_answers_404_for_an_id_beyond_the_database_range(officer: Any, url: str) -> None:
    assert officer.get(url).status_code == 404


def test_it_refuses_an_id_beyond_the_range_in_a_body(officer: Any) -> None:
    response = officer.post(
        "/api/projects/projects",
        {"title": "示例项目", "investors": [BIG]},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert officer.get("/api/projects/projects").json()["count"] == 0


@pytest.mark.parametrize(
    "url",
    [
        f"/api/registry/organisations?page={HUGE_PAGE}",
        f"/api/registry/organisations?page={BIG}",
        f"/api/projects/projects?page={HUGE_PAGE}",
        f"/api/demands/demands?page={HUGE_PAGE}",
        f"/api/intel/articles?page={HUGE_PAGE}",
        f"/api/policies/policies?page={HUGE_PAGE}",
        f"/registry/organisations/?page={HUGE_PAGE}",
        f"/registry/spaces/?page={HUGE_PAGE}",
        f"/projects/list/?page={HUGE_PAGE}",
        f"/demands/?page={HUGE_PAGE}",
    ],
)
def test_it_answers_a_huge_page_number_without_error(officer: Any, url: str) -> None:
    assert officer.get(url).status_code in (200, 422)


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "1e400"])
def test_it_refuses_a_non_finite_minimum_area(officer: Any, value: str) -> None:
    response = officer.get(f"/registry/spaces/?min_area={value}")
    assert response.status_code == 200
    assert "最小面积" in response.content.decode()


def test_it_reports_an_event_dated_at_the_end_of_time(officer: Any) -> None:
    made = officer.post(
        "/api/events/events",
        {"title": "远期活动", "kind": "promotion", "city": "锦城", "starts_on": "9999-12-31"},
        content_type="application/json",
    )
    assert made.status_code in (201, 422)
    if made.status_code == 201:
        event_id = made.json()["id"]
        assert officer.get(f"/api/events/events/{event_id}/report").status_code == 200
        assert officer.get(f"/events/{event_id}/report/").status_code == 200
        assert officer.get(f"/events/{event_id}/").status_code == 200


@pytest.mark.parametrize(
    "url", ["/api/intel/articles/upload", "/api/demands/demands/1/attachments"]
)
def test_it_refuses_multipart_without_a_boundary(officer: Any, url: str) -> None:
    response = officer.generic("POST", url, b"--x\r\n", content_type="multipart/form-data")
    assert response.status_code in (400, 422)


def test_it_refuses_multipart_without_a_boundary_on_a_page(officer: Any) -> None:
    response = officer.generic(
        "POST", "/registry/import/", b"--x\r\n", content_type="multipart/form-data"
    )
    assert response.status_code == 400
