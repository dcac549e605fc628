"""The register list: search, chain filter, sorting, and a query count that ignores the data size."""

from typing import Any

import pytest
from django.urls import reverse

from yiqiao.registry import queries, services
from yiqiao.registry.models import ChainNode

pytestmark = pytest.mark.django_db


def names(client: Any, **params: str) -> list[str]:
    response = client.get(reverse("registry:organisation-list"), params)
    assert response.status_code == 200
    return [o.name for o in response.context["organisations"]]


@pytest.fixture
def register(alice: Any, regions: Any) -> dict[str, Any]:
    def make(name: str, **data: Any) -> Any:
        return services.organisation_create(
            data={"name": name, "kind": "enterprise", "region": regions["district"], **data},
            by=alice,
        )

    return {
        "ivd": make(
            "锦城体外诊断有限公司",
            chain_nodes=["device_manufacturer.ivd_immuno"],
            aliases=["锦诊"],
            revenue_yuan=5_000_000,
        ),
        "drug": make(
            "桐华创新药业有限公司",
            chain_nodes=["drug_manufacturer.chem_innovative"],
            uscc="91350100M000100Y43",
            revenue_yuan=9_000_000,
        ),
        "plain": make("桐华物流有限公司", chain_nodes=[], revenue_yuan=1_000_000),
    }


def test_it_finds_by_alias_code_fragment_and_legal_form_variant(
    client_for: Any, alice: Any, register: Any
) -> None:
    client = client_for(alice)
    assert names(client, q="锦诊") == ["锦城体外诊断有限公司"]
    assert names(client, q="m000100y4") == ["桐华创新药业有限公司"]
    assert names(client, q="桐华物流有限责任公司") == ["桐华物流有限公司"]


def test_it_filters_a_chain_node_with_everything_below_it(
    client_for: Any, alice: Any, register: Any
) -> None:
    client = client_for(alice)
    assert names(client, chain="device_manufacturer") == ["锦城体外诊断有限公司"]
    assert names(client, chain="device_manufacturer.ivd") == ["锦城体外诊断有限公司"]
    assert names(client, chain="device_manufacturer.ivd_immuno") == ["锦城体外诊断有限公司"]
    assert names(client, chain="device_manufacturer.ivd_poct") == []
    assert names(client, chain="drug_manufacturer") == ["桐华创新药业有限公司"]


def test_it_reads_a_code_of_the_first_tree_as_its_replacement(
    client_for: Any, alice: Any, register: Any
) -> None:
    client = client_for(alice)
    assert names(client, chain="device") == ["锦城体外诊断有限公司"]
    assert names(client, chain="biomed.innovative_drug") == ["桐华创新药业有限公司"]
    assert names(client, chain="no-such-node") == []


def test_it_keeps_the_chain_filter_when_a_node_has_no_mask_bit(
    client_for: Any, alice: Any, register: Any
) -> None:
    ChainNode.objects.filter(code="device_manufacturer.ivd").update(bit=None)
    assert names(client_for(alice), chain="device_manufacturer.ivd") == ["锦城体外诊断有限公司"]


def test_it_filters_a_crowded_leaf_with_exists(
    client_for: Any, alice: Any, register: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(queries, "CHAIN_PREFETCH", 0)
    client = client_for(alice)
    assert names(client, chain="device_manufacturer.ivd_immuno") == ["锦城体外诊断有限公司"]
    assert names(client, chain="device_manufacturer.ivd_poct") == []


def test_it_updates_the_chain_mask_on_edit(client_for: Any, alice: Any, register: Any) -> None:
    services.organisation_update(
        organisation=register["plain"], data={"chain_nodes": ["device_manufacturer.ct"]}, by=alice
    )
    assert names(client_for(alice), chain="device_manufacturer") == [
        "桐华物流有限公司",
        "锦城体外诊断有限公司",
    ]
    assert names(client_for(alice), chain="device_manufacturer.imaging") == ["桐华物流有限公司"]


def test_it_sorts_by_revenue(client_for: Any, alice: Any, register: Any) -> None:
    assert names(client_for(alice), sort="-revenue") == [
        "桐华创新药业有限公司",
        "锦城体外诊断有限公司",
        "桐华物流有限公司",
    ]


def test_it_runs_the_same_number_of_queries_for_any_page_size(
    client_for: Any, alice: Any, org_factory: Any, django_assert_num_queries: Any
) -> None:
    for i in range(60):
        org_factory(f"批量企业{i:03d}有限公司")
    client = client_for(alice)
    # session, user, scope regions, count, page ids, page rows with region/park, chain tags,
    # region and chain choices for the filters, the user's unit in the header: ten, whether the
    # page shows 10 rows or 50.
    with django_assert_num_queries(10):
        client.get(reverse("registry:organisation-list"), {"per_page": 10})
    with django_assert_num_queries(10):
        client.get(reverse("registry:organisation-list"), {"per_page": 50})
    with django_assert_num_queries(10):
        client.get(reverse("registry:organisation-list"), {"per_page": 50, "page": 2})
