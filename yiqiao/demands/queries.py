"""Reads of demands. All permission scoping for demands lives here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    CharField,
    Count,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils import timezone

from yiqiao.core.scope import Scope, user_scope

from .engine import workflow
from .models import EVENT_LABELS, STATE_LABELS, Category, Demand

TIME_STATUSES = {
    "overdue": "已超期",
    "due_soon": "即将到期",
    "on_time": "未超期",
    "answered": "已响应",
}


@dataclass
class DemandFilters:
    """Inbox filters shared by the page, the export and the API."""

    q: str = ""
    state: str = ""
    category: str = ""
    time_status: str = ""
    unit: str = ""  # "" = my unit (staff), "all" = everything in scope, or a unit id
    organisation: int | None = None
    mine: bool = False  # assigned to me, or to my unit and to nobody yet (my_demands)
    errors: list[str] = field(default_factory=list)

    @classmethod
    def from_mapping(cls, data: Any) -> DemandFilters:
        def get(key: str) -> str:
            value = data.get(key, "")
            return str(value).strip()[:100] if value is not None else ""

        errors: list[str] = []
        state = get("state")
        if state and state not in workflow.STATES:
            errors.append(f"未知的状态：{state}")
            state = ""
        category = get("category")
        if category and category not in Category.values:
            errors.append(f"未知的需求类别：{category}")
            category = ""
        status = get("time_status")
        if status and status not in TIME_STATUSES:
            errors.append(f"未知的时限状态：{status}")
            status = ""
        unit = get("unit")
        if unit and unit != "all" and not unit.isdigit():
            unit = ""
        org = get("organisation")
        return cls(
            q=get("q"),
            state=state,
            category=category,
            time_status=status,
            unit=unit,
            organisation=int(org) if org.isdigit() else None,
            mine=get("mine") == "1",
            errors=errors,
        )

    def as_query(self) -> dict[str, str]:
        data = {
            "q": self.q,
            "state": self.state,
            "category": self.category,
            "time_status": self.time_status,
            "unit": self.unit,
            "organisation": str(self.organisation) if self.organisation else "",
            "mine": "1" if self.mine else "",
        }
        return {k: v for k, v in data.items() if v}


def visible_demands(scope: Scope) -> QuerySet[Demand]:
    """Demands a scope may see: staff by the organisation's region or park or by their unit;
    enterprise users their own organisation's; nobody else anything."""
    qs = Demand.objects.all()
    if scope.everything:
        return qs
    if scope.is_staff_role:
        condition = Q(organisation__region_id__in=scope.region_ids) | Q(
            organisation__park_id__in=scope.region_ids
        )
        if scope.unit_id is not None:
            condition |= Q(unit_id=scope.unit_id)
        return qs.filter(condition)
    if scope.organisation_id is not None:
        return qs.filter(organisation_id=scope.organisation_id)
    return qs.none()


def my_demands(user: Any) -> Q:
    """The needs that are the user's own work: assigned to them, or routed to their unit and
    not yet assigned to anyone. The officer's home page and the inbox's "mine" filter both
    use this condition, so the home page's count is the list's count."""
    condition = Q(assignee_id=getattr(user, "pk", None))
    unit_id = user_scope(user).unit_id
    if unit_id is not None:
        condition |= Q(unit_id=unit_id, assignee__isnull=True)
    return condition


def with_time_status(qs: QuerySet[Demand], today: date | None = None) -> QuerySet[Demand]:
    """Annotate ``time_status`` (overdue / due_soon / on_time / answered) and
    ``answered_on_time`` in SQL, so lists and counts filter on them without Python loops."""
    today = today or timezone.localdate()
    # Due soon in the last fifth of the limit (the soon-from day fixed at intake), or on the
    # due day for rows raised before that day was recorded; never merely for being new.
    accept_soon = Q(accept_soon_from__lte=today) | Q(
        accept_soon_from__isnull=True, accept_due__lte=today
    )
    respond_soon = Q(respond_soon_from__lte=today) | Q(
        respond_soon_from__isnull=True, respond_due__lte=today
    )
    waiting = Q(state__in=workflow.OPEN_STATES)
    accepting = Q(state=workflow.SUBMITTED)
    return qs.annotate(
        time_status=Case(
            When(
                (accepting & Q(accept_due__lt=today)) | (waiting & Q(respond_due__lt=today)),
                then=Value("overdue"),
            ),
            When(
                (accepting & accept_soon) | (waiting & respond_soon),
                then=Value("due_soon"),
            ),
            When(waiting, then=Value("on_time")),
            default=Value("answered"),
            output_field=CharField(),
        ),
    )


def demand_list(
    *, user: Any, filters: DemandFilters, today: date | None = None
) -> QuerySet[Demand]:
    """The inbox: demands in scope, by default those of the user's unit and the units below it
    (staff): a bureau officer opens on the needs routed to the bureau and to its parks, a park
    officer on the park's; not-yet-routed needs show to both."""
    scope = user_scope(user)
    qs = visible_demands(scope)
    if filters.mine:
        qs = qs.filter(my_demands(user))
    elif scope.is_staff_role and not scope.everything:
        if filters.unit == "":
            if scope.unit_id is not None:
                qs = qs.filter(
                    Q(unit_id=scope.unit_id)
                    | Q(unit__region_id__in=scope.region_ids)
                    | Q(unit__isnull=True)
                )
        elif filters.unit != "all":
            qs = qs.filter(unit_id=int(filters.unit))
    elif filters.unit.isdigit():
        qs = qs.filter(unit_id=int(filters.unit))
    if filters.q:
        qs = qs.filter(
            Q(title__icontains=filters.q)
            | Q(text__icontains=filters.q)
            | Q(organisation__name__icontains=filters.q)
        )
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.organisation:
        qs = qs.filter(organisation_id=filters.organisation)
    qs = with_time_status(qs, today)
    if filters.time_status:
        qs = qs.filter(time_status=filters.time_status)  # type: ignore[misc]
    return qs.select_related("organisation", "unit", "assignee").order_by("-created_at", "-id")


def overdue_list(*, user: Any, today: date | None = None, mine: bool = False) -> QuerySet[Demand]:
    """Every overdue demand in the user's scope (with ``mine``, only the user's own work, as
    the inbox's ``?time_status=overdue&mine=1`` lists it), oldest limit first."""
    base = visible_demands(user_scope(user))
    if mine:
        base = base.filter(my_demands(user))
    qs = with_time_status(base, today).filter(time_status="overdue")  # type: ignore[misc]
    return qs.select_related("organisation", "unit", "assignee").order_by("respond_due", "id")


def access_demand(user: Any, demand_id: int, *, for_edit: bool = False) -> Demand:
    """One demand the user may see (404 otherwise); with for_edit, one they may handle (403)."""
    demand = (
        with_time_status(visible_demands(user_scope(user)))
        .select_related(
            "organisation",
            "organisation__region",
            "organisation__park",
            "unit",
            "assignee",
            "raised_by",
        )
        .filter(pk=demand_id)
        .first()
    )
    if demand is None:
        raise Http404("需求不存在或无权查看")
    if for_edit and not (user.is_superuser or user.can_edit_register):
        raise PermissionDenied("当前角色无权办理需求")
    return demand


def access_demand_fresh(demand: Demand) -> Demand:
    """Reload a demand after a write, with the same related rows and annotations as access."""
    return (
        with_time_status(Demand.objects.all())
        .select_related("organisation", "unit", "assignee")
        .get(pk=demand.pk)
    )


def demand_detail(demand: Demand) -> dict[str, Any]:
    """Related rows for the detail page in a fixed number of queries."""
    return {
        "chain_nodes": list(demand.chain_nodes.all()),
        "attachments": list(demand.attachments.all()),
        "transitions": _labelled(list(demand.transitions.select_related("by"))),
        "responses": list(demand.responses.select_related("by")),
        "conversions": list(demand.conversions.select_related("by", "response")),
        "follow_ups": list(demand.follow_ups.select_related("by")),
    }


def _labelled(transitions: list[Any]) -> list[Any]:
    """Labels for the history list, in the language of the page (translated when shown)."""
    for t in transitions:
        t.event_label = EVENT_LABELS.get(t.event, t.event)
        t.from_label = STATE_LABELS.get(t.from_state, "—")
        t.to_label = STATE_LABELS.get(t.to_state, t.to_state)
    return transitions


def demand_list_for_organisation(
    *, user: Any, organisation_id: int, limit: int = 20
) -> list[Demand]:
    """The organisation page's panel: that organisation's demands the user may see."""
    qs = with_time_status(visible_demands(user_scope(user))).filter(organisation_id=organisation_id)
    return list(qs.select_related("unit").order_by("-created_at", "-id")[:limit])


def funnel(*, user: Any, today: date | None = None) -> dict[str, Any]:
    """Raised → answered on time → converted, by category and by org unit (two queries)."""
    qs = visible_demands(user_scope(user)).annotate(responded_on=TruncDate("responded_at"))
    on_time = Q(responded_on__isnull=False, responded_on__lte=models_f("respond_due"))
    measures = {
        "raised": Count("id"),
        "answered": Count("id", filter=Q(responded_at__isnull=False)),
        "on_time": Count("id", filter=on_time),
        "converted": Count("id", filter=Q(converted_at__isnull=False)),
    }
    labels = dict(Category.choices)
    by_category = [
        {**row, "label": labels.get(row["category"], row["category"])}
        for row in qs.order_by().values("category").annotate(**measures).order_by("category")
    ]
    by_unit = [
        {**row, "label": row["unit__name"] or "未分派"}
        for row in qs.order_by()
        .values("unit_id", "unit__name")
        .annotate(**measures)
        .order_by("unit__name")
    ]
    total = {key: sum(row[key] for row in by_category) for key in measures}
    return {"total": total, "by_category": by_category, "by_unit": by_unit}


def models_f(name: str) -> Any:
    from django.db.models import F

    return F(name)


def unit_choices(user: Any) -> list[Any]:
    """Org units whose regions lie in the user's scope (reassignment targets, filters)."""
    from yiqiao.accounts.models import OrgUnit

    scope = user_scope(user)
    qs = OrgUnit.objects.exclude(kind=OrgUnit.Kind.ENTERPRISE)
    if not scope.everything:
        qs = qs.filter(region_id__in=scope.region_ids)
    return list(qs.order_by("name"))


def assignee_choices(demand: Demand) -> list[Any]:
    """Officers of the demand's unit."""
    from yiqiao.accounts.models import User

    if demand.unit_id is None:
        return []
    return list(
        User.objects.filter(
            org_unit_id=demand.unit_id, role__in=["officer", "admin"], is_active=True
        ).order_by("username")
    )


def export_rows(*, user: Any, filters: DemandFilters, limit: int = 100_000) -> list[list[Any]]:
    """Needs and their outcomes for the .xlsx export (a fixed number of queries)."""
    qs = demand_list(user=user, filters=filters)[:limit]
    demands = list(qs)
    ids = [d.pk for d in demands]
    from .models import Conversion, FollowUp, Response

    responses: dict[int, list[str]] = {}
    for demand_id, title, text in Response.objects.filter(demand_id__in=ids).values_list(
        "demand_id", "resource_title", "text"
    ):
        responses.setdefault(demand_id, []).append(title or text[:40])
    conversions: dict[int, list[str]] = {}
    kinds = dict(Conversion.Kind.choices)
    for demand_id, kind, amount in Conversion.objects.filter(demand_id__in=ids).values_list(
        "demand_id", "kind", "amount_yuan"
    ):
        conversions.setdefault(demand_id, []).append(
            str(kinds[kind]) + (f"（{amount}元）" if amount is not None else "")
        )
    satisfaction: dict[int, int] = {}
    for demand_id, score in (
        FollowUp.objects.filter(demand_id__in=ids)
        .order_by("on", "id")
        .values_list("demand_id", "satisfaction")
    ):
        satisfaction[demand_id] = score
    rows: list[list[Any]] = []
    for d in demands:
        rows.append(
            [
                d.pk,
                d.organisation.name,
                d.get_category_display(),
                d.get_channel_display(),
                d.title,
                d.text,
                d.get_state_display(),
                d.unit.name if d.unit else "",
                str(d.assignee) if d.assignee else "",
                timezone.localtime(d.created_at).strftime("%Y-%m-%d %H:%M"),
                d.accept_due.isoformat(),
                d.respond_due.isoformat(),
                timezone.localtime(d.responded_at).strftime("%Y-%m-%d %H:%M")
                if d.responded_at
                else "",
                TIME_STATUSES.get(getattr(d, "time_status", ""), ""),
                "；".join(responses.get(d.pk, [])),
                "；".join(conversions.get(d.pk, [])),
                satisfaction.get(d.pk, ""),
            ]
        )
    return rows


EXPORT_HEADER = [
    "编号",
    "提出机构",
    "类别",
    "来源",
    "标题",
    "需求描述",
    "状态",
    "责任单元",
    "承办人",
    "提出时间",
    "受理时限",
    "响应时限",
    "首次响应",
    "时限状态",
    "响应/推荐",
    "转化",
    "最近回访满意度",
]
