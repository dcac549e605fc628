"""Pages of the cultivation ladder: the overview (rungs, targets, re-certification due), the
candidates of a rung, one enterprise's ladder with its recognitions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from yiqiao.accounts.http import SignedInRequest
from yiqiao.core.access import VIEW, access_object
from yiqiao.registry.models import Organisation

from . import queries, services
from .criteria import SCREENED_RUNGS
from .engine import RUNGS
from .engine.ladder import RUNG_LABELS
from .forms import CriteriaForm, RecognitionForm


def _staff(request: HttpRequest) -> None:
    user = request.user
    if not (getattr(user, "is_superuser", False) or getattr(user, "is_staff_role", False)):
        raise PermissionDenied("梯度培育仅供工作人员使用")


def _errors(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "；".join(m for msgs in exc.message_dict.values() for m in msgs)
    return "；".join(exc.messages)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Enterprises per rung, this year's targets with what was realised, 高企 due for
    re-certification within 90 days."""
    _staff(request)
    today = timezone.localdate()
    counts = queries.ladder_counts(request.user, today)
    rungs = [(r, RUNG_LABELS[r], counts[r], r in SCREENED_RUNGS) for r in RUNGS]
    return render(
        request,
        "cultivation/home.html",
        {
            "rungs": rungs,
            "today": today,
            "year": today.year,
            "targets": queries.target_progress(request.user, today.year),
            "due": list(queries.recertification_due(request.user, today)[:200]),
        },
    )


@login_required
def candidates(request: HttpRequest, rung: str) -> HttpResponse:
    """Enterprises below a rung, closest to its criteria first, with what each lacks."""
    _staff(request)
    if rung not in SCREENED_RUNGS:
        raise Http404("该层级没有候选名单")
    today = timezone.localdate()
    page = queries.rung_candidates(request.user, rung, today)
    return render(
        request,
        "cultivation/candidates.html",
        {"page": page, "today": today, "rungs": [(r, RUNG_LABELS[r]) for r in SCREENED_RUNGS]},
    )


@login_required
def enterprise(request: HttpRequest, pk: int) -> HttpResponse:
    """One enterprise's ladder: rung, recognitions, the next rung's criteria explained."""
    _staff(request)
    organisation = access_object(Organisation, request.user, pk, VIEW)
    today = timezone.localdate()
    ladder = queries.enterprise_ladder(request.user, organisation, today)
    initial = {"rung": request.GET.get("rung") or ladder.next_rung or "", "recognised_on": today}
    return render(
        request,
        "cultivation/enterprise.html",
        {
            "ladder": ladder,
            "today": today,
            "rung_label": RUNG_LABELS.get(ladder.rung or "", "未入梯度"),
            "next_label": RUNG_LABELS.get(ladder.next_rung or "", ""),
            "form": RecognitionForm(initial=initial),
        },
    )


@login_required
@require_POST
def recognition_add(request: SignedInRequest, pk: int) -> HttpResponse:
    _staff(request)
    organisation = access_object(Organisation, request.user, pk, "change")
    form = RecognitionForm(request.POST)
    back = redirect("cultivation:enterprise", pk=organisation.pk)
    if not form.is_valid():
        problems = "；".join(
            f"{form.fields[k].label}：{e}" for k, errs in form.errors.items() for e in errs
        )
        messages.error(request, f"未保存：{problems}")
        return back
    data = form.cleaned_data
    try:
        recognition = services.recognition_record(
            organisation=organisation,
            data=services.RecognitionInput(
                rung=data["rung"],
                recognised_on=data["recognised_on"],
                certificate_number=data["certificate_number"],
                expires_on=data["expires_on"],
                issuer=data["issuer"],
                evidence=data["evidence"],
                skip_basis=data["skip_basis"],
            ),
            by=request.user,
        )
    except ValidationError as exc:
        messages.error(request, f"未保存：{_errors(exc)}")
        return back
    messages.success(request, f"已登记：{organisation.name} 认定为{recognition.get_rung_display()}")
    return back


@login_required
def target_records(request: HttpRequest, pk: int) -> HttpResponse:
    """The records behind a target's realised count."""
    _staff(request)
    target = queries.access_target(request.user, pk)
    records = queries.metric_records(request.user, target.region, target.year, target.metric)
    return render(
        request,
        "cultivation/target_records.html",
        {"target": target, "records": list(records[:500]), "count": records.count()},
    )


@login_required
def criteria(request: SignedInRequest, rung: str) -> HttpResponse:
    """A rung's criteria: the text in force, its dated versions, and (for admins) a new
    version, checked like a policy (parsed, its test cases run) before it is stored."""
    _staff(request)
    if rung not in SCREENED_RUNGS:
        raise Http404("该层级没有入梯标准")
    today = timezone.localdate()
    if request.method == "POST":
        form = CriteriaForm(request.POST)
        if form.is_valid():
            try:
                version = services.criteria_version_add(
                    rung=rung,
                    text=form.cleaned_data["text"],
                    effective_from=form.cleaned_data["effective_from"],
                    note=form.cleaned_data["note"],
                    by=request.user,
                )
            except (ValidationError, PermissionDenied) as exc:
                message = _errors(exc) if isinstance(exc, ValidationError) else str(exc)
                messages.error(request, f"未保存：{message}")
            else:
                messages.success(
                    request, f"已保存第 {version.number} 版，{version.effective_from} 起生效"
                )
                return redirect("cultivation:criteria", rung=rung)
    in_force = queries.criteria_in_force(rung, today)
    text = in_force.version.text if in_force.version else queries.shipped_text(rung)
    if request.method != "POST":
        form = CriteriaForm(initial={"effective_from": today, "text": text})
    return render(
        request,
        "cultivation/criteria.html",
        {
            "rung": rung,
            "label": RUNG_LABELS[rung],
            "in_force": in_force,
            "text": text,
            "versions": queries.criteria_versions(rung),
            "form": form,
            "can_edit": getattr(request.user, "is_superuser", False)
            or getattr(request.user, "role", "") == "admin",
        },
    )
