"""Time the leader's cockpit at scale: the page, the KPI API, each chart and each figure's records.

    python bench/bench_cockpit.py                  # 50,000 projects, 1,000,000 activities, 200,000 needs
    python bench/bench_cockpit.py --scale 0.05     # the same district at 5 % (quick check)

Builds a fresh SQLite database in a temporary data directory with bulk_create (not the services,
so that building takes minutes rather than hours): a district with six parks, projects in every
stage (lost ones too) over four years with their stage changes, signings (some flagged as
repeats), milestones with and without evidence, activities, needs in every state with their
timestamps and follow-ups, events with registrations and signings. A leader of the district
bureau is signed in and each URL is requested N times in-process with django.test.Client.

The data is built in two steps: first a tiny district (1/50 of the full size), on which every
URL's query count is taken, then the rest; the query count at full size must equal the tiny one
(it must not grow with the data). Reported per URL: p50/p95 wall and CPU (time.process_time,
which includes SQLite's work: it runs in-process) and the query count at both sizes.

After the timing, a few writes go through the services (a project created and advanced, a
signing, a loss, a need submitted and answered), then ``yiqiao kpis rebuild --verify`` recomputes
every summary row from the raw tables and must find no difference. The last line is one JSON
object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
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
WEIGHTS = [30, 18, 12, 10, 8, 6, 4, 4]
LOST_SHARE = 0.08
DEMAND_STATES = ["submitted", "accepted", "assigned", "responded", "resolved", "converted",
                 "closed", "followed_up"]  # fmt: skip
DEMAND_WEIGHTS = [6, 4, 6, 14, 30, 8, 12, 20]
CATEGORIES = ["space", "financing", "talent", "registration", "approval", "policy", "other"]
CITIES = ["上海", "深圳", "苏州", "杭州", "广州", "北京", "成都", "武汉", "南京", "香港"]
TARGET_P95_MS = 300

FULL = {"projects": 50_000, "activities": 1_000_000, "demands": 200_000, "events": 400}


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class District:
    """The fixed part of the synthetic district: regions, the bureau, the leader, organisations."""

    def __init__(self, seed: int) -> None:
        from django.db import transaction
        from django.utils import timezone

        from yiqiao.accounts.models import OrgUnit, User
        from yiqiao.dashboard.models import KpiTarget
        from yiqiao.registry.models import ChainNode, Organisation, Region

        self.rng = random.Random(seed)
        self.today = timezone.localdate()
        with transaction.atomic():
            province = Region.objects.create(code="b", name="基准省", kind="province")
            city = Region.objects.create(code="b.c", name="基准市", kind="city", parent=province)
            self.district = Region.objects.create(
                code="b.c.d", name="基准区", kind="district", parent=city
            )
            self.parks = [
                Region.objects.create(
                    code=f"b.c.d.p{i}", name=f"园区{i}", kind="park", parent=self.district
                )
                for i in range(6)
            ]
            self.unit = OrgUnit.objects.create(
                name="基准区投促局", kind="bureau", region=self.district
            )
            self.leader = User(username="bench-leader", org_unit=self.unit, role="leader")
            self.leader.set_password("bench-pass-123")
            self.leader.save()
            self.officer = User(username="bench-officer", org_unit=self.unit, role="officer")
            self.officer.set_password("bench-pass-123")
            self.officer.save()
            self.nodes = [
                ChainNode.objects.create(code=f"n{i}", name=f"节点{i}", position=i)
                for i in range(12)
            ]
            Organisation.objects.bulk_create(
                [
                    Organisation(
                        name=f"基准机构{i}",
                        name_normalised=f"基准机构{i}",
                        kind="investor" if i % 3 == 0 else "enterprise",
                        region=self.district,
                        park=self.parks[i % len(self.parks)] if i % 4 else None,
                    )
                    for i in range(3000)
                ],
                batch_size=1000,
            )
            for key, value in (
                ("projects.signing_count", 900),
                ("projects.signed_amount", 400_000_000_000),
            ):
                KpiTarget.objects.create(
                    region=self.district, year=self.today.year, key=key, value=value
                )
        self.org_ids = list(Organisation.objects.values_list("id", flat=True))
        self.enterprise_ids = list(
            Organisation.objects.filter(kind="enterprise").values_list("id", flat=True)
        )
        self.project_count = 0
        self.event_ids: list[int] = []

    def day(self, back_from: int, back_to: int) -> dt.date:
        return self.today - dt.timedelta(days=self.rng.randint(back_from, back_to))

    # ---- projects and what hangs off them -------------------------------------------------
    def add_projects(self, n: int, log: Any) -> None:
        from django.db import transaction

        from yiqiao.projects.models import Milestone, Project, Signing, StageChange

        rng = self.rng
        rows: list[Any] = []
        first = self.project_count
        for i in range(first, first + n):
            lost = rng.random() < LOST_SHARE
            reached = rng.choices(range(len(STAGES)), WEIGHTS)[0]
            start = self.day(30 + reached * 20, 1460)
            signed = reached >= 4
            amount = Decimal(rng.randint(1, 200) * 5_000_000)
            rows.append(
                Project(
                    title=f"基准项目{i}",
                    stage="lost" if lost else STAGES[reached],
                    lost_from_stage=STAGES[reached] if lost else "",
                    lost_reason="投资方调整计划" if lost else "",
                    stage_entered_on=min(self.today, start + dt.timedelta(days=reached * 20)),
                    target_region=self.parks[i % len(self.parks)] if i % 5 else self.district,
                    currency="USD" if i % 17 == 0 else "CNY",
                    planned_amount=amount,
                    planned_jobs=rng.randint(10, 500),
                    owner=self.officer if i % 50 == 0 else None,
                    owner_unit=self.unit,
                    next_follow_up_on=self.today + dt.timedelta(days=rng.randint(-30, 60)),
                    signed_amount=amount if signed else Decimal(0),
                    signed_on=start + dt.timedelta(days=80) if signed else None,
                    capital_arrived=amount * Decimal(rng.randint(0, 100)) / 100 if signed else 0,
                    realised_capex=amount * Decimal(rng.randint(0, 80)) / 100 if signed else 0,
                    realised_jobs=rng.randint(0, 300) if signed else 0,
                )
            )
        with transaction.atomic():
            Project.objects.bulk_create(rows, batch_size=2000)
        self.project_count += n
        made = list(
            Project.objects.filter(title__in=[p.title for p in rows])
            .order_by("id")
            .values_list(
                "id",
                "stage",
                "lost_from_stage",
                "stage_entered_on",
                "signed_on",
                "signed_amount",
                "capital_arrived",
                "currency",
            )  # fmt: skip
        )
        changes, inv, chain, signings, milestones = [], [], [], [], []
        for pid, stage, lost_from, entered, signed_on, amount, arrived, currency in made:
            reached = STAGES.index(lost_from if stage == "lost" else stage)
            begun = entered - dt.timedelta(days=reached * 20)
            path = STAGES[: reached + 1] + (["lost"] if stage == "lost" else [])
            previous = ""
            for k, s in enumerate(path):
                changes.append(
                    StageChange(
                        project_id=pid,
                        from_stage=previous,
                        to_stage=s,
                        changed_on=min(self.today, begun + dt.timedelta(days=20 * k)),
                        days_in_from_stage=20 if previous else None,
                    )  # fmt: skip
                )
                previous = s
            inv.append(
                Project.investors.through(project_id=pid, organisation_id=rng.choice(self.org_ids))
            )
            chain.append(
                Project.chain_nodes.through(project_id=pid, chainnode_id=rng.choice(self.nodes).pk)
            )
            if not signed_on:
                continue
            signings.append(
                Signing(
                    project_id=pid,
                    signed_on=signed_on,
                    agreement_type="investment",
                    amount=amount,
                    currency=currency,
                    signatories=f"甲方{pid}、乙方",
                    event_ref="",
                )  # fmt: skip
            )
            if rng.random() < 0.15:  # a supplementary agreement later on
                signings.append(
                    Signing(
                        project_id=pid,
                        signed_on=min(
                            self.today, signed_on + dt.timedelta(days=rng.randint(20, 200))
                        ),
                        agreement_type="supplement",
                        amount=amount / 4,
                        currency=currency,
                        signatories=f"甲方{pid}、乙方",
                    )  # fmt: skip
                )
            evidence = "bench/evidence.pdf" if rng.random() < 0.8 else ""
            milestones.append(
                Milestone(
                    project_id=pid,
                    kind="capital_arrived",
                    achieved_on=min(self.today, signed_on + dt.timedelta(days=30)),
                    capital_arrived=arrived,
                    evidence=evidence,
                )  # fmt: skip
            )
            if reached >= 6 or (stage == "lost" and reached >= 6):
                milestones.append(
                    Milestone(
                        project_id=pid,
                        kind="construction",
                        achieved_on=min(
                            self.today, signed_on + dt.timedelta(days=rng.randint(60, 300))
                        ),
                        evidence="bench/permit.pdf" if rng.random() < 0.85 else "",
                    )  # fmt: skip
                )
            if reached >= 7:
                milestones.append(
                    Milestone(
                        project_id=pid,
                        kind="production",
                        achieved_on=min(
                            self.today, signed_on + dt.timedelta(days=rng.randint(300, 700))
                        ),
                        evidence="bench/licence.pdf" if rng.random() < 0.85 else "",
                    )  # fmt: skip
                )
        batches: list[tuple[list[Any], Any]] = [
            (changes, StageChange),
            (inv, Project.investors.through),
            (chain, Project.chain_nodes.through),
            (signings, Signing),
            (milestones, Milestone),
        ]
        with transaction.atomic():
            for batch, model in batches:
                model.objects.bulk_create(batch, batch_size=5000)
        # A few signings repeat an earlier agreement of the same project (counted once).
        with transaction.atomic():
            repeats = list(
                Signing.objects.filter(project_id__in=[m[0] for m in made], agreement_type="supplement")
                .order_by("id")
                .values_list("id", "project_id")[:: 5]
            )  # fmt: skip
            originals = dict(
                Signing.objects.filter(project_id__in=[p for _s, p in repeats], agreement_type="investment")
                .values_list("project_id", "id")
            )  # fmt: skip
            for sid, pid in repeats:
                Signing.objects.filter(pk=sid).update(
                    repeat_of_id=originals[pid], repeat_reason="same_project"
                )
        log(f"projects +{n} ({len(changes)} stage changes, {len(signings)} signings, "
            f"{len(milestones)} milestones)")  # fmt: skip
        self._events_and_signings(max(1, n * FULL["events"] // FULL["projects"]), made)

    def _events_and_signings(self, n: int, made: list[Any]) -> None:
        from django.db import transaction

        from yiqiao.events.models import Event, EventSigning, Registration
        from yiqiao.projects.models import Signing

        rng = self.rng
        with transaction.atomic():
            events = []
            for i in range(n):
                start = self.day(0, 1400)
                events.append(
                    Event(
                        title=f"基准推介会{len(self.event_ids) + i}",
                        kind="conference",
                        city=rng.choice(CITIES),
                        starts_on=start,
                        ends_on=start,
                        owner_unit=self.unit,
                        region=self.district,
                        created_by=self.officer,
                    )  # fmt: skip
                )
            Event.objects.bulk_create(events)
            new_ids = [e.pk for e in events]
            self.event_ids.extend(new_ids)
            regs = []
            for eid in new_ids:
                for k in range(rng.randint(5, 60)):
                    regs.append(
                        Registration(
                            event_id=eid,
                            organisation_name=f"报名机构{k}",
                            name_normalised=f"报名机构{k}",
                            contact_name="联系人",
                            contact_phone="13800000000",
                            checked_in_at=None
                            if rng.random() < 0.3
                            else dt.datetime.now(tz=dt.UTC),
                        )  # fmt: skip
                    )
            Registration.objects.bulk_create(regs, batch_size=5000)
            signed = list(
                Signing.objects.filter(project_id__in=[m[0] for m in made], agreement_type="investment")
                .values_list("id", "project_id", "amount", "currency")
            )  # fmt: skip
            links = [
                EventSigning(
                    event_id=rng.choice(new_ids),
                    signing_id=sid,
                    project_id=pid,
                    parties="甲乙",
                    agreement_type="investment",
                    amount=amount,
                    currency=currency,
                )  # fmt: skip
                for sid, pid, amount, currency in signed
                if rng.random() < 0.4
            ]
            EventSigning.objects.bulk_create(links, batch_size=5000)

    def add_activities(self, n: int, log: Any) -> None:
        from django.db import transaction

        from yiqiao.projects.models import Activity, Project

        rng = self.rng
        project_ids = list(Project.objects.values_list("id", flat=True))
        kinds = ["visit", "call", "meeting", "site_visit", "event"]
        done = 0
        while done < n:
            batch = min(50_000, n - done)
            with transaction.atomic():
                Activity.objects.bulk_create(
                    [
                        Activity(
                            project_id=rng.choice(project_ids),
                            kind=rng.choice(kinds),
                            happened_on=self.day(0, 1460),
                            summary="基准跟进记录：电话沟通投资进度",
                        )  # fmt: skip
                        for _ in range(batch)
                    ],
                    batch_size=5000,
                )
            done += batch
        log(f"activities +{n}")

    def add_demands(self, n: int, log: Any) -> None:
        from django.db import transaction

        from yiqiao.demands.models import Demand, FollowUp

        rng = self.rng
        # The timestamps are the point of the figures: keep the ones written here.
        stamped = [f for f in Demand._meta.fields if f.name in {"created_at", "updated_at"}]
        saved = [(f, f.auto_now, f.auto_now_add) for f in stamped]  # type: ignore[attr-defined]
        for f in stamped:
            f.auto_now = f.auto_now_add = False  # type: ignore[attr-defined]
        try:
            done = 0
            while done < n:
                batch = min(20_000, n - done)
                rows = []
                for k in range(batch):
                    raised = dt.datetime.combine(self.day(0, 1460), dt.time(9), tzinfo=dt.UTC)
                    state = rng.choices(DEMAND_STATES, DEMAND_WEIGHTS)[0]
                    step = DEMAND_STATES.index(state)
                    accept_due = raised.date() + dt.timedelta(days=3)
                    respond_due = raised.date() + dt.timedelta(days=10)
                    late = dt.timedelta(days=rng.choice([1, 2, 5, 8, 14, 25]))
                    answered = state in {"responded", "resolved", "converted", "followed_up"} or (
                        state == "closed" and rng.random() < 0.6
                    )
                    rows.append(
                        Demand(
                            organisation_id=rng.choice(self.enterprise_ids),
                            raised_by=self.officer,
                            channel="online",
                            category=rng.choice(CATEGORIES),
                            title=f"基准需求{done + k}",
                            text="基准需求描述：需要办公场地与融资对接",
                            text_normalised=f"bench{done + k}",
                            state=state,
                            unit=self.unit,
                            accept_due=accept_due,
                            respond_due=respond_due,
                            accepted_at=raised + dt.timedelta(days=1) if step >= 1 else None,
                            responded_at=raised + late if answered else None,
                            resolved_at=raised + late + dt.timedelta(days=7)
                            if state in {"resolved", "followed_up"}
                            else None,
                            converted_at=raised + late + dt.timedelta(days=9)
                            if state == "converted"
                            else None,
                            closed_at=raised + late + dt.timedelta(days=3)
                            if state == "closed"
                            else None,
                            created_at=raised,
                            updated_at=raised,
                        )
                    )
                with transaction.atomic():
                    Demand.objects.bulk_create(rows, batch_size=2000)
                    follow = [
                        FollowUp(
                            demand_id=d.pk,
                            on=min(self.today, d.created_at.date() + dt.timedelta(days=30)),
                            satisfaction=rng.choice([2, 3, 4, 4, 5, 5, 5]),
                            by=self.officer,
                        )  # fmt: skip
                        for d in rows
                        if d.state == "followed_up"
                    ]
                    FollowUp.objects.bulk_create(follow, batch_size=5000)
                done += batch
        finally:
            for f, auto_now, auto_now_add in saved:
                f.auto_now, f.auto_now_add = auto_now, auto_now_add  # type: ignore[attr-defined]
        log(f"needs +{n}")

    def grow(self, factor: float, log: Any) -> None:
        self.add_projects(max(1, int(FULL["projects"] * factor)), log)
        self.add_activities(int(FULL["activities"] * factor), log)
        self.add_demands(max(1, int(FULL["demands"] * factor)), log)


def urls() -> dict[str, str]:
    from yiqiao.dashboard.charts import CHARTS
    from yiqiao.dashboard.kpis.registry import specs

    out = {"cockpit": "/cockpit/", "api_kpis": "/api/cockpit/kpis"}
    for key in CHARTS:
        out[f"chart:{key}"] = f"/api/cockpit/charts/{key}"
    for spec in specs():
        out[f"api_kpi:{spec.key}"] = f"/api/cockpit/kpis/{spec.key}"
        out[f"records:{spec.key}"] = f"/cockpit/kpi/{spec.key}/"
    return out


def timed(client: Any, url: str) -> tuple[float, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as captured:
        w0, c0 = time.perf_counter(), time.process_time()
        response = client.get(url)
        wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    assert response.status_code == 200, (url, response.status_code)
    return wall * 1000, cpu * 1000, len(captured)


def measure(client: Any, url: str, n: int) -> dict[str, Any]:
    timed(client, url)  # warm-up: templates compiled, session loaded
    walls, cpus, queries = [], [], []
    for _ in range(n):
        wall, cpu, count = timed(client, url)
        walls.append(wall)
        cpus.append(cpu)
        queries.append(count)
    return {
        "p50_ms": round(statistics.median(walls), 1),
        "p95_ms": round(_quantile(walls, 0.95), 1),
        "cpu_p50_ms": round(statistics.median(cpus), 1),
        "cpu_p95_ms": round(_quantile(cpus, 0.95), 1),
        "queries": max(queries),
    }


def service_writes(district: District) -> dict[str, int]:
    """Writes through the services, as staff would make them; returns what was written."""
    from yiqiao.demands.services import handling, intake
    from yiqiao.projects.services import pipeline, records

    done = {"projects": 0, "stage_changes": 0, "signings": 0, "needs": 0}
    officer = district.officer
    for i in range(5):
        project = pipeline.project_create(
            data={"title": f"基准服务写入项目{i}", "target_region": district.parks[i % 6],
                  "planned_amount": Decimal("50000000"), "currency": "CNY"},
            by=officer,
        )  # fmt: skip
        done["projects"] += 1
        for stage in ("contacted", "site_visit", "negotiating"):
            project = pipeline.project_advance_stage(project=project, to_stage=stage, by=officer)
            done["stage_changes"] += 1
        if i % 2 == 0:
            records.signing_record(
                project=project, signed_on=district.today, agreement_type="investment",
                amount=Decimal("80000000"), currency="CNY",
                signatories=f"基准服务写入甲方{i}、乙方", by=officer,
            )  # fmt: skip
            done["signings"] += 1
        else:
            pipeline.project_advance_stage(
                project=project, to_stage="lost", by=officer, reason="投资方调整计划"
            )
            done["stage_changes"] += 1
    from yiqiao.registry.models import Organisation

    organisation = Organisation.objects.get(pk=district.enterprise_ids[0])
    for i in range(3):
        submitted = intake.demand_submit(
            organisation=organisation, category="space", title=f"基准服务写入需求{i}",
            text=f"需要两千平方米的生产用房，希望{i + 2}个月内入驻", by=officer,
        )  # fmt: skip
        handling.demand_accept(demand=submitted.demand, by=officer)
        done["needs"] += 1
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full size")
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--keep", help="data directory to create and keep (must not exist)")
    parser.add_argument("--only", default="", help="only URLs whose name contains this")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)

    data_dir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="yiqiao-bench-cp-"))
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

    from yiqiao.core.db import database_analyze

    district = District(args.seed)
    tiny = args.scale / 50
    district.grow(tiny, log)
    _rebuild(log)
    database_analyze(full=True)
    client = Client()
    client.force_login(district.leader)
    pages = {k: v for k, v in urls().items() if args.only in k}
    small_queries = {name: timed(client, url)[2] for name, url in pages.items()}
    small_projects = district.project_count
    log(f"tiny district ({small_projects} projects): query counts taken")

    district.grow(args.scale - tiny, log)
    _rebuild(log)
    database_analyze(full=True)
    build_seconds = round(time.perf_counter() - started, 1)
    results: dict[str, Any] = {}
    for name, url in pages.items():
        r = measure(client, url, args.requests)
        r["queries_small"] = small_queries[name]
        results[name] = r
        log(f"{name}: cpu p50 {r['cpu_p50_ms']} ms, cpu p95 {r['cpu_p95_ms']} ms, wall p95 "
            f"{r['p95_ms']} ms, {r['queries']} queries ({r['queries_small']} at "
            f"{small_projects} projects)")  # fmt: skip

    writes = service_writes(district)
    log(f"service writes: {writes}")
    verify_rc, verify_out = _verify()
    log(f"rebuild --verify: exit {verify_rc}: {verify_out.strip()}")

    from yiqiao.demands.models import Demand
    from yiqiao.projects.models import Activity, Project

    summary = {
        "bench": "cockpit",
        "scale": args.scale,
        "projects": Project.objects.count(),
        "activities": Activity.objects.count(),
        "needs": Demand.objects.count(),
        "build_seconds": build_seconds,
        "requests": args.requests,
        "target_cpu_p95_ms": TARGET_P95_MS,
        "within_target": all(r["cpu_p95_ms"] <= TARGET_P95_MS for r in results.values()),
        "slowest": max(results, key=lambda k: results[k]["cpu_p95_ms"]) if results else None,
        "queries_independent_of_size": all(
            r["queries"] == r["queries_small"] for r in results.values()
        ),
        "writes": writes,
        "verify_exit": verify_rc,
        "pages": results,
    }
    if not args.keep:
        shutil.rmtree(data_dir, ignore_errors=True)
    print(json.dumps(summary, ensure_ascii=False))
    return 0


def _rebuild(log: Any) -> None:
    """Summary rows of bulk-created data: bulk_create bypasses the services, so the summaries
    are built by the rebuild command (as after an import)."""
    from django.core.management import call_command

    try:
        call_command("kpis", "rebuild", stdout=io.StringIO())
    except Exception as exc:  # noqa: BLE001  # before the summaries existed: no rebuild
        log(f"no summary rebuild: {exc}")


def _verify() -> tuple[int, str]:
    from django.core.management import call_command

    out = io.StringIO()
    try:
        call_command("kpis", "rebuild", "--verify", stdout=out, stderr=out)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue()
    except Exception as exc:  # noqa: BLE001
        return -1, f"{type(exc).__name__}: {exc}"
    return 0, out.getvalue()


if __name__ == "__main__":
    raise SystemExit(main())
