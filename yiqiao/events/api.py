"""Events API: the same queries and services as the pages, as JSON.

404 for anything outside the user's scope, 403 for a role that may not write, 422 with the
services' Chinese messages for refused input, 409 for a stale edit.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from yiqiao.accounts.http import SignedInRequest

from . import queries, services
from .models import Event
from .services import meetings

router = Router(tags=["events 活动"])


def _refused(exc: ValidationError) -> HttpError:
    return HttpError(422, "；".join(exc.messages))


def _editable(request: HttpRequest, event_id: int) -> Event:
    try:
        return queries.access_event(request.user, event_id, for_edit=True)
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc


class EventOut(Schema):
    id: int
    title: str
    kind: str
    theme: str
    city: str
    venue: str
    starts_on: dt.date
    ends_on: dt.date
    capacity: int | None
    slot_count: int
    table_count: int
    seats: int | None
    row_version: int


class EventIn(Schema):
    title: str = Field(..., min_length=1, max_length=160)
    kind: str
    city: str = Field(..., min_length=1, max_length=60)
    starts_on: dt.date
    ends_on: dt.date | None = None
    theme: str = ""
    venue: str = ""
    capacity: int | None = Field(None, ge=1)
    is_invitation_only: bool = True
    slot_count: int = Field(6, ge=1, le=200)
    table_count: int = Field(4, ge=1, le=500)
    slot_minutes: int = Field(20, ge=5, le=240)
    seats: int | None = Field(None, ge=1)


class RegistrationOut(Schema):
    id: int
    organisation_name: str
    organisation_id: int | None
    uscc: str
    status: str
    attendees: int
    checked_in_at: dt.datetime | None


class RegistrationIn(Schema):
    organisation_name: str
    contact_name: str
    contact_phone: str
    uscc: str = ""
    contact_title: str = ""
    attendees: int = 1
    interests: str = ""


class RegistrationResultOut(Schema):
    registration: RegistrationOut
    is_existing: bool


class RequestIn(Schema):
    requester_id: int
    invitee_id: int
    topic: str = ""


class RequestOut(Schema):
    id: int
    requester_id: int
    invitee_id: int
    is_mutual: bool
    topic: str


class ScheduleRunIn(Schema):
    time_limit_s: float = Field(30.0, ge=1, le=600)


class ScheduleOut(Schema):
    id: int
    version: int
    status: str
    method: str
    objective: int
    breakdown: dict[str, Any]
    notes: list[str]
    is_published: bool


class MeetingOut(Schema):
    id: int
    request_id: int
    slot: int
    table: int
    status: str
    demand_id: int | None
    project_id: int | None
    follow_up_on: dt.date | None
    follow_up_done_on: dt.date | None


class OutcomeIn(Schema):
    status: str
    notes: str = ""
    need_category: str = ""
    need_text: str = ""
    invest_interest: bool = False
    investor_side: str = "requester"
    follow_up_on: dt.date | None = None
    follow_up_done_on: dt.date | None = None
    row_version: int | None = None


class EventSigningIn(Schema):
    agreement_type: str
    amount: Decimal | None = Field(None, ge=0, description="投资协议必填")
    currency: str = "CNY"
    parties: str
    project_id: int | None = None
    new_project_title: str = ""
    investor_id: int | None = None
    project_count: int = Field(1, ge=1, le=500)
    fields: str = ""
    signed_on: dt.date | None = None


class EventSigningOut(Schema):
    id: int
    project_id: int
    signing_id: int
    parties: str
    agreement_type: str
    amount: Decimal
    currency: str
    project_count: int
    is_repeat: bool = False


class HeadlineOut(Schema):
    projects: int
    amounts: dict[str, Decimal]
    agreements: int
    text: str
    repeated_project_ids: list[int]


def _headline(event: Event) -> dict[str, Any]:
    figures, _rows = queries.headline(event)
    return {
        "projects": figures.projects,
        "amounts": figures.amounts,
        "agreements": figures.agreements,
        "text": f"{figures.projects} 个项目，{figures.amount_text()}",
        "repeated_project_ids": [r.project_id for r in figures.repeated],
    }


@router.get("/events", response=list[EventOut], summary="活动列表（按权限范围）")
def list_events(request: HttpRequest, q: str = "", kind: str = "") -> Any:
    return list(queries.event_list(user=request.user, q=q[:100], kind=kind)[:500])


@router.post("/events", response={201: EventOut}, summary="新建活动")
def create_event(request: SignedInRequest, payload: EventIn) -> Any:
    try:
        event = services.event_create(by=request.user, **payload.dict())
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc
    except ValidationError as exc:
        raise _refused(exc) from exc
    return Status(201, event)


@router.get("/events/{event_id}", response=EventOut, summary="活动详情")
def get_event(request: HttpRequest, event_id: int) -> Any:
    return queries.access_event(request.user, event_id)


@router.get("/events/{event_id}/registrations", response=list[RegistrationOut], summary="报名名单")
def list_registrations(request: HttpRequest, event_id: int, q: str = "") -> Any:
    event = queries.access_event(request.user, event_id)
    return list(queries.registrations(event, q[:60]))


@router.post(
    "/events/{event_id}/registrations",
    response={200: RegistrationResultOut, 201: RegistrationResultOut},
    summary="代为报名（重复报名返回原报名）",
)
def create_registration(request: SignedInRequest, event_id: int, payload: RegistrationIn) -> Any:
    event = _editable(request, event_id)
    try:
        result = services.registration_submit(event=event, by=request.user, **payload.dict())
    except ValidationError as exc:
        raise _refused(exc) from exc
    code = 200 if result.is_existing else 201
    return Status(code, {"registration": result.registration, "is_existing": result.is_existing})


@router.post("/registrations/{registration_id}/checkin", response=RegistrationOut, summary="签到")
def check_in(request: SignedInRequest, registration_id: int) -> Any:
    registration = queries.access_registration(request.user, registration_id)
    _editable(request, registration.event_id)
    try:
        return services.registration_check_in(registration=registration, by=request.user)
    except ValidationError as exc:
        raise _refused(exc) from exc


@router.get("/events/{event_id}/requests", response=list[RequestOut], summary="对接请求")
def list_requests(request: HttpRequest, event_id: int) -> Any:
    return queries.meeting_requests(queries.access_event(request.user, event_id))


@router.post("/events/{event_id}/requests", response={201: RequestOut}, summary="登记对接请求")
def create_request(request: SignedInRequest, event_id: int, payload: RequestIn) -> Any:
    event = _editable(request, event_id)
    try:
        req = meetings.request_create(event=event, by=request.user, **payload.dict())
    except ValidationError as exc:
        raise _refused(exc) from exc
    return Status(201, req)


@router.get("/events/{event_id}/schedules", response=list[ScheduleOut], summary="日程方案")
def list_schedules(request: HttpRequest, event_id: int) -> Any:
    return list(queries.access_event(request.user, event_id).schedules.all())


@router.post(
    "/events/{event_id}/schedule-runs",
    response={201: ScheduleOut},
    summary="运行排程（即时方案立即返回，后台优化）",
)
def run_schedule(request: SignedInRequest, event_id: int, payload: ScheduleRunIn) -> Any:
    event = _editable(request, event_id)
    try:
        schedule = meetings.schedule_run(
            event=event, by=request.user, time_limit_s=payload.time_limit_s
        )
    except ValidationError as exc:
        raise _refused(exc) from exc
    return Status(201, schedule)


@router.post("/schedules/{schedule_id}/publish", response=ScheduleOut, summary="发布日程")
def publish_schedule(request: SignedInRequest, schedule_id: int) -> Any:
    schedule = queries.access_schedule(request.user, schedule_id)
    _editable(request, schedule.event_id)
    try:
        return meetings.schedule_publish(schedule=schedule, by=request.user)
    except ValidationError as exc:
        raise _refused(exc) from exc


@router.get("/schedules/{schedule_id}/meetings", response=list[MeetingOut], summary="会谈")
def list_meetings(request: HttpRequest, schedule_id: int) -> Any:
    return queries.schedule_meetings(queries.access_schedule(request.user, schedule_id))


@router.post("/meetings/{meeting_id}/outcome", response=MeetingOut, summary="登记会谈结果")
def record_outcome(request: SignedInRequest, meeting_id: int, payload: OutcomeIn) -> Any:
    meeting = queries.access_meeting(request.user, meeting_id)
    _editable(request, meeting.schedule.event_id)
    data = payload.dict()
    row_version = data.pop("row_version")
    if row_version is not None and row_version != meeting.row_version:
        raise HttpError(409, "该会谈结果已被他人修改，请刷新后重试")
    try:
        return services.meeting_record_outcome(
            meeting=meeting,
            by=request.user,
            follow_up_owner=request.user if data["follow_up_on"] else None,
            **data,
        )
    except (ValidationError, PermissionDenied) as exc:
        if isinstance(exc, PermissionDenied):
            raise HttpError(403, str(exc)) from exc
        raise _refused(exc) from exc


@router.get("/events/{event_id}/signings", response=list[EventSigningOut], summary="活动签约")
def list_signings(request: HttpRequest, event_id: int) -> Any:
    return queries.headline(queries.access_event(request.user, event_id), request.user)[1]


@router.post("/events/{event_id}/signings", response={201: EventSigningOut}, summary="登记签约")
def create_signing(request: SignedInRequest, event_id: int, payload: EventSigningIn) -> Any:
    from yiqiao.projects.queries import access_project
    from yiqiao.registry.queries import access_organisation

    event = _editable(request, event_id)
    data = payload.dict()
    project_id, investor_id = data.pop("project_id"), data.pop("investor_id")
    project = access_project(request.user, project_id) if project_id else None
    investor = access_organisation(request.user, investor_id) if investor_id else None
    try:
        record = services.event_signing_record(
            event=event, by=request.user, project=project, investor=investor, **data
        )
    except ValidationError as exc:
        raise _refused(exc) from exc
    return Status(201, record)


@router.get("/events/{event_id}/report", summary="活动报告")
def get_report(request: HttpRequest, event_id: int) -> dict[str, Any]:
    event = queries.access_event(request.user, event_id)
    data = queries.report(event, timezone.localdate(), request.user)
    return {
        "registrations": data["registrations"],
        "requests": data["requests"],
        "meetings": data["meetings"],
        "follow_ups": data["follow_ups"],
        "needs": {"total": len(data["demands"]), "by_state": data["demand_states"]},
        "headline": _headline(event),
        "signed_per_currency": {k: str(v) for k, v in data["signed_per_currency"].items()},
        "outcomes": [{**o, "until": o["until"].isoformat()} for o in data["outcomes"]],
    }
