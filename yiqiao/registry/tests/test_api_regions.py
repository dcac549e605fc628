"""The regions endpoint pages like the other list endpoints and filters by parent or text."""

from __future__ import annotations

from typing import Any

import pytest

from yiqiao.registry.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(regions: dict[str, Any]) -> list[Region]:
    city = regions["city"]
    return [
        Region.objects.create(
            code=f"tp.jc.d{i:02d}", name=f"第{i}区", kind=Region.Kind.DISTRICT, parent=city
        )
        for i in range(70)
    ]


def test_regions_are_paginated(client_for: Any, alice: Any, many: list[Region]) -> None:
    client = client_for(alice)
    first = client.get("/api/registry/regions").json()
    total = Region.objects.count()
    assert first["count"] == total > 50
    assert (first["page"], first["per_page"], len(first["results"])) == (1, 50, 50)
    rest = client.get("/api/registry/regions?page=2").json()["results"]
    codes = [r["code"] for r in first["results"] + rest]
    assert len(codes) == total == len(set(codes))
    assert codes == list(Region.objects.order_by("path").values_list("code", flat=True))
    assert client.get("/api/registry/regions?per_page=201").status_code == 422
    assert client.get("/api/registry/regions?page=0").status_code == 422


def test_regions_filter_by_parent_kind_and_text(
    client_for: Any, alice: Any, regions: dict[str, Any], many: list[Region]
) -> None:
    client = client_for(alice)
    children = client.get("/api/registry/regions?parent=tp.jc.th&per_page=200").json()
    assert children["count"] == 2
    assert {(r["code"], r["parent"]) for r in children["results"]} == {
        ("tp.jc.th.tmp", "tp.jc.th"),
        ("tp.jc.th.dz", "tp.jc.th"),
    }
    parks = client.get("/api/registry/regions?kind=park").json()["results"]
    assert [r["name"] for r in parks] == ["桐华转化医学产业园"]
    found = client.get("/api/registry/regions", {"q": "桐华"}).json()
    assert {r["code"] for r in found["results"]} == {"tp.jc.th", "tp.jc.th.tmp", "tp.jc.th.dz"}
    in_city = client.get("/api/registry/regions", {"parent": "tp.jc", "q": "第6"}).json()
    assert {r["name"] for r in in_city["results"]} == {"第6区"} | {
        f"第{i}区" for i in range(60, 70)
    }


def test_regions_refuse_unknown_parent_or_kind(client_for: Any, alice: Any, regions: Any) -> None:
    client = client_for(alice)
    bad_parent = client.get("/api/registry/regions?parent=nowhere")
    assert bad_parent.status_code == 400
    assert "未知的上级区域编码" in bad_parent.json()["detail"]
    bad_kind = client.get("/api/registry/regions?kind=planet")
    assert bad_kind.status_code == 400
    assert "未知的区域类型" in bad_kind.json()["detail"]
