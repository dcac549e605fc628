"""Roadshows: the events holding pitches, a roadshow's page (slots, invitations, feedback,
reminders, its funnel), an investor's invitations, and the funnel per period with drill-down."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from yiqiao.core.access import access_object, restrict
from yiqiao.core.scope import user_scope
from yiqiao.registry.models import Organisation

from .. import queries
from ..engine.funnel import STEP_LABELS, STEPS, FunnelRow
from ..forms import FeedbackForm, PitchBookForm
from ..models import FinancingNeed, Pitch, PitchInvitation
from ..services import roadshows
from ..services.roadshows import FeedbackInput
from .common import acting_user, errors_text, form_errors, is_editor, submit


def _investor_choices(user: Any) -> list[Organisation]:
    """Investors of the register the user may see (never another district's)."""
    directory = Organisation.objects.filter(kind=Organisation.Kind.INVESTOR, is_active=True)
    return list(restrict(directory, user).order_by("name"))


@login_required
def roadshow_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "capital/roadshow_list.html",
        {"events": list(queries.roadshow_events(user=request.user)[:200])},
    )


@login_required
def roadshow_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = queries.access_event(request.user, pk)
    return _roadshow_page(request, event)


def _roadshow_page(
    request: HttpRequest,
    event: Any,
    *,
    failed: tuple[int, FeedbackForm, str] | None = None,
) -> HttpResponse:
    """The roadshow's page; ``failed`` = (pitch, bound feedback form, investor chosen) when
    feedback recorded on the investor's behalf was refused: that form comes back as typed."""
    pitches = queries.event_pitches(event, request.user)
    editor = is_editor(request.user)
    booked = [p.need_id for p in pitches]
    bookable = (
        FinancingNeed.objects.restrict(request.user, "change")
        .filter(status="published")
        .exclude(pk__in=booked)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    today = timezone.localdate()
    for p in pitches:
        bound = failed is not None and failed[0] == p.pk
        p.feedback_form = (  # type: ignore[attr-defined]
            (failed[1] if failed is not None and bound else _feedback_form(today, p.pk))
            if editor
            else None
        )
        p.feedback_investor = failed[2] if failed is not None and bound else ""  # type: ignore[attr-defined]
    return render(
        request,
        "capital/roadshow_detail.html",
        {
            "event": event,
            "pitches": pitches,
            "today": today,
            "is_editor": editor,
            "book_form": PitchBookForm(needs=bookable) if editor else None,
            "investor_choices": _investor_choices(request.user) if editor else [],
            "failed_pitch": failed[0] if failed is not None else None,
            "funnel": queries.pitch_funnel(user=request.user, event=event),
            "event_drill": f"&event={event.pk}",
            "steps": [(s, STEP_LABELS[s]) for s in STEPS],
        },
        status=400 if failed is not None else 200,
    )


def _feedback_form(today: dt.date, key: int, data: Any = None) -> FeedbackForm:
    """A feedback form whose element ids are its own on a page listing several pitches."""
    return FeedbackForm(data, initial={"given_on": today}, auto_id=f"id_%s_{key}")


@login_required
@require_POST
def pitch_book(request: HttpRequest, pk: int) -> HttpResponse:
    event = queries.access_event(request.user, pk, "change")
    user = acting_user(request)
    bookable = FinancingNeed.objects.restrict(user, "change").filter(status="published")
    form = PitchBookForm(request.POST, needs=bookable)
    return submit(
        request,
        form,
        lambda d: roadshows.pitch_book(
            event=event, need=d["need"], by=user, starts_at=d["starts_at"], minutes=d["minutes"]
        ),
        done="已安排路演场次",
        back=reverse("capital:roadshow-detail", args=[event.pk]),
    )


def _pitch(request: HttpRequest, pk: int, action: str = "view") -> Pitch:
    qs = Pitch.objects.select_related("event", "need__organisation")
    return access_object(qs, request.user, pk, action)


@login_required
@require_POST
def pitch_invite(request: HttpRequest, pk: int) -> HttpResponse:
    """Invite investors chosen by the organiser, or the best of the need's shortlist."""
    pitch = _pitch(request, pk, "change")
    user = acting_user(request)

    def write(_d: dict[str, Any]) -> None:
        if request.POST.get("matched"):
            roadshows.pitch_invite_matched(pitch=pitch, by=user)
            return
        ids = request.POST.getlist("investors")
        if not ids:
            raise ValidationError("请选择要邀请的投资方")
        roadshows.pitch_invite(pitch=pitch, investors=investor_directory(ids, pitch, user), by=user)

    return submit(
        request,
        forms.Form(request.POST),
        write,
        done="已发出邀请",
        back=reverse("capital:roadshow-detail", args=[pitch.event_id]),
    )


def investor_directory(ids: list[str], pitch: Pitch, user: Any) -> list[Organisation]:
    """Organisations named by id in an invitation: the investors the user may name for the
    pitch's need (and the pitching company itself, which the service then refuses by name);
    any other id is refused without naming what it points to."""
    wanted = {i for i in ids}
    nameable = queries.nameable_investors(user, pitch.need)
    directory = Organisation.objects.filter(is_active=True).filter(
        Q(pk__in=nameable.values("pk")) | Q(pk=pitch.need.organisation_id)
    )
    found = {str(o.pk): o for o in directory.filter(pk__in=[i for i in wanted if i.isdigit()])}
    missing = sorted(wanted - set(found))
    if missing:
        raise ValidationError(f"投资方（编号 {'、'.join(missing)}）不存在或无权使用")
    return [found[i] for i in ids if i in found]


@login_required
@require_POST
def pitch_pitched(request: HttpRequest, pk: int) -> HttpResponse:
    pitch = _pitch(request, pk, "change")
    user = acting_user(request)
    day = request.POST.get("pitched_on")

    def write(_d: dict[str, Any]) -> None:
        try:
            on = dt.date.fromisoformat(day) if day else None
        except ValueError as exc:
            raise ValidationError("日期格式应为YYYY-MM-DD") from exc
        roadshows.pitch_mark_pitched(pitch=pitch, by=user, pitched_on=on)

    return submit(
        request,
        forms.Form(request.POST),
        write,
        done="已标记为已路演，14天反馈时限开始计算",
        back=reverse("capital:roadshow-detail", args=[pitch.event_id]),
    )


@login_required
@require_POST
def feedback_add(request: HttpRequest, pk: int) -> HttpResponse:
    """An invited investor's feedback (its own user, or an officer naming the investor).
    Refused input re-shows the page it was typed on with the choices kept and the reasons."""
    pitch = _pitch(request, pk)
    user = acting_user(request)
    scope = user_scope(user)
    today = timezone.localdate()
    form = _feedback_form(today, pitch.pk, request.POST)
    on_roadshow = request.POST.get("back") == reverse(
        "capital:roadshow-detail", args=[pitch.event_id]
    )
    chosen = request.POST.get("investor", "")

    def refused() -> HttpResponse:
        messages.error(request, f"未保存：{form_errors(form)}")
        if on_roadshow:
            event = queries.access_event(request.user, pitch.event_id)
            return _roadshow_page(request, event, failed=(pitch.pk, form, chosen))
        return _invitations_page(request, failed=(pitch.pk, form))

    if not form.is_valid():
        return refused()
    d = form.cleaned_data
    try:
        if scope.is_investor and scope.organisation_id is not None:
            investor = Organisation.objects.get(pk=scope.organisation_id)
        else:
            invited = pitch.invitations.filter(investor_id=int(chosen) if chosen.isdigit() else 0)
            invitation = invited.select_related("investor").first()
            if invitation is None:
                raise ValidationError("请选择受邀的投资方")
            investor = invitation.investor
        roadshows.feedback_record(
            pitch=pitch,
            investor=investor,
            data=FeedbackInput(
                d["interest"], d["next_step"], d["given_on"], d["pass_reasons"], d["note"]
            ),
            by=user,
        )
    except ValidationError as exc:
        form.add_error(None, errors_text(exc))
        return refused()
    except PermissionDenied as exc:
        form.add_error(None, str(exc) or "当前角色无权执行此操作")
        return refused()
    messages.success(request, "已提交反馈")
    if on_roadshow:
        return redirect(reverse("capital:roadshow-detail", args=[pitch.event_id]))
    mine = pitch.invitations.filter(investor=investor).values_list("pk", flat=True).first()
    return redirect(reverse("capital:invitations") + f"#invitation-{mine}")


@login_required
def invitations(request: HttpRequest) -> HttpResponse:
    """An investor's invitations to pitches, with the feedback form and reminders."""
    return _invitations_page(request)


def _invitations_page(
    request: HttpRequest, *, failed: tuple[int, FeedbackForm] | None = None
) -> HttpResponse:
    rows = queries.investor_invitations(user=request.user)
    today = timezone.localdate()
    for inv in rows:
        bound = failed is not None and failed[0] == inv.pitch_id
        form = failed[1] if failed is not None and bound else _feedback_form(today, inv.pitch_id)
        inv.form = form  # type: ignore[attr-defined]
        inv.failed = bound  # type: ignore[attr-defined]
    return render(
        request,
        "capital/invitations.html",
        {
            "rows": rows,
            "today": today,
            "is_investor": user_scope(request.user).is_investor,
        },
        status=400 if failed is not None else 200,
    )


def _period(request: HttpRequest) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    try:
        start = dt.date.fromisoformat(request.GET.get("start") or f"{today.year}-01-01")
        end = dt.date.fromisoformat(request.GET.get("end") or today.isoformat())
    except ValueError as exc:
        raise Http404("日期格式应为YYYY-MM-DD") from exc
    return start, end


@login_required
def funnel(request: HttpRequest) -> HttpResponse:
    """Pitches → feedback → meetings → term sheets → closes for a period, by investor."""
    start, end = _period(request)
    result = queries.pitch_funnel(user=request.user, start=start, end=end)
    return render(
        request,
        "capital/funnel.html",
        {
            "funnel": result,
            "start": start,
            "end": end,
            "steps": [(s, STEP_LABELS[s]) for s in STEPS],
            "drill": f"&start={start:%Y-%m-%d}&end={end:%Y-%m-%d}",
        },
    )


@login_required
def funnel_records(request: HttpRequest) -> HttpResponse:
    """The invitations one funnel figure counts (drill-down from any cell)."""
    start, end = _period(request)
    step = request.GET.get("step", "pitched")
    if step not in STEPS:
        raise Http404("未知的环节")
    event = None
    if request.GET.get("event"):
        event = queries.access_event(request.user, request.GET["event"])
        start, end = dt.date.min, dt.date.max
    result = queries.pitch_funnel(user=request.user, event=event, start=start, end=end)
    investor = request.GET.get("investor")
    found: FunnelRow | None = result.total
    if investor:
        found = next((r for r in result.by_investor if str(r.investor_key) == investor), None)
    if found is None:
        raise Http404("该投资方在此期间没有路演记录")
    row = found
    keys = row.steps[step]
    records = list(
        PitchInvitation.objects.restrict(request.user)
        .filter(pk__in=keys)
        .select_related("pitch__event", "pitch__need__organisation", "investor", "feedback")
        .order_by("-pitch__pitched_on", "id")
    )
    return render(
        request,
        "capital/funnel_records.html",
        {
            "records": records,
            "step_label": STEP_LABELS[step],
            "row": row,
            "event": event,
            "start": start,
            "end": end,
            "count": len(keys),
        },
    )
