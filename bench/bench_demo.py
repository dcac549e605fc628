"""Time the demo-district generator at a given scale on a fresh SQLite database.

    python bench/bench_demo.py --scale 100000
    python bench/bench_demo.py --scale 1000000 --keep /tmp/demo-1m

Creates a new data directory (a temporary one unless --keep is given), migrates it, runs
``generate_demo(scale=…)`` and reports wall and CPU seconds, peak resident memory of this
process, rows written and the database size. The last line is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=100_000, help="generated enterprises")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", help="data directory to create and keep (must not exist)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    args = parser.parse_args(argv)

    if args.keep:
        data_dir = Path(args.keep)
        if data_dir.exists():
            parser.error(f"{data_dir} exists; give a new directory")
        data_dir.mkdir(parents=True)
    else:
        data_dir = Path(tempfile.mkdtemp(prefix="yiqiao-bench-demo-"))
    os.environ["YIQIAO_DATA_DIR"] = str(data_dir)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yiqiao.settings")

    import django
    from django.core.management import call_command

    django.setup()
    from yiqiao.registry.demo import generate_demo

    call_command("migrate", verbosity=0)
    last = [0.0]

    def progress(stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        if not args.quiet and (now - last[0] > 10 or done == total):
            last[0] = now
            print(f"{stage} {done}/{total}", file=sys.stderr, flush=True)

    wall0, cpu0 = time.perf_counter(), time.process_time()
    summary = generate_demo(scale=args.scale, seed=args.seed, progress=progress)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    db = data_dir / "yiqiao.sqlite3"
    db_mb = sum(p.stat().st_size for p in data_dir.glob("yiqiao.sqlite3*")) / 2**20
    result = {
        "bench": "demo",
        "scale": args.scale,
        "seed": args.seed,
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "peak_rss_mb": round(peak_mb, 1),
        "organisations": summary.organisations,
        "chain_links": summary.chain_links,
        "contacts": summary.contacts,
        "spaces": summary.spaces,
        "services": summary.services,
        "enterprises_per_s": round(args.scale / wall, 1) if wall else None,
        "db_mb": round(db_mb, 1),
        "database": str(db) if args.keep else None,
    }
    if not args.keep:
        shutil.rmtree(data_dir, ignore_errors=True)
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
