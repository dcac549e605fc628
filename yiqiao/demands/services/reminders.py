"""Daily reminders of overdue needs (one per assignee and day)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from yiqiao.core.audit import audit_record, snapshot
from yiqiao.core.models import AuditEvent

from ..engine import workflow
from ..models import (
    Demand,
    Reminder,
)

# ---- reminders ----------------------------------------------------------------------------


def demand_remind_overdue(*, today: date | None = None) -> int:
    """Record one reminder per overdue demand per day for its assignee (or its unit).

    Healthchecks style: each demand is claimed with a conditional UPDATE on ``reminded_on``, so
    two runs on the same day (or two workers) never remind twice. Returns reminders written.
    """
    from django.db.models import Q

    today = today or timezone.localdate()
    overdue = Demand.objects.filter(
        Q(state=workflow.SUBMITTED, accept_due__lt=today)
        | Q(state__in=workflow.OPEN_STATES, respond_due__lt=today)
    ).filter(Q(reminded_on__isnull=True) | Q(reminded_on__lt=today))
    written = 0
    for demand_id in list(overdue.values_list("pk", flat=True)[:10_000]):
        with transaction.atomic():
            claimed = (
                Demand.objects.filter(pk=demand_id)
                .filter(Q(reminded_on__isnull=True) | Q(reminded_on__lt=today))
                .update(reminded_on=today)
            )
            if not claimed:
                continue
            demand = Demand.objects.select_related("assignee", "unit").get(pk=demand_id)
            which = "受理" if demand.state == workflow.SUBMITTED else "响应"
            due = demand.accept_due if demand.state == workflow.SUBMITTED else demand.respond_due
            reminder = Reminder.objects.create(
                demand=demand,
                recipient=demand.assignee,
                unit=demand.unit,
                day=today,
                message=f"需求#{demand.pk}“{demand.title[:40]}”已超过{which}时限（{due}），请尽快办理",
            )
            audit_record(
                actor=None,
                action=AuditEvent.Action.CREATE,
                instance=reminder,
                after=snapshot(reminder),
                note="超期提醒",
            )
            written += 1
    return written
