"""Rebuild and verify the summary rows behind the cockpit's fast figures.

Each domain app keeps its own summary rows in the transaction of the change that moves them
(``projects.summary``: signings, first signings, projects by stage) and can recount them from
its raw tables. Here the cockpit's command runs them all: ``yiqiao kpis rebuild`` replaces the
rows by the recount (after a bulk load that bypassed the services), ``--verify`` compares
without writing and names every difference.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from yiqiao.demands import summary as demands_summary
from yiqiao.projects import summary as projects_summary

SUMMARIES: dict[str, tuple[Callable[[], int], Callable[[], list[str]]]] = {
    "projects": (projects_summary.rebuild, projects_summary.verify),
    "needs": (demands_summary.rebuild, demands_summary.verify),
}


def rebuild_all() -> dict[str, int]:
    """Replace every summary row by a recount (one transaction per app's rows)."""
    written = {}
    for name, (rebuild, _verify) in SUMMARIES.items():
        with transaction.atomic():
            written[name] = rebuild()
    return written


def verify_all() -> dict[str, list[str]]:
    """Every difference between the stored rows and a recount, per app (empty: they agree)."""
    found = {}
    for name, (_rebuild, verify) in SUMMARIES.items():
        with transaction.atomic():
            found[name] = verify()
    return found
