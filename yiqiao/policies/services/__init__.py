"""Writes of the policies app, one module per topic: library (versions, sync, status workflow),
facts (enterprise facts), records (list-valued facts), awards (awards received and the 快申快享
application flow), screening (batch screening runs and their background task)."""

from __future__ import annotations

from .awards import (
    award_application_pay,
    award_application_review,
    award_application_submit,
    award_record,
    engine_decimal,
)
from .facts import (
    organisation_fact_set,
)
from .library import (
    SyncReport,
    TransitionError,
    policy_draft_save,
    policy_library_sync,
    policy_transition,
    policy_version_add,
    publish_problems,
)
from .records import organisation_record_add, organisation_record_remove
from .screening import (
    BATCH,
    INDEX_BLOCK,
    engine_money,
    screening_run_create,
    screening_run_execute,
    screening_run_task,
)

__all__ = [
    "BATCH",
    "INDEX_BLOCK",
    "SyncReport",
    "TransitionError",
    "award_application_pay",
    "award_application_review",
    "award_application_submit",
    "award_record",
    "engine_decimal",
    "engine_money",
    "organisation_fact_set",
    "organisation_record_add",
    "organisation_record_remove",
    "policy_draft_save",
    "policy_library_sync",
    "policy_transition",
    "policy_version_add",
    "publish_problems",
    "screening_run_create",
    "screening_run_execute",
    "screening_run_task",
]
