"""Writes of the projects app, one module per topic: pipeline (investment projects and their stage),
records (activities, signings, milestones), translational (成果转化 projects: gates, bookings,
funding, company formation), ledger (the project ledger importer and export), checks."""

from __future__ import annotations

from yiqiao.core.transitions import StaleEditError

from .checks import (
    ATTACHMENT_MAX_BYTES,
    ATTACHMENT_TYPES,
    check_amount,
    check_attachment,
    check_not_future,
)
from .ledger import (
    COLUMNS,
    SIMPLE_FIELDS,
    WAN,
    ProjectLedgerImporter,
    export_rows,
)
from .pipeline import (
    M2M,
    TransitionRefused,
    project_advance_stage,
    project_create,
    project_create_lead,
    project_facts,
    project_update,
)
from .records import (
    activity_record,
    milestone_record,
    signing_record,
)
from .translational import (
    form_company,
    funding_convert,
    funding_tranche_add,
    service_booking_close,
    service_booking_create,
    translation_create,
    translation_pass_gate,
)

__all__ = [
    "StaleEditError",
    "ATTACHMENT_MAX_BYTES",
    "ATTACHMENT_TYPES",
    "COLUMNS",
    "M2M",
    "ProjectLedgerImporter",
    "SIMPLE_FIELDS",
    "TransitionRefused",
    "WAN",
    "activity_record",
    "check_amount",
    "check_attachment",
    "check_not_future",
    "export_rows",
    "form_company",
    "funding_convert",
    "funding_tranche_add",
    "milestone_record",
    "project_advance_stage",
    "project_create",
    "project_create_lead",
    "project_facts",
    "project_update",
    "service_booking_close",
    "service_booking_create",
    "signing_record",
    "translation_create",
    "translation_pass_gate",
]
