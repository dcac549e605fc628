"""Floors of the shipped classifier on the judged set's frozen split (aggregate only).

The frozen split is never read to change the classifier; only the scorer's aggregate is used
here, and a failure prints aggregates only. Floors sit within two points of the figures
measured when the model was last trained (see the chain note).
"""

from __future__ import annotations

from pathlib import Path

from yiqiao.chain.engine.classify import OrgInput, bundled_lexicon, bundled_model, classify
from yiqiao.chain.evaluation.score import load_jsonl, score

FROZEN = Path(__file__).resolve().parents[1] / "evaluation" / "frozen.jsonl"
FLOORS = {"chain_node_accuracy": 0.82, "sectors_f1": 0.75}


def test_it_keeps_its_measured_figures_on_the_frozen_split() -> None:
    items = load_jsonl(FROZEN)
    lexicon, model = bundled_lexicon(), bundled_model()
    outputs = [
        classify(
            OrgInput(str(i["id"]), str(i["name"]), str(i["description"]), str(i["products"])),
            lexicon=lexicon,
            model=model,
        ).as_dict()
        for i in items
    ]
    result = score(items, outputs)
    figures = {k: round(float(result[k]), 4) for k in FLOORS}
    assert all(figures[k] >= floor for k, floor in FLOORS.items()), figures
