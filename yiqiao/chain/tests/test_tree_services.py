"""Editing the chain: staff labels, admin structure, cycles refused, deletes refused or merged."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yiqiao.chain import loader
from yiqiao.chain.engine.tree import ChainTree
from yiqiao.chain.models import ChainEdge
from yiqiao.chain.queries import chain_news_keywords, chain_tree
from yiqiao.chain.services import tree as services
from yiqiao.core.models import AuditEvent
from yiqiao.projects.models import Project
from yiqiao.registry.models import ChainNode, Organisation

pytestmark = pytest.mark.django_db


def node(code: str) -> ChainNode:
    return ChainNode.objects.get(code=code)


def test_it_loads_the_bundled_tree_with_bits_for_nodes_that_have_children() -> None:
    tree = ChainTree.bundled()
    assert ChainNode.objects.count() == len(tree.nodes)
    assert ChainEdge.objects.count() == len(tree.edges)
    with_bits = set(ChainNode.objects.exclude(bit=None).values_list("code", flat=True))
    assert with_bits == {n.code for n in tree.nodes if not tree.is_leaf(n.code)}
    assert node("device_manufacturer.ivd_immuno").chain_position == "device_manufacturer"
    assert node("device_manufacturer.ivd_immuno").level == 3
    assert chain_tree().suppliers_of("device_manufacturer.ivd_immuno") == tree.suppliers_of(
        "device_manufacturer.ivd_immuno"
    )


def test_it_moves_links_off_first_tree_codes(org_factory: Any, alice: Any) -> None:
    # given the register's first tree with an organisation and a project on its IVD node
    device = ChainNode.objects.create(code="device", name="医疗器械", position=900)
    ivd = ChainNode.objects.create(code="device.ivd", name="体外诊断（IVD）", parent=device)
    org = org_factory("锦城体外诊断有限公司")
    org.chain_nodes.set([ivd, node("device_manufacturer.ivd")])
    other = org_factory("锦城器械有限公司")
    other.chain_nodes.set([device])
    project = Project.objects.create(title="诊断试剂基地", owner_unit=alice.org_unit)
    project.chain_nodes.set([ivd])
    # when the mapping of the chain file is applied
    counts = loader.legacy_replace(ChainTree.bundled(), ChainNode)
    loader.masks_refresh(ChainNode, Organisation)
    # then links moved (no duplicate), the old rows are gone and masks follow
    assert counts == {"legacy_links_moved": 2, "legacy_nodes_deleted": 2}
    assert [n.code for n in org.chain_nodes.all()] == ["device_manufacturer.ivd"]
    assert [n.code for n in other.chain_nodes.all()] == ["device_manufacturer"]
    assert [n.code for n in project.chain_nodes.all()] == ["device_manufacturer.ivd"]
    assert not ChainNode.objects.filter(code__in=["device", "device.ivd"]).exists()
    org.refresh_from_db()
    bits = [node(c).bit for c in ("device_manufacturer", "device_manufacturer.ivd")]
    assert org.chain_mask == sum(1 << b for b in bits if b is not None)


def test_it_lets_staff_edit_labels_and_terms(alice: Any) -> None:
    data = services.NodeData(
        name="化学发光免疫诊断",
        name_en="Chemiluminescence",
        sectors=("ivd",),
        terms=(("化学发光", "nmpa_device", "keyword"), ("发光试剂", "prospectus", "product")),
    )
    updated = services.chain_node_update(
        node=node("device_manufacturer.ivd_immuno"), data=data, by=alice
    )
    assert (updated.name, updated.sectors) == ("化学发光免疫诊断", ["ivd"])
    assert list(updated.terms.order_by("id").values_list("text", "source", "kind")) == [
        ("化学发光", "nmpa_device", "keyword"),
        ("发光试剂", "prospectus", "product"),
    ]
    assert AuditEvent.objects.filter(model="registry.chainnode", action="update").count() == 1


def test_it_refuses_terms_without_provenance_and_unknown_sectors(alice: Any) -> None:
    target = node("device_manufacturer.ivd_immuno")
    with pytest.raises(ValidationError) as error:
        services.chain_node_update(
            node=target,
            data=services.NodeData(
                name="x", sectors=("pills",), terms=(("化学发光", "", "keyword"),)
            ),
            by=alice,
        )
    assert set(error.value.message_dict) == {"sectors", "terms"}
    assert node("device_manufacturer.ivd_immuno").name == "免疫诊断（化学发光等）"


def test_it_keeps_structure_to_administrators(alice: Any, charlie: Any, viewer: Any) -> None:
    parent = node("device_manufacturer.ivd")
    data = services.NodeData(name="质谱诊断", sectors=("ivd",))
    with pytest.raises(PermissionDenied):
        services.chain_node_create(
            parent=parent, code="device_manufacturer.ivd_ms", data=data, by=alice
        )
    with pytest.raises(PermissionDenied):
        services.chain_node_update(node=parent, data=data, by=viewer)
    with pytest.raises(PermissionDenied):
        services.chain_edge_add(
            supplier=node("logistics"), customer=node("third_party_lab"), by=charlie
        )
    assert not ChainNode.objects.filter(code="device_manufacturer.ivd_ms").exists()


def test_it_adds_a_node_under_a_leaf_and_gives_the_leaf_a_bit(
    admin_user: Any, org_factory: Any
) -> None:
    leaf = node("device_manufacturer.ivd_immuno")
    assert leaf.bit is None
    org = org_factory("锦城发光诊断有限公司")
    org.chain_nodes.set([leaf])
    child = services.chain_node_create(
        parent=leaf,
        code="device_manufacturer.ivd_clia",
        data=services.NodeData(name="化学发光", sectors=("ivd",)),
        by=admin_user,
    )
    leaf.refresh_from_db()
    org.refresh_from_db()
    assert (child.level, child.chain_position) == (4, "device_manufacturer")
    assert leaf.bit is not None
    assert org.chain_mask & (1 << leaf.bit)


def test_it_refuses_an_edge_that_closes_a_cycle(admin_user: Any) -> None:
    before = ChainEdge.objects.count()
    with pytest.raises(ValidationError, match="不能成环"):
        services.chain_edge_add(
            supplier=node("healthcare_provider"), customer=node("ivd_raw_materials"), by=admin_user
        )
    assert ChainEdge.objects.count() == before
    edge = services.chain_edge_add(
        supplier=node("logistics.cold_chain"), customer=node("retail.dtp"), by=admin_user
    )
    assert ChainEdge.objects.count() == before + 1
    services.chain_edge_remove(edge=edge, by=admin_user)
    assert ChainEdge.objects.count() == before


def test_it_refuses_to_delete_a_node_that_organisations_point_at(
    admin_user: Any, org_factory: Any
) -> None:
    target = node("device_manufacturer.ivd_qc")
    org_factory("锦城质控品有限公司").chain_nodes.set([target])
    with pytest.raises(ValidationError, match="仍有1条关联记录"):
        services.chain_node_delete(node=target, by=admin_user)
    assert ChainNode.objects.filter(pk=target.pk).exists()
    with pytest.raises(ValidationError, match="还有下级节点"):
        services.chain_node_delete(node=node("device_manufacturer.ivd"), by=admin_user)
    services.chain_node_delete(node=node("device_manufacturer.ivd_microbiology"), by=admin_user)
    assert not ChainNode.objects.filter(code="device_manufacturer.ivd_microbiology").exists()


def test_it_merges_a_node_moving_links_and_edges(admin_user: Any, org_factory: Any) -> None:
    source = node("ivd_raw_materials.chemicals_membranes")
    into = node("ivd_raw_materials.beads_labels")
    org = org_factory("锦城膜材料有限公司")
    org.chain_nodes.set([source])
    both = org_factory("锦城微球有限公司")
    both.chain_nodes.set([source, into])
    services.chain_node_merge(node=source, into=into, by=admin_user)
    assert [n.code for n in org.chain_nodes.all()] == ["ivd_raw_materials.beads_labels"]
    assert [n.code for n in both.chain_nodes.all()] == ["ivd_raw_materials.beads_labels"]
    customers = set(
        ChainEdge.objects.filter(supplier=into).values_list("customer__code", flat=True)
    )
    assert {"device_manufacturer.ivd_poct", "device_manufacturer.ivd_biochem"} <= customers
    assert not ChainNode.objects.filter(pk=source.pk).exists()
    assert AuditEvent.objects.filter(action="merge", model="registry.chainnode").count() == 1


def test_it_offers_news_keywords_from_names_and_chain_maps() -> None:
    words = chain_news_keywords()
    assert words["体外诊断"] == ["device_manufacturer.ivd"]
    assert "device_manufacturer" in words["医疗器械"]
    assert "含IVD" not in words
    assert "医院" not in words  # too general on its own
