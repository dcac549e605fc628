"""Run a background task worker that shows it is alive and recovers its dead peers' tasks."""

from __future__ import annotations

import threading
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection


class Command(BaseCommand):
    help = "Run a task worker (django-tasks-db) with a heartbeat and recovery of orphaned tasks."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls")
        parser.add_argument("--worker-id", default="", help="unique id (default: host-pid-random)")

    def handle(self, *args: Any, **options: Any) -> None:
        from django_tasks import DEFAULT_TASK_BACKEND_ALIAS
        from django_tasks_db.management.commands.db_worker import Worker

        from yiqiao.core.task_recovery import (
            heartbeat_seconds,
            tasks_recover,
            worker_heartbeat_beat,
            worker_heartbeat_end,
            worker_id_new,
        )

        worker_id = options["worker_id"] or worker_id_new()
        stop = threading.Event()

        def beat() -> None:
            # A thread of its own, so a long task does not stop the heartbeat.
            while not stop.is_set():
                try:
                    worker_heartbeat_beat(worker_id=worker_id)
                    tasks_recover()
                except Exception:  # noqa: BLE001 - a missed beat is retried; the worker goes on
                    self.stderr.write(f"heartbeat of {worker_id} failed; retrying")
                finally:
                    close_old_connections()
                stop.wait(heartbeat_seconds())
            connection.close()

        worker_heartbeat_beat(worker_id=worker_id)
        thread = threading.Thread(target=beat, name="yiqiao-heartbeat", daemon=True)
        thread.start()
        self.stdout.write(f"worker {worker_id} started")
        try:
            Worker(
                queue_names=["*"],
                interval=options["interval"],
                batch=False,
                backend_name=DEFAULT_TASK_BACKEND_ALIAS,
                startup_delay=True,
                max_tasks=None,
                worker_id=worker_id,
                excluded_queue_names=[],
            ).run()
        finally:
            stop.set()
            thread.join(timeout=5)
            worker_heartbeat_end(worker_id=worker_id)
