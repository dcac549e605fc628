"""Benchmark of need matching (issue 13): ``yiqiao bench matching``.

The one engine: requirement-by-requirement ranking (``engine.rank``) served by its index
(``engine.rank_index.RankIndex``). Figures in CPU time (``time.process_time``), one core:

1. synthetic: N candidates (default 1,000,000) of the five resource types, every attribute of
   RESOURCES.md drawn from its vocabulary or range (a fifth left unknown), texts mostly unique
   (random words from a biomedical word list, a random serial; no templates).
   - ``index_build_cpu_s``: ``RankIndex(candidates)`` (text normalisation, relevance features
     and posting lists, attribute columns), not the generation of the candidates;
   - ``query_p50_ms`` / ``query_p95_ms`` / ``query_max_ms``: per real-needs training text,
     parsing (``understand``) plus ``RankIndex.rank(top=10)``: requirement filters over the
     columns, relevance for the rows that can reach the top, the results' verdicts;
   - ``peak_rss_mb``: the process's peak resident memory (candidates included).
   ``--check K`` also ranks the first K needs by brute force (``rank.rank``) and fails if any
   result differs.
2. ``--demo``: the whole suggestion for one need as the need page does it
   (``suggestions.suggest``: the district's cached catalogue and index, the need's text parsed
   with the form's fields, requirements, ranking, policy eligibility of suggested policies,
   page links), for every need of the loaded demo database (``DATABASE_URL``), p95, after one
   warm-up (the catalogue is built once per process and data version).

The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from yiqiao.demands.engine.rank import Candidate, Relevance, rank  # noqa: E402
from yiqiao.demands.engine.rank_index import RankIndex  # noqa: E402
from yiqiao.demands.engine.understand import understand  # noqa: E402
from yiqiao.vocab import ATTRIBUTES, VOCABULARIES  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
NEEDS = ROOT / "yiqiao/demands/evaluation/real/train.jsonl"
WORDS = [
    "生物",
    "医药",
    "医疗",
    "器械",
    "诊断",
    "试剂",
    "细胞",
    "基因",
    "抗体",
    "蛋白",
    "疫苗",
    "中药",
    "原料药",
    "制剂",
    "研发",
    "中试",
    "生产",
    "洁净",
    "车间",
    "厂房",
    "实验室",
    "仓储",
    "冷链",
    "检测",
    "注册",
    "临床",
    "平台",
    "服务",
    "孵化",
    "加速",
    "园区",
    "标准",
    "独栋",
    "层高",
    "承重",
    "货梯",
    "双回路",
    "纯化水",
    "蒸汽",
    "污水",
    "危化品",
    "备案",
    "委托",
    "定制",
    "分析",
    "方法",
    "验证",
    "稳定性",
    "质量",
    "体系",
    "灭菌",
    "包装",
    "物流",
    "配送",
    "人才",
    "公寓",
    "融资",
    "天使",
    "投资",
    "基金",
    "股权",
    "债权",
    "贷款",
    "担保",
    "租赁",
    "知识产权",
    "质押",
    "政策",
    "补贴",
    "奖励",
    "申报",
    "认定",
    "高新",
    "专精特新",
    "医院",
    "科室",
    "伦理",
    "受试者",
    "招募",
    "数据",
    "统计",
    "影像",
    "设备",
    "共享",
    "仪器",
]
CLASS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


def _text(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(8, 24))
    serial = "".join(rng.choices(CLASS, k=3)) + str(rng.randint(0, 10**9))
    return "".join(words) + "，" + serial


def _value(name: str, rng: random.Random) -> object:
    a = ATTRIBUTES[name]
    if rng.random() < 0.2:
        return None
    if a.datatype == "bool":
        return rng.random() < 0.5
    if a.datatype in ("enum", "list"):
        values = list(VOCABULARIES[a.vocabulary or ""].values)
        if a.datatype == "enum":
            return rng.choice(values)
        return rng.sample(values, min(len(values), rng.randint(1, 4)))
    low = a.minimum or 0.0
    high = a.maximum if a.maximum is not None else {"m2": 20000, "yuan": 5e8}.get(a.unit or "", 200)
    if a.datatype == "int":
        return rng.randint(int(low), int(high))
    return round(rng.uniform(low, high), 2)


def synthetic(n: int, seed: int = 13) -> list[Candidate]:
    """``n`` candidates of the five types, every attribute drawn (see the module docstring)."""
    rng = random.Random(seed)
    by_type: dict[str, list[str]] = {}
    for name in ATTRIBUTES:
        by_type.setdefault(name.split(".", 1)[0], []).append(name)
    weights = {"space": 4, "service": 3, "organisation": 2, "investor": 1, "policy": 1}
    types = rng.choices(list(weights), weights=list(weights.values()), k=n)
    out = []
    for i, tp in enumerate(types):
        attrs = {name: _value(name, rng) for name in by_type[tp]}
        if tp == "space":
            attrs["space.status"] = rng.choice(["available", "available", "leased", "reserved"])
        title = f"{rng.choice(WORDS)}{rng.choice(WORDS)}{i}"
        out.append(Candidate(tp, f"{tp}:{i}", title, _text(rng), attrs))
    return out


def percentile(values: list[float], q: int) -> float:
    if len(values) < 2:
        return round(values[0] * 1000, 2) if values else 0.0
    return round(statistics.quantiles(values, n=100)[q - 1] * 1000, 2)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--check", type=int, default=0, help="compare K needs with brute force")
    parser.add_argument("--demo", action="store_true", help="time the demo district's need page")
    parser.add_argument("--skip-synthetic", action="store_true")
    parser.add_argument("--cpus", type=int, default=1, help="pin to this many CPUs")
    args = parser.parse_args(argv)
    if args.cpus and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, sorted(os.sched_getaffinity(0))[: args.cpus])
    texts = [json.loads(line)["text"] for line in NEEDS.read_text("utf-8").splitlines() if line]
    result: dict[str, object] = {"timed": "CPU time (process_time), one core"}
    if not args.skip_synthetic:
        started = time.process_time()
        candidates = synthetic(args.n, args.seed)
        generated = time.process_time() - started
        print(f"generated {args.n} candidates in {generated:.1f} s CPU (not timed)", flush=True)
        started = time.process_time()
        index = RankIndex(candidates)
        build = time.process_time() - started
        print(f"index build {build:.1f} s CPU", flush=True)
        times = []
        answered = 0
        for text in texts:
            t0 = time.process_time()
            ranked = index.rank(understand(text), top=10)
            times.append(time.process_time() - t0)
            answered += bool(ranked)
        mismatches = 0
        if args.check:
            relevance = Relevance(candidates)
            for text in texts[: args.check]:
                parsed = understand(text)
                fast = [(r.candidate.key, r.relevance) for r in index.rank(parsed, top=10)]
                slow = rank(parsed, candidates, top=10, relevance=relevance)
                mismatches += fast != [(r.candidate.key, r.relevance) for r in slow]
        result.update(
            {
                "candidates": args.n,
                "queries": len(texts),
                "queries_with_results": answered,
                "index_build_cpu_s": round(build, 2),
                "query_p50_ms": percentile(times, 50),
                "query_p95_ms": percentile(times, 95),
                "query_max_ms": round(max(times) * 1000, 2),
                "brute_force_checked": args.check,
                "brute_force_mismatches": mismatches,
            }
        )
        print(
            f"synthetic: {args.n} candidates, build {build:.1f} s CPU, parse+rank "
            f"p50 {result['query_p50_ms']} ms, p95 {result['query_p95_ms']} ms CPU",
            flush=True,
        )
        del index, candidates
    if args.demo:
        result.update(demo())
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(result))
    return 1 if result.get("brute_force_mismatches") else 0


def demo() -> dict[str, object]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yiqiao.settings")
    import django

    django.setup()
    from yiqiao.demands.models import Demand
    from yiqiao.demands.suggestions import suggest

    demands = list(Demand.objects.select_related("organisation", "organisation__region")[:200])
    if not demands:
        raise SystemExit("the database holds no needs: load the demo first (yiqiao demo)")
    suggest(demands[0])  # the process builds the district's catalogue once
    times = []
    for demand in demands:
        t0 = time.process_time()
        suggest(demand)
        times.append(time.process_time() - t0)
    print(
        f"demo: whole suggestion for {len(demands)} needs, p95 {percentile(times, 95)} ms CPU",
        flush=True,
    )
    return {
        "demo_needs": len(demands),
        "demo_suggestion_p50_ms": percentile(times, 50),
        "demo_suggestion_p95_ms": percentile(times, 95),
    }


if __name__ == "__main__":
    raise SystemExit(main())
