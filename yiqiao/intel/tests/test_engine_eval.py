"""Evaluation floors on every labelled split, each within two points of the reported score.

Splits: the news corpus's ``train``, ``dev``, ``retired``, ``frozen``, ``dev2``, ``frozen2`` and
``frozen3`` parts (``yiqiao/intel/corpus/<split>/``; ``retired`` is the first frozen part, retired in session 4 because
its aggregate had been looked at for several engine variants, so its floors guard regressions only),
the older corpus at the corpus root (``labels.json``), and the shared seed articles
(``../shared/seeds``, evaluation only, found beside the repository or one level up).  Frozen
articles are only ever scored here in aggregate.  A split whose folder is absent is skipped.
The figures the floors sit under are those reported in ``corpus/README.md``.
"""

import json
from pathlib import Path
from typing import Any

import pytest

from yiqiao.intel.engine import extract_article
from yiqiao.intel.engine.scoring import score

REPO = Path(__file__).resolve().parents[3]
CORPUS = REPO / "yiqiao" / "intel" / "corpus"


def _seeds() -> Path:
    for base in (REPO.parent, REPO.parent.parent):
        if (base / "shared" / "seeds" / "labels.json").is_file():
            return base / "shared" / "seeds"
    return REPO.parent / "shared" / "seeds"


SPLITS: dict[str, Path] = {
    "old": CORPUS,
    "train": CORPUS / "train",
    "dev": CORPUS / "dev",
    "retired": CORPUS / "retired",
    "frozen": CORPUS / "frozen",
    "dev2": CORPUS / "dev2",
    "frozen2": CORPUS / "frozen2",
    "frozen3": CORPUS / "frozen3",
    "seeds": _seeds(),
}
# floor = reported F1 minus two points, rounded up to the next hundredth (so never more than two
# points under the report); traps: at most the reported count
FLOORS: dict[str, dict[str, float]] = {
    "old": {
        "organisations": 0.94,
        "money": 0.98,
        "signing_records": 0.97,
        "signing_parties": 0.94,
        "event_dates": 0.98,
        "trap_violations": 0,
    },
    "train": {
        "organisations": 0.97,
        "money": 0.97,
        "signing_records": 0.93,
        "signing_parties": 0.88,
        "event_dates": 0.95,
        "trap_violations": 0,
    },
    "dev": {
        "organisations": 0.96,
        "money": 0.98,
        "signing_records": 0.89,
        "signing_parties": 0.86,
        "event_dates": 0.96,
        "trap_violations": 0,
    },
    # batch 8, scored once at the end of session 4 (21 articles: a wide margin of error); its
    # organisations floor moved from 0.82 to 0.81 with session 5's engine (0.833 -> 0.827);
    # event dates floor raised to 0.90 in session 6 (it sat 6.7 points under the 0.917 score)
    "frozen": {
        "organisations": 0.81,
        "money": 0.95,
        "signing_records": 0.94,
        "signing_parties": 0.70,
        "event_dates": 0.90,
        "trap_violations": 0,
    },
    # batch 9, session 5: the second dev part (16 articles; the first 8 were used to find this
    # session's rules, the other 8 were added after the frozen2 score and changed nothing)
    "dev2": {
        "organisations": 0.86,
        "money": 0.98,
        "signing_records": 0.94,
        "signing_parties": 0.93,
        "event_dates": 0.88,
        "trap_violations": 0,
    },
    # batch 9, session 5: the third frozen part (20 articles), scored once after the last change
    "frozen2": {
        "organisations": 0.88,
        "money": 0.98,
        "signing_records": 0.84,
        "signing_parties": 0.62,
        "event_dates": 0.92,
        "trap_violations": 0,
    },
    # batch 10, session 5: the fourth frozen part (21 articles), written and committed before the
    # second round of rules, scored once after the last change (signing parties: the in-repo
    # scorer gives 0.613 where the shared score_news.py gives 0.635; the floor follows the former)
    "frozen3": {
        "organisations": 0.86,
        "money": 0.98,
        "signing_records": 0.75,
        "signing_parties": 0.60,
        "event_dates": 0.89,
        "trap_violations": 0,
    },
    # the first frozen part, peeked in session 3: a regression guard only
    "retired": {
        "organisations": 0.75,
        "money": 0.98,
        "signing_records": 0.73,
        "signing_parties": 0.54,
        "event_dates": 0.85,
        "trap_violations": 0,
    },
    "seeds": {
        "organisations": 0.89,
        "money": 0.98,
        "signing_records": 0.98,
        "signing_parties": 0.92,
        "event_dates": 0.98,
        "trap_violations": 0,
    },
}


def _labels(folder: Path) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
    return data


def _predict(folder: Path, labels: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        extract_article((folder / g["source"]).read_bytes(), g["source"]).to_json() for g in labels
    ]


@pytest.mark.parametrize("split", sorted(FLOORS))
def test_it_meets_the_floors(split: str) -> None:
    folder = SPLITS[split]
    if not (folder / "labels.json").is_file():
        pytest.skip(f"{folder} not present")
    labels = _labels(folder)
    rep = score(labels, _predict(folder, labels))
    assert rep.missing_predictions == []
    floors = {k: v for k, v in FLOORS[split].items() if k != "trap_violations"}
    got = {k: round(rep.f1(k), 4) for k in floors}
    assert {k: got[k] >= floor for k, floor in floors.items()} == {k: True for k in floors}, got
    assert rep.trap_violations <= FLOORS[split]["trap_violations"], rep.errors


def test_it_reports_encoding_and_script_as_labelled() -> None:
    labels = _labels(CORPUS)
    preds = _predict(CORPUS, labels)
    assert [p["traditional"] for p in preds] == [g["traditional"] for g in labels]
    assert [p["published"] for p in preds] == [g["published"] for g in labels]
