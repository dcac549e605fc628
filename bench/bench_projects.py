"""Time the project pages at scale: board, a project page and the funnel figures.

    python bench/bench_projects.py                       # 50,000 projects, 1,000,000 activities
    python bench/bench_projects.py --projects 5000 --activities 100000 --requests 20

Builds a fresh SQLite database in a temporary data directory (bulk_create, not the services, so
that building takes minutes rather than hours), logs in a district officer and requests each page
N times with django.test.Client in-process. Reports server time p50/p95 (wall and CPU) and the
number of SQL queries per request, and checks that the query count equals the one measured on a
tiny database (it must not grow with the data). The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

STAGES = ["lead", "contacted", "site_visit", "negotiating", "signed", "registered",
          "construction", "production"]  # fmt: skip
# Share of projects that end at each stage (most leads never get far), plus lost.
WEIGHTS = [30, 18, 12, 10, 8, 6, 4, 4]
LOST_SHARE = 0.08


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def build(n_projects: int, n_activities: int, seed: int, log: Any) -> dict[str, Any]:
    """Write the synthetic district and return the ids the measurement needs."""
    from django.db import transaction
    from django.db.models import Count

    from yiqiao.accounts.models import OrgUnit, User
    from yiqiao.projects.models import (
        Activity,
        Milestone,
        Project,
        Signing,
        StageChange,
    )
    from yiqiao.registry.models import ChainNode, Organisation, Region

    rng = random.Random(seed)
    today = dt.datetime.now(tz=dt.UTC).date()
    with transaction.atomic():
        province = Region.objects.create(code="b", name="基准省", kind="province")
        city = Region.objects.create(code="b.c", name="基准市", kind="city", parent=province)
        district = Region.objects.create(code="b.c.d", name="基准区", kind="district", parent=city)
        parks = [
            Region.objects.create(code=f"b.c.d.p{i}", name=f"园区{i}", kind="park", parent=district)
            for i in range(6)
        ]
        unit = OrgUnit.objects.create(name="基准区投促局", kind="bureau", region=district)
        officer = User(username="bench", org_unit=unit, role="officer")
        officer.set_password("bench-pass-123")
        officer.save()
        nodes = [
            ChainNode.objects.create(code=f"n{i}", name=f"节点{i}", position=i) for i in range(12)
        ]
        Organisation.objects.bulk_create(
            [
                Organisation(
                    name=f"基准投资方{i}",
                    name_normalised=f"基准投资方{i}",
                    kind="investor" if i % 3 else "enterprise",
                    region=district,
                )
                for i in range(3000)
            ],
            batch_size=1000,
        )
        org_ids = list(Organisation.objects.values_list("id", flat=True))

    projects: list[Any] = []
    for i in range(n_projects):
        lost = rng.random() < LOST_SHARE
        reached = rng.choices(range(len(STAGES)), WEIGHTS)[0]
        start = today - dt.timedelta(days=rng.randint(30, 1500))
        signed = reached >= 4
        amount = Decimal(rng.randint(1, 200) * 5_000_000)
        projects.append(
            Project(
                title=f"基准项目{i}",
                stage="lost" if lost else STAGES[reached],
                lost_from_stage=STAGES[reached] if lost else "",
                lost_reason="投资方调整计划" if lost else "",
                stage_entered_on=start + dt.timedelta(days=reached * 20),
                target_region=parks[i % len(parks)],
                currency="USD" if i % 17 == 0 else "CNY",
                planned_amount=amount,
                planned_jobs=rng.randint(10, 500),
                owner=officer if i % 50 == 0 else None,
                owner_unit=unit,
                next_follow_up_on=today + dt.timedelta(days=rng.randint(-30, 60)),
                signed_amount=amount if signed else Decimal(0),
                signed_on=start + dt.timedelta(days=80) if signed else None,
                capital_arrived=amount * Decimal(rng.randint(0, 100)) / 100 if signed else 0,
                realised_capex=amount * Decimal(rng.randint(0, 80)) / 100 if signed else 0,
                realised_jobs=rng.randint(0, 300) if signed else 0,
            )
        )
    with transaction.atomic():
        Project.objects.bulk_create(projects, batch_size=2000)
    log(f"projects {n_projects}")
    ids = list(Project.objects.order_by("id").values_list("id", "stage", "lost_from_stage",
                                                         "stage_entered_on", "signed_on", "signed_amount",
                                                         "capital_arrived", "currency"))  # fmt: skip
    with transaction.atomic():
        changes, inv, chain, signings, milestones = [], [], [], [], []
        for pid, stage, lost_from, entered, signed_on, amount, arrived, currency in ids:
            reached = STAGES.index(lost_from if stage == "lost" else stage)
            first = entered - dt.timedelta(days=reached * 20)
            path = STAGES[: reached + 1] + (["lost"] if stage == "lost" else [])
            previous = ""
            for k, s in enumerate(path):
                day = first + dt.timedelta(days=20 * k)
                changes.append(
                    StageChange(
                        project_id=pid,
                        from_stage=previous,
                        to_stage=s,
                        changed_on=day,
                        days_in_from_stage=20 if previous else None,
                    )  # fmt: skip
                )
                previous = s
            inv.append(
                Project.investors.through(project_id=pid, organisation_id=rng.choice(org_ids))
            )
            chain.append(
                Project.chain_nodes.through(project_id=pid, chainnode_id=rng.choice(nodes).pk)
            )
            if signed_on:
                signings.append(Signing(project_id=pid, signed_on=signed_on, agreement_type="investment",
                                        amount=amount, currency=currency, signatories="甲乙"))  # fmt: skip
                milestones.append(Milestone(project_id=pid, kind="capital_arrived",
                                            achieved_on=signed_on, capital_arrived=arrived))  # fmt: skip
        batches: list[tuple[list[Any], Any]] = [
            (changes, StageChange),
            (inv, Project.investors.through),
            (chain, Project.chain_nodes.through),
            (signings, Signing),
            (milestones, Milestone),
        ]
        for rows, model in batches:
            model.objects.bulk_create(rows, batch_size=5000)
    log(f"stage changes {len(changes)}, signings {len(signings)}")
    project_ids = [row[0] for row in ids]
    kinds = ["visit", "call", "meeting", "site_visit", "event"]
    done = 0
    while done < n_activities:
        batch = min(50_000, n_activities - done)
        with transaction.atomic():
            Activity.objects.bulk_create(
                [
                    Activity(
                        project_id=rng.choice(project_ids),
                        kind=rng.choice(kinds),
                        happened_on=today - dt.timedelta(days=rng.randint(0, 1500)),
                        summary="基准跟进记录：电话沟通投资进度",
                    )  # fmt: skip
                    for _ in range(batch)
                ],
                batch_size=5000,
            )
        done += batch
        if done % 200_000 == 0 or done == n_activities:
            log(f"activities {done}")
    busiest = (
        Activity.objects.values("project_id")
        .order_by()
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    ) or {"project_id": project_ids[0], "n": 0}
    return {
        "officer": officer.pk,
        "project": busiest["project_id"],
        "project_activities": busiest["n"],
    }


def measure(client: Any, url: str, n: int) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm-up: templates compiled, session loaded once
    walls, cpus, queries = [], [], []
    for _ in range(n):
        with CaptureQueriesContext(connection) as captured:
            w0, c0 = time.perf_counter(), time.process_time()
            response = client.get(url)
            walls.append((time.perf_counter() - w0) * 1000)
            cpus.append((time.process_time() - c0) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries.append(len(captured))
    return {
        "url": url,
        "requests": n,
        "p50_ms": round(statistics.median(walls), 1),
        "p95_ms": round(_quantile(walls, 0.95), 1),
        "cpu_p50_ms": round(statistics.median(cpus), 1),
        "cpu_p95_ms": round(_quantile(cpus, 0.95), 1),
        "queries": max(queries),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=50_000)
    parser.add_argument("--activities", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--keep", help="data directory to create and keep (must not exist)")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)

    data_dir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="yiqiao-bench-proj-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["YIQIAO_DATA_DIR"] = str(data_dir)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yiqiao.settings")

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)

    started = time.perf_counter()

    def log(text: str) -> None:
        if not args.quiet:
            print(f"[{time.perf_counter() - started:6.1f}s] {text}", file=sys.stderr, flush=True)

    ids = build(args.projects, args.activities, args.seed, log)
    build_seconds = round(time.perf_counter() - started, 1)
    from yiqiao.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(pk=ids["officer"]))
    pages = {
        "board": "/projects/",
        "project_page": f"/projects/{ids['project']}/",
        "figures": "/projects/figures/",
        "list": "/projects/list/?stage=negotiating",
        "api_board": "/api/projects/board",
    }
    results = {name: measure(client, url, args.requests) for name, url in pages.items()}
    for name, r in results.items():
        log(f"{name}: p50 {r['p50_ms']} ms, p95 {r['p95_ms']} ms, {r['queries']} queries")
    summary = {
        "bench": "projects",
        "projects": args.projects,
        "activities": args.activities,
        "project_page_activities": ids["project_activities"],
        "build_seconds": build_seconds,
        "target_p95_ms": 200,
        "within_target": all(
            r["p95_ms"] <= 200
            for k, r in results.items()
            if k in {"board", "project_page", "figures"}
        ),  # fmt: skip
        "pages": results,
    }
    if not args.keep:
        shutil.rmtree(data_dir, ignore_errors=True)
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
