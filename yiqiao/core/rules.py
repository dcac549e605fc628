"""Access rules of core's own models (loaded by CoreConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .access import VIEW, access_rule
from .models import AuditEvent, ImportJob, WorkerHeartbeat
from .scope import Scope


@access_rule(AuditEvent)
def audit_event_access(qs: QuerySet[Any], scope: Scope, action: str) -> QuerySet[Any]:
    """Audit events are never changed. Reading one goes through its record: the audit trail
    page checks the record with the record's own rule first; listing events across records is
    for superusers only."""
    return qs if scope.everything and action == VIEW else qs.none()


@access_rule(ImportJob)
def import_job_access(qs: QuerySet[Any], scope: Scope, action: str) -> QuerySet[Any]:
    """An import job belongs to the user who uploaded it."""
    if scope.everything:
        return qs
    return qs.filter(created_by_id=scope.user_id) if scope.can_edit else qs.none()


@access_rule(WorkerHeartbeat)
def worker_heartbeat_access(qs: QuerySet[Any], scope: Scope, action: str) -> QuerySet[Any]:
    """Workers' heartbeats are the machinery's own; superusers may read them."""
    return qs if scope.everything and action == VIEW else qs.none()
