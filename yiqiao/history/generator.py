"""Two and a half years of the demo district, made by the product's own services.

``history_demo`` runs after the register (organisations, users, spaces, services) is loaded. It
sets a simulated clock to about thirty months before today and lets the district live: officers
create events weeks ahead, organisations register, one-to-one meetings are scheduled and held,
needs heard there are routed, answered (on time, late or never), converted, closed and followed
up; investment projects move from lead to production or are lost, signed at conferences or at
the desk, with landing milestones on time, late, partly or never; translational projects pass
their gates with service bookings and grants. Every write goes through a service while the clock
says it is the moment it happened, so created times, audit times and "today" checks agree.

Deterministic for a seed and a run date (not the time of day: the history ends at the midnight
that starts today): every random choice comes from one ``random.Random``
drawn in the timeline's order, and the timeline orders equal moments by scheduling order.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from yiqiao.accounts.models import User
from yiqiao.core.clock import SimulatedClock, simulated_clock
from yiqiao.core.tabular import Table
from yiqiao.core.uscc import uscc_make
from yiqiao.cultivation import services as cultivation_services
from yiqiao.cultivation.models import Recognition
from yiqiao.demands import services as demand_services
from yiqiao.demands.engine import workflow
from yiqiao.demands.models import Demand
from yiqiao.demo.generators import DemoContext
from yiqiao.events import services as event_services
from yiqiao.events.models import Event, Meeting, Registration
from yiqiao.intel import services as intel_services
from yiqiao.policies import queries as policy_queries
from yiqiao.policies import services as policy_services
from yiqiao.policies.models import AwardApplication, Policy
from yiqiao.projects import services as project_services
from yiqiao.projects.engine import gates
from yiqiao.projects.models import Project, Stage, TranslationProject
from yiqiao.registry import services as registry_services
from yiqiao.registry.models import Organisation, Region, Service

from . import texts
from .timeline import Timeline

#: Length of the history, in days before today.
HISTORY_DAYS = 900
#: Events are announced this many days ahead, so some of the history's last ones are upcoming.
UPCOMING_DAYS = 40
YI = Decimal(100_000_000)
WAN = Decimal(10_000)


@dataclass
class HistorySummary:
    """What the history wrote (counts by kind) and how long it took."""

    started_on: dt.date
    ended_on: dt.date
    events: int = 0
    invitations: int = 0
    registrations: int = 0
    meetings: int = 0
    projects: int = 0
    signings: int = 0
    repeat_signings: list[int] = field(default_factory=list)
    lost: int = 0
    milestones: int = 0
    needs: int = 0
    overdue_needs: int = 0
    translational: int = 0
    articles: int = 0
    recognitions: int = 0
    approvals: int = 0
    teams: int = 0
    screenings: int = 0
    awards: int = 0
    leads: int = 0
    steps: int = 0
    seconds: float = 0.0


def history_end(today: dt.date) -> dt.datetime:
    """The history's last moment: local midnight that starts `today` (the same for any time of
    the run on that day, and never after the real present)."""
    return timezone.make_aware(dt.datetime.combine(today, dt.time(0, 0))) - dt.timedelta(minutes=1)


def history_present() -> bool:
    return Event.objects.exists() or Demand.objects.exists()


def history_demo(context: DemoContext) -> HistorySummary:
    """The history's part of `yiqiao demo` (see the module docstring); one transaction."""
    started = time.perf_counter()
    today = timezone.localdate()
    factor = max(0.25, context.scale / 3000) if context.scale else 0.25
    with transaction.atomic():
        history = _History(random.Random(context.seed * 1000 + 18), today=today, factor=factor)
        summary = history.run()
    summary.seconds = round(time.perf_counter() - started, 1)
    context.notes.append(
        f"示范区历程（{summary.started_on:%Y-%m-%d} 至 {summary.ended_on:%Y-%m-%d}）："
        f"{summary.events} 场活动、{summary.invitations} 家次邀请、{summary.registrations} 家次报名、{summary.meetings} 场一对一会谈、"
        f"{summary.projects} 个招商项目（{summary.signings} 次签约，其中重复签约 "
        f"{len(summary.repeat_signings)} 次；{summary.lost} 个终止）、{summary.milestones} 个落地节点、"
        f"{summary.needs} 条企业需求（{summary.overdue_needs} 条超期）、"
        f"{summary.translational} 个成果转化项目、{summary.articles} 篇资讯（{summary.leads} 条转为线索）、"
        f"{summary.recognitions} 次梯度认定、{summary.approvals} 张注册证、{summary.teams} 个人才团队、"
        f"{summary.screenings} 次政策筛查（{summary.awards} 笔奖补兑付）"
        f"（{summary.seconds:.0f} 秒）"
    )
    return summary


def _chinese_name(rng: random.Random) -> str:
    return rng.choice(texts.SURNAMES) + "".join(rng.choice(texts.GIVEN) for _ in range(2))


def _phone(rng: random.Random) -> str:
    return "1" + rng.choice("3589") + "".join(rng.choice("0123456789") for _ in range(9))


def _log_uniform(rng: random.Random, low: float, high: float) -> float:
    return math.exp(rng.uniform(math.log(low), math.log(high)))


def _round_wan(value: float, step: int = 100) -> Decimal:
    """A round amount in yuan: a whole number of `step` 万元."""
    return Decimal(max(step, int(round(value / 10_000 / step)) * step)) * WAN


_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _landed_uscc(serial: int) -> str:
    """A valid credit code of a company registered in the demo district (invented body)."""
    digits = []
    n = 700_000 + serial
    for _ in range(6):
        n, r = divmod(n, 31)
        digits.append(_USCC_ALPHABET[r])
    body = "MA" + "".join(reversed(digits))
    values = [int(c) if c.isdigit() else ord(c) - 55 for c in body]
    check = 11 - sum(v * w for v, w in zip(values, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    check_char = "X" if check == 10 else "0" if check == 11 else str(check)
    return uscc_make("91569107" + body + check_char)


def _organisation(participant: Any) -> Organisation:
    """The register organisation of a participant added from a linked registration."""
    return participant.registration.organisation


class _History:
    def __init__(self, rng: random.Random, *, today: dt.date, factor: float) -> None:
        self.rng = rng
        self.today = today
        self.factor = factor
        self.start = today - dt.timedelta(days=HISTORY_DAYS)
        self.summary = HistorySummary(started_on=self.start, ended_on=today)
        self.users = {u.username: u for u in User.objects.filter(org_unit__isnull=False)}
        self.officer = self.users["officer"]
        self.park = self.users.get("park", self.officer)
        self.enterprise_user = self.users.get("enterprise")
        self.district = Region.objects.get(code="xs.jc.th")
        self.parks = list(Region.objects.filter(code__startswith="xs.jc.th.").order_by("code")) or [
            self.district
        ]
        district_orgs = Organisation.objects.filter(region__code__startswith="xs.jc.th").order_by(
            "id"
        )
        self.local_enterprises = list(district_orgs.filter(kind=Organisation.Kind.ENTERPRISE))
        self.local_platforms = list(district_orgs.filter(kind=Organisation.Kind.PLATFORM))
        self.origins = list(
            Organisation.objects.filter(
                kind__in=[Organisation.Kind.HOSPITAL, Organisation.Kind.UNIVERSITY]
            ).order_by("id")
        )
        self.investors = list(
            Organisation.objects.filter(kind=Organisation.Kind.INVESTOR).order_by("id")
        )
        self.outside: dict[str, list[Organisation]] = {}
        for _city, code in texts.PROMOTION_CITIES:
            if code and code not in self.outside:
                self.outside[code] = list(
                    Organisation.objects.filter(
                        kind=Organisation.Kind.ENTERPRISE, region__code__startswith=code
                    ).order_by("id")[:400]
                )
        self.outside_all = [o for orgs in self.outside.values() for o in orgs]
        self.services = list(Service.objects.order_by("id"))
        self.landed_serial = 0
        self.event_serial: dict[str, int] = {}
        # Projects waiting for a signing ceremony: (ready day, project id, amount, parties).
        self.ready_to_sign: list[tuple[dt.date, int, Decimal, str]] = []
        # Signed at an event: (event id, day, project id, amount, parties), for the repeat.
        self.event_signed: list[tuple[int, dt.date, int, Decimal, str]] = []
        self.repeats_made = 0
        self.articles_left = self.count(8)
        self.approval_serial = 0
        self.evidence_serial = 0
        # Demand ids and negated project ids whose story is under way (a need heard twice is
        # one need: the service returns the first).
        self.stories: set[int] = set()

    # ---- time --------------------------------------------------------------------------------
    @property
    def now(self) -> dt.datetime:
        return self.clock.now()

    @property
    def day(self) -> dt.date:
        return self.clock.today()

    def moment(self, day: dt.date, hour: int | None = None) -> dt.datetime:
        """A working-hours moment on `day` (weekends move to Monday)."""
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
        h = hour if hour is not None else self.rng.randint(9, 16)
        minute = self.rng.choice((0, 10, 20, 30, 40, 50))
        return timezone.make_aware(dt.datetime.combine(day, dt.time(h, minute)))

    def later(self, days_low: int, days_high: int, action: Callable[[], None]) -> bool:
        day = self.day + dt.timedelta(days=self.rng.randint(days_low, days_high))
        return self.timeline.at(self.moment(day), action)

    def count(self, base: float) -> int:
        return max(1, int(round(base * self.factor)))

    # ---- the run -------------------------------------------------------------------------------
    def run(self) -> HistorySummary:
        # The history ends where today begins, not at the real moment of the run: with the real
        # time as the end, a build at 08:00 and one at 18:00 of the same day differed by the
        # day's working hours (registrations, answers, milestones dropped by one, kept by the
        # other). Today's working hours belong to the people using the demo.
        end = history_end(self.today)
        with simulated_clock(self.moment(self.start, 8)) as clock:
            self.clock: SimulatedClock = clock
            self.timeline = Timeline(clock, end=end)
            self.plan_events()
            self.plan_projects()
            self.plan_needs()
            self.plan_translational()
            self.plan_ladder()
            self.plan_news()
            self.plan_policies()
            self.timeline.run()
        self.summary.steps = self.timeline.steps
        self.summary.overdue_needs = sum(
            1 for d in Demand.objects.order_by("id") if d.is_overdue(self.today)
        )
        return self.summary

    # ---- events ------------------------------------------------------------------------------
    def plan_events(self) -> None:
        """An event every two to four weeks over the history, announced weeks ahead; the
        kinds rotate so every kind happens every few months."""
        kinds = ["promotion", "matchmaking", "signing", "roadshow", "promotion", "salon"]
        day = self.start + dt.timedelta(days=35)
        gap = min(40, max(6, int(24 / self.factor)))
        days = []
        while day <= self.today - dt.timedelta(days=3):
            days.append(day)
            day += dt.timedelta(days=self.rng.randint(max(4, gap - 8), gap + 8))
        # and two announced but still to come
        days.append(self.today + dt.timedelta(days=self.rng.randint(8, 16)))
        days.append(self.today + dt.timedelta(days=self.rng.randint(24, UPCOMING_DAYS)))
        for index, day in enumerate(days):
            kind = kinds[index % len(kinds)]
            announce = day - dt.timedelta(days=self.rng.randint(21, 35))
            self.timeline.at(self.moment(announce, 10), partial(self.event_announce, kind, day))

    def event_announce(self, kind: str, starts_on: dt.date) -> None:
        rng = self.rng
        n = self.event_serial[kind] = self.event_serial.get(kind, 0) + 1
        if kind == "promotion":
            city, region_code = texts.PROMOTION_CITIES[(n - 1) % len(texts.PROMOTION_CITIES)]
        else:
            city, region_code = texts.HOME_CITY, ""
        title_pattern, theme = rng.choice(texts.EVENT_PATTERNS[kind])
        topic = rng.choice(texts.SALON_TOPICS)
        title = title_pattern.format(city=city, n=n, year=starts_on.year, topic=topic)
        by = self.park if kind == "salon" and rng.random() < 0.5 else self.officer
        event = event_services.event_create(
            by=by,
            title=title,
            kind=kind,
            city=city,
            starts_on=starts_on,
            theme=theme.format(topic=topic),
            venue=rng.choice(texts.VENUES[city]),
            capacity=200,
            is_invitation_only=False,
            slot_count=6,
            table_count=4,
        )
        self.summary.events += 1
        base = dt.datetime.combine(starts_on, dt.time(9, 30))
        for offset, (session_kind, session_title, speaker) in enumerate(texts.AGENDA):
            if kind == "roadshow" and session_kind == "sharing":
                session_kind, session_title = "roadshow", "创新项目路演"
            begins = timezone.make_aware(base + dt.timedelta(minutes=50 * offset))
            event_services.session_add(
                event=event,
                by=by,
                kind=session_kind,
                title=session_title,
                starts_at=begins,
                ends_at=begins + dt.timedelta(minutes=45),
                speaker=speaker,
            )
        # Who comes: for a conference elsewhere mostly that city's companies; at home the
        # district's companies, platforms and investors.
        if region_code and self.outside.get(region_code):
            pool = self.outside[region_code]
            guests = rng.sample(pool, min(len(pool), self.count(14)))
            guests += rng.sample(self.investors, min(len(self.investors), 2))
        else:
            guests = rng.sample(
                self.local_enterprises, min(len(self.local_enterprises), self.count(12))
            )
            guests += rng.sample(self.local_platforms, min(len(self.local_platforms), 2))
            guests += rng.sample(self.investors, min(len(self.investors), 3))
            if kind == "promotion":
                guests += rng.sample(self.outside_all, min(len(self.outside_all), self.count(8)))
        # The invitation list the bureau imports: every guest above (they register) and, from
        # the same pool, as many again as a third of them who are asked but do not come.
        pool_left = [
            o
            for o in (self.outside.get(region_code) if region_code else None)
            or self.local_enterprises
            if o not in guests
        ]
        invited = list(dict.fromkeys(guests + pool_left[: max(2, len(guests) // 3)]))
        event_services.invitation_import(
            event=event,
            table=Table(
                headers=["机构名称", "统一社会信用代码"],
                rows=[(i + 2, [o.name, o.uscc or ""]) for i, o in enumerate(invited)],
                encoding="utf-8",
            ),
            by=by,
        )
        self.summary.invitations += len(invited)
        announced = self.day
        span = max(1, (starts_on - announced).days - 2)
        for org in guests:
            when = announced + dt.timedelta(days=rng.randint(1, span))
            self.timeline.at(self.moment(when), partial(self.register, event, org))
        prep = starts_on - dt.timedelta(days=2)
        self.timeline.at(self.moment(prep, 16), partial(self.event_prepare, event))
        self.timeline.at(self.moment(starts_on, 9), partial(self.event_day, event))
        self.timeline.at(
            self.moment(starts_on + dt.timedelta(days=1), 10), partial(self.event_after, event)
        )

    def register(self, event: Event, org: Organisation) -> None:
        result = event_services.registration_submit(
            event=event,
            organisation_name=org.name,
            uscc=org.uscc or "",
            contact_name=_chinese_name(self.rng),
            contact_title=self.rng.choice(texts.TITLES),
            contact_phone=_phone(self.rng),
            attendees=self.rng.randint(1, 3),
            interests=event.theme,
        )
        if not result.is_existing:
            self.summary.registrations += 1

    def event_prepare(self, event: Event) -> None:
        """Two days before: a few cancel, the rest meet departments and each other."""
        rng = self.rng
        by = event.created_by or self.officer
        active = list(
            event.registrations.filter(status=Registration.Status.REGISTERED).order_by("id")
        )
        for registration in active:
            if rng.random() < 0.06:
                event_services.registration_cancel(registration=registration, by=by)
        active = [r for r in active if r.status == Registration.Status.REGISTERED]
        active = list(
            event.registrations.filter(
                status=Registration.Status.REGISTERED, organisation__isnull=False
            ).order_by("id")
        )
        if len(active) < 2:
            return
        departments = [
            event_services.participant_add(event=event, by=by, department_name=name)
            for name in texts.DEPARTMENTS[: 2 if event.kind != "promotion" else 1]
        ]
        people = [
            event_services.participant_add(
                event=event,
                by=by,
                registration=r,
                first_slot=rng.choice((0, 0, 1)),
                last_slot=rng.choice((4, 5, 5)),
            )
            for r in active
        ]
        investors = [p for p in people if _organisation(p).kind == Organisation.Kind.INVESTOR]
        for participant in people:
            targets = departments + [p for p in investors if p.pk != participant.pk]
            for invitee in rng.sample(targets, min(len(targets), rng.randint(1, 2))):
                try:
                    event_services.request_create(
                        event=event,
                        by=by,
                        requester_id=participant.pk,
                        invitee_id=invitee.pk,
                        topic=event.theme[:60],
                    )
                except ValidationError:
                    continue  # an investor both sides asked for: already mutual
        schedule = event_services.schedule_run(event=event, by=by, instant_budget_s=0)
        event_services.schedule_publish(schedule=schedule, by=by)

    def event_day(self, event: Event) -> None:
        rng = self.rng
        by = event.created_by or self.officer
        for registration in event.registrations.filter(
            status=Registration.Status.REGISTERED
        ).order_by("id"):
            if rng.random() < 0.85:
                event_services.registration_check_in(
                    registration=registration,
                    by=by,
                    now=self.now + dt.timedelta(minutes=rng.randint(0, 50)),
                )
        if event.kind in ("promotion", "signing"):
            self.clock.advance(hours=6)
            self.event_signings(event)
            if self.articles_left > 0 and event.signings.exists():
                self.articles_left -= 1
                self.later(1, 3, partial(self.news_of_event, event))
        if event.kind == "roadshow":
            self.roadshow(event)

    def event_signings(self, event: Event) -> None:
        """Projects whose negotiation is done sign at the next conference or ceremony."""
        due = [item for item in self.ready_to_sign if item[0] <= self.day]
        limit = 6 if event.kind == "signing" else 3
        for item in due[:limit]:
            self.ready_to_sign.remove(item)
            _ready, project_id, amount, parties = item
            project = Project.objects.get(pk=project_id)
            if project.stage != Stage.NEGOTIATING:
                continue
            record = event_services.event_signing_record(
                event=event,
                by=event.created_by or self.officer,
                agreement_type="investment",
                amount=amount,
                currency="CNY",
                parties=parties,
                project=project,
                fields=project.description[:60],
            )
            self.summary.signings += 1
            self.event_signed.append((event.pk, self.day, project_id, amount, parties))
            self.after_signing(project, record.signing.signed_on)
        if self.repeats_made < 2:
            self.repeat_signing(event)

    def repeat_signing(self, event: Event) -> None:
        """The press's favourite: an agreement signed again at a later conference and counted
        in both headlines. First the same project, parties and amount; at a later event the
        same parties and amount entered as a new project. The detector must catch both."""
        earlier = [
            item
            for item in self.event_signed
            if item[0] != event.pk and (self.day - item[1]).days >= 60
        ]
        if len(earlier) <= self.repeats_made:
            return
        _event_id, _day, project_id, amount, parties = earlier[self.repeats_made]
        project = Project.objects.get(pk=project_id)
        if self.repeats_made == 0:
            record = event_services.event_signing_record(
                event=event,
                by=event.created_by or self.officer,
                agreement_type="investment",
                amount=amount,
                currency="CNY",
                parties=parties,
                project=project,
                fields=project.description[:60],
            )
        else:
            investor = project.investors.order_by("id").first()
            record = event_services.event_signing_record(
                event=event,
                by=event.created_by or self.officer,
                agreement_type="investment",
                amount=amount,
                currency="CNY",
                parties=parties,
                new_project_title=f"{project.title}（{event.city}签约）",
                investor=investor,
                fields=project.description[:60],
            )
        self.summary.signings += 1
        self.summary.repeat_signings.append(record.signing_id)
        self.repeats_made += 1

    def roadshow(self, event: Event) -> None:
        rng = self.rng
        by = event.created_by or self.officer
        presenters = rng.sample(self.local_enterprises, min(len(self.local_enterprises), 4))
        for org in presenters:
            slot = event_services.roadshow_add(
                event=event,
                by=by,
                organisation=org,
                project_title=f"{org.name[:12]}{rng.choice(texts.TRANSLATION_TITLES)[0]}项目",
                financing_amount=_round_wan(_log_uniform(rng, 5e6, 2e8)),
                funding_stage=rng.choice(("天使轮", "Pre-A轮", "A轮", "B轮")),
            )
            for investor in rng.sample(self.investors, min(len(self.investors), 3)):
                event_services.feedback_record(
                    roadshow=slot,
                    by=by,
                    investor=investor,
                    interest=rng.choice(("high", "medium", "medium", "none")),
                    note="",
                )

    def event_after(self, event: Event) -> None:
        """The day after: what came of each meeting (held or not, needs, investment interest)."""
        rng = self.rng
        by = event.created_by or self.officer
        meetings = (
            Meeting.objects.filter(schedule__event=event, schedule__is_published=True)
            .select_related(
                "request__requester__registration__organisation",
                "request__invitee__registration__organisation",
            )
            .order_by("id")
        )
        for meeting in meetings:
            held = rng.random() < 0.88
            if not held:
                event_services.meeting_record_outcome(meeting=meeting, by=by, status="no_show")
                continue
            self.summary.meetings += 1
            sides = [meeting.request.requester, meeting.request.invitee]
            orgs = [_organisation(p) for p in sides if p.registration_id]
            # The need is the first registered side's (as the service reads it), raised only
            # when the officer may raise needs for that organisation.
            local = orgs[0] if orgs and self.may_raise(by, orgs[0]) else None
            outside = next(
                (
                    o
                    for o in orgs
                    if not o.region.code.startswith("xs.jc.th")
                    and o.kind == Organisation.Kind.ENTERPRISE
                ),
                None,
            )
            category, (title, text) = self.need_text()
            need = local is not None and rng.random() < 0.35
            interest = outside is not None and rng.random() < 0.4
            follow = self.day + dt.timedelta(days=rng.randint(7, 21))
            result = event_services.meeting_record_outcome(
                meeting=meeting,
                by=by,
                status="held",
                notes=f"双方就{event.theme}交流，{'企业提出需求' if need else '保持联系'}",
                need_category=category if need else "",
                need_text=text if need else "",
                invest_interest=interest,
                investor_side="requester"
                if sides[0].registration_id and orgs[0] == outside
                else "invitee",
                follow_up_owner=by,
                follow_up_on=follow,
                follow_up_done_on=follow if follow < self.today and rng.random() < 0.7 else None,
            )
            if result.demand_id and result.demand_id not in self.stories:
                self.summary.needs += 1
                self.need_story(Demand.objects.get(pk=result.demand_id))
            if result.project_id and -result.project_id not in self.stories:
                self.project_story(Project.objects.get(pk=result.project_id), from_event=True)

    @staticmethod
    def may_raise(by: Any, org: Organisation) -> bool:
        try:
            demand_services.check_can_raise(by, org)
        except PermissionDenied:
            return False
        return org.kind == Organisation.Kind.ENTERPRISE

    # ---- investment projects ---------------------------------------------------------------------
    def plan_projects(self) -> None:
        """Desk leads (visits, calls, referrals) spread over the history."""
        total = self.count(70)
        for _ in range(total):
            day = self.start + dt.timedelta(days=self.rng.randint(0, HISTORY_DAYS - 20))
            self.timeline.at(self.moment(day), self.project_new)

    def project_new(self) -> None:
        rng = self.rng
        investor = rng.choice(self.outside_all or self.local_enterprises)
        plan = rng.choice(texts.PROJECT_PLANS)
        by = self.officer if rng.random() < 0.75 else self.park
        park = self.parks[1] if by is self.park and len(self.parks) > 1 else rng.choice(self.parks)
        amount = _round_wan(_log_uniform(rng, 3e7, 3e9), 10)
        project = project_services.project_create(
            data={
                "title": f"{investor.name[:14]}{plan}",
                "investors": [investor],
                "chain_nodes": list(investor.chain_nodes.all()[:2]),
                "target_region": park,
                "planned_amount": amount,
                "expected_output_yuan": _round_wan(float(amount) * rng.uniform(0.8, 2.5)),
                "planned_jobs": rng.randint(30, 600),
                "description": plan,
                "source_note": rng.choice(
                    (
                        "以商招商：已落户企业推荐",
                        "驻外招商联络处走访",
                        "行业协会推荐",
                        "企业来电咨询",
                    )
                ),
            },
            by=by,
        )
        self.project_story(project)

    def project_story(self, project: Project, *, from_event: bool = False) -> None:
        """Schedule the project's next step from its current stage.

        A project another generator made at the real present (a chain gap's lead, say) may turn
        up here through a duplicate lead or an event outcome; the history leaves it alone, since
        its steps cannot come before the day it was entered."""
        self.stories.add(-project.pk)
        if project.stage_entered_on > self.day:
            return
        self.summary.projects += 1
        self.later(3, 25, partial(self.project_step, project.pk))

    def project_step(self, pk: int) -> None:
        rng = self.rng
        project = Project.objects.get(pk=pk)
        by = project.owner or self.officer
        nxt = {
            str(Stage.LEAD): Stage.CONTACTED,
            str(Stage.CONTACTED): Stage.SITE_VISIT,
            str(Stage.SITE_VISIT): Stage.NEGOTIATING,
        }.get(project.stage)
        if nxt is None:
            return
        roll = rng.random()
        if roll < 0.07:
            project_services.project_advance_stage(
                project=project, to_stage=Stage.LOST, by=by, reason=rng.choice(texts.LOST_REASONS)
            )
            self.summary.lost += 1
            return
        follow = self.day + dt.timedelta(days=rng.randint(10, 30))
        if roll < 0.15:
            # Stalls: one more call, then nothing (its follow-up date passes unnoticed).
            project_services.activity_record(
                project=project,
                kind="call",
                happened_on=self.day,
                summary=texts.ACTIVITY_SUMMARIES["stalled"],
                by=by,
                next_follow_up_on=follow,
            )
            return
        kind = {"contacted": "call", "site_visit": "site_visit", "negotiating": "meeting"}[nxt]
        project_services.activity_record(
            project=project,
            kind=kind,
            happened_on=self.day,
            summary=texts.ACTIVITY_SUMMARIES[nxt],
            by=by,
            next_follow_up_on=follow,
        )
        project_services.project_advance_stage(project=project, to_stage=nxt, by=by)
        if nxt != Stage.NEGOTIATING:
            self.later(15, 70, lambda: self.project_step(pk))
            return
        # Negotiation ends in a signing: at the next ceremony (most) or at the desk.
        amount = project.planned_amount or _round_wan(_log_uniform(rng, 3e7, 1e9), 10)
        investor = project.investors.order_by("id").first()
        parties = f"桐华区人民政府、{investor.name if investor else project.title}"
        ready = self.day + dt.timedelta(days=rng.randint(20, 80))
        if rng.random() < 0.65:
            self.ready_to_sign.append((ready, pk, amount, parties))
        else:
            self.timeline.at(self.moment(ready), lambda: self.desk_signing(pk, amount, parties))

    def evidence(self, what: str, about: str) -> SimpleUploadedFile | None:
        """The scanned document behind a milestone (a one-page PDF naming it); about one in
        eight is entered without one, as happens, and the cockpit counts those apart."""
        if self.rng.random() < 0.12:
            return None
        self.evidence_serial += 1
        body = f"{what} {about} {self.day:%Y-%m-%d}".encode()
        content = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n% " + body + b"\ntrailer<<>>\n%%EOF\n"
        return SimpleUploadedFile(
            f"evidence-{self.evidence_serial:05d}.pdf", content, content_type="application/pdf"
        )

    def desk_signing(self, pk: int, amount: Decimal, parties: str) -> None:
        project = Project.objects.get(pk=pk)
        if project.stage != Stage.NEGOTIATING:
            return
        signing = project_services.signing_record(
            project=project,
            signed_on=self.day,
            agreement_type="investment",
            amount=amount,
            currency="CNY",
            signatories=parties,
            by=project.owner or self.officer,
        )
        self.summary.signings += 1
        self.after_signing(project, signing.signed_on)

    def after_signing(self, project: Project, signed_on: dt.date) -> None:
        by = project.owner or self.officer
        project_services.project_advance_stage(project=project, to_stage=Stage.SIGNED, by=by)
        # Landing: registered in 1–4 months; construction on time (within 6 months of
        # signing), late, or never; capital arriving in full, partly or not at all.
        pace = self.rng.random()
        self.later(30, 120, partial(self.project_register, project.pk, pace))

    def project_register(self, pk: int, pace: float) -> None:
        rng = self.rng
        project = Project.objects.get(pk=pk)
        by = project.owner or self.officer
        if project.signed_on is None:
            return  # its only agreement repeats another project's: a duplicate, nothing lands
        if pace < 0.08:
            project_services.project_advance_stage(
                project=project,
                to_stage=Stage.LOST,
                by=by,
                reason="签约后企业融资受挫，未能注册落地",
            )
            self.summary.lost += 1
            return
        self.landed_serial += 1
        investor = project.investors.order_by("id").first()
        short = (investor.name if investor else project.title)[:6].rstrip("（(")
        company = registry_services.organisation_create(
            data={
                "name": f"{short}（锦城桐华）生物科技有限公司"[:120],
                "kind": Organisation.Kind.ENTERPRISE,
                "region": project.target_region or self.district,
                "uscc": _landed_uscc(self.landed_serial),
                "founded_on": self.day,
                "registered_capital_yuan": _round_wan(float(project.signed_amount) * 0.1),
                "description": f"{project.title}的落地企业",
            },
            by=by,
        )
        project = project_services.project_update(
            project=project, data={"registered_company": company}, by=by
        )
        project_services.milestone_record(
            project=project,
            kind="registered",
            achieved_on=self.day,
            by=by,
            jobs=rng.randint(5, 30),
            evidence=self.evidence("营业执照", company.uscc or ""),
        )
        self.summary.milestones += 1
        project_services.project_advance_stage(project=project, to_stage=Stage.REGISTERED, by=by)
        if pace < 0.25:
            return  # registered, never started (the assessment's 未按期开工)
        signed = project.signed_on or self.day
        if pace < 0.7:
            start = signed + dt.timedelta(days=rng.randint(90, 175))  # on time
        else:
            start = signed + dt.timedelta(days=rng.randint(200, 420))  # late
        start = max(start, self.day + dt.timedelta(days=7))
        self.timeline.at(self.moment(start), lambda: self.project_construct(pk, pace))

    def project_construct(self, pk: int, pace: float) -> None:
        rng = self.rng
        project = Project.objects.get(pk=pk)
        by = project.owner or self.officer
        signed = project.signed_amount
        share = Decimal(str(round(rng.uniform(0.1, 0.3), 2)))
        project_services.milestone_record(
            project=project,
            kind="construction",
            achieved_on=self.day,
            by=by,
            realised_capex=(signed * share).quantize(WAN),
            capital_arrived=(signed * share).quantize(WAN),
            jobs=rng.randint(20, 80),
            note="开工仪式，施工许可证已取得",
            evidence=self.evidence("施工许可证", project.title),
        )
        self.summary.milestones += 1
        project_services.project_advance_stage(project=project, to_stage=Stage.CONSTRUCTION, by=by)
        # Capital arrives in tranches: in full (most), partly (stops), or only the first one.
        tranches = 3 if pace < 0.5 else (1 if pace > 0.9 else 2)
        for i in range(tranches):
            self.later(
                60 * (i + 1),
                60 * (i + 1) + 45,
                partial(self.project_capital, pk, i, tranches),
            )
        if pace < 0.6:
            self.later(200, 480, lambda: self.project_produce(pk))

    def project_capital(self, pk: int, index: int, count: int) -> None:
        project = Project.objects.get(pk=pk)
        remaining = project.signed_amount - project.capital_arrived
        if remaining <= 0:
            return
        part = (remaining * Decimal("0.6") if index < 2 else remaining).quantize(WAN)
        if count < 3:
            part = (part * Decimal("0.5")).quantize(WAN)  # partly: half of what was promised
        if part <= 0:
            return
        project_services.milestone_record(
            project=project,
            kind="capital_arrived",
            achieved_on=self.day,
            by=project.owner or self.officer,
            realised_capex=(part * Decimal("0.8")).quantize(WAN),
            capital_arrived=part,
            note="银行进账单已核验",
            evidence=self.evidence("银行进账单", project.title),
        )
        self.summary.milestones += 1

    def project_produce(self, pk: int) -> None:
        rng = self.rng
        project = Project.objects.get(pk=pk)
        if project.stage != Stage.CONSTRUCTION:
            return
        by = project.owner or self.officer
        revenue = _round_wan(
            float(project.expected_output_yuan or project.signed_amount) * rng.uniform(0.1, 0.5)
        )
        project_services.milestone_record(
            project=project,
            kind="production",
            achieved_on=self.day,
            by=by,
            jobs=(project.planned_jobs or 100) * rng.randint(60, 110) // 100,
            revenue=revenue,
            note="取得生产许可，正式投产",
            evidence=self.evidence("生产许可证", project.title),
        )
        self.summary.milestones += 1
        project_services.project_advance_stage(project=project, to_stage=Stage.PRODUCTION, by=by)

    # ---- needs ---------------------------------------------------------------------------------
    def need_text(self) -> tuple[str, tuple[str, str]]:
        category = self.rng.choice(sorted(texts.NEEDS))
        return category, self.rng.choice(texts.NEEDS[category])

    def plan_needs(self) -> None:
        """Needs raised by visits, calls and the portal over the history, more of them lately;
        a handful in the last weeks that nobody answers (overdue)."""
        total = self.count(160)
        for i in range(total):
            back = int(HISTORY_DAYS * (1 - math.sqrt(self.rng.random())))
            day = self.today - dt.timedelta(days=max(1, back))
            self.timeline.at(self.moment(day), partial(self.need_new, i))
        for _ in range(max(3, self.count(6))):
            day = self.today - dt.timedelta(days=self.rng.randint(15, 45))
            self.timeline.at(self.moment(day), lambda: self.need_new(0, neglect=True))

    def need_new(self, serial: int, *, neglect: bool = False) -> None:
        rng = self.rng
        category, (title, text) = self.need_text()
        own = self.enterprise_user.organisation if self.enterprise_user is not None else None
        if own is not None and self.enterprise_user is not None and rng.random() < 0.08:
            org: Organisation = own
            by, channel = self.enterprise_user, "portal"
        else:
            org = rng.choice(self.local_enterprises)
            by, channel = self.officer, rng.choice(("visit", "call"))
        result = demand_services.demand_submit(
            by=by,
            organisation=org,
            category=category,
            title=title,
            text=f"{text}（{org.name}）",
            channel=channel,
        )
        if result.is_duplicate:
            return
        self.summary.needs += 1
        self.need_story(result.demand, neglect=neglect)

    def need_story(self, demand: Demand, *, neglect: bool = False) -> None:
        """Accept within a day or two (or never), then answer on time, late or never."""
        self.stories.add(demand.pk)
        roll = self.rng.random()
        if not neglect and roll < 0.03:
            return  # never accepted: overdue at intake
        hours = self.rng.randint(1, 40)
        self.timeline.at(
            self.now + dt.timedelta(hours=hours),
            partial(self.need_accept, demand.pk, neglect),
        )

    def _handler(self, demand: Demand) -> User:
        return self.officer

    def need_accept(self, pk: int, neglect: bool) -> None:
        demand = Demand.objects.get(pk=pk)
        handler = self._handler(demand)
        demand = demand_services.demand_accept(demand=demand, by=handler)
        demand_services.demand_assign(demand=demand, by=handler, assignee=handler)
        if neglect:
            return  # assigned, never answered: overdue on the officer's list
        roll = self.rng.random()
        due = demand.respond_due
        if roll < 0.72:
            span = max(0, (due - self.day).days)
            day = self.day + dt.timedelta(days=self.rng.randint(0, span))
        elif roll < 0.95:
            day = due + dt.timedelta(days=self.rng.randint(2, 20))  # late
        else:
            return  # never answered
        self.timeline.at(self.moment(day), lambda: self.need_respond(pk))

    def need_respond(self, pk: int) -> None:
        demand = Demand.objects.get(pk=pk)
        if demand.state not in (workflow.ASSIGNED, workflow.RESPONDED):
            return
        handler = demand.assignee or self.officer
        response = demand_services.demand_respond(
            demand=demand,
            by=handler,
            text=texts.RESPONSES.get(demand.category, texts.RESPONSES["other"]),
        )
        roll = self.rng.random()
        if roll < 0.12:
            return  # answered, still open
        self.later(5, 30, lambda: self.need_conclude(pk, response.pk))

    def need_conclude(self, pk: int, response_id: int) -> None:
        rng = self.rng
        demand = Demand.objects.get(pk=pk)
        handler = demand.assignee or self.officer
        if rng.random() < 0.4:
            kind = texts.CONVERSION_KIND.get(demand.category, "partner")
            amount = _round_wan(_log_uniform(rng, 2e5, 3e7), 10) if kind != "partner" else None
            demand_services.demand_convert(
                demand=demand,
                by=handler,
                kind=kind,
                amount_yuan=amount,
                response=demand.responses.filter(pk=response_id).first(),
                note="企业确认",
            )
        else:
            demand = demand_services.demand_resolve(demand=demand, by=handler, note="已办结")
            if rng.random() < 0.5:
                demand_services.demand_close(
                    demand=demand, by=handler, note=rng.choice(texts.CLOSE_NOTES)
                )
            else:
                return  # resolved, no follow-up yet
        self.later(7, 30, lambda: self.need_follow_up(pk))

    def need_follow_up(self, pk: int) -> None:
        demand = Demand.objects.get(pk=pk)
        satisfaction = self.rng.choices((5, 4, 3, 2), weights=(45, 35, 14, 6))[0]
        follow = demand_services.demand_follow_up(
            demand=demand,
            by=demand.assignee or self.officer,
            satisfaction=satisfaction,
            note=texts.FOLLOW_UP_NOTES[satisfaction],
        )
        if follow.is_reopened:
            self.later(3, 15, lambda: self.need_respond(pk))

    # ---- translational projects ------------------------------------------------------------------
    def plan_translational(self) -> None:
        for i in range(self.count(8)):
            day = self.start + dt.timedelta(days=self.rng.randint(10, HISTORY_DAYS // 2))
            self.timeline.at(self.moment(day), partial(self.translation_new, i))

    def translation_new(self, serial: int) -> None:
        rng = self.rng
        if not self.origins:
            return
        title, product, field_name = texts.TRANSLATION_TITLES[
            serial % len(texts.TRANSLATION_TITLES)
        ]
        project = project_services.translation_create(
            data={
                "title": title,
                "origin": rng.choice(self.origins),
                "team_lead": _chinese_name(rng),
                "field": field_name,
                "product_type": product,
                "landing_region": self.district,
                "description": f"{title}：院内团队成果，拟在桐华区转化",
            },
            by=self.park,
        )
        self.summary.translational += 1
        order = gates.gates_for(product)
        project_services.funding_tranche_add(
            project=project,
            kind="grant",
            amount=_round_wan(_log_uniform(rng, 5e5, 5e6), 10),
            granted_on=self.day,
            by=self.park,
            converts_on_gate=order[min(1, len(order) - 1)],
        )
        reach = rng.randint(1, len(order))
        self.later(40, 120, partial(self.translation_gate, project.pk, 0, reach))

    def translation_gate(self, pk: int, step: int, reach: int) -> None:
        rng = self.rng
        project = TranslationProject.objects.get(pk=pk)
        order = gates.gates_for(project.product_type)
        if step >= min(reach, len(order)):
            return
        to_gate = order[step]
        if self.services and rng.random() < 0.8:
            project_services.service_booking_create(
                project=project,
                service=rng.choice(self.services),
                booked_on=self.day,
                by=self.park,
                note=f"为{gates.gate_label(to_gate)}预约",
            )
        self.clock.advance(hours=1)
        project_services.translation_pass_gate(
            project=project,
            to_gate=to_gate,
            passed_on=self.day,
            evidence={
                c: f"{gates.CRITERIA_LABELS.get(c, c)}（存档）"
                for c in gates.entry_criteria(to_gate, project.product_type)
            },
            phase="I" if to_gate == "clinical" and project.product_type == "drug" else "",
            by=self.park,
        )
        self.later(90, 240, lambda: self.translation_gate(pk, step + 1, reach))

    # ---- news: articles, extracted facts, leads --------------------------------------------------
    def plan_news(self) -> None:
        """Now and then a news item about a company investing elsewhere: a lead for 以商招商."""
        for _ in range(self.count(5)):
            day = self.start + dt.timedelta(days=self.rng.randint(30, HISTORY_DAYS - 10))
            self.timeline.at(self.moment(day), self.news_elsewhere)

    def news_of_event(self, event: Event) -> None:
        rows = list(event.signings.select_related("project").order_by("id"))
        total = sum((r.amount for r in rows), Decimal(0)) / YI
        lines = [
            f"{event.starts_on.year}年{event.starts_on.month}月{event.starts_on.day}日，"
            f"{event.title}在{event.city}{event.venue}举行。桐华区相关负责人介绍了区内生物医药"
            f"产业发展情况和{event.theme}方面的支持政策。",
            f"活动现场共签约项目{len(rows)}个，签约总金额{total:.2f}亿元。",
        ]
        for r in rows[:4]:
            investor = r.parties.split("、")[-1]
            lines.append(
                f"其中，{investor}与桐华区人民政府签署投资协议，计划投资{r.amount / YI:.2f}亿元，"
                f"在桐华区建设{r.project.description or r.project.title}。"
            )
        lines.append("下一步，桐华区将建立签约项目跟踪服务机制，推动项目早落地、早开工、早投产。")
        self.publish(
            title=f"{event.title}举行 现场签约{len(rows)}个项目",
            text="\n".join(lines),
            source="锦城日报（演示稿）",
        )

    def news_elsewhere(self) -> None:
        rng = self.rng
        if not self.outside_all:
            return
        org = rng.choice(self.outside_all)
        city = next(
            (c for c, code in texts.PROMOTION_CITIES if code and org.region.code.startswith(code)),
            "上海",
        )
        amount = _round_wan(_log_uniform(rng, 5e8, 5e9)) / YI
        plan = rng.choice(texts.PROJECT_PLANS)
        day = self.day
        self.publish(
            title=f"{org.name}投资{amount:.1f}亿元建设{plan}",
            text=(
                f"{day.year}年{day.month}月{day.day}日，{org.name}与{city}市签署投资协议，"
                f"计划投资{amount:.1f}亿元建设{plan}，预计建成后年产值超过{amount * 2:.0f}亿元。"
                f"{org.name}负责人表示，公司将加快在全国的产能布局，并寻找西南地区的合作伙伴。"
            ),
            source="医药产业观察（演示稿）",
        )

    def publish(self, *, title: str, text: str, source: str) -> None:
        """An officer files the article; extraction runs, the officer confirms the facts and
        takes a lead into the pipeline now and then."""
        by = self.officer
        result = intel_services.article_ingest(content=text, by=by, title=title, source_name=source)
        if not result.created or result.duplicate_of is not None:
            return
        self.summary.articles += 1
        article = intel_services.article_extract(article_id=result.article.pk)
        if article is None:
            return
        self.clock.advance(minutes=self.rng.randint(20, 90))
        for fact in article.facts.filter(status="proposed").order_by("id"):
            action = "confirm" if self.rng.random() < 0.85 else "reject"
            intel_services.fact_review(fact=fact, action=action, by=by)
        leads = intel_services.leads_refresh(article=article, by=by)
        open_leads = [lead for lead in leads if lead.status == "open"]
        if open_leads and self.rng.random() < 0.6:
            project = intel_services.lead_accept(lead=open_leads[0], by=by)
            self.summary.leads += 1
            if -project.pk not in self.stories:
                self.project_story(project)

    # ---- enterprises moving up the ladder (cultivation) ------------------------------------------
    def plan_ladder(self) -> None:
        """The ladder's year: targets set in January, 科技型中小企业 announced in May, 专精特新
        in July, 高新技术企业 in December; product approvals and talent teams along the way
        (written when the list or certificate arrives, through the cultivation services)."""
        for year in range(self.start.year, self.today.year + 1):
            for month, day_of_month, action in (
                (1, 12, partial(self.ladder_targets, year)),
                (5, 20, partial(self.ladder_recognise, "tech_sme", self.count(10))),
                (7, 15, partial(self.ladder_recognise, "specialised", self.count(4))),
                (12, 15, partial(self.ladder_recognise, "high_tech", self.count(8))),
                (12, 20, partial(self.ladder_recognise, "little_giant", 1)),
            ):
                day = dt.date(year, month, day_of_month)
                if self.start < day < self.today:
                    self.timeline.at(self.moment(day), action)
        for _ in range(self.count(14)):
            day = self.start + dt.timedelta(days=self.rng.randint(20, HISTORY_DAYS - 5))
            self.timeline.at(self.moment(day), self.ladder_approval)
        for _ in range(self.count(5)):
            day = self.start + dt.timedelta(days=self.rng.randint(20, HISTORY_DAYS - 5))
            self.timeline.at(self.moment(day), self.ladder_team)

    def ladder_targets(self, year: int) -> None:
        admin = self.users.get("admin")
        if admin is None:
            return
        for metric, base in (
            ("new_tech_sme", 10),
            ("new_high_tech", 8),
            ("new_specialised", 4),
            ("new_little_giant", 1),
            ("approvals", 5),
            ("teams", 2),
        ):
            cultivation_services.target_set(
                region=self.district, year=year, metric=metric, target=self.count(base), by=admin
            )

    def ladder_recognise(self, rung: str, count: int) -> None:
        """Recognise `count` district enterprises on `rung`, preferring those on the rung below."""
        from yiqiao.cultivation.engine.ladder import RUNGS

        below = RUNGS[RUNGS.index(rung) - 1] if RUNGS.index(rung) > 0 else ""
        held = set(Recognition.objects.filter(rung=below).values_list("organisation_id", flat=True))
        has = set(Recognition.objects.filter(rung=rung).values_list("organisation_id", flat=True))
        pool = [o for o in self.local_enterprises if o.pk not in has]
        ready = [o for o in pool if o.pk in held] or pool
        serial = Recognition.objects.filter(rung=rung).count()
        prefix = {"tech_sme": "KJ", "high_tech": "GR", "specialised": "ZJTX", "little_giant": "XJR"}
        for org in self.rng.sample(ready, min(len(ready), count)):
            serial += 1
            basis = "" if org.pk in held or not below else "依据认定办法可直接申报（演示）"
            try:
                cultivation_services.recognition_record(
                    organisation=org,
                    data=cultivation_services.RecognitionInput(
                        rung=rung,
                        recognised_on=self.day,
                        certificate_number=f"{prefix.get(rung, 'R')}{self.day.year}5691{serial:04d}",
                        issuer="西蜀省科学技术厅"
                        if rung in ("tech_sme", "high_tech")
                        else "西蜀省经济和信息化厅",
                        evidence=f"{self.day.year}年认定名单（公示文件存档）",
                        skip_basis=basis,
                    ),
                    by=self.officer,
                )
            except ValidationError:
                continue  # a rung the register already shows above this one: nothing to add
            self.summary.recognitions += 1

    def ladder_approval(self) -> None:
        org = self.rng.choice(self.local_enterprises)
        self.approval_serial += 1
        category = self.rng.choice(("device_class2", "device_class3", "ivd_class2", "ivd_class3"))
        cultivation_services.approval_record(
            organisation=org,
            kind="certificates",
            data={
                "category": category,
                "number": f"西械注准{self.day.year}{2 if 'class2' in category else 3}{self.approval_serial:06d}",
                "issued_on": self.day,
                "first_registration": True,
                "produced_locally": self.rng.random() < 0.8,
            },
            by=self.officer,
        )
        self.summary.approvals += 1

    def ladder_team(self) -> None:
        from yiqiao.cultivation.models import TalentLevel

        host = self.rng.choice(self.local_enterprises)
        cultivation_services.talent_team_create(
            data=cultivation_services.TeamInput(
                name=f"{_chinese_name(self.rng)}{self.rng.choice(texts.TRANSLATION_TITLES)[2]}创新团队",
                leader=_chinese_name(self.rng),
                level=self.rng.choice(
                    (TalentLevel.NATIONAL, TalentLevel.PROVINCIAL, TalentLevel.HIGH_LEVEL_TEAM)
                ),
                host_id=host.pk,
                brought_in_on=self.day,
                members=self.rng.randint(3, 12),
                support_yuan=_round_wan(_log_uniform(self.rng, 5e5, 5e6), 10),
                support_note="区级人才团队项目资助（演示）",
            ),
            by=self.officer,
        )
        self.summary.teams += 1

    # ---- policies: screenings (免申即享) and applications (快申快享) -------------------------------
    def plan_policies(self) -> None:
        for year in range(self.start.year, self.today.year + 1):
            day = dt.date(year, 4, 10)
            if self.start < day < self.today:
                self.timeline.at(self.moment(day), self.policy_screening)

    def policy_screening(self) -> None:
        """The yearly screening of the register: 免申即享 awards paid to the eligible, a few
        enterprises applying for 快申快享 policies, reviewed and paid weeks later."""
        run = policy_services.screening_run_create(
            by=self.officer, as_of=dt.date(self.day.year, 3, 31)
        )
        run = policy_services.screening_run_execute(run.pk) or run
        self.summary.screenings += 1
        eligible = sorted(
            (
                r
                for r in policy_queries.run_results(run, status="eligible")
                if r.amount is not None and r.amount > 0
            ),
            key=lambda r: (r.policy.code, r.organisation_id),
        )
        auto = [r for r in eligible if r.delivery == "auto"]
        for result in self.rng.sample(auto, min(len(auto), self.count(8))):
            self.later(
                20,
                45,
                partial(
                    self.policy_auto_award,
                    result.organisation_id,
                    result.policy.code,
                    result.amount or Decimal(0),
                    run.pk,
                ),
            )
        apply = [r for r in eligible if r.delivery == "apply"]
        for result in self.rng.sample(apply, min(len(apply), self.count(5))):
            self.later(
                3,
                20,
                partial(self.policy_apply, result.organisation_id, result.policy_id, run.as_of),
            )

    def policy_auto_award(self, org_id: int, code: str, amount: Decimal, run_id: int) -> None:
        policy_services.award_record(
            organisation=Organisation.objects.get(pk=org_id),
            policy_code=code,
            amount=amount,
            awarded_on=self.day,
            by=self.officer,
            source="payment",
            note=f"免申即享：筛查批次 #{run_id}",
        )
        self.summary.awards += 1

    def policy_apply(self, org_id: int, policy_id: int, as_of: dt.date) -> None:
        try:
            application = policy_services.award_application_submit(
                organisation=Organisation.objects.get(pk=org_id),
                policy=Policy.objects.get(pk=policy_id),
                as_of=as_of,
                by=self.officer,
            )
        except ValidationError:
            return  # an open application already, or the data changed since the screening
        self.later(5, 15, partial(self.policy_review, application.pk))

    def policy_review(self, application_id: int) -> None:
        application = AwardApplication.objects.get(pk=application_id)
        approve = self.rng.random() < 0.85
        application = policy_services.award_application_review(
            application=application,
            approve=approve,
            by=self.officer,
            note="材料齐全，核准" if approve else "佐证材料不足，退回补正",
        )
        if approve:
            self.later(10, 30, partial(self.policy_pay, application_id))

    def policy_pay(self, application_id: int) -> None:
        application = AwardApplication.objects.get(pk=application_id)
        policy_services.award_application_pay(
            application=application,
            paid_on=self.day,
            by=self.officer,
            reference=f"桐财拨{self.day:%Y%m%d}{application_id:04d}",
        )
        self.summary.awards += 1
