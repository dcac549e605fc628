"""What each role sees first (reads): an officer's work list, an enterprise's needs, a platform
operator's services, bookings and the translational projects at its gates.

Each list is a query through the access layer, limited to a screenful; the heading shows the
full count and links to the page that lists them all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from yiqiao.core.access import VIEW
from yiqiao.core.scope import user_scope
from yiqiao.demands import queries as demand_queries
from yiqiao.demands.models import Demand
from yiqiao.events.models import Event
from yiqiao.projects import queries as project_queries
from yiqiao.projects.models import Project, ServiceBooking, TranslationProject
from yiqiao.registry.models import Service

LIMIT = 10


@dataclass(frozen=True)
class Panel:
    """One list of a home page: rows (at most LIMIT) and the full count."""

    key: str
    title: str
    rows: list[Any]
    count: int
    empty: str


def _panel(key: str, title: str, qs: QuerySet[Any], empty: str) -> Panel:
    rows = list(qs[:LIMIT])
    count = len(rows) if len(rows) < LIMIT else qs.count()
    return Panel(key, title, rows, count, empty)


def officer_panels(user: Any, today: dt.date) -> list[Panel]:
    """Follow-ups due, overdue needs of mine or my unit, events this month, stuck projects.

    The overdue needs are the inbox's ``?time_status=overdue&mine=1`` (one query,
    demands.queries.overdue_list), the stuck projects the cockpit's 停滞项目 figure (one
    definition, projects.queries.stalled_projects), so each heading's count is the count of
    the list its "all" link opens."""
    scope = user_scope(user)
    overdue = demand_queries.overdue_list(user=user, today=today, mine=True)
    month_start = today.replace(day=1)
    next_month = (month_start + dt.timedelta(days=32)).replace(day=1)
    events = Event.objects.restrict(user, VIEW).filter(
        starts_on__gte=month_start, starts_on__lt=next_month
    )
    if scope.unit_id is not None:
        events = events.filter(owner_unit_id=scope.unit_id)
    stuck = project_queries.stalled_projects(Project.objects.restrict(user, VIEW), today)
    return [
        _panel(
            "follow-ups",
            "我的待跟进项目",
            project_queries.follow_ups_due(user=user, today=today),
            "7天内没有到期的跟进",
        ),
        _panel("overdue-needs", "我的超期需求", overdue, "没有超期的需求"),
        _panel("events", "本月活动", events.order_by("starts_on", "id"), "本月没有活动"),
        _panel(
            "stuck",
            f"停留超过{project_queries.STALLED_DAYS}天的项目",
            stuck.select_related("target_region"),
            "没有停滞的项目",
        ),
    ]


@dataclass(frozen=True)
class PolicyFit:
    """One published policy for the enterprise: the amount if it qualifies, else the data the
    policy still needs (the calculator's verdict on the organisation page)."""

    policy: Any
    amount: float | None
    missing: list[str]


def enterprise_policies(user: Any, today: dt.date) -> Panel:
    """Policies the enterprise qualifies for (with the amount) and those it would qualify for
    if data were supplied (with what is missing): the organisation page's calculator."""
    from yiqiao.policies.profiles import field_dictionary
    from yiqiao.policies.queries import organisation_calculator
    from yiqiao.registry.models import Organisation

    organisation = Organisation.objects.restrict(user, VIEW).filter(pk=user.organisation_id)
    org = organisation.first()
    if org is None:
        return Panel("policies", "我可享受的政策", [], 0, "没有可测算的机构")
    view = organisation_calculator(org, on=today)
    fields = field_dictionary()
    fits = [PolicyFit(p, c.final_amount, []) for p, c in view.eligible()]
    fits += [
        PolicyFit(
            p,
            None,
            [fields[n].label if n in fields else n for n in c.explanation.missing_fields],
        )
        for p, c in view.quick_apply()
    ]
    return Panel("policies", "我可享受的政策", fits[:LIMIT], len(fits), "暂无符合条件的政策")


def enterprise_panels(user: Any, today: dt.date | None = None) -> list[Panel]:
    """The enterprise's needs with their state and time limit; the policies it qualifies for
    and what is missing for the others."""
    needs = (
        Demand.objects.restrict(user, VIEW)
        .filter(organisation_id=user.organisation_id)
        .order_by("-created_at", "-id")
    )
    return [
        _panel("my-needs", "我的需求", needs, "还没有提出需求"),
        enterprise_policies(user, today or timezone.localdate()),
    ]


def investor_panels(user: Any) -> list[Panel]:
    """What an investor can act on: the published needs that fit its profile (the shortlist's
    engine read the other way), its invitations awaiting feedback with their 14-day time limit,
    and the meetings recorded with it."""
    from yiqiao.capital.models import InvestorMeeting, Pitch, PitchInvitation
    from yiqiao.capital.services.shortlist import investor_deal_flow

    deals = investor_deal_flow(user=user)
    awaiting = (
        PitchInvitation.objects.restrict(user, VIEW)
        .filter(feedback__isnull=True)
        .exclude(pitch__status=Pitch.Status.CANCELLED)
        .select_related("pitch__need__organisation", "pitch__event")
        .order_by("pitch__feedback_due_on", "id")
    )
    meetings = (
        InvestorMeeting.objects.restrict(user, VIEW)
        .select_related("need__organisation")
        .order_by("-held_on", "-id")
    )
    return [
        Panel(
            "deal-flow",
            "符合本机构偏好的融资需求",
            deals[:LIMIT],
            len(deals),
            "暂无符合偏好的融资需求",
        ),
        _panel("awaiting-feedback", "待反馈的路演", awaiting, "没有待反馈的路演"),
        _panel("meetings", "约见记录", meetings, "暂无约见"),
    ]


def platform_panels(user: Any) -> list[Panel]:
    """The platform's services, the bookings of them, and the projects at its gates."""
    org = user.organisation_id
    services = Service.objects.restrict(user, VIEW).filter(provider_id=org).order_by("name")
    bookings = (
        ServiceBooking.objects.restrict(user, VIEW)
        .filter(service__provider_id=org)
        .select_related("service", "project")
        .order_by("-booked_on", "-id")
    )
    projects = TranslationProject.objects.restrict(user, VIEW).order_by("-updated_at", "-id")
    return [
        _panel("services", "我的服务", services, "尚未登记服务"),
        _panel("bookings", "服务预约", bookings, "暂无预约"),
        _panel("translation", "在本平台的成果转化项目", projects, "暂无项目"),
    ]
