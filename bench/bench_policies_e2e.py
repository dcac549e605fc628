"""End-to-end policy screening on SQLite: the register read from the database into the columnar
snapshot, screened, and the results written back, as a screening run does.

    yiqiao bench policies --enterprises 1000000 --policies 1000 --end-to-end
    yiqiao bench policies --enterprises 100000 --policies 0 --end-to-end   # the real clauses only

A fresh SQLite database (in a temporary folder, or ``--database PATH``) is migrated; the demo
and starter libraries are loaded through the library sync (real clause texts, versions and all);
``--policies`` above their count adds synthetic variants (Policy rows, parsed objects); 0 keeps
the real clauses only. A seeded synthetic register (the in-memory benchmark's generator) is
written: organisations with their register columns and regions, facts for ``--fact-share`` of
the enterprises per fact field, list records (certificates, trials, products, approvals) and
awards received. Then the timed steps, each with CPU and wall seconds:

- ``snapshot``: ``policies.profiles.register_snapshot`` over the run's organisations;
- ``screen``: ``engine.screen`` (near misses included);
- ``write``: the run's results, through the screening service's writer: groups of
  organisations (packed ids) per policy and result, and the per-organisation index.

Prints one JSON object per step group and a summary JSON line last.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CHUNK = 5_000


class Clock:
    """CPU and wall seconds of named steps."""

    def __init__(self) -> None:
        self.steps: dict[str, dict[str, float]] = {}

    def time(self, name: str, fn: Callable[[], Any]) -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        out = fn()
        self.steps[name] = {
            "cpu_seconds": round(time.process_time() - cpu, 3),
            "wall_seconds": round(time.perf_counter() - wall, 3),
        }
        return out


def _setup_django(database: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yiqiao.settings")
    import django

    django.setup()


def _decode(spec: Any, column: np.ndarray, missing: np.ndarray | None, vocab: tuple) -> list[Any]:
    """A snapshot column as stored Python/JSON values (None where missing)."""
    kind = spec.type
    if kind in ("number", "money"):
        values: list[Any] = column.astype(np.float64).tolist()
    elif kind == "int":
        values = column.astype(np.int64).tolist()
    elif kind == "bool":
        values = column.astype(np.bool_).tolist()
    elif kind == "date":
        days = column.astype(np.int64).astype("timedelta64[D]")
        values = (np.datetime64("1970-01-01") + days).astype(str).tolist()
    elif kind in ("enum", "str"):
        values = np.asarray(vocab, dtype=object)[column.astype(np.int64)].tolist()
    else:  # set: bits over the vocabulary
        bits = column.astype(np.uint64)
        distinct = {
            int(b): sorted(c for i, c in enumerate(vocab) if int(b) >> i & 1)
            for b in np.unique(bits)
        }
        values = [distinct[int(b)] for b in bits.tolist()]
    if missing is not None:
        for i in np.flatnonzero(missing).tolist():
            values[i] = None
    return values


def _regions(codes: dict[str, list[str]]) -> dict[str, int]:
    """A region tree holding the division codes the library names: province → city → county
    (a county under the city sharing its first four digits), zones under a county. Returns
    code → region id for the counties and zones (organisations are placed in them)."""
    from yiqiao.registry.models import Region

    made: dict[str, Region] = {r.code: r for r in Region.objects.all()}

    def region(code: str, kind: str, parent: Region | None) -> Region:
        if code not in made:
            made[code] = Region.objects.create(
                code=code, name=f"{kind}{code}", kind=kind, parent=parent
            )
        return made[code]

    province = region("bench-p", "province", None)
    fallback = region("bench-c", "city", province)
    for code in sorted(set(codes.get("city_code", []))):
        region(code, "city", province)
    homes: dict[str, int] = {}
    for code in sorted(set(codes.get("county_code", [])) | {"bench-d"}):
        parent = made.get(code[:4] + "00")
        county = region(
            code, "district", parent if parent is not None and parent.kind == "city" else fallback
        )
        homes[code] = county.pk
    for code in sorted(set(codes.get("zone_code", []))):
        homes.setdefault(code, region(code, "zone", made["bench-d"]).pk)
    return homes


def _chunks(size: int) -> Iterator[tuple[int, int]]:
    for start in range(0, size, CHUNK):
        yield start, min(start + CHUNK, size)


def _write_register(snapshot: Any, seed: int, fact_share: float, on: dt.date) -> dict[str, int]:
    """Organisations, facts, records and awards of ``snapshot`` in the database."""
    from django.db import connection, transaction
    from django.utils import timezone

    from yiqiao.policies.profiles import _SCALAR_COLUMNS, QUALIFICATION_FLAGS
    from yiqiao.registry.models import Organisation

    fields = snapshot.fields
    rng = np.random.default_rng(seed + 1)
    str_codes = {
        n: list(snapshot.vocab.get(n, ())) for n in ("city_code", "county_code", "zone_code")
    }
    homes = _regions(str_codes)
    home_ids = np.asarray(list(homes.values()), dtype=np.int64)
    region_of = home_ids[rng.integers(0, home_ids.size, snapshot.size)]
    county = snapshot.columns.get("county_code")
    if county is not None:  # enterprises whose county the library names live there
        vocab = snapshot.vocab["county_code"]
        named = np.asarray([homes.get(c, -1) for c in vocab], dtype=np.int64)[
            county.astype(np.int64)
        ]
        keep = named >= 0
        if snapshot.missing.get("county_code") is not None:
            keep &= ~snapshot.missing["county_code"]
        region_of = np.where(keep, named, region_of)
    register = {
        name: _decode(
            fields[name],
            snapshot.columns[name],
            snapshot.missing.get(name),
            snapshot.vocab.get(name, ()),
        )
        for name in _SCALAR_COLUMNS
        if name in snapshot.columns
    }
    qualifications = _decode(
        fields["qualifications"],
        snapshot.columns["qualifications"],
        None,
        snapshot.vocab["qualifications"],
    )
    now = timezone.now()
    counts = {"organisations": 0, "facts": 0, "records": 0, "awards": 0}
    ids = np.zeros(snapshot.size, dtype=np.int64)
    for start, end in _chunks(snapshot.size):
        batch = []
        for i in range(start, end):
            quals = set(qualifications[i] or ())
            values = {
                column: register[name][i]
                for name, column in _SCALAR_COLUMNS.items()
                if name in register
            }
            values["kind"] = values.get("kind") or "enterprise"
            values["lifecycle_stage"] = values.get("lifecycle_stage") or ""
            values["listed_market"] = values.get("listed_market") or ""
            name = f"基准企业{i:07d}"
            batch.append(
                Organisation(
                    name=name,
                    name_normalised=name,
                    region_id=int(region_of[i]),
                    **values,
                    **{flag: code in quals for code, flag in QUALIFICATION_FLAGS.items()},
                )  # fmt: skip
            )
        with transaction.atomic():
            created = Organisation.objects.bulk_create(batch)
        ids[start:end] = [o.pk for o in created]
        counts["organisations"] += len(created)
    fact_sql = (
        "INSERT INTO policies_organisationfact (organisation_id, field, value, year, as_of, source, created_at) "
        "VALUES (%s, %s, %s, NULL, %s, '', %s)"
    )
    as_of = (on - dt.timedelta(days=30)).isoformat()
    facts = [n for n in snapshot.columns if fields[n].source == "fact" and fields[n].type != "list"]
    with connection.cursor() as cursor:
        for name in facts:
            decoded = _decode(
                fields[name],
                snapshot.columns[name],
                snapshot.missing.get(name),
                snapshot.vocab.get(name, ()),
            )
            rows = np.flatnonzero(rng.random(snapshot.size) < fact_share).tolist()
            params: list[tuple[Any, ...]] = [
                (int(ids[i]), name, json.dumps(decoded[i], ensure_ascii=False), as_of, now)
                for i in rows
                if decoded[i] is not None
            ]
            with transaction.atomic():
                cursor.executemany(fact_sql, params)
            counts["facts"] += len(params)
        record_sql = (
            "INSERT INTO policies_organisationrecord (organisation_id, field, data, recorded_on, source, created_at) "
            "VALUES (%s, %s, %s, %s, '', %s)"
        )
        award_sql = (
            "INSERT INTO policies_award (organisation_id, policy_code, amount, awarded_on, source, note, created_at) "
            "VALUES (%s, %s, %s, %s, 'import', '', %s)"
        )
        for name, table in snapshot.lists.items():
            assert table.spec.items is not None
            item_values = {
                sub: _decode(
                    spec, table.columns[sub], table.missing.get(sub), table.vocab.get(sub, ())
                )
                for sub, spec in table.spec.items.items()
            }
            owners = table.owner.tolist()
            if name == "awards_received":
                params = [
                    (
                        int(ids[owner]),
                        item_values["policy"][k],
                        item_values["amount_yuan"][k] or 0,
                        item_values["date"][k] or as_of,
                        now,
                    )
                    for k, owner in enumerate(owners)
                ]
                with transaction.atomic():
                    cursor.executemany(award_sql, params)
                counts["awards"] += len(params)
                continue
            dated = next((s for s, spec in table.spec.items.items() if spec.type == "date"), None)
            params = []
            for k, owner in enumerate(owners):
                data = {
                    sub: values[k] for sub, values in item_values.items() if values[k] is not None
                }
                day = data.get(dated) if dated else None
                params.append(
                    (int(ids[owner]), name, json.dumps(data, ensure_ascii=False), day or as_of, now)
                )
            with transaction.atomic():
                cursor.executemany(record_sql, params)
            counts["records"] += len(params)
    return counts


def run(args: argparse.Namespace) -> int:
    """The end-to-end benchmark (called by bench_policies.py with --end-to-end)."""
    clock = Clock()
    folder = (
        Path(args.database).parent
        if getattr(args, "database", None)
        else Path(tempfile.mkdtemp(prefix="yiqiao-e2e-"))
    )
    database = Path(args.database) if getattr(args, "database", None) else folder / "e2e.sqlite3"
    reuse = bool(getattr(args, "reuse", False)) and database.exists()
    if database.exists() and not reuse:
        database.unlink()
    _setup_django(database)
    from django.core.management import call_command

    clock.time("migrate", lambda: call_command("migrate", verbosity=0))

    from yiqiao.accounts.models import User
    from yiqiao.policies import engine
    from yiqiao.policies.engine.synthetic import named_codes
    from yiqiao.policies.models import Policy, ScreeningRun
    from yiqiao.policies.profiles import LIBRARIES, field_dictionary, register_snapshot
    from yiqiao.policies.queries import run_organisations
    from yiqiao.policies.services import policy_library_sync
    from yiqiao.policies.services.screening import _write_results
    from yiqiao.policies.versions import engine_policy
    from yiqiao.registry.models import Organisation

    if reuse:  # the register, libraries and synthetic policies written by an earlier run
        admin = User.objects.get(username="bench")
        clock.steps["library_sync"] = {"cpu_seconds": 0.0, "wall_seconds": 0.0}
    else:
        admin = User.objects.create_superuser("bench", password="bench-e2e-not-a-login")
        clock.time(
            "library_sync",
            lambda: [policy_library_sync(folder=LIBRARIES[n]) for n in ("demo", "starter")],
        )
    rows = list(
        Policy.objects.filter(current_version__isnull=False)
        .select_related("current_version")
        .order_by("category", "code")
    )
    real = [engine_policy(p.current_version) for p in rows if p.current_version is not None]
    policies, parsed = rows, real
    if args.policies > len(real):
        extra = engine.synthetic_policies(
            real, args.policies - len(real), args.seed, jitter=args.jitter
        )
        if not reuse:
            Policy.objects.bulk_create(
                [
                    Policy(
                        code=p.id,
                        title=p.title[:200],
                        delivery=p.latest.delivery,
                        status="published",
                    )
                    for p in extra
                ]
            )
        by_code = {p.code: p for p in Policy.objects.filter(code__in=[p.id for p in extra])}
        policies = rows + [by_code[p.id] for p in extra]
        parsed = real + extra

    if reuse:
        counts = {"organisations": Organisation.objects.count(), "reused": True}
        clock.steps["write_register"] = {"cpu_seconds": 0.0, "wall_seconds": 0.0}
    else:
        fields = field_dictionary()
        snapshot = clock.time(
            "generate",
            lambda: engine.synthetic_snapshot(
                fields, args.enterprises, args.seed, args.on, args.fact_missing,
                award_policies=[p.id for p in real], str_codes=named_codes(real),
            ),
        )  # fmt: skip
        counts = clock.time(
            "write_register",
            lambda: _write_register(snapshot, args.seed, args.fact_share, args.on),
        )

    run_row = ScreeningRun.objects.create(created_by=admin, as_of=args.on, status="running")
    profiler = None
    if getattr(args, "profile", None):
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    register = clock.time(
        "snapshot", lambda: register_snapshot(run_organisations(run_row), on=args.on)
    )
    result = clock.time(
        "screen",
        lambda: engine.screen(
            parsed, register.snapshot, args.on, near_misses=not args.no_near_misses
        ),
    )
    written = clock.time(
        "write", lambda: _write_results(run_row, policies, result, register.organisation_ids)
    )
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(args.profile)
    steps = clock.steps
    end_to_end = {
        k: round(sum(steps[s][k] for s in ("snapshot", "screen", "write")), 3)
        for k in ("cpu_seconds", "wall_seconds")
    }
    print(
        json.dumps(
            {
                "setup": {
                    k: steps.get(k)
                    for k in ("migrate", "library_sync", "generate", "write_register")
                },
                "rows": counts,
            },
            ensure_ascii=False,
        )
    )
    print(
        json.dumps(
            {"steps": {k: steps[k] for k in ("snapshot", "screen", "write")}}, ensure_ascii=False
        )
    )
    summary = {
        "enterprises": register.snapshot.size,
        "policies": len(parsed),
        "real_clauses": len(real),
        "eligible_pairs": int(result.award_enterprise.size),
        "quick_apply_rows": written["quick"],
        "near_miss_rows": written["near"],
        "result_pairs": int(result.award_enterprise.size) + written["quick"] + written["near"],
        "result_groups": written["groups"],
        "snapshot_cpu_seconds": steps["snapshot"]["cpu_seconds"],
        "screen_cpu_seconds": steps["screen"]["cpu_seconds"],
        "write_cpu_seconds": steps["write"]["cpu_seconds"],
        "end_to_end_cpu_seconds": end_to_end["cpu_seconds"],
        "end_to_end_wall_seconds": end_to_end["wall_seconds"],
        "distinct_condition_trees": result.distinct_trees,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "database_mb": round(database.stat().st_size / 1e6, 1),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }
    print(json.dumps(summary, ensure_ascii=False))
    if not getattr(args, "database", None):
        database.unlink(missing_ok=True)
    return 0
