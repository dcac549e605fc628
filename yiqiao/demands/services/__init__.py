"""Writes to demands, one module per topic: intake (submission, attachments), routing (rules and
time limits), handling (the life cycle after intake), reminders. Keyword-only, atomic, audited."""

from __future__ import annotations

from yiqiao.core.transitions import StaleEditError

from .handling import (
    check_can_handle,
    demand_accept,
    demand_assign,
    demand_close,
    demand_convert,
    demand_follow_up,
    demand_reassign,
    demand_resolve,
    demand_respond,
)
from .intake import (
    ATTACHMENT_MAX_BYTES,
    ATTACHMENT_MAX_COUNT,
    ATTACHMENT_TYPES,
    DUPLICATE_WINDOW,
    SubmitResult,
    check_attachments,
    check_can_raise,
    check_text,
    demand_attach,
    demand_create_from_event,
    demand_submit,
    text_fingerprint,
)
from .reminders import (
    demand_remind_overdue,
)
from .routing import (
    DEFAULT_ACCEPT_DAYS,
    DEFAULT_RESPOND_DAYS,
    due_dates,
    route,
    routing_rule_save,
    sla_policy_save,
)

__all__ = [
    "StaleEditError",
    "ATTACHMENT_MAX_BYTES",
    "ATTACHMENT_MAX_COUNT",
    "ATTACHMENT_TYPES",
    "DEFAULT_ACCEPT_DAYS",
    "DEFAULT_RESPOND_DAYS",
    "DUPLICATE_WINDOW",
    "SubmitResult",
    "check_attachments",
    "check_can_handle",
    "check_can_raise",
    "check_text",
    "demand_accept",
    "demand_assign",
    "demand_attach",
    "demand_close",
    "demand_convert",
    "demand_create_from_event",
    "demand_follow_up",
    "demand_reassign",
    "demand_remind_overdue",
    "demand_resolve",
    "demand_respond",
    "demand_submit",
    "due_dates",
    "route",
    "routing_rule_save",
    "sla_policy_save",
    "text_fingerprint",
]
