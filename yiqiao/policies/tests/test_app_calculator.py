"""The policy calculator on the organisation page: amounts, reasons, missing data, facts."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from yiqiao.core.models import AuditEvent
from yiqiao.policies import engine
from yiqiao.policies.models import OrganisationFact, Policy
from yiqiao.policies.profiles import organisation_profile
from yiqiao.policies.queries import organisation_calculator
from yiqiao.registry.models import ChainNode, Region

from .app_support import ON, sync, use_fast_hasher, write_library

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_hasher(settings: Any) -> None:
    use_fast_hasher(settings)


@pytest.fixture
def library(tmp_path: Path, regions: dict[str, Any]) -> Path:
    folder = write_library(tmp_path / "lib")
    sync(folder, region=regions["district"])
    return folder


@pytest.fixture
def orgs(library: Path, org_factory: Any, regions: dict[str, Any]) -> dict[str, Any]:
    full = org_factory(
        "锦城康瑞生物科技有限公司",
        rd_spend_yuan=Decimal("60000000"),
        is_high_tech=True,
        is_specialised=True,
        park=regions["park"],
    )
    OrganisationFact.objects.create(
        organisation=full, field="drug_phase1_started", value=2, as_of=dt.date(2025, 1, 1)
    )
    missing = org_factory("桐华新创医药有限公司")
    near = org_factory("桐华近线医疗器械有限公司", rd_spend_yuan=Decimal("18000000"))
    return {"full": full, "missing": missing, "near": near}


def by_code(view: Any) -> dict[str, Any]:
    return {p.code: item for p, item in view.rows()}


def test_it_builds_the_profile_from_register_columns_and_facts(
    orgs: dict[str, Any], regions: dict[str, Any]
) -> None:
    # The chain tree comes with the chain app's migrations; the profile holds the node and its
    # ancestors that the field dictionary declares ("drug_manufacturer.chemical" is not).
    orgs["full"].chain_nodes.set([ChainNode.objects.get(code="drug_manufacturer.chem_innovative")])
    OrganisationFact.objects.create(
        organisation=orgs["full"], field="drug_phase1_started", value=3, as_of=dt.date(2026, 1, 1)
    )
    profile = organisation_profile(orgs["full"], on=ON)
    assert profile == {
        "kind": "enterprise",
        "rd_spend_yuan": 60_000_000.0,
        "region_code": "tp.jc.th",
        "park_code": "tp.jc.th.tmp",
        "province_code": "tp",
        "city_code": "tp.jc",
        "county_code": "tp.jc.th",
        "qualifications": frozenset({"high_tech", "specialised"}),
        "chain_nodes": frozenset({"drug_manufacturer", "drug_manufacturer.chem_innovative"}),
        "drug_phase1_started": 2,  # the 2026 value is not yet known on 2025-06-30
        "awards_received": (),  # none recorded: known to be none, not missing
    }


def test_it_registers_an_enterprise_in_a_zone_under_its_district(
    library: Path, org_factory: Any, regions: dict[str, Any]
) -> None:
    org = org_factory("开发区企业", region=regions["zone"])
    assert organisation_profile(org, on=ON)["region_code"] == "tp.jc.th"


def test_it_calculates_amounts_with_exclusive_groups(orgs: dict[str, Any]) -> None:
    view = organisation_calculator(orgs["full"], on=ON)
    items = by_code(view)
    assert items["t.rd_subsidy"].final_amount == 5_000_000
    assert items["t.rd_subsidy"].explanation.benefit_trace.endswith("= 500万元")
    assert items["t.phase1"].final_amount == 6_000_000
    assert items["t.specialised"].final_amount == 500_000
    assert items["t.high_tech"].superseded is True
    assert view.total == 11_500_000
    assert [p.code for p, _ in view.eligible()] == ["t.phase1", "t.rd_subsidy", "t.specialised"]


def test_it_never_reports_missing_data_as_ineligible(orgs: dict[str, Any]) -> None:
    view = organisation_calculator(orgs["missing"], on=ON)
    items = by_code(view)
    assert items["t.rd_subsidy"].explanation.status == engine.IF_DATA_SUPPLIED
    assert items["t.phase1"].explanation.status == engine.IF_DATA_SUPPLIED
    assert items["t.rd_subsidy"].explanation.missing_fields == ("rd_spend_yuan",)
    assert [name for name, _label, _titles in view.missing_fields()] == [
        "drug_phase1_started",
        "rd_spend_yuan",
    ]
    # Qualifications are register flags (known), so those policies are decided.
    assert items["t.high_tech"].explanation.status == engine.INELIGIBLE


def test_it_shows_amounts_reasons_missing_data_and_near_misses_on_the_page(
    orgs: dict[str, Any], client_for: Any, alice: Any
) -> None:
    client = client_for(alice)
    page = client.get(reverse("registry:organisation-detail", args=[orgs["full"].pk])).content
    text = page.decode()
    assert 'id="policy-calculator"' in text
    assert "1,150.00万元" in text
    assert "测试研发投入补助" in text and "500.00万元" in text
    assert "上年度研发投入 6000万元" in text
    assert "同组就高、不重复享受的政策：测试高新技术企业奖励" in text
    near = client.get(reverse("registry:organisation-detail", args=[orgs["near"].pk])).content
    near_text = near.decode()
    assert "上年度研发投入 1800万元，要求 ≥ 2000万元，差 200万元" in near_text
    missing = client.get(reverse("registry:organisation-detail", args=[orgs["missing"].pk]))
    missing_text = missing.content.decode()
    assert 'data-field="rd_spend_yuan"' in missing_text
    assert 'data-field="drug_phase1_started"' in missing_text
    assert 'id="fact-form"' in missing_text


def test_it_lets_an_officer_supply_missing_data_with_audit(
    orgs: dict[str, Any], client_for: Any, alice: Any
) -> None:
    org = orgs["missing"]
    response = client_for(alice).post(
        reverse("policies:fact-add", args=[org.pk]),
        {"field": "drug_phase1_started", "value": "1", "as_of": "2025-01-01", "source": "企业报送"},
    )
    assert response.status_code == 302
    fact = OrganisationFact.objects.get(organisation=org, field="drug_phase1_started")
    assert (fact.value, fact.entered_by, fact.source) == (1, alice, "企业报送")
    assert (
        AuditEvent.objects.filter(model="policies.organisationfact", action="create").count() == 1
    )
    items = by_code(organisation_calculator(org, on=ON))
    assert items["t.phase1"].final_amount == 3_000_000


def test_it_refuses_a_fact_value_of_the_wrong_type(
    orgs: dict[str, Any], client_for: Any, alice: Any
) -> None:
    response = client_for(alice).post(
        reverse("policies:fact-add", args=[orgs["missing"].pk]),
        {"field": "drug_phase1_started", "value": "很多", "as_of": "2025-01-01"},
        follow=True,
    )
    assert "应为数字" in response.content.decode()
    assert OrganisationFact.objects.filter(organisation=orgs["missing"]).count() == 0


def test_it_exports_the_calculation_as_xlsx(
    orgs: dict[str, Any], client_for: Any, alice: Any
) -> None:
    response = client_for(alice).get(reverse("policies:calculator-export", args=[orgs["full"].pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("政策编号", "政策名称", "兑现方式", "结论", "金额（元）")
    rd = [r for r in rows if r[0] == "t.rd_subsidy" and r[7] == "上年度研发投入"]
    assert rd[0][4] == 5_000_000
    assert rd[0][8] == "满足"


def test_it_refuses_the_calculator_and_facts_to_an_outsider(
    orgs: dict[str, Any], client_for: Any, charlie: Any
) -> None:
    client = client_for(charlie)
    org = orgs["missing"]
    assert client.get(reverse("policies:calculator-export", args=[org.pk])).status_code == 404
    response = client.post(
        reverse("policies:fact-add", args=[org.pk]),
        {"field": "drug_phase1_started", "value": "1", "as_of": "2025-01-01"},
    )
    assert response.status_code == 404
    assert OrganisationFact.objects.filter(organisation=org).count() == 0
    api = client.get(f"/api/policies/organisations/{org.pk}/explain")
    assert api.status_code == 404


def test_it_shows_the_enterprise_its_own_calculator_without_the_fact_form(
    orgs: dict[str, Any], units: dict[str, Any], client_for: Any
) -> None:
    from conftest import make_user

    user = make_user("ent", units["portal"], "enterprise", organisation=orgs["full"])
    client = client_for(user)
    text = client.get(reverse("registry:organisation-detail", args=[orgs["full"].pk])).content
    assert 'id="policy-calculator"' in text.decode()
    assert 'id="fact-form"' not in text.decode()
    other = client.get(reverse("registry:organisation-detail", args=[orgs["near"].pk]))
    assert other.status_code == 404
    response = client.post(
        reverse("policies:fact-add", args=[orgs["full"].pk]),
        {"field": "drug_phase1_started", "value": "5", "as_of": "2025-02-01"},
    )
    assert response.status_code == 403
    assert OrganisationFact.objects.filter(organisation=orgs["full"]).count() == 1


def test_it_explains_an_organisation_through_the_api(
    orgs: dict[str, Any], client_for: Any, alice: Any
) -> None:
    response = client_for(alice).get(
        f"/api/policies/organisations/{orgs['near'].pk}/explain", {"on": "2025-06-30"}
    )
    assert response.status_code == 200
    data = response.json()
    rd = next(p for p in data["policies"] if p["code"] == "t.rd_subsidy")
    assert rd["status"] == "ineligible"
    assert rd["is_near_miss"] is True
    failing = [c for c in rd["conditions"] if c["state"] == "fail"]
    assert [(c["field"], c["actual"], c["gap"]) for c in failing] == [
        ("rd_spend_yuan", "1800万元", "差 200万元")
    ]


def test_it_maps_the_register_district_to_the_division_code_the_library_uses(
    org_factory: Any, settings: Any
) -> None:
    from django.core.management import call_command

    settings.YIQIAO_POLICY_REGION_CODES = {"tp.jc.th": "xs.jc.th"}
    call_command("policies_sync", stdout=io.StringIO())
    org = org_factory("锦城康瑞生物科技有限公司", rd_spend_yuan=Decimal("60000000"))
    org.chain_nodes.set([ChainNode.objects.get(code="drug_manufacturer.chem_innovative")])
    assert organisation_profile(org, on=ON)["region_code"] == "xs.jc.th"
    items = by_code(organisation_calculator(org, on=ON))
    assert items["rd.spend_subsidy"].explanation.status == engine.ELIGIBLE
    assert items["rd.spend_subsidy"].explanation.amount == 5_000_000


def test_it_keeps_the_panel_query_count_flat_as_facts_and_policies_grow(
    orgs: dict[str, Any], client_for: Any, alice: Any, tmp_path: Path
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(alice)
    url = reverse("registry:organisation-detail", args=[orgs["full"].pk])
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for i in range(5):
        OrganisationFact.objects.create(
            organisation=orgs["full"],
            field="talents_young",
            value=i,
            as_of=dt.date(2024, 1, 1 + i),
        )
    more = {
        f"extra_{i}.yaml": (tmp_path / "lib" / "phase1.yaml")
        .read_text(encoding="utf-8")
        .replace("id: t.phase1", f"id: t.extra_{i}")
        for i in range(5)
    }
    sync(write_library(tmp_path / "more", more))
    with CaptureQueriesContext(connection) as after:
        response = client.get(url)
    assert response.status_code == 200
    assert len(after.captured_queries) == len(before.captured_queries)


def test_it_names_regions_in_the_calculators_sentences_never_their_codes(
    orgs: dict[str, Any], client_for: Any, alice: Any, settings: Any
) -> None:
    # Issue #10: the calculator printed "注册区县编码 tp.jc.th，要求 为 tp.jc.th".
    items = by_code(organisation_calculator(orgs["full"], on=ON))
    texts = [c.text for c in items["t.rd_subsidy"].explanation.conditions]
    assert "注册区县 桐华区，要求 为 桐华区，满足" in texts
    client = client_for(alice)
    page = client.get(reverse("registry:organisation-detail", args=[orgs["near"].pk]))
    text = page.content.decode()
    assert "注册区县 桐华区" in text
    assert "tp.jc.th" not in text.replace('data-region="tp.jc.th"', "")
    # A division code the library uses (through the configured alias) reads as the name too.
    settings.YIQIAO_POLICY_REGION_CODES = {"tp.jc.th": "xs.jc.th"}
    from yiqiao.policies.profiles import RegionNames, field_dictionary

    RegionNames.forget()
    assert field_dictionary()["region_code"].value_label("xs.jc.th") == "桐华区"
    assert field_dictionary()["park_code"].value_label("tp.jc.th.tmp") == "桐华转化医学产业园"


def test_conditions_read_in_english_on_an_english_page(
    orgs: dict[str, Any], client_for: Any, alice: Any
) -> None:
    """Issue 10: each condition's sentence, the failing conditions of a near miss and the
    missing data's names were the engine's Chinese on English pages."""
    client = client_for(alice)
    client.cookies["django_language"] = "en"
    han = re.compile(r"[\u4e00-\u9fff]")
    sections = re.compile(
        r'<details class="conditions">.*?</details>|<ul id="calc-missing">.*?</ul>'
        r'|<table class="grid compact" id="calc-near">.*?</table>',
        re.S,
    )
    # a region's name is its own (stored data, no English name in the register)
    # and a policy's title is its own name
    places = sorted(Region.objects.values_list("name", flat=True), key=len, reverse=True)
    titles = list(Policy.objects.values_list("title", flat=True))
    seen = []
    for org in orgs.values():
        page = client.get(reverse("registry:organisation-detail", args=[org.pk])).content.decode()
        for section in sections.findall(page):
            # policy titles are the policy's own name (stored data), not vocabulary
            text = re.sub(r"<a [^>]*>.*?</a>", "", section, flags=re.S)
            for place in titles + places:
                text = text.replace(place, "")
            seen.append(text)
            assert not han.search(text), text
    # the form that supplies missing data names its fields and its labels in English
    page = client.get(reverse("registry:organisation-detail", args=[orgs["missing"].pk]))
    form = page.content.decode().split('id="fact-form"', 1)[1].split("</form>", 1)[0]
    assert "Innovative drugs starting phase I trials this year（drug_phase1_started）" in form
    assert "As of" in form
    # (the value's help names the Chinese the parser reads: 200万, 1.5亿, 是/否)
    shown = re.sub(r'（[^）]*）|<div class="helptext"[^>]*>.*?</div>', "", form, flags=re.S)
    assert not han.search(shown), shown
    # the API answers in the request's language too
    near = client.get(f"/api/policies/organisations/{orgs['near'].pk}/explain").json()
    answered = [
        (c["label"], c["actual"], c["required"], c["gap"], c["text"])
        for item in near["policies"]
        for c in item["conditions"]
    ] + [(text,) for item in near["policies"] for text in item["failing"] + item["missing_labels"]]
    assert answered
    for parts in answered:
        shown = " ".join(parts)
        for place in places:
            shown = shown.replace(place, "")
        assert not han.search(shown), shown
    assert any(parts[-1].endswith("short by 2M yuan") for parts in answered)
    words = "\n".join(seen)
    assert "R&amp;D spending last year 18M yuan, required ≥ 20M yuan: short by 2M yuan" in words
    assert "R&amp;D spending last year 60M yuan" in words
    assert 'data-field="rd_spend_yuan"' in words
