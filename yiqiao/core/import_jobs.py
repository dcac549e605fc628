"""Import jobs: an upload validated in the background, then applied once when the user confirms.

The tasks run whichever importer is registered for the job's target (see core.imports).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from .imports import Plan, import_apply, import_plan
from .models import ImportJob
from .tabular import ImportFileError, read_table
from .task_recovery import ABANDONED_MESSAGE, on_task_abandoned

REPORT_LIMIT = 5000  # rows kept in the stored report; errors are kept first


def _report(plan: Plan) -> list[dict[str, Any]]:
    errors = [o.as_report() for o in plan.outcomes if o.action == "error"]
    others = [o.as_report() for o in plan.outcomes if o.action in {"create", "update"}]
    return (errors + others)[:REPORT_LIMIT]


class ImportCancelled(ImportFileError):
    """The user cancelled the job while it ran; nothing is written."""


CANCELLED_MESSAGE = "已取消：未写入任何数据"
CRASH_MESSAGE = "处理出错，未写入任何数据；请重新上传，若再次出错请联系管理员"


def _watch(job_id: int, field: str, *, cancel_status: str) -> Any:
    """A progress callback: stores the count, and stops the task once the user cancelled."""

    def progress(n: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(**{field: n})
        if ImportJob.objects.filter(pk=job_id, status=cancel_status).exists():
            raise ImportCancelled(CANCELLED_MESSAGE)

    return progress


def _fail(job_id: int, message: str) -> None:
    ImportJob.objects.filter(
        pk=job_id, status__in=[ImportJob.Status.VALIDATING, ImportJob.Status.APPLYING]
    ).update(
        status=ImportJob.Status.FAILED, error=message, content=None, finished_at=timezone.now()
    )


@task()
def import_job_validate(job_id: int) -> None:
    """Parse and validate an uploaded file; store the row-by-row report.

    Progress is stored as rows are checked; a job the user cancelled stops at the next report.
    Any failure is recorded on the job (the task boundary), so no job stays "validating".
    """
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status != ImportJob.Status.VALIDATING:
        return  # cancelled before it started, or already done by an earlier run
    try:
        table = read_table(bytes(job.content or b""), job.filename)
        ImportJob.objects.filter(pk=job.pk).update(total_rows=len(table.rows) * 2)
        progress = _watch(job.pk, "processed_rows", cancel_status=ImportJob.Status.DISCARDED)
        plan = import_plan(target=job.target, table=table, user=job.created_by, progress=progress)
        if plan.missing_headers:
            raise ImportFileError("缺少必填列：" + "、".join(plan.missing_headers))
    except ImportCancelled:
        return
    except ImportFileError as exc:
        _fail(job.pk, str(exc))
        return
    except Exception:
        _fail(job.pk, CRASH_MESSAGE)
        raise
    ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.VALIDATING).update(
        status=ImportJob.Status.VALIDATED,
        total_rows=len(plan.outcomes),
        processed_rows=len(plan.outcomes),
        counts=plan.counts(),
        report=_report(plan),
    )


@task()
def import_job_apply(job_id: int) -> None:
    """Write the validated rows (all-or-nothing, or valid rows only) exactly once.

    The rows and the job's "done" are committed in one transaction, with the job row locked:
    a worker killed halfway leaves nothing written and the job still "applying", so the run
    that recovery starts again writes every row once; a second run after success finds the
    job done and writes nothing.
    """
    try:
        with transaction.atomic():
            job = (
                ImportJob.objects.select_for_update()
                .select_related("created_by")
                .filter(pk=job_id, status=ImportJob.Status.APPLYING)
                .first()
            )
            if job is None:
                return
            table = read_table(bytes(job.content or b""), job.filename)
            plan = import_apply(
                target=job.target, table=table, user=job.created_by, mode=job.mode or "all"
            )
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
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportJob.Status.DONE,
                counts=counts | written,
                report=_report(plan),
                processed_rows=len(plan.outcomes),
                content=None,
                finished_at=timezone.now(),
            )
    except ImportFileError as exc:
        _fail(job_id, str(exc))
        return
    except Exception:
        _fail(job_id, CRASH_MESSAGE)
        raise
    from .db import database_analyze

    database_analyze()


@on_task_abandoned(import_job_validate.module_path)
@on_task_abandoned(import_job_apply.module_path)
def _import_abandoned(args: list[Any], kwargs: dict[str, Any]) -> None:
    """Recovery gave the task up after repeated worker deaths: the job says so."""
    job_id = kwargs.get("job_id", args[0] if args else None)
    if job_id is not None:
        _fail(int(job_id), ABANDONED_MESSAGE)


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
    """Cancel a job before it writes: validated, or still validating (the running task stops
    at its next progress report). Writing is one short transaction and is not interrupted."""
    cancellable = [ImportJob.Status.VALIDATED, ImportJob.Status.VALIDATING]
    return bool(
        ImportJob.objects.filter(pk=job.pk, status__in=cancellable, created_by=by).update(
            status=ImportJob.Status.DISCARDED, content=None, finished_at=timezone.now()
        )
    )
