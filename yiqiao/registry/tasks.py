"""Background work of the register: validating and applying imports."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from yiqiao.core.models import ImportJob
from yiqiao.core.tabular import ImportFileError, read_table

from .imports import Plan, import_apply, import_plan

REPORT_LIMIT = 5000  # rows kept in the stored report; errors are kept first


def _settings_limits() -> dict[str, int]:
    from django.conf import settings

    return {
        "max_bytes": settings.YIQIAO_IMPORT_MAX_BYTES,
        "max_rows": settings.YIQIAO_IMPORT_MAX_ROWS,
    }


def _report(plan: Plan) -> list[dict[str, Any]]:
    errors = [o.as_report() for o in plan.outcomes if o.action == "error"]
    others = [o.as_report() for o in plan.outcomes if o.action in {"create", "update"}]
    return (errors + others)[:REPORT_LIMIT]


@task()
def import_job_validate(job_id: int) -> None:
    """Parse and validate an uploaded file; store the row-by-row report."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    try:
        table = read_table(bytes(job.content or b""), job.filename, **_settings_limits())
        ImportJob.objects.filter(pk=job.pk).update(total_rows=len(table.rows) * 2)

        def progress(n: int) -> None:
            ImportJob.objects.filter(pk=job.pk).update(processed_rows=n)

        plan = import_plan(target=job.target, table=table, user=job.created_by, progress=progress)
        if plan.missing_headers:
            raise ImportFileError("缺少必填列：" + "、".join(plan.missing_headers))
    except ImportFileError as exc:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED, error=str(exc), content=None, finished_at=timezone.now()
        )
        return
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.VALIDATED,
        total_rows=len(plan.outcomes),
        processed_rows=len(plan.outcomes),
        counts=plan.counts(),
        report=_report(plan),
    )


@task()
def import_job_apply(job_id: int) -> None:
    """Write the validated rows (all-or-nothing, or valid rows only) once."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status != ImportJob.Status.APPLYING:
        return
    try:
        table = read_table(bytes(job.content or b""), job.filename, **_settings_limits())
        plan = import_apply(
            target=job.target, table=table, user=job.created_by, mode=job.mode or "all"
        )
    except ImportFileError as exc:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED, error=str(exc), finished_at=timezone.now()
        )
        return
    if job.mode == ImportJob.Mode.ALL and plan.has_errors:
        # The data changed between validation and apply so that a row no longer passes.
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.VALIDATED,
            counts=plan.counts(),
            report=_report(plan),
            error="数据在校验后发生变化，部分行已不再有效；未写入任何数据，请重新确认",
        )
        return
    counts = plan.counts()
    written = {"created": counts["create"], "updated": counts["update"]}
    from yiqiao.core.db import database_analyze

    database_analyze()
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.DONE,
        counts=counts | written,
        report=_report(plan),
        processed_rows=len(plan.outcomes),
        content=None,
        finished_at=timezone.now(),
    )


def import_job_create(*, target: str, filename: str, content: bytes, by: Any) -> ImportJob:
    """Store an upload and start validating it in the background."""
    job = ImportJob.objects.create(
        target=target, filename=filename[:200], content=content, created_by=by
    )
    transaction.on_commit(lambda: import_job_validate.enqueue(job.pk))
    return job


def import_job_start_apply(*, job: ImportJob, mode: str, by: Any) -> bool:
    """Claim a validated job for writing; False if it was already claimed or is not ready."""
    if mode not in ImportJob.Mode.values:
        return False
    if mode == ImportJob.Mode.ALL and (job.counts or {}).get("error"):
        return False
    claimed = ImportJob.objects.filter(
        pk=job.pk, status=ImportJob.Status.VALIDATED, created_by=by
    ).update(status=ImportJob.Status.APPLYING, mode=mode, error="")
    if claimed:
        transaction.on_commit(lambda: import_job_apply.enqueue(job.pk))
    return bool(claimed)


def import_job_discard(*, job: ImportJob, by: Any) -> bool:
    return bool(
        ImportJob.objects.filter(
            pk=job.pk, status=ImportJob.Status.VALIDATED, created_by=by
        ).update(status=ImportJob.Status.DISCARDED, content=None, finished_at=timezone.now())
    )
