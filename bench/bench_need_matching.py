"""Benchmark of the requirement-by-requirement matcher (issue 13): ``yiqiao bench need_matching``.

Two figures, CPU time (``time.process_time``):

1. synthetic: N candidates (default 100,000) with mostly unique texts and attributes drawn from
   the vocabulary; relevance index build time and p95 of ``rank`` over the real-needs training
   texts (parsing included);
2. demo: the whole suggestion for one need as the command does it (parse, the district's cached
   catalogue, requirements, ranking) on the database in ``DATABASE_URL`` (a loaded demo), p95.

The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from pathlib import Path

from yiqiao.demands.engine.rank import Candidate, Relevance, rank
from yiqiao.demands.engine.understand import understand
from yiqiao.vocab import CAPABILITY, SECTOR, SERVICE_CATEGORY, SPACE_KIND, UTILITY

ROOT = Path(__file__).resolve().parents[1]
NEEDS = ROOT / "yiqiao/demands/evaluation/real/train.jsonl"
SYLLABLES = "康宁医谷科创生物制药器械诊断细胞基因抗体蛋白疫苗中药研发中试洁净实验厂房仓储冷链检测注册临床平台服务"


def _text(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(20, 60))) + str(rng.random())


def synthetic(n: int, rng: random.Random) -> list[Candidate]:
    out = []
    for i in range(n):
        if i % 2:
            attrs: dict[str, object] = {
                "space.kind": rng.choice(SPACE_KIND.values),
                "space.status": rng.choice(["available", "available", "leased"]),
                "space.available_area_m2": rng.uniform(50, 20000),
                "space.rent_yuan_per_m2_month": rng.uniform(15, 150),
                "space.floor_height_m": rng.uniform(3, 12),
                "space.utilities": rng.sample(UTILITY.values, 3),
                "space.gmp": rng.random() < 0.3,
            }
            out.append(Candidate("space", f"space:{i}", f"载体{i}", _text(rng), attrs))
        else:
            attrs = {
                "service.category": rng.choice(SERVICE_CATEGORY.values),
                "service.capabilities": rng.sample(CAPABILITY.values, 4),
                "service.sectors": rng.sample(SECTOR.values, 2),
                "service.accepting_orders": True,
            }
            out.append(Candidate("service", f"service:{i}", f"服务{i}", _text(rng), attrs))
    return out


def p95(values: list[float]) -> float:
    return round(statistics.quantiles(values, n=20)[-1] * 1000, 2) if len(values) > 1 else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--demo", action="store_true", help="also time the demo district")
    args = parser.parse_args(argv)
    texts = [json.loads(line)["text"] for line in NEEDS.read_text("utf-8").splitlines() if line]
    rng = random.Random(13)
    candidates = synthetic(args.n, rng)
    started = time.process_time()
    relevance = Relevance(candidates)
    build = time.process_time() - started
    times = []
    for text in texts:
        t0 = time.process_time()
        rank(understand(text), candidates, top=10, relevance=relevance)
        times.append(time.process_time() - t0)
    result: dict[str, object] = {
        "candidates": args.n,
        "index_build_cpu_s": round(build, 2),
        "query_p95_ms": p95(times),
        "queries": len(texts),
    }
    print(
        f"synthetic: {args.n} candidates, relevance build {build:.1f} s CPU, rank p95 {p95(times)} ms"
    )  # noqa: T201
    if args.demo:
        import os

        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yiqiao.settings")
        django.setup()
        from django.utils import timezone

        from yiqiao.demands.management.commands.demands_match import default_district
        from yiqiao.demands.matching import match_need

        root = default_district()
        today = timezone.localdate()
        match_need("预热", root=root, as_of=today)
        demo_times = []
        for text in texts:
            t0 = time.process_time()
            match_need(text, root=root, as_of=today)
            demo_times.append(time.process_time() - t0)
        result["demo_suggestion_p95_ms"] = p95(demo_times)
        print(f"demo district: whole suggestion p95 {p95(demo_times)} ms")  # noqa: T201
    print(json.dumps(result))  # noqa: T201
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
