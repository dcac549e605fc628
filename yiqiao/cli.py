"""The `yiqiao` console command.

Pure-engine commands run without Django (fast start, usable on plain files):
  yiqiao policies validate PATH...        check policy files and run their tests
  yiqiao policies evaluate LIBRARY_DIR CASES.jsonl   compute every policy for every case
  yiqiao intel extract PATH... --jsonl    extract facts from news articles
  yiqiao intel train [--splits train]     retrain the news organisation labeller from the corpus
  yiqiao events schedule INSTANCE.json --time-limit S --out SCHEDULE.json
  yiqiao chain classify ORGS.jsonl        chain position, nodes, sectors and evidence per line
  yiqiao chain train [--data FILES]       refit the chain classifier (one command)
  yiqiao chain evaluate SET.jsonl         aggregate scores of the classifier on a labelled set
  yiqiao bench NAME [ARGS...]             run bench/bench_NAME.py (from a source checkout)
  yiqiao demands match NEEDS.jsonl [--top 10] [--organisation ID] [--as-of DATE]
Everything else is a Django management command, e.g.:
  yiqiao demo [--port 8000] [--no-serve] [--scale N]
  yiqiao serve [--port 8000]
  yiqiao migrate | createsuperuser | db_worker | check --deploy
"""

from __future__ import annotations

import importlib
import os
import runpy
import sys
from pathlib import Path

ENGINE_COMMANDS = {
    ("policies", "validate"): "yiqiao.policies.engine.cli",
    ("policies", "evaluate"): "yiqiao.policies.engine.cases",
    ("intel", "extract"): "yiqiao.intel.engine.cli",
    ("intel", "train"): "yiqiao.intel.engine.cli",
    ("events", "schedule"): "yiqiao.events.engine.cli",
    ("chain", "classify"): "yiqiao.chain.engine.cli",
    ("chain", "train"): "yiqiao.chain.engine.cli",
    ("chain", "evaluate"): "yiqiao.chain.engine.cli",
}
#: Two-word commands that are Django management commands named "<app>_<verb>".
DJANGO_SUBCOMMANDS = {("demands", "match"), ("demands", "remind"), ("chain", "backtest")}


def _run_bench(args: list[str]) -> int:
    if not args or args[0] in {"-h", "--help"}:
        print(
            "usage: yiqiao bench NAME [ARGS...]  (NAME: policies, matching, extraction, schedule, web, cultivation)"
        )
        return 0 if args else 2
    name, rest = args[0], args[1:]
    bench_dir = Path(__file__).resolve().parent.parent / "bench"
    script = bench_dir / f"bench_{name}.py"
    if not script.exists():
        print(f"yiqiao bench: no benchmark named {name!r} in {bench_dir}", file=sys.stderr)
        return 2
    sys.argv = [str(script), *rest]
    sys.path.insert(0, str(bench_dir.parent))
    namespace = runpy.run_path(str(script), run_name="yiqiao_bench")
    return int(namespace["main"](rest) or 0)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "bench":
        return _run_bench(args[1:])
    if len(args) >= 2 and (args[0], args[1]) in ENGINE_COMMANDS:
        module = importlib.import_module(ENGINE_COMMANDS[(args[0], args[1])])
        if args[0] in {"events", "chain"}:
            return int(module.main(args[1:]) or 0)
        if args[:2] == ["intel", "train"]:
            return int(module.main(args[1:]) or 0)
        return int(module.main(args[2:]) or 0)
    if len(args) >= 2 and (args[0], args[1]) in DJANGO_SUBCOMMANDS:
        args = [f"{args[0]}_{args[1]}", *args[2:]]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yiqiao.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["yiqiao", *args])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
