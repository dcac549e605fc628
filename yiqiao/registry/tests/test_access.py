"""Scoping: who sees and changes which register records."""

from typing import Any

import pytest
from django.urls import reverse

from yiqiao.core.models import AuditEvent
from yiqiao.registry.models import Contact, Organisation, Space

pytestmark = pytest.mark.django_db


def test_it_lists_only_records_in_the_officers_scope(
    client_for: Any, alice: Any, bob: Any, charlie: Any, org_factory: Any, regions: Any
) -> None:
    org_factory("桐华区内企业", region=regions["district"])
    org_factory("园区内企业", region=regions["district"], park=regions["park"])
    org_factory("北山企业", region=regions["other"], owner_unit=None)

    def names(user: Any) -> set[str]:
        response = client_for(user).get(reverse("registry:organisation-list"))
        assert response.status_code == 200
        return {o.name for o in response.context["organisations"]}

    assert names(alice) == {"桐华区内企业", "园区内企业"}
    assert names(bob) == {"园区内企业"}
    assert names(charlie) == {"北山企业"}


def test_it_refuses_an_outsider_reaching_a_record_by_id(
    client_for: Any, charlie: Any, org_factory: Any
) -> None:
    org = org_factory("锦城示例药业有限公司")
    client = client_for(charlie)
    assert client.get(reverse("registry:organisation-detail", args=[org.pk])).status_code == 404
    response = client.post(
        reverse("registry:organisation-edit", args=[org.pk]),
        {"name": "被篡改", "kind": "enterprise", "region": org.region_id},
    )
    assert response.status_code == 404
    org.refresh_from_db()
    assert org.name == "锦城示例药业有限公司"
    assert not AuditEvent.objects.filter(object_id=str(org.pk)).exists()


def test_it_refuses_an_outsider_through_the_api(
    client_for: Any, charlie: Any, org_factory: Any
) -> None:
    org = org_factory("锦城示例药业有限公司")
    client = client_for(charlie)
    assert client.get(f"/api/registry/organisations/{org.pk}").status_code == 404
    listing = client.get("/api/registry/organisations").json()
    assert listing["count"] == 0


def test_it_refuses_a_viewer_editing(client_for: Any, viewer: Any, org_factory: Any) -> None:
    org = org_factory("锦城示例药业有限公司")
    client = client_for(viewer)
    assert client.get(reverse("registry:organisation-edit", args=[org.pk])).status_code == 403
    assert client.get(reverse("registry:organisation-create")).status_code == 403


def test_it_masks_contact_details_for_a_viewer(
    client_for: Any, alice: Any, viewer: Any, org_factory: Any
) -> None:
    org = org_factory("锦城示例药业有限公司")
    Contact.objects.create(
        organisation=org, name="林晓", phone="13812345678", email="lin@example.cn"
    )
    officer_page = client_for(alice).get(reverse("registry:organisation-detail", args=[org.pk]))
    assert "13812345678" in officer_page.content.decode()
    viewer_page = client_for(viewer).get(reverse("registry:organisation-detail", args=[org.pk]))
    body = viewer_page.content.decode()
    assert "13812345678" not in body
    assert "138****5678" in body
    assert "l***@example.cn" in body
    api = client_for(viewer).get(f"/api/registry/organisations/{org.pk}").json()
    assert api["contacts"][0]["phone"] == "138****5678"
    assert api["notes"] is None


def test_it_shows_the_audit_trail_to_admins_only(
    client_for: Any, admin_user: Any, alice: Any, org_factory: Any
) -> None:
    org = org_factory("锦城示例药业有限公司")
    url = reverse("audit-trail", args=["registry.organisation", org.pk])
    assert client_for(alice).get(url).status_code == 403
    assert client_for(admin_user).get(url).status_code == 200


def test_it_keeps_spaces_of_other_parks_from_a_park_officer(
    client_for: Any, bob: Any, regions: Any
) -> None:
    inside = Space.objects.create(
        name="园区A栋",
        kind="building",
        park=regions["park"],
        total_area_m2=100,
        available_area_m2=50,
    )
    outside = Space.objects.create(
        name="开发区厂房",
        kind="plant",
        park=regions["zone"],
        total_area_m2=100,
        available_area_m2=50,
    )
    client = client_for(bob)
    assert client.get(reverse("registry:space-detail", args=[inside.pk])).status_code == 200
    assert client.get(reverse("registry:space-detail", args=[outside.pk])).status_code == 404


def test_it_sends_anonymous_visitors_to_login(client: Any, org_factory: Any) -> None:
    response = client.get(reverse("registry:organisation-list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert client.get("/api/registry/organisations").status_code == 401


def test_it_returns_organisations_to_an_enterprise_user_only_for_itself(
    client_for: Any, units: Any, org_factory: Any
) -> None:
    from conftest import make_user

    own = org_factory("锦城示例药业有限公司")
    org_factory("别家企业有限公司")
    user = make_user("ent", units["portal"], "enterprise", organisation=own)
    response = client_for(user).get(reverse("registry:organisation-list"))
    assert [o.name for o in response.context["organisations"]] == [own.name]
    assert Organisation.objects.count() == 2
