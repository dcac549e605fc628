"""Writes of the cultivation app, one module per topic: recognitions (rungs, evidence and the
enterprise's qualification flags and facts), criteria (dated versions of a rung's criteria),
targets (yearly targets per region), listing (the 上市后备库 and its stages), approvals
(product approvals as policy records), talent (talent teams)."""

from __future__ import annotations

from .approvals import APPROVAL_KINDS, approval_record
from .criteria import criteria_version_add
from .listing import listing_advance, listing_enter
from .recognitions import RecognitionInput, recognition_record, recognition_revoke
from .talent import TeamInput, talent_team_create
from .targets import target_set

__all__ = [
    "APPROVAL_KINDS",
    "RecognitionInput",
    "TeamInput",
    "approval_record",
    "listing_advance",
    "listing_enter",
    "talent_team_create",
    "criteria_version_add",
    "recognition_record",
    "recognition_revoke",
    "target_set",
]
