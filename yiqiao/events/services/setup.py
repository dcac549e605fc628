"""Writes that set an event up: creation, setup changes, agenda sessions, exhibited products, roadshow slots. Keyword-only, atomic, audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from yiqiao.accounts.models import User
from yiqiao.core.audit import audit_record, snapshot
from yiqiao.core.models import AuditEvent
from yiqiao.core.transitions import versioned_change
from yiqiao.core.uscc import uscc_normalise, uscc_problem
from yiqiao.core.values import FieldValues
from yiqiao.registry.models import Organisation, Region

from ..models import (
    AgendaSession,
    Event,
    ExhibitedProduct,
    RoadshowSlot,
)

INVITATION_HEADERS = {
    "机构名称": "organisation_name",
    "名称": "organisation_name",
    "单位名称": "organisation_name",
    "统一社会信用代码": "uscc",
    "信用代码": "uscc",
    "联系人": "contact_name",
    "电话": "contact_phone",
    "联系电话": "contact_phone",
}


def check_can_edit(user: User) -> None:
    """Organising events is work for officers and admins (viewers only read)."""
    if not (getattr(user, "is_superuser", False) or getattr(user, "can_edit_register", False)):
        raise PermissionDenied("当前角色无权修改活动")


EVENT_SECRET = ("registration_token",)


def event_snapshot(event: Event) -> dict[str, object]:
    """snapshot() of an event without its registration token (a secret)."""
    return snapshot(event, exclude=EVENT_SECRET)


def _clean_uscc(raw: str) -> str:
    code = uscc_normalise(raw) if raw.strip() else ""
    if code:
        problem = uscc_problem(code)
        if problem:
            raise ValidationError({"uscc": f"统一社会信用代码“{raw}”有误：{problem.message}"})
    return code


# ---- events ---------------------------------------------------------------------------------


@transaction.atomic
def event_create(
    *,
    by: User,
    title: str,
    kind: str,
    city: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    theme: str = "",
    venue: str = "",
    capacity: int | None = None,
    hosts: list[Organisation] | None = None,
    co_hosts: list[Organisation] | None = None,
    invited_regions: list[Region] | None = None,
    is_invitation_only: bool = True,
    **meeting_setup: object,
) -> Event:
    """Create an event owned by the creator's unit (its region decides who sees it)."""
    check_can_edit(by)
    unit = getattr(by, "org_unit", None)
    if unit is None:
        raise PermissionDenied("您的账号未归属任何单位，不能创建活动")
    event = Event(
        title=title.strip(),
        kind=kind,
        city=city.strip(),
        venue=venue.strip(),
        theme=theme.strip(),
        starts_on=starts_on,
        ends_on=ends_on or starts_on,
        capacity=capacity,
        owner_unit=unit,
        region_id=unit.region_id,
        is_invitation_only=is_invitation_only,
        created_by=by,
        **meeting_setup,
    )
    event.full_clean(exclude=["registration_token"])
    event.save()
    event.hosts.set(hosts or [])
    event.co_hosts.set(co_hosts or [])
    event.invited_regions.set(invited_regions or [])
    audit_record(
        actor=by, action=AuditEvent.Action.CREATE, instance=event, after=event_snapshot(event)
    )
    return event


def event_update_setup(*, event: Event, by: User, data: FieldValues) -> Event:
    """Change the meeting setup (slots, tables, seats); refused once a schedule is published."""
    check_can_edit(by)
    with versioned_change(Event, event.pk, by=by, exclude=EVENT_SECRET) as change:
        current = change.instance
        if current.schedules.filter(is_published=True).exists():
            raise ValidationError("日程已发布，不能再修改时段和洽谈桌设置")
        for key, value in data.items():
            setattr(current, key, value)
        current.full_clean(exclude=["registration_token"])
    return change.instance


# ---- programme: agenda, exhibition, roadshows ---------------------------------------------------


@transaction.atomic
def session_add(
    *,
    event: Event,
    by: User,
    kind: str,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    speaker: str = "",
) -> AgendaSession:
    """Add an item to the programme (presentation, sharing, matchmaking, exhibition, …)."""
    check_can_edit(by)
    if kind not in AgendaSession.Kind.values:
        raise ValidationError("未知的议程类型")
    if ends_at <= starts_at:
        raise ValidationError("议程结束时间须晚于开始时间")
    session = AgendaSession.objects.create(
        event=event,
        kind=kind,
        title=title.strip()[:160],
        starts_at=starts_at,
        ends_at=ends_at,
        speaker=speaker.strip()[:120],
    )
    audit_record(actor=by, action=AuditEvent.Action.CREATE, instance=session)
    return session


#: Who may exhibit a product, present at a roadshow, or give a roadshow investor's feedback.
EXHIBITOR_KINDS: tuple[str, ...] = (Organisation.Kind.ENTERPRISE,)
PRESENTER_KINDS: tuple[str, ...] = (Organisation.Kind.ENTERPRISE,)
FEEDBACK_KINDS: tuple[str, ...] = (Organisation.Kind.INVESTOR,)


def check_kind(organisation: Organisation, kinds: tuple[str, ...], role: str) -> None:
    """Refuse an organisation whose register kind does not fit its role at the event."""
    if organisation.kind not in kinds:
        raise ValidationError(f"“{organisation.name}”在名录中不是{role}")


@transaction.atomic
def product_add(
    *, event: Event, by: User, organisation: Organisation, name: str, category: str = ""
) -> ExhibitedProduct:
    """Record a product shown by an enterprise at the exhibition."""
    check_can_edit(by)
    check_kind(organisation, EXHIBITOR_KINDS, "企业")
    if not name.strip():
        raise ValidationError("请填写产品名称")
    product = ExhibitedProduct.objects.create(
        event=event, organisation=organisation, name=name.strip()[:120], category=category[:60]
    )
    audit_record(actor=by, action=AuditEvent.Action.CREATE, instance=product)
    return product


@transaction.atomic
def roadshow_add(
    *,
    event: Event,
    by: User,
    organisation: Organisation,
    project_title: str,
    financing_amount: Decimal | None = None,
    currency: str = "CNY",
    funding_stage: str = "",
) -> RoadshowSlot:
    """Add an enterprise's project presented at the roadshow, with its financing need."""
    check_can_edit(by)
    check_kind(organisation, PRESENTER_KINDS, "企业")
    if not project_title.strip():
        raise ValidationError("请填写路演项目名称")
    if financing_amount is not None and financing_amount < 0:
        raise ValidationError("融资需求不能为负数")
    order = event.roadshows.count() + 1
    slot = RoadshowSlot.objects.create(
        event=event,
        organisation=organisation,
        project_title=project_title.strip()[:160],
        order=order,
        financing_amount=financing_amount,
        currency=currency,
        funding_stage=funding_stage[:20],
    )
    audit_record(actor=by, action=AuditEvent.Action.CREATE, instance=slot)
    return slot
