"""Background work of the demands app: tasks are just another interface calling services."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def remind_overdue() -> int:
    """Record today's reminders for overdue demands (idempotent per demand and day)."""
    return services.demand_remind_overdue()


@task()
def warm_matching_index() -> int:
    """Build the matching catalogue and index in advance (e.g. after a bulk import): the district
    with the most spaces, as of today, as the need page and ``yiqiao demands match`` read it.
    Returns the number of resources indexed."""
    from django.utils import timezone

    from .management.commands.demands_match import default_district
    from .matching import catalogue_for

    return len(catalogue_for(default_district(), timezone.localdate()).candidates)
