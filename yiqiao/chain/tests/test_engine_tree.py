"""The chain vocabulary file: size, positions, sectors, provenance, edges, legacy mapping."""

from __future__ import annotations

from collections import Counter

import pytest

from yiqiao.chain.engine.tree import ChainTree, ChainTreeError, find_cycle
from yiqiao.vocab import CHAIN_NODE, SECTOR

TREE = ChainTree.bundled()

SMALL = """
sources:
  chain_map: industry chain maps
nodes:
  - code: api
    name: 原料药
    sectors: [api]
    keywords: {chain_map: [原料药]}
    children:
      - code: api.bulk
        name: 大宗原料药
        sectors: [api]
  - code: drug_manufacturer
    name: 药品生产企业
    sectors: [drug]
edges:
  - [api, drug_manufacturer]
"""


def test_it_holds_at_least_150_nodes_under_every_chain_position() -> None:
    assert len(TREE.nodes) >= 150
    assert set(TREE.roots) == set(CHAIN_NODE.values)
    per_position = Counter(n.chain_position for n in TREE.nodes)
    assert set(per_position) == set(CHAIN_NODE.values)
    assert min(per_position.values()) >= 3


def test_it_maps_every_node_to_its_level_one_position_and_known_sectors() -> None:
    for node in TREE.nodes:
        top = ([node.code, *TREE.ancestors(node.code)])[-1]
        assert node.chain_position == top
        assert node.sectors and all(s in SECTOR for s in node.sectors)
        assert node.name and node.name_en


def test_it_gives_every_term_a_declared_provenance() -> None:
    terms = [t for n in TREE.nodes for t in n.terms]
    assert len(terms) > 1000
    assert {t.source for t in terms} <= set(TREE.sources)
    assert all(t.text.strip() == t.text and t.text for t in terms)


def test_it_maps_every_first_tree_code_to_an_existing_node() -> None:
    assert len(TREE.legacy) == 25
    assert TREE.map_legacy("device.ivd") == "device_manufacturer.ivd"
    assert TREE.map_legacy("pharma_commerce.cso") == "marketing"
    assert TREE.map_legacy("drug_manufacturer.mab") == "drug_manufacturer.mab"
    assert TREE.map_legacy("nothing") is None


def test_it_closes_suppliers_over_ancestors_and_subtrees() -> None:
    suppliers = TREE.suppliers_of("device_manufacturer.ivd_immuno")
    assert "ivd_raw_materials.antigens_antibodies" in suppliers  # direct edge
    assert "ivd_raw_materials.enzymes" in suppliers  # edge into the IVD group, widened
    assert "device_components.sensors" in suppliers  # edge into device_manufacturer
    assert "distribution" not in suppliers
    customers = TREE.customers_of("ivd_raw_materials.enzymes")
    assert "device_manufacturer.ivd_molecular" in customers
    assert "healthcare_provider" not in customers


def test_it_reads_a_small_tree() -> None:
    tree = ChainTree.from_yaml(SMALL)
    assert [n.code for n in tree.nodes] == ["api", "api.bulk", "drug_manufacturer"]
    assert tree.node("api.bulk").chain_position == "api"
    assert tree.node("api.bulk").stage == "upstream"
    assert tree.level("api.bulk") == 2
    assert tree.node("api").terms[0].source == "chain_map"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("sectors: [api]\n    keywords", "sectors: [pills]\n    keywords"), "is not a SECTOR"),
        (("code: drug_manufacturer", "code: pills"), "is not a CHAIN_NODE"),
        (("{chain_map: [原料药]}", "{rumour: [原料药]}"), "not in `sources`"),
        (("  - [api, drug_manufacturer]", "  - [api, nowhere]"), "unknown node"),
        (("code: api.bulk", "code: api"), "duplicate node code"),
        (("  - [api, drug_manufacturer]", "  - [api, api]"), "cannot supply itself"),
        (
            (
                "  - [api, drug_manufacturer]",
                "  - [api, drug_manufacturer]\n  - [drug_manufacturer, api]",
            ),
            "cycle",
        ),
    ],
)
def test_it_refuses_inconsistent_tree_data(change: tuple[str, str], message: str) -> None:
    with pytest.raises(ChainTreeError, match=message):
        ChainTree.from_yaml(SMALL.replace(*change))


@pytest.mark.parametrize(
    ("edges", "cycle"),
    [
        ([("a", "b"), ("b", "c")], []),
        ([("a", "b"), ("b", "a")], ["a", "b", "a"]),
        ([("a", "b"), ("b", "c"), ("c", "a"), ("x", "a")], ["a", "b", "c", "a"]),
        ([("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")], []),
    ],
)
def test_it_finds_a_cycle(edges: list[tuple[str, str]], cycle: list[str]) -> None:
    assert find_cycle(edges) == cycle
