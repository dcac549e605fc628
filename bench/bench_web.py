"""Server time of the register's list and detail pages on a large SQLite register.

    python bench/bench_web.py --organisations 100000 [--requests 200] [--data-dir DIR]

Builds (or reuses, with --data-dir) a demo district with N generated enterprises on SQLite,
then requests the organisation list (several filters, sorts and deep pages, at 25 and 100 rows
per page) and detail pages in-process through Django's test client, as a signed-in district
officer. Reports median and p95 wall time per request, CPU time, and query counts. The last
line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--organisations", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--data-dir", default="")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    data_dir = args.data_dir or tempfile.mkdtemp(prefix="yiqiao-bench-web-")
    os.environ["YIQIAO_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yiqiao.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from yiqiao.accounts.models import Role, User
    from yiqiao.registry.demo import generate_demo
    from yiqiao.registry.models import Organisation

    call_command("migrate", interactive=False, verbosity=0)
    build_seconds = 0.0
    if not Organisation.objects.exists():
        started = time.perf_counter()
        generate_demo(scale=args.organisations, seed=args.seed)
        build_seconds = time.perf_counter() - started
    from yiqiao.core.db import database_analyze

    database_analyze(full=True)
    total = Organisation.objects.count()
    officer = User.objects.filter(role=Role.OFFICER, org_unit__kind="bureau").order_by("pk").first()
    assert officer is not None, "the demo has no bureau officer"
    client = Client()
    client.force_login(officer)

    rng = random.Random(args.seed)
    ids = list(Organisation.objects.values_list("pk", flat=True)[:: max(1, total // 5000)])
    sample_name = (
        Organisation.objects.filter(kind="enterprise")
        .order_by("pk")
        .values_list("name", flat=True)[total // 2]
    )
    list_urls = [
        "/registry/organisations/",
        "/registry/organisations/?kind=enterprise",
        "/registry/organisations/?qualification=high_tech",
        "/registry/organisations/?chain=device_manufacturer",
        "/registry/organisations/?sort=-revenue",
        "/registry/organisations/?sort=-founded_on&kind=enterprise",
        f"/registry/organisations/?q={sample_name[:4]}",
        "/registry/organisations/?page=200",
        "/registry/organisations/?kind=enterprise&stage=growth&page=20",
    ]

    def timed(url: str) -> tuple[float, float, int]:
        connection.queries_log.clear()  # the log is a bounded deque; a full one counts nothing
        with CaptureQueriesContext(connection) as queries:
            wall0, cpu0 = time.perf_counter(), time.process_time()
            response = client.get(url)
            wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
        assert response.status_code == 200, (url, response.status_code)
        return wall * 1000, cpu * 1000, len(queries)

    for url in list_urls:  # warm caches once
        timed(url)
    list_wall, list_cpu, detail_wall, detail_cpu = [], [], [], []
    per_url: dict[str, list[float]] = {}
    for i in range(args.requests):
        url = list_urls[i % len(list_urls)]
        wall, cpu, _ = timed(url)
        list_wall.append(wall)
        list_cpu.append(cpu)
        per_url.setdefault(url, []).append(wall)
        wall, cpu, _ = timed(f"/registry/organisations/{rng.choice(ids)}/")
        detail_wall.append(wall)
        detail_cpu.append(cpu)

    # Outside the mix (so the mix stays comparable with earlier runs): filters on chain leaves,
    # which carry no mask bit and are answered from the link table.
    leaf_urls = [
        f"/registry/organisations/?chain={code}"
        for code in (
            "device_manufacturer.ivd_immuno",
            "drug_manufacturer.mab",
            "digital_health_it.ai",
            "retail.pharmacy_chain",
        )
    ]
    leaf_cpu = [timed(leaf_urls[i % len(leaf_urls)])[1] for i in range(40)]
    queries_by_size = {
        size: timed(f"/registry/organisations/?per_page={size}")[2] for size in (10, 25, 100, 200)
    }
    detail_queries = sorted({timed(f"/registry/organisations/{pk}/")[2] for pk in ids[:20]})
    for url, walls in per_url.items():
        print(
            f"{statistics.median(walls):8.1f} ms median  {percentile(walls, 0.95):8.1f} ms p95  {url}"
        )
    result: dict[str, Any] = {
        "organisations": total,
        "build_seconds": round(build_seconds, 1),
        "list_p50_ms": round(statistics.median(list_wall), 1),
        "list_p95_ms": round(percentile(list_wall, 0.95), 1),
        "list_cpu_p95_ms": round(percentile(list_cpu, 0.95), 1),
        "detail_p50_ms": round(statistics.median(detail_wall), 1),
        "detail_p95_ms": round(percentile(detail_wall, 0.95), 1),
        "detail_cpu_p95_ms": round(percentile(detail_cpu, 0.95), 1),
        "list_queries_by_page_size": queries_by_size,
        "detail_queries": detail_queries,
        "chain_leaf_cpu_p95_ms": round(percentile(leaf_cpu, 0.95), 1),
        "requests": args.requests,
        "data_dir": data_dir,
    }
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
