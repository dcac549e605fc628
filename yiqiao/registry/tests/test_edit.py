"""Creating, editing and merging register records; every write is audited."""

from typing import Any

import pytest
from django.urls import reverse

from yiqiao.core.models import AuditEvent
from yiqiao.registry import services
from yiqiao.registry.models import Contact, Organisation

pytestmark = pytest.mark.django_db


def form_data(regions: Any, **overrides: Any) -> dict[str, Any]:
    data = {
        "name": "锦城康瑞生物科技有限公司",
        "kind": "enterprise",
        "region": regions["district"].pk,
        "uscc": "",
        "row_version": "",
    }
    data.update(overrides)
    return data


def test_it_creates_an_organisation_and_audits_it(
    client_for: Any, alice: Any, regions: Any
) -> None:
    response = client_for(alice).post(
        reverse("registry:organisation-create"),
        form_data(regions, uscc="91350100M000100Y43", aliases="康瑞、康瑞生物"),
    )
    org = Organisation.objects.get()
    assert response.status_code == 302
    assert org.aliases == ["康瑞", "康瑞生物"]
    assert org.owner_unit == alice.org_unit
    event = AuditEvent.objects.get(object_id=str(org.pk))
    assert event.action == "create"
    assert event.actor == alice
    assert event.after is not None
    assert event.after["uscc"] == "91350100M000100Y43"


def test_it_refuses_an_invalid_uscc_naming_the_character(
    client_for: Any, alice: Any, regions: Any
) -> None:
    response = client_for(alice).post(
        reverse("registry:organisation-create"), form_data(regions, uscc="91350100M000100Y44")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["uscc"] == ["第18位校验码错误：应为“3”，实际为“4”"]
    assert Organisation.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_it_registers_an_organisation_outside_the_scope_as_maintained_by_the_unit(
    client_for: Any, bob: Any, regions: Any
) -> None:
    # An outside investor sits where it is (issue 10); bob's unit maintains it, so he keeps it.
    response = client_for(bob).post(
        reverse("registry:organisation-create"), form_data(regions, region=regions["other"].pk)
    )
    assert response.status_code == 302
    org = Organisation.objects.get()
    assert (org.region, org.owner_unit) == (regions["other"], bob.org_unit)
    assert client_for(bob).get(response["Location"]).status_code == 200


def test_it_records_before_and_after_on_update(
    client_for: Any, alice: Any, org_factory: Any, regions: Any
) -> None:
    org = org_factory("锦城康瑞生物科技有限公司", headcount=10)
    client_for(alice).post(
        reverse("registry:organisation-edit", args=[org.pk]),
        form_data(regions, headcount=25, row_version=org.row_version),
    )
    event = AuditEvent.objects.get(object_id=str(org.pk), action="update")
    assert ("headcount", 10, 25) in event.changed_fields()


def test_it_refuses_a_stale_edit_instead_of_overwriting(
    client_for: Any, alice: Any, org_factory: Any, regions: Any
) -> None:
    org = org_factory("锦城康瑞生物科技有限公司", headcount=10)
    loaded_version = org.row_version
    services.organisation_update(organisation=org, data={"headcount": 11}, by=alice)
    response = client_for(alice).post(
        reverse("registry:organisation-edit", args=[org.pk]),
        form_data(regions, headcount=99, row_version=loaded_version),
    )
    assert response.status_code == 200
    assert "已被他人修改" in str(response.context["form"].non_field_errors())
    org.refresh_from_db()
    assert org.headcount == 11


def test_it_merges_a_duplicate_keeping_its_history(alice: Any, org_factory: Any) -> None:
    keep = org_factory("锦城康瑞生物科技有限公司")
    dup = org_factory("锦城康瑞生物科技有限责任公司", uscc="91350100M000100Y43", aliases=["康瑞"])
    Contact.objects.create(organisation=dup, name="周宁")
    services.organisation_merge(keep=keep, merge=dup, by=alice)
    keep.refresh_from_db()
    dup.refresh_from_db()
    assert keep.uscc == "91350100M000100Y43"
    assert keep.aliases == ["锦城康瑞生物科技有限责任公司", "康瑞"]
    assert list(keep.contacts.values_list("name", flat=True)) == ["周宁"]
    assert dup.is_active is False
    assert dup.merged_into == keep
    assert AuditEvent.objects.filter(action="merge").count() == 2


def test_it_lists_likely_duplicates(client_for: Any, alice: Any, org_factory: Any) -> None:
    org_factory("锦城（成都）医疗器械有限公司")
    org_factory("锦城(成都)医疗器械有限责任公司")
    org_factory("毫不相干的公司")
    response = client_for(alice).get(reverse("registry:duplicates"))
    pairs = response.context["pairs"]
    assert len(pairs) == 1
    assert {pairs[0][0].name, pairs[0][1].name} == {
        "锦城（成都）医疗器械有限公司",
        "锦城(成都)医疗器械有限责任公司",
    }


def test_it_refuses_merging_a_record_into_itself(alice: Any, org_factory: Any) -> None:
    from django.core.exceptions import ValidationError

    org = org_factory("锦城康瑞生物科技有限公司")
    with pytest.raises(ValidationError):
        services.organisation_merge(keep=org, merge=org, by=alice)


def test_it_creates_through_the_api_with_a_clear_error_for_bad_codes(
    client_for: Any, alice: Any, regions: Any
) -> None:
    client = client_for(alice)
    bad = client.post(
        "/api/registry/organisations",
        {"name": "锦城示例", "region": "tp.jc.th", "uscc": "91350100M000100Y44"},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert "第18位校验码错误" in bad.json()["detail"]
    good = client.post(
        "/api/registry/organisations",
        {"name": "锦城示例", "region": "tp.jc.th", "chain_nodes": ["device.ivd"]},  # first tree
        content_type="application/json",
    )
    assert good.status_code == 201
    assert good.json()["chain_nodes"] == ["device_manufacturer.ivd"]
    assert Organisation.objects.count() == 1


def test_it_answers_a_stale_api_patch_with_409(
    client_for: Any, alice: Any, org_factory: Any
) -> None:
    org = org_factory("锦城示例")
    client = client_for(alice)
    first = client.patch(
        f"/api/registry/organisations/{org.pk}",
        {"row_version": 1, "headcount": 5},
        content_type="application/json",
    )
    assert first.status_code == 200
    second = client.patch(
        f"/api/registry/organisations/{org.pk}",
        {"row_version": 1, "headcount": 9},
        content_type="application/json",
    )
    assert second.status_code == 409
    org.refresh_from_db()
    assert org.headcount == 5
