"""Who may do what to events (loaded by EventsConfig.ready; see yiqiao.core.access).

Staff see the events held in their region subtree; officers and admins change them. Every row
of an event (sessions, invitations, registrations, participants, meetings, roadshows, signings)
follows its event. Anonymous registration goes through the event's public token, never an id.

An outside organisation's user (enterprise, platform, investor) `attend`s the events its
organisation registered for or was invited to: it reads their public facts and programme and
its own registrations and invitation; nothing of other registrants, meetings or signings.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from yiqiao.core.access import VIEW, Rule, access_rule, staff_can, through_parent
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

#: The action of an outside organisation's user on the events it takes part in: the event's
#: public facts and its own registrations and invitation, never other registrants' rows.
ATTEND = "attend"


@access_rule(Event)
def event_access(qs: QuerySet[Any], scope: Scope, action: str) -> QuerySet[Any]:
    if scope.everything:
        return qs
    if action == ATTEND and not scope.is_staff_role:
        if scope.organisation_id is None:
            return qs.none()
        org = scope.organisation_id
        mine = Event.objects.filter(
            Q(registrations__organisation_id=org) | Q(invitations__organisation_id=org)
        )
        return qs.filter(pk__in=mine.values("pk"))
    if not staff_can(scope, VIEW if action == ATTEND else action):
        return qs.none()
    return qs.filter(region_id__in=scope.region_ids)


_through_event = through_parent("event", Event)


def own_or_through_event(qs: QuerySet[Any], scope: Scope, action: str) -> QuerySet[Any]:
    """Staff: the rows of the events they may `action`. An outside organisation's user, to
    attend: its own organisation's rows (registrations, invitation) of its events."""
    if action != ATTEND:
        return _through_event(qs, scope, action)
    if scope.everything or scope.is_staff_role:
        return _through_event(qs, scope, VIEW)
    if scope.organisation_id is None:
        return qs.none()
    return qs.filter(organisation_id=scope.organisation_id)


def _event_rows(field: str) -> Rule:
    """Rows of an event that are its organiser's business (other registrants, meetings,
    signings, feedback): staff through the event; attending the event never reaches them."""
    through = through_parent(field, Event)

    def rule(qs: QuerySet[Any], scope: Scope, action: str) -> QuerySet[Any]:
        return qs.none() if action == ATTEND else through(qs, scope, action)

    return rule


access_rule(Invitation, Registration)(own_or_through_event)
# The programme is the event's public face: whoever attends the event reads it.
access_rule(AgendaSession)(_through_event)
access_rule(Participant, MeetingRequest, Schedule, ExhibitedProduct, RoadshowSlot, EventSigning)(
    _event_rows("event")
)
access_rule(Meeting)(_event_rows("schedule__event"))
access_rule(MeetingSeat)(_event_rows("meeting__schedule__event"))
access_rule(MeetingRule)(_event_rows("request__event"))
access_rule(InvestorFeedback)(_event_rows("roadshow__event"))
