"""The scorer of the judged sets of real needs: operators, closures, correct vs violation, figures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from yiqiao.demands.evaluation import real_score
from yiqiao.demands.evaluation.real_score import (
    check_item,
    load_jsonl,
    predicate_holds,
    requirements_agree,
    result_is_correct,
    result_violates,
    score,
)

SETS = Path(real_score.__file__).resolve().parent


def p(attr: str, op: str, value: Any = None) -> dict[str, Any]:
    return {"attr": attr, "op": op, "value": value}


OPERATOR_CASES = [
    # (predicate, attributes, expected)
    (p("space.kind", "eq", "plant"), {"space.kind": "plant"}, True),
    (p("space.kind", "eq", "plant"), {"space.kind": "lab"}, False),
    (p("space.kind", "ne", "plant"), {"space.kind": "lab"}, True),
    (p("space.kind", "ne", "plant"), {"space.kind": "plant"}, False),
    (p("space.kind", "in", ["plant", "lab"]), {"space.kind": "lab"}, True),
    (p("space.kind", "in", ["plant", "lab"]), {"space.kind": "office"}, False),
    (p("space.floor_height_m", "ge", 6), {"space.floor_height_m": 6}, True),
    (p("space.floor_height_m", "ge", 6), {"space.floor_height_m": 5.9}, False),
    (p("space.rent_yuan_per_m2_month", "le", 45), {"space.rent_yuan_per_m2_month": 45}, True),
    (p("space.rent_yuan_per_m2_month", "le", 45), {"space.rent_yuan_per_m2_month": 45.5}, False),
    (p("space.floor_height_m", "gt", 6), {"space.floor_height_m": 6}, False),
    (p("space.floor_height_m", "gt", 6), {"space.floor_height_m": 6.1}, True),
    (p("space.cleanroom_iso", "lt", 8), {"space.cleanroom_iso": 7}, True),
    (p("space.cleanroom_iso", "lt", 8), {"space.cleanroom_iso": 8}, False),
    (
        p("space.available_area_m2", "between", [1200, 1800]),
        {"space.available_area_m2": 1200},
        True,
    ),
    (
        p("space.available_area_m2", "between", [1200, 1800]),
        {"space.available_area_m2": 1800},
        True,
    ),
    (
        p("space.available_area_m2", "between", [1200, 1800]),
        {"space.available_area_m2": 1801},
        False,
    ),
    (p("space.available_area_m2", "ge", 100), {"space.available_area_m2": "大"}, False),
    (p("space.available_area_m2", "ge", 1), {"space.available_area_m2": True}, False),
    (p("space.utilities", "contains", "steam"), {"space.utilities": ["steam", "wfi"]}, True),
    (p("space.utilities", "contains", "steam"), {"space.utilities": []}, False),
    (p("space.utilities", "contains", "steam"), {"space.utilities": "steam"}, True),
    (p("space.utilities", "contains_any", ["wfi", "steam"]), {"space.utilities": ["wfi"]}, True),
    (
        p("space.utilities", "contains_any", ["wfi", "steam"]),
        {"space.utilities": ["cold_storage"]},
        False,
    ),
    (
        p("space.utilities", "contains_all", ["wfi", "steam"]),
        {"space.utilities": ["steam", "wfi"]},
        True,
    ),
    (p("space.utilities", "contains_all", ["wfi", "steam"]), {"space.utilities": ["steam"]}, False),
    (p("space.gmp", "is_true"), {"space.gmp": True}, True),
    (p("space.gmp", "is_true"), {"space.gmp": False}, False),
    (p("space.gmp", "is_true"), {"space.gmp": 1}, False),
    (p("space.hazmat_allowed", "is_false"), {"space.hazmat_allowed": False}, True),
    (p("space.hazmat_allowed", "is_false"), {"space.hazmat_allowed": True}, False),
    (p("investor.active", "eq", True), {"investor.active": True}, True),
]


@pytest.mark.parametrize(("predicate", "attributes", "expected"), OPERATOR_CASES)
def test_it_evaluates_every_operator_on_known_values(
    predicate: dict[str, Any], attributes: dict[str, Any], expected: bool
) -> None:
    assert predicate_holds(predicate, attributes) is expected


@pytest.mark.parametrize(
    "attributes", [{}, {"space.floor_height_m": None}, {"space.kind": "plant"}]
)
def test_it_says_unknown_when_the_attribute_is_missing_or_null(attributes: dict[str, Any]) -> None:
    assert predicate_holds(p("space.floor_height_m", "ge", 6), attributes) is None
    assert predicate_holds(p("space.floor_height_m", "is_false"), attributes) is None


def test_it_refuses_an_unknown_operator() -> None:
    with pytest.raises(ValueError, match="unknown operator 'near'"):
        predicate_holds(p("space.kind", "near", "plant"), {"space.kind": "plant"})


COVERS_CASES = [
    # (value asked, list recorded, covered)
    ("ivd", ["ivd"], True),
    ("ivd", ["device"], True),
    ("ivd", ["drug"], False),
    ("ivd", ["healthcare_general"], True),
    ("ivd", ["medical_imaging"], False),
    ("device", ["ivd"], True),
    ("device", ["antibody"], False),
    ("drug", ["cell_therapy", "ivd"], True),
    ("drug", ["device"], False),
    ("healthcare_general", ["orthopedic_device"], True),
    ("healthcare_general", ["synthetic_biology"], False),
    ("synthetic_biology", ["healthcare_general"], False),
    ("synthetic_biology", ["synthetic_biology"], True),
    ("cro_cdmo", ["healthcare_general"], True),
    ("cro_cdmo", ["drug"], False),
    ("east_china", ["national"], True),
    ("local", ["national"], True),
    ("hmt", ["national"], False),
    ("overseas", ["national"], False),
    ("overseas", ["overseas", "national"], True),
    ("national", ["east_china"], False),
    ("south_china", ["east_china"], False),
]


@pytest.mark.parametrize(("value", "recorded", "expected"), COVERS_CASES)
def test_it_applies_the_closures_of_covers(value: str, recorded: list[str], expected: bool) -> None:
    attr = (
        "investor.regions"
        if value
        in real_score.DOMESTIC_REGIONS
        | {
            "national",
            "hmt",
            "overseas",
        }
        else "investor.sectors"
    )
    assert predicate_holds(p(attr, "covers", value), {attr: recorded}) is expected


def test_it_does_not_apply_closures_to_contains() -> None:
    assert (
        predicate_holds(p("investor.sectors", "contains", "ivd"), {"investor.sectors": ["device"]})
        is False
    )


NEED = {
    "id": "n1",
    "text": "1500平米上下的厂房，层高不低于5米；或者找CDMO代工",
    "expect": {
        "any_of": [
            {
                "type": "space",
                "all": [
                    p("space.kind", "in", ["plant"]),
                    p("space.available_area_m2", "between", [1200, 1800]),
                    p("space.floor_height_m", "ge", 5),
                ],
            },
            {"type": "service", "all": [p("service.category", "eq", "cdmo")]},
        ]
    },
    "stated": [
        {"name": "space.available_area_m2", "op": "between", "value": [1200, 1800], "unit": "m2"},
        {"name": "space.floor_height_m", "op": "ge", "value": 5, "unit": "m"},
    ],
    "source": "test",
}


def space(**attributes: Any) -> dict[str, Any]:
    return {"type": "space", "attributes": {f"space.{k}": v for k, v in attributes.items()}}


JUDGEMENT_CASES = [
    # (result, correct, violates)
    (space(kind="plant", available_area_m2=1500, floor_height_m=6), True, False),
    (space(kind="plant", available_area_m2=1500, floor_height_m=None), False, False),
    (space(kind="plant", available_area_m2=1500), False, False),
    (space(kind="plant", available_area_m2=3000, floor_height_m=6), False, True),
    (space(kind="office", available_area_m2=1500, floor_height_m=6), False, True),
    (space(kind="plant", available_area_m2=3000), False, True),
    ({"type": "service", "attributes": {"service.category": "cdmo"}}, True, False),
    ({"type": "service", "attributes": {"service.category": "cro"}}, False, True),
    ({"type": "service", "attributes": {}}, False, False),
    ({"type": "investor", "attributes": {"investor.active": True}}, False, False),
    ({"type": "space"}, False, False),
]


@pytest.mark.parametrize(("result", "correct", "violates"), JUDGEMENT_CASES)
def test_it_tells_correct_from_violating_results(
    result: dict[str, Any], correct: bool, violates: bool
) -> None:
    assert result_is_correct(NEED, result) is correct
    assert result_violates(NEED, result) is violates


def test_it_counts_no_violation_when_one_alternative_of_the_type_is_only_unknown() -> None:
    need = {
        "expect": {
            "any_of": [
                {"type": "space", "all": [p("space.kind", "eq", "plant")]},
                {
                    "type": "space",
                    "all": [p("space.kind", "eq", "lab"), p("space.bsl_level", "ge", 2)],
                },
            ]
        }
    }
    lab_unknown_bsl = space(kind="lab")
    assert result_violates(need, lab_unknown_bsl) is False
    assert result_is_correct(need, lab_unknown_bsl) is False
    assert result_violates(need, space(kind="lab", bsl_level=1)) is True
    assert result_is_correct(need, space(kind="lab", bsl_level=2)) is True


def test_it_takes_an_alternative_without_predicates_as_met_by_its_type() -> None:
    need = {"expect": {"any_of": [{"type": "policy", "all": []}]}}
    assert result_is_correct(need, {"type": "policy", "attributes": {}}) is True
    assert result_violates(need, {"type": "policy", "attributes": {}}) is False


PARSER_CASES = [
    # (parsed, stated, agree)
    ({"name": "a", "op": "ge", "value": 5}, {"name": "a", "op": "ge", "value": 5}, True),
    ({"name": "a", "op": "gt", "value": 5.1}, {"name": "a", "op": "ge", "value": 5}, True),
    ({"name": "a", "op": "ge", "value": 5.5}, {"name": "a", "op": "ge", "value": 5}, False),
    ({"name": "a", "op": "le", "value": 5}, {"name": "a", "op": "ge", "value": 5}, False),
    ({"name": "b", "op": "ge", "value": 5}, {"name": "a", "op": "ge", "value": 5}, False),
    (
        {"name": "a", "op": "between", "value": [1200, 1800]},
        {"name": "a", "op": "between", "value": [1200, 1800]},
        True,
    ),
    (
        {"name": "a", "op": "between", "value": [1350, 1650]},
        {"name": "a", "op": "between", "value": [1200, 1800]},
        False,
    ),
    (
        {"name": "a", "op": "eq", "value": "plant"},
        {"name": "a", "op": "in", "value": ["plant"]},
        True,
    ),
    (
        {"name": "a", "op": "in", "value": ["lab", "plant"]},
        {"name": "a", "op": "in", "value": ["plant", "lab"]},
        True,
    ),
    (
        {"name": "a", "op": "in", "value": ["plant"]},
        {"name": "a", "op": "in", "value": ["plant", "lab"]},
        False,
    ),
    (
        {"name": "a", "op": "covers", "value": "ivd"},
        {"name": "a", "op": "contains", "value": "ivd"},
        True,
    ),
    ({"name": "a", "op": "is_true"}, {"name": "a", "op": "eq", "value": True}, True),
    ({"name": "a", "op": "is_false"}, {"name": "a", "op": "eq", "value": True}, False),
    ({"name": "a", "op": "eq", "value": 2000}, {"name": "a", "op": "eq", "value": 1999.99}, True),
    (
        {"name": "a", "op": "ne", "value": "leased"},
        {"name": "a", "op": "eq", "value": "leased"},
        False,
    ),
]


@pytest.mark.parametrize(("parsed", "stated", "agree"), PARSER_CASES)
def test_it_compares_parsed_with_stated_requirements(
    parsed: dict[str, Any], stated: dict[str, Any], agree: bool
) -> None:
    assert requirements_agree(parsed, stated) is agree


def test_it_scores_a_set_with_exact_figures() -> None:
    items = [NEED, {**NEED, "id": "n2"}, {**NEED, "id": "n3"}]
    outputs = [
        {
            "id": "n1",
            "requirements": [
                {"name": "space.available_area_m2", "op": "between", "value": [1200, 1800]},
                {"name": "space.floor_height_m", "op": "ge", "value": 5},
                {"name": "space.rent_yuan_per_m2_month", "op": "le", "value": 40},
            ],
            "results": [
                space(kind="plant", available_area_m2=1500, floor_height_m=6),
                space(kind="plant", available_area_m2=9000, floor_height_m=6),
                {"type": "service", "attributes": {"service.category": "cdmo"}},
                space(kind="plant", available_area_m2=1500),
                {"type": "policy", "attributes": {}},
                space(kind="plant", available_area_m2=1600, floor_height_m=7),
            ],
        },
        {
            "id": "n2",
            "requirements": [{"name": "space.floor_height_m", "op": "ge", "value": 5}],
            "results": [space(kind="lab", available_area_m2=1500, floor_height_m=6)],
        },
    ]
    assert score(items, outputs) == {
        "top5_precision": round(2 / 15, 4),
        "violations": 2,
        "needs_with_zero_correct": 2,
        "parser_recall": round(3 / 6, 4),
        "parser_precision": round(3 / 4, 4),
        "n": 3,
    }


def test_it_scores_an_empty_output_as_zero() -> None:
    assert score([NEED], []) == {
        "top5_precision": 0.0,
        "violations": 0,
        "needs_with_zero_correct": 1,
        "parser_recall": 0.0,
        "parser_precision": 0.0,
        "n": 1,
    }


def test_it_refuses_an_output_naming_a_need_twice() -> None:
    with pytest.raises(ValueError, match="output has need 'n1' twice"):
        score([NEED], [{"id": "n1", "results": []}, {"id": "n1", "results": []}])


CHECK_CASES = [
    (
        {"type": "space", "all": [p("space.kind", "eq", "factory")]},
        "space.kind: 'factory' is not in SPACE_KIND",
    ),
    ({"type": "space", "all": [p("space.height", "ge", 5)]}, "unknown attribute 'space.height'"),
    (
        {"type": "space", "all": [p("investor.active", "is_true")]},
        "investor.active is not an attribute of a space",
    ),
    (
        {"type": "space", "all": [p("space.kind", "contains", "plant")]},
        "space.kind: contains on a enum:SPACE_KIND attribute",
    ),
    (
        {"type": "space", "all": [p("space.utilities", "in", ["steam"])]},
        "space.utilities: in on a list:UTILITY attribute",
    ),
    (
        {"type": "space", "all": [p("space.available_area_m2", "between", [1800, 1200])]},
        "space.available_area_m2: between needs [low, high] numbers on a number attribute",
    ),
    (
        {"type": "space", "all": [p("space.utilities", "covers", "steam")]},
        "space.utilities: covers applies to SECTOR or REGION lists",
    ),
    (
        {"type": "investor", "all": [p("investor.sectors", "covers", "ivd_reagent")]},
        "investor.sectors: 'ivd_reagent' is not in SECTOR",
    ),
    (
        {"type": "space", "all": [p("space.kind", "like", "plant")]},
        "space.kind: unknown operator 'like'",
    ),
    ({"type": "venue", "all": []}, "alternative type 'venue' is not a TYPE"),
]


@pytest.mark.parametrize(("alternative", "problem"), CHECK_CASES)
def test_it_checks_judgements_against_the_vocabulary(
    alternative: dict[str, Any], problem: str
) -> None:
    item = {**NEED, "expect": {"any_of": [alternative]}}
    assert check_item(item) == [problem]


def test_it_finds_no_problem_in_a_well_formed_item() -> None:
    assert check_item(NEED) == []


def test_it_checks_stated_requirements() -> None:
    item = {
        **NEED,
        "stated": [
            {"name": "space.floor_height_m", "op": "is_true", "value": None, "unit": "m"},
            {"name": "need.round_role", "op": "eq", "value": "lead"},
            {"name": "height", "op": "ge", "value": 5, "unit": "feet"},
        ],
    }
    assert check_item(item) == [
        "stated space.floor_height_m: operator 'is_true' is not allowed in stated",
        "stated name 'height' is neither an attribute nor need.*",
        "stated height: unit 'feet' is not one of the contract's",
    ]


def test_it_prints_one_json_line_from_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    set_file = tmp_path / "set.jsonl"
    output_file = tmp_path / "out.jsonl"
    set_file.write_text(json.dumps(NEED, ensure_ascii=False) + "\n\n", encoding="utf-8")
    output_file.write_text(
        json.dumps(
            {
                "id": "n1",
                "requirements": [],
                "results": [space(kind="plant", available_area_m2=1500, floor_height_m=5)],
            }
        )
        + "\n",
        encoding="utf-8",
    )
    assert real_score.main([str(set_file), str(output_file)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line) for line in lines] == [
        {
            "top5_precision": 0.2,
            "violations": 0,
            "needs_with_zero_correct": 0,
            "parser_recall": 0.0,
            "parser_precision": 0.0,
            "n": 1,
        }
    ]


def test_it_reports_a_malformed_line_with_its_number(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    set_file = tmp_path / "set.jsonl"
    set_file.write_text(json.dumps(NEED) + "\n{oops\n", encoding="utf-8")
    assert real_score.main([str(set_file), str(set_file)]) == 2
    assert (
        capsys.readouterr().err
        == f"real_score: {set_file}:2: not JSON (Expecting property name enclosed in double quotes)\n"
    )


SET_FILES = sorted(
    path for folder in ("real", "financing") for path in (SETS / folder).glob("*.jsonl")
)


@pytest.mark.parametrize("path", SET_FILES, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_it_finds_every_shipped_item_well_formed(path: Path) -> None:
    problems = {item["id"]: check_item(item) for item in load_jsonl(path) if check_item(item)}
    assert problems == {}


def test_it_ships_sets_with_unique_ids_split_by_file() -> None:
    seen: set[str] = set()
    for path in SET_FILES:
        for item in load_jsonl(path):
            assert item["id"] not in seen
            assert f"-{path.stem}-" in item["id"]
            seen.add(item["id"])
    folders = {path.parent.name for path in SET_FILES}
    for folder in folders:
        names = sorted(path.name for path in SET_FILES if path.parent.name == folder)
        assert names == ["dev.jsonl", "frozen.jsonl", "train.jsonl"]
    assert "real" in folders


def _satisfying_attributes(alternative: dict[str, Any]) -> dict[str, Any]:
    """Attribute values that meet every predicate of an alternative (to prove it can be met)."""
    lists: dict[str, list[Any]] = {}
    lows: dict[str, float] = {}
    highs: dict[str, float] = {}
    scalars: dict[str, Any] = {}
    for predicate in alternative["all"]:
        attr, op, value = predicate["attr"], predicate["op"], predicate.get("value")
        if op in ("contains", "covers"):
            lists.setdefault(attr, []).append(value)
        elif op in ("contains_all", "contains_any"):
            lists.setdefault(attr, []).extend(value if op == "contains_all" else value[:1])
        elif op in ("ge", "gt"):
            lows[attr] = max(lows.get(attr, value), value + (1 if op == "gt" else 0))
        elif op in ("le", "lt"):
            highs[attr] = min(highs.get(attr, value), value - (1 if op == "lt" else 0))
        elif op == "between":
            lows[attr] = max(lows.get(attr, value[0]), value[0])
            highs[attr] = min(highs.get(attr, value[1]), value[1])
        elif op == "eq":
            scalars[attr] = value
        elif op == "in":
            scalars[attr] = value[0]
        elif op in ("is_true", "is_false"):
            scalars[attr] = op == "is_true"
    numbers: dict[str, float] = {
        attr: lows[attr] if attr in lows else highs[attr] for attr in {*lows, *highs}
    }
    assert all(lows.get(a, numbers[a]) <= highs.get(a, numbers[a]) for a in numbers), alternative
    return {**lists, **numbers, **scalars}


def test_it_finds_every_shipped_alternative_satisfiable() -> None:
    unmet = []
    for path in SET_FILES:
        for item in load_jsonl(path):
            for alternative in item["expect"]["any_of"]:
                result = {
                    "type": alternative["type"],
                    "attributes": _satisfying_attributes(alternative),
                }
                if not result_is_correct(item, result) or result_violates(item, result):
                    unmet.append(item["id"])
    assert unmet == []
