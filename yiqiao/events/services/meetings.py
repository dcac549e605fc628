"""Writes for one-to-one meetings: participants, requests, pins/forbids, schedule runs,
publication and cancellation. The scheduling itself is the pure engine's.

Flow: ``schedule_run`` validates the setup, stores the engine's instant schedule as a new
version at once and enqueues ``schedule_improve_task`` (after commit) which replaces the
meetings of that version with the improved ones if they score higher and the version is not
published yet. A participant who withdraws after publication is removed with
``participant_cancel``, which re-plans the published version in place: nobody else's meeting
moves (their rows are not touched), freed places are offered to unserved requests.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from yiqiao.accounts.models import User
from yiqiao.core.audit import audit_record, snapshot
from yiqiao.core.models import AuditEvent

from .. import engine
from ..models import (
    Event,
    Meeting,
    MeetingRequest,
    MeetingRule,
    MeetingSeat,
    Participant,
    Registration,
    Schedule,
)
from .setup import check_can_edit

#: Time limit of the instant schedule's local search when run inside a web request.
INSTANT_BUDGET_S = 0.5


def _check_window(event: Event, first_slot: int, last_slot: int) -> None:
    if first_slot > last_slot:
        raise ValidationError("可约时段的开始不能晚于结束")
    if last_slot >= event.slot_count:
        raise ValidationError(
            f"可约时段超出范围：本活动共 {event.slot_count} 个时段（0 至 {event.slot_count - 1}）"
        )


@transaction.atomic
def participant_add(
    *,
    event: Event,
    by: User,
    registration: Registration | None = None,
    department_name: str = "",
    first_slot: int = 0,
    last_slot: int | None = None,
) -> Participant:
    """Add a registered organisation or a government department to the meetings."""
    check_can_edit(by)
    last = event.slot_count - 1 if last_slot is None else last_slot
    _check_window(event, first_slot, last)
    if registration is not None:
        if registration.event_id != event.pk:
            raise ValidationError("该报名不属于本活动")
        if registration.status != Registration.Status.REGISTERED:
            raise ValidationError("该报名已取消")
        existing = event.participants.filter(registration=registration).first()
        if existing is not None:
            return existing
        participant = Participant(
            event=event, kind=Participant.Kind.REGISTRATION, registration=registration
        )
    else:
        if not department_name.strip():
            raise ValidationError("请选择参会机构或填写政府部门名称")
        participant = Participant(
            event=event, kind=Participant.Kind.GOVERNMENT, department_name=department_name.strip()
        )
    participant.first_slot = first_slot
    participant.last_slot = last
    participant.save()
    audit_record(
        actor=by, action=AuditEvent.Action.CREATE, instance=participant, after=snapshot(participant)
    )
    return participant


@transaction.atomic
def request_create(
    *, event: Event, by: User, requester_id: int, invitee_id: int, topic: str = ""
) -> MeetingRequest:
    """Record a meeting request; when the invitee had already asked, that request becomes
    mutual (one row per pair, as the scheduler expects) and is returned.

    Refused with a clear message: a request to oneself, to a participant unknown to this event
    (or withdrawn), between participants with no common available slot, and a duplicate.
    """
    check_can_edit(by)
    if requester_id == invitee_id:
        raise ValidationError("不能向自己发起对接请求")
    found = {
        p.pk: p
        for p in Participant.objects.select_for_update(of=("self",))
        .select_related("registration")
        .filter(event=event, pk__in=[requester_id, invitee_id], is_cancelled=False)
    }
    for pid in (requester_id, invitee_id):
        if pid not in found:
            raise ValidationError(f"参与方 {pid} 不在本活动的对接名单中（或已退出）")
    requester, invitee = found[requester_id], found[invitee_id]
    if max(requester.first_slot, invitee.first_slot) > min(requester.last_slot, invitee.last_slot):
        raise ValidationError(
            f"“{requester.name}”与“{invitee.name}”没有共同的可约时段，无法安排会谈"
        )
    if MeetingRequest.objects.filter(requester=requester, invitee=invitee).exists():
        raise ValidationError(f"“{requester.name}”已向“{invitee.name}”提出过对接请求")
    reverse = (
        MeetingRequest.objects.select_for_update()
        .filter(requester=invitee, invitee=requester)
        .first()
    )
    if reverse is not None:
        # Both sides asked: one mutual request (the engine counts a pair once, weight 2).
        if reverse.is_mutual:
            raise ValidationError(f"“{requester.name}”与“{invitee.name}”已是双向对接请求")
        before = snapshot(reverse)
        reverse.is_mutual = True
        if topic.strip() and topic.strip() not in reverse.topic:
            reverse.topic = f"{reverse.topic}；{topic.strip()}".strip("；")[:200]
        reverse.save(update_fields=["is_mutual", "topic"])
        audit_record(
            actor=by,
            action=AuditEvent.Action.UPDATE,
            instance=reverse,
            before=before,
            after=snapshot(reverse),
            note="对方也提出对接，改为双向",
        )
        return reverse
    request = MeetingRequest.objects.create(
        event=event, requester=requester, invitee=invitee, topic=topic.strip()[:200]
    )
    audit_record(
        actor=by, action=AuditEvent.Action.CREATE, instance=request, after=snapshot(request)
    )
    return request


@transaction.atomic
def rule_set(
    *,
    request: MeetingRequest,
    by: User,
    kind: str,
    slot: int | None = None,
    table: int | None = None,
    reason: str = "",
) -> MeetingRule | None:
    """Pin or forbid a request (``kind`` "pin"/"forbid"), or clear its rule (``kind`` "")."""
    check_can_edit(by)
    MeetingRule.objects.filter(request=request).delete()
    if not kind:
        audit_record(actor=by, action=AuditEvent.Action.DELETE, instance=request, note="取消规则")
        return None
    if kind not in MeetingRule.Kind.values:
        raise ValidationError("未知的规则类型")
    event = request.event
    if slot is not None and not 0 <= slot < event.slot_count:
        raise ValidationError(f"时段须在 0 至 {event.slot_count - 1} 之间")
    if table is not None and not 0 <= table < event.table_count:
        raise ValidationError(f"桌号须在 0 至 {event.table_count - 1} 之间")
    if table is not None and slot is None:
        raise ValidationError("指定桌号时须同时指定时段")
    rule = MeetingRule.objects.create(
        request=request, kind=kind, slot=slot, table=table, reason=reason.strip()[:200]
    )
    audit_record(actor=by, action=AuditEvent.Action.CREATE, instance=rule, after=snapshot(rule))
    return rule


# ---- building the engine's input --------------------------------------------------------------


def build_instance(
    event: Event, *, include: int | None = None
) -> tuple[engine.Instance, list[int], list[engine.Pin], list[engine.Forbid]]:
    """The engine instance of the event's active participants and their requests.

    Returns the instance, the request primary keys in engine order, and the pins and forbids.
    ``include`` keeps one withdrawn participant in (the one whose meetings are being re-planned).
    """
    participants = [
        p
        for p in event.participants.select_related("registration").order_by("id")
        if not p.is_cancelled or p.pk == include
    ]
    active = {p.pk for p in participants}
    requests = [
        r
        for r in MeetingRequest.objects.filter(event=event).select_related("rule").order_by("id")
        if r.requester_id in active and r.invitee_id in active
    ]
    instance = engine.Instance(
        slots=event.slot_count,
        tables=event.table_count,
        participants=tuple(
            engine.Participant(id=p.pk, windows=((p.first_slot, p.last_slot),), name=p.name)
            for p in participants
        ),
        requests=tuple(
            engine.MeetingRequest(r.requester_id, r.invitee_id, r.is_mutual) for r in requests
        ),
        seats=event.seats,
    )
    pins: list[engine.Pin] = []
    forbids: list[engine.Forbid] = []
    for index, r in enumerate(requests):
        rule = getattr(r, "rule", None)
        if rule is None:
            continue
        if rule.kind == MeetingRule.Kind.PIN:
            pins.append(engine.Pin(index, rule.slot, rule.table))
        else:
            forbids.append(engine.Forbid(index, rule.reason))
    return instance, [r.pk for r in requests], pins, forbids


def input_error(exc: engine.ScheduleInputError) -> ValidationError:
    """The engine's problems as one Chinese validation message per problem."""
    return ValidationError([p.message_zh for p in exc.problems])


def _store_meetings(
    schedule: Schedule, request_ids: Sequence[int], meetings: Sequence[engine.Meeting]
) -> None:
    """Write meetings and their seats; the unique constraints refuse any double booking."""
    by_pk = MeetingRequest.objects.in_bulk([request_ids[m.request] for m in meetings])
    rows = [
        Meeting(schedule=schedule, request_id=request_ids[m.request], slot=m.slot, table=m.table)
        for m in meetings
    ]
    Meeting.objects.bulk_create(rows)
    created = {m.request_id: m for m in schedule.meetings.all()}
    seats = []
    for m in meetings:
        row = created[request_ids[m.request]]
        req = by_pk[row.request_id]
        for pid in (req.requester_id, req.invitee_id):
            seats.append(
                MeetingSeat(schedule=schedule, meeting=row, participant_id=pid, slot=m.slot)
            )
    MeetingSeat.objects.bulk_create(seats)


def _summary(schedule: Schedule, result: engine.Schedule) -> None:
    b = result.breakdown
    schedule.method = result.method[:60]
    schedule.objective = result.objective
    schedule.breakdown = {
        "meetings": b.meetings,
        "mutual_meetings": b.mutual_meetings,
        "breaks": b.breaks,
        "fairness": b.fairness,
        "weight": b.weight,
        "participants_without_meeting": b.participants_without_meeting,
    }
    schedule.notes = list(result.notes)


@transaction.atomic
def schedule_run(
    *,
    event: Event,
    by: User,
    time_limit_s: float = 30.0,
    instant_budget_s: float | None = None,
) -> Schedule:
    """Compute the instant schedule as a new version now, and enqueue its improvement.

    ``instant_budget_s`` bounds the instant local search (default INSTANT_BUDGET_S); 0 keeps
    only the greedy pass, which is deterministic (the demo history uses it)."""

    check_can_edit(by)
    Event.objects.select_for_update().filter(pk=event.pk).first()
    if not 1 <= time_limit_s <= 600:
        raise ValidationError("优化时限应在1至600秒之间")
    instance, request_ids, pins, forbids = build_instance(event)
    if not instance.requests:
        raise ValidationError("还没有对接请求，无法排程")
    try:
        budget = INSTANT_BUDGET_S if instant_budget_s is None else max(0.0, instant_budget_s)
        result = engine.schedule_instant(instance, pins, forbids, budget_s=budget)
    except engine.ScheduleInputError as exc:
        raise input_error(exc) from exc
    last = event.schedules.order_by("-version").values_list("version", flat=True).first() or 0
    schedule = Schedule(
        event=event,
        version=last + 1,
        status=Schedule.Status.INSTANT,
        request_ids=request_ids,
        time_limit_s=time_limit_s,
        created_by=by,
    )
    _summary(schedule, result)
    schedule.save()
    _store_meetings(schedule, request_ids, result.meetings)
    audit_record(
        actor=by,
        action=AuditEvent.Action.CREATE,
        instance=schedule,
        note=f"即时排程：{schedule.breakdown['meetings']} 场，目标值 {schedule.objective}",
    )
    transaction.on_commit(lambda: schedule_improve_task.enqueue(schedule.pk))
    return schedule


@task()
def schedule_improve_task(schedule_id: int) -> None:
    """Background task: improve a stored instant schedule within its time limit."""
    schedule_improve(schedule_id=schedule_id)


def schedule_improve(*, schedule_id: int) -> Schedule:
    """Run the engine's improvement for a stored version; keep the better of the two."""
    schedule = Schedule.objects.select_related("event").get(pk=schedule_id)
    event = schedule.event
    instance, request_ids, pins, forbids = build_instance(event)
    if request_ids != schedule.request_ids:
        # Requests changed since the instant run: the indices no longer match; leave it.
        Schedule.objects.filter(pk=schedule.pk).update(
            status=Schedule.Status.FAILED,
            notes=[*schedule.notes, "排程后对接请求有变动，未优化；请重新排程"],
        )
        schedule.refresh_from_db()
        return schedule
    index = {pk: i for i, pk in enumerate(request_ids)}
    initial_meetings = tuple(
        engine.Meeting(index[m.request_id], m.slot, m.table) for m in schedule.meetings.all()
    )
    initial = engine.Schedule(
        meetings=initial_meetings, breakdown=engine.score_meetings(instance, initial_meetings)
    )
    try:
        result = engine.schedule_improve(instance, initial, schedule.time_limit_s, pins, forbids)
    except engine.ScheduleInputError as exc:
        Schedule.objects.filter(pk=schedule.pk).update(
            status=Schedule.Status.FAILED, notes=[p.message_zh for p in exc.problems]
        )
        schedule.refresh_from_db()
        return schedule
    with transaction.atomic():
        current = Schedule.objects.select_for_update().get(pk=schedule.pk)
        if current.is_published or result.objective <= current.objective:
            note = "已发布，保留发布时的方案" if current.is_published else "优化未找到更好的方案"
            current.status = Schedule.Status.DONE
            current.notes = [*current.notes, note]
            current.save(update_fields=["status", "notes"])
            return current
        current.meetings.all().delete()
        _store_meetings(current, request_ids, result.meetings)
        _summary(current, result)
        current.status = Schedule.Status.DONE
        current.save()
        return current


@transaction.atomic
def schedule_publish(*, schedule: Schedule, by: User) -> Schedule:
    """Publish a version (the previous published one is withdrawn, unless it has outcomes)."""
    check_can_edit(by)
    event = Event.objects.select_for_update().get(pk=schedule.event_id)
    previous = event.schedules.filter(is_published=True).exclude(pk=schedule.pk).first()
    if previous is not None:
        if previous.meetings.exclude(status=Meeting.Status.SCHEDULED).exists():
            raise ValidationError(f"版本 v{previous.version} 已登记会谈结果，不能改发其他版本")
        previous.is_published = False
        previous.save(update_fields=["is_published"])
    Schedule.objects.filter(pk=schedule.pk).update(is_published=True, published_at=timezone.now())
    schedule.refresh_from_db()
    audit_record(actor=by, action=AuditEvent.Action.TRANSITION, instance=schedule, note="发布日程")
    return schedule


@transaction.atomic
def participant_cancel(*, participant: Participant, by: User) -> Participant:
    """Withdraw a participant. After publication the published version is re-planned by the
    engine in place: the participant's meetings are removed, everyone else's stay exactly
    where they were, and freed places may serve requests that were not served."""
    check_can_edit(by)
    current = Participant.objects.select_for_update().get(pk=participant.pk)
    if current.is_cancelled:
        raise ValidationError(f"“{current.name}”已退出")
    event = current.event
    published = event.schedules.filter(is_published=True).first()
    if published is not None:
        _replan(published, current)
    current.is_cancelled = True
    current.save(update_fields=["is_cancelled"])
    audit_record(
        actor=by, action=AuditEvent.Action.TRANSITION, instance=current, note="退出一对一对接"
    )
    return current


def _replan(schedule: Schedule, leaving: Participant) -> None:
    event = schedule.event
    instance, request_ids, pins, forbids = build_instance(event, include=leaving.pk)
    index = {pk: i for i, pk in enumerate(request_ids)}
    kept = list(schedule.meetings.select_for_update().all())
    published = tuple(
        engine.Meeting(index[m.request_id], m.slot, m.table) for m in kept if m.request_id in index
    )
    current = engine.Schedule(
        meetings=published, breakdown=engine.score_meetings(instance, published)
    )
    try:
        result = engine.replan_after_cancellation(
            instance, current, leaving.pk, time_limit_s=1.0, forbids=forbids
        )
    except engine.ScheduleInputError as exc:
        raise input_error(exc) from exc
    before = {(m.request, m.slot, m.table) for m in published}
    after = {(m.request, m.slot, m.table) for m in result.meetings}
    dropped = {request_ids[r] for r, _s, _t in before - after}
    # Dropped meetings are only the leaver's; anything else would move a participant.
    by_request = {m.request_id: m for m in kept}
    for pk in dropped:
        req = by_request[pk].request
        if leaving.pk not in (req.requester_id, req.invitee_id):  # pragma: no cover - engine bug
            raise ValidationError("重新排程会移动其他参与方的会谈，已取消操作")
    Meeting.objects.filter(schedule=schedule, request_id__in=dropped).delete()
    added = [
        engine.Meeting(r, s, t)
        for r, s, t in sorted(after - before)
        if request_ids[r] not in dropped
    ]
    _store_meetings(schedule, request_ids, added)
    _summary(schedule, result)
    schedule.notes = [
        *schedule.notes,
        f"“{leaving.name}”退出：取消 {len(dropped)} 场，新增 {len(added)} 场，其余会谈不变",
    ]
    schedule.save()
