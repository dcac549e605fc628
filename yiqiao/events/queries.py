"""Reads of events. All permission scoping for events lives here.

Events are seen by staff whose region scope covers the event's region (the owner unit's
region); other districts' officers see none (404). An outside organisation's user sees only
the events its organisation attends, through `attended_events` and `attendance` (public facts,
programme, its own registrations and invitation).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from yiqiao.core.scope import Scope, user_scope

from .models import (
    Event,
    EventSigning,
    Meeting,
    MeetingRequest,
    Participant,
    Registration,
    Schedule,
)

OUTCOME_DAYS = (30, 90, 180)


def _visible_events(scope: Scope) -> QuerySet[Event]:
    qs = Event.objects.all()
    if scope.everything:
        return qs
    if not scope.is_staff_role:
        return qs.none()
    return qs.filter(region_id__in=scope.region_ids)


def event_list(*, user: Any, q: str = "", kind: str = "") -> QuerySet[Event]:
    """Events in the user's scope with registration and attendance counts (one query)."""
    qs = _visible_events(user_scope(user))
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(city__icontains=q) | Q(theme__icontains=q))
    if kind:
        qs = qs.filter(kind=kind)
    active = Q(registrations__status=Registration.Status.REGISTERED)
    return (
        qs.select_related("owner_unit")
        .annotate(
            registered=Count("registrations", filter=active, distinct=True),
            attended=Count(
                "registrations",
                filter=active & Q(registrations__checked_in_at__isnull=False),
                distinct=True,
            ),
        )
        .order_by("-starts_on", "-id")
    )


def access_event(user: Any, event_id: int, *, for_edit: bool = False) -> Event:
    """One event the user may see (404 otherwise); with for_edit, may change it (403)."""
    event = (
        _visible_events(user_scope(user))
        .select_related("owner_unit", "region")
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        raise Http404("活动不存在或无权查看")
    if for_edit and not (user.is_superuser or user.can_edit_register):
        raise PermissionDenied("当前角色无权修改活动")
    return event


def attended_events(user: Any) -> QuerySet[Event]:
    """The events an outside organisation's user takes part in (its organisation registered or
    was invited), newest first; staff get their visible events (see events.access)."""
    from .access import ATTEND

    return Event.objects.restrict(user, ATTEND).order_by("-starts_on", "-id")


@dataclass
class Attendance:
    """What an outside organisation's user may read of one event it attends."""

    event: Event
    sessions: list[Any]
    registrations: list[Registration]
    invited: bool


def attendance(user: Any, event_id: int) -> Attendance:
    """One event the user's organisation attends (404 otherwise) with the programme and the
    organisation's own registrations and invitation, all through the access layer."""
    from .access import ATTEND
    from .models import AgendaSession, Invitation

    event = attended_events(user).filter(pk=event_id).first()
    if event is None:
        raise Http404("活动不存在或无权查看")
    return Attendance(
        event=event,
        sessions=list(AgendaSession.objects.restrict(user, ATTEND).filter(event=event)),
        registrations=list(
            Registration.objects.restrict(user, ATTEND).filter(event=event).order_by("id")
        ),
        invited=Invitation.objects.restrict(user, ATTEND).filter(event=event).exists(),
    )


def event_by_registration_token(token: str) -> Event:
    """The event of a public registration link (404 for an unknown token)."""
    event = Event.objects.filter(registration_token=token).first()
    if event is None or not token:
        raise Http404("报名链接无效")
    return event


def access_registration(user: Any, registration_id: int) -> Registration:
    reg = (
        Registration.objects.select_related("event", "organisation")
        .filter(pk=registration_id, event__in=_visible_events(user_scope(user)))
        .first()
    )
    if reg is None:
        raise Http404("报名不存在或无权查看")
    return reg


def access_registration_by_token(user: Any, token: str) -> Registration:
    reg = (
        Registration.objects.select_related("event")
        .filter(checkin_token=token, event__in=_visible_events(user_scope(user)))
        .first()
    )
    if reg is None:
        raise Http404("签到码无效或无权查看")
    return reg


def access_meeting(user: Any, meeting_id: int) -> Meeting:
    meeting = (
        Meeting.objects.select_related(
            "schedule__event",
            "request__requester__registration",
            "request__invitee__registration",
            "demand",
            "project",
            "follow_up_owner",
        )
        .filter(pk=meeting_id, schedule__event__in=_visible_events(user_scope(user)))
        .first()
    )
    if meeting is None:
        raise Http404("会谈不存在或无权查看")
    return meeting


def access_participant(user: Any, participant_id: int) -> Participant:
    participant = (
        Participant.objects.select_related("event", "registration")
        .filter(pk=participant_id, event__in=_visible_events(user_scope(user)))
        .first()
    )
    if participant is None:
        raise Http404("参与方不存在或无权查看")
    return participant


def access_schedule(user: Any, schedule_id: int) -> Schedule:
    schedule = (
        Schedule.objects.select_related("event")
        .filter(pk=schedule_id, event__in=_visible_events(user_scope(user)))
        .first()
    )
    if schedule is None:
        raise Http404("日程方案不存在或无权查看")
    return schedule


def access_request(user: Any, request_id: int) -> MeetingRequest:
    req = (
        MeetingRequest.objects.select_related("event")
        .filter(pk=request_id, event__in=_visible_events(user_scope(user)))
        .first()
    )
    if req is None:
        raise Http404("对接请求不存在或无权查看")
    return req


def registrations(event: Event, q: str = "") -> QuerySet[Registration]:
    qs = event.registrations.select_related("organisation")
    if q:
        qs = qs.filter(Q(organisation_name__icontains=q) | Q(contact_name__icontains=q))
    return qs.order_by("organisation_name", "id")


def participants(event: Event) -> list[Participant]:
    return list(event.participants.select_related("registration").order_by("id"))


def meeting_requests(event: Event) -> list[MeetingRequest]:
    return list(
        MeetingRequest.objects.filter(event=event)
        .select_related("requester__registration", "invitee__registration", "rule")
        .order_by("id")
    )


def current_schedule(event: Event) -> Schedule | None:
    """The published version, else the latest one."""
    return (
        event.schedules.filter(is_published=True).first()
        or event.schedules.order_by("-version").first()
    )


def schedule_meetings(schedule: Schedule) -> list[Meeting]:
    return list(
        schedule.meetings.select_related(
            "request__requester__registration",
            "request__invitee__registration",
            "demand",
            "project",
            "follow_up_owner",
        ).order_by("slot", "table")
    )


def agenda(schedule: Schedule, participant: Participant) -> list[dict[str, Any]]:
    """A participant's meetings in time order, with the counterpart and table."""
    rows = []
    for m in schedule_meetings(schedule):
        req = m.request
        if participant.pk not in (req.requester_id, req.invitee_id):
            continue
        other = req.invitee if req.requester_id == participant.pk else req.requester
        rows.append(
            {
                "slot": m.slot,
                "time": schedule.event.slot_label(m.slot),
                "table": m.table + 1,
                "counterpart": other.name,
                "topic": req.topic,
                "status": m.get_status_display(),
            }
        )
    return rows


# ---- signings and the headline ---------------------------------------------------------------


@dataclass
class Headline:
    """The event's signing figures, computed from its agreement records."""

    projects: int = 0
    amounts: dict[str, Decimal] = field(default_factory=dict)
    agreements: int = 0
    repeated: list[EventSigning] = field(default_factory=list)

    def amount_text(self) -> str:
        from django.utils.translation import get_language

        if (get_language() or "").startswith("en"):
            from yiqiao.core.templatetags.yiqiao import money

            amounts = sorted(self.amounts.items())
            return ", ".join(money(amount, currency) for currency, amount in amounts) or money(
                0, "CNY"
            )
        parts = []
        for currency, amount in sorted(self.amounts.items()):
            unit = "亿元" if currency == "CNY" else f"亿{currency}"
            parts.append(f"{(amount / Decimal(100_000_000)).quantize(Decimal('0.01'))} {unit}")
        return "，".join(parts) or "0 亿元"


def _event_order(event: Event) -> tuple[dt.date, int]:
    return (event.starts_on, event.pk)


def headline(event: Event, user: Any = None) -> tuple[Headline, list[EventSigning]]:
    """Projects and amounts signed at the event, counting each agreement once ever.

    A row is a repeat, left out of the count and the amounts, when its project was already
    signed at an earlier event (by date, then creation), or when its agreement repeats an
    earlier one (projects.engine.repeats: the same project or the same parties, the same
    amount). Each repeat carries `repeat_evidence`, the earlier record it repeats, so summing
    the headlines of several events never counts an agreement twice and says why. Given the
    reading `user`, the evidence names an earlier event or project only if the user may see it.
    """
    from yiqiao.core.templatetags.yiqiao import money
    from yiqiao.projects.queries import repeat_evidence

    rows = list(
        event.signings.select_related("project", "signing__repeat_of__project").order_by("id")
    )
    project_ids = [r.project_id for r in rows]
    earlier: dict[int, EventSigning] = {}
    for row in (
        EventSigning.objects.filter(project_id__in=project_ids)
        .exclude(event=event)
        .filter(
            Q(event__starts_on__lt=event.starts_on)
            | Q(event__starts_on=event.starts_on, event_id__lt=event.pk)
        )
        .select_related("event")
        .order_by("event__starts_on", "event_id", "id")
    ):
        earlier.setdefault(row.project_id, row)
    result = Headline(agreements=len(rows))
    counted: set[int] = set()
    seen_events, seen_projects = _visible_ids(user, rows, earlier)
    for r in rows:
        evidence = ""
        if r.signing.repeat_of_id is not None:
            original = r.signing.repeat_of
            evidence = repeat_evidence(
                r.signing,
                visible=seen_projects is None
                or (original is not None and original.project_id in seen_projects),
            )
        elif r.project_id in earlier and not (
            seen_events is None or earlier[r.project_id].event_id in seen_events
        ):
            evidence = _("该项目此前已在其他单位的活动签约，本次不重复计入")
        elif r.project_id in earlier:
            first = earlier[r.project_id]
            evidence = _(
                "该项目已于 {day} 在“{event}”签约（{amount}，签约方：{parties}），本次不重复计入"
            ).format(
                day=f"{first.event.starts_on:%Y-%m-%d}",
                event=first.event.title,
                amount=money(first.amount, first.currency),
                parties=first.parties,
            )
        r.is_repeat = bool(evidence)  # type: ignore[attr-defined]
        r.repeat_evidence = evidence  # type: ignore[attr-defined]
        if evidence:
            result.repeated.append(r)
            continue
        result.amounts[r.currency] = result.amounts.get(r.currency, Decimal(0)) + r.amount
        if r.project_id not in counted:
            counted.add(r.project_id)
            result.projects += r.project_count
    return result, rows


def _visible_ids(
    user: Any, rows: list[EventSigning], earlier: dict[int, EventSigning]
) -> tuple[set[int] | None, set[int] | None]:
    """The earlier events and original projects the user may see (None: all, no user given);
    queried only when there are repeats to explain."""
    if user is None:
        return None, None
    from yiqiao.projects.models import Project

    event_ids = {e.event_id for e in earlier.values()}
    originals = {r.signing.repeat_of.project_id for r in rows if r.signing.repeat_of is not None}
    events = (
        set(_visible_events(user_scope(user)).filter(pk__in=event_ids).values_list("pk", flat=True))
        if event_ids
        else set()
    )
    projects = (
        set(
            Project.objects.restrict(user, "view")
            .filter(pk__in=originals)
            .values_list("pk", flat=True)
        )
        if originals
        else set()
    )
    return events, projects


# ---- the report ----------------------------------------------------------------------------


def report(event: Event, today: dt.date, user: Any = None) -> dict[str, Any]:
    """Figures of the event report in a fixed number of queries."""
    from yiqiao.demands.models import Demand
    from yiqiao.projects.models import StageChange

    regs = event.registrations.aggregate(
        registered=Count("id", filter=Q(status=Registration.Status.REGISTERED)),
        cancelled=Count("id", filter=Q(status=Registration.Status.CANCELLED)),
        attended=Count(
            "id",
            filter=Q(status=Registration.Status.REGISTERED, checked_in_at__isnull=False),
        ),
        invited=Count("invitation", distinct=True),
    )
    regs["invitations"] = event.invitations.count()
    requests = MeetingRequest.objects.filter(event=event).aggregate(
        total=Count("id"), mutual=Count("id", filter=Q(is_mutual=True))
    )
    schedule = event.schedules.filter(is_published=True).first()
    meetings: dict[str, Any] = {"scheduled": 0, "held": 0, "no_show": 0}
    follow_ups = {"due": 0, "overdue": 0, "done": 0}
    linked_projects: set[int] = set()
    if schedule is not None:
        rows = schedule.meetings.values_list(
            "status", "follow_up_on", "follow_up_done_on", "project_id"
        )
        for status, due, done, project_id in rows:
            meetings["scheduled"] += 1
            if status == Meeting.Status.HELD:
                meetings["held"] += 1
            elif status == Meeting.Status.NO_SHOW:
                meetings["no_show"] += 1
            if done is not None:
                follow_ups["done"] += 1
            elif due is not None:
                follow_ups["due"] += 1
                if due < today:
                    follow_ups["overdue"] += 1
            if project_id:
                linked_projects.add(project_id)
    demands = list(
        Demand.objects.filter(source_event_id=event.pk)
        .select_related("organisation")
        .order_by("id")
    )
    demand_states: dict[str, int] = defaultdict(int)
    for d in demands:
        demand_states[d.get_state_display()] += 1
    figures, signings = headline(event, user)
    per_currency: dict[str, Decimal] = defaultdict(Decimal)
    for s in signings:
        per_currency[s.currency] += s.amount
    linked_projects |= {s.project_id for s in signings}
    changes = list(
        StageChange.objects.filter(
            project_id__in=linked_projects, changed_on__gt=event.ends_on
        ).values_list("project_id", "changed_on", "to_stage")
    )
    outcomes = []
    for days in OUTCOME_DAYS:
        # An event at the end of the calendar (9999-12-31) has no later horizon to reach.
        horizon = event.ends_on + dt.timedelta(days=min(days, (dt.date.max - event.ends_on).days))
        advanced = {pid for pid, on, stage in changes if on <= horizon and stage != "lost"}
        converted = sum(
            1 for d in demands if d.converted_at is not None and d.converted_at.date() <= horizon
        )
        outcomes.append(
            {
                "days": days,
                "until": horizon,
                "is_reached": horizon <= today,
                "projects_advanced": len(advanced),
                "needs_converted": converted,
            }
        )
    return {
        "registrations": regs,
        "requests": requests,
        "schedule": schedule,
        "meetings": meetings,
        "follow_ups": follow_ups,
        "demands": demands,
        "demand_states": dict(demand_states),
        "headline": figures,
        "signings": signings,
        "signed_per_currency": dict(per_currency),
        "outcomes": outcomes,
    }


def organisation_registrations(*, user: Any, organisation: Any, limit: int = 20) -> list[Any]:
    """An organisation's registrations at events the user may see, newest first."""
    return list(
        Registration.objects.filter(
            organisation=organisation, event__in=_visible_events(user_scope(user))
        )
        .select_related("event")
        .order_by("-event__starts_on", "-id")[:limit]
    )
