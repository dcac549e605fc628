"""The event funnel (活动成效): invited → registered → attended → meetings held → needs → leads
→ signings → landed, the last two at 30, 90 and 180 days after each event.

The first six steps count what happened at the events that ended in the period. Signings and
landings take time, so each horizon N counts the events that ended in the twelve months up to
N days before the as-of day (so every one of them has had its full N days), and counts what
the projects linked to those events reached by N days after the event's last day.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from yiqiao.core.kpi import Kpi, RecordSet
from yiqiao.demands.models import Demand
from yiqiao.events.models import Event, EventSigning, Invitation, Meeting, Registration
from yiqiao.events.queries import OUTCOME_DAYS
from yiqiao.projects.models import Milestone, Project, Signing

from .context import KpiContext
from .registry import KpiSpec, register

ROLLING_DAYS = 365


def _events(ctx: KpiContext, start: dt.date, end: dt.date) -> QuerySet[Any]:
    return ctx.in_region(ctx.scoped(Event), "region").filter(ends_on__gte=start, ends_on__lte=end)


def _linked_projects(ctx: KpiContext, events: QuerySet[Any]) -> QuerySet[Any]:
    """Projects the events produced: linked to one of their meetings or signed at one of them
    (scoped like every other project figure)."""
    ids = events.values("pk")
    from_meetings = Meeting.objects.filter(schedule__event__in=ids, project__isnull=False).values(
        "project_id"
    )
    from_signings = EventSigning.objects.filter(event__in=ids).values("project_id")
    return ctx.scoped(Project).filter(Q(pk__in=from_meetings) | Q(pk__in=from_signings))


def _count(
    ctx: KpiContext, spec: KpiSpec, model: str, qs: QuerySet[Any], period: str, empty: str
) -> Kpi:
    # One COUNT query; the ids are listed (a page at a time) only when the tile is opened.
    ids = qs.order_by("id").values_list("id", flat=True).distinct()
    n = ids.count()
    return Kpi(
        key=spec.key,
        label=spec.label,
        value=n,
        unit=spec.unit,
        period=period,
        definition=spec.definition,
        records=RecordSet(model, qs=ids, count=n),
        why_empty="" if n else empty,
    )


def _period_events(ctx: KpiContext) -> QuerySet[Any]:
    return _events(ctx, ctx.start, ctx.as_of)


def _no_events(ctx: KpiContext) -> str:
    return _("%(start)s至%(end)s没有结束的活动") % {
        "start": f"{ctx.start:%Y-%m-%d}",
        "end": f"{ctx.as_of:%Y-%m-%d}",
    }


def invited(ctx: KpiContext) -> Kpi:
    events = _period_events(ctx)
    qs = ctx.scoped(Invitation).filter(event__in=events.values("pk"))
    why = _("期间内的活动没有登记邀请名单") if events.exists() else _no_events(ctx)
    return _count(ctx, INVITED, "events.Invitation", qs, ctx.period, why)


def registered(ctx: KpiContext) -> Kpi:
    events = _period_events(ctx)
    qs = ctx.scoped(Registration).filter(
        event__in=events.values("pk"), status=Registration.Status.REGISTERED
    )
    why = _("期间内的活动没有有效报名") if events.exists() else _no_events(ctx)
    return _count(ctx, REGISTERED, "events.Registration", qs, ctx.period, why)


def attended(ctx: KpiContext) -> Kpi:
    events = _period_events(ctx)
    qs = ctx.scoped(Registration).filter(
        event__in=events.values("pk"),
        status=Registration.Status.REGISTERED,
        checked_in_at__isnull=False,
    )
    why = _("期间内的活动没有签到记录") if events.exists() else _no_events(ctx)
    return _count(ctx, ATTENDED, "events.Registration", qs, ctx.period, why)


def meetings_held(ctx: KpiContext) -> Kpi:
    events = _period_events(ctx)
    qs = ctx.scoped(Meeting).filter(
        schedule__event__in=events.values("pk"),
        schedule__is_published=True,
        status=Meeting.Status.HELD,
    )
    why = _("期间内的活动没有登记已举行的洽谈") if events.exists() else _no_events(ctx)
    return _count(ctx, MEETINGS_HELD, "events.Meeting", qs, ctx.period, why)


def needs(ctx: KpiContext) -> Kpi:
    events = _period_events(ctx)
    qs = ctx.scoped(Demand).filter(source_event_id__in=events.values("pk"))
    why = _("期间内的活动没有收集到企业需求") if events.exists() else _no_events(ctx)
    return _count(ctx, NEEDS, "demands.Demand", qs, ctx.period, why)


def leads(ctx: KpiContext) -> Kpi:
    events = _period_events(ctx)
    qs = _linked_projects(ctx, events)
    why = _("期间内的活动没有关联到招商项目") if events.exists() else _no_events(ctx)
    return _count(ctx, LEADS, "projects.Project", qs, ctx.period, why)


def _horizon_events(ctx: KpiContext, days: int) -> tuple[QuerySet[Any], str]:
    last = ctx.days_before(days)
    first = last - dt.timedelta(days=ROLLING_DAYS - 1)
    return _events(ctx, first, last), f"{first:%Y-%m-%d}/{last:%Y-%m-%d}"


def _event_links(
    ctx: KpiContext, events: QuerySet[Any]
) -> dict[int, list[tuple[dt.date, dt.date]]]:
    """Each linked project (scoped) → the (start, end) days of the events it came from: two
    queries (links through meetings, links through event signings) whatever the number of
    events."""
    visible = ctx.scoped(Project).values("pk")
    windows: dict[int, list[tuple[dt.date, dt.date]]] = {}
    through_meetings = Meeting.objects.filter(
        schedule__event__in=events.values("pk"), project__isnull=False, project__in=visible
    ).values_list("project_id", "schedule__event__starts_on", "schedule__event__ends_on")
    through_signings = EventSigning.objects.filter(
        event__in=events.values("pk"), project__in=visible
    ).values_list("project_id", "event__starts_on", "event__ends_on")
    for rows in (through_meetings, through_signings):
        for project_id, starts_on, ends_on in rows.distinct():
            windows.setdefault(project_id, []).append((starts_on, ends_on))
    return windows


def _by_horizon(ctx: KpiContext, days: int, what: str) -> Kpi:
    spec = SIGNED_AFTER[days] if what == "signings" else LANDED_AFTER[days]
    events, period = _horizon_events(ctx, days)
    model = "projects.Signing" if what == "signings" else "projects.Project"
    # The signing and the landing figure of one horizon share its events' links (kept for
    # this context only: one page or one command run).
    memo = f"events.links.{days}"
    if memo not in ctx.memo:
        ctx.memo[memo] = (_event_links(ctx, events), events.exists())
    windows, had_events = ctx.memo[memo]
    # The same queries whatever the data: whether there were events, then what each linked
    # project reached within some event's window (one query over the linked projects'
    # signings or registrations; the windows compared here).
    linked = _linked_projects(ctx, events).values("pk")
    found: set[int] = set()
    if what == "signings":
        for pk, project_id, signed_on in Signing.objects.filter(
            project__in=linked, repeat_of__isnull=True, signed_on__lte=ctx.as_of
        ).values_list("pk", "project_id", "signed_on"):
            if any(
                starts_on <= signed_on <= ends_on + dt.timedelta(days=days)
                for starts_on, ends_on in windows.get(project_id, ())
            ):
                found.add(pk)
        why = _("这些活动关联的项目在活动结束后%(days)s天内没有签约") % {"days": days}
    else:
        for project_id, achieved_on in Milestone.objects.filter(
            project__in=linked, kind=Milestone.Kind.REGISTERED, achieved_on__lte=ctx.as_of
        ).values_list("project_id", "achieved_on"):
            if any(
                achieved_on <= ends_on + dt.timedelta(days=days)
                for _starts_on, ends_on in windows.get(project_id, ())
            ):
                found.add(project_id)
        why = _("这些活动关联的项目在活动结束后%(days)s天内没有注册落地") % {"days": days}
    if not had_events:
        start, _slash, end = period.partition("/")
        why = _("%(start)s至%(end)s没有结束的活动（需活动结束满%(days)s天）") % {
            "start": start,
            "end": end,
            "days": days,
        }
    elif not windows:
        why = _("这些活动没有关联到招商项目")
    return Kpi(
        key=spec.key,
        label=spec.label,
        value=len(found),
        unit=spec.unit,
        period=period,
        definition=spec.definition,
        records=RecordSet(model, sorted(found)),
        why_empty="" if found else why,
    )


def _horizon_compute(days: int, what: str) -> Any:
    def compute(ctx: KpiContext) -> Kpi:
        return _by_horizon(ctx, days, what)

    return compute


SCOPE_NOTE = "统计期间内结束的活动（按活动结束日期）"
INVITED = register(
    KpiSpec(
        key="events.invited",
        label="活动邀请",
        unit="家",
        group="events",
        definition=f"{SCOPE_NOTE}登记的邀请名单条数（每家受邀机构计一次）。",
        source="活动邀请名单",
        compute=invited,
    )
)
REGISTERED = register(
    KpiSpec(
        key="events.registered",
        label="活动报名",
        unit="人",
        group="events",
        definition=f"{SCOPE_NOTE}的有效报名数（已取消的报名不计）。",
        source="活动报名（有效报名）",
        compute=registered,
    )
)
ATTENDED = register(
    KpiSpec(
        key="events.attended",
        label="活动签到",
        unit="人",
        group="events",
        definition=f"{SCOPE_NOTE}的有效报名中已现场签到的人数。",
        source="活动报名的签到时间",
        compute=attended,
    )
)
MEETINGS_HELD = register(
    KpiSpec(
        key="events.meetings_held",
        label="洽谈举行",
        unit="场",
        group="events",
        definition=f"{SCOPE_NOTE}已发布排程中结果登记为“已举行”的一对一洽谈场次。",
        source="对接会谈（结果为“已举行”）",
        compute=meetings_held,
    )
)
NEEDS = register(
    KpiSpec(
        key="events.needs",
        label="活动收集需求",
        unit="件",
        group="events",
        definition=f"{SCOPE_NOTE}中收集、以该活动为来源登记的企业需求件数。",
        source="企业需求的来源活动",
        compute=needs,
    )
)
LEADS = register(
    KpiSpec(
        key="events.leads",
        label="活动产生线索",
        unit="个",
        group="events",
        definition=(
            f"{SCOPE_NOTE}产生的招商项目个数：在活动洽谈中登记了关联项目、或在活动上签约的项目，"
            "每个项目只计一次。"
        ),
        source="对接会谈的关联项目；活动签约的项目",
        compute=leads,
    )
)
SIGNED_AFTER: dict[int, KpiSpec] = {}
LANDED_AFTER: dict[int, KpiSpec] = {}
for _days in OUTCOME_DAYS:
    SIGNED_AFTER[_days] = register(
        KpiSpec(
            key=f"events.signings_{_days}d",
            label=f"活动后{_days}天签约",
            unit="笔",
            group="events",
            definition=(
                f"统计日前{_days}天为止的12个月内结束的活动，其产生的项目（同“活动产生线索”）自活动开始至活动结束后"
                f"{_days}天内签订的协议笔数；重复签约只计首次。只统计已满{_days}天的活动，"
                "所以每场活动的观察期相同。"
            ),
            source="签约记录的签约日期；活动结束日期",
            compute=_horizon_compute(_days, "signings"),
        )
    )
    LANDED_AFTER[_days] = register(
        KpiSpec(
            key=f"events.landed_{_days}d",
            label=f"活动后{_days}天注册落地",
            unit="个",
            group="events",
            definition=(
                f"统计日前{_days}天为止的12个月内结束的活动，其产生的项目中在活动结束后{_days}天内"
                "登记了“注册落地”节点的项目个数。"
            ),
            source="“注册落地”落地节点的日期；活动结束日期",
            compute=_horizon_compute(_days, "landed"),
        )
    )
