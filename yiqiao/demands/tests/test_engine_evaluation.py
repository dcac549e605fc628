"""The evaluation scorer, and the full engine against BM25 alone on the small judged set."""

import json
import math
from pathlib import Path

import pytest

from yiqiao.demands.engine import EngineInputError, MatchIndex
from yiqiao.demands.engine.evaluation import (
    compare,
    dcg,
    evaluate,
    load_catalogue,
    load_judged,
    main,
    ndcg_at_k,
    recall_at_k,
)
from yiqiao.demands.engine.serialise import need_from_dict, resource_from_dict

DATA = Path(__file__).parent / "data"
CATALOGUE = DATA / "engine_catalogue.json"
JUDGED = DATA / "engine_judged.json"


def test_it_computes_dcg_with_exponential_gains_and_log2_discounts():
    assert dcg([3, 0, 1]) == pytest.approx(7 / 1 + 0 + 1 / 2)
    assert dcg([]) == 0.0


@pytest.mark.parametrize(
    ("ranked", "expected"),
    [
        (["a", "b", "c"], 1.0),
        (["c", "b", "a"], (1 + 3 / math.log2(3) + 7 / 2) / (7 + 3 / math.log2(3) + 1 / 2)),
        (["x", "a"], (7 / math.log2(3)) / (7 + 3 / math.log2(3) + 1 / 2)),
        ([], 0.0),
    ],
)
def test_it_computes_ndcg_against_the_ideal_order(ranked, expected):
    relevance = {"a": 3, "b": 2, "c": 1}

    assert ndcg_at_k(ranked, relevance, k=10) == pytest.approx(expected)


def test_it_only_counts_the_top_k():
    relevance = {"a": 1, "b": 1}

    assert recall_at_k(["x", "a", "b"], relevance, k=2) == 0.5
    assert ndcg_at_k(["x", "x2", "a"], relevance, k=2) == 0.0


def test_it_scores_zero_when_nothing_is_judged_relevant():
    assert ndcg_at_k(["a"], {"a": 0}) == 0.0
    assert recall_at_k(["a"], {}) == 0.0


def test_it_loads_the_judged_set_and_catalogue():
    judged, today = load_judged(JUDGED)
    resources = load_catalogue(CATALOGUE)

    assert len(judged) == 16
    assert str(today) == "2026-11-25"
    assert len(resources) == 46
    ids = {r.id for r in resources}
    assert all(rid in ids for item in judged for rid in item.relevance)
    assert judged[11].policy_status["P-001"].amount_yuan == 2_000_000


def test_it_refuses_unknown_fields_in_json():
    with pytest.raises(EngineInputError, match="需求含未知字段：budget"):
        need_from_dict({"text": "x", "budget": 1})
    with pytest.raises(EngineInputError, match="未知的资源类型"):
        resource_from_dict({"kind": "shop", "id": "x"})


def test_it_beats_bm25_alone_on_the_judged_set():
    judged, today = load_judged(JUDGED)

    reports = compare(load_catalogue(CATALOGUE), judged, k=10, today=today)

    engine, bm25 = reports["engine"], reports["bm25"]
    assert engine.ndcg > bm25.ndcg
    assert engine.recall >= bm25.recall
    # Floors for this set; a change that drops below them has made matching worse.
    assert engine.ndcg >= 0.95
    assert engine.recall >= 0.93
    by_id = {s.id: s for s in engine.needs}
    assert by_id["n02"].ranked_ids[:2] == ("S01", "S11")  # S04 is leased out
    assert "S04" not in by_id["n02"].ranked_ids
    assert "P03" not in by_id["n12"].ranked_ids  # ineligible policy


def test_it_evaluates_the_baseline_without_filters():
    judged, today = load_judged(JUDGED)
    index = MatchIndex.build(load_catalogue(CATALOGUE), use_synonyms=False)

    report = evaluate(index, judged, bm25_only=True, today=today)

    by_id = {s.id: s for s in report.needs}
    assert by_id["n02"].ranked_ids[0] == "S04"  # text alone suggests the leased space


def test_it_prints_the_comparison_as_json(capsys):
    assert main([str(CATALOGUE), str(JUDGED)]) == 0

    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert out["needs"] == 16
    assert set(out) == {"needs", "k", "bm25", "bm25_synonyms", "engine"}
    assert out["engine"]["ndcg"] > out["bm25"]["ndcg"]
