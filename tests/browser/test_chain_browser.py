"""A district leader walks the chain: the map, a red gap node with its formula, the local
companies, ranked targets with reasons, one target turned into a lead, the funnel counting it.

The cockpit issue adds a `leader` role; until it exists the walk is done by a bureau officer
(the role that can turn a target into a lead)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from tests.browser.conftest import login
from yiqiao.chain.models import GapRun, NodeTarget, Target
from yiqiao.chain.services.gaps import gap_run_execute
from yiqiao.projects.models import Project
from yiqiao.registry.models import ChainNode

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def chain(org_factory: Any, regions: Any, alice: Any) -> Any:
    def node(code: str) -> ChainNode:
        return ChainNode.objects.get(code=code)

    maker = org_factory("桐华化学发光诊断有限公司", revenue_yuan=Decimal("80000000"), headcount=300)
    maker.chain_nodes.set([node("device_manufacturer.ivd_immuno")])
    supplier = org_factory("桐华磁珠原料有限公司", headcount=40)
    supplier.chain_nodes.set([node("ivd_raw_materials.beads_labels")])
    NodeTarget.objects.create(
        region=regions["district"],
        node=node("ivd_raw_materials"),
        enterprises=8,
        qualified=2,
        revenue_yuan=Decimal("200000000"),
    )
    for name, code in (
        ("雁州诊断原料有限公司", "ivd_raw_materials.antigens_antibodies"),
        ("雁州抗原抗体科技有限公司", "ivd_raw_materials.antigens_antibodies"),
    ):
        org_factory(name, region=regions["other"], headcount=200).chain_nodes.set([node(code)])
    run = GapRun.objects.create(region=regions["district"], by=alice, as_of="2026-12-01")
    gap_run_execute(run_id=run.pk)


def test_it_walks_from_the_map_to_a_lead_that_the_funnel_counts(
    page: Any, live_server: Any, alice: Any, chain: Any
) -> None:
    login(page, live_server, "alice", PASSWORD)
    page.click("nav >> text=产业链")
    page.wait_for_selector("#chain-chart canvas")  # ECharts drew the map (shipped, no CDN)
    red = page.locator("a.chain-node[data-gap='red']", has_text="诊断原料").first
    expect(red).to_be_visible()
    red.click()

    page.wait_for_selector("h1:has-text('诊断原料')")
    expect(page.locator(".gap-badge")).to_have_attribute("data-level", "red")
    expect(page.get_by_test_id("gap-formula")).to_contain_text("0.30×企业数缺口")
    expect(page.locator("#gap td", has_text="本地1家 / 目标8家")).to_have_count(1)
    expect(page.locator("#local")).to_contain_text("桐华磁珠原料有限公司")
    rows = page.locator("#targets tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first.locator(".reasons")).to_contain_text("正处该节点")

    rows.first.get_by_role("button", name="转为招商线索").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("body")).to_contain_text("已转为招商线索")
    expect(page.locator("#funnel li[data-step='lead'] strong")).to_have_text("1")
    expect(page.locator("#funnel li[data-step='targets'] strong")).to_have_text("2")
    assert Project.objects.count() == 1
    assert Target.objects.filter(status="lead").count() == 1


def test_staff_edit_a_node_and_the_reference_profile_and_see_refusals(
    page: Any, live_server: Any, admin_user: Any, regions: Any, org_factory: Any
) -> None:
    org = org_factory("桐华诊断酶有限公司")
    org.chain_nodes.set([ChainNode.objects.get(code="ivd_raw_materials.enzymes")])
    login(page, live_server, "ada", PASSWORD)
    page.goto(live_server.url + "/chain/nodes/ivd_raw_materials/")
    page.get_by_role("link", name="编辑节点").click()
    page.wait_for_selector("h1:has-text('编辑节点')")

    # IVD raw materials supply IVD makers: the reverse edge would close a loop and is refused
    page.select_option("#id_other", "device_manufacturer.ivd")
    page.get_by_role("button", name="设为上游供应").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator(".messages")).to_contain_text("供需关系不能成环")

    page.goto(live_server.url + "/chain/nodes/ivd_raw_materials.enzymes/edit/")

    # deleting a node an organisation points at is refused; merging moves the link
    page.get_by_role("button", name="删除节点").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator(".messages")).to_contain_text("仍有1条关联记录，不能删除")
    page.screenshot(path="/tmp/chainwork/node_edit.png", full_page=True)
    page.select_option("#id_into", "ivd_raw_materials")
    page.get_by_role("button", name="合并").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator(".messages")).to_contain_text("关联记录已迁移")
    assert [n.code for n in org.chain_nodes.all()] == ["ivd_raw_materials"]

    # the reference profile: a bad value is refused in place, a good one is saved
    page.goto(live_server.url + "/chain/profile/")
    page.locator("#n-ivd_raw_materials").get_by_role("link", name="修改").click()
    page.fill("#id_enterprises", "-3")
    page.fill("#id_note", "区生物医药产业规划诊断原料环节目标")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#profile-form .error")).to_contain_text("目标企业数须为不小于0的整数")
    page.screenshot(path="/tmp/chainwork/profile_edit.png", full_page=True)
    page.fill("#id_enterprises", "9")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("#n-ivd_raw_materials")).to_contain_text(
        "区生物医药产业规划诊断原料环节目标"
    )
    page.screenshot(path="/tmp/chainwork/profile.png")
    assert NodeTarget.objects.get(node__code="ivd_raw_materials").enterprises == 9
