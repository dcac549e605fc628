"""Background work of the policy app: executing screening runs."""

from __future__ import annotations

from django_tasks import task

from .screening import screening_run_execute


@task()
def screening_run_task(run_id: int) -> None:
    """Execute one queued screening run (claimed once; a second enqueue does nothing)."""
    screening_run_execute(run_id)
