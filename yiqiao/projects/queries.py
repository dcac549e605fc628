"""Reads of projects. All permission scoping for projects lives here.

Staff see the projects whose target zone/park lies in their unit's region scope, or that their
unit owns; superusers see all; outside users (enterprises, platforms) and officers of other
regions see none. Viewers read but never write (`can_edit`). Planned amounts of unsigned
projects are confidential: shown only to roles with `can_view_confidential`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Min, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from yiqiao.core.scope import Scope, user_scope
from yiqiao.registry.models import Organisation, Region
from yiqiao.registry.queries import chain_subtree

from .engine import figures, pipeline, repeats
from .models import Project, ServiceBooking, Signing, Stage, StageChange, TranslationProject

BOARD_CARDS_PER_COLUMN = 20
HISTORY_ACTIVITIES = 30
PROJECT_SORTS = {
    "-updated": ("-updated_at", "-id"),
    "follow_up": ("next_follow_up_on", "id"),
    "title": ("title", "id"),
    "-signed": ("-signed_amount", "-id"),
}


def can_edit(user: Any) -> bool:
    """Officers and admins write; viewers only read."""
    return bool(getattr(user, "can_edit_register", False))


def can_see_planned_amount(user: Any, project: Project) -> bool:
    return bool(getattr(user, "can_view_confidential", False)) or project.is_signed


def _region_ids(code: str) -> list[int]:
    root = Region.objects.filter(code=code).values_list("path", flat=True).first()
    if root is None:
        return []
    return list(Region.objects.filter(path__startswith=root).values_list("id", flat=True))


def _visible_projects(scope: Scope) -> QuerySet[Project]:
    qs = Project.objects.all()
    if scope.everything:
        return qs
    if not scope.is_staff_role:
        return qs.none()
    condition = Q(target_region_id__in=scope.region_ids)
    if scope.unit_id is not None:
        condition |= Q(owner_unit_id=scope.unit_id)
    return qs.filter(condition)


def _visible_translation(scope: Scope) -> QuerySet[TranslationProject]:
    qs = TranslationProject.objects.all()
    if scope.everything:
        return qs
    if not scope.is_staff_role:
        return qs.none()
    condition = Q(landing_region_id__in=scope.region_ids)
    if scope.unit_id is not None:
        condition |= Q(owner_unit_id=scope.unit_id)
    return qs.filter(condition)


@dataclass
class ProjectFilters:
    """Filters shared by the board, the list, the export, the figures and the API."""

    q: str = ""
    stage: str = ""
    zone: str = ""  # region code, includes everything below it
    chain: str = ""  # chain node code, includes everything below it
    owner: str = ""  # "me" or a user id
    overdue: bool = False
    sort: str = "-updated"

    @classmethod
    def from_mapping(cls, data: Any) -> ProjectFilters:
        def get(key: str) -> str:
            value = data.get(key, "")
            return str(value).strip()[:100] if value is not None else ""

        sort = get("sort")
        stage = get("stage")
        return cls(
            q=get("q"),
            stage=stage if stage in Stage.values else "",
            zone=get("zone"),
            chain=get("chain"),
            owner=get("owner"),
            overdue=get("overdue") in {"1", "true", "on", "True"},
            sort=sort if sort in PROJECT_SORTS else "-updated",
        )

    def as_query(self) -> dict[str, str]:
        data = {
            "q": self.q,
            "stage": self.stage,
            "zone": self.zone,
            "chain": self.chain,
            "owner": self.owner,
            "overdue": "1" if self.overdue else "",
            "sort": "" if self.sort == "-updated" else self.sort,
        }
        return {k: v for k, v in data.items() if v}


def _filtered(user: Any, filters: ProjectFilters, today: dt.date) -> QuerySet[Project]:
    qs = _visible_projects(user_scope(user))
    if filters.q:
        qs = qs.filter(Q(title__icontains=filters.q) | Q(investors__name__icontains=filters.q))
    if filters.stage:
        qs = qs.filter(stage=filters.stage)
    if filters.zone:
        qs = qs.filter(target_region_id__in=_region_ids(filters.zone))
    if filters.chain:
        qs = qs.filter(chain_nodes__in=chain_subtree(filters.chain)[1])
    if filters.owner == "me":
        qs = qs.filter(owner_id=getattr(user, "pk", None))
    elif filters.owner.isdigit():
        qs = qs.filter(owner_id=int(filters.owner))
    if filters.overdue:
        qs = qs.filter(next_follow_up_on__lt=today).exclude(
            stage__in=[Stage.LOST, Stage.PRODUCTION]
        )
    if filters.q or filters.chain:
        qs = qs.distinct()
    return qs


def project_list(*, user: Any, filters: ProjectFilters, today: dt.date) -> QuerySet[Project]:
    """Projects the user may see, filtered and sorted, with the row's relations joined."""
    return (
        _filtered(user, filters, today)
        .select_related("target_region", "owner")
        .order_by(*PROJECT_SORTS[filters.sort])
    )


def attach_card_data(user: Any, projects: list[Project], today: dt.date) -> None:
    """Investor names (one query for the whole page), visible amount and overdue flag."""
    through = Project.investors.through
    names: dict[int, list[str]] = {}
    rows = through.objects.filter(project_id__in=[p.pk for p in projects]).values_list(
        "project_id", "organisation__name"
    )
    for project_id, name in rows:
        names.setdefault(project_id, []).append(name)
    for p in projects:
        p.investor_names = names.get(p.pk, [])  # type: ignore[attr-defined]
        p.amount_shown = p.planned_amount if can_see_planned_amount(user, p) else None  # type: ignore[attr-defined]
        p.amount_hidden = p.planned_amount is not None and not can_see_planned_amount(user, p)  # type: ignore[attr-defined]
        p.overdue = p.is_overdue(today)  # type: ignore[attr-defined]


def board(*, user: Any, filters: ProjectFilters, today: dt.date) -> list[dict[str, Any]]:
    """Kanban columns: count per stage (one grouped query) and the latest cards of each stage.

    One small indexed query per column keeps the cost independent of the number of projects.
    """
    base = _filtered(user, ProjectFilters(**{**filters.__dict__, "stage": ""}), today)
    counts = dict(base.order_by().values_list("stage").annotate(n=Count("id")))
    columns = []
    cards: list[Project] = []
    for stage in pipeline.ALL_STAGES:
        column_cards = list(
            base.filter(stage=stage)
            .select_related("target_region", "owner")
            .order_by("-updated_at", "-id")[:BOARD_CARDS_PER_COLUMN]
        )
        cards += column_cards
        columns.append(
            {
                "stage": stage,
                "label": pipeline.stage_label(stage),
                "count": counts.get(stage, 0),
                "cards": column_cards,
                "next": pipeline.next_stage(stage),
            }
        )
    attach_card_data(user, cards, today)
    return columns


def project_choices(user: Any, params: dict[str, list[str]]) -> QuerySet[Project]:
    """Investment projects the user may see, for a picker (``stage`` narrows to those stages)."""
    from yiqiao.core.access import VIEW

    qs = Project.objects.restrict(user, VIEW)
    if "stage" in params:
        known = {value for value, _label in Stage.choices}
        qs = qs.filter(stage__in=[s for s in params["stage"] if s in known])
    return qs.order_by("title")


#: Bookings shown on the services page (the most recent first).
SERVICE_BOOKINGS_SHOWN = 100


def service_booking_list(*, user: Any) -> list[ServiceBooking]:
    """Bookings the user may see, newest first: staff those of projects in their scope; a
    platform operator those of its own organisation's services."""
    from yiqiao.core.access import VIEW

    return list(
        ServiceBooking.objects.restrict(user, VIEW)
        .select_related("service", "project")
        .order_by("-booked_on", "-pk")[:SERVICE_BOOKINGS_SHOWN]
    )


@dataclass
class BookingRow:
    """A booking as the services page shows it on a given day, with what the reader may do."""

    booking: ServiceBooking
    label: str
    past_due: bool
    moves: list[tuple[str, str]]  # (status, label) the reader may record; empty: read only


def service_booking_rows(
    *, user: Any, bookings: list[ServiceBooking], today: dt.date | None = None
) -> list[BookingRow]:
    """Each booking's status as of today (one whose date passed unconfirmed says so) and the
    close-out choices for the bookings the user may change (one query for all of them)."""
    from yiqiao.core.access import CHANGE

    from .services.translational import BOOKING_MOVES

    today = today or timezone.localdate()
    open_ids = [b.pk for b in bookings if b.status in BOOKING_MOVES]
    changeable = set(
        ServiceBooking.objects.restrict(user, CHANGE)
        .filter(pk__in=open_ids)
        .values_list("pk", flat=True)
    )
    return [
        BookingRow(
            booking=b,
            label=b.status_label(today),
            past_due=b.is_past_due(today),
            moves=[
                (s, str(ServiceBooking.Status(s).label)) for s in BOOKING_MOVES.get(b.status, ())
            ]
            if b.pk in changeable
            else [],
        )
        for b in bookings
    ]


def access_project(user: Any, project_id: int, *, for_edit: bool = False) -> Project:
    """One project the user may see (404 otherwise); with for_edit, may change it (403)."""
    project = (
        _visible_projects(user_scope(user))
        .select_related("target_region", "owner", "owner_unit", "registered_company")
        .filter(pk=project_id)
        .first()
    )
    if project is None:
        raise Http404("项目不存在或无权查看")
    if for_edit and not can_edit(user):
        raise PermissionDenied("当前角色只能查看，不能修改项目")
    return project


def project_history(*, user: Any, project: Project, today: dt.date) -> dict[str, Any]:
    """Everything the project page shows, in a fixed number of queries."""
    signings = list(project.signings.select_related("repeat_of", "repeat_of__project"))
    originals = {s.repeat_of.project_id for s in signings if s.repeat_of is not None}
    seen = set(
        _visible_projects(user_scope(user)).filter(pk__in=originals).values_list("pk", flat=True)
    )
    for s in signings:
        # A repeat of an earlier agreement is flagged with its evidence; it is not counted.
        s.repeat_note = (  # type: ignore[attr-defined]
            repeat_evidence(s, visible=s.repeat_of.project_id in seen)
            if s.repeat_of is not None
            else ""
        )
    milestones = list(project.milestones.all())
    gap = figures.signed_vs_realised(
        [
            figures.CommitmentGroup(
                key=str(project.pk),
                label=project.title,
                currency=project.currency,
                projects=1,
                signed_amount=project.signed_amount,
                capital_arrived=project.capital_arrived,
                realised_capex=project.realised_capex,
                jobs_committed=project.planned_jobs or 0,
                jobs_realised=project.realised_jobs,
            )
        ]
    )[0]
    attach_card_data(user, [project], today)
    return {
        "investors": list(project.investors.all()),
        "chain_nodes": list(project.chain_nodes.all()),
        "stage_changes": list(project.stage_changes.select_related("by").order_by("at", "id")),
        "activities": list(
            project.activities.select_related("by").order_by("-happened_on", "-id")[
                :HISTORY_ACTIVITIES
            ]
        ),
        "activity_count": project.activities.count(),
        "signings": signings,
        "milestones": milestones,
        "gap": gap if signings else None,
        "targets": pipeline.allowed_targets(
            pipeline.ProjectFacts(stage=project.stage, lost_from_stage=project.lost_from_stage)
        ),
    }


def follow_ups_due(*, user: Any, today: dt.date, horizon_days: int = 7) -> QuerySet[Project]:
    """The user's own open projects whose next follow-up is overdue or due within the horizon."""
    return (
        _visible_projects(user_scope(user))
        .filter(owner_id=getattr(user, "pk", None))
        .filter(next_follow_up_on__lte=today + dt.timedelta(days=horizon_days))
        .exclude(stage__in=[Stage.LOST, Stage.PRODUCTION])
        .select_related("target_region")
        .order_by("next_follow_up_on", "id")
    )


STALLED_DAYS = 90


def stalled_projects(projects: QuerySet[Project], today: dt.date) -> QuerySet[Project]:
    """The one definition of a stalled (stuck) project, used by the cockpit's figure and the
    officer's home page alike: not lost, not in production, and in its current stage for more
    than STALLED_DAYS days on ``today``. ``projects`` is an already scoped queryset."""
    return (
        projects.exclude(stage__in=[Stage.LOST, Stage.PRODUCTION])
        .filter(stage_entered_on__lt=today - dt.timedelta(days=STALLED_DAYS))
        .order_by("stage_entered_on", "id")
    )


def _commitments(rows: Any, key: str, label: str) -> list[figures.CommitmentGroup]:
    return [
        figures.CommitmentGroup(
            key=str(r[key]),
            label=str(r[label] if r[label] is not None else "未指定"),
            currency=r["currency"],
            projects=r["projects"],
            signed_amount=r["signed"] or Decimal("0"),
            capital_arrived=r["arrived"] or Decimal("0"),
            realised_capex=r["capex"] or Decimal("0"),
            jobs_committed=r["jobs_committed"] or 0,
            jobs_realised=r["jobs_realised"] or 0,
        )
        for r in rows
    ]


def pipeline_figures(
    *, user: Any, filters: ProjectFilters, today: dt.date, rates: dict[str, Decimal] | None = None
) -> dict[str, Any]:
    """Funnel, time in stage and signed vs realised (by year, zone, chain node), in scope.

    Each block is one grouped query, so the number of queries and the rows they return do not
    grow with the number of projects.
    """
    qs = _filtered(user, filters, today).order_by()
    # One grouped scan serves both the funnel (stage, lost_from_stage) and the age of the
    # stays still going on (stage, stage_entered_on).
    funnel_counts: dict[tuple[str, str], int] = {}
    ongoing: dict[str, dict[int, int]] = {}
    for r in qs.values("stage", "lost_from_stage", "stage_entered_on").annotate(n=Count("id")):
        key = (r["stage"], r["lost_from_stage"])
        funnel_counts[key] = funnel_counts.get(key, 0) + r["n"]
        if r["stage"] != Stage.LOST:
            days = (today - r["stage_entered_on"]).days
            bucket = ongoing.setdefault(r["stage"], {})
            bucket[days] = bucket.get(days, 0) + r["n"]
    finished: dict[str, dict[int, int]] = {}
    for r in (
        StageChange.objects.filter(project__in=qs.values("pk"), days_in_from_stage__isnull=False)
        .exclude(from_stage="")
        .values("from_stage", "days_in_from_stage")
        .annotate(n=Count("id"))
        .order_by()
    ):
        finished.setdefault(r["from_stage"], {})[r["days_in_from_stage"]] = r["n"]
    signed = qs.filter(signed_on__isnull=False)
    sums = {
        "projects": Count("id"),
        "signed": Sum("signed_amount"),
        "arrived": Sum("capital_arrived"),
        "capex": Sum("realised_capex"),
        "jobs_committed": Sum("planned_jobs"),
        "jobs_realised": Sum("realised_jobs"),
    }
    by_year = (
        signed.annotate(year=ExtractYear("signed_on"))
        .values("year", "currency")
        .annotate(**sums)
        .order_by("-year", "currency")
    )
    by_zone = (
        signed.values("target_region_id", "target_region__name", "currency")
        .annotate(**sums)
        .order_by("target_region__name", "currency")
    )
    through = Project.chain_nodes.through
    chain_sums = {
        "projects": Count("project_id"),
        "signed": Sum("project__signed_amount"),
        "arrived": Sum("project__capital_arrived"),
        "capex": Sum("project__realised_capex"),
        "jobs_committed": Sum("project__planned_jobs"),
        "jobs_realised": Sum("project__realised_jobs"),
    }
    by_chain = (
        through.objects.filter(project__in=signed.values("pk"))
        .values("chainnode_id", "chainnode__name", currency=F("project__currency"))
        .annotate(**chain_sums)
        .order_by("chainnode__name", "currency")
    )
    year_lines = figures.signed_vs_realised(_commitments(list(by_year), "year", "year"))
    zone_lines = figures.signed_vs_realised(
        _commitments(list(by_zone), "target_region_id", "target_region__name")
    )
    chain_lines = figures.signed_vs_realised(
        _commitments(list(by_chain), "chainnode_id", "chainnode__name")
    )
    totals = figures.totals_by_currency((g.currency, g.signed_amount) for g in year_lines)
    arrived = figures.totals_by_currency((g.currency, g.capital_arrived) for g in year_lines)
    return {
        "funnel": figures.funnel(funnel_counts),
        "times": figures.time_in_stage(finished, ongoing),
        "by_year": year_lines,
        "by_zone": zone_lines,
        "by_chain": chain_lines,
        "signed_totals": totals,
        "arrived_totals": arrived,
        "converted": figures.convert_total(totals, rates) if rates else None,
    }


def translation_list(*, user: Any, gate: str = "") -> QuerySet[TranslationProject]:
    qs = _visible_translation(user_scope(user)).select_related(
        "origin", "incubator", "landing_region", "company"
    )
    if gate == "none":
        qs = qs.filter(gate="")
    elif gate:
        qs = qs.filter(gate=gate)
    return qs.order_by("-updated_at", "-id")


def access_translation(user: Any, project_id: int, *, for_edit: bool = False) -> TranslationProject:
    project = translation_list(user=user).filter(pk=project_id).first()
    if project is None:
        raise Http404("项目不存在或无权查看")
    if for_edit and not can_edit(user):
        raise PermissionDenied("当前角色只能查看，不能修改项目")
    return project


def organisation_projects(*, user: Any, organisation: Organisation, limit: int = 20) -> list[Any]:
    """Projects in which the organisation is investor, landed company, origin or formed company."""
    scope = user_scope(user)
    investment = list(
        _visible_projects(scope)
        .filter(Q(investors=organisation) | Q(registered_company=organisation))
        .distinct()
        .select_related("target_region")
        .order_by("-updated_at")[:limit]
    )
    translational = list(
        _visible_translation(scope)
        .filter(Q(origin=organisation) | Q(company=organisation) | Q(incubator=organisation))
        .order_by("-updated_at")[:limit]
    )
    return [investment, translational]


# ---- repeat signings (engine.repeats) -------------------------------------------------------


def counted_signings(signings: QuerySet[Signing] | None = None) -> QuerySet[Signing]:
    """The signings every headline and figure counts: repeats of an earlier agreement (the
    same project, or the same parties, signed again for the same amount) are left out, so a
    sum over these counts each agreement once. Pass an already scoped queryset to narrow it."""
    base = Signing.objects.all() if signings is None else signings
    return base.filter(repeat_of__isnull=True)


def repeat_signings(signings: QuerySet[Signing] | None = None) -> QuerySet[Signing]:
    """The signings flagged as repeats, each with its original (`repeat_of`) at hand."""
    base = Signing.objects.all() if signings is None else signings
    return base.filter(repeat_of__isnull=False).select_related("repeat_of", "repeat_of__project")


REPEAT_REASONS = {
    repeats.SAME_PROJECT: _("同一项目以相同金额再次签约"),
    repeats.SAME_PARTIES: _("相同签约方以相同金额再次签约（另立项目）"),
}


def repeat_evidence(signing: Signing, *, visible: bool = True) -> str:
    """Why a signing is counted once, in words a reader can check against the two records.

    `visible=False` when the reader may not see the original's project: the evidence then gives
    its date and amount without naming the project, its event or its parties."""
    original = signing.repeat_of
    if original is None:
        return ""
    reason = REPEAT_REASONS.get(signing.repeat_reason, signing.repeat_reason)
    from yiqiao.core.templatetags.yiqiao import money

    if not visible:
        return _("{reason}：首次签约 {day}（{amount}，其他单位登记的项目），本次不重复计入").format(
            reason=reason,
            day=f"{original.signed_on:%Y-%m-%d}",
            amount=money(original.amount, original.currency),
        )
    return _(
        "{reason}：首次签约 {day}（{where}，项目“{title}”，{amount}，签约方：{parties}），本次不重复计入"
    ).format(
        reason=reason,
        day=f"{original.signed_on:%Y-%m-%d}",
        where=original.event_ref or _("项目页登记"),
        title=original.project.title,
        amount=money(original.amount, original.currency),
        parties=original.signatories,
    )


def signing_repeats_recount() -> list[str]:
    """Differences between the stored repeat marks and a full recount (empty when they agree),
    and between each project's signed amount and the sum of its counted signings."""
    rows = list(Signing.objects.order_by("signed_on", "id"))
    found = repeats.detect(
        [
            repeats.SigningFacts(
                id=s.pk,
                project_id=s.project_id,
                signed_on=s.signed_on,
                amount=s.amount,
                currency=s.currency,
                signatories=s.signatories,
            )
            for s in rows
        ]
    )
    problems = []
    for s in rows:
        expected = found.get(s.pk)
        stored = s.repeat_of_id
        if (expected.original_id if expected else None) != stored:
            problems.append(
                f"签约 #{s.pk}：标记为重复 {stored or '无'}，重算为 {expected.original_id if expected else '无'}"
            )
    sums = {
        r["project_id"]: (r["total"], r["first"])
        for r in counted_signings()
        .values("project_id")
        .annotate(total=Sum("amount"), first=Min("signed_on"))
        .order_by()
    }
    for pk, amount, first in Project.objects.filter(
        Q(signed_on__isnull=False) | Q(pk__in=list(sums))
    ).values_list("pk", "signed_amount", "signed_on"):
        total, expected_first = sums.get(pk, (Decimal(0), None))
        if (total, expected_first) != (amount, first):
            problems.append(
                f"项目 #{pk}：签约金额 {amount}（首次 {first}），"
                f"计入的签约合计 {total}（首次 {expected_first}）"
            )
    return problems
