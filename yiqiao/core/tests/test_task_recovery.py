"""Background work survives its worker (issue 10, H4): a task whose worker died is requeued,
given up visibly after repeated deaths; a crash or a cancel is recorded on the job."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from yiqiao.core import import_jobs
from yiqiao.core.models import ImportJob, WorkerHeartbeat
from yiqiao.core.task_recovery import ABANDONED_MESSAGE, tasks_recover, worker_heartbeat_beat

pytestmark = pytest.mark.django_db

CSV = "名称*,类型,统一社会信用代码,注册区域*\n甲生物科技有限公司,企业,,tp.jc.th\n".encode()


@pytest.fixture
def database_tasks(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _running_job(alice: Any, workers: list[str], started: dt.datetime) -> tuple[Any, Any]:
    job = ImportJob.objects.create(
        target="organisations", filename="a.csv", content=CSV, created_by=alice
    )
    result = import_jobs.import_job_validate.enqueue(job.pk)
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING, worker_ids=workers, started_at=started
    )
    return job, DBTaskResult.objects.get(pk=result.id)


def test_it_requeues_a_task_whose_worker_stopped_beating(alice: Any, database_tasks: Any) -> None:
    long_ago = timezone.now() - dt.timedelta(minutes=5)
    WorkerHeartbeat.objects.create(worker_id="yq-host-1-dead", seen_at=long_ago)
    job, result = _running_job(alice, ["yq-host-1-dead"], long_ago)
    assert tasks_recover() == {"requeued": 1, "failed": 0}
    result.refresh_from_db()
    assert result.status == TaskResultStatus.READY
    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALIDATING  # waits for the next worker


def test_it_leaves_the_task_of_a_live_worker_alone(alice: Any, database_tasks: Any) -> None:
    worker_heartbeat_beat(worker_id="yq-host-2-live")
    _job, result = _running_job(
        alice, ["yq-host-2-live"], timezone.now() - dt.timedelta(minutes=30)
    )
    assert tasks_recover() == {"requeued": 0, "failed": 0}
    result.refresh_from_db()
    assert result.status == TaskResultStatus.RUNNING


def test_it_leaves_workers_without_heartbeats_alone(alice: Any, database_tasks: Any) -> None:
    _job, result = _running_job(
        alice, ["a-plain-db-worker"], timezone.now() - dt.timedelta(hours=1)
    )
    assert tasks_recover() == {"requeued": 0, "failed": 0}


def test_it_fails_the_job_visibly_after_three_dead_workers(alice: Any, database_tasks: Any) -> None:
    long_ago = timezone.now() - dt.timedelta(minutes=5)
    workers = ["yq-h-1-a", "yq-h-2-b", "yq-h-3-c"]
    job, result = _running_job(alice, workers, long_ago)
    assert tasks_recover() == {"requeued": 0, "failed": 1}
    result.refresh_from_db()
    assert result.status == TaskResultStatus.FAILED
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert job.error == ABANDONED_MESSAGE


def test_it_records_a_crash_on_the_job(alice: Any, monkeypatch: Any) -> None:
    job = ImportJob.objects.create(
        target="organisations", filename="a.csv", content=CSV, created_by=alice
    )

    def crash(**kwargs: Any) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(import_jobs, "import_plan", crash)
    with pytest.raises(RuntimeError):
        import_jobs.import_job_validate.call(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert job.error == import_jobs.CRASH_MESSAGE


def test_it_stops_validating_once_the_user_cancels(alice: Any) -> None:
    job = ImportJob.objects.create(
        target="organisations", filename="a.csv", content=CSV, created_by=alice
    )
    assert import_jobs.import_job_discard(job=job, by=alice) is True
    progress = import_jobs._watch(job.pk, "processed_rows", cancel_status="discarded")
    with pytest.raises(import_jobs.ImportCancelled):
        progress(500)
    import_jobs.import_job_validate.call(job.pk)  # a run that starts after the cancel
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DISCARDED
    assert job.counts == {}
