"""Score the matching engine on the judged needs against the demo district.

    python yiqiao/demands/evaluation/run.py [--judged PATH] [--details]

Builds the demo district (``generate_demo`` with the judged set's fixed scale and seed, plus the
policies app's demo data) into a fresh temporary SQLite database, loads the resources exactly as
the product does (``demands.resources`` and ``demands.suggestions``), resolves the judged resource keys by stable catalogue
codes (``S-EZ-05``, ``SV-CDMO-2``, ``org:plat.cdmo``, ``investor:inv.angel``,
``policy:space.rent_subsidy``), and reports nDCG@10 and recall@10 for plain BM25 (no synonyms, no
structure) and for the full engine. Policy eligibility for needs that name their enterprise
comes from the policy engine with the policies app's profile builder. The last printed line is one
JSON object. Inside a configured Django process (the test suite) the current, empty database is
used instead of a temporary one.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

JUDGED = Path(__file__).resolve().parent / "judged_needs.json"
REPO = Path(__file__).resolve().parents[3]


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


def evaluate(data: dict[str, Any], catalogue: dict[str, int], *, k: int = 10) -> dict[str, Any]:
    """Both modes over the judged set in the current database."""
    from yiqiao.demands import suggestions
    from yiqiao.demands.engine import MatchIndex, Need
    from yiqiao.demands.engine.evaluation import JudgedNeed
    from yiqiao.demands.engine.evaluation import evaluate as engine_evaluate
    from yiqiao.demands.resources import build_index
    from yiqiao.registry.demo import DEMO_DISTRICT_CODE
    from yiqiao.registry.models import Organisation, Region

    today = date.fromisoformat(data["today"])
    root = Region.objects.get(code=DEMO_DISTRICT_CODE)
    started = time.perf_counter()
    built = build_index(root)
    resources = built.index.resources
    plain = MatchIndex.build(resources, use_synonyms=False, chain=built.index.chain)
    build_seconds = time.perf_counter() - started
    judged: list[JudgedNeed] = []
    missing_keys: list[str] = []
    for item in data["needs"]:
        need_data = dict(item["need"])
        statuses: dict[str, Any] = {}
        org_key = item.get("organisation")
        if org_key:
            org = Organisation.objects.get(pk=catalogue[f"org:{org_key}"])
            need_data["enterprise_chain_nodes"] = list(
                org.chain_nodes.values_list("code", flat=True)
            )
            statuses, _ = suggestions.policy_statuses(org, built.policies, today)
        values: dict[str, Any] = {
            name: tuple(v) if isinstance(v, list) else v for name, v in need_data.items()
        }
        need = Need(**values)
        relevance = {}
        for key, grade in item["relevance"].items():
            resource_id = resolve_key(key, catalogue)
            if key.startswith("policy:") and key.split(":", 1)[1] not in built.policies:
                missing_keys.append(key)
            relevance[resource_id] = int(grade)
        judged.append(JudgedNeed(item["id"], need, relevance, statuses))
    started = time.perf_counter()
    bm25 = engine_evaluate(plain, judged, k=k, bm25_only=True, today=today)
    full = engine_evaluate(built.index, judged, k=k, today=today)
    match_seconds = time.perf_counter() - started
    return {
        "needs": len(judged),
        "resources": len(resources),
        "k": k,
        "bm25": asdict(Figures(round(bm25.ndcg, 4), round(bm25.recall, 4))),
        "engine": asdict(Figures(round(full.ndcg, 4), round(full.recall, 4))),
        "unresolved_policies": sorted(set(missing_keys)),
        "index_seconds": round(build_seconds, 2),
        "match_seconds": round(match_seconds, 2),
        "per_need": {
            a.id: {"bm25": round(a.ndcg, 3), "engine": round(b.ndcg, 3), "top": b.ranked_ids[:3]}
            for a, b in zip(bm25.needs, full.needs, strict=True)
        },
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
