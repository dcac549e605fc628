"""Writes to events: creation, invitations, registrations, check-in, outcomes and signings.

Keyword-only, atomic, audited. Scheduling writes live in ``meetings.py``. Cross-app writes go
through the owning app's services: needs through ``demands.services.demand_create_from_event``,
leads through ``projects.services.project_create_lead`` and agreements through
``projects.services.signing_record``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from yiqiao.core.audit import audit_record, snapshot
from yiqiao.core.models import AuditEvent
from yiqiao.core.tabular import Table
from yiqiao.core.text import name_normalise
from yiqiao.core.uscc import uscc_normalise, uscc_problem
from yiqiao.registry.models import Organisation, Region

from .models import (
    AgendaSession,
    Event,
    EventSigning,
    ExhibitedProduct,
    InvestorFeedback,
    Invitation,
    Meeting,
    Registration,
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


def check_can_edit(user: Any) -> None:
    """Organising events is work for officers and admins (viewers only read)."""
    if not (getattr(user, "is_superuser", False) or getattr(user, "can_edit_register", False)):
        raise PermissionDenied("当前角色无权修改活动")


def event_snapshot(event: Event) -> dict[str, Any]:
    """snapshot() of an event; the core helper does not serialise time values yet."""
    data = snapshot(event, exclude=("meetings_start", "registration_token"))
    data["meetings_start"] = event.meetings_start.strftime("%H:%M") if event.meetings_start else ""
    return data


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
    by: Any,
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
    **meeting_setup: Any,
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


@transaction.atomic
def event_update_setup(*, event: Event, by: Any, data: dict[str, Any]) -> Event:
    """Change the meeting setup (slots, tables, seats); refused once a schedule is published."""
    check_can_edit(by)
    current = Event.objects.select_for_update().get(pk=event.pk)
    if current.schedules.filter(is_published=True).exists():
        raise ValidationError("日程已发布，不能再修改时段和洽谈桌设置")
    before = event_snapshot(current)
    for key, value in data.items():
        setattr(current, key, value)
    current.full_clean(exclude=["registration_token"])
    current.row_version = F("row_version") + 1
    current.save()
    current.refresh_from_db()
    audit_record(
        actor=by,
        action=AuditEvent.Action.UPDATE,
        instance=current,
        before=before,
        after=event_snapshot(current),
    )
    return current


# ---- invitations ----------------------------------------------------------------------------


@dataclass
class InvitationImportResult:
    created: int
    skipped: int
    errors: list[str]


def _match_organisation(name_key: str, uscc: str) -> Organisation | None:
    """The register's organisation with this uscc, else the only one with this name."""
    if uscc:
        found = Organisation.objects.filter(uscc=uscc, is_active=True).first()
        if found is not None:
            return found
    candidates = list(
        Organisation.objects.filter(name_normalised=name_key, is_active=True).order_by("id")[:2]
    )
    return candidates[0] if len(candidates) == 1 else None


@transaction.atomic
def invitation_import(*, event: Event, table: Table, by: Any) -> InvitationImportResult:
    """Add the rows of an invitation list; every row is checked, all-or-nothing.

    A row naming an organisation already invited (same normalised name) is skipped, so the
    same list can be uploaded again after additions.
    """
    check_can_edit(by)
    columns: dict[str, int] = {}
    for i, header in enumerate(table.headers):
        key = INVITATION_HEADERS.get(header)
        if key and key not in columns:
            columns[key] = i
    if "organisation_name" not in columns:
        raise ValidationError("邀请名单缺少“机构名称”列")
    existing = set(event.invitations.values_list("name_normalised", flat=True))
    errors: list[str] = []
    new: list[Invitation] = []
    skipped = 0
    for line, cells in table.rows:

        def cell(key: str, cells: list[str] = cells) -> str:
            i = columns.get(key)
            return cells[i].strip() if i is not None and i < len(cells) else ""

        name = cell("organisation_name")
        if not name:
            errors.append(f"第{line}行：机构名称为空")
            continue
        try:
            code = _clean_uscc(cell("uscc"))
        except ValidationError as exc:
            errors.append(f"第{line}行：" + "；".join(exc.messages))
            continue
        key = name_normalise(name)[:120]
        if key in existing:
            skipped += 1
            continue
        existing.add(key)
        new.append(
            Invitation(
                event=event,
                organisation_name=name[:120],
                name_normalised=key,
                uscc=code,
                contact_name=cell("contact_name")[:60],
                contact_phone=cell("contact_phone")[:40],
                organisation=_match_organisation(key, code),
            )
        )
    if errors:
        return InvitationImportResult(0, skipped, errors)
    Invitation.objects.bulk_create(new)
    audit_record(
        actor=by,
        action=AuditEvent.Action.IMPORT,
        instance=event,
        note=f"导入邀请名单 {len(new)} 家，跳过已邀请 {skipped} 家",
    )
    return InvitationImportResult(len(new), skipped, [])


# ---- registrations --------------------------------------------------------------------------


@dataclass(frozen=True)
class RegistrationResult:
    registration: Registration
    is_existing: bool


@transaction.atomic
def registration_submit(
    *,
    event: Event,
    organisation_name: str,
    contact_name: str,
    contact_phone: str,
    uscc: str = "",
    contact_title: str = "",
    attendees: int = 1,
    interests: str = "",
    by: Any = None,
) -> RegistrationResult:
    """Register an organisation (public page or an officer); registering twice returns the
    existing registration, matched by uscc or normalised name.

    The organisation is linked to the register when it is found there (by uscc, then by a
    unique normalised name); otherwise the registration stays unlinked, a suggested addition.
    """
    name = organisation_name.strip()
    if not name:
        raise ValidationError({"organisation_name": "请填写机构名称"})
    if not contact_name.strip() or not contact_phone.strip():
        raise ValidationError({"contact_name": "请填写联系人和电话"})
    if not 1 <= attendees <= 20:
        raise ValidationError({"attendees": "参会人数应在1至20人之间"})
    code = _clean_uscc(uscc)
    key = name_normalise(name)[:120]
    # Lock the event row: two simultaneous submissions of one organisation serialise here.
    Event.objects.select_for_update().filter(pk=event.pk).first()
    same = Q(name_normalised=key)
    if code:
        same |= Q(uscc=code)
    existing = event.registrations.filter(same).order_by("id").first()
    if existing is not None:
        return RegistrationResult(existing, True)
    invitation = (
        event.invitations.filter(Q(name_normalised=key) | (Q(uscc=code) if code else Q(pk=None)))
        .order_by("id")
        .first()
    )
    if event.is_invitation_only and invitation is None:
        raise ValidationError("本活动仅限受邀机构报名，名单中未找到贵单位，请与主办方联系")
    active = event.registrations.filter(status=Registration.Status.REGISTERED)
    if event.capacity is not None:
        seats_taken = sum(active.values_list("attendees", flat=True))
        if seats_taken + attendees > event.capacity:
            raise ValidationError(f"报名人数已满（容量{event.capacity}人）")
    organisation = (invitation.organisation if invitation else None) or _match_organisation(
        key, code
    )
    registration = Registration(
        event=event,
        organisation_name=name[:120],
        name_normalised=key,
        uscc=code or (organisation.uscc or "" if organisation else ""),
        organisation=organisation,
        invitation=invitation,
        contact_name=contact_name.strip()[:60],
        contact_title=contact_title.strip()[:60],
        contact_phone=contact_phone.strip()[:40],
        attendees=attendees,
        interests=interests.strip()[:300],
    )
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError:
        found = event.registrations.filter(same).order_by("id").first()
        if found is None:
            raise
        return RegistrationResult(found, True)
    audit_record(
        actor=by,
        action=AuditEvent.Action.CREATE,
        instance=registration,
        after=snapshot(registration, exclude=("checkin_token",)),
    )
    return RegistrationResult(registration, False)


@transaction.atomic
def registration_check_in(
    *, registration: Registration, by: Any, now: dt.datetime | None = None
) -> Registration:
    """Mark a registration as arrived; a second check-in keeps the first time."""
    check_can_edit(by)
    current = Registration.objects.select_for_update().get(pk=registration.pk)
    if current.status == Registration.Status.CANCELLED:
        raise ValidationError("该报名已取消，不能签到")
    if current.checked_in_at is not None:
        return current
    current.checked_in_at = now or timezone.now()
    current.save(update_fields=["checked_in_at", "updated_at"])
    audit_record(actor=by, action=AuditEvent.Action.TRANSITION, instance=current, note="现场签到")
    return current


# ---- meeting outcomes -----------------------------------------------------------------------


@transaction.atomic
def meeting_record_outcome(
    *,
    meeting: Meeting,
    by: Any,
    status: str,
    notes: str = "",
    need_category: str = "",
    need_text: str = "",
    invest_interest: bool = False,
    investor_side: str = "requester",
    follow_up_owner: Any = None,
    follow_up_on: dt.date | None = None,
    follow_up_done_on: dt.date | None = None,
) -> Meeting:
    """Record what happened at a meeting.

    A need raised creates one Demand (channel 活动现场) and an interest in investing one
    Project lead; both are remembered on the meeting so recording the outcome again never
    creates a second one.
    """
    from yiqiao.demands.services import demand_create_from_event
    from yiqiao.projects.services import project_create_lead

    check_can_edit(by)
    current = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related(
            "schedule__event",
            "request__requester__registration__organisation",
            "request__invitee__registration__organisation",
        )
        .get(pk=meeting.pk)
    )
    event = current.schedule.event
    if not current.schedule.is_published:
        raise ValidationError("只能为已发布日程中的会谈登记结果")
    if status not in Meeting.Status.values or status == Meeting.Status.SCHEDULED:
        raise ValidationError("请选择会谈结果：已举行或未出席")
    if status == Meeting.Status.NO_SHOW and (need_text.strip() or invest_interest):
        raise ValidationError("未出席的会谈不能登记需求或投资意向")
    before = snapshot(current)
    sides = {"requester": current.request.requester, "invitee": current.request.invitee}
    if need_text.strip() and current.demand_id is None:
        org = _side_organisation(sides)
        current.demand = demand_create_from_event(
            event_id=event.pk,
            organisation=org,
            by=by,
            category=need_category or "other",
            text=need_text.strip(),
            title=f"{event.title}：{org.name}",
        ).demand
    if invest_interest and current.project_id is None:
        participant = sides.get(investor_side)
        if participant is None:
            raise ValidationError("请选择意向投资方")
        org = _organisation_of(participant)
        current.project = project_create_lead(
            title=f"{org.name}投资意向（{event.title}）",
            investor=org,
            source_note=f"{event.title}一对一对接：{current.request}",
            by=by,
            source_url_or_ref=f"events:meeting:{current.pk}",
        )
    current.status = status
    current.notes = notes.strip()
    current.follow_up_owner = follow_up_owner
    current.follow_up_on = follow_up_on
    current.follow_up_done_on = follow_up_done_on
    current.row_version += 1
    current.save()
    audit_record(
        actor=by,
        action=AuditEvent.Action.UPDATE,
        instance=current,
        before=before,
        after=snapshot(current),
        note="登记会谈结果",
    )
    return current


def _organisation_of(participant: Any) -> Organisation:
    registration = participant.registration
    if registration is None:
        raise ValidationError(f"“{participant.name}”是政府部门，不能作为需求方或投资方")
    if registration.organisation is None:
        raise ValidationError(
            f"“{registration.organisation_name}”尚未收录到机构名录，请先在名录中新增并关联后再登记"
        )
    return registration.organisation


def _side_organisation(sides: dict[str, Any]) -> Organisation:
    """The enterprise side of a meeting (a need is raised by the organisation, not the
    department answering it)."""
    for participant in sides.values():
        if participant.registration_id is not None:
            return _organisation_of(participant)
    raise ValidationError("会谈双方都不是参会机构，无法登记需求")


# ---- signings -------------------------------------------------------------------------------


@transaction.atomic
def event_signing_record(
    *,
    event: Event,
    by: Any,
    agreement_type: str,
    amount: Decimal,
    currency: str,
    parties: str,
    project: Any = None,
    new_project_title: str = "",
    investor: Organisation | None = None,
    project_count: int = 1,
    fields: str = "",
    signed_on: dt.date | None = None,
) -> EventSigning:
    """Record an agreement signed at the event, once.

    Links ``project`` or creates one (a lead, through the projects app) titled
    ``new_project_title``; the agreement itself is a ``projects.Signing`` (which refuses the
    same agreement twice), so event figures and the pipeline count the same rows.
    """
    from yiqiao.projects.models import Project
    from yiqiao.projects.services import project_create_lead, project_update, signing_record

    check_can_edit(by)
    if not 1 <= project_count <= 500:
        raise ValidationError("项目数应在1至500之间")
    if not parties.strip():
        raise ValidationError("请填写签约各方")
    if project is None:
        if not new_project_title.strip():
            raise ValidationError("请选择已有项目或填写新项目名称")
        project = project_create_lead(
            title=new_project_title,
            investor=investor,
            source_note=f"{event.title}签约",
            by=by,
            source_url_or_ref=f"events:signing:{event.pk}:{name_normalise(new_project_title)}",
        )
        if project.currency != currency and not project.is_signed:
            project = project_update(project=project, data={"currency": currency}, by=by)
    elif not isinstance(project, Project):
        raise ValidationError("项目不存在")
    signing = signing_record(
        project=project,
        signed_on=signed_on or event.starts_on,
        agreement_type=agreement_type,
        amount=amount,
        currency=currency,
        signatories=parties,
        by=by,
        event_ref=f"{event.title}（#{event.pk}）"[:200],
    )
    record = EventSigning.objects.create(
        event=event,
        signing=signing,
        project=project,
        parties=parties.strip()[:300],
        agreement_type=agreement_type,
        amount=amount,
        currency=currency,
        project_count=project_count,
        fields=fields.strip()[:120],
    )
    audit_record(actor=by, action=AuditEvent.Action.CREATE, instance=record, after=snapshot(record))
    return record


# ---- programme: agenda, exhibition, roadshows ---------------------------------------------------


@transaction.atomic
def session_add(
    *,
    event: Event,
    by: Any,
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


@transaction.atomic
def product_add(
    *, event: Event, by: Any, organisation: Organisation, name: str, category: str = ""
) -> ExhibitedProduct:
    """Record a product shown by an enterprise at the exhibition."""
    check_can_edit(by)
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
    by: Any,
    organisation: Organisation,
    project_title: str,
    financing_amount: Decimal | None = None,
    currency: str = "CNY",
    funding_stage: str = "",
) -> RoadshowSlot:
    """Add a project presented at the roadshow, with its financing need."""
    check_can_edit(by)
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


@transaction.atomic
def feedback_record(
    *, roadshow: RoadshowSlot, by: Any, investor: Organisation, interest: str, note: str = ""
) -> InvestorFeedback:
    """Record (or update) one investor's feedback on a roadshow project."""
    check_can_edit(by)
    if interest not in InvestorFeedback.Interest.values:
        raise ValidationError("请选择投资意向")
    if investor.kind != Organisation.Kind.INVESTOR:
        raise ValidationError(f"“{investor.name}”在名录中不是投资机构")
    feedback, _created = InvestorFeedback.objects.update_or_create(
        roadshow=roadshow,
        investor=investor,
        defaults={"interest": interest, "note": note.strip()[:300]},
    )
    audit_record(actor=by, action=AuditEvent.Action.UPDATE, instance=feedback, note=interest)
    return feedback


@transaction.atomic
def registration_cancel(*, registration: Registration, by: Any) -> Registration:
    """Cancel a registration; its one-to-one meetings are re-planned without moving others."""
    from .meetings import participant_cancel
    from .models import Participant

    check_can_edit(by)
    current = Registration.objects.select_for_update().get(pk=registration.pk)
    if current.status == Registration.Status.CANCELLED:
        raise ValidationError("该报名已取消")
    participant = Participant.objects.filter(registration=current, is_cancelled=False).first()
    if participant is not None:
        participant_cancel(participant=participant, by=by)
    current.status = Registration.Status.CANCELLED
    current.save(update_fields=["status", "updated_at"])
    audit_record(actor=by, action=AuditEvent.Action.TRANSITION, instance=current, note="取消报名")
    return current
