"""The vocabulary module against RESOURCES.md (a copy ships next to it) and its closures."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from yiqiao import vocab
from yiqiao.vocab import units

DOC = Path(vocab.__file__).resolve().parent / "RESOURCES.md"


def _doc_tables() -> tuple[dict[str, list[str]], list[tuple[str, str, str]]]:
    """(vocabulary name → values, attribute rows) read from the Markdown document."""
    vocabularies: dict[str, list[str]] = {}
    attributes: list[tuple[str, str, str]] = []
    current = None
    for line in DOC.read_text("utf-8").splitlines():
        heading = re.match(r"^### (\w+)$", line)
        if heading:
            current = heading.group(1)
            vocabularies[current] = []
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.startswith("| `") or not cells:
            continue
        value = cells[0].strip("`")
        if current is None:
            attributes.append((value, cells[1], cells[2]))
        else:
            vocabularies[current].append(value)
    return vocabularies, attributes


def test_it_holds_every_vocabulary_of_the_document_with_the_same_values():
    documented, _ = _doc_tables()
    names = {"POLICY_CATEGORY", "POLICY_LEVEL", "POLICY_STATUS"} | set(documented)
    assert set(vocab.VOCABULARIES) == names
    for name, values in documented.items():
        assert sorted(vocab.VOCABULARIES[name].values) == sorted(values), name


def test_it_holds_every_attribute_with_the_documented_datatype_and_unit():
    _, rows = _doc_tables()
    assert [name for name, _, _ in rows] == list(vocab.ATTRIBUTES)
    unit_codes = {
        "m²": "m2",
        "元/㎡/月": "yuan_per_m2_month",
        "元/㎡": "yuan_per_m2",
        "元": "yuan",
        "m": "m",
        "kN/㎡": "kn_m2",
        "ISO class": "iso",
        "days": "days",
        "t": "t",
        "L": "L",
    }
    for name, datatype, unit in rows:
        attribute = vocab.ATTRIBUTES[name]
        kind, _, vocabulary = datatype.partition(":")
        assert attribute.datatype == kind, name
        assert attribute.vocabulary == (vocabulary or None), name
        assert attribute.unit == (unit_codes[unit] if unit else None), name


def test_it_labels_every_value_in_chinese_and_english():
    for v in vocab.VOCABULARIES.values():
        for term in v:
            assert term.zh and term.en, (v.name, term.value)
            assert re.search(r"[\u4e00-\u9fff]", term.zh) or term.zh == term.en, term.value
    assert vocab.SPACE_KIND.label("plant") == "厂房"
    assert vocab.SPACE_KIND.label("plant", "en") == "Plant"
    assert vocab.SPACE_KIND.label("castle") == "castle"


@pytest.mark.parametrize(
    ("values", "wanted", "expected"),
    [
        (["ivd"], "ivd", True),
        (["device"], "ivd", True),  # umbrella covers its member
        (["ivd"], "device", True),  # an umbrella is covered by one of its members
        (["drug"], "ivd", False),
        (["healthcare_general"], "antibody", True),
        (["healthcare_general"], "synthetic_biology", False),
        (["small_molecule"], "antibody", False),
        ([], "ivd", False),
    ],
)
def test_it_closes_sectors_under_umbrellas(values, wanted, expected):
    assert vocab.covers("SECTOR", values, wanted) is expected
    assert (wanted in vocab.expand_sectors(values)) is expected


@pytest.mark.parametrize(
    ("values", "wanted", "expected"),
    [
        (["national"], "east_china", True),
        (["national"], "local", True),
        (["national"], "hmt", False),
        (["national"], "overseas", False),
        (["east_china"], "national", False),
        (["overseas"], "overseas", True),
    ],
)
def test_it_lets_national_cover_domestic_regions_only(values, wanted, expected):
    assert vocab.covers("REGION", values, wanted) is expected
    assert (wanted in vocab.expand_regions(values)) is expected


def test_it_converts_units_as_the_document_states():
    assert round(units.mu_to_m2(1), 2) == 666.67
    assert round(units.mu_to_m2(30)) == 20000
    assert units.rent_per_day_to_month(1.5) == 45.0
    assert round(units.kg_m2_to_kn_m2(500), 1) == 4.9
    assert units.usd_to_yuan(10) == 72.0
    assert units.usd_to_yuan(10, rate=7.0) == 70.0


@pytest.mark.parametrize(
    ("grade", "iso"),
    [
        ("万级", 7),
        ("十万级", 8),
        ("百级", 5),
        ("千级", 6),
        ("C", 7),
        ("C级", 7),
        ("GMP D", 8),
        ("B级", 5),
        ("ISO 7", 7),
        ("ISO8", 8),
        ("iso 5", 5),
        ("ISO 12", None),
        ("超净", None),
    ],
)
def test_it_reads_cleanroom_grades_as_iso_classes(grade, iso):
    assert units.cleanroom_iso(grade) == iso


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("space.kind", "plant", None),
        ("space.kind", "castle", "载体类型的取值“castle”不在载体类型词表中"),
        ("space.utilities", ["steam", "wfi"], None),
        ("space.utilities", ["steam", "moat"], "配套设施含未知取值：moat"),
        ("space.utilities", "steam", "配套设施须为配套设施代码的列表"),
        ("space.available_area_m2", -3, "可用面积不能小于0"),
        ("space.available_area_m2", float("nan"), "可用面积须为有限数字"),
        ("space.cleanroom_iso", 7, None),
        ("space.cleanroom_iso", 12, "洁净等级不能大于9"),
        ("space.bsl_level", 2.5, "生物安全等级须为整数"),
        ("space.gmp", "yes", "GMP厂房须为是或否"),
        ("space.gmp", None, None),
        ("investor.stages", ["Pre-A", "B"], None),
        ("investor.stages", ["b"], "投资轮次含未知取值：b"),
        ("space.moat", 1, "未知的属性：space.moat"),
    ],
)
def test_it_checks_attribute_values(name, value, problem):
    assert vocab.check_value(name, value) == problem


def test_it_maps_old_stage_codes_as_stated():
    assert vocab.stage_from_legacy("pre_a") == "Pre-A"
    assert vocab.stage_from_legacy("d") == "D+"
    assert vocab.stage_from_legacy("growth") == "strategic"
    assert vocab.stage_from_legacy("B") == "B"
    assert vocab.stage_from_legacy("series-z") is None
    assert vocab.INVESTOR_STAGE_LEGACY["c"] == ("C", "D+")
    assert all(v in vocab.STAGE for vs in vocab.INVESTOR_STAGE_LEGACY.values() for v in vs)


def test_it_imports_no_django():
    import subprocess
    import sys

    code = "import sys, yiqiao.vocab; print('django' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
