"""Score the matching engine on the judged needs against the demo district.

    python yiqiao/demands/evaluation/run.py [--judged PATH] [--details]

Builds the demo district (``generate_demo`` with the judged set's fixed scale and seed, plus the
policies app's demo data) into a fresh temporary SQLite database, loads the resources exactly as
the product does (``demands.matching``), resolves the judged resource keys by stable catalogue
codes (``S-EZ-05``, ``SV-CDMO-2``, ``org:plat.cdmo``, ``investor:inv.angel``,
``policy:space.rent_subsidy``), and reports nDCG@10 and recall@10 of the one engine: each need's
text parsed with its form fields in force and ranked requirement by requirement
(``matching.match_need``, as the need page and ``yiqiao demands match`` do); a need that names
its enterprise never gets that enterprise back. The last printed line is one JSON object.
Inside a configured Django process (the test suite) the current, empty database is
used instead of a temporary one.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

JUDGED = Path(__file__).resolve().parent / "judged_needs.json"
REPO = Path(__file__).resolve().parents[3]


def dcg(grades: Sequence[int]) -> float:
    """Discounted cumulative gain of grades in rank order (rank 1 first)."""
    return float(sum((2**grade - 1) / math.log2(rank + 2) for rank, grade in enumerate(grades)))


def ndcg_at_k(ranked_ids: Sequence[str], relevance: Mapping[str, int], k: int = 10) -> float:
    """nDCG@k of one ranking (gains 2^grade − 1, log2 discounts, the ideal from every judged
    resource); 0.0 when nothing is judged relevant."""
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


@dataclass(frozen=True)
class Figures:
    """Mean nDCG@k and recall@k of one mode."""

    ndcg: float
    recall: float


def _ensure_django() -> None:
    """Outside a Django process: a fresh temporary SQLite database, migrated."""
    from django.conf import settings

    if settings.configured:
        return
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    folder = tempfile.mkdtemp(prefix="yiqiao-eval-")
    os.environ["YIQIAO_DATA_DIR"] = folder
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/eval.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "yiqiao.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def prepare_demo(scale: int, seed: int) -> dict[str, int]:
    """Load the demo district as `yiqiao demo` does (every app's generator)."""
    from yiqiao.demo.generators import demo_run

    context = demo_run(scale=scale, seed=seed)
    catalogue: dict[str, int] = context.results["register"].catalogue
    return catalogue


def resolve_key(key: str, catalogue: dict[str, int]) -> str:
    """A judged key → the resource id the product gives that record."""
    if key.startswith("policy:"):
        return key
    if key.startswith("org:"):
        return f"org:{catalogue[key]}"
    if key.startswith("investor:"):
        return f"investor:{catalogue['org:' + key.split(':', 1)[1]]}"
    if key.startswith("SV-"):
        return f"service:{catalogue[key]}"
    if key.startswith("S-"):
        return f"space:{catalogue[key]}"
    raise KeyError(f"无法识别的资源编号：{key}")


def parsed_need(item: dict[str, Any]) -> Any:
    """A judged need as the need page reads it: its text parsed, its form fields in force
    (area, GMP grade as the ISO class, funding amount and stage), as ``parsed_for_demand``."""
    from yiqiao.demands.engine.understand import understand
    from yiqiao.demands.matching import contract_category, form_requirements, with_form_values
    from yiqiao.vocab.units import cleanroom_iso

    need = item["need"]
    grade = need.get("gmp_grade")
    stated = form_requirements(
        area_min_m2=need.get("area_min_m2"),
        area_max_m2=need.get("area_max_m2"),
        cleanroom_iso=cleanroom_iso(grade) if grade else None,
        funding_amount_yuan=need.get("funding_amount_yuan"),
        funding_stage=need.get("funding_stage") or "",
    )
    category = contract_category(need.get("category"))
    return with_form_values(understand(need["text"], category), stated)


def evaluate(data: dict[str, Any], catalogue: dict[str, int], *, k: int = 10) -> dict[str, Any]:
    """The one engine (``matching.match_need``: ``engine.rank`` over the district's index) over
    the judged set in the current database: nDCG@k and recall@k."""
    from yiqiao.demands.matching import catalogue_for, match_need
    from yiqiao.registry.demo import DEMO_DISTRICT_CODE
    from yiqiao.registry.models import Region

    today = date.fromisoformat(data["today"])
    root = Region.objects.get(code=DEMO_DISTRICT_CODE)
    started = time.perf_counter()
    built = catalogue_for(root, today)
    build_seconds = time.perf_counter() - started
    policies = {c.key for c in built.candidates if c.type == "policy"}
    missing_keys: list[str] = []
    per_need: dict[str, Any] = {}
    ndcgs: list[float] = []
    recalls: list[float] = []
    started = time.perf_counter()
    for item in data["needs"]:
        relevance: dict[str, int] = {}
        for key, grade in item["relevance"].items():
            resource_id = resolve_key(key, catalogue)
            if key.startswith("policy:") and key not in policies:
                missing_keys.append(key)
            relevance[resource_id] = int(grade)
        exclude: tuple[str, ...] = ()
        org_key = item.get("organisation")
        if org_key:
            pk = catalogue[f"org:{org_key}"]
            exclude = (f"org:{pk}", f"investor:{pk}")
        parsed = parsed_need(item)
        outcome = match_need(
            parsed.text, root=root, as_of=today, top=k, exclude_keys=exclude, parsed=parsed
        )
        ranked = [r.candidate.key for r in outcome.results]
        ndcgs.append(ndcg_at_k(ranked, relevance, k))
        recalls.append(recall_at_k(ranked, relevance, k))
        per_need[item["id"]] = {"engine": round(ndcgs[-1], 3), "top": ranked[:3]}
    match_seconds = time.perf_counter() - started
    n = max(len(ndcgs), 1)
    return {
        "needs": len(ndcgs),
        "resources": len(built.candidates),
        "k": k,
        "engine": asdict(Figures(round(sum(ndcgs) / n, 4), round(sum(recalls) / n, 4))),
        "unresolved_policies": sorted(set(missing_keys)),
        "index_seconds": round(build_seconds, 2),
        "match_seconds": round(match_seconds, 2),
        "per_need": per_need,
    }


def main(argv: list[str] | None = None) -> int:
    """Run the evaluation; print per-need figures with --details, then one JSON line."""
    parser = argparse.ArgumentParser(description="需求匹配评测（nDCG@10 / recall@10）")
    parser.add_argument("--judged", default=str(JUDGED), help="judged set (JSON)")
    parser.add_argument("-k", type=int, default=10)
    parser.add_argument("--details", action="store_true", help="print each need's figures")
    args = parser.parse_args(argv)
    data = json.loads(Path(args.judged).read_text("utf-8"))
    _ensure_django()
    catalogue = prepare_demo(int(data["demo"]["scale"]), int(data["demo"]["seed"]))
    report = evaluate(data, catalogue, k=args.k)
    per_need = report.pop("per_need")
    if args.details:
        for need_id, figures in per_need.items():
            sys.stdout.write(f"{need_id}\t{json.dumps(figures, ensure_ascii=False)}\n")
    sys.stdout.write(json.dumps(report, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
