"""Serve YiQiao with waitress and run a background task worker beside it."""

from __future__ import annotations

import signal
import subprocess
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError


def pending_migrations() -> list[str]:
    """Migrations the database has not applied (``app.name``), in the order migrate would run."""
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{m.app_label}.{m.name}" for m, backwards in plan if not backwards]


def serve(
    *, host: str, port: int, threads: int = 8, worker: bool = True, stdout: Any = None
) -> None:
    """Block serving HTTP; a `yiqiao worker` subprocess processes background tasks meanwhile.

    A database behind the code (migrations not applied) is refused before anything is served:
    every page reading a new column would otherwise answer 500."""
    from waitress import serve as waitress_serve

    pending = pending_migrations()
    if pending:
        shown = "、".join(pending[:5]) + ("……" if len(pending) > 5 else "")
        raise CommandError(
            f"数据库尚未应用 {len(pending)} 个迁移（{shown}），请先运行 yiqiao migrate 再启动服务。"
        )

    from yiqiao.wsgi import application

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt  # run the finally below, which stops the worker too

    signal.signal(signal.SIGTERM, stop)
    process = None
    if worker:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "yiqiao.cli",
                "worker",
                "--interval",
                "1",
            ],
        )
    try:
        if stdout:
            stdout.write(f"医桥 YiQiao 正在运行：http://{host}:{port}/  （Ctrl+C 停止）\n")
        waitress_serve(application, host=host, port=port, threads=threads, ident="yiqiao")
    except KeyboardInterrupt:
        pass
    finally:
        if process is not None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


class Command(BaseCommand):
    help = "Serve the application (waitress) with a background task worker."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-worker", action="store_true", help="do not start the task worker")

    def handle(self, *args: Any, **options: Any) -> None:
        serve(
            host=options["host"],
            port=options["port"],
            worker=not options["no_worker"],
            stdout=self.stdout,
        )
