"""Cross-validated figures of the chain classifier on the judged set's train and dev parts.

    PYTHONPATH=. python tools/chain_crossval.py [--folds 5] [--seed 7]

Never reads the frozen part. Train and dev items are shuffled with ``random.Random(seed)`` and
cut into folds; each fold is classified by a model trained on the other folds plus the chain
team's development examples (``yiqiao/chain/devexamples``). Then dev is classified by a model
trained on train plus the development examples. Prints one JSON line last: the CV and dev
aggregates of the scorer and the CPU seconds spent.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path
from typing import Any

from yiqiao.chain.engine.classify import OrgInput, bundled_lexicon, classify
from yiqiao.chain.engine.cli import DEFAULT_TRAINING
from yiqiao.chain.engine.training import Example, example_from_item, examples_from_jsonl, train
from yiqiao.chain.evaluation.score import load_jsonl, score

EVALUATION = Path(__file__).resolve().parents[1] / "yiqiao" / "chain" / "evaluation"
KEYS = ("chain_node_accuracy", "sectors_precision", "sectors_recall", "sectors_f1")


def _classified(examples: list[Example], items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    lexicon = bundled_lexicon()
    model = train(examples, lexicon)
    return [
        classify(
            OrgInput(str(i["id"]), str(i["name"]), str(i["description"]), str(i["products"])),
            lexicon=lexicon,
            model=model,
        ).as_dict()
        for i in items
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    started = time.process_time()
    train_items = load_jsonl(EVALUATION / "train.jsonl")
    dev_items = load_jsonl(EVALUATION / "dev.jsonl")
    extra = examples_from_jsonl(p for p in DEFAULT_TRAINING if "evaluation" not in p.parts)
    items = train_items + dev_items
    order = list(range(len(items)))
    random.Random(args.seed).shuffle(order)
    outputs: dict[str, dict[str, Any]] = {}
    for k in range(args.folds):
        held = set(order[k :: args.folds])
        examples = [example_from_item(items[i]) for i in order if i not in held] + extra
        for out in _classified(examples, [items[i] for i in sorted(held)]):
            outputs[out["id"]] = out
    cv = score(items, [outputs[str(i["id"])] for i in items])
    dev = score(
        dev_items, _classified([example_from_item(i) for i in train_items] + extra, dev_items)
    )
    result = {
        "cv": {k: round(float(cv[k]), 4) for k in KEYS},
        "dev_trained_on_train": {k: round(float(dev[k]), 4) for k in KEYS},
        "folds": args.folds,
        "seed": args.seed,
        "items": len(items),
        "cpu_seconds": round(time.process_time() - started, 1),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
