"""Pages of the demands app: parse the request, call one query or service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yiqiao.accounts.http import SignedInRequest
from yiqiao.core.access import VIEW
from yiqiao.core.scope import user_scope
from yiqiao.core.tabular import write_xlsx
from yiqiao.registry.models import Organisation

from . import queries, services
from .engine import workflow
from .forms import CloseForm, ConvertForm, DemandForm, FollowUpForm, RespondForm
from .matching import parsed_for_demand, read_for_intake, requirement_rows, unread_rows
from .models import STATE_LABELS, Category, DemandAttachment, Response, RoutingRule
from .suggestions import find_suggestion, suggest

PAGE_SIZE = 25


def _messages_of(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "；".join(str(m) for errors in exc.message_dict.values() for m in errors)
    return "；".join(str(m) for m in exc.messages)


# ---- intake -------------------------------------------------------------------------------


@login_required
def demand_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    scope = user_scope(user)
    fixed = None
    if not scope.is_staff_role and not scope.everything:
        if scope.organisation_id is None:
            raise PermissionDenied("您的账号未关联机构，不能提出需求")
        fixed = Organisation.objects.select_related("region", "park").get(pk=scope.organisation_id)
    else:
        if not (user.is_superuser or user.can_edit_register):
            raise PermissionDenied("当前角色无权登记需求")
    initial = {}
    if request.GET.get("organisation", "").isdigit():
        initial["organisation"] = int(request.GET["organisation"])
    form = DemandForm(
        request.POST or None,
        request.FILES or None,
        user=user,
        fixed=fixed,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.demand_submit(
                by=user,
                organisation=fixed or data["organisation"],
                category=data["category"],
                channel=data.get("channel") or "portal",
                title=data["title"],
                text=data["text"],
                area_min_m2=data["area_min_m2"],
                area_max_m2=data["area_max_m2"],
                rent_max_yuan_per_m2_month=data["rent_max_yuan_per_m2_month"],
                cleanroom_iso=data["cleanroom_iso"],
                budget_yuan=data["budget_yuan"],
                funding_amount_yuan=data["funding_amount_yuan"],
                funding_stage=data["funding_stage"],
                chain_nodes=list(data["chain_nodes"]),
                deadline=data["deadline"],
                attachments=data["attachments"],
            )
        except ValidationError as exc:
            form.add_error(None, _messages_of(exc))
        else:
            if result.is_duplicate:
                messages.info(request, "相同内容的需求刚刚已提交，未重复登记。")
            else:
                messages.success(request, "需求已提交，我们将按时限受理和响应。")
                unread = read_for_intake(data["text"])["unread"]
                if unread:
                    parts = "；".join(f"「{u['text']}」{u['reason']}" for u in unread)
                    messages.warning(
                        request, f"需求已按原文保存，但以下内容未能识别：{parts}。请核对或补充。"
                    )
            return redirect("demands:demand-detail", result.demand.pk)
    return render(request, "demands/demand_form.html", {"form": form, "fixed": fixed})


# ---- inbox, overdue, funnel, export -------------------------------------------------------


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    filters = queries.DemandFilters.from_mapping(request.GET)
    qs = queries.demand_list(user=request.user, filters=filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    scope = user_scope(request.user)
    context = {
        "page": page,
        "demands": list(page.object_list),
        "filters": filters,
        "query": filters.as_query(),
        "states": [(s, STATE_LABELS[s]) for s in workflow.STATES],
        "categories": Category.choices,
        "time_statuses": list(queries.TIME_STATUSES.items()),
        "units": queries.unit_choices(request.user) if scope.is_staff_role else [],
        "is_staff_role": scope.is_staff_role or scope.everything,
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "demands/_inbox_table.html", context)
    return render(request, "demands/inbox.html", context)


@login_required
def overdue(request: HttpRequest) -> HttpResponse:
    demands = list(queries.overdue_list(user=request.user)[:500])
    return render(request, "demands/overdue.html", {"demands": demands})


@login_required
def funnel(request: HttpRequest) -> HttpResponse:
    return render(request, "demands/funnel.html", queries.funnel(user=request.user))


@login_required
def export(request: HttpRequest) -> HttpResponse:
    filters = queries.DemandFilters.from_mapping(request.GET)
    rows = queries.export_rows(user=request.user, filters=filters)
    content = write_xlsx(queries.EXPORT_HEADER, rows, title="企业需求")
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="demands-{stamp}.xlsx"'
    return response


# ---- detail and actions -------------------------------------------------------------------


def _detail_context(request: HttpRequest, demand: Any) -> dict[str, Any]:
    user: Any = request.user
    can_handle = bool(user.is_superuser or user.can_edit_register)
    context: dict[str, Any] = {
        "demand": demand,
        "can_handle": can_handle,
        "allowed": workflow.allowed_events(demand.state),
        **queries.demand_detail(demand),
    }
    parsed = parsed_for_demand(demand)
    context["need_requirements"] = requirement_rows(parsed)
    context["need_unread"] = unread_rows(parsed)
    if can_handle:
        context.update(
            respond_form=RespondForm(),
            convert_form=ConvertForm(),
            close_form=CloseForm(),
            follow_up_form=FollowUpForm(),
            units=queries.unit_choices(user),
            assignees=queries.assignee_choices(demand),
        )
    return context


@login_required
def demand_detail(request: HttpRequest, pk: int) -> HttpResponse:
    demand = queries.access_demand(request.user, pk)
    return render(request, "demands/demand_detail.html", _detail_context(request, demand))


@login_required
def suggestions(request: HttpRequest, pk: int) -> HttpResponse:
    """The suggested matches (loaded by htmx after the page, since building may take a moment)."""
    demand = queries.access_demand(request.user, pk, for_edit=True)
    result = suggest(demand)
    return render(
        request,
        "demands/_suggestions.html",
        {"demand": demand, "suggestions": result.suggestions, "notes": result.notes},
    )


def _done(request: HttpRequest, pk: int, ok: str) -> HttpResponse:
    messages.success(request, ok)
    return redirect("demands:demand-detail", pk)


def _row_version(request: HttpRequest) -> int | None:
    raw = request.POST.get("row_version", "")
    return int(raw) if raw.isdigit() else None


def _act(request: HttpRequest, pk: int, action: Any, ok: str) -> HttpResponse:
    demand = queries.access_demand(request.user, pk, for_edit=True)
    try:
        action(demand)
    except ValidationError as exc:
        messages.error(request, _messages_of(exc))
        return redirect("demands:demand-detail", pk)
    return _done(request, pk, ok)


@login_required
@require_POST
def accept_suggestion(request: SignedInRequest, pk: int) -> HttpResponse:
    """One click: the suggested resource becomes a referral response on the demand."""
    demand = queries.access_demand(request.user, pk, for_edit=True)
    key = request.POST.get("key", "")
    suggestion = find_suggestion(demand, key)
    error = ""
    if suggestion is None:
        error = "该推荐已不在当前推荐列表中，请刷新后重试"
    else:
        try:
            services.demand_respond(
                demand=demand,
                by=request.user,
                text=f"推荐{suggestion.kind_label}：{suggestion.title}",
                resource_kind=suggestion.kind,
                resource_key=suggestion.key,
                resource_title=suggestion.title,
                reasons=suggestion.reasons,
            )
        except ValidationError as exc:
            error = _messages_of(exc)
    if request.htmx:  # type: ignore[attr-defined]
        demand = queries.access_demand(request.user, pk, for_edit=True)
        result = suggest(demand)
        return render(
            request,
            "demands/_suggestions.html",
            {
                "demand": demand,
                "suggestions": result.suggestions,
                "notes": result.notes,
                "error": error,
                "responses": list(demand.responses.select_related("by")),
                "oob": True,
            },
        )
    if error:
        messages.error(request, error)
        return redirect("demands:demand-detail", pk)
    return _done(request, pk, "已推荐该资源")


@login_required
@require_POST
def accept(request: SignedInRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda d: services.demand_accept(
            demand=d, by=request.user, row_version=_row_version(request)
        ),
        "已受理",
    )


@login_required
@require_POST
def assign(request: SignedInRequest, pk: int) -> HttpResponse:
    from yiqiao.accounts.models import User

    def run(d: Any) -> None:
        raw = request.POST.get("assignee", "")
        assignee = User.objects.filter(pk=int(raw)).first() if raw.isdigit() else request.user
        if assignee is None:
            raise ValidationError("承办人不存在")
        services.demand_assign(
            demand=d, by=request.user, assignee=assignee, row_version=_row_version(request)
        )

    return _act(request, pk, run, "已分派")


@login_required
@require_POST
def reassign(request: SignedInRequest, pk: int) -> HttpResponse:
    def run(d: Any) -> None:
        raw = request.POST.get("unit", "")
        units = {u.pk: u for u in queries.unit_choices(request.user)}
        unit = units.get(int(raw)) if raw.isdigit() else None
        if unit is None:
            raise ValidationError("请选择管辖范围内的责任单元")
        services.demand_reassign(
            demand=d,
            by=request.user,
            unit=unit,
            note=request.POST.get("note", "")[:300],
            row_version=_row_version(request),
        )

    return _act(request, pk, run, "已改派")


@login_required
@require_POST
def respond(request: SignedInRequest, pk: int) -> HttpResponse:
    form = RespondForm(request.POST)

    def run(d: Any) -> None:
        if not form.is_valid():
            raise ValidationError("响应内容不能为空")
        services.demand_respond(
            demand=d,
            by=request.user,
            text=form.cleaned_data["text"],
            row_version=_row_version(request),
        )

    return _act(request, pk, run, "已响应")


@login_required
@require_POST
def resolve(request: SignedInRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda d: services.demand_resolve(
            demand=d,
            by=request.user,
            note=request.POST.get("note", "")[:300],
            row_version=_row_version(request),
        ),
        "已办结",
    )


@login_required
@require_POST
def convert(request: SignedInRequest, pk: int) -> HttpResponse:
    form = ConvertForm(request.POST)

    def run(d: Any) -> None:
        if not form.is_valid():
            raise ValidationError(
                "；".join(str(m) for errors in form.errors.values() for m in errors)
            )
        data = form.cleaned_data
        response = None
        raw = request.POST.get("response", "")
        if raw.isdigit():
            response = Response.objects.filter(pk=int(raw), demand=d).first()
        services.demand_convert(
            demand=d,
            by=request.user,
            kind=data["kind"],
            amount_yuan=data["amount_yuan"],
            on=data["on"],
            note=data["note"],
            response=response,
            row_version=_row_version(request),
        )

    return _act(request, pk, run, "已登记转化")


@login_required
@require_POST
def close(request: SignedInRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda d: services.demand_close(
            demand=d,
            by=request.user,
            note=request.POST.get("note", ""),
            row_version=_row_version(request),
        ),
        "已关闭",
    )


@login_required
@require_POST
def follow_up(request: SignedInRequest, pk: int) -> HttpResponse:
    form = FollowUpForm(request.POST)

    def run(d: Any) -> None:
        if not form.is_valid():
            raise ValidationError("请选择1至5分的满意度")
        data = form.cleaned_data
        services.demand_follow_up(
            demand=d,
            by=request.user,
            satisfaction=data["satisfaction"],
            on=data["on"],
            note=data["note"],
            row_version=_row_version(request),
        )

    return _act(request, pk, run, "已记录回访")


@login_required
def attachment(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    demand = queries.access_demand(request.user, pk)
    item = DemandAttachment.objects.filter(pk=attachment_id, demand=demand).first()
    if item is None:
        raise Http404("附件不存在")
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name)


# ---- routing table (admins) ---------------------------------------------------------------


@login_required
def routing(request: SignedInRequest) -> HttpResponse:
    """Routing rules and time limits; admins change them here or in the Django admin."""
    user: Any = request.user
    is_admin = user.is_superuser or user.role == "admin"
    units = queries.unit_choices(user)
    if request.method == "POST":
        if not is_admin:
            raise PermissionDenied("仅管理员可修改分派规则")
        try:
            services_routing_save(request, units)
        except ValidationError as exc:
            messages.error(request, _messages_of(exc))
        else:
            messages.success(request, "已保存")
        return redirect("demands:routing")
    from yiqiao.registry.models import Region

    scope = user_scope(user)
    regions = Region.objects.order_by("path")
    if not scope.everything:
        regions = regions.filter(id__in=scope.region_ids)
    return render(
        request,
        "demands/routing.html",
        {
            "rules": list(
                RoutingRule.objects.restrict(user, VIEW).select_related("region", "unit")
            ),
            "all_regions_label": _("全部区域") if scope.everything else _("本单位全部辖区"),
            "sla_rows": _sla_rows(user),
            "categories": Category.choices,
            "units": units,
            "regions": list(regions),
            "is_admin": is_admin,
        },
    )


def _sla_rows(user: Any) -> list[tuple[str, int, int]]:
    from .services.routing import sla_rows_for

    labels = dict(Category.choices)
    return [(str(labels[c]), accept, respond) for c, accept, respond in sla_rows_for(user)]


def services_routing_save(request: SignedInRequest, units: list[Any]) -> None:
    from .services.routing import routing_rule_save, sla_policy_save

    form = request.POST.get("form")
    if form == "sla":
        sla_policy_save(
            category=request.POST.get("category", ""),
            accept_days=request.POST.get("accept_days", ""),
            respond_days=request.POST.get("respond_days", ""),
            by=request.user,
        )
    else:
        routing_rule_save(
            category=request.POST.get("category", ""),
            region_id=request.POST.get("region", ""),
            unit_id=request.POST.get("unit", ""),
            allowed_units=units,
            by=request.user,
        )


def organisation_panel(request: HttpRequest, organisation: Organisation) -> str:
    """The organisation page's panel: that organisation's demands."""
    from django.template.loader import render_to_string

    if not request.user.is_authenticated:
        return ""
    demands = queries.demand_list_for_organisation(
        user=request.user, organisation_id=organisation.pk
    )
    can_raise = bool(
        getattr(request.user, "can_edit_register", False)
        or user_scope(request.user).organisation_id == organisation.pk
    )
    return render_to_string(
        "demands/_organisation_panel.html",
        {
            "demands": demands,
            "organisation": organisation,
            "can_raise": can_raise,
            "new_url": reverse("demands:demand-create") + f"?organisation={organisation.pk}",
        },
        request=request,
    )
