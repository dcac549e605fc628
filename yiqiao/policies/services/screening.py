"""Screening runs (免申即享): start one for a user's scope, and execute it in the background.

Execution builds a columnar snapshot of the register (no per-row ORM objects), screens every
included policy with the engine in one pass, and writes the results as groups of organisations
(packed ids) with a per-organisation index.
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

from .. import engine, packing
from ..models import Policy, ScreeningGroup, ScreeningIndex, ScreeningRun
from ..profiles import field_dictionary, register_snapshot
from ..versions import engine_policy


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


BATCH = 200  # result groups (or index blocks) per INSERT transaction
INDEX_BLOCK = 4096  # organisations per ScreeningIndex row (one row read per organisation)


def _group(
    number: int,
    common: dict[str, Any],
    status: str,
    rows: npt.NDArray[np.int64],
    org_ids: npt.NDArray[np.int64],
    **values: Any,
) -> ScreeningGroup:
    return ScreeningGroup(
        number=number,
        status=status,
        size=int(rows.size),
        organisations=packing.pack_ints(org_ids[rows]),
        **common,
        **values,
    )


def _policy_slices(policy_of_row: npt.NDArray[Any], n_policies: int) -> list[slice]:
    """Per policy, its slice of long-form arrays concatenated policy by policy."""
    counts = np.bincount(policy_of_row, minlength=n_policies)
    ends = np.cumsum(counts).tolist()
    return [slice(e - c, e) for e, c in zip(ends, counts.tolist(), strict=True)]


def _write_results(
    run: ScreeningRun,
    policies: list[Policy],
    result: engine.ScreeningResult,
    organisation_ids: npt.NDArray[np.int64],
) -> dict[str, int]:
    """The run's results as groups (one per policy and result; 快申快享 one per set of missing
    fields, as the single explanation lists them) and the per-organisation index of groups.

    Rows of the snapshot follow ascending organisation id, so a group's rows in ascending order
    are its organisations in ascending id. Eligible groups list larger amounts first.
    """
    fields = field_dictionary()
    org_ids = np.asarray(organisation_ids, dtype=np.int64)
    n = len(policies)
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
    groups: list[ScreeningGroup] = []
    members: list[npt.NDArray[np.int64]] = []  # ascending rows of each group, for the index

    def add(group: ScreeningGroup, rows: npt.NDArray[np.int64]) -> None:
        groups.append(group)
        members.append(rows)

    award = _policy_slices(result.award_policy, n)
    enterprises = result.award_enterprise.astype(np.int64)
    amounts, before_caps = result.award_amount, result.award_amount_before_caps
    near = _policy_slices(result.near_policy, n)
    near_rows = result.near_enterprise.astype(np.int64)
    quick = 0
    for p in range(n):
        rows = enterprises[award[p]]
        if rows.size:
            amount, before = amounts[award[p]], before_caps[award[p]]
            order = np.lexsort((rows, -amount))
            group = _group(
                len(groups), common[p], ScreeningGroup.Status.ELIGIBLE, rows[order], org_ids,
                amount=_money(float(amount.sum())), reasons="符合全部条件",
                amounts=packing.pack_floats(amount[order]),
                amounts_before_caps=packing.pack_floats(before[order]),
            )  # fmt: skip
            add(group, np.sort(rows))
        rows = result.quick_apply_rows(p)
        if rows.size:
            labels, inverse = result.quick_patterns(p)
            order = np.argsort(inverse, kind="stable")
            ends = np.cumsum(np.bincount(inverse, minlength=len(labels))).tolist()
            for k, names in enumerate(labels):
                part = rows[order[(ends[k - 1] if k else 0) : ends[k]]]
                if not part.size:
                    continue
                text = "、".join(fields[m].label if m in fields else m for m in names)
                group = _group(
                    len(groups), common[p], ScreeningGroup.Status.IF_DATA_SUPPLIED, part, org_ids,
                    missing_fields=list(names), reasons=("其余条件均满足，缺少：" + text)[:300],
                )  # fmt: skip
                add(group, part)
            quick += int(rows.size)
        rows = near_rows[near[p]]
        if rows.size:
            # The failing condition with the enterprise's value and the gap, as the enterprise
            # page words it; near_details lists the policy's rows in the order of near_*.
            details = result.near_details(p)
            order = np.argsort(rows, kind="stable")
            texts = [f"仅一项不满足：{details[k]}"[:300] for k in order.tolist()]
            group = _group(
                len(groups), common[p], ScreeningGroup.Status.NEAR_MISS, rows[order], org_ids,
                texts=texts,
            )  # fmt: skip
            add(group, rows[order])
    index = _index(run, members, org_ids)
    total, done = len(groups) + len(index), 0
    for model, objects in ((ScreeningGroup, groups), (ScreeningIndex, index)):
        for start in range(0, len(objects), BATCH):
            chunk: list[Any] = objects[start : start + BATCH]
            with transaction.atomic():
                model.objects.bulk_create(chunk)
            done += len(chunk)
            _progress(run, 60 + int(39 * done / total))
    return {"quick": quick, "near": int(result.near_enterprise.size), "groups": len(groups)}


def _index(
    run: ScreeningRun, members: list[npt.NDArray[np.int64]], org_ids: npt.NDArray[np.int64]
) -> list[ScreeningIndex]:
    """Per block of consecutive organisations, the group numbers of each organisation
    (ascending), from the groups' ascending rows: each block gathers its slice of every group
    and orders it by row with a stable radix sort of 16-bit row offsets."""
    size = int(org_ids.size)
    edges = np.append(np.arange(0, size, INDEX_BLOCK), size)
    bounds = np.stack([np.searchsorted(m, edges) for m in members]) if members else None
    out = []
    for b in range(edges.size - 1):
        start, end = int(edges[b]), int(edges[b + 1])
        if bounds is None:
            local = np.zeros(0, dtype=np.uint16)
            numbers = np.zeros(0, dtype=np.int64)
        else:
            lo, hi = bounds[:, b], bounds[:, b + 1]
            count = hi - lo
            present = np.flatnonzero(count)
            parts = [members[g][lo[g] : hi[g]] for g in present.tolist()]
            local = (
                (np.concatenate(parts) - start).astype(np.uint16)
                if parts
                else np.zeros(0, dtype=np.uint16)
            )
            numbers = np.repeat(present, count[present])
            order = np.argsort(local, kind="stable")
            local, numbers = local[order], numbers[order]
        offsets = np.cumsum(np.bincount(local, minlength=end - start))
        out.append(
            ScreeningIndex(
                run_id=run.pk,
                first_organisation_id=int(org_ids[start]),
                last_organisation_id=int(org_ids[end - 1]),
                organisations=packing.pack_ints(org_ids[start:end]),
                offsets=packing.pack_ints(offsets),
                groups=packing.pack_ints(numbers),
            )
        )
    return out


def engine_money(value: float) -> str:
    """Chinese money text as the engine writes it (``500万元``)."""
    from ..engine.values import format_money

    return format_money(value)
