"""Pages of the translational pipeline: board by gate, project page, gate/funding/company forms."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from yiqiao.accounts.http import SignedInRequest
from yiqiao.registry.models import Organisation

from . import queries
from .engine import gates
from .forms import BookingForm, CompanyForm, ConvertForm, FundingForm, GateForm, TranslationForm
from .models import FundingTranche, Gate, ServiceBooking
from .services import translational
from .views import _errors, _require_editor, _scoped_regions, _today

BOARD_CARDS = 40


@login_required
def translation_board(request: HttpRequest) -> HttpResponse:
    """Columns per gate passed (first column: not yet through 概念验证)."""
    columns = []
    for code, label in [("none", "立项（未过关口）"), *Gate.choices]:
        qs = queries.translation_list(user=request.user, gate=code)
        columns.append(
            {"gate": code, "label": label, "count": qs.count(), "cards": list(qs[:BOARD_CARDS])}
        )
    return render(
        request,
        "projects/translation_board.html",
        {"columns": columns, "can_edit": queries.can_edit(request.user)},
    )


@login_required
def translation_create(request: SignedInRequest) -> HttpResponse:
    _require_editor(request.user)
    form = TranslationForm(
        request.POST or None,
        regions=_scoped_regions(request.user),
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        try:
            project = translational.translation_create(data=form.cleaned_data, by=request.user)
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        else:
            messages.success(request, f"已新建成果转化项目“{project.title}”")
            return redirect("projects:translation-detail", pk=project.pk)
    return render(request, "projects/translation_form.html", {"form": form})


@login_required
def translation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = queries.access_translation(request.user, pk)
    editable = queries.can_edit(request.user)
    records = list(project.gate_records.select_related("by"))
    for record in records:
        record.evidence_rows = [  # type: ignore[attr-defined]
            (gates.CRITERIA_LABELS.get(k, k), v) for k, v in record.evidence.items()
        ]
    return render(
        request,
        "projects/translation_detail.html",
        {
            "project": project,
            "gate_records": records,
            "bookings": list(project.bookings.select_related("service__provider")),
            "tranches": list(project.tranches.select_related("provider")),
            "gates": [(g, gates.gate_label(g)) for g in gates.gates_for(project.product_type)],
            "next_gate_label": gates.gate_label(project.next_gate) if project.next_gate else "",
            "gate_form": GateForm(project=project, initial={"passed_on": _today()})
            if editable and project.next_gate
            else None,
            "funding_form": FundingForm() if editable else None,
            "booking_form": BookingForm(user=request.user, initial={"booked_on": _today()})
            if editable
            else None,
            "convert_form": ConvertForm(initial={"converted_on": _today()}) if editable else None,
            "company_form": CompanyForm(initial={"name": project.title})
            if editable and not project.company_id
            else None,
            "can_edit": editable,
        },
    )


def _back(request: HttpRequest, pk: int, write: Any, form: Any, done: str) -> HttpResponse:
    if not form.is_valid():
        text = "；".join(e for errs in form.errors.values() for e in errs)
        messages.error(request, f"未保存：{text}")
    else:
        try:
            write(form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, f"未保存：{_errors(exc)}")
        else:
            messages.success(request, done)
    return redirect("projects:translation-detail", pk=pk)


@login_required
@require_POST
def gate_pass(request: SignedInRequest, pk: int) -> HttpResponse:
    project = queries.access_translation(request.user, pk, for_edit=True)
    form = GateForm(request.POST, project=project)

    def write(data: dict[str, Any]) -> None:
        translational.translation_pass_gate(
            project=project,
            to_gate=form.to_gate,
            passed_on=data["passed_on"],
            evidence=form.evidence(),
            phase=data.get("phase", "") or "",
            note=data["note"],
            by=request.user,
        )

    return _back(request, pk, write, form, f"已通过“{gates.gate_label(form.to_gate)}”关口")


@login_required
@require_POST
def funding_add(request: SignedInRequest, pk: int) -> HttpResponse:
    project = queries.access_translation(request.user, pk, for_edit=True)

    def write(data: dict[str, Any]) -> None:
        translational.funding_tranche_add(project=project, by=request.user, **data)

    return _back(request, pk, write, FundingForm(request.POST), "已登记资金")


@login_required
@require_POST
def funding_convert(request: SignedInRequest, pk: int, tranche_id: int) -> HttpResponse:
    project = queries.access_translation(request.user, pk, for_edit=True)
    tranche = FundingTranche.objects.filter(pk=tranche_id, project=project).first()
    if tranche is None:
        raise Http404("资金记录不存在")

    def write(data: dict[str, Any]) -> None:
        translational.funding_convert(tranche=tranche, by=request.user, **data)

    return _back(request, pk, write, ConvertForm(request.POST), "已登记拨款转股")


@login_required
@require_POST
def company_form(request: SignedInRequest, pk: int) -> HttpResponse:
    project = queries.access_translation(request.user, pk, for_edit=True)
    form = CompanyForm(request.POST)

    def write(data: dict[str, Any]) -> Organisation:
        return translational.form_company(
            project=project, name=data["name"], uscc=data["uscc"], by=request.user
        )

    return _back(request, pk, write, form, "企业已登记到机构名录并与项目关联")


@login_required
@require_POST
def booking_add(request: SignedInRequest, pk: int) -> HttpResponse:
    project = queries.access_translation(request.user, pk, for_edit=True)
    form = BookingForm(request.POST, user=request.user)

    def write(data: dict[str, Any]) -> None:
        translational.service_booking_create(project=project, by=request.user, **data)

    return _back(request, pk, write, form, "已登记服务预约")


@login_required
@require_POST
def booking_close(request: SignedInRequest, booking_id: int) -> HttpResponse:
    """The platform operator (or an officer of the project) records what became of a booking:
    started, done or cancelled. Back to the services page, where the bookings are listed."""
    from yiqiao.core.access import VIEW

    booking = (
        ServiceBooking.objects.restrict(request.user, VIEW)
        .select_related("service")
        .filter(pk=booking_id)
        .first()
    )
    if booking is None:
        raise Http404("服务预约不存在或无权查看")
    status = request.POST.get("status", "")
    try:
        translational.service_booking_close(
            booking=booking, status=status, by=request.user, note=request.POST.get("note", "")
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        label = ServiceBooking.Status(status).label
        messages.success(request, f"已将“{booking.service.name}”的预约登记为{label}")
    return redirect(reverse("registry:service-list") + "#service-bookings")
