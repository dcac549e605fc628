"""Writes of events, one module per topic: setup, invitations, registrations, meetings (one-to-one
scheduling and its background task), outcomes. Keyword-only, atomic, audited. Cross-app writes go
through the owning app's services: needs through demands, leads and signings through projects."""

from __future__ import annotations

from .invitations import (
    InvitationImportResult,
    invitation_import,
)
from .meetings import (
    INSTANT_BUDGET_S,
    build_instance,
    input_error,
    participant_add,
    participant_cancel,
    request_create,
    rule_set,
    schedule_improve,
    schedule_improve_task,
    schedule_publish,
    schedule_run,
)
from .outcomes import (
    event_signing_record,
    feedback_record,
    meeting_record_outcome,
)
from .registrations import (
    RegistrationResult,
    registration_cancel,
    registration_check_in,
    registration_organisation,
    registration_same_contact,
    registration_submit,
    registration_walk_in,
)
from .setup import (
    INVITATION_HEADERS,
    check_can_edit,
    event_create,
    event_snapshot,
    event_update_setup,
    product_add,
    roadshow_add,
    session_add,
)

__all__ = [
    "INSTANT_BUDGET_S",
    "INVITATION_HEADERS",
    "InvitationImportResult",
    "RegistrationResult",
    "build_instance",
    "check_can_edit",
    "event_create",
    "event_signing_record",
    "event_snapshot",
    "event_update_setup",
    "feedback_record",
    "input_error",
    "invitation_import",
    "meeting_record_outcome",
    "participant_add",
    "participant_cancel",
    "product_add",
    "registration_cancel",
    "registration_check_in",
    "registration_organisation",
    "registration_same_contact",
    "registration_submit",
    "registration_walk_in",
    "request_create",
    "roadshow_add",
    "rule_set",
    "schedule_improve",
    "schedule_improve_task",
    "schedule_publish",
    "schedule_run",
    "session_add",
]
