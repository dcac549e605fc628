"""Roadshows: pitch slots at an event, investors invited (by match or by the organiser, never
the pitching company itself), feedback within 14 calendar days, and reminders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max

from yiqiao.accounts.models import User
from yiqiao.core.audit import audit_record, snapshot
from yiqiao.core.models import AuditEvent
from yiqiao.core.transitions import versioned_change
from yiqiao.events.models import Event
from yiqiao.registry.models import Organisation

from ..models import (
    FeedbackReminder,
    FinancingNeed,
    InvestorFeedback,
    InvestorMatch,
    Pitch,
    PitchInvitation,
)
from .common import (
    ROLE_DENIED,
    check_investor,
    check_not_future,
    is_editor,
    is_investor_user,
    require_editor,
    today,
)

#: Days before the feedback limit when the investor is reminded, then daily once overdue.
REMIND_DAYS_BEFORE = 3


@transaction.atomic
def pitch_book(
    *,
    event: Event,
    need: FinancingNeed,
    by: User,
    starts_at: dt.time | None = None,
    minutes: int = 15,
) -> Pitch:
    """Book a pitch slot for a published need at an event (the next place in its order)."""
    require_editor(by)
    if need.status != FinancingNeed.Status.PUBLISHED:
        raise ValidationError("只有企业同意并已发布的融资需求可以安排路演")
    if not 5 <= minutes <= 120:
        raise ValidationError("路演时长须在5到120分钟之间")
    Event.objects.select_for_update().filter(pk=event.pk).first()  # one booking at a time
    if Pitch.objects.filter(event=event, need=need).exists():
        raise ValidationError("该融资需求已安排在本场活动路演")
    if starts_at is not None:
        taken = [
            p
            for p in Pitch.objects.filter(event=event).exclude(status=Pitch.Status.CANCELLED)
            if p.starts_at is not None and _overlaps(p.starts_at, p.minutes, starts_at, minutes)
        ]
        if taken:
            raise ValidationError(f"该时段已安排“{taken[0].need.title}”路演，请另选时间")
    order = (Pitch.objects.filter(event=event).aggregate(m=Max("order"))["m"] or 0) + 1
    pitch = Pitch(
        event=event,
        need=need,
        order=order,
        starts_at=starts_at,
        minutes=minutes,
        pitched_on=event.starts_on,
        feedback_due_on=Pitch.due_after(event.starts_on),
        booked_by=by,
    )
    try:
        with transaction.atomic():
            pitch.save()
    except IntegrityError as exc:
        raise ValidationError("该融资需求已安排在本场活动路演") from exc
    audit_record(actor=by, action=AuditEvent.Action.CREATE, instance=pitch, after=snapshot(pitch))
    return pitch


def _overlaps(a: dt.time, a_minutes: int, b: dt.time, b_minutes: int) -> bool:
    day = dt.date(2000, 1, 1)
    a0, b0 = dt.datetime.combine(day, a), dt.datetime.combine(day, b)
    return a0 < b0 + dt.timedelta(minutes=b_minutes) and b0 < a0 + dt.timedelta(minutes=a_minutes)


def pitch_mark_pitched(*, pitch: Pitch, by: User, pitched_on: dt.date | None = None) -> Pitch:
    """The pitch took place (on the event's first day unless stated): the 14-day limit runs."""
    require_editor(by)
    day = pitched_on or pitch.event.starts_on
    check_not_future(day, "路演日期")
    with versioned_change(Pitch, pitch.pk, by=by, action=AuditEvent.Action.TRANSITION) as change:
        current = change.instance
        if current.status == Pitch.Status.CANCELLED:
            raise ValidationError("已取消的路演不能标记为已路演")
        if not current.event.starts_on <= day <= current.event.ends_on:
            raise ValidationError("路演日期须在活动日期之内")
        current.status = Pitch.Status.PITCHED
        current.pitched_on = day
        current.feedback_due_on = Pitch.due_after(day)
        change.note = f"已路演，反馈截止 {current.feedback_due_on:%Y-%m-%d}"
    return change.instance


def pitch_cancel(*, pitch: Pitch, by: User, reason: str) -> Pitch:
    require_editor(by)
    if not reason.strip():
        raise ValidationError("请填写取消原因")
    with versioned_change(
        Pitch, pitch.pk, by=by, action=AuditEvent.Action.TRANSITION, note=f"取消：{reason[:200]}"
    ) as change:
        if change.instance.status == Pitch.Status.PITCHED:
            raise ValidationError("已路演的场次不能取消")
        change.instance.status = Pitch.Status.CANCELLED
    return change.instance


@transaction.atomic
def pitch_invite(
    *,
    pitch: Pitch,
    investors: Sequence[Organisation],
    by: User,
    via: str = PitchInvitation.Via.MANUAL,
) -> list[PitchInvitation]:
    """Invite investors to a pitch. The pitching company itself and organisations that are not
    investors are refused (the whole list: nothing is half-written); one already invited is
    refused too, so an invitation is never recorded twice."""
    require_editor(by)
    if pitch.status == Pitch.Status.CANCELLED:
        raise ValidationError("该路演已取消")
    company_id = pitch.need.organisation_id
    problems: list[str] = []
    seen: set[int] = set()
    for org in investors:
        if org.pk in seen:
            problems.append(f"“{org.name}”在邀请名单中出现了两次")
            continue
        seen.add(org.pk)
        if org.pk == company_id:
            problems.append(f"“{org.name}”是路演企业本身，不能被邀请为投资方")
            continue
        try:
            check_investor(org)
        except ValidationError as exc:
            problems.extend(exc.messages)
    already = set(
        PitchInvitation.objects.filter(pitch=pitch, investor__in=investors).values_list(
            "investor__name", flat=True
        )
    )
    problems += [f"“{name}”已受邀，无需重复邀请" for name in sorted(already)]
    if problems:
        raise ValidationError(problems)
    lines = dict(
        InvestorMatch.objects.filter(need=pitch.need, investor__in=investors).values_list(
            "investor_id", "lines"
        )
    )
    created = []
    for org in investors:
        invitation = PitchInvitation.objects.create(
            pitch=pitch, investor=org, via=via, lines=lines.get(org.pk, []), invited_by=by
        )
        audit_record(
            actor=by,
            action=AuditEvent.Action.CREATE,
            instance=invitation,
            after=snapshot(invitation),
        )
        created.append(invitation)
    return created


def pitch_invite_matched(*, pitch: Pitch, by: User, top: int = 8) -> list[PitchInvitation]:
    """Invite the best ``top`` investors of the need's shortlist not yet invited, skipping those
    whose portfolio conflicts with the company."""
    invited = set(pitch.invitations.values_list("investor_id", flat=True))
    candidates = [
        m.investor
        for m in InvestorMatch.objects.filter(need=pitch.need, has_conflict=False)
        .exclude(standing="unmet")
        .exclude(investor_id=pitch.need.organisation_id)
        .select_related("investor")
        .order_by("rank")
        if m.investor_id not in invited
    ][:top]
    if not candidates:
        raise ValidationError("匹配名单中没有可邀请的投资方，请先刷新匹配或手动邀请")
    return pitch_invite(pitch=pitch, investors=candidates, by=by, via=PitchInvitation.Via.MATCH)


@dataclass
class FeedbackInput:
    interest: str
    next_step: str
    given_on: dt.date
    pass_reasons: list[str]
    note: str = ""


def _check_feedback(data: FeedbackInput, pitch: Pitch) -> None:
    problems: list[str] = []
    if data.interest not in InvestorFeedback.Interest.values:
        problems.append(f"未知的意向“{data.interest}”")
    if data.next_step not in InvestorFeedback.NextStep.values:
        problems.append(f"未知的下一步“{data.next_step}”")
    known = {code for code, _label in InvestorFeedback.PASS_REASONS}
    if set(data.pass_reasons) - known:
        problems.append("不跟进原因含未知选项")
    passing = data.interest == InvestorFeedback.Interest.NONE
    if passing and data.next_step not in {"pass", "watch"}:
        problems.append("选择“暂不考虑”时，下一步只能是“不再跟进”或“保持关注”")
    if passing and not data.pass_reasons:
        problems.append("选择“暂不考虑”时请至少选择一项原因，企业据此改进")
    if data.interest == InvestorFeedback.Interest.HIGH and data.next_step == "pass":
        problems.append("有意向时下一步不能是“不再跟进”")
    if data.given_on < pitch.pitched_on:
        problems.append("反馈日期不能早于路演日期")
    if pitch.status == Pitch.Status.CANCELLED:
        problems.append("该路演已取消")
    if problems:
        raise ValidationError(problems)
    check_not_future(data.given_on, "反馈日期")


@transaction.atomic
def feedback_record(
    *, pitch: Pitch, investor: Organisation, data: FeedbackInput, by: User
) -> InvestorFeedback:
    """An invited investor's feedback on a pitch (or an officer recording it for the investor).

    An investor that was not invited to this pitch is refused; giving feedback again replaces
    the earlier one (the audit trail keeps both)."""
    if is_investor_user(by):
        if by.organisation_id != investor.pk:
            raise PermissionDenied("只能代表本机构提交反馈")
    elif not is_editor(by):
        raise PermissionDenied(ROLE_DENIED)
    invitation = PitchInvitation.objects.filter(pitch=pitch, investor=investor).first()
    if invitation is None:
        raise ValidationError(f"“{investor.name}”未受邀参加该项目的路演，不能提交反馈")
    _check_feedback(data, pitch)
    fields = {
        "interest": data.interest,
        "next_step": data.next_step,
        "pass_reasons": sorted(set(data.pass_reasons)) if data.interest != "high" else [],
        "note": data.note.strip()[:500],
        "given_on": data.given_on,
        "by": by,
    }
    existing = InvestorFeedback.objects.filter(invitation=invitation).first()
    if existing is None:
        feedback = InvestorFeedback.objects.create(invitation=invitation, **fields)
        audit_record(
            actor=by, action=AuditEvent.Action.CREATE, instance=feedback, after=snapshot(feedback)
        )
        return feedback
    with versioned_change(InvestorFeedback, existing.pk, by=by, note="修改反馈") as change:
        for name, value in fields.items():
            setattr(change.instance, name, value)
    return change.instance


@transaction.atomic
def feedback_remind(*, on: dt.date | None = None) -> int:
    """Record today's reminders: feedback due within REMIND_DAYS_BEFORE days, or overdue
    (daily). Idempotent per invitation and day; returns how many were written."""
    day = on or today()
    pending = (
        PitchInvitation.objects.filter(
            feedback__isnull=True,
            pitch__pitched_on__lte=day,
            pitch__feedback_due_on__lte=day + dt.timedelta(days=REMIND_DAYS_BEFORE),
        )
        .exclude(pitch__status=Pitch.Status.CANCELLED)
        .exclude(reminders__day=day)
        .select_related("pitch__need", "investor")
    )
    written = 0
    for invitation in pending:
        due = invitation.pitch.feedback_due_on
        overdue = day > due
        kind = FeedbackReminder.Kind.OVERDUE if overdue else FeedbackReminder.Kind.DUE_SOON
        days = (day - due).days if overdue else (due - day).days
        message = (
            f"“{invitation.investor.name}”对“{invitation.pitch.need.title}”路演的反馈已超期{days}天"
            if overdue
            else f"请于{due:%Y-%m-%d}前（还有{days}天）反馈对“{invitation.pitch.need.title}”路演的意见"
        )
        _reminder, created = FeedbackReminder.objects.get_or_create(
            invitation=invitation, day=day, defaults={"kind": kind, "message": message[:300]}
        )
        written += int(created)
    return written
