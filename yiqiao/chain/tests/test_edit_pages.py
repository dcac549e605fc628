"""Staff edit pages of the chain tree and of the district's reference profile: every bad input
is refused with a Chinese message and leaves the data as it was; every write is audited; the
profile stays the district's own."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from yiqiao.chain.models import ChainEdge, ChainTerm, NodeTarget
from yiqiao.core.models import AuditEvent
from yiqiao.registry.models import ChainNode

pytestmark = pytest.mark.django_db


def node(code: str) -> ChainNode:
    return ChainNode.objects.get(code=code)


def edit_url(code: str) -> str:
    return reverse("chain:node-edit", args=[code])


def texts(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def follow(client: Any, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, data, follow=True)


def labels(node_: ChainNode, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "action": "labels",
        "name": node_.name,
        "name_en": node_.name_en,
        "sectors": list(node_.sectors or []),
        "terms": "",
    }
    data.update(changes)
    return data


# --------------------------------------------------------------------------- node labels


def test_an_officer_renames_a_node_and_sets_its_words_audited(client_for: Any, alice: Any) -> None:
    client = client_for(alice)
    enzymes = node("ivd_raw_materials.enzymes")
    page = client.get(edit_url(enzymes.code))
    assert page.status_code == 200
    assert "结构调整" not in page.content.decode()  # structure is for administrators
    response = follow(
        client,
        edit_url(enzymes.code),
        labels(
            enzymes,
            name="诊断酶与辅酶",
            terms="诊断酶｜prospectus｜关键词\n辅酶I｜prospectus｜产品词",
        ),
    )
    assert "已保存“诊断酶与辅酶”的名称、产品领域与关键词" in texts(response)
    enzymes.refresh_from_db()
    assert enzymes.name == "诊断酶与辅酶"
    assert list(
        ChainTerm.objects.filter(node=enzymes).order_by("id").values_list("text", "kind")
    ) == [("诊断酶", "keyword"), ("辅酶I", "product")]
    event = AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE).latest("id")
    assert event.actor == alice


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "  "}, "请填写节点名称"),
        ({"name": "名" * 61}, "节点名称不超过60字"),
        ({"sectors": []}, "请至少选择一个产品领域"),
        ({"sectors": ["ivd", "moon_rocks"]}, "未知的产品领域：moon_rocks"),
        ({"terms": "诊断酶"}, "第1行应写成“词语｜来源｜关键词或产品词”"),
        ({"terms": "诊断酶｜prospectus｜同义词"}, "第1行的类型须为“关键词”或“产品词”"),
    ],
)
def test_bad_labels_are_refused_and_nothing_changes(
    client_for: Any, alice: Any, changes: dict[str, Any], message: str
) -> None:
    client = client_for(alice)
    enzymes = node("ivd_raw_materials.enzymes")
    terms_before = list(ChainTerm.objects.filter(node=enzymes).values_list("text", flat=True))
    events = AuditEvent.objects.count()
    response = client.post(edit_url(enzymes.code), labels(enzymes, **changes))
    assert response.status_code == 400
    assert message in " ".join(texts(response))
    assert message in response.content.decode()
    fresh = node(enzymes.code)
    assert (fresh.name, fresh.sectors) == (enzymes.name, enzymes.sectors)
    assert list(ChainTerm.objects.filter(node=enzymes).values_list("text", flat=True)) == (
        terms_before
    )
    assert AuditEvent.objects.count() == events


def test_a_viewer_cannot_open_the_edit_page(client_for: Any, viewer: Any) -> None:
    assert client_for(viewer).get(edit_url("ivd_raw_materials")).status_code == 403


def test_an_officer_cannot_change_the_structure(client_for: Any, alice: Any) -> None:
    client = client_for(alice)
    edges = ChainEdge.objects.count()
    response = follow(
        client,
        edit_url("ivd_raw_materials.enzymes"),
        {"action": "add_customer", "other": "api"},
    )
    assert "只有管理员可以调整产业链结构" in texts(response)
    assert ChainEdge.objects.count() == edges
    response = follow(client, edit_url("ivd_raw_materials.enzymes"), {"action": "delete"})
    assert "只有管理员可以调整产业链结构" in texts(response)
    assert ChainNode.objects.filter(code="ivd_raw_materials.enzymes").exists()


# --------------------------------------------------------------------------- structure, edges


def test_a_supplier_edge_that_closes_a_cycle_is_refused(client_for: Any, admin_user: Any) -> None:
    client = client_for(admin_user)
    # IVD raw materials supply IVD makers in the bundled tree; the reverse closes a loop
    assert ChainEdge.objects.filter(
        supplier__code="ivd_raw_materials", customer__code="device_manufacturer.ivd"
    ).exists()
    edges = ChainEdge.objects.count()
    response = follow(
        client,
        edit_url("ivd_raw_materials"),
        {"action": "add_supplier", "other": "device_manufacturer.ivd"},
    )
    refused = [m for m in texts(response) if m.startswith("供需关系不能成环：")]
    assert refused and "→" in refused[0]
    assert ChainEdge.objects.count() == edges


def test_a_node_cannot_supply_itself(client_for: Any, admin_user: Any) -> None:
    response = follow(
        client_for(admin_user),
        edit_url("ivd_raw_materials"),
        {"action": "add_customer", "other": "ivd_raw_materials"},
    )
    assert "节点不能供应自身" in texts(response)


def test_an_edge_is_added_and_removed_with_audit(client_for: Any, admin_user: Any) -> None:
    client = client_for(admin_user)
    response = follow(
        client,
        edit_url("research"),
        {"action": "add_customer", "other": "third_party_lab", "note": "检测方法转化"},
    )
    assert any(m.startswith("已记录供需关系") for m in texts(response))
    edge = ChainEdge.objects.get(supplier__code="research", customer__code="third_party_lab")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CREATE).exists()
    response = follow(client, edit_url("research"), {"action": "remove_edge", "edge": edge.pk})
    assert "已删除供需关系" in texts(response)
    assert not ChainEdge.objects.filter(pk=edge.pk).exists()


def test_an_unknown_or_missing_node_choice_is_refused(client_for: Any, admin_user: Any) -> None:
    client = client_for(admin_user)
    response = follow(client, edit_url("ivd_raw_materials.enzymes"), {"action": "merge"})
    assert "请选择要并入的节点" in texts(response)
    response = follow(
        client, edit_url("ivd_raw_materials.enzymes"), {"action": "move", "parent": "nope"}
    )
    assert "请选择新的上级节点" in texts(response)


def test_deleting_a_node_organisations_point_at_is_refused(
    client_for: Any, admin_user: Any, org_factory: Any
) -> None:
    org = org_factory("桐华诊断酶有限公司")
    org.chain_nodes.set([node("ivd_raw_materials.enzymes")])
    response = follow(
        client_for(admin_user), edit_url("ivd_raw_materials.enzymes"), {"action": "delete"}
    )
    assert any("仍有1条关联记录，不能删除；请合并到其他节点" in m for m in texts(response))
    assert ChainNode.objects.filter(code="ivd_raw_materials.enzymes").exists()
    assert [n.code for n in org.chain_nodes.all()] == ["ivd_raw_materials.enzymes"]


def test_deleting_a_node_with_children_is_refused(client_for: Any, admin_user: Any) -> None:
    parent = ChainNode.objects.filter(parent__isnull=False, children__isnull=False).first()
    assert parent is not None
    response = follow(client_for(admin_user), edit_url(parent.code), {"action": "delete"})
    assert f"“{parent.name}”还有下级节点，请先移走或合并" in texts(response)
    assert ChainNode.objects.filter(pk=parent.pk).exists()


def test_a_top_level_position_cannot_be_deleted(client_for: Any, admin_user: Any) -> None:
    response = follow(client_for(admin_user), edit_url("retail"), {"action": "delete"})
    assert "一级节点是固定的产业链环节，不能删除" in texts(response)


def test_merging_moves_the_links_then_deletes_the_node(
    client_for: Any, admin_user: Any, org_factory: Any
) -> None:
    org = org_factory("桐华诊断酶有限公司")
    org.chain_nodes.set([node("ivd_raw_materials.enzymes")])
    response = follow(
        client_for(admin_user),
        edit_url("ivd_raw_materials.enzymes"),
        {"action": "merge", "into": "ivd_raw_materials"},
    )
    assert any("关联记录已迁移" in m for m in texts(response))
    assert response.request["PATH_INFO"] == edit_url("ivd_raw_materials")
    assert not ChainNode.objects.filter(code="ivd_raw_materials.enzymes").exists()
    assert [n.code for n in org.chain_nodes.all()] == ["ivd_raw_materials"]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.MERGE).exists()


def test_merging_into_its_own_subtree_or_moving_under_it_is_refused(
    client_for: Any, admin_user: Any
) -> None:
    child = ChainNode.objects.filter(parent__parent__isnull=False).select_related("parent").first()
    assert child is not None and child.parent is not None
    parent = child.parent
    client = client_for(admin_user)
    response = follow(client, edit_url(parent.code), {"action": "merge", "into": child.code})
    assert "不能合并到自己的下级节点" in texts(response)
    response = follow(client, edit_url(parent.code), {"action": "move", "parent": child.code})
    assert "不能把节点移到它自己或它的下级节点之下" in texts(response)
    assert node(parent.code).parent_id == parent.parent_id
    assert node(child.code).parent_id == parent.pk


def test_a_child_is_added_and_a_duplicate_code_refused(client_for: Any, admin_user: Any) -> None:
    client = client_for(admin_user)
    response = follow(
        client,
        edit_url("ivd_raw_materials"),
        {"action": "child", "child_code": "ivd_raw_materials.calibrators", "child_name": "校准品"},
    )
    assert "已新增下级节点“校准品”" in texts(response)
    created = node("ivd_raw_materials.calibrators")
    assert created.parent == node("ivd_raw_materials")
    assert created.sectors == node("ivd_raw_materials").sectors
    response = follow(
        client,
        edit_url("ivd_raw_materials"),
        {"action": "child", "child_code": "ivd_raw_materials.calibrators", "child_name": "校准"},
    )
    assert "编码“ivd_raw_materials.calibrators”已存在" in texts(response)
    assert ChainNode.objects.filter(code="ivd_raw_materials.calibrators").count() == 1


# --------------------------------------------------------------------------- reference profile


def profile_data(**changes: str) -> dict[str, str]:
    data = {
        "enterprises": "8",
        "revenue_wan": "25000",
        "headcount": "1200",
        "qualified": "3",
        "note": "区生物医药产业发展规划（2025—2027）诊断原料环节目标",
    }
    data.update(changes)
    return data


def test_an_officer_sets_a_nodes_targets_and_resets_them(
    client_for: Any, alice: Any, regions: dict[str, Any]
) -> None:
    client = client_for(alice)
    url = reverse("chain:profile-edit", args=["ivd_raw_materials"])
    response = follow(client, url, profile_data())
    assert "已保存“诊断原料（抗原、抗体、酶）”的目标画像" in texts(response) or any(
        m.startswith("已保存") for m in texts(response)
    )
    row = NodeTarget.objects.get(region=regions["district"], node=node("ivd_raw_materials"))
    assert (row.enterprises, row.revenue_yuan, row.headcount, row.qualified) == (
        8,
        Decimal("250000000.00"),
        1200,
        3,
    )
    page = client.get(reverse("chain:profile")).content.decode()
    assert "区生物医药产业发展规划（2025—2027）诊断原料环节目标" in page
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CREATE, note__contains="目标画像")
    response = follow(client, url, {"action": "reset"})
    assert any("已恢复默认目标" in m for m in texts(response))
    assert not NodeTarget.objects.filter(node=node("ivd_raw_materials")).exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"enterprises": "-1"}, "enterprises", "目标企业数须为不小于0的整数"),
        ({"enterprises": "八"}, "enterprises", "目标企业数须为不小于0的整数"),
        ({"enterprises": ""}, "enterprises", "请填写目标企业数"),
        ({"enterprises": "99999"}, "enterprises", "目标企业数不能超过10,000"),
        ({"revenue_wan": "很多"}, "revenue_wan", "目标营收须为数字（单位：万元）"),
        ({"revenue_wan": "-5"}, "revenue_wan", "目标营收须为不小于0的数字（单位：万元）"),
        ({"revenue_wan": "NaN"}, "revenue_wan", "目标营收须为不小于0的数字（单位：万元）"),
        ({"headcount": "1.5"}, "headcount", "目标从业人数须为不小于0的整数"),
        ({"qualified": "9"}, "qualified", "目标高企/专精特新数不能多于目标企业数"),
        ({"note": " "}, "note", "请写明依据（如规划文件名称、对标区域）"),
    ],
)
def test_bad_profile_values_are_refused_and_nothing_changes(
    client_for: Any,
    alice: Any,
    regions: dict[str, Any],
    changes: dict[str, str],
    field: str,
    message: str,
) -> None:
    NodeTarget.objects.create(
        region=regions["district"], node=node("ivd_raw_materials"), enterprises=5, note="旧依据"
    )
    events = AuditEvent.objects.count()
    response = client_for(alice).post(
        reverse("chain:profile-edit", args=["ivd_raw_materials"]), profile_data(**changes)
    )
    assert response.status_code == 400
    assert response.context["errors"][field] == [message]
    assert message in response.content.decode()
    row = NodeTarget.objects.get(node=node("ivd_raw_materials"))
    assert (row.enterprises, row.note) == (5, "旧依据")
    assert AuditEvent.objects.count() == events


def test_the_profile_is_the_districts_own(
    client_for: Any, alice: Any, charlie: Any, viewer: Any, regions: dict[str, Any]
) -> None:
    NodeTarget.objects.create(
        region=regions["district"],
        node=node("ivd_raw_materials"),
        enterprises=7,
        note="桐华区内部目标依据",
    )
    # another district's officer sees and edits only their own district's profile
    client = client_for(charlie)
    page = client.get(reverse("chain:profile")).content.decode()
    assert "桐华区内部目标依据" not in page and "桐华区" not in page
    follow(client, reverse("chain:profile-edit", args=["ivd_raw_materials"]), profile_data())
    ours = NodeTarget.objects.get(region=regions["district"], node=node("ivd_raw_materials"))
    assert ours.enterprises == 7
    theirs = NodeTarget.objects.get(region=regions["other"], node=node("ivd_raw_materials"))
    assert theirs.enterprises == 8
    # a viewer reads the profile but cannot edit it
    viewer_client = client_for(viewer)
    assert viewer_client.get(reverse("chain:profile")).status_code == 200
    url = reverse("chain:profile-edit", args=["ivd_raw_materials"])
    assert viewer_client.post(url, profile_data(enterprises="1")).status_code == 403
    assert (
        NodeTarget.objects.get(
            region=regions["district"], node=node("ivd_raw_materials")
        ).enterprises
        == 7
    )
