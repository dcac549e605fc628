"""The scorer of the judged organisation set: exact and closure sectors, nodes per level, files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from yiqiao.chain.engine.tree import ChainTree
from yiqiao.chain.evaluation import score as score_module
from yiqiao.chain.evaluation.score import Tree, check_item, load_jsonl, score, score_item

SETS = Path(score_module.__file__).resolve().parent


def gold(id_: str, chain_node: str, sectors: list[str], nodes: list[str] | None = None) -> dict:
    return {"id": id_, "chain_node": chain_node, "sectors": sectors, "nodes": nodes or []}


def out(id_: str, chain_node: str | None, sectors: Any, nodes: Any = None) -> dict:
    return {"id": id_, "chain_node": chain_node, "sectors": sectors, "nodes": nodes or []}


SECTOR_CASES = [
    # (gold sectors, output sectors, exact (tp, fp, fn), closure (right, predicted, found, gold))
    (["ivd"], ["ivd"], (1, 0, 0), (1, 1, 1, 1)),
    (["ivd"], ["device"], (0, 1, 1), (1, 1, 1, 1)),
    (["ivd"], ["consumable"], (0, 1, 1), (0, 1, 0, 1)),
    (["ivd", "consumable"], ["ivd"], (1, 0, 1), (1, 1, 1, 2)),
    (["tcm"], ["healthcare_general"], (0, 1, 1), (1, 1, 1, 1)),
    (["synthetic_biology"], ["healthcare_general"], (0, 1, 1), (0, 1, 0, 1)),
    (["drug"], ["antibody", "vaccine"], (0, 2, 1), (2, 2, 1, 1)),
    (["cro_cdmo", "antibody"], ["cro_cdmo", "antibody", "antibody"], (2, 0, 0), (2, 2, 2, 2)),
    (["api"], [], (0, 0, 1), (0, 0, 0, 1)),
    (["api"], "api", (0, 0, 1), (0, 0, 0, 1)),
]


@pytest.mark.parametrize(("gold_sectors", "output_sectors", "exact", "closure"), SECTOR_CASES)
def test_it_counts_sectors_exactly_and_under_closures(
    gold_sectors: list[str], output_sectors: Any, exact: tuple, closure: tuple
) -> None:
    row = score_item(gold("x", "api", gold_sectors), out("x", "api", output_sectors))
    assert (row["sectors_tp"], row["sectors_fp"], row["sectors_fn"]) == exact
    assert (
        row["sectors_closure_right"],
        row["sectors_closure_predicted"],
        row["sectors_closure_found"],
        row["sectors_closure_gold"],
    ) == closure


def test_it_scores_a_set_with_a_missing_output_as_wrong() -> None:
    items = [
        gold("a", "device_manufacturer", ["ivd"]),
        gold("b", "contract_services", ["cro_cdmo", "antibody"]),
        gold("c", "retail", ["healthcare_general"]),
        gold("d", "api", ["api", "small_molecule"]),
    ]
    outputs = [
        out("a", "device_manufacturer", ["ivd"]),
        out("b", "drug_manufacturer", ["antibody"]),
        out("d", "api", ["api", "peptide"]),
        out("zzz", "retail", ["drug"]),
    ]
    figures = score(items, outputs)
    # chain node: a and d right; b wrong; c missing
    # exact sectors: tp = 1 + 1 + 0 + 1 = 3, fp = 0 + 0 + 0 + 1 = 1, fn = 0 + 1 + 1 + 1 = 3
    assert figures == {
        "n": 4,
        "missing_outputs": 1,
        "chain_node_accuracy": 0.5,
        "sectors_precision": 0.75,
        "sectors_recall": 0.5,
        "sectors_f1": 0.6,
        # closure: predicted ivd, antibody, api, peptide -> right 3 of 4 (peptide not covered);
        # gold ivd, cro_cdmo, antibody, healthcare_general, api, small_molecule -> found 3 of 6
        "sectors_closure_precision": 0.75,
        "sectors_closure_recall": 0.5,
        "sectors_closure_f1": 0.6,
        "nodes_n": 0,
    }


def test_it_gives_zeros_not_errors_for_an_empty_output() -> None:
    figures = score([gold("a", "api", ["api"])], [])
    assert figures["chain_node_accuracy"] == 0.0
    assert figures["sectors_precision"] == 0.0
    assert figures["sectors_recall"] == 0.0
    assert figures["sectors_f1"] == 0.0
    assert figures["missing_outputs"] == 1


TREE_CASES = [
    # (gold nodes, output nodes, {level: (precision, recall)})
    (["up.ivd.antigen"], ["up.ivd.antigen"], {"1": (1.0, 1.0), "2": (1.0, 1.0), "3": (1.0, 1.0)}),
    (["up.ivd.antigen"], ["up.ivd.enzyme"], {"1": (1.0, 1.0), "2": (1.0, 1.0), "3": (0.0, 0.0)}),
    (["up.ivd.antigen"], ["up.ivd"], {"1": (1.0, 1.0), "2": (1.0, 1.0), "3": (0.0, 0.0)}),
    (["up.ivd.antigen"], ["mid.device.ivd"], {"1": (0.0, 0.0), "2": (0.0, 0.0), "3": (0.0, 0.0)}),
    (["up.ivd"], ["up.ivd", "up.media"], {"1": (1.0, 1.0), "2": (0.5, 1.0)}),
]


@pytest.mark.parametrize(("gold_nodes", "output_nodes", "expected"), TREE_CASES)
def test_it_scores_nodes_per_level_with_ancestors_from_dotted_codes(
    gold_nodes: list[str], output_nodes: list[str], expected: dict[str, tuple[float, float]]
) -> None:
    figures = score(
        [gold("a", "ivd_raw_materials", ["ivd"], gold_nodes)],
        [out("a", "ivd_raw_materials", ["ivd"], output_nodes)],
    )
    got = {
        level: (values["precision"], values["recall"])
        for level, values in figures["nodes_by_level"].items()
    }
    assert got == expected
    assert figures["nodes_n"] == 1


def test_it_reads_parents_from_a_tree_file(tmp_path: Path) -> None:
    tree_file = tmp_path / "tree.json"
    tree_file.write_text(
        json.dumps(
            {
                "nodes": [
                    {"code": "U", "parent": None},
                    {"code": "U1", "parent": "U"},
                    {"code": "U11", "parent": "U1"},
                    {"code": "M", "parent": ""},
                ]
            }
        ),
        encoding="utf-8",
    )
    tree = Tree.load(tree_file)
    assert tree.ancestors("U11") == ["U11", "U1", "U"]
    assert tree.level("M") == 1
    figures = score(
        [gold("a", "api", ["api"], ["U11"]), gold("b", "api", ["api"])],
        [out("a", "api", ["api"], ["U1", "M"]), out("b", "api", ["api"], ["U"])],
        tree,
    )
    # only item a has gold nodes: gold {U11, U1, U}, predicted {U1, U, M}
    assert figures["nodes_n"] == 1
    assert figures["nodes_by_level"] == {
        "1": {"precision": 0.5, "recall": 1.0},
        "2": {"precision": 1.0, "recall": 1.0},
        "3": {"precision": 0.0, "recall": 0.0},
    }
    assert figures["nodes_precision"] == round(2 / 3, 4)
    assert figures["nodes_recall"] == round(2 / 3, 4)


def test_it_stops_at_a_cycle_in_the_tree_file() -> None:
    tree = Tree({"A": "B", "B": "A"})
    assert tree.ancestors("A") == ["A", "B"]


CHECK_CASES = [
    (gold("a", "api", ["api"]), []),
    ({"id": "", "chain_node": "api", "sectors": ["api"]}, ["id must be a non-empty string"]),
    (gold("a", "pharma", ["api"]), ["chain_node 'pharma' is not a CHAIN_NODE value"]),
    (gold("a", "api", []), ["sectors must be a non-empty list"]),
    (gold("a", "api", ["api", "biotech"]), ["unknown sectors ['biotech']"]),
    ({**gold("a", "api", ["api"]), "nodes": [""]}, ["nodes must be a list of codes"]),
]


@pytest.mark.parametrize(("item", "problems"), CHECK_CASES)
def test_it_checks_gold_items(item: dict, problems: list[str]) -> None:
    assert check_item(item) == problems


def test_it_prints_one_json_line_from_files(tmp_path: Path, capsys: Any) -> None:
    set_file = tmp_path / "set.jsonl"
    out_file = tmp_path / "out.jsonl"
    set_file.write_text(
        json.dumps(gold("a", "retail", ["healthcare_general"]), ensure_ascii=False) + "\n\n",
        encoding="utf-8",
    )
    out_file.write_text(json.dumps(out("a", "retail", ["drug"])) + "\n", encoding="utf-8")
    assert score_module.main([str(set_file), str(out_file)]) == 0
    line = capsys.readouterr().out.strip().splitlines()[-1]
    figures = json.loads(line)
    assert figures["chain_node_accuracy"] == 1.0
    assert figures["sectors_f1"] == 0.0
    assert figures["sectors_closure_f1"] == 1.0


def test_it_refuses_a_broken_set_with_a_message(tmp_path: Path, capsys: Any) -> None:
    set_file = tmp_path / "set.jsonl"
    set_file.write_text('{"id": "a", "chain_node": "pharma", "sectors": ["api"]}\n')
    out_file = tmp_path / "out.jsonl"
    out_file.write_text("not json\n")
    assert score_module.main([str(set_file), str(out_file)]) == 2
    assert "not JSON" in capsys.readouterr().err


@pytest.mark.parametrize("split", ["train", "dev", "frozen"])
def test_it_ships_well_formed_splits(split: str) -> None:
    items = load_jsonl(SETS / f"{split}.jsonl")
    assert items, split
    for item in items:
        assert check_item(item) == [], item["id"]
        assert item["id"].startswith(f"org-{split}-")
        for field in ("name", "description", "products", "source"):
            assert isinstance(item[field], str) and item[field].strip(), (item["id"], field)


@pytest.mark.parametrize("split", ["train", "dev", "frozen"])
def test_it_judges_nodes_with_codes_of_the_chain_tree(split: str) -> None:
    """Every item has nodes: codes of the bundled tree, the first under its chain_node, and no
    code beside its own ancestor (the scorer closes under ancestors anyway)."""
    tree = ChainTree.bundled()
    for item in load_jsonl(SETS / f"{split}.jsonl"):
        nodes = item["nodes"]
        assert nodes, item["id"]
        assert len(set(nodes)) == len(nodes), item["id"]
        unknown = [code for code in nodes if code not in tree.by_code]
        assert unknown == [], (item["id"], unknown)
        assert tree.node(nodes[0]).chain_position == item["chain_node"], item["id"]
        for code in nodes:
            assert not set(tree.ancestors(code)) & set(nodes), (item["id"], code)


def test_it_reads_ancestors_from_the_product_tree_by_default(tmp_path: Path, capsys: Any) -> None:
    tree = Tree.bundled()
    # codes are keys, not paths: the level-2 group is found only through the tree
    assert tree.ancestors("bioprocess_supplies.media") == [
        "bioprocess_supplies.media",
        "bioprocess_supplies.consumables",
        "bioprocess_supplies",
    ]
    # an unknown (wrong) code keeps its dotted prefix's ancestors
    assert tree.ancestors("api.unknown") == ["api.unknown", "api"]
    set_file = tmp_path / "set.jsonl"
    out_file = tmp_path / "out.jsonl"
    set_file.write_text(
        json.dumps(gold("a", "bioprocess_supplies", ["drug"], ["bioprocess_supplies.media"]))
        + "\n",
        encoding="utf-8",
    )
    out_file.write_text(
        json.dumps(out("a", "bioprocess_supplies", ["drug"], ["bioprocess_supplies.filtration"]))
        + "\n",
        encoding="utf-8",
    )
    assert score_module.main([str(set_file), str(out_file)]) == 0
    figures = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert figures["nodes_by_level"] == {
        "1": {"precision": 1.0, "recall": 1.0},
        "2": {"precision": 1.0, "recall": 1.0},
        "3": {"precision": 0.0, "recall": 0.0},
    }


def test_it_reads_a_chain_yaml_tree_file(tmp_path: Path) -> None:
    tree_file = tmp_path / "chain.yaml"
    tree_file.write_text(
        (SETS.parent / "data" / "chain.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    tree = Tree.load(tree_file)
    assert tree.ancestors("drug_manufacturer.mab") == [
        "drug_manufacturer.mab",
        "drug_manufacturer.biologics",
        "drug_manufacturer",
    ]


def test_it_keeps_ids_unique_across_splits() -> None:
    ids = [i["id"] for s in ("train", "dev", "frozen") for i in load_jsonl(SETS / f"{s}.jsonl")]
    assert len(ids) == len(set(ids))
