"""Evaluation of the matching engine: nDCG@k and recall@k over a judged set.

A judged set is JSON::

    {
      "today": "2026-11-25",                      # optional; dates deadlines are counted from
      "needs": [
        {"id": "n01",
         "need": {"text": "...", "category": "space", "area_min_m2": 1000, ...},
         "policy_status": {"P-001": {"status": "eligible", "amount_yuan": 500000}},  # optional
         "relevance": {"res-id": 2, "other-id": 1}}   # graded: 1 relevant, 2 highly, 3 ideal
      ]
    }

nDCG uses gains 2^rel - 1 and log2 discounts, with the ideal ranking built from all judged
resources of the need; recall@k is the share of resources judged relevant (grade >= 1) that
appear in the top k. Resources not judged count as grade 0.

Command line: ``python -m yiqiao.demands.engine.evaluation CATALOGUE.json JUDGED.json``
prints one JSON object with the figures for plain BM25, BM25 with synonyms, and the full engine.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from .index import MatchIndex
from .model import Need, PolicyEligibility, Resource
from .serialise import eligibility_from_dict, need_from_dict, resource_from_dict


@dataclass(frozen=True, slots=True)
class JudgedNeed:
    """One need with the grades of the resources that should come back."""

    id: str
    need: Need
    relevance: Mapping[str, int]
    policy_status: Mapping[str, PolicyEligibility]


@dataclass(frozen=True, slots=True)
class NeedScore:
    """Figures for one need."""

    id: str
    ndcg: float
    recall: float
    ranked_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class EvaluationReport:
    """Mean nDCG@k and recall@k over a judged set, with per-need figures."""

    k: int
    ndcg: float
    recall: float
    needs: tuple[NeedScore, ...]


def dcg(grades: Sequence[int]) -> float:
    """Discounted cumulative gain of grades in rank order (rank 1 first)."""
    return float(sum((2**grade - 1) / math.log2(rank + 2) for rank, grade in enumerate(grades)))


def ndcg_at_k(ranked_ids: Sequence[str], relevance: Mapping[str, int], k: int = 10) -> float:
    """nDCG@k of one ranking; 0.0 when nothing is judged relevant."""
    ideal = dcg(sorted((g for g in relevance.values() if g > 0), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg([relevance.get(rid, 0) for rid in ranked_ids[:k]]) / ideal


def recall_at_k(ranked_ids: Sequence[str], relevance: Mapping[str, int], k: int = 10) -> float:
    """Share of the relevant resources (grade >= 1) found in the top k; 0.0 if none judged."""
    relevant = {rid for rid, grade in relevance.items() if grade > 0}
    if not relevant:
        return 0.0
    return len(relevant & set(ranked_ids[:k])) / len(relevant)


def load_judged(path: Path | str) -> tuple[list[JudgedNeed], date | None]:
    """Read a judged set (format in the module docstring)."""
    data = json.loads(Path(path).read_text("utf-8"))
    today = date.fromisoformat(data["today"]) if data.get("today") else None
    judged = [
        JudgedNeed(
            id=str(item["id"]),
            need=need_from_dict(item["need"]),
            relevance={str(k): int(v) for k, v in item["relevance"].items()},
            policy_status=eligibility_from_dict(item.get("policy_status", {})),
        )
        for item in data["needs"]
    ]
    return judged, today


def load_catalogue(path: Path | str) -> list[Resource]:
    """Read resources from a JSON list (format in ``serialise``)."""
    data: list[dict[str, Any]] = json.loads(Path(path).read_text("utf-8"))
    return [resource_from_dict(item) for item in data]


def evaluate(
    index: MatchIndex,
    judged: Sequence[JudgedNeed],
    *,
    k: int = 10,
    bm25_only: bool = False,
    today: date | None = None,
) -> EvaluationReport:
    """Run every judged need through ``index`` and score the top ``k``."""
    scores: list[NeedScore] = []
    for item in judged:
        matches = index.match(
            item.need,
            limit=k,
            policy_status=item.policy_status,
            bm25_only=bm25_only,
            today=today,
        )
        ranked = tuple(m.resource.id for m in matches)
        scores.append(
            NeedScore(
                id=item.id,
                ndcg=ndcg_at_k(ranked, item.relevance, k),
                recall=recall_at_k(ranked, item.relevance, k),
                ranked_ids=ranked,
            )
        )
    count = max(len(scores), 1)
    return EvaluationReport(
        k=k,
        ndcg=sum(s.ndcg for s in scores) / count,
        recall=sum(s.recall for s in scores) / count,
        needs=tuple(scores),
    )


def compare(
    resources: Sequence[Resource], judged: Sequence[JudgedNeed], *, k: int = 10, today: date | None
) -> dict[str, EvaluationReport]:
    """Plain BM25, BM25 with synonyms, and the full engine over the same judged set."""
    plain = MatchIndex.build(resources, use_synonyms=False)
    full = MatchIndex.build(resources)
    return {
        "bm25": evaluate(plain, judged, k=k, bm25_only=True, today=today),
        "bm25_synonyms": evaluate(full, judged, k=k, bm25_only=True, today=today),
        "engine": evaluate(full, judged, k=k, today=today),
    }


def main(argv: list[str] | None = None) -> int:
    """Print nDCG@k and recall@k of the three modes as one JSON object."""
    parser = argparse.ArgumentParser(description="Evaluate need-to-resource matching.")
    parser.add_argument("catalogue", help="JSON list of resources")
    parser.add_argument("judged", help="JSON judged set")
    parser.add_argument("-k", type=int, default=10)
    args = parser.parse_args(argv)
    judged, today = load_judged(args.judged)
    reports = compare(load_catalogue(args.catalogue), judged, k=args.k, today=today)
    out = {
        "needs": len(judged),
        "k": args.k,
        **{
            name: {"ndcg": round(r.ndcg, 4), "recall": round(r.recall, 4)}
            for name, r in reports.items()
        },
    }
    sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
