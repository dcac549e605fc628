"""What came of an event: meeting outcomes (needs, leads), signings recorded at the event, investor feedback on roadshows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from yiqiao.accounts.models import User
from yiqiao.core.audit import audit_record, snapshot
from yiqiao.core.models import AuditEvent
from yiqiao.core.text import name_normalise
from yiqiao.registry.models import Organisation

from ..models import (
    Event,
    EventSigning,
    InvestorFeedback,
    Meeting,
    Participant,
    RoadshowSlot,
)
from .setup import FEEDBACK_KINDS, check_can_edit, check_kind

if TYPE_CHECKING:
    from yiqiao.projects.models import Project

# ---- meeting outcomes -----------------------------------------------------------------------


@transaction.atomic
def meeting_record_outcome(
    *,
    meeting: Meeting,
    by: User,
    status: str,
    notes: str = "",
    need_category: str = "",
    need_text: str = "",
    invest_interest: bool = False,
    investor_side: str = "requester",
    follow_up_owner: User | None = None,
    follow_up_on: dt.date | None = None,
    follow_up_done_on: dt.date | None = None,
) -> Meeting:
    """Record what happened at a meeting.

    A need raised creates one Demand (channel 活动现场) and an interest in investing one
    Project lead; both are remembered on the meeting so recording the outcome again never
    creates a second one.
    """
    from yiqiao.demands.services import demand_create_from_event
    from yiqiao.projects.models import Activity
    from yiqiao.projects.services import activity_record, project_create_lead

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
    if (
        status in (Meeting.Status.HELD, Meeting.Status.NO_SHOW)
        and event.starts_on > timezone.localdate()
    ):
        raise ValidationError(
            f"活动尚未开始（{event.starts_on:%Y-%m-%d}），不能登记会谈已举行或未出席"
        )
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
        existing = _open_project_of(org, by)
        if existing is not None:
            # The company is already in the pipeline: the meeting is a contact on its project,
            # not a second lead for the same company.
            current.project = existing
            activity_record(
                project=existing,
                kind=Activity.Kind.EVENT,
                happened_on=min(event.starts_on, timezone.localdate()),
                summary=f"{event.title}一对一对接：{current.request}（表达投资意向）",
                by=by,
            )
        else:
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


def _open_project_of(org: Organisation, by: User) -> Any:
    """The user's most recently updated open project (not terminated) in which ``org`` is an
    investor or the registered company, if any."""
    from yiqiao.core.access import VIEW
    from yiqiao.projects.models import Project, Stage

    return (
        Project.objects.restrict(by, VIEW)
        .filter(Q(investors=org) | Q(registered_company=org))
        .exclude(stage=Stage.LOST)
        .order_by("-updated_at", "-pk")
        .distinct()
        .first()
    )


def _organisation_of(participant: Participant) -> Organisation:
    registration = participant.registration
    if registration is None:
        raise ValidationError(f"“{participant.name}”是政府部门，不能作为需求方或投资方")
    if registration.organisation is None:
        raise ValidationError(
            f"“{registration.organisation_name}”尚未收录到机构名录：请在签到页“现场登记并签到”中"
            "填写其名称与所在区域，加入名录并关联后再登记"
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
    by: User,
    agreement_type: str,
    amount: Decimal | None,
    currency: str,
    parties: str,
    project: Project | None = None,
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
    if signed_on is not None and signed_on < event.starts_on:
        raise ValidationError(
            f"签约日期（{signed_on:%Y-%m-%d}）早于活动开始日期（{event.starts_on:%Y-%m-%d}），"
            "活动签约不能早于活动本身；此前签订的协议请在项目页登记"
        )
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
        amount=signing.amount,
        currency=currency,
        project_count=project_count,
        fields=fields.strip()[:120],
    )
    audit_record(actor=by, action=AuditEvent.Action.CREATE, instance=record, after=snapshot(record))
    return record


@transaction.atomic
def feedback_record(
    *, roadshow: RoadshowSlot, by: User, investor: Organisation, interest: str, note: str = ""
) -> InvestorFeedback:
    """Record (or update) one investor's feedback on a roadshow project."""
    check_can_edit(by)
    if interest not in InvestorFeedback.Interest.values:
        raise ValidationError("请选择投资意向")
    check_kind(investor, FEEDBACK_KINDS, "投资机构")
    feedback, _created = InvestorFeedback.objects.update_or_create(
        roadshow=roadshow,
        investor=investor,
        defaults={"interest": interest, "note": note.strip()[:300]},
    )
    audit_record(actor=by, action=AuditEvent.Action.UPDATE, instance=feedback, note=interest)
    return feedback
