"""Screening runs (免申即享): start one for a user's scope, and execute it in the background.

Execution builds a columnar snapshot of the register (no per-row ORM objects), screens every
included policy with the engine in one pass, and writes the long-form results in batches.
"""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from yiqiao.accounts.models import User
from yiqiao.core.audit import audit_record
from yiqiao.core.models import AuditEvent

from .. import engine
from ..models import Policy, ScreeningResult, ScreeningRun
from ..profiles import field_dictionary, register_snapshot
from ..versions import engine_policy

BATCH = 20_000  # rows per INSERT transaction (a commit per 2,000 rows cost a third)


def _money(value: float) -> Decimal:
    return Decimal(str(round(float(value), 2)))


@transaction.atomic
def screening_run_create(
    *, by: User, as_of: dt.date, draft_policy: Policy | None = None
) -> ScreeningRun:
    """Queue a run over the register in ``by``'s scope with every published policy, plus
    ``draft_policy`` (draft or review) to measure its budget impact. Audited; the work starts
    after commit."""
    from .. import queries

    if not queries.can_start_run(by):
        raise PermissionDenied("当前账号无权发起筛查")
    if draft_policy is not None and draft_policy.status not in {
        Policy.Status.DRAFT,
        Policy.Status.REVIEW,
    }:
        raise ValidationError("只能测算草稿或审核中的政策")
    unit = getattr(by, "org_unit", None)
    run = ScreeningRun.objects.create(
        created_by=by,
        unit=unit,
        region=unit.region if unit is not None and not by.is_superuser else None,
        as_of=as_of,
        draft_policy=draft_policy,
    )
    included = list(
        Policy.objects.filter(
            status=Policy.Status.PUBLISHED, current_version__isnull=False
        ).values_list("pk", flat=True)
    )
    if draft_policy is not None:
        included.append(draft_policy.pk)
    run.policies.set(included)
    audit_record(
        actor=by,
        action=AuditEvent.Action.CREATE,
        instance=run,
        after={"as_of": as_of.isoformat(), "policies": len(included)},
        note=f"含草案：{draft_policy.code}" if draft_policy else "",
    )
    transaction.on_commit(lambda: screening_run_task.enqueue(run.pk))
    return run


@task()
def screening_run_task(run_id: int) -> None:
    """Background task: execute one queued screening run (claimed once; a second enqueue
    does nothing)."""
    screening_run_execute(run_id)


def _progress(run: ScreeningRun, percent: int) -> None:
    ScreeningRun.objects.filter(pk=run.pk).update(progress=percent)


def screening_run_execute(run_id: int) -> ScreeningRun | None:
    """Claim a queued run and execute it; returns the finished run (None if already claimed)."""
    from ..queries import run_organisations

    claimed = ScreeningRun.objects.filter(pk=run_id, status=ScreeningRun.Status.QUEUED).update(
        status=ScreeningRun.Status.RUNNING, started_at=timezone.now(), progress=1
    )
    if not claimed:
        return None
    run = ScreeningRun.objects.select_related("created_by").get(pk=run_id)
    wall = time.perf_counter()
    try:
        policies = list(
            run.policies.filter(current_version__isnull=False)
            .select_related("current_version")
            .order_by("category", "code")
        )
        parsed = [engine_policy(p.current_version) for p in policies]  # type: ignore[arg-type]
        register = register_snapshot(run_organisations(run), on=run.as_of)
        _progress(run, 30)
        result = engine.screen(parsed, register.snapshot, run.as_of)
        _progress(run, 60)
        written = _write_results(run, policies, result, register.organisation_ids)
    except Exception as exc:  # noqa: BLE001 - any failure is shown on the run's page
        ScreeningRun.objects.filter(pk=run.pk).update(
            status=ScreeningRun.Status.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
            duration_seconds=time.perf_counter() - wall,
        )
        return None
    auto = result.auto_awards()
    ScreeningRun.objects.filter(pk=run.pk).update(
        status=ScreeningRun.Status.DONE,
        progress=100,
        enterprises=register.snapshot.size,
        eligible_count=int(result.award_amount.size),
        auto_count=int(auto.size),
        quick_count=written["quick"],
        near_count=written["near"],
        total_amount=_money(result.total_amount),
        auto_amount=_money(float(result.award_amount[auto].sum())),
        per_policy=_per_policy(run, policies, result),
        finished_at=timezone.now(),
        duration_seconds=round(time.perf_counter() - wall, 3),
    )
    run.refresh_from_db()
    return run


def _per_policy(
    run: ScreeningRun, policies: list[Policy], result: engine.ScreeningResult
) -> list[dict[str, Any]]:
    out = []
    for policy, info in zip(policies, result.policies, strict=True):
        out.append(
            {
                "policy": policy.pk,
                "code": policy.code,
                "title": policy.title,
                "status": policy.status,
                "is_draft": policy.pk == run.draft_policy_id,
                "version": info.version,
                "delivery": info.delivery,
                "delivery_label": str(Policy.Delivery(info.delivery).label)
                if info.delivery
                else "",
                "eligible": info.eligible,
                "superseded": info.superseded,
                "amount": round(info.amount, 2),
                "budget": info.budget,
                "over_budget": info.over_budget,
                "quick_apply": info.quick_apply,
                "near_misses": info.near_misses,
            }
        )
    return out


class _RowWriter:
    """ScreeningResult rows written with one prepared INSERT per batch (executemany).

    Each value goes through its model field's ``get_db_prep_save`` as bulk_create would, but
    the values a row shares with others (the run, the policy, the status, a missing-fields
    pattern and its reason) are prepared once, as one tuple; a row is then the organisation id
    followed by that tuple. On a register of a million enterprises the rows are tens of millions
    (most of them 快申快享 rows) and per-row preparation was most of the run's time.
    """

    def __init__(self, on_flush: Any) -> None:
        from django.db import connection

        self.connection = connection
        self.on_flush = on_flush
        concrete = [f for f in ScreeningResult._meta.concrete_fields if not f.primary_key]
        self.fields = [f for f in concrete if f.attname != "organisation_id"]
        self.defaults = {f.attname: f.get_default() for f in self.fields}
        organisation = ScreeningResult._meta.get_field("organisation")
        names = [organisation.column, *(f.column for f in self.fields)]
        columns = ", ".join(connection.ops.quote_name(c) for c in names)
        marks = ", ".join(["%s"] * len(names))
        self.sql = f"INSERT INTO {ScreeningResult._meta.db_table} ({columns}) VALUES ({marks})"
        self.rows: list[tuple[Any, ...]] = []
        self.cache: dict[tuple[str, Any], Any] = {}
        self.written = 0

    def _prep(self, field: Any, value: Any) -> Any:
        key = (field.attname, tuple(value) if isinstance(value, list) else value)
        try:
            return self.cache[key]
        except KeyError:
            prepared = field.get_db_prep_save(value, self.connection)
            if len(self.cache) < 100_000:
                self.cache[key] = prepared
            return prepared

    def shared(self, values: dict[str, Any]) -> tuple[Any, ...]:
        """Every column but the organisation, prepared for the database."""
        return tuple(
            self._prep(f, values.get(f.attname, self.defaults[f.attname])) for f in self.fields
        )

    def add(self, organisation_id: int, values: dict[str, Any]) -> None:
        self.rows.append((organisation_id, *self.shared(values)))
        if len(self.rows) >= BATCH:
            self.flush()

    def add_many(self, organisation_ids: list[int], shared: tuple[Any, ...]) -> None:
        """Rows of several organisations that agree on every other column."""
        for start in range(0, len(organisation_ids), BATCH):
            room = BATCH - len(self.rows)
            part = organisation_ids[start : start + BATCH]
            self.rows.extend((o, *shared) for o in part[:room])
            if len(self.rows) >= BATCH:
                self.flush()
                self.rows.extend((o, *shared) for o in part[room:])

    def flush(self) -> None:
        if not self.rows:
            return
        with transaction.atomic(), self.connection.cursor() as cursor:
            cursor.executemany(self.sql, self.rows)
        self.written += len(self.rows)
        self.rows.clear()
        self.on_flush(self.written)


def _write_results(
    run: ScreeningRun,
    policies: list[Policy],
    result: engine.ScreeningResult,
    organisation_ids: npt.NDArray[np.int64],
) -> dict[str, int]:
    """Long-form rows in batches: eligible (after groups and caps), 快申快享 (with the missing
    fields the single explanation lists), near misses."""
    fields = field_dictionary()
    org_ids = organisation_ids.tolist()
    common = [
        {
            "run_id": run.pk,
            "policy_id": policy.pk,
            "version_id": policy.current_version_id,
            "rule_version": info.version,
            "delivery": info.delivery or policy.delivery,
        }
        for policy, info in zip(policies, result.policies, strict=True)
    ]
    total = result.award_amount.size + result.near_enterprise.size
    total += sum(int(result.quick_apply_rows(p).size) for p in range(len(policies)))
    writer = _RowWriter(
        lambda done: _progress(run, 60 + int(39 * done / max(total, 1))),
    )
    amounts = result.award_amount.tolist()
    before_caps = result.award_amount_before_caps.tolist()
    for k, (row, p) in enumerate(
        zip(result.award_enterprise.tolist(), result.award_policy.tolist(), strict=True)
    ):
        amount, before = amounts[k], before_caps[k]
        capped = amount + 0.005 < before
        writer.add(
            org_ids[row],
            {
                **common[p],
                "status": ScreeningResult.Status.ELIGIBLE,
                "amount": _money(amount),
                "amount_before_caps": _money(before),
                "reasons": "符合全部条件"
                + (f"；受共享上限限制（原 {engine_money(before)}）" if capped else ""),
            },
        )
    quick = 0
    for p in range(len(policies)):
        rows = result.quick_apply_rows(p).tolist()
        if not rows:
            continue
        by_pattern: dict[tuple[str, ...], list[int]] = {}
        for row, names in zip(rows, result.quick_missing(p), strict=True):
            by_pattern.setdefault(names, []).append(org_ids[row])
        for names, organisations in by_pattern.items():
            labels = "、".join(fields[m].label if m in fields else m for m in names)
            shared = writer.shared(
                {
                    **common[p],
                    "status": ScreeningResult.Status.IF_DATA_SUPPLIED,
                    "missing_fields": list(names),
                    "reasons": ("其余条件均满足，缺少：" + labels)[:300],
                }
            )
            writer.add_many(organisations, shared)
            quick += len(organisations)
    # The failing condition with the enterprise's value and the gap, as the enterprise page
    # words it; near_details lists each policy's rows in the order of near_*.
    details = {p: iter(result.near_details(p)) for p in np.unique(result.near_policy).tolist()}
    for row, p in zip(result.near_enterprise.tolist(), result.near_policy.tolist(), strict=True):
        reason = f"仅一项不满足：{next(details[p])}"[:300]
        writer.add(
            org_ids[row],
            {**common[p], "status": ScreeningResult.Status.NEAR_MISS, "reasons": reason},
        )
    writer.flush()
    return {"quick": quick, "near": int(result.near_enterprise.size)}


def engine_money(value: float) -> str:
    """Chinese money text as the engine writes it (``500万元``)."""
    from ..engine.values import format_money

    return format_money(value)
