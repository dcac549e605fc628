"""A deployment beyond one process (issue 10): two app processes (waitress) and two task
workers against one PostgreSQL database. An officer signs in on one app process and uploads an
import on the other; while a worker writes it, that worker is killed (SIGKILL). The surviving
worker requeues the orphaned task and the import completes exactly once: every row written
once, none half-written, one audit event per row.

Runs in the PostgreSQL pass of `python3 dev.py test`; on SQLite it is skipped (the embedded
database serves one machine's processes, not a deployment).
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
ROWS = 6000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _database_url() -> str:
    db = connection.settings_dict
    user = urllib.parse.quote(db["USER"] or "")
    password = ":" + urllib.parse.quote(db["PASSWORD"]) if db["PASSWORD"] else ""
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{user}{password}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


def _wait(condition: Callable[[], Any], *, timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


class Browser:
    """A signed-in HTTP client over urllib with its own cookie jar (sessions live in the
    database, so one session works on both app processes)."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def get(self, url: str) -> tuple[int, str]:
        with self.opener.open(url, timeout=30) as response:
            return response.status, response.read().decode()

    def post(self, url: str, body: bytes, content_type: str) -> tuple[int, str]:
        request = urllib.request.Request(
            url,
            data=body,
            headers={"Content-Type": content_type, "X-CSRFToken": self.csrf(), "Referer": url},
        )
        with self.opener.open(request, timeout=60) as response:
            return response.status, response.url

    def post_form(self, url: str, fields: dict[str, str]) -> tuple[int, str]:
        body = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": self.csrf()}).encode()
        return self.post(url, body, "application/x-www-form-urlencoded")

    def post_file(self, url: str, fields: dict[str, str], name: str, content: bytes) -> str:
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
            for k, v in {**fields, "csrfmiddlewaretoken": self.csrf()}.items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: text/csv\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.post(url, body, f"multipart/form-data; boundary={boundary}")[1]


@pytest.fixture
def deployment(tmp_path: Path) -> Iterator[dict[str, Any]]:
    if connection.vendor != "postgresql":
        pytest.skip("deployment test needs PostgreSQL (runs in the PostgreSQL pass)")
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "YIQIAO_DATA_DIR": str(tmp_path / "var"),
        "YIQIAO_SECRET_KEY": "deployment-test-" + "k" * 50,  # the same key on every process
        "YIQIAO_WORKER_HEARTBEAT_SECONDS": "0.5",
        "YIQIAO_WORKER_STALE_SECONDS": "3",
        "PYTHONUNBUFFERED": "1",
    }
    command = [sys.executable, "-m", "yiqiao.cli"]
    ports = [_free_port(), _free_port()]
    apps = [
        subprocess.Popen(
            [*command, "serve", "--no-worker", "--port", str(port)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    workers = [
        subprocess.Popen(
            [*command, "worker", "--interval", "0.2"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(2)
    ]
    try:
        for port in ports:
            _wait(
                lambda p=port: socket.socket().connect_ex(("127.0.0.1", p)) == 0,
                timeout=60,
                what=f"app process on port {port}",
            )
        yield {"urls": [f"http://127.0.0.1:{p}" for p in ports], "workers": workers}
    finally:
        for process in apps + workers:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in apps + workers:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        connection.close()


def test_it_completes_an_import_once_when_a_worker_dies_mid_task(
    deployment: dict[str, Any], alice: Any
) -> None:
    # The test process hashes with MD5 (conftest); the deployed processes keep the default
    # hashers and would refuse that hash, so alice's password is stored as they store it.
    from django.contrib.auth.hashers import PBKDF2PasswordHasher
    from django_tasks_db.models import DBTaskResult

    from conftest import PASSWORD
    from yiqiao.core.models import AuditEvent, ImportJob
    from yiqiao.registry.models import Organisation

    alice.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    alice.save(update_fields=["password"])

    first, second = deployment["urls"]
    browser = Browser()
    browser.get(first + "/accounts/login/")
    browser.post_form(first + "/accounts/login/", {"username": "alice", "password": PASSWORD})
    status, page = browser.get(second + "/registry/organisations/")
    assert (
        status == 200 and "机构名录" in page
    )  # the session made on one process works on the other

    rows = "".join(f"部署测试{n:05d}生物科技有限公司,企业,,tp.jc.th\n" for n in range(ROWS))
    csv = ("名称*,类型,统一社会信用代码,注册区域*\n" + rows).encode()
    job_url = browser.post_file(
        second + "/registry/import/", {"target": "organisations"}, "deploy.csv", csv
    )
    job_id = int(re.search(r"/(\d+)/?$", job_url)[1])  # type: ignore[index]
    _wait(
        lambda: ImportJob.objects.get(pk=job_id).status == ImportJob.Status.VALIDATED,
        timeout=240,
        what="validation",
    )
    browser.post_form(first + f"/registry/import/{job_id}/decide/", {"decision": "all"})

    apply_path = "yiqiao.core.import_jobs.import_job_apply"
    claimed = _wait(
        lambda: DBTaskResult.objects.filter(task_path=apply_path, status="RUNNING").first(),
        timeout=60,
        what="a worker to claim the apply task",
    )
    owner = claimed.worker_ids[-1]
    pid = int(owner.split("-")[-2])
    victim = next(w for w in deployment["workers"] if w.pid == pid)
    assert Organisation.objects.filter(name__startswith="部署测试").count() == 0
    os.kill(pid, signal.SIGKILL)
    victim.wait(timeout=10)

    result = _wait(
        lambda: DBTaskResult.objects.filter(pk=claimed.pk, status="SUCCESSFUL").first(),
        timeout=300,
        what="the surviving worker to finish the import",
    )
    assert ImportJob.objects.get(pk=job_id).status == ImportJob.Status.DONE
    assert len(result.worker_ids) == 2 and result.worker_ids[0] == owner
    names = list(
        Organisation.objects.filter(name__startswith="部署测试").values_list("name", flat=True)
    )
    assert len(names) == ROWS
    assert len(set(names)) == ROWS
    assert AuditEvent.objects.filter(model="registry.organisation", action="import").count() == ROWS
    assert ImportJob.objects.get(pk=job_id).counts["created"] == ROWS
    for url in (first, second):
        query = urllib.parse.urlencode({"q": "部署测试00001"})
        status, page = browser.get(f"{url}/registry/organisations/?{query}")
        assert status == 200 and "部署测试00001生物科技有限公司" in page
