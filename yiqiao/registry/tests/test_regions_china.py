"""Regions of China (GB/T 2260) in the register: loaded once with parent links, reused by name,
searchable in the region pickers, and usable for an outside organisation's real place."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from yiqiao.registry.models import Organisation, Region
from yiqiao.registry.services.regions import Division, china_divisions, regions_load_china

pytestmark = pytest.mark.django_db


def test_it_reads_provinces_cities_and_counties_with_their_codes() -> None:
    divisions = {d.code: d for d in china_divisions()}

    assert len(divisions) > 3000
    assert divisions["310115"].name == "浦东新区"
    # A municipality's counties hang on the municipality itself (no repeated 上海市 level).
    assert divisions["310115"].parent_code == "310000"
    assert divisions["320508"].name == "姑苏区" and divisions["320508"].parent_code == "320500"
    assert divisions["320500"].parent_code == "320000"
    # A county governed directly by its province (济源市) hangs on the province.
    assert divisions["419001"].parent_code == "410000"
    kinds = {d.kind for d in divisions.values()}
    assert kinds == {Region.Kind.PROVINCE, Region.Kind.CITY, Region.Kind.DISTRICT}


def test_it_loads_china_once_and_gives_existing_places_their_codes() -> None:
    shanghai = Region.objects.create(code="sh", name="上海市", kind=Region.Kind.CITY)
    pudong = Region.objects.create(
        code="sh.pd", name="浦东新区", kind=Region.Kind.DISTRICT, parent=shanghai
    )

    first = regions_load_china()
    again = regions_load_china()

    pudong.refresh_from_db()
    assert pudong.division_code == "310115"
    assert Region.objects.filter(division_code="310115").count() == 1
    assert first.coded == 2 and first.created > 3000
    assert again.created == 0 and again.coded == 0
    gusu = Region.objects.get(division_code="320508")
    assert (gusu.name, gusu.parent.name, gusu.parent.parent.name) == ("姑苏区", "苏州市", "江苏省")
    assert gusu.path == "/320000/320500/320508/"
    assert Region.objects.get(division_code="310101").parent == shanghai


def test_it_never_takes_a_code_that_is_already_used() -> None:
    Region.objects.create(code="110000", name="示例区域", kind=Region.Kind.ZONE)

    regions_load_china([Division("110000", "北京市", Region.Kind.PROVINCE, None)])

    assert Region.objects.get(division_code="110000").code == "cn.110000"


def test_it_finds_a_region_by_name_with_the_places_above_it(client_for: Any, alice: Any) -> None:
    regions_load_china()

    response = client_for(alice).get(reverse("pick", args=["regions"]), {"q": "鼓楼区"})

    hints = {r["hint"] for r in response.json()["results"]}
    assert {"江苏省 南京市", "福建省 福州市"} <= hints


def test_it_registers_an_outside_investor_in_its_real_district(client_for: Any, alice: Any) -> None:
    regions_load_china()
    pudong = Region.objects.get(division_code="310115")

    response = client_for(alice).post(
        reverse("registry:organisation-create"),
        {"name": "沪上示例医药创业投资有限公司", "kind": "investor", "region": pudong.pk},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    org = Organisation.objects.get(name="沪上示例医药创业投资有限公司")
    assert org.region == pudong
    # Maintained by alice's unit, so it stays in her register.
    assert client_for(alice).get(response["Location"]).status_code == 200


def test_it_refuses_moving_an_organisation_it_does_not_maintain_out_of_its_district(
    client_for: Any, alice: Any, org_factory: Any, units: Any
) -> None:
    regions_load_china()
    pudong = Region.objects.get(division_code="310115")
    org = org_factory("桐华示例生物有限公司", owner_unit=units["park"])
    before = org.region_id

    response = client_for(alice).post(
        reverse("registry:organisation-edit", args=[org.pk]),
        {
            "name": org.name,
            "kind": "enterprise",
            "region": pudong.pk,
            "row_version": org.row_version,
        },
    )

    assert response.status_code == 200
    assert "只有本单位维护的机构可以登记在辖区外的区域" in response.content.decode()
    org.refresh_from_db()
    assert org.region_id == before
