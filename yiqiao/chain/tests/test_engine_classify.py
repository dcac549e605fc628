"""The chain classifier: reading regions, dictionary matching, the shipped model, the CLI."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from yiqiao.chain.engine import cli
from yiqiao.chain.engine.classify import (
    SPECIFIC_SECTORS,
    Model,
    OrgInput,
    bundled_lexicon,
    classify,
    read,
)
from yiqiao.chain.engine.text import TermMatcher, normalise, read_fields
from yiqiao.chain.engine.training import Example, train

# Written for these tests (not in any training file): how registers describe such firms.
CASES = [
    (
        "锦西医药配送有限公司",
        "持有药品经营许可证，向县级医院和乡镇卫生院批发配送中西成药和医疗器械，自建GSP仓库。",
        "药品批发配送；医疗器械配送",
        "distribution",
    ),
    (
        "桐华诊断原料生物科技有限公司",
        "主要从事诊断抗原、抗体和诊断酶的研发、生产和销售，客户为化学发光和POCT试剂生产企业。",
        "诊断抗原；诊断抗体；诊断酶",
        "ivd_raw_materials",
    ),
    (
        "锦城临床研究服务有限公司",
        "临床CRO，为药企提供II、III期临床试验运营、监查和数据管理服务。",
        "临床试验运营；临床监查；数据管理",
        "contract_services",
    ),
    (
        "锦城第五人民医院",
        "三级综合医院，开放床位900张，设临床科室35个，年门急诊150万人次。",
        "综合医疗服务",
        "healthcare_provider",
    ),
    (
        "桐华大药房连锁有限公司",
        "药品零售连锁企业，门店300家，多为医保定点药店。",
        "连锁药店；药品零售",
        "retail",
    ),
    (
        "锦城智诊软件有限公司",
        "研发肺结节CT影像人工智能辅助诊断软件，已在200家医院部署，按软件许可收费。",
        "肺结节AI辅助诊断软件",
        "digital_health_it",
    ),
]


@pytest.mark.parametrize(("name", "description", "products", "position"), CASES)
def test_it_places_typical_register_entries(
    name: str, description: str, products: str, position: str
) -> None:
    result = classify(OrgInput("x", name, description, products))
    assert result.chain_node == position
    assert result.chain_nodes[0] == position
    assert result.evidence, "a placement always shows the words behind it"
    assert all(n.split(".")[0] == position for n in result.nodes[:1])


def test_it_keeps_the_business_scope_apart_from_what_a_company_does() -> None:
    spans = read_fields(
        "桐华器械有限公司",
        "公司生产医用口罩。经营范围：一般项目：第二类医疗器械销售；软件开发；"
        "技术服务（依法须经批准的项目，经相关部门批准后方可开展经营活动）。产品销往医院。",
        "",
    )
    scope = [s.text for s in spans if s.field == "scope"]
    assert len(scope) == 1 and "软件开发" in scope[0]
    assert not any("软件开发" in s.text for s in spans if s.field != "scope")
    customer = [s.text for s in spans if s.field == "customer"]
    assert customer == ["销往医院"]


def test_it_reads_customer_clauses_as_customers() -> None:
    spans = read_fields("", "公司生产医用钛合金棒材，主要供应给骨科植入物企业。", "")
    fields = {s.field: s.text for s in spans}
    assert "骨科植入物" in fields["customer"]
    assert "骨科" not in fields["description"]


def test_it_matches_ascii_words_only_at_word_boundaries() -> None:
    matcher = TermMatcher(["CT", "DR", "化学发光"])
    assert matcher.find(normalise("双源CT与DR")) == [("ct", 2), ("dr", 5)]
    assert matcher.find(normalise("ctDNA与DRG支付")) == []
    assert matcher.find(normalise("化学發光")) == [("化学发光", 0)]  # Traditional folded


def test_it_places_a_company_at_the_most_downstream_drug_product() -> None:
    api_only = classify(
        OrgInput("a", "桐华原料药有限公司", "生产阿托伐他汀钙原料药", "阿托伐他汀钙原料药")
    )
    with_tablets = classify(
        OrgInput(
            "b",
            "桐华原料药有限公司",
            "生产阿托伐他汀钙原料药及片剂",
            "阿托伐他汀钙原料药；阿托伐他汀钙片",
        )
    )
    assert api_only.chain_node == "api"
    assert "api" in api_only.sectors
    assert with_tablets.chain_node == "drug_manufacturer"


def test_it_never_answers_an_umbrella_beside_one_of_its_members() -> None:
    lines = [
        ("锦城医疗器械有限公司", "生产一次性输液器和医用口罩", "输液器；医用口罩"),
        ("桐华医药有限公司", "药品批发", "药品批发"),
        ("锦城生物", "体外诊断试剂与抗体药物", "诊断试剂；抗体药物"),
    ]
    for name, description, products in lines:
        sectors = set(classify(OrgInput("x", name, description, products)).sectors)
        assert not ({"drug", "device"} & sectors and sectors & set(SPECIFIC_SECTORS))
        assert not ("healthcare_general" in sectors and len(sectors) > 1)


def test_it_survives_empty_huge_and_odd_input() -> None:
    for org in (
        OrgInput("empty"),
        OrgInput("emoji", "😀😀", "🚀" * 100, "🎉"),
        OrgInput(
            "english", "Acme Bio", "We make chromatography resins for antibody purification.", ""
        ),
        OrgInput("huge", "桐华", "医疗器械" * 5000, "注射器；" * 1000),
    ):
        result = classify(org)
        assert result.chain_node
        assert result.sectors
        assert 0.0 <= result.confidence <= 1.0


def test_it_writes_one_line_per_input_and_reports_bad_lines() -> None:
    source = io.StringIO(
        json.dumps({"id": "a", "name": "桐华大药房", "description": "药品零售", "products": "药店"})
        + "\n\nnot json\n"
        + json.dumps({"name": "无编号医药", "description": "", "products": ["片剂", "胶囊"]})
        + "\n"
    )
    out, err = io.StringIO(), io.StringIO()
    status = cli.classify_stream(source, out, Model.untrained(bundled_lexicon().groups), err)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert status == 1
    assert [line["id"] for line in lines] == ["a", "line-3", "line-4"]
    assert set(lines[0]) == {
        "id",
        "nodes",
        "chain_node",
        "chain_nodes",
        "sectors",
        "confidence",
        "evidence",
    }
    assert lines[1]["error"] == "line 3: not JSON (Expecting value)"
    assert "line 3" in err.getvalue()


def test_it_trains_a_model_that_round_trips_through_json(tmp_path: Path) -> None:
    lexicon = bundled_lexicon()
    examples = [
        Example(OrgInput("1", "甲大药房", "药品零售连锁", "门店"), "retail", ("healthcare_general",)),
        Example(OrgInput("2", "乙医院", "三级医院，床位800张", "医疗服务"), "healthcare_provider", ("healthcare_general",)),
        Example(OrgInput("3", "丙医药物流", "第三方医药物流与冷链仓储", "冷链运输"), "logistics", ("healthcare_general",)),
        Example(OrgInput("4", "丁诊断", "化学发光试剂生产", "化学发光试剂"), "device_manufacturer", ("ivd",)),
    ]  # fmt: skip
    model = train(examples, lexicon, steps=200)
    path = tmp_path / "model.json"
    path.write_text(model.to_json(), encoding="utf-8")
    again = Model.from_json(path.read_text(encoding="utf-8"))
    org = OrgInput("x", "戊大药房连锁", "药品零售", "药店")
    assert classify(org, model=again).probabilities == pytest.approx(
        classify(org, model=model).probabilities, abs=1e-5
    )
    assert again.trained_on["examples"] == 4


def test_it_reads_region_evidence_for_the_positions() -> None:
    reading = read(
        OrgInput(
            "x",
            "桐华医用钛材有限公司",
            "生产医用钛合金棒材，供应给骨科植入物企业。",
            "医用钛合金棒材",
        ),
        bundled_lexicon(),
    )
    assert reading.position["medical_materials"]["products"] > 0
    assert reading.position["device_manufacturer"].get("products", 0.0) == 0.0
    assert reading.position["device_manufacturer"]["customer"] > 0


def test_it_runs_as_the_yiqiao_chain_classify_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from yiqiao.cli import main

    orgs = tmp_path / "orgs.jsonl"
    orgs.write_text(
        json.dumps(
            {
                "id": "o1",
                "name": "锦城医药冷链物流有限公司",
                "description": "第三方医药冷链物流企业，为疫苗和生物药提供2-8℃仓储运输。",
                "products": "医药冷链运输；GSP仓储",
            },
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    assert main(["chain", "classify", str(orgs)]) == 0
    line = json.loads(capsys.readouterr().out.strip())
    assert (line["id"], line["chain_node"], line["sectors"]) == (
        "o1",
        "logistics",
        ["healthcare_general"],
    )
    assert line["nodes"][0].startswith("logistics")


def _sectors(name: str, description: str, products: str) -> tuple[str, ...]:
    return classify(OrgInput("t", name, description, products)).sectors


def test_an_injection_of_a_biologic_is_no_chemical_drug() -> None:
    sectors = _sectors(
        "澄江生物制药有限公司",
        "主要从事长效重组蛋白药物的研发、生产和销售，产品为重组人生长激素注射液。",
        "长效重组人生长激素注射液；重组人干扰素注射液",
    )
    assert "recombinant_protein" in sectors
    assert "small_molecule" not in sectors


def test_generic_names_by_their_stems_say_chemical_drug() -> None:
    result = classify(
        OrgInput(
            "t",
            "梧江原料药有限公司",
            "原料药生产企业，年产缬沙坦20吨、盐酸二甲双胍300吨、阿托伐他汀钙5吨。",
            "缬沙坦；盐酸二甲双胍；阿托伐他汀钙",
        )
    )
    assert result.chain_node == "api"
    assert {"api", "small_molecule"} <= set(result.sectors)


def test_a_consumable_named_after_an_imaging_device_is_no_imaging_equipment() -> None:
    sectors = _sectors(
        "桐华医用耗材有限公司",
        "一次性使用无菌医疗耗材生产企业，产品为超声耦合套和腔镜用穿刺器。",
        "超声耦合套；一次性使用腔镜用穿刺器",
    )
    assert "consumable" in sectors
    assert "medical_imaging" not in sectors


def test_quality_inspection_of_goods_is_no_diagnostics() -> None:
    sectors = _sectors(
        "锦西药品统一配送有限公司",
        "承担基本药物的储存、检验、养护、分拣和向医疗机构配送。",
        "基本药物批发配送",
    )
    assert "ivd" not in sectors
    assert "healthcare_general" not in sectors


def test_its_evidence_shows_the_words_around_each_term_and_the_role_cues() -> None:
    result = classify(
        OrgInput(
            "x",
            "锦城医学检验实验室有限公司",
            "独立第三方医学实验室，承接基层医疗机构的检验外包，开展生化免疫和分子诊断检测服务。",
            "生化免疫检验；分子诊断检测服务",
        )
    )
    assert result.chain_node == "third_party_lab"
    evidence = [e.as_dict() for e in result.evidence]
    assert all(e["context"] and e["term"] in e["context"] for e in evidence)
    cues = [e for e in evidence if e["points_to"].startswith("cue:")]
    assert cues and all(e["weight"] > 0 for e in cues)
    assert {e["points_to"] for e in cues} <= {"cue:test_service", "cue:serve", "cue:lab"}


def test_a_formulation_maker_that_sells_its_apis_is_in_the_api_field_too() -> None:
    both = classify(
        OrgInput(
            "x",
            "桐华制药有限公司",
            "化学药企业，生产片剂、胶囊和注射液，原料药出口欧美。",
            "盐酸二甲双胍片；阿莫西林胶囊；头孢类原料药",
        )
    )
    assert both.chain_node == "drug_manufacturer"
    assert {"small_molecule", "api"} <= set(both.sectors)
    # A side line ("少量原料药") does not say the company sells its APIs.
    lexicon = bundled_lexicon()
    side = OrgInput("y", "锦城制药有限公司", "化学药企业。", "盐酸二甲双胍片；少量原料药")
    listed = OrgInput("z", "锦城制药有限公司", "化学药企业。", "盐酸二甲双胍片；原料药")
    assert (read(side, lexicon).sells_api, read(listed, lexicon).sells_api) == (False, True)
