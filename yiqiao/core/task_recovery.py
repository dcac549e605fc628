"""Orphaned background tasks: requeued when their worker died, failed visibly after repeats.

`yiqiao worker` renews a heartbeat every HEARTBEAT seconds under a worker id that starts with
WORKER_PREFIX. django-tasks-db claims a task for one worker (SELECT … FOR UPDATE SKIP LOCKED on
PostgreSQL, an EXCLUSIVE transaction on SQLite) and marks it running; if that worker dies the
row stays running forever and whatever waits on it (an import job "validating") with it. Every
live worker therefore sweeps: a running task whose worker's heartbeat is older than STALE is
put back to ready (it runs again from the start: our tasks write in one transaction, so a
killed run left nothing half-written) unless it has died MAX_ATTEMPTS times; then it is failed
and the app's failure handler marks its record failed with a message the user sees.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string

from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)

WORKER_PREFIX = "yq-"
MAX_ATTEMPTS = 3
ABANDONED_MESSAGE = "后台任务进程多次意外停止，任务已终止，未写入任何数据；请重新提交"

FailureHandler = Callable[[list[Any], dict[str, Any]], None]
_FAILURE_HANDLERS: dict[str, FailureHandler] = {}


def heartbeat_seconds() -> float:
    return float(getattr(settings, "YIQIAO_WORKER_HEARTBEAT_SECONDS", 10))


def stale_after() -> dt.timedelta:
    return dt.timedelta(seconds=float(getattr(settings, "YIQIAO_WORKER_STALE_SECONDS", 60)))


def worker_id_new() -> str:
    """A worker id that says where the worker runs (host and process) and is unique."""
    host = socket.gethostname().split(".")[0][:20]
    return f"{WORKER_PREFIX}{host}-{os.getpid()}-{get_random_string(6)}"


def on_task_abandoned(task_path: str) -> Callable[[FailureHandler], FailureHandler]:
    """Register what to do with a task's record when the task is given up (args, kwargs)."""

    def register(handler: FailureHandler) -> FailureHandler:
        _FAILURE_HANDLERS[task_path] = handler
        return handler

    return register


def worker_heartbeat_beat(*, worker_id: str) -> None:
    """Renew this worker's heartbeat."""
    updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(seen_at=timezone.now())
    if not updated:
        WorkerHeartbeat.objects.create(worker_id=worker_id, seen_at=timezone.now())


def worker_heartbeat_end(*, worker_id: str) -> None:
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def tasks_recover(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Requeue or fail the running tasks whose worker stopped beating. Safe to run from every
    worker at once: each change is a conditional update on the row as it was read."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    alive = set(
        WorkerHeartbeat.objects.filter(seen_at__gte=now - stale_after()).values_list(
            "worker_id", flat=True
        )
    )
    counts = {"requeued": 0, "failed": 0}
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
    for result in running.only("id", "worker_ids", "started_at", "task_path", "args_kwargs"):
        owner = result.worker_ids[-1] if result.worker_ids else ""
        if not owner.startswith(WORKER_PREFIX) or owner in alive:
            continue  # a worker that does not beat (not ours), or one that is alive
        if result.started_at and result.started_at > now - stale_after():
            continue  # claimed moments ago: its worker may not have beaten yet
        same = DBTaskResult.objects.filter(
            pk=result.pk, status=TaskResultStatus.RUNNING, worker_ids=result.worker_ids
        )
        with transaction.atomic():
            if len(result.worker_ids) < MAX_ATTEMPTS:
                if same.update(status=TaskResultStatus.READY, started_at=None):
                    counts["requeued"] += 1
                    logger.warning("task %s requeued: worker %s stopped", result.pk, owner)
                continue
            if same.update(status=TaskResultStatus.FAILED, finished_at=now):
                counts["failed"] += 1
                handler = _FAILURE_HANDLERS.get(result.task_path)
                if handler is not None:
                    data = result.args_kwargs or {}
                    handler(list(data.get("args", [])), dict(data.get("kwargs", {})))
    WorkerHeartbeat.objects.filter(seen_at__lt=now - 10 * stale_after()).delete()
    return counts
