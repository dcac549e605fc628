"""Benchmark: the candidates list of each ladder rung over a synthetic register.

    yiqiao bench cultivation --enterprises 1000000 --seed 1

Generates a seeded synthetic register covering every field of the policy dictionary (the rung
criteria read the ladder facts: niche dates, scores, shares, two-year totals; with missing
values), then for each rung with criteria ranks every enterprise below it by closeness with the
policy engine's batch path (:func:`yiqiao.cultivation.engine.rank_candidates`) and explains the
first 50 criterion by criterion, as the candidates page does. ``cpu_seconds`` is the slowest
rung's list (ranking + the 50 explanations), measured with process CPU time; data generation is
reported separately. The last line is one JSON object.
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

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from yiqiao.cultivation.engine import explain_rows, rank_candidates  # noqa: E402
from yiqiao.cultivation.engine.ladder import RUNGS  # noqa: E402
from yiqiao.policies.engine import load_fields, parse_policy, synthetic_snapshot  # noqa: E402

CRITERIA = ROOT / "yiqiao" / "cultivation" / "criteria"
FIELDS = ROOT / "yiqiao" / "policies" / "library" / "fields.yaml"
SCREENED = ("tech_sme", "high_tech", "specialised", "little_giant", "pre_ipo")
#: The qualification code that puts a row at or above each rung (rows holding it are skipped).
AT_OR_ABOVE = {
    "tech_sme": ("high_tech", "specialised", "little_giant", "pre_ipo", "listed"),
    "high_tech": ("high_tech", "specialised", "little_giant", "pre_ipo", "listed"),
    "specialised": ("specialised", "little_giant", "pre_ipo", "listed"),
    "little_giant": ("little_giant", "pre_ipo", "listed"),
    "pre_ipo": ("pre_ipo", "listed"),
}


def _below(snapshot: object, rung: str) -> np.ndarray:
    """Rows not holding ``rung`` or a higher one (from the qualifications bitmask column)."""
    column = snapshot.columns["qualifications"]  # type: ignore[attr-defined]
    vocab = snapshot.vocab["qualifications"]  # type: ignore[attr-defined]
    mask = np.uint64(0)
    for code in AT_OR_ABOVE[rung]:
        if code in vocab:
            mask |= np.uint64(1 << vocab.index(code))
    held: np.ndarray = (column & mask) != 0
    return ~held


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--shown", type=int, default=50, help="rows explained per list")
    parser.add_argument("--on", type=date.fromisoformat, default=date(2026, 6, 30))
    args = parser.parse_args(argv)
    assert set(SCREENED) < set(RUNGS)
    fields = load_fields(FIELDS)
    policies = {rung: parse_policy(CRITERIA / f"{rung}.yaml", fields) for rung in SCREENED}
    start = time.process_time()
    snapshot = synthetic_snapshot(fields, args.enterprises, args.seed, args.on)
    generate_cpu = time.process_time() - start
    per_rung = {}
    for rung, policy in policies.items():
        wall, cpu = time.perf_counter(), time.process_time()
        considered = _below(snapshot, rung)
        ranking = rank_candidates(
            policy, snapshot, args.on, considered=considered, limit=args.shown
        )
        explained = explain_rows(policy, snapshot, ranking.rows.tolist(), args.on)
        per_rung[rung] = {
            "cpu_seconds": round(time.process_time() - cpu, 3),
            "wall_seconds": round(time.perf_counter() - wall, 3),
            "considered": ranking.considered,
            "meeting_all": ranking.by_unmet[0],
            "one_away": ranking.by_unmet[1] if len(ranking.by_unmet) > 1 else 0,
            "explained": len(explained),
        }
    print(json.dumps(per_rung, ensure_ascii=False))
    slowest = max(v["cpu_seconds"] for v in per_rung.values())
    summary = {
        "enterprises": args.enterprises,
        "rungs": len(per_rung),
        "cpu_seconds": slowest,
        "cpu_seconds_all_rungs": round(sum(v["cpu_seconds"] for v in per_rung.values()), 3),
        "generate_cpu_seconds": round(generate_cpu, 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
