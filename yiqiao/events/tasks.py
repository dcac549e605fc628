"""Background work of events: improving a schedule within its time limit."""

from __future__ import annotations

from django_tasks import task


@task()
def schedule_improve_task(schedule_id: int) -> None:
    """Improve a stored instant schedule (see ``meetings.schedule_improve``)."""
    from .meetings import schedule_improve

    schedule_improve(schedule_id=schedule_id)
