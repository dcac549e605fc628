"""Database upkeep shared by bulk loads."""

from __future__ import annotations

from django.db import connection


def database_analyze(*, full: bool = False) -> None:
    """Refresh the planner's statistics after a bulk load.

    Without statistics SQLite's planner prefers the foreign-key indexes for the register's
    scope filter and sorts 100,000 rows per page instead of walking the covering index in
    order. `full` runs ANALYZE over everything (after the demo load); otherwise SQLite's
    `PRAGMA optimize` re-analyses only tables that changed enough (after an import).
    """
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("ANALYZE" if full else "PRAGMA optimize")
        elif connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
