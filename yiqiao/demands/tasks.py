"""Background work of the demands app: tasks are just another interface calling services."""

from __future__ import annotations

from django_tasks import task

from . import resources, services


@task()
def remind_overdue() -> int:
    """Record today's reminders for overdue demands (idempotent per demand and day)."""
    return services.demand_remind_overdue()


@task()
def warm_matching_index() -> int:
    """Build the matching index of every region in advance (e.g. after a bulk import)."""
    built = resources.index_for(None)
    return len(built.index)
