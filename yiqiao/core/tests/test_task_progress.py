"""Long tasks report their progress as they go (issue 10, "bounded work"): an import being
validated stores how many rows it has checked, and the job's page, polled by the browser, shows
the rising percentage until the job is done."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from yiqiao.core import import_jobs
from yiqiao.core.models import ImportJob

pytestmark = pytest.mark.django_db

ROWS = 1_200  # progress is stored every 500 rows checked


def _csv(rows: int) -> bytes:
    lines = ["名称*,类型,统一社会信用代码,注册区域*"]
    lines += [f"进度测试{i:04d}生物科技有限公司,企业,,tp.jc.th" for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def _shown_percent(client: Any, job: ImportJob) -> tuple[int | None, bool]:
    """The percentage the polled job fragment shows, and whether it keeps polling."""
    html = client.get(reverse("registry:import-job", args=[job.pk]), HTTP_HX_REQUEST="true")
    text = html.content.decode()
    found = re.search(r'<progress max="100" value="(\d+)"', text)
    return (int(found.group(1)) if found else None), "every 1s" in text


def test_it_reports_an_imports_progress_while_it_validates(
    alice: Any, regions: dict[str, Any], client_for: Any, monkeypatch: Any
) -> None:
    client = client_for(alice)
    job = ImportJob.objects.create(
        target="organisations", filename="many.csv", content=_csv(ROWS), created_by=alice
    )
    assert _shown_percent(client, job) == (0, True)  # queued: a bar at 0 and polling

    seen: list[tuple[int, int, int | None, bool]] = []
    watch = import_jobs._watch

    def watching(job_id: int, field: str, *, cancel_status: str) -> Any:
        report = watch(job_id, field, cancel_status=cancel_status)

        def progress(n: int) -> None:
            report(n)
            stored = ImportJob.objects.get(pk=job_id)
            seen.append((n, stored.processed_rows, *_shown_percent(client, stored)))

        return progress

    monkeypatch.setattr(import_jobs, "_watch", watching)
    import_jobs.import_job_validate.call(job.pk)

    assert len(seen) >= 3, seen
    stored = [s[1] for s in seen]
    assert stored == [s[0] for s in seen]  # every report is stored as it is made
    assert stored == sorted(stored) and stored[0] > 0
    shown = [s[2] for s in seen if s[2] is not None]
    assert len(shown) == len(seen)  # a progress bar every time
    assert any(0 < p < 100 for p in shown), shown  # partway, not only 0/100
    assert shown == sorted(shown)  # never goes back
    assert all(s[3] for s in seen)  # the page keeps polling while the job runs
    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALIDATED
    assert job.progress_percent == 100 and job.processed_rows == ROWS
    assert _shown_percent(client, job) == (None, False)  # done: no bar, no more polling
