"""The chain app: gaps with their formula, targets, a lead in one click, the funnel,
classification decisions that teach, and scoping."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from yiqiao.chain.models import (
    ChainCorrection,
    ChainLink,
    GapRun,
    NodeGap,
    NodeTarget,
    OrganisationChain,
    Target,
)
from yiqiao.chain.queries import node_funnel
from yiqiao.chain.services.classification import (
    ChainJudgement,
    organisation_chain_confirm,
    organisation_classify,
    organisations_classify,
)
from yiqiao.chain.services.gaps import gap_run_execute, target_make_lead
from yiqiao.projects.models import Project
from yiqiao.registry.models import ChainNode, Organisation

pytestmark = pytest.mark.django_db


def node(code: str) -> ChainNode:
    return ChainNode.objects.get(code=code)


@pytest.fixture
def chain(regions: dict[str, Any], units: dict[str, Any], org_factory: Any, alice: Any) -> Any:
    """A district with two IVD makers and no IVD raw-material supplier; three outside
    suppliers, two kept by our bureau and one by another city's bureau."""
    makers = [
        org_factory("桐华化学发光诊断有限公司", revenue_yuan=Decimal("80000000"), headcount=300),
        org_factory("桐华快检生物有限公司", revenue_yuan=Decimal("20000000"), headcount=90),
    ]
    for org in makers:
        org.chain_nodes.set([node("device_manufacturer.ivd_immuno")])
    NodeTarget.objects.create(
        region=regions["district"],
        node=node("ivd_raw_materials"),
        enterprises=5,
        qualified=2,
        revenue_yuan=Decimal("100000000"),
    )
    near = org_factory("雁州诊断原料有限公司", region=regions["other"], headcount=500)
    far = org_factory("雁州酶原料有限公司", region=regions["other"], headcount=40)
    theirs = org_factory(
        "北山抗原科技有限公司", region=regions["other"], owner_unit=units["outsider"]
    )
    near.chain_nodes.set([node("ivd_raw_materials.antigens_antibodies")])
    far.chain_nodes.set([node("ivd_raw_materials.enzymes")])
    theirs.chain_nodes.set([node("ivd_raw_materials.antigens_antibodies")])
    run = GapRun.objects.create(region=regions["district"], by=alice, as_of="2026-12-01")
    return {"run": gap_run_execute(run_id=run.pk), "near": near, "far": far, "theirs": theirs}


def test_it_computes_gaps_with_each_term_and_the_records_behind_them(chain: Any) -> None:
    run = chain["run"]
    assert run.status == "done" and run.progress == 100
    raw = NodeGap.objects.get(run=run, node=node("ivd_raw_materials"))
    ivd = NodeGap.objects.get(run=run, node=node("device_manufacturer.ivd_immuno"))
    assert (raw.level, raw.local_count) == ("red", 0)
    assert [t["key"] for t in raw.terms] == ["count", "revenue", "qualified", "peer", "dependency"]
    assert raw.terms[0]["detail"] == "本地0家 / 目标5家"
    assert raw.terms[0]["value"] == 1.0
    assert ivd.local_count == 2
    assert sorted(ivd.record_ids) == sorted(
        Organisation.objects.filter(name__startswith="桐华").values_list("pk", flat=True)
    )


def test_it_ranks_only_outside_companies_our_units_keep(chain: Any) -> None:
    targets = Target.objects.filter(node=node("ivd_raw_materials.antigens_antibodies"))
    assert [t.organisation.name for t in targets] == ["雁州诊断原料有限公司"]
    target = targets.get()
    assert target.rank == 1
    assert "正处该节点" in target.reasons
    assert [t["key"] for t in target.components["terms"]] == ["fit", "growth", "ties", "region"]
    assert not Target.objects.filter(organisation=chain["theirs"]).exists()


def test_it_turns_a_target_into_one_lead_and_the_funnel_counts_it(
    chain: Any, alice: Any, regions: dict[str, Any]
) -> None:
    target = Target.objects.get(organisation=chain["near"], node__code__endswith="antibodies")
    project = target_make_lead(target=target, by=alice)
    again = target_make_lead(target=target, by=alice)
    assert again.pk == project.pk
    assert Project.objects.count() == 1
    assert list(project.investors.all()) == [chain["near"]]
    assert [n.code for n in project.chain_nodes.all()] == [target.node.code]
    funnel = dict(
        (k, n) for k, _, n in node_funnel(user=alice, region=regions["district"], node=target.node)
    )
    assert funnel == {"targets": 1, "contacted": 0, "lead": 1, "signed": 0, "landed": 0}


def test_it_links_a_target_already_in_the_pipeline_instead_of_duplicating(
    chain: Any, alice: Any
) -> None:
    from yiqiao.projects.services import project_create_lead

    existing = project_create_lead(
        title="雁州诊断原料来访", investor=chain["near"], source_note="来访", by=alice
    )
    target = Target.objects.get(organisation=chain["near"], node__code__endswith="antibodies")
    assert target_make_lead(target=target, by=alice).pk == existing.pk
    assert Project.objects.count() == 1


def test_it_refuses_leads_and_pages_to_those_outside(
    chain: Any, charlie: Any, viewer: Any, client_for: Any
) -> None:
    target = Target.objects.get(organisation=chain["near"], node__code__endswith="antibodies")
    with pytest.raises(PermissionDenied):
        target_make_lead(target=target, by=viewer)
    response = client_for(charlie).post(reverse("chain:target-lead", args=[target.pk]))
    assert response.status_code == 404
    assert Project.objects.count() == 0
    page = client_for(charlie).get(reverse("chain:node", args=[target.node.code]))
    assert "雁州诊断原料有限公司" not in page.content.decode()


def test_it_shows_the_formula_local_companies_and_targets_on_the_node_page(
    chain: Any, alice: Any, client_for: Any
) -> None:
    client = client_for(alice)
    page = client.get(reverse("chain:node", args=["ivd_raw_materials.antigens_antibodies"]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "0.30×企业数缺口 + 0.20×营收缺口" in text
    assert "雁州诊断原料有限公司" in text
    ivd = client.get(
        reverse("chain:node", args=["device_manufacturer.ivd_immuno"])
    ).content.decode()
    assert "桐华化学发光诊断有限公司" in ivd
    chain_map = client.get(reverse("chain:map")).content.decode()
    assert 'data-gap="red"' in chain_map


def test_it_classifies_with_evidence_and_learns_from_a_correction(
    org_factory: Any, alice: Any
) -> None:
    org = org_factory(
        "桐华原料生物有限公司",
        description="主要从事诊断抗原、抗体原料的研发、生产和销售，客户为诊断试剂企业。",
        products="诊断抗原；诊断抗体",
    )
    result = organisation_classify(organisation=org)
    assert result.chain_node == "ivd_raw_materials"
    links = list(ChainLink.objects.filter(organisation=org))
    assert links and all(link.status == "suggested" and link.evidence for link in links)
    assert {n.chain_position for n in org.chain_nodes.all()} == {"ivd_raw_materials"}
    # Staff say it is a reagent maker after all: confirmed links, a stored correction.
    organisation_chain_confirm(
        organisation=org,
        judgement=ChainJudgement(
            "device_manufacturer", ("device_manufacturer.ivd_immuno",), ("ivd",)
        ),
        by=alice,
    )
    assert [n.code for n in org.chain_nodes.all()] == ["device_manufacturer.ivd_immuno"]
    assert ChainCorrection.objects.get().chain_position == "device_manufacturer"
    # A twin record with the same text is placed as the correction says.
    twin = org_factory(org.name, description=org.description, products=org.products)
    organisation_classify(organisation=twin)
    assert OrganisationChain.objects.get(organisation=twin).chain_position == "device_manufacturer"
    assert [n.code for n in twin.chain_nodes.all()] == ["device_manufacturer.ivd_immuno"]


def test_classifying_many_keeps_staff_decisions_in_few_queries(
    org_factory: Any, alice: Any, django_assert_max_num_queries: Any
) -> None:
    """The batch path (demo, backfills) stores what one-by-one classification stores: staff
    decisions kept, a correction for an identical text used, the register's nodes and mask
    from the links; and its queries do not grow with the number of organisations."""
    from yiqiao.registry.models import ChainBits

    texts = [
        ("诊断抗原、抗体原料的研发、生产和销售，客户为诊断试剂企业。", "诊断抗原；诊断抗体"),
        ("从事化学发光免疫诊断试剂及分析仪的研发和生产。", "化学发光试剂盒；免疫分析仪"),
        ("药品批发与医药物流配送企业，面向全省医院。", "药品批发；医药物流"),
    ]
    orgs = [
        org_factory(f"桐华批量{i}号有限公司", description=d, products=p)
        for i in range(12)
        for d, p in [texts[i % 3]]
    ]
    organisation_classify(organisation=orgs[0])
    organisation_chain_confirm(
        organisation=orgs[0],
        judgement=ChainJudgement("research", ("research",), ("healthcare_general",)),
        by=alice,
    )
    organisation_classify(organisation=orgs[1])
    rejected = ChainLink.objects.filter(organisation=orgs[1]).first()
    assert rejected is not None
    ChainLink.objects.filter(pk=rejected.pk).update(status=ChainLink.Status.REJECTED)
    twin = orgs[3]  # same text as orgs[0], corrected to research by staff
    twin.name = orgs[0].name
    twin.save()
    with django_assert_max_num_queries(40):
        assert organisations_classify(organisations=orgs, batch=8) == 12
    assert OrganisationChain.objects.get(organisation=orgs[0]).status == "confirmed"
    assert [n.code for n in orgs[0].chain_nodes.all()] == ["research"]
    assert ChainLink.objects.get(pk=rejected.pk).status == "rejected"
    assert rejected.node not in orgs[1].chain_nodes.all()
    profile = OrganisationChain.objects.get(organisation=twin)
    assert (profile.chain_position, profile.classifier) == ("research", "correction")
    assert (
        OrganisationChain.objects.get(organisation=orgs[4]).chain_position == "device_manufacturer"
    )
    assert OrganisationChain.objects.get(organisation=orgs[5]).chain_position == "distribution"
    # an existing suggestion is rewritten as a new one is written (same text as orgs[4])
    rewritten = OrganisationChain.objects.get(organisation=orgs[1])
    fresh = OrganisationChain.objects.get(organisation=orgs[4])
    assert (rewritten.chain_position, rewritten.sectors, rewritten.confidence) == (
        fresh.chain_position,
        fresh.sectors,
        fresh.confidence,
    )
    assert isinstance(rewritten.sectors, list) and rewritten.updated_at >= fresh.updated_at
    bits = ChainBits()
    for org in Organisation.objects.filter(pk__in=[o.pk for o in orgs]):
        links = ChainLink.objects.filter(organisation=org).exclude(status="rejected")
        nodes = set(org.chain_nodes.values_list("pk", flat=True))
        assert nodes == set(links.values_list("node_id", flat=True))
        assert nodes or org.pk == orgs[1].pk  # its one suggested node was rejected
        assert org.chain_mask == bits.mask(nodes)
    # The same text gives the same suggestion one by one and in a batch.
    one = organisation_classify(organisation=orgs[2])
    assert OrganisationChain.objects.get(organisation=orgs[2]).chain_position == one.chain_node
    assert OrganisationChain.objects.get(organisation=orgs[8]).sectors == list(one.sectors)


def test_the_map_layout_gives_every_label_a_row_of_its_own_in_a_readable_height(
    alice: Any, regions: dict[str, Any]
) -> None:
    from yiqiao.chain.queries import chain_map
    from yiqiao.chain.views import COLUMN_ROWS, map_layout

    nodes = chain_map(user=alice, region=regions["district"])["nodes"]
    placed, columns, rows = map_layout(nodes)
    shown = [n for n in nodes if n["level"] <= 2]
    assert sorted(n["code"] for n in placed) == sorted(n["code"] for n in shown)
    places = [(n["col"], n["row"]) for n in placed]
    assert len(set(places)) == len(places)  # one label per row of a column
    by_column: dict[int, list[float]] = {}
    for col, row in places:
        by_column.setdefault(col, []).append(row)
    for rows_of in by_column.values():
        ordered = sorted(rows_of)
        assert all(b - a >= 1 for a, b in zip(ordered, ordered[1:], strict=False))
    # the long upstream stage is cut in two columns, so the map is no taller than a long column
    assert columns[:2] == ["上游（一）", "上游（二）"]
    assert rows <= COLUMN_ROWS + 8
    # a group sits in its position's column, below it
    where = {n["code"]: (n["col"], n["row"]) for n in placed}
    for n in placed:
        if n["level"] == 2:
            assert where[n["parent"]][0] == n["col"] and where[n["parent"]][1] < n["row"]


def test_the_organisation_page_explains_each_suggestion_in_words(
    org_factory: Any, alice: Any, client_for: Any
) -> None:
    org = org_factory(
        "桐华原料生物有限公司",
        description="主要从事诊断抗原、抗体原料的研发、生产和销售，客户为诊断试剂企业。",
        products="诊断抗原；诊断抗体",
    )
    organisation_classify(organisation=org)
    text = client_for(alice).get(reverse("registry:organisation-detail", args=[org.pk]))
    html = text.content.decode()
    panel = html[html.index('id="chain-panel"') :]
    panel = panel[: panel.index("</section>")]
    assert "「诊断抗原」（产品）" in panel  # where the word was found, in words
    assert "「抗体原料」（主营业务）" in panel
    assert "：诊断抗原、抗体原料" in panel  # the words around it
    assert "体外诊断" in panel  # the sector's label, not its code
    assert "（products）" not in panel and "ivd、" not in panel


def test_a_targets_reasons_and_its_lead_note_read_in_english(
    chain: Any, alice: Any, client_for: Any
) -> None:
    """Issue 10: a target's reasons and the lead-source sentence it writes on its project are
    stored in Chinese and were shown so on English pages (a region's name stays its own)."""
    import re

    from django.urls import reverse

    from yiqiao.registry.models import Region

    han = re.compile(r"[\u4e00-\u9fff]")
    places = sorted(Region.objects.values_list("name", flat=True), key=len, reverse=True)
    target = Target.objects.get(organisation=chain["near"], node__code__endswith="antibodies")
    project = target_make_lead(target=target, by=alice)
    assert project.source_note.startswith("产业链补链目标：")
    client = client_for(alice)
    zh = client.get(reverse("projects:project-detail", args=[project.pk])).content.decode()
    assert project.source_note in zh  # Chinese as stored
    client.cookies["django_language"] = "en"
    page = client.get(reverse("projects:project-detail", args=[project.pk])).content.decode()
    note = page.split("Lead source</dt><dd>", 1)[1].split("</dd>", 1)[0]
    assert note.startswith("Chain gap target: ") and "Sits on this node" in note, note
    node_name = target.node.name_en
    assert node_name and node_name in note
    assert not han.search(note), note
    answered = [r for t in client.get("/api/chain/targets").json() for r in t["reasons"]]
    assert "Sits on this node" in answered
    for reason in answered:
        for place in places:
            reason = reason.replace(place, "")
        assert not han.search(reason), reason
    listing = client.get(reverse("chain:targets")).content.decode()
    cells = re.findall(r"<td>([^<]*)</td><td>[^<]*</td></tr>", listing)
    reasons = [c for c in cells if "Sits on this node" in c or "segment" in c]
    assert reasons, "the targets page lists each target's reasons"
    for cell in reasons:
        for place in places:
            cell = cell.replace(place, "")
        assert not han.search(cell), cell
