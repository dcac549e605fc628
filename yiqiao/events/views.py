"""Pages of events: parse the request, call one query or service, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yiqiao.accounts.http import SignedInRequest
from yiqiao.core.tabular import ImportFileError, read_table, write_xlsx
from yiqiao.core.templatetags.yiqiao import CURRENCY_NAMES
from yiqiao.registry.models import Organisation

from . import queries, services
from .forms import (
    EventForm,
    OutcomeForm,
    ParticipantForm,
    RegistrationForm,
    RequestForm,
    RuleForm,
    RunForm,
    SigningForm,
    UploadForm,
    WalkInForm,
)
from .models import AgendaSession, Event, InvestorFeedback, Registration
from .services import meetings
from .services.setup import EXHIBITOR_KINDS, FEEDBACK_KINDS, PRESENTER_KINDS

T = TypeVar("T")


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _attempt(
    request: HttpRequest, action: Callable[[], T], success: Callable[[T], str]
) -> T | None:
    """Run one service call for a page: a refusal becomes the page's error messages (None is
    returned), a success its confirmation."""
    try:
        done = action()
    except ValidationError as exc:
        _errors(request, exc)
        return None
    messages.success(request, success(done))
    return done


#: A refused walk-in names the register's fields; the form shows them at its own fields.
_WALK_IN_FIELDS = {"name": "new_name", "kind": "new_kind", "region": "new_region"}


def _form_errors(form: Any, exc: ValidationError) -> None:
    """Put a service's refusal on the form's fields (the rest above the form)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for key, errors in exc.message_dict.items():
        field = _WALK_IN_FIELDS.get(key, key)
        form.add_error(field if field in form.fields else None, errors)


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def _is_outside(user: Any) -> bool:
    """An outside organisation's user (enterprise, platform, investor): it attends events."""
    return not (user.is_superuser or user.is_staff_role)


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    if _is_outside(request.user):
        events = list(queries.attended_events(request.user)[:200])
        return render(request, "events/attended_list.html", {"events": events})
    q = request.GET.get("q", "").strip()[:100]
    kind = request.GET.get("kind", "")
    events = list(queries.event_list(user=request.user, q=q, kind=kind)[:200])
    return render(
        request,
        "events/event_list.html",
        {"events": events, "q": q, "kind": kind, "kinds": Event.Kind.choices},
    )


@login_required
def event_create(request: SignedInRequest) -> HttpResponse:
    services.check_can_edit(request.user)
    form = EventForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["invited_regions"] = list(data["invited_regions"])
        try:
            event = services.event_create(by=request.user, **data)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, "活动已创建")
            return redirect("events:event-detail", event.pk)
    return render(request, "events/event_form.html", {"form": form})


@login_required
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if _is_outside(request.user):
        seen = queries.attendance(request.user, pk)
        event = seen.event
        open_to_register = (
            not any(r.status == Registration.Status.REGISTERED for r in seen.registrations)
            and event.ends_on >= timezone.localdate()
            and (seen.invited or not event.is_invitation_only)
        )
        return render(
            request,
            "events/attended_detail.html",
            {
                "event": event,
                "hosts": list(event.hosts.all()),
                "sessions": seen.sessions,
                "registrations": [
                    (r, reverse("events:badge", args=[event.registration_token, r.checkin_token]))
                    for r in seen.registrations
                ],
                "invited": seen.invited,
                "register_url": (
                    reverse("events:register", args=[event.registration_token])
                    if open_to_register
                    else ""
                ),
            },
        )
    event = queries.access_event(request.user, pk)
    figures, signings = queries.headline(event, request.user)
    registered = list(
        event.registrations.filter(organisation__isnull=False)
        .select_related("organisation")
        .order_by("organisation_name")
    )
    registration_url = request.build_absolute_uri(
        reverse("events:register", args=[event.registration_token])
    )
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "headline": figures,
            "signings": signings,
            "hosts": list(event.hosts.all()),
            "co_hosts": list(event.co_hosts.all()),
            "invited_regions": list(event.invited_regions.all()),
            "sessions": list(event.sessions.all()),
            "invitations": list(event.invitations.select_related("organisation")[:500]),
            "products": list(event.products.select_related("organisation")),
            "roadshows": list(
                event.roadshows.select_related("organisation").prefetch_related(
                    "feedback__investor"
                )
            ),
            "session_kinds": AgendaSession.Kind.choices,
            "interests": InvestorFeedback.Interest.choices,
            # Each picker offers the registered organisations of the kind its role needs.
            **{
                key: [r for r in registered if r.organisation and r.organisation.kind in kinds]
                for key, kinds in (
                    ("exhibitors", EXHIBITOR_KINDS),
                    ("presenters", PRESENTER_KINDS),
                    ("feedback_investors", FEEDBACK_KINDS),
                )
            },
            "registration_url": registration_url,
            "upload_form": UploadForm(),
        },
    )


@login_required
@require_POST
def invitation_import(request: SignedInRequest, pk: int) -> HttpResponse:
    event = queries.access_event(request.user, pk, for_edit=True)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择文件")
        return redirect("events:event-detail", pk)
    upload = form.cleaned_data["file"]
    try:
        table = read_table(
            upload.read(),
            upload.name,
            max_bytes=settings.YIQIAO_IMPORT_MAX_BYTES,
            max_rows=settings.YIQIAO_IMPORT_MAX_ROWS,
        )
        result = services.invitation_import(event=event, table=table, by=request.user)
    except ImportFileError as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        for error in result.errors[:50]:
            messages.error(request, error)
        if not result.errors:
            messages.success(
                request, f"已导入邀请 {result.created} 家，跳过已在名单中的 {result.skipped} 家"
            )
    return redirect("events:event-detail", pk)


# ---- public registration (by the event's unguessable link) ----------------------------------


def register(request: HttpRequest, token: str) -> HttpResponse:
    event = queries.event_by_registration_token(token)
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.registration_submit(event=event, **form.cleaned_data)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            phone = form.cleaned_data["contact_phone"]
            if not result.is_existing:
                return redirect("events:badge", token, result.registration.checkin_token)
            # Anyone may type another organisation's name: its badge (contact, check-in code)
            # is shown again only to whoever gives the phone it was registered with.
            if services.registration_same_contact(result.registration, phone):
                messages.info(request, "贵单位已报名，以下为原报名信息")
                return redirect("events:badge", token, result.registration.checkin_token)
            form.add_error(
                "contact_phone",
                _("该机构已报名。如需查看参会凭证，请填写报名时登记的手机号，或联系主办方"),
            )
    return render(request, "events/register.html", {"event": event, "form": form})


def badge(request: HttpRequest, token: str, checkin_token: str) -> HttpResponse:
    event = queries.event_by_registration_token(token)
    registration = event.registrations.filter(checkin_token=checkin_token).first()
    if registration is None:
        raise Http404("报名不存在")
    checkin_url = request.build_absolute_uri(reverse("events:checkin-token", args=[checkin_token]))
    return render(
        request,
        "events/badge.html",
        {"event": event, "registration": registration, "checkin_url": checkin_url},
    )


# ---- check-in ---------------------------------------------------------------------------------


@login_required
def checkin_list(request: HttpRequest, pk: int) -> HttpResponse:
    event = queries.access_event(request.user, pk)
    q = request.GET.get("q", "").strip()[:60]
    rows = list(queries.registrations(event, q)[:300])
    context: dict[str, Any] = {"event": event, "registrations": rows, "q": q}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "events/_checkin_rows.html", context)
    if getattr(request.user, "can_edit_register", False):
        context["walk_in"] = WalkInForm(user=request.user)
    return render(request, "events/checkin.html", context)


@login_required
@require_POST
def checkin_walk_in(request: SignedInRequest, pk: int) -> HttpResponse:
    """Record and check in an attendee who has no registration (and whose organisation may not
    be in the register yet) in one step; on a refusal the page shows the form with the reasons."""
    event = queries.access_event(request.user, pk, for_edit=True)
    form = WalkInForm(request.POST, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            registration = services.registration_walk_in(
                event=event,
                by=request.user,
                organisation=data["organisation"],
                new_name=data["new_name"],
                new_kind=data["new_kind"],
                new_region=data["new_region"],
                uscc=data["uscc"],
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
                attendees=data["attendees"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s 已登记并签到") % {"name": registration.organisation_name},
            )
            return redirect("events:checkin-list", event.pk)
    rows = list(queries.registrations(event, "")[:300])
    context = {"event": event, "registrations": rows, "q": "", "walk_in": form}
    return render(request, "events/checkin.html", context, status=422)


@login_required
@require_POST
def checkin(request: SignedInRequest, registration_id: int) -> HttpResponse:
    registration = queries.access_registration(request.user, registration_id)
    queries.access_event(request.user, registration.event_id, for_edit=True)
    _attempt(
        request,
        lambda: services.registration_check_in(registration=registration, by=request.user),
        lambda done: f"{done.organisation_name} 已签到",
    )
    url = reverse("events:checkin-list", args=[registration.event_id])
    q = request.POST.get("q", "")
    return redirect(f"{url}?q={q}" if q else url)


@login_required
def checkin_token(request: SignedInRequest, token: str) -> HttpResponse:
    registration = queries.access_registration_by_token(request.user, token)
    if request.method == "POST":
        return checkin(request, registration.pk)
    return render(request, "events/checkin_token.html", {"registration": registration})


# ---- one-to-one meetings -----------------------------------------------------------------------


@login_required
def meetings_page(request: HttpRequest, pk: int) -> HttpResponse:
    event = queries.access_event(request.user, pk)
    schedule = queries.current_schedule(event)
    participants = queries.participants(event)
    active_participants = [p for p in participants if not p.is_cancelled]
    in_meetings = {p.registration_id for p in participants}
    return render(
        request,
        "events/meetings.html",
        {
            "event": event,
            "participants": participants,
            "active_participants": active_participants,
            "candidates": [
                r
                for r in queries.registrations(event)
                if r.pk not in in_meetings and r.status == Registration.Status.REGISTERED
            ],
            "requests": queries.meeting_requests(event),
            "schedules": list(event.schedules.all()),
            "schedule": schedule,
            "meetings": queries.schedule_meetings(schedule) if schedule else [],
            "slots": [(i, event.slot_label(i)) for i in range(event.slot_count)],
            "run_form": RunForm(),
        },
    )


def _meetings_redirect(pk: int) -> HttpResponse:
    return redirect("events:meetings", pk)


@login_required
@require_POST
def participant_add(request: SignedInRequest, pk: int) -> HttpResponse:
    event = queries.access_event(request.user, pk, for_edit=True)
    form = ParticipantForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        registration = None
        if data["registration"]:
            registration = queries.registrations(event).filter(pk=data["registration"]).first()
            if registration is None:
                raise Http404("报名不存在")
        try:
            meetings.participant_add(
                event=event,
                by=request.user,
                registration=registration,
                department_name=data["department_name"] or "",
                first_slot=data["first_slot"],
                last_slot=data["last_slot"],
            )
        except ValidationError as exc:
            _errors(request, exc)
    else:
        messages.error(request, "请检查参与方信息")
    return _meetings_redirect(pk)


@login_required
@require_POST
def participant_cancel(request: SignedInRequest, participant_id: int) -> HttpResponse:
    participant = queries.access_participant(request.user, participant_id)
    queries.access_event(request.user, participant.event_id, for_edit=True)
    _attempt(
        request,
        lambda: meetings.participant_cancel(participant=participant, by=request.user),
        lambda done: f"“{done.name}”已退出，日程已重新安排，其他会谈不变",
    )
    return _meetings_redirect(participant.event_id)


@login_required
@require_POST
def request_create(request: SignedInRequest, pk: int) -> HttpResponse:
    event = queries.access_event(request.user, pk, for_edit=True)
    form = RequestForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            req = meetings.request_create(
                event=event,
                by=request.user,
                requester_id=data["requester"],
                invitee_id=data["invitee"],
                topic=data["topic"] or "",
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, "已登记对接请求" + ("（双向意向）" if req.is_mutual else ""))
    else:
        messages.error(request, "请选择发起方和对接对象")
    return _meetings_redirect(pk)


@login_required
@require_POST
def rule_set(request: SignedInRequest, request_id: int) -> HttpResponse:
    req = queries.access_request(request.user, request_id)
    queries.access_event(request.user, req.event_id, for_edit=True)
    form = RuleForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            meetings.rule_set(
                request=req,
                by=request.user,
                kind=data["kind"],
                slot=data["slot"],
                table=data["table"] - 1 if data["table"] else None,
                reason=data["reason"] or "",
            )
        except ValidationError as exc:
            _errors(request, exc)
    return _meetings_redirect(req.event_id)


@login_required
@require_POST
def schedule_run(request: SignedInRequest, pk: int) -> HttpResponse:
    event = queries.access_event(request.user, pk, for_edit=True)
    form = RunForm(request.POST)
    limit = form.cleaned_data["time_limit_s"] if form.is_valid() else 30.0
    _attempt(
        request,
        lambda: meetings.schedule_run(event=event, by=request.user, time_limit_s=limit),
        lambda done: (
            f"已生成日程 v{done.version}：{done.breakdown['meetings']} 场会谈；后台正在优化"
        ),
    )
    return _meetings_redirect(pk)


@login_required
@require_POST
def schedule_publish(request: SignedInRequest, schedule_id: int) -> HttpResponse:
    schedule = queries.access_schedule(request.user, schedule_id)
    queries.access_event(request.user, schedule.event_id, for_edit=True)
    _attempt(
        request,
        lambda: meetings.schedule_publish(schedule=schedule, by=request.user),
        lambda done: f"日程 v{done.version} 已发布",
    )
    return _meetings_redirect(schedule.event_id)


@login_required
def meeting_outcome(request: SignedInRequest, meeting_id: int) -> HttpResponse:
    meeting = queries.access_meeting(request.user, meeting_id)
    event = meeting.schedule.event
    initial = {
        "status": meeting.status if meeting.status != "scheduled" else "held",
        "notes": meeting.notes,
        "follow_up_on": meeting.follow_up_on,
        "follow_up_done_on": meeting.follow_up_done_on,
    }
    form = OutcomeForm(request.POST or None, initial=initial)
    if request.method == "POST":
        queries.access_event(request.user, event.pk, for_edit=True)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.meeting_record_outcome(
                    meeting=meeting,
                    by=request.user,
                    status=data["status"],
                    notes=data["notes"],
                    need_category=data["need_category"],
                    need_text=data["need_text"],
                    invest_interest=data["invest_interest"],
                    investor_side=data["investor_side"] or "requester",
                    follow_up_owner=request.user if data["follow_up_on"] else None,
                    follow_up_on=data["follow_up_on"],
                    follow_up_done_on=data["follow_up_done_on"],
                )
            except ValidationError as exc:
                _errors(request, exc)
            else:
                messages.success(request, "会谈结果已登记")
                return _meetings_redirect(event.pk)
    return render(
        request,
        "events/meeting_outcome.html",
        {"event": event, "meeting": meeting, "form": form, "slot": event.slot_label(meeting.slot)},
    )


@login_required
def agenda(request: HttpRequest, participant_id: int) -> HttpResponse:
    participant = queries.access_participant(request.user, participant_id)
    event = participant.event
    schedule = queries.current_schedule(event)
    rows = queries.agenda(schedule, participant) if schedule else []
    if request.GET.get("format") == "xlsx":
        content = write_xlsx(
            ["时间", "桌号", "对接对象", "对接事项", "状态"],
            ([r["time"], r["table"], r["counterpart"], r["topic"], r["status"]] for r in rows),
            title="对接日程",
        )
        return _xlsx(content, f"agenda-{participant.pk}.xlsx")
    return render(
        request,
        "events/agenda.html",
        {"event": event, "participant": participant, "schedule": schedule, "rows": rows},
    )


# ---- signings and report -----------------------------------------------------------------------


@login_required
def signings(request: SignedInRequest, pk: int) -> HttpResponse:
    event = queries.access_event(request.user, pk)
    form = SigningForm(
        request.POST or None, user=request.user, initial={"signed_on": event.starts_on}
    )
    if request.method == "POST":
        queries.access_event(request.user, pk, for_edit=True)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.event_signing_record(
                    event=event,
                    by=request.user,
                    project=data["project"],
                    new_project_title=data["new_project_title"] or "",
                    investor=data["investor"],
                    parties=data["parties"],
                    agreement_type=data["agreement_type"],
                    amount=data["amount"],
                    currency=data["currency"],
                    project_count=data["project_count"],
                    fields=data["sector"] or "",
                    signed_on=data["signed_on"],
                )
            except ValidationError as exc:
                _errors(request, exc)
            else:
                messages.success(request, "签约已登记")
                return redirect("events:signings", pk)
    figures, rows = queries.headline(event, request.user)
    return render(
        request,
        "events/signings.html",
        {"event": event, "form": form, "headline": figures, "signings": rows},
    )


@login_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    event = queries.access_event(request.user, pk)
    data = queries.report(event, timezone.localdate(), request.user)
    if request.GET.get("format") == "xlsx":
        return _xlsx(_report_xlsx(event, data), f"event-{event.pk}-report.xlsx")
    return render(request, "events/report.html", {"event": event, **data})


def _report_xlsx(event: Event, data: dict[str, Any]) -> bytes:
    regs, meetings_ = data["registrations"], data["meetings"]
    figures = data["headline"]
    rows: list[list[Any]] = [
        ["邀请机构", regs["invitations"]],
        ["报名机构", regs["registered"]],
        ["签到机构", regs["attended"]],
        ["对接请求", data["requests"]["total"]],
        ["其中双向", data["requests"]["mutual"]],
        ["已安排会谈", meetings_["scheduled"]],
        ["已举行会谈", meetings_["held"]],
        ["未出席", meetings_["no_show"]],
        ["现场需求", len(data["demands"])],
        *[[f"需求状态：{k}", v] for k, v in data["demand_states"].items()],
        ["签约协议", figures.agreements],
        ["签约项目（不重复计）", figures.projects],
        ["签约金额", figures.amount_text()],
        *[
            [f"登记金额（{CURRENCY_NAMES.get(c, c)}）", v]
            for c, v in data["signed_per_currency"].items()
        ],
        ["跟进待办", data["follow_ups"]["due"]],
        ["跟进逾期", data["follow_ups"]["overdue"]],
        ["跟进完成", data["follow_ups"]["done"]],
        *[
            [
                f"{o['days']}天内推进项目 / 转化需求",
                f"{o['projects_advanced']} / {o['needs_converted']}",
            ]
            for o in data["outcomes"]
        ],
    ]
    return write_xlsx(["指标", event.title], rows, title="活动报告")


# ---- programme: agenda, exhibition, roadshows, cancellations ----------------------------------


def _registered_organisation(event: Event, raw: str) -> Organisation:
    org = (
        Organisation.objects.filter(
            pk=int(raw) if raw.isdigit() else 0,
            pk__in=event.registrations.values("organisation_id"),
        ).first()
        if raw
        else None
    )
    if org is None:
        raise ValidationError("请选择已报名且已收录到名录的机构")
    return org


@login_required
@require_POST
def programme_add(request: SignedInRequest, pk: int, what: str) -> HttpResponse:
    """Add an agenda session, an exhibited product, a roadshow project or investor feedback."""
    from decimal import Decimal, InvalidOperation

    event = queries.access_event(request.user, pk, for_edit=True)
    post = request.POST
    try:
        if what == "session":
            starts = forms_datetime(post.get("starts_at", ""))
            ends = forms_datetime(post.get("ends_at", ""))
            services.session_add(
                event=event,
                by=request.user,
                kind=post.get("kind", ""),
                title=post.get("title", ""),
                starts_at=starts,
                ends_at=ends,
                speaker=post.get("speaker", ""),
            )
        elif what == "product":
            services.product_add(
                event=event,
                by=request.user,
                organisation=_registered_organisation(event, post.get("organisation", "")),
                name=post.get("name", ""),
                category=post.get("category", ""),
            )
        elif what == "roadshow":
            raw = post.get("financing_amount", "").strip()
            try:
                amount = Decimal(raw) if raw else None
            except InvalidOperation as exc:
                raise ValidationError("融资需求应为数字（元）") from exc
            services.roadshow_add(
                event=event,
                by=request.user,
                organisation=_registered_organisation(event, post.get("organisation", "")),
                project_title=post.get("project_title", ""),
                financing_amount=amount,
                funding_stage=post.get("funding_stage", ""),
            )
        elif what == "feedback":
            roadshow = event.roadshows.filter(pk=post.get("roadshow") or 0).first()
            if roadshow is None:
                raise Http404("路演项目不存在")
            services.feedback_record(
                roadshow=roadshow,
                by=request.user,
                investor=_registered_organisation(event, post.get("organisation", "")),
                interest=post.get("interest", ""),
                note=post.get("note", ""),
            )
        else:
            raise Http404("未知的操作")
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, "已保存")
    return redirect("events:event-detail", pk)


def forms_datetime(raw: str) -> Any:
    """Parse a datetime-local value in the current time zone, or refuse."""
    import datetime as dt

    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError as exc:
        raise ValidationError("请填写有效的时间") from exc
    return timezone.make_aware(value) if timezone.is_naive(value) else value


@login_required
@require_POST
def registration_cancel(request: SignedInRequest, registration_id: int) -> HttpResponse:
    registration = queries.access_registration(request.user, registration_id)
    queries.access_event(request.user, registration.event_id, for_edit=True)
    _attempt(
        request,
        lambda: services.registration_cancel(registration=registration, by=request.user),
        lambda done: f"{done.organisation_name} 的报名已取消",
    )
    return redirect("events:checkin-list", registration.event_id)
