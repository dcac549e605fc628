"""Who may do what to events (loaded by EventsConfig.ready; see yiqiao.core.access).

Staff see the events held in their region subtree; officers and admins change them. Every row
of an event (sessions, invitations, registrations, participants, meetings, roadshows, signings)
follows its event. Anonymous registration goes through the event's public token, never an id.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from yiqiao.core.access import access_rule, staff_can, through_parent
from yiqiao.core.scope import Scope

from .models import (
    AgendaSession,
    Event,
    EventSigning,
    ExhibitedProduct,
    InvestorFeedback,
    Invitation,
    Meeting,
    MeetingRequest,
    MeetingRule,
    MeetingSeat,
    Participant,
    Registration,
    RoadshowSlot,
    Schedule,
)


@access_rule(Event)
def event_access(qs: QuerySet[Any], scope: Scope, action: str) -> QuerySet[Any]:
    if scope.everything:
        return qs
    if not staff_can(scope, action):
        return qs.none()
    return qs.filter(region_id__in=scope.region_ids)


access_rule(
    AgendaSession,
    Invitation,
    Registration,
    Participant,
    MeetingRequest,
    Schedule,
    ExhibitedProduct,
    RoadshowSlot,
    EventSigning,
)(through_parent("event", Event))
access_rule(Meeting)(through_parent("schedule__event", Event))
access_rule(MeetingSeat)(through_parent("meeting__schedule__event", Event))
access_rule(MeetingRule)(through_parent("request__event", Event))
access_rule(InvestorFeedback)(through_parent("roadshow__event", Event))
