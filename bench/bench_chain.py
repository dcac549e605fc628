"""CPU time of the chain pages and of a whole-chain gap and target recomputation.

    python bench/bench_chain.py --organisations 100000 [--requests 100] [--data-dir DIR]

Builds (or reuses, with --data-dir) the demo register with N generated enterprises on SQLite
(the same generator as bench_web), spreads each enterprise over one to two random leaves of
the chain tree (so every node has members, as a classified register would), adds 2,000
outside companies kept by the district bureau as target candidates, then times:

- one recomputation of every node's gap (against a reference profile that makes every node a
  gap) and the targets of every red or amber node for the demo district (``gap_run_execute``, the background task's body): CPU seconds;
- the chain map and node pages (a mix of position, group and leaf nodes) requested in-process
  through Django's test client as a signed-in district officer: p50/p95 CPU ms.

The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def _district(region_model: Any) -> Any:
    """The demo district (the one the generated enterprises are registered in)."""
    from yiqiao.registry.demo.places import DEMO_DISTRICT_CODE

    return region_model.objects.get(code=DEMO_DISTRICT_CODE)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--organisations", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--data-dir", default="")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    data_dir = args.data_dir or tempfile.mkdtemp(prefix="yiqiao-bench-chain-")
    os.environ["YIQIAO_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yiqiao.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from yiqiao.accounts.models import OrgUnit, Role, User
    from yiqiao.chain.models import GapRun
    from yiqiao.chain.services.gaps import gap_run_execute
    from yiqiao.core.db import database_analyze
    from yiqiao.registry.demo import generate_demo
    from yiqiao.registry.models import ChainBits, ChainNode, Organisation, Region

    call_command("migrate", interactive=False, verbosity=0)
    rng = random.Random(args.seed)
    district = None
    if not Organisation.objects.exists():
        generate_demo(scale=args.organisations, seed=args.seed)
        leaves = [
            pk
            for pk, has_children in (
                (n.pk, ChainNode.objects.filter(parent=n).exists()) for n in ChainNode.objects.all()
            )
            if not has_children
        ]
        through = Organisation.chain_nodes.through
        through.objects.all().delete()
        bits = ChainBits()
        ids = list(Organisation.objects.values_list("pk", flat=True))
        links = []
        masks: dict[int, list[int]] = {}
        for org_id in ids:
            chosen = rng.sample(leaves, k=rng.choice((1, 1, 2)))
            links += [through(organisation_id=org_id, chainnode_id=n) for n in chosen]
            masks.setdefault(bits.mask(chosen), []).append(org_id)
        through.objects.bulk_create(links, batch_size=5000)
        for mask, members in masks.items():
            for start in range(0, len(members), 900):
                Organisation.objects.filter(pk__in=members[start : start + 900]).update(
                    chain_mask=mask
                )
        district = _district(Region)
        other = Region.objects.exclude(path__startswith=district.path).filter(
            kind__in=[Region.Kind.CITY, Region.Kind.DISTRICT]
        ).first() or Region.objects.create(code="bench-out", name="区外", kind=Region.Kind.CITY)
        bureau = OrgUnit.objects.filter(region=district).order_by("pk").first()
        outside = [
            Organisation(
                name=f"区外候选企业{i:05d}有限公司",
                kind="enterprise",
                region=other,
                owner_unit=bureau,
                headcount=rng.randint(10, 800),
            )
            for i in range(2000)
        ]
        for org in outside:
            org.refresh_derived()
        Organisation.objects.bulk_create(outside, batch_size=1000)
        created = Organisation.objects.filter(name__startswith="区外候选企业")
        through.objects.bulk_create(
            [through(organisation_id=o, chainnode_id=rng.choice(leaves)) for o in created.values_list("pk", flat=True)],
            batch_size=5000,
        )  # fmt: skip
        database_analyze(full=True)
    district = district or _district(Region)
    officer = (
        User.objects.filter(role=Role.OFFICER, org_unit__region=district).order_by("pk").first()
    )
    assert district is not None and officer is not None, "the demo has no district officer"
    total = Organisation.objects.count()

    # A demanding reference profile, so that every node is a gap and gets ranked targets
    # (the heaviest recomputation: 197 gap nodes × 2,000 outside candidates).
    from yiqiao.chain.models import NodeTarget

    NodeTarget.objects.filter(region=district).delete()
    NodeTarget.objects.bulk_create(
        [
            NodeTarget(
                region=district, node=n, enterprises=50_000, revenue_yuan=10**12, qualified=20_000
            )
            for n in ChainNode.objects.all()
        ]
    )
    run = GapRun.objects.create(region=district, by=officer, as_of="2026-12-01")
    cpu0 = time.process_time()
    run = gap_run_execute(run_id=run.pk)
    recompute_cpu = time.process_time() - cpu0

    client = Client()
    client.force_login(officer)
    codes = list(ChainNode.objects.values_list("code", flat=True))
    urls = ["/chain/"] + [f"/chain/nodes/{c}/" for c in rng.sample(codes, k=min(40, len(codes)))]
    for url in urls[:5]:
        client.get(url)  # warm templates and translations once
    map_cpu: list[float] = []
    node_cpu: list[float] = []
    for i in range(args.requests):
        url = urls[i % len(urls)] if i % 4 else "/chain/"
        cpu0 = time.process_time()
        response = client.get(url)
        spent = (time.process_time() - cpu0) * 1000
        assert response.status_code == 200, (url, response.status_code)
        (map_cpu if url == "/chain/" else node_cpu).append(spent)
    result: dict[str, Any] = {
        "organisations": total,
        "recompute_cpu_s": round(recompute_cpu, 2),
        "recompute_counts": run.counts,
        "map_cpu_p50_ms": round(percentile(map_cpu, 0.5), 1),
        "map_cpu_p95_ms": round(percentile(map_cpu, 0.95), 1),
        "node_cpu_p50_ms": round(percentile(node_cpu, 0.5), 1),
        "node_cpu_p95_ms": round(percentile(node_cpu, 0.95), 1),
        "requests": args.requests,
        "data_dir": data_dir,
    }
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
