"""Pages of the 上市后备库, product approvals and talent teams."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from yiqiao.accounts.http import SignedInRequest
from yiqiao.core.access import access_object, resolve_reference
from yiqiao.registry.models import Organisation

from . import queries, services
from .forms import ApprovalForm, ListingAdvanceForm, ListingEnterForm, TeamForm
from .models import ListingCandidate
from .views import _errors, _staff


def _save(
    request: HttpRequest, form: forms.Form, write: Callable[[dict[str, Any]], str], back: str
) -> HttpResponse:
    """Validate, call the service, say what happened or why nothing was saved."""
    if not form.is_valid():
        problems = "；".join(
            f"{form.fields[k].label if k in form.fields else ''}：{e}"
            for k, errs in form.errors.items()
            for e in errs
        )
        messages.error(request, f"未保存：{problems}")
        return redirect(back)
    try:
        done = write(form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, f"未保存：{_errors(exc)}")
    except PermissionDenied as exc:
        messages.error(request, f"未保存：{exc or '当前角色无权执行此操作'}")
    else:
        messages.success(request, done)
    return redirect(back)


def _organisation(request: HttpRequest, pk: int) -> Organisation:
    return resolve_reference(Organisation, request.user, pk, label="企业", action="change")


@login_required
def pool(request: HttpRequest) -> HttpResponse:
    """The 上市后备库 by stage, with its board and sponsor, and the stage forms."""
    _staff(request)
    today = timezone.localdate()
    rows = queries.listing_list(request.user)
    return render(
        request,
        "cultivation/pool.html",
        {
            "rows": [
                (c, ListingAdvanceForm(initial={"on": today, "row_version": c.row_version}))
                for c in rows
            ],  # fmt: skip
            "enter": ListingEnterForm(initial={"entered_on": today}),
            "by_stage": queries.listing_counts(rows),
        },
    )


@login_required
@require_POST
def pool_enter(request: SignedInRequest) -> HttpResponse:
    _staff(request)

    def write(data: dict[str, Any]) -> str:
        organisation = _organisation(request, data["organisation"])
        services.listing_enter(
            organisation=organisation, board=data["board"], entered_on=data["entered_on"],
            sponsor=data["sponsor"], basis=data["basis"], by=request.user,
        )  # fmt: skip
        return f"已入库：{organisation.name}"

    return _save(request, ListingEnterForm(request.POST), write, "cultivation:pool")


@login_required
@require_POST
def pool_advance(request: SignedInRequest, pk: int) -> HttpResponse:
    _staff(request)
    candidate = access_object(
        ListingCandidate.objects.select_related("organisation"), request.user, pk, "change"
    )

    def write(data: dict[str, Any]) -> str:
        moved = services.listing_advance(
            candidate=candidate, to_stage=data["to_stage"], on=data["on"],
            stock_code=data["stock_code"], row_version=data["row_version"],
            by=request.user,
        )  # fmt: skip
        return f"{candidate.organisation.name}：{moved.get_stage_display()}"

    return _save(request, ListingAdvanceForm(request.POST), write, "cultivation:pool")


@login_required
def approvals(request: HttpRequest) -> HttpResponse:
    """Product approvals of a year: counts by quarter and kind, and the records."""
    _staff(request)
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    year = min(max(year, 2000), 2100)
    records = queries.approval_list(request.user, year)
    return render(
        request,
        "cultivation/approvals.html",
        {
            "year": year,
            "records": records,
            "counts": queries.approval_counts(records),
            "form": ApprovalForm(initial={"approved_on": today}),
        },
    )


@login_required
@require_POST
def approval_add(request: SignedInRequest) -> HttpResponse:
    _staff(request)

    def write(data: dict[str, Any]) -> str:
        organisation = _organisation(request, data["organisation"])
        kind = data["kind"]
        date_field = services.APPROVAL_KINDS[kind][0]
        record: dict[str, Any] = {"number": data["number"], date_field: data["approved_on"]}
        if kind == "trials":
            record.update(product=data["category"] or None, phase="ind")
        else:
            record["category"] = data["category"] or None
        if kind == "certificates":
            record["innovative"] = data["innovative"]
        record["priority"] = data["priority"]
        services.approval_record(
            organisation=organisation, kind=kind, data=record,
            by=request.user,
        )  # fmt: skip
        return f"已登记：{organisation.name} {data['number']}"

    return _save(request, ApprovalForm(request.POST), write, "cultivation:approvals")


@login_required
def talent(request: HttpRequest) -> HttpResponse:
    """Talent teams brought in, newest first, with the form to record one."""
    _staff(request)
    return render(
        request,
        "cultivation/talent.html",
        {
            "teams": queries.talent_team_list(request.user),
            "form": TeamForm(initial={"brought_in_on": timezone.localdate()}),
        },
    )


@login_required
@require_POST
def talent_add(request: SignedInRequest) -> HttpResponse:
    _staff(request)

    def write(data: dict[str, Any]) -> str:
        team = services.talent_team_create(
            data=services.TeamInput(
                name=data["name"], leader=data["leader"], level=data["level"],
                field=data["field"], members=data["members"], host_id=data["host"],
                project_id=data["project"], platform_id=data["platform"],
                brought_in_on=data["brought_in_on"], support_yuan=data["support_yuan"],
                support_note=data["support_note"],
            ),
            by=request.user,
        )  # fmt: skip
        return f"已登记人才团队：{team.name}"

    return _save(request, TeamForm(request.POST), write, "cultivation:talent")
