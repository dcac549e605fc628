"""One-to-one meeting scheduler for promotion events (pure: no Django, no other apps).

Entry points: :func:`schedule_instant`, :func:`schedule_improve`,
:func:`replan_after_cancellation`, :func:`score_meetings`; the command line lives in ``cli``.
"""

from .generator import generate_instance
from .model import (
    Forbid,
    InputProblem,
    Instance,
    Meeting,
    MeetingRequest,
    ObjectiveBreakdown,
    Participant,
    Pin,
    Schedule,
    ScheduleInputError,
    instance_from_json,
    instance_to_json,
    schedule_to_json,
)
from .scheduler import replan_after_cancellation, schedule_improve, schedule_instant
from .scoring import find_violations, score_meetings
from .validate import validate

__all__ = [
    "Forbid",
    "InputProblem",
    "Instance",
    "Meeting",
    "MeetingRequest",
    "ObjectiveBreakdown",
    "Participant",
    "Pin",
    "Schedule",
    "ScheduleInputError",
    "find_violations",
    "generate_instance",
    "instance_from_json",
    "instance_to_json",
    "replan_after_cancellation",
    "schedule_improve",
    "schedule_instant",
    "schedule_to_json",
    "score_meetings",
    "validate",
]
