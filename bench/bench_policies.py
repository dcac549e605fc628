"""Benchmark: batch policy screening over a synthetic register, and single-enterprise explain.

    yiqiao bench policies --enterprises 1000000 --policies 1000 --seed 1
    yiqiao bench policies --enterprises 1000000 --policies 1000 --end-to-end

Generates a seeded synthetic register (every field of the dictionary, with missing values and
list-valued facts: certificates, drug approvals, trials, products, awards received) and
``--policies`` variants of the demo and starter libraries' policies (same families; thresholds
and amounts scaled), screens them, and prints one JSON object as the last line.
``cpu_seconds`` and ``wall_seconds`` cover the screening only; data generation is reported
separately. ``--end-to-end`` (see bench/bench_policies_e2e.py) also writes the register to a
SQLite database, builds the snapshot from it and writes the results back, timing each step.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from yiqiao.policies.engine import (  # noqa: E402
    Policy,  # noqa: E402
    explain,
    load_library,
    screen,
    synthetic_policies,
    synthetic_snapshot,
)
from yiqiao.policies.engine.synthetic import named_codes, profiles_from_snapshot  # noqa: E402

LIBRARY = ROOT / "yiqiao" / "policies" / "library"


def _explain_timing(
    policies: list[Policy], profile: dict[str, object], on: date, repeat: int
) -> dict[str, float]:
    """Milliseconds to explain ``policies`` for one enterprise (compiled once, then reused)."""
    for policy in policies:
        explain(policy, profile, on)
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(repeat):
        results = [explain(policy, profile, on) for policy in policies]
    plain_wall = (time.perf_counter() - wall) / repeat
    plain_cpu = (time.process_time() - cpu) / repeat
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(repeat):
        results = [explain(policy, profile, on) for policy in policies]
        for result in results:
            _ = [c.text for c in result.conditions], result.summary, result.benefit_trace
    text_cpu = (time.process_time() - cpu) / repeat
    return {
        "explain_80_cpu_ms": round(plain_cpu * 1000, 3),
        "explain_80_wall_ms": round(plain_wall * 1000, 3),
        "explain_80_with_all_texts_cpu_ms": round(text_cpu * 1000, 3),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; returns 0."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--policies", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fact-missing", type=float, default=0.05, help="share of missing facts")
    parser.add_argument("--on", type=date.fromisoformat, default=date(2025, 6, 30))
    parser.add_argument("--no-near-misses", action="store_true", help="skip near misses")
    parser.add_argument(
        "--jitter", action="store_true", help="non-round thresholds: no shared atoms or trees"
    )
    parser.add_argument(
        "--end-to-end", action="store_true", help="also time the database snapshot and write-back"
    )
    parser.add_argument(
        "--fact-share",
        type=float,
        default=0.1,
        help="--end-to-end: share of enterprises holding each fact field",
    )
    parser.add_argument("--database", help="--end-to-end: keep the SQLite database at this path")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="--end-to-end with --database: time the run on the register already written there",
    )
    parser.add_argument("--profile", help="--end-to-end: write a cProfile of the timed steps here")
    args = parser.parse_args(argv)
    if args.end_to_end:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from bench_policies_e2e import run as run_end_to_end

        return run_end_to_end(args)

    fields, demo = load_library(LIBRARY)
    _, starter = load_library(LIBRARY / "starter")
    library = demo + starter
    wall0, cpu0 = time.perf_counter(), time.process_time()
    snapshot = synthetic_snapshot(
        fields, args.enterprises, args.seed, args.on, args.fact_missing,
        award_policies=[p.id for p in library], str_codes=named_codes(library),
    )  # fmt: skip
    policies = synthetic_policies(library, args.policies, args.seed, jitter=args.jitter)
    data_cpu, data_wall = time.process_time() - cpu0, time.perf_counter() - wall0

    wall0, cpu0 = time.perf_counter(), time.process_time()
    result = screen(policies, snapshot, args.on, near_misses=not args.no_near_misses)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    quick0 = time.process_time()
    quick_rows = int(result.quick_apply_long()[0].size)
    quick_cpu = time.process_time() - quick0

    profile = profiles_from_snapshot(snapshot, [0])[0]
    timing = _explain_timing(policies[:80], profile, args.on, repeat=50)
    details = {
        "data_cpu_seconds": round(data_cpu, 3),
        "data_wall_seconds": round(data_wall, 3),
        "distinct_atoms": result.distinct_atoms,
        "atom_uses": result.atom_requests,
        "distinct_condition_trees": result.distinct_trees,
        "list_items": {name: table.size for name, table in snapshot.lists.items()},
        "quick_apply_pairs": quick_rows,
        "quick_apply_long_form_cpu_seconds": round(quick_cpu, 3),
        "near_miss_pairs": sum(p.near_misses for p in result.policies),
        "near_miss_pairs_listed": int(result.near_enterprise.size),
        "superseded_pairs": int(result.superseded_enterprise.size),
        "auto_pairs": int(result.auto_awards().size),
        **timing,
        "load_average_1min": round(os.getloadavg()[0], 2),
        "cpu_count": os.cpu_count(),
    }
    print(json.dumps(details, ensure_ascii=False))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    summary = {
        "enterprises": args.enterprises,
        "policies": args.policies,
        "eligible_pairs": int(result.award_enterprise.size),
        "total_amount": round(result.total_amount, 2),
        "cpu_seconds": round(cpu, 3),
        "distinct_condition_trees": result.distinct_trees,
        "list_items": sum(table.size for table in snapshot.lists.values()),
        "wall_seconds": round(wall, 3),
        "peak_rss_mb": round(peak_mb, 1),
        "explain_80_cpu_ms": timing["explain_80_cpu_ms"],
    }
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
