"""Score ``yiqiao chain classify`` output against the judged organisation set (issue #12).

    python -m yiqiao.chain.evaluation.score SET.jsonl OUTPUT.jsonl [--tree TREE] [--details]

The set is JSON Lines in the team's format (EVAL_FORMATS.md §2): each item has ``id``,
``chain_node`` (one RESOURCES.md CHAIN_NODE value), ``sectors`` (SECTOR values) and ``nodes``
(chain-tree codes, possibly empty). The output is what ``yiqiao chain classify`` writes: one line
per organisation with ``id``, ``chain_node``, ``sectors`` and ``nodes``.

Semantics, exactly:

- ``chain_node_accuracy``: items whose output ``chain_node`` equals the gold one / items. An item
  missing from the output is wrong and predicts nothing.
- ``sectors_precision/recall/f1``: micro-averaged over items on **exact** SECTOR values, with no
  closure: predicting ``device`` for a gold ``ivd`` is one false positive and one false negative.
  Duplicates count once. This is the figure the issue's "sectors F1 >= 0.85" is read against.
- ``sectors_closure_*``: the same micro average under RESOURCES.md's closures (``covers``): a
  predicted value is right when the gold list covers it (itself, its umbrella, a member of it when
  it is an umbrella, or ``healthcare_general`` for everything but synthetic biology), and a gold
  value is found when the predicted list covers it. It forgives umbrella-level answers, so it is
  reported beside the exact figure, never instead of it.
- ``nodes``: only items whose gold ``nodes`` is non-empty are scored. Gold and predicted codes are
  both closed under their ancestors, then precision and recall are micro-averaged per tree level
  (level 1 = roots) and over all levels. Ancestors come from the product's chain tree
  (``yiqiao/chain/data/chain.yaml``) unless ``--tree`` names another one (that YAML format, or a
  JSON list of nodes with ``code`` and ``parent``). Codes are keys, not paths
  (``bioprocess_supplies.media`` sits under ``bioprocess_supplies.consumables``), so the tree is
  needed; a code the tree does not know (a wrong output) gets the ancestors of its dotted prefix
  (``api.unknown`` counts as a level-2 code under ``api``).

The last printed line is one JSON object. ``--details`` prints one line per item first (never use
it on a frozen part: only the aggregate of a frozen part may be looked at).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from yiqiao.vocab.closures import sector_covers
from yiqiao.vocab.terms import CHAIN_NODE, SECTOR


def load_jsonl(path: Path) -> list[dict[str, Any]]:
    """Read JSON Lines (blank lines skipped); a broken line names its number."""
    rows: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(f"{path}:{number}: not JSON ({error.msg})") from error
            if not isinstance(row, dict):
                raise ValueError(f"{path}:{number}: a line must be a JSON object")
            rows.append(row)
    return rows


def check_item(item: Mapping[str, Any]) -> list[str]:
    """What is wrong with a gold item (empty when it is well formed)."""
    problems: list[str] = []
    if not isinstance(item.get("id"), str) or not item["id"]:
        problems.append("id must be a non-empty string")
    if item.get("chain_node") not in CHAIN_NODE:
        problems.append(f"chain_node {item.get('chain_node')!r} is not a CHAIN_NODE value")
    sectors = item.get("sectors")
    if not isinstance(sectors, list) or not sectors:
        problems.append("sectors must be a non-empty list")
    else:
        unknown = SECTOR.unknown(sectors)
        if unknown:
            problems.append(f"unknown sectors {unknown}")
    nodes = item.get("nodes", [])
    if not isinstance(nodes, list) or not all(isinstance(n, str) and n for n in nodes):
        problems.append("nodes must be a list of codes")
    return problems


def _codes(value: Any) -> set[str]:
    """A list field of an output line as a set of strings (anything else counts as empty)."""
    if not isinstance(value, list):
        return set()
    return {v for v in value if isinstance(v, str) and v}


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


class Tree:
    """Parents of chain-tree codes: from a tree file, or from dotted code prefixes."""

    def __init__(self, parents: Mapping[str, str | None] | None = None) -> None:
        self.parents = dict(parents) if parents is not None else None

    @classmethod
    def bundled(cls) -> Tree:
        """The product's chain tree (``yiqiao/chain/data/chain.yaml``)."""
        from yiqiao.chain.engine.tree import ChainTree

        return cls({n.code: n.parent for n in ChainTree.bundled().nodes})

    @classmethod
    def load(cls, path: Path) -> Tree:
        """A tree file: the chain YAML (``.yaml``/``.yml``), a JSON list of ``{"code", "parent"}``,
        or a JSON object with ``nodes``."""
        if path.suffix in (".yaml", ".yml"):
            from yiqiao.chain.engine.tree import ChainTree

            tree = ChainTree.from_yaml(path.read_text(encoding="utf-8"))
            return cls({n.code: n.parent for n in tree.nodes})
        data = json.loads(path.read_text(encoding="utf-8"))
        nodes = data.get("nodes") if isinstance(data, dict) else data
        if not isinstance(nodes, list):
            raise ValueError(f"{path}: expected a list of nodes or an object with 'nodes'")
        parents: dict[str, str | None] = {}
        for node in nodes:
            if not isinstance(node, dict) or not isinstance(node.get("code"), str):
                raise ValueError(f"{path}: every node needs a string 'code'")
            parent = node.get("parent")
            parents[node["code"]] = parent if isinstance(parent, str) and parent else None
        return cls(parents)

    def ancestors(self, code: str) -> list[str]:
        """``code`` and its ancestors, the root last (a cycle or unknown parent stops the walk).

        Without a tree, or for a code the tree does not know, the dotted prefix is the parent."""
        if self.parents is None:
            parts = code.split(".")
            return [".".join(parts[:i]) for i in range(len(parts), 0, -1)]
        if code not in self.parents:
            prefix = code.rpartition(".")[0]
            return [code, *self.ancestors(prefix)] if prefix else [code]
        chain = [code]
        seen = {code}
        parent = self.parents.get(code)
        while parent is not None and parent not in seen:
            chain.append(parent)
            seen.add(parent)
            parent = self.parents.get(parent)
        return chain

    def level(self, code: str) -> int:
        return len(self.ancestors(code))

    def closure(self, codes: Iterable[str]) -> set[str]:
        out: set[str] = set()
        for code in codes:
            out.update(self.ancestors(code))
        return out


def score_item(
    item: Mapping[str, Any], output: Mapping[str, Any] | None, tree: Tree | None = None
) -> dict[str, Any]:
    """Per-item counts (also what ``--details`` prints)."""
    tree = tree or Tree()
    output = output or {}
    gold_sectors = set(item["sectors"])
    pred_sectors = _codes(output.get("sectors"))
    row: dict[str, Any] = {
        "id": item["id"],
        "chain_node_gold": item["chain_node"],
        "chain_node_output": output.get("chain_node"),
        "chain_node_correct": output.get("chain_node") == item["chain_node"],
        "sectors_tp": len(gold_sectors & pred_sectors),
        "sectors_fp": len(pred_sectors - gold_sectors),
        "sectors_fn": len(gold_sectors - pred_sectors),
        "sectors_closure_right": sum(sector_covers(gold_sectors, p) for p in pred_sectors),
        "sectors_closure_predicted": len(pred_sectors),
        "sectors_closure_found": sum(sector_covers(pred_sectors, g) for g in gold_sectors),
        "sectors_closure_gold": len(gold_sectors),
        "missing": not output,
    }
    gold_nodes = tree.closure(item.get("nodes") or [])
    if gold_nodes:
        pred_nodes = tree.closure(_codes(output.get("nodes")))
        levels: dict[int, dict[str, int]] = {}
        for code in gold_nodes | pred_nodes:
            counts = levels.setdefault(tree.level(code), {"tp": 0, "fp": 0, "fn": 0})
            if code in gold_nodes and code in pred_nodes:
                counts["tp"] += 1
            elif code in pred_nodes:
                counts["fp"] += 1
            else:
                counts["fn"] += 1
        row["nodes_levels"] = levels
    return row


def score(
    items: Sequence[Mapping[str, Any]],
    outputs: Sequence[Mapping[str, Any]],
    tree: Tree | None = None,
) -> dict[str, Any]:
    """The set's figures (see the module docstring for the exact semantics)."""
    by_id = {str(o.get("id")): o for o in outputs}
    rows = [score_item(item, by_id.get(str(item["id"])), tree) for item in items]
    n = len(rows)
    tp = sum(r["sectors_tp"] for r in rows)
    fp = sum(r["sectors_fp"] for r in rows)
    fn = sum(r["sectors_fn"] for r in rows)
    precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    c_precision = _ratio(
        sum(r["sectors_closure_right"] for r in rows),
        sum(r["sectors_closure_predicted"] for r in rows),
    )
    c_recall = _ratio(
        sum(r["sectors_closure_found"] for r in rows),
        sum(r["sectors_closure_gold"] for r in rows),
    )
    figures: dict[str, Any] = {
        "n": n,
        "missing_outputs": sum(r["missing"] for r in rows),
        "chain_node_accuracy": round(_ratio(sum(r["chain_node_correct"] for r in rows), n), 4),
        "sectors_precision": round(precision, 4),
        "sectors_recall": round(recall, 4),
        "sectors_f1": round(_f1(precision, recall), 4),
        "sectors_closure_precision": round(c_precision, 4),
        "sectors_closure_recall": round(c_recall, 4),
        "sectors_closure_f1": round(_f1(c_precision, c_recall), 4),
    }
    node_rows = [r for r in rows if "nodes_levels" in r]
    figures["nodes_n"] = len(node_rows)
    if node_rows:
        totals: dict[int, dict[str, int]] = {}
        for r in node_rows:
            for level, counts in r["nodes_levels"].items():
                into = totals.setdefault(level, {"tp": 0, "fp": 0, "fn": 0})
                for key in into:
                    into[key] += counts[key]
        per_level = {}
        for level in sorted(totals):
            c = totals[level]
            per_level[str(level)] = {
                "precision": round(_ratio(c["tp"], c["tp"] + c["fp"]), 4),
                "recall": round(_ratio(c["tp"], c["tp"] + c["fn"]), 4),
            }
        all_tp = sum(c["tp"] for c in totals.values())
        all_fp = sum(c["fp"] for c in totals.values())
        all_fn = sum(c["fn"] for c in totals.values())
        figures["nodes_precision"] = round(_ratio(all_tp, all_tp + all_fp), 4)
        figures["nodes_recall"] = round(_ratio(all_tp, all_tp + all_fn), 4)
        figures["nodes_by_level"] = per_level
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    """Print the set's figures as one JSON line (per-item lines first with ``--details``)."""
    parser = argparse.ArgumentParser(description="Score chain-classify output on the judged set.")
    parser.add_argument("set", type=Path, help="judged set (JSON Lines)")
    parser.add_argument("output", type=Path, help="output of `yiqiao chain classify` (JSON Lines)")
    parser.add_argument(
        "--tree",
        type=Path,
        help="chain tree: chain YAML or JSON nodes with code and parent (default: the product's)",
    )
    parser.add_argument(
        "--details", action="store_true", help="one line per item first (never on frozen)"
    )
    args = parser.parse_args(argv)
    try:
        items = load_jsonl(args.set)
        outputs = load_jsonl(args.output)
        for item in items:
            problems = check_item(item)
            if problems:
                raise ValueError(f"{args.set}: item {item.get('id')!r}: {'; '.join(problems)}")
        tree = Tree.load(args.tree) if args.tree else Tree.bundled()
        figures = score(items, outputs, tree)
    except (OSError, ValueError) as error:
        sys.stderr.write(f"chain score: {error}\n")
        return 2
    if args.details:
        by_id = {str(o.get("id")): o for o in outputs}
        for item in items:
            row = score_item(item, by_id.get(str(item["id"])), tree)
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
    sys.stdout.write(json.dumps(figures, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
