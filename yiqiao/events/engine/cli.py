"""Command line: ``schedule INSTANCE.json --time-limit S --out SCHEDULE.json``.

Reads the instance format of the shared ``make_instance.py``, writes ``{"meetings": [...]}`` as
``score_schedule.py`` reads it, prints the instant schedule's figures on one line and, as the last
line, ``{"objective", "meetings", "breaks", "seconds"}`` of the final schedule.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence

from .model import ScheduleInputError, instance_from_json, schedule_to_json
from .scheduler import INSTANT_BUDGET_S, schedule_improve, schedule_instant


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="yiqiao events", description="一对一洽谈排程 / meeting scheduler"
    )
    sub = ap.add_subparsers(dest="command", required=True)
    sp = sub.add_parser("schedule", help="schedule one instance")
    sp.add_argument("instance", help="instance JSON (make_instance.py format)")
    sp.add_argument("--time-limit", type=float, default=60.0, help="total seconds (default 60)")
    sp.add_argument("--out", required=True, help="where to write the schedule JSON")
    sp.add_argument("--seed", type=int, default=0)
    sp.add_argument(
        "--clock",
        choices=["wall", "cpu"],
        default="wall",
        help="measure the limit in wall time (default) or in this process's CPU time",
    )
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code (0 ok, 2 bad input)."""
    args = _parser().parse_args(list(argv) if argv is not None else None)
    clock = time.process_time if args.clock == "cpu" else time.perf_counter
    started = clock()
    try:
        with open(args.instance, encoding="utf-8") as fh:
            instance = instance_from_json(json.load(fh))
        budget = min(INSTANT_BUDGET_S, max(args.time_limit * 0.25, 0.0))
        instant = schedule_instant(instance, budget_s=budget, seed=args.seed, clock=clock)
        print(
            json.dumps(
                {
                    "stage": "instant",
                    "objective": instant.objective,
                    "meetings": instant.breakdown.meetings,
                    "breaks": instant.breakdown.breaks,
                    "seconds": round(clock() - started, 3),
                }
            )
        )
        remaining = args.time_limit - (clock() - started)
        final = instant
        if remaining > 0.05:
            final = schedule_improve(instance, instant, remaining, seed=args.seed, clock=clock)
    except ScheduleInputError as exc:
        for problem in exc.problems:
            print(str(problem), file=sys.stderr)
        return 2
    except (OSError, json.JSONDecodeError) as exc:
        print(f"无法读取实例文件 / cannot read the instance: {exc}", file=sys.stderr)
        return 2
    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump(schedule_to_json(final), fh)
    print(
        json.dumps(
            {
                "objective": final.objective,
                "meetings": final.breakdown.meetings,
                "breaks": final.breakdown.breaks,
                "seconds": round(clock() - started, 3),
            }
        )
    )
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
