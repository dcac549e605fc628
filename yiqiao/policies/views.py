"""Pages of the policy app: parse the request, call one query or service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from yiqiao.core.models import AuditEvent
from yiqiao.core.scope import user_scope
from yiqiao.registry.queries import access_organisation

from . import engine, exports, queries, screening, services
from .engine.values import format_number
from .forms import FactForm, RunForm, TransitionForm
from .models import Policy, ScreeningRun

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RESULTS_PER_PAGE = 50


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


def _require_staff(user: Any) -> None:
    if not user_scope(user).is_staff_role:
        raise Http404("无权查看")


# ---- library ------------------------------------------------------------------------------


@login_required
def library(request: HttpRequest) -> HttpResponse:
    filters = queries.PolicyFilters.from_mapping(request.GET)
    qs = queries.policy_list(user=request.user, filters=filters)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "policies": list(page.object_list),
        "filters": filters,
        "query": filters.as_query(),
        "statuses": Policy.Status.choices,
        "deliveries": Policy.Delivery.choices,
        **queries.policy_facets(user=request.user),
        "can_run": queries.can_start_run(request.user),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "policies/_policy_table.html", context)
    return render(request, "policies/library.html", context)


def _parameter_rows(version: engine.PolicyVersion) -> list[dict[str, Any]]:
    rows = []
    for parameter in version.parameters.values():
        rows.append(
            {
                "name": parameter.name,
                "label": parameter.label,
                "reference": parameter.reference,
                "values": [(d, format_number(v, parameter.unit)) for d, v in parameter.values],
            }
        )
    return rows


def _condition_rows(parsed: engine.Policy, version: engine.PolicyVersion) -> list[dict[str, Any]]:
    """The condition tree in plain Chinese: explaining an empty profile leaves every condition
    'missing' with its requirement spelled out by the engine."""
    explanation = engine.explain(parsed, {}, version.effective_from)
    return [
        {
            "depth": c.depth,
            "is_group": c.kind != "atom",
            "text": c.label if c.kind != "atom" else f"{c.label} {c.required}",
        }
        for c in explanation.conditions
    ]


@login_required
def policy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    policy = queries.access_policy(request.user, pk)
    parsed = None
    parse_errors: list[str] = []
    if policy.current_version is not None:
        try:
            parsed = services.engine_policy(policy.current_version)
        except engine.PolicyError as exc:
            parse_errors = [services.issue_text(i, policy.source_file) for i in exc.issues]
    versions = []
    tests = []
    if parsed is not None:
        for version in parsed.versions:
            versions.append(
                {
                    "version": version,
                    "conditions": _condition_rows(parsed, version),
                    "parameters": _parameter_rows(version),
                }
            )
        tests = [
            {
                "name": t.case.name,
                "on": t.case.on,
                "expected": exports.STATUS_WORDS.get(t.case.status, t.case.status),
                "expected_amount": t.case.amount,
                "actual": exports.STATUS_WORDS.get(t.status, t.status),
                "amount": t.amount,
                "passed": t.passed,
                "message": t.message,
            }
            for t in engine.run_tests(parsed)
        ]
    manage = queries.can_manage_policy(request.user, policy)
    events = AuditEvent.objects.filter(
        model="policies.policy", object_id=str(policy.pk)
    ).select_related("actor")[:30]
    return render(
        request,
        "policies/policy_detail.html",
        {
            "policy": policy,
            "parsed": parsed,
            "parse_errors": parse_errors,
            "versions": versions,
            "tests": tests,
            "tests_passed": sum(1 for t in tests if t["passed"]),
            "history": queries.policy_versions(policy),
            "events": [_event_row(e) for e in events],
            "can_manage": manage,
            "next_statuses": [
                (s, label) for s, label in Policy.Status.choices if policy.can_move_to(s)
            ]
            if manage
            else [],
            "publish_problems": services.publish_problems(policy)
            if manage and policy.status == Policy.Status.REVIEW
            else [],
        },
    )


def _event_row(event: AuditEvent) -> dict[str, Any]:
    labels = dict(Policy.Status.choices)
    before = (event.before or {}).get("status")
    after = (event.after or {}).get("status")
    change = ""
    if after and before != after:
        change = f"{labels.get(before, '—') if before else '—'} → {labels.get(after, after)}"
    return {
        "at": event.at,
        "actor": event.actor,
        "action": event.get_action_display(),
        "change": change,
        "note": event.note,
    }


@login_required
@require_POST
def policy_transition(request: HttpRequest, pk: int) -> HttpResponse:
    policy = queries.access_policy(request.user, pk, for_edit=True)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择要变更的状态")
        return redirect("policies:policy-detail", pk=policy.pk)
    try:
        policy = services.policy_transition(
            policy=policy,
            to_status=form.cleaned_data["to_status"],
            by=request.user,
            note=form.cleaned_data["note"],
        )
    except services.TransitionError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"状态已变更为“{policy.get_status_display()}”")
    return redirect("policies:policy-detail", pk=policy.pk)


# ---- calculator (organisation page) ---------------------------------------------------------


def may_see_calculator(user: Any, organisation: Any) -> bool:
    """Staff who can see the organisation, and the enterprise's own users."""
    scope = user_scope(user)
    return scope.everything or scope.is_staff_role or scope.organisation_id == organisation.pk


def _calculator_org(request: HttpRequest, org_pk: int) -> Any:
    organisation = access_organisation(request.user, org_pk)
    if not may_see_calculator(request.user, organisation):
        raise Http404("无权查看")
    return organisation


@login_required
def calculator_export(request: HttpRequest, org_pk: int) -> HttpResponse:
    organisation = _calculator_org(request, org_pk)
    view = queries.organisation_calculator(organisation, on=timezone.localdate())
    return _xlsx(exports.calculator_xlsx(view), f"政策测算-{organisation.name}.xlsx")


@login_required
@require_POST
def fact_add(request: HttpRequest, org_pk: int) -> HttpResponse:
    organisation = access_organisation(request.user, org_pk, for_edit=True)
    form = FactForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.organisation_fact_set(
                organisation=organisation,
                field=data["field"],
                value=data["parsed"],
                as_of=data["as_of"],
                year=data.get("year"),
                source=data.get("source") or "",
                by=request.user,
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, f"数据项未保存：{message}")
        else:
            messages.success(request, "已保存数据项，政策测算已更新")
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"数据项未保存：{label}{'：' if label else ''}{error}")
    return redirect("registry:organisation-detail", pk=organisation.pk)


# ---- screening runs -----------------------------------------------------------------------


@login_required
def run_list(request: HttpRequest) -> HttpResponse:
    _require_staff(request.user)
    drafts = queries.draft_choices(request.user)
    form = RunForm(request.POST or None, drafts=drafts)
    if request.method == "POST":
        if not queries.can_start_run(request.user):
            raise PermissionDenied("当前账号无权发起筛查")
        if form.is_valid():
            run = screening.screening_run_create(
                by=request.user,
                as_of=form.cleaned_data["as_of"],
                draft_policy=form.cleaned_data["draft_policy"],
            )
            messages.success(request, "筛查已开始，完成后本页自动显示结果")
            return redirect("policies:run-detail", pk=run.pk)
    return render(
        request,
        "policies/run_list.html",
        {
            "runs": queries.run_list(user=request.user),
            "form": form,
            "can_run": queries.can_start_run(request.user),
        },
    )


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = queries.access_run(request.user, pk)
    context: dict[str, Any] = {"run": run}
    if request.GET.get("state"):
        if run.is_running:
            return render(request, "policies/_run_state.html", context)
        # Finished: ask htmx to reload the page so the results appear.
        response = HttpResponse("")
        response["HX-Refresh"] = "true"
        return response
    tab = request.GET.get("list", "auto")
    if tab not in exports.RUN_LISTS:
        tab = "auto"
    policy_id = _int(request.GET.get("policy"))
    results = exports.run_list_queryset(run, queries.run_results(run, policy_id=policy_id), tab)
    page = Paginator(results, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    context.update(
        tab=tab,
        tabs=[(key, value[0]) for key, value in exports.RUN_LISTS.items()],
        page=page,
        results=list(page.object_list),
        policy_id=policy_id,
        query={k: v for k, v in {"list": tab, "policy": policy_id or ""}.items() if v},
    )
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "policies/_run_body.html", context)
    return render(request, "policies/run_detail.html", context)


def _int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


@login_required
def run_export(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    run = queries.access_run(request.user, pk)
    if kind not in exports.RUN_LISTS or run.status != ScreeningRun.Status.DONE:
        raise Http404("没有可导出的名单")
    results = exports.run_list_queryset(
        run, queries.run_results(run, policy_id=_int(request.GET.get("policy"))), kind
    )
    title = exports.RUN_LISTS[kind][0]
    return _xlsx(exports.run_xlsx(run, results, kind), f"{title}-{run.pk}-{run.as_of}.xlsx")
