"""Pages of the investment pipeline: parse the request, call one query or service, render."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from yiqiao.accounts.http import SignedInRequest
from yiqiao.core.scope import user_scope
from yiqiao.core.tabular import write_xlsx
from yiqiao.registry.models import Region
from yiqiao.registry.queries import chain_choices

from . import queries, services
from .engine import figures
from .forms import ActivityForm, MilestoneForm, MoveForm, ProjectForm, SigningForm
from .models import Project, Stage
from .services.ledger import export_rows

EXPORT_LIMIT = 100_000


def _today() -> dt.date:
    return timezone.localdate()


def _scoped_regions(user: Any) -> list[Region]:
    scope = user_scope(user)
    qs = (
        Region.objects.all() if scope.everything else Region.objects.filter(id__in=scope.region_ids)
    )
    return list(qs.order_by("path"))


def _require_editor(user: Any) -> None:
    if not queries.can_edit(user):
        raise PermissionDenied("当前角色只能查看，不能修改项目")


def _errors(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "；".join(m for msgs in exc.message_dict.values() for m in msgs)
    return "；".join(exc.messages)


def _filter_context(request: HttpRequest, filters: queries.ProjectFilters) -> dict[str, Any]:
    return {
        "filters": filters,
        "query": filters.as_query(),
        "stages": Stage.choices,
        "regions": _scoped_regions(request.user),
        "chain_nodes": chain_choices(),
        "can_edit": queries.can_edit(request.user),
    }


def _board_columns(request: HttpRequest, filters: queries.ProjectFilters) -> list[dict[str, Any]]:
    """Columns with each card's texts and links prepared once in Python.

    A board shows a few hundred cards; resolving URLs, translations and money formats per card
    in the template dominated the render time, so they are computed here.
    """
    from .templatetags.projects_tags import money

    columns = queries.board(user=request.user, filters=filters, today=_today())
    detail = reverse("projects:project-detail", args=[0])[:-2]
    move = reverse("projects:project-move", args=[0])
    suffix = move[len(detail) + 1 :]
    query = request.GET.urlencode()
    for column in columns:
        for p in column["cards"]:
            p.detail_url = f"{detail}{p.pk}/"
            p.move_url = f"{detail}{p.pk}{suffix}?{query}"
            p.subtitle = "、".join(p.investor_names) or "—"
            if p.target_region:
                p.subtitle += f" · {p.target_region.name}"
            shown = p.amount_shown
            p.amount_text = (
                f"计划 {money(shown, p.currency)}"
                if shown is not None
                else ("计划金额保密" if p.amount_hidden else "")
            )
            due = p.next_follow_up_on
            p.follow_text = f"跟进 {due:%m-%d}" if due else ""
    return columns


@login_required
def board(request: HttpRequest) -> HttpResponse:
    """Kanban columns per stage; moving a card posts a validated transition."""
    filters = queries.ProjectFilters.from_mapping(request.GET)
    columns = _board_columns(request, filters)
    context = {"columns": columns, **_filter_context(request, filters)}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "projects/_board.html", context)
    return render(request, "projects/board.html", context)


@login_required
@require_POST
def project_move(request: SignedInRequest, pk: int) -> HttpResponse:
    """Apply a stage transition; refusals come back with the pipeline's reason."""
    project = queries.access_project(request.user, pk, for_edit=True)
    form = MoveForm(request.POST)
    error = ""
    if not form.is_valid():
        error = "；".join(str(e) for errs in form.errors.values() for e in errs)
    else:
        try:
            project = services.project_advance_stage(
                project=project,
                to_stage=form.cleaned_data["to_stage"],
                by=request.user,
                row_version=form.cleaned_data["row_version"],
                reason=form.cleaned_data["reason"] or "",
                on=form.cleaned_data["on"],
            )
        except ValidationError as exc:
            error = _errors(exc)
    origin = request.POST.get("origin", "detail")
    if request.htmx and origin == "board":  # type: ignore[attr-defined]
        filters = queries.ProjectFilters.from_mapping(request.GET)
        columns = _board_columns(request, filters)
        context = {"columns": columns, "move_error": error, "moved": None if error else project}
        return render(
            request, "projects/_board.html", {**context, **_filter_context(request, filters)}
        )
    if error:
        messages.error(request, f"阶段变更未执行：{error}")
    else:
        messages.success(request, f"“{project.title}”已进入“{project.get_stage_display()}”阶段")
    return redirect(
        "projects:board" if origin == "board" else "projects:project-detail",
        *([] if origin == "board" else [pk]),
    )


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    filters = queries.ProjectFilters.from_mapping(request.GET)
    qs = queries.project_list(user=request.user, filters=filters, today=_today())
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    projects = list(page.object_list)
    queries.attach_card_data(request.user, projects, _today())
    context = {"page": page, "projects": projects, **_filter_context(request, filters)}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "projects/_project_table.html", context)
    return render(request, "projects/project_list.html", context)


@login_required
def project_export(request: SignedInRequest) -> HttpResponse:
    """The filtered list as an .xlsx ledger (same columns the ledger import reads)."""
    filters = queries.ProjectFilters.from_mapping(request.GET)
    qs = queries.project_list(user=request.user, filters=filters, today=_today())
    headers, rows = export_rows(request.user, list(qs[:EXPORT_LIMIT]))
    content = write_xlsx(headers, rows, title="招商项目台账")
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = "attachment; filename*=UTF-8''projects.xlsx"
    return response


@login_required
def project_create(request: SignedInRequest) -> HttpResponse:
    _require_editor(request.user)
    form = ProjectForm(
        request.POST or None,
        regions=_scoped_regions(request.user),
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(data=form.service_data(), by=request.user)
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        else:
            messages.success(request, f"已新建项目“{project.title}”")
            return redirect("projects:project-detail", pk=project.pk)
    return render(request, "projects/project_form.html", {"form": form, "project": None})


@login_required
def project_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    project = queries.access_project(request.user, pk, for_edit=True)
    form = ProjectForm(
        request.POST or None,
        instance=project,
        initial={"row_version": project.row_version},
        regions=_scoped_regions(request.user),
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        try:
            services.project_update(
                project=project,
                data=data,
                by=request.user,
                row_version=form.cleaned_data["row_version"],
            )
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        else:
            messages.success(request, "已保存")
            return redirect("projects:project-detail", pk=pk)
    return render(request, "projects/project_form.html", {"form": form, "project": project})


@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The project page: facts, stage history, activities, signings, milestones, the gap."""
    project = queries.access_project(request.user, pk)
    history = queries.project_history(user=request.user, project=project, today=_today())
    editable = queries.can_edit(request.user)
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            **history,
            "can_edit": editable,
            "move_form": MoveForm(
                initial={
                    "row_version": project.row_version,
                    "to_stage": history["targets"][0] if history["targets"] else "",
                }
            )
            if editable
            else None,
            "activity_form": ActivityForm(initial={"happened_on": _today()}) if editable else None,
            "signing_form": SigningForm(initial={"currency": project.currency})
            if editable
            else None,
            "milestone_form": MilestoneForm() if editable else None,
            "today": _today(),
            "days_in_stage": project.days_in_stage(_today()),
        },
    )


def _post_and_back(
    request: HttpRequest, pk: int, form_class: Any, write: Any, done: str
) -> HttpResponse:
    project = queries.access_project(request.user, pk, for_edit=True)
    form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        text = "；".join(
            f"{form.fields[k].label if k in form.fields else ''}{'：' if k in form.fields else ''}{e}"
            for k, errs in form.errors.items()
            for e in errs
        )
        messages.error(request, f"未保存：{text}")
    else:
        try:
            write(project, form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, f"未保存：{_errors(exc)}")
        else:
            messages.success(request, done)
    return redirect("projects:project-detail", pk=pk)


@login_required
@require_POST
def activity_add(request: SignedInRequest, pk: int) -> HttpResponse:
    def write(project: Project, data: dict[str, Any]) -> None:
        services.activity_record(project=project, by=request.user, **data)

    return _post_and_back(request, pk, ActivityForm, write, "已记录跟进")


@login_required
@require_POST
def signing_add(request: SignedInRequest, pk: int) -> HttpResponse:
    def write(project: Project, data: dict[str, Any]) -> None:
        services.signing_record(project=project, by=request.user, **data)

    return _post_and_back(request, pk, SigningForm, write, "已登记签约")


@login_required
@require_POST
def milestone_add(request: SignedInRequest, pk: int) -> HttpResponse:
    def write(project: Project, data: dict[str, Any]) -> None:
        for key in ("realised_capex", "capital_arrived"):
            data[key] = data[key] or Decimal("0")
        services.milestone_record(project=project, by=request.user, **data)

    return _post_and_back(request, pk, MilestoneForm, write, "已登记落地节点")


@login_required
def follow_ups(request: HttpRequest) -> HttpResponse:
    """My projects whose next follow-up is overdue or due within a week."""
    today = _today()
    projects = list(queries.follow_ups_due(user=request.user, today=today)[:200])
    queries.attach_card_data(request.user, projects, today)
    return render(request, "projects/follow_ups.html", {"projects": projects, "today": today})


def _rates(request: HttpRequest) -> tuple[dict[str, Decimal], list[str]]:
    rates: dict[str, Decimal] = {}
    errors = []
    for currency in figures.CURRENCIES[1:]:
        raw = request.GET.get("rate_" + currency, "").strip()
        if not raw:
            continue
        try:
            value = Decimal(raw)
        except InvalidOperation:
            errors.append(f"{currency}汇率“{raw}”不是数字")
            continue
        if not value.is_finite() or value <= 0:
            errors.append(f"{currency}汇率须为正数")
            continue
        rates[currency] = value
    return rates, errors


@login_required
def figures_page(request: HttpRequest) -> HttpResponse:
    """Funnel, time in stage and signed vs realised by year, zone and chain node."""
    filters = queries.ProjectFilters.from_mapping(request.GET)
    rates, rate_errors = _rates(request)
    data = queries.pipeline_figures(
        user=request.user, filters=filters, today=_today(), rates=rates or None
    )
    return render(
        request,
        "projects/figures.html",
        {
            **data,
            **_filter_context(request, filters),
            "rates": {c: request.GET.get("rate_" + c, "") for c in figures.CURRENCIES[1:]},
            "rate_errors": rate_errors,
        },
    )
