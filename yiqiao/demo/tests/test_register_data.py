"""The demo register's data files: every value in RESOURCES.md's vocabulary and units, at plausible sizes.

The files under ``yiqiao/demo/data/register/`` are the demo district's catalogue of spaces, platform
services, investors and partner organisations. They are written by hand from public material, so a
typo (``ISO7`` for ``7``, ``ivd `` with a space, a rent quoted per day, land left in 亩) would reach
the matcher unnoticed; these tests read every record and check every attribute with the validator
of ``yiqiao.vocab`` (RESOURCES.md as code), then check units and sizes a listing could state.
"""

from __future__ import annotations

import importlib
import re
from collections import Counter
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from yiqiao.vocab import VOCABULARIES, attributes_of, check_value, expand_sectors
from yiqiao.vocab.units import mu_to_m2

REGISTER = Path(__file__).resolve().parent.parent / "data" / "register"


#: Fields a record may carry besides the RESOURCES.md attributes of its type (identity, place,
#: provenance and the figures a listing states in its own unit before conversion).
EXTRA_FIELDS: dict[str, dict[str, type | tuple[type, ...]]] = {
    "space": {
        "key": str,
        "name": str,
        "park": str,
        "building": (str, type(None)),
        "address": str,
        "operator": str,
        "total_area_m2": (int, float),
        "description": str,
        "basis": list,
        "area_mu": (int, float),
        "plot_ratio": str,
        "land_price_wan_per_mu": (int, float),
        "price_note": str,
        "monthly_rent_yuan": (int, float),
        "temperature_zone": str,
        "storeys": int,
    },
    "service": {
        "key": str,
        "name": str,
        "provider": str,
        "provider_key": str,
        "provider_region": str,
        "park": (str, type(None)),
        "price_note": (str, type(None)),
        "description": str,
        "basis": list,
    },
    "investor": {
        "key": str,
        "name": str,
        "demo_key": (str, type(None)),
        "manager": (str, type(None)),
        "region": (str, type(None)),
        "hq": (str, type(None)),
        "ticket_note": (str, type(None)),
        "usd_rate": (int, float, type(None)),
        "fund_size_yuan": (int, type(None)),
        "portfolio": list,
        "description": str,
        "basis": list,
    },
    "organisation": {
        "key": str,
        "name": str,
        "demo_key": (str, type(None)),
        "region": str,
        "park": (str, type(None)),
        "beds": int,
        "gcp_departments": int,
        "phase1_beds": int,
        "services": list,
        "description": str,
        "basis": list,
    },
}


def values(vocabulary: str) -> set[str]:
    """The codes of one RESOURCES.md vocabulary ("SPACE_KIND" …)."""
    return set(VOCABULARIES[vocabulary].values)


def load(name: str) -> list[dict[str, Any]]:
    """The records of one register file (``spaces`` -> ``spaces.yaml``)."""
    return _load(name)


@cache
def _load(name: str) -> list[dict[str, Any]]:
    data = yaml.safe_load((REGISTER / f"{name}.yaml").read_text(encoding="utf-8"))
    records = data[name]
    assert isinstance(records, list)
    return records


def demo_module(name: str) -> Any:
    """A module of the demo district (moving from ``yiqiao.registry.demo`` to ``yiqiao.demo``)."""
    for package in ("yiqiao.demo", "yiqiao.registry.demo"):
        try:
            return importlib.import_module(f"{package}.{name}")
        except ModuleNotFoundError:
            continue
    raise ModuleNotFoundError(name)


def region_codes() -> set[str]:
    return {code for code, *_ in demo_module("places").REGIONS}


def source_ids() -> set[str]:
    """Source ids the README lists (``P01`` …), which records cite in ``basis``."""
    text = (REGISTER / "README.md").read_text(encoding="utf-8")
    return set(re.findall(r"^\| (P\d\d) \|", text, re.M))


def check_record(rtype: str, record: dict[str, Any]) -> list[tuple[str, str]]:
    """(field, problem) pairs for one record: unknown fields, attributes left out (rather than
    written null), values ``yiqiao.vocab`` refuses, list values repeated, extras of a wrong type."""
    attributes = {a.field: a for a in attributes_of(rtype)}
    extras = EXTRA_FIELDS[rtype]
    problems = [(field, "unknown field") for field in record if field not in attributes | extras]
    for field, attribute in attributes.items():
        if field not in record:
            problems.append((field, "missing (write null when unknown)"))
            continue
        value = record[field]
        message = check_value(attribute.name, value)
        if message:
            problems.append((field, message))
        elif isinstance(value, list) and len(set(value)) != len(value):
            problems.append((field, "repeats a value"))
    for field, types in extras.items():
        if record.get(field) is not None and not isinstance(record[field], types):
            problems.append((field, f"{record[field]!r} has the wrong type"))
    return problems


def in_range(record: dict[str, Any], attribute: str, low: float, high: float) -> list[str]:
    value = record.get(attribute)
    if value is None or low <= value <= high:
        return []
    return [f"{attribute}={value} outside {low}–{high}"]


def problems_of(records: Iterable[dict[str, Any]], check: Any) -> dict[str, list[str]]:
    found = {}
    for record in records:
        problems = check(record)
        if problems:
            found[record.get("key", "?")] = problems
    return found


# --- the checker itself ----------------------------------------------------------------------


def test_it_reports_values_outside_the_vocabulary_and_units() -> None:
    record: dict[str, Any] = {a.field: None for a in attributes_of("space")}
    record.update(kind="mansion", floor_level=2.5, gmp="yes", bsl_level=7)
    record.update(utilities=["steam", "fusion"], industry_tags=["ivd", "ivd"], colour="blue")
    flagged = sorted(field for field, _ in check_record("space", record))
    expected = ["bsl_level", "colour", "floor_level", "gmp", "industry_tags", "kind", "utilities"]
    assert flagged == expected


def test_it_accepts_unknown_as_null_but_not_a_missing_attribute() -> None:
    record: dict[str, Any] = {a.field: None for a in attributes_of("space")}
    assert check_record("space", record) == []
    del record["bsl_level"]
    assert check_record("space", record) == [("bsl_level", "missing (write null when unknown)")]


# --- spaces ----------------------------------------------------------------------------------

#: Plausible ranges per space kind, in RESOURCES.md units: (area m², rent 元/㎡/月, height m).
SPACE_RANGES: dict[str, tuple[tuple[float, float], tuple[float, float], tuple[float, float]]] = {
    "office": ((50, 5000), (20, 150), (2.8, 5.5)),
    "plant": ((200, 20000), (15, 150), (3.5, 15)),
    "lab": ((50, 3000), (30, 200), (3.5, 6.5)),
    "land": ((3000, 200000), (0, 0), (0, 0)),
    "warehouse": ((50, 10000), (15, 250), (4, 15)),
    "incubator": ((4, 100), (30, 300), (2.8, 5.5)),
    "apartment": ((15, 150), (10, 60), (2.5, 3.5)),
}


def check_space(record: dict[str, Any]) -> list[str]:
    problems = [f"{field}: {message}" for field, message in check_record("space", record)]
    kind = record["kind"]
    if kind not in SPACE_RANGES:
        return problems
    (area_lo, area_hi), (rent_lo, rent_hi), (h_lo, h_hi) = SPACE_RANGES[kind]
    problems += in_range(record, "available_area_m2", area_lo, area_hi)
    problems += in_range(record, "floor_load_kn_m2", 1.5, 40)
    problems += in_range(record, "freight_elevator_t", 0.5, 10)
    problems += in_range(record, "days_until_available", 0, 1100)
    if record["available_area_m2"] is None or record["available_area_m2"] > record["total_area_m2"]:
        problems.append("available area missing or larger than the total")
    if record["cleanroom_iso"] not in (None, 5, 6, 7, 8):
        problems.append(f"cleanroom_iso={record['cleanroom_iso']} is not an ISO class 5–8")
    if record["bsl_level"] not in (None, 1, 2, 3):
        problems.append(f"bsl_level={record['bsl_level']} is not 1–3")
    if kind == "land":
        # A parcel is sold (or let) by the m² of ground: no rent per month, no storey, no fit-out.
        for attribute in ("rent_yuan_per_m2_month", "floor_height_m", "floor_level", "fit_out"):
            if record[attribute] is not None:
                problems.append(f"land has {attribute}")
        problems += in_range(record, "sale_price_yuan_per_m2", 100, 6000)
        if abs(mu_to_m2(record["area_mu"]) - record["available_area_m2"]) > 1:
            problems.append("parcel area is not its 亩 figure × 666.67")
    else:
        problems += in_range(record, "rent_yuan_per_m2_month", rent_lo, rent_hi)
        problems += in_range(record, "floor_height_m", h_lo, h_hi)
        problems += in_range(record, "sale_price_yuan_per_m2", 2000, 30000)
        if record["floor_level"] is None:
            problems.append("a building unit without its storey")
        if record["rent_yuan_per_m2_month"] is None and record["status"] != "under_construction":
            problems.append("a space on offer without its rent")
    if record["sale_price_yuan_per_m2"] is not None and record["tenure"] == "lease":
        problems.append("a sale price on a lease-only space")
    if record["sale_price_yuan_per_m2"] is None and record["tenure"] in ("sale", "lease_or_sale"):
        problems.append("for sale without a sale price")
    if record["cleanroom_iso"] is not None and kind == "plant" and record["gmp"] is not True:
        problems.append("a clean-room production unit not marked GMP")
    if (
        (record["cleanroom_iso"] is not None or record["bsl_level"] is not None)
        and record["fit_out"] == "bare"
        and record["status"] != "under_construction"
    ):
        problems.append("a clean room or biosafety lab delivered bare")
    if record["status"] == "under_construction" and not record["days_until_available"]:
        problems.append("under construction without days until completion")
    if record["status"] == "available" and record["days_until_available"] is None:
        problems.append("available without days until move-in")
    if not re.fullmatch(r"SP-(EZ|TMP|SMV|CLZ)-(OF|PL|LB|LD|WH|IN|AP)-\d{3}", record["key"]):
        problems.append(f"key {record['key']} does not follow SP-<park>-<kind>-nnn")
    if not re.search(r"[\u4e00-\u9fff]", record["description"]) or len(record["description"]) < 20:
        problems.append("description is not a Chinese sentence")
    return problems


def test_it_holds_every_space_value_in_the_vocabulary_and_its_units() -> None:
    assert problems_of(load("spaces"), check_space) == {}


def test_it_has_a_district_sized_register_of_every_space_kind_and_status() -> None:
    spaces = load("spaces")
    assert len(spaces) >= 300
    kinds = Counter(s["kind"] for s in spaces)
    assert set(kinds) == values("SPACE_KIND")
    assert min(kinds.values()) >= 20
    assert set(Counter(s["status"] for s in spaces)) == values("SPACE_STATUS")
    assert {s["tenure"] for s in spaces} == values("TENURE")
    assert {s["land_use"] for s in spaces} - {None} == values("LAND_USE") - {"M3"}
    assert {u for s in spaces for u in s["utilities"] or []} == values("UTILITY")


def test_it_spreads_space_sizes_and_rents_the_way_real_parks_do() -> None:
    spaces = load("spaces")

    def share(kind: str, low: float, high: float) -> float:
        of_kind = [s["available_area_m2"] for s in spaces if s["kind"] == kind]
        return sum(low <= a <= high for a in of_kind) / len(of_kind)

    assert share("plant", 500, 3000) >= 0.7
    assert any(s["kind"] == "plant" and s["available_area_m2"] >= 10000 for s in spaces)
    assert share("lab", 200, 1500) >= 0.7
    assert share("office", 100, 2000) >= 0.9
    assert share("land", 20 * 666.67 - 1, 150 * 666.67 + 1) >= 0.9
    gmp_plants = [s for s in spaces if s["kind"] == "plant" and s["cleanroom_iso"] is not None]
    assert {s["cleanroom_iso"] for s in gmp_plants} >= {5, 7, 8}
    assert sum(s["bsl_level"] == 2 for s in spaces) >= 10
    assert sum(bool(s["hazmat_allowed"]) for s in spaces) >= 5
    cold = [
        s for s in spaces if s["kind"] == "warehouse" and "cold_storage" in (s["utilities"] or [])
    ]
    assert len(cold) >= 8


def test_it_places_every_space_in_a_park_of_the_demo_district() -> None:
    codes = region_codes()
    parks = {s["park"] for s in load("spaces")}
    assert parks <= codes
    assert parks == {"xs.jc.th.ez", "xs.jc.th.tmp", "xs.jc.th.smv", "xs.jc.th.clz"}


def test_it_names_every_space_once_and_apart_from_the_hand_written_catalogue() -> None:
    spaces = load("spaces")
    for field in ("key", "name", "description"):
        repeated = [v for v, n in Counter(s[field] for s in spaces).items() if n > 1]
        assert repeated == [], field
    catalogue = {space.name for space in demo_module("catalogue").SPACES}
    assert {s["name"] for s in spaces} & catalogue == set()


def test_it_cites_a_listed_source_for_every_space() -> None:
    known = source_ids()
    cited = {basis for s in load("spaces") for basis in s["basis"]}
    assert cited and cited <= known


# --- services --------------------------------------------------------------------------------

DISTRICT = "xs.jc.th"
DISTRICT_PARKS = {"xs.jc.th.ez", "xs.jc.th.tmp", "xs.jc.th.smv", "xs.jc.th.clz"}


def check_service(record: dict[str, Any]) -> list[str]:
    problems = [f"{field}: {message}" for field, message in check_record("service", record)]
    category = record["category"]
    problems += in_range(record, "lead_time_days", 0, 365)
    problems += in_range(record, "scale_max_l", 1, 20000)
    local = record["provider_region"] == DISTRICT or record["provider_region"].startswith(
        DISTRICT + "."
    )
    if record["in_district"] != local:
        problems.append("in_district disagrees with the provider's region")
    if record["park"] is not None and (not local or record["park"] not in DISTRICT_PARKS):
        problems.append("a park outside the district")
    for field in ("sectors", "capabilities", "markets", "coverage_regions"):
        if record[field] is None:
            problems.append(f"{field} unknown: a catalogue states it")
    hospital = record["provider_kind"] == "hospital" and "GCP" in record["accreditations"]
    if category == "clinical_site" and not hospital:
        problems.append("a clinical site that is not a GCP-registered hospital")
    if category in ("clinical_site", "clinical_cro", "smo") and not record["phases"]:
        problems.append("a clinical service without the phases it runs")
    if category in ("cdmo", "pilot") and record["gmp"] and not record["accreditations"]:
        problems.append("GMP production without an accreditation")
    if category == "testing" and not {"CNAS", "CMA"} & set(record["accreditations"]):
        problems.append("a testing service without CNAS or CMA")
    licensed = "hazardous_waste_license" in record["accreditations"]
    if "hazardous_waste_disposal" in record["capabilities"] and not licensed:
        problems.append("hazardous waste handled without a licence")
    if category == "cold_chain" and "GSP" not in record["accreditations"]:
        problems.append("drug cold chain without GSP")
    if record["device_classes"] and not {"device"} & expand(record["sectors"]):
        problems.append("device classes on a service that serves no device sector")
    if not re.fullmatch(r"SV-[A-Z]{2,4}-\d{2}", record["key"]):
        problems.append(f"key {record['key']} does not follow SV-<category>-nn")
    if not re.search(r"[\u4e00-\u9fff]", record["description"]) or len(record["description"]) < 20:
        problems.append("description is not a Chinese sentence")
    return problems


def expand(sectors: list[str]) -> set[str]:
    """The sectors with their umbrellas (``ivd`` -> ``device``)."""
    return set(expand_sectors(sectors))


def test_it_holds_every_service_value_in_the_vocabulary_and_its_units() -> None:
    assert problems_of(load("services"), check_service) == {}


def test_it_offers_services_of_every_category_the_way_a_district_catalogue_does() -> None:
    services = load("services")
    assert len(services) >= 120
    categories = Counter(s["category"] for s in services)
    assert set(categories) == values("SERVICE_CATEGORY")
    assert min(categories.values()) >= 5
    closed = [s for s in services if not s["accepting_orders"]]
    assert 3 <= len(closed) <= len(services) // 10
    assert sum(s["voucher_accepted"] for s in services) >= 40
    assert sum(s["in_district"] for s in services) >= len(services) // 2
    assert {p for s in services for p in s["phases"]} == values("PHASE")
    assert {c for s in services for c in s["device_classes"]} == values("DEVICE_CLASS")
    assert {m for s in services for m in s["markets"]} == values("MARKET")
    scales = [s["scale_max_l"] for s in services if s["scale_max_l"]]
    assert min(scales) <= 20 and max(scales) >= 2000


def test_it_names_every_service_once_and_places_its_provider_in_a_known_region() -> None:
    services = load("services")
    for field in ("key", "name", "description"):
        repeated = [v for v, n in Counter(s[field] for s in services).items() if n > 1]
        assert repeated == [], field
    catalogue = {service.name for service in demo_module("catalogue").SERVICES}
    assert {s["name"] for s in services} & catalogue == set()
    assert {s["provider_region"] for s in services} <= region_codes()
    providers: dict[str, set[tuple[str, str, str]]] = {}
    for service in services:
        identity = (service["provider"], service["provider_kind"], service["provider_region"])
        providers.setdefault(service["provider_key"], set()).add(identity)
    assert {key: ids for key, ids in providers.items() if len(ids) > 1} == {}


def test_it_cites_a_listed_source_for_the_services_it_can() -> None:
    known = source_ids()
    cited = {basis for s in load("services") for basis in s["basis"]}
    assert cited and cited <= known


# --- investors -------------------------------------------------------------------------------

#: Forms of money each kind of capital provider can give.
INSTRUMENTS_OF_KIND: dict[str, set[str]] = {
    "angel": {"equity", "convertible", "grant_to_equity"},
    "vc": {"equity", "convertible"},
    "pe": {"equity", "convertible", "debt"},
    "cvc": {"equity", "convertible"},
    "gov_fund": {"equity", "grant_to_equity", "debt"},
    "bank": {"debt", "ip_pledge", "convertible"},
    "guarantee": {"debt", "ip_pledge", "convertible"},
    "leasing": {"leasing"},
}


def check_investor(record: dict[str, Any]) -> list[str]:
    problems = [f"{field}: {message}" for field, message in check_record("investor", record)]
    low, high = record["ticket_min_yuan"], record["ticket_max_yuan"]
    if low is None or high is None or not 50_000 <= low <= high <= 2_000_000_000:
        problems.append(f"ticket {low}–{high} is not a plausible range in yuan")
    kind = record["kind"]
    if not set(record["instruments"] or []) <= INSTRUMENTS_OF_KIND.get(kind, set()):
        problems.append(f"instruments {record['instruments']} do not fit a {kind}")
    usd = "USD" in (record["currencies"] or [])
    if usd and (record["usd_rate"] != 7.2 or "美元" not in (record["ticket_note"] or "")):
        problems.append("a USD fund without its rate and the amount in dollars")
    if not usd and record["usd_rate"] is not None:
        problems.append("a conversion rate on a yuan-only investor")
    fund = record["fund_size_yuan"]
    if fund is not None and (fund < high or kind in ("bank", "guarantee", "leasing")):
        problems.append("fund size below the largest ticket, or a fund size on a lender")
    if record["region"] is None and not record["hq"]:
        problems.append("neither a demo region nor a headquarters city")
    for holding in record["portfolio"]:
        if set(holding) != {"company", "round", "year"} or holding["round"] not in values("STAGE"):
            problems.append(f"portfolio entry {holding} is not company/round/year")
        elif not 2015 <= holding["year"] <= 2026:
            problems.append(f"portfolio year {holding['year']}")
    if not re.fullmatch(r"IV-[A-Z]{2,3}-\d{2}", record["key"]):
        problems.append(f"key {record['key']} does not follow IV-<kind>-nn")
    if not re.search(r"[\u4e00-\u9fff]", record["description"]) or len(record["description"]) < 15:
        problems.append("description is not a Chinese sentence")
    return problems


def test_it_holds_every_investor_value_in_the_vocabulary_and_its_units() -> None:
    assert problems_of(load("investors"), check_investor) == {}


def test_it_lists_capital_of_every_kind_stage_and_instrument() -> None:
    investors = load("investors")
    assert len(investors) >= 80
    kinds = Counter(i["kind"] for i in investors)
    assert set(kinds) == values("INVESTOR_KIND")
    assert min(kinds.values()) >= 6
    assert {s for i in investors for s in i["stages"]} == values("STAGE")
    assert {x for i in investors for x in i["instruments"]} == values("INSTRUMENT")
    assert {c for i in investors for c in i["currencies"]} == values("CURRENCY")
    assert 3 <= sum(not i["active"] for i in investors) <= len(investors) // 8
    assert sum(i["local_presence"] for i in investors) >= len(investors) // 3
    assert all(i["portfolio"] for i in investors if i["active"])
    pre_a = [i for i in investors if "Pre-A" in i["stages"] and i["active"]]
    assert len(pre_a) >= 10


def test_it_names_every_investor_once_and_matches_the_demo_investors_it_describes() -> None:
    investors = load("investors")
    for field in ("key", "name", "description"):
        repeated = [v for v, n in Counter(i[field] for i in investors).items() if n > 1]
        assert repeated == [], field
    core = {org.key: org.name for org in demo_module("records").CORE_ORGS}
    described = {i["demo_key"]: i["name"] for i in investors if i["demo_key"]}
    assert described == {key: core[key] for key in described}
    assert {spec.org_key for spec in demo_module("records").INVESTORS} <= set(described)
    others = {i["name"] for i in investors if not i["demo_key"]}
    assert others & set(core.values()) == set()
    assert {i["region"] for i in investors} - {None} <= region_codes()


def test_it_cites_a_listed_source_for_the_investors_it_can() -> None:
    known = source_ids()
    cited = {basis for i in load("investors") for basis in i["basis"]}
    assert cited and cited <= known


# --- organisations ---------------------------------------------------------------------------

UPSTREAM = {
    "api",
    "intermediate",
    "excipient",
    "pharma_packaging",
    "bioprocess_supplies",
    "lab_reagents_instruments",
    "ivd_raw_materials",
    "device_components",
    "medical_materials",
}
DOWNSTREAM = {
    "distribution",
    "logistics",
    "retail",
    "third_party_lab",
    "marketing",
    "digital_health_it",
}


def check_organisation(record: dict[str, Any]) -> list[str]:
    problems = [f"{field}: {message}" for field, message in check_record("organisation", record)]
    local = record["region"] == DISTRICT or record["region"].startswith(DISTRICT + ".")
    if record["in_district"] != local:
        problems.append("in_district disagrees with the region")
    if record["park"] is not None and (not local or record["park"] not in DISTRICT_PARKS):
        problems.append("a park outside the district")
    if record["kind"] == "hospital":
        if record["hospital_grade"] is None or record["gcp_certified"] is None:
            problems.append("a hospital without its grade or GCP status")
        if record["gcp_certified"] and not record["therapeutic_areas"]:
            problems.append("a GCP hospital without its certified departments")
        if ("phase1_unit" in record["capabilities"]) != bool(record.get("phase1_beds")):
            problems.append("a phase I unit without beds, or beds without the capability")
    elif (
        record["hospital_grade"] is not None
        or record["gcp_certified"]
        or record["therapeutic_areas"]
    ):
        problems.append("hospital attributes on an organisation that is not a hospital")
    for field in ("sectors", "capabilities", "certifications", "coverage_regions"):
        if record[field] is None:
            problems.append(f"{field} unknown: a directory states it")
    if not re.fullmatch(r"ORG-[A-Z]{3}-\d{2}", record["key"]):
        problems.append(f"key {record['key']} does not follow ORG-<group>-nn")
    if not re.search(r"[\u4e00-\u9fff]", record["description"]) or len(record["description"]) < 15:
        problems.append("description is not a Chinese sentence")
    return problems


def test_it_holds_every_organisation_value_in_the_vocabulary() -> None:
    assert problems_of(load("organisations"), check_organisation) == {}


def test_it_lists_partners_in_every_chain_position_a_district_works_with() -> None:
    orgs = load("organisations")
    assert len(orgs) >= 60
    assert {o["kind"] for o in orgs} == values("ORG_KIND") - {"investor"}
    nodes = Counter(o["chain_node"] for o in orgs)
    assert all(nodes[node] >= 2 for node in UPSTREAM), nodes
    assert all(nodes[node] >= 2 for node in DOWNSTREAM), nodes
    hospitals = [o for o in orgs if o["kind"] == "hospital"]
    assert len(hospitals) >= 6
    assert {o["hospital_grade"] for o in hospitals} >= {"3A", "2A"}
    assert sum(o["gcp_certified"] for o in hospitals) >= 5
    assert sum("phase1_unit" in o["capabilities"] for o in hospitals) >= 3
    assert sum("joint_training" in o["capabilities"] for o in orgs) >= 3
    assert sum(o["in_district"] for o in orgs) >= len(orgs) // 3


def test_it_names_every_organisation_once_and_matches_the_demo_organisations_it_describes() -> None:
    orgs = load("organisations")
    for field in ("key", "name", "description"):
        repeated = [v for v, n in Counter(o[field] for o in orgs).items() if n > 1]
        assert repeated == [], field
    core = {org.key: org.name for org in demo_module("records").CORE_ORGS}
    described = {o["demo_key"]: o["name"] for o in orgs if o["demo_key"]}
    assert described == {key: core[key] for key in described}
    others = {o["name"] for o in orgs if not o["demo_key"]}
    assert others & set(core.values()) == set()
    assert {o["region"] for o in orgs} <= region_codes()


def test_it_gives_every_service_a_provider_that_can_do_what_the_service_offers() -> None:
    orgs = {o["key"]: o for o in load("organisations")}
    offered: dict[str, set[str]] = {}
    for service in load("services"):
        provider = orgs[service["provider_key"]]
        identity = (provider["name"], provider["kind"], provider["region"])
        assert identity == (
            service["provider"],
            service["provider_kind"],
            service["provider_region"],
        ), service["key"]
        assert set(service["capabilities"]) <= set(provider["capabilities"]), service["key"]
        offered.setdefault(provider["key"], set()).add(service["key"])
    assert {key: set(o["services"]) for key, o in orgs.items() if o["services"]} == offered


def test_it_cites_a_listed_source_for_the_organisations_it_can() -> None:
    known = source_ids()
    cited = {basis for o in load("organisations") for basis in o["basis"]}
    assert cited and cited <= known
