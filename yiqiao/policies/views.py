"""Pages of the policy app: parse the request, call one query or service, render."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yiqiao.accounts.http import SignedInRequest
from yiqiao.accounts.models import User
from yiqiao.core.models import AuditEvent
from yiqiao.core.scope import user_scope
from yiqiao.registry.queries import access_organisation

from . import drafting, engine, exports, queries, services, wording
from .engine.values import format_number
from .forms import FactForm, PolicyDraftForm, RunForm, TransitionForm
from .models import AwardApplication, Policy, ScreeningRun
from .queries import RunResult
from .services import screening
from .versions import engine_policy, issue_text, library_policies

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
        "can_author": queries.can_author_policy(request.user),
        "internal": bool(
            request.user.is_superuser or getattr(request.user, "is_staff_role", False)
        ),
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
    return wording.requirement_rows(explanation.conditions)


@login_required
def policy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    policy = queries.access_policy(request.user, pk)
    parsed = None
    parse_errors: list[str] = []
    if policy.current_version is not None:
        try:
            parsed = engine_policy(policy.current_version)
        except engine.PolicyError as exc:
            parse_errors = [issue_text(i, policy.source_file) for i in exc.issues]
    # Staff of the issuing district read the workings (test cases, revisions, budgets, status
    # changes, internal keys); an enterprise, or another district's staff, reads what the
    # policy offers and asks.
    internal = queries.can_read_workings(request.user, policy)
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
        tests = (
            [
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
            if internal
            else []
        )
    manage = queries.can_manage_policy(request.user, policy)
    events = (
        AuditEvent.objects.filter(model="policies.policy", object_id=str(policy.pk)).select_related(
            "actor"
        )[:30]
        if internal
        else []
    )
    group_titles = (
        list(
            queries.visible_policies(request.user)
            .filter(exclusive_group=policy.exclusive_group)
            .exclude(pk=policy.pk)
            .order_by("code")
            .values_list("title", flat=True)
        )
        if policy.exclusive_group
        else []
    )
    return render(
        request,
        "policies/policy_detail.html",
        {
            "policy": policy,
            "parsed": parsed,
            "parse_errors": parse_errors if internal else [],
            "internal": internal,
            "group_titles": group_titles,
            "versions": versions,
            "tests": tests,
            "tests_passed": sum(1 for t in tests if t["passed"]),
            "history": queries.policy_versions(policy) if internal else [],
            "events": [_event_row(e) for e in events],
            "can_manage": manage,
            "can_edit_text": manage
            and policy.status in (Policy.Status.DRAFT, Policy.Status.REVIEW),
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
def policy_transition(request: SignedInRequest, pk: int) -> HttpResponse:
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
def fact_add(request: SignedInRequest, org_pk: int) -> HttpResponse:
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
def run_list(request: SignedInRequest) -> HttpResponse:
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
    results = exports.run_list(run, tab, policy_id=policy_id)
    page: Page[RunResult] = Paginator(results, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
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
    results = exports.run_list(run, kind, policy_id=_int(request.GET.get("policy")))
    title = exports.RUN_LISTS[kind][0]
    return _xlsx(exports.run_xlsx(run, results, kind), f"{title}-{run.pk}-{run.as_of}.xlsx")


# ---- the policy editor ----------------------------------------------------------------------


def _draft_of(form: PolicyDraftForm) -> drafting.Draft:
    """The editor's content, from what validated and, for the rest, what was typed (so a live
    check still parses the rules while a particular is being corrected)."""
    data: dict[str, Any] = {k: form.data.get(k, "") for k in form.fields}
    data.pop("effective_from", None)
    data.pop("effective_to", None)
    cleaned = getattr(form, "cleaned_data", {})
    data.update({k: v for k, v in cleaned.items() if v not in (None, "")})
    data.pop("row_version", None)
    return drafting.Draft.from_mapping(data)


def _form_places(form: PolicyDraftForm) -> list[drafting.Place]:
    places: list[drafting.Place] = []
    for name, errors in form.errors.items():
        label = str(form.fields[name].label) if name in form.fields else ""
        places.extend(drafting.Place(name, label, 0, str(e)) for e in errors)
    return places


def _editor_context(
    request: HttpRequest, form: PolicyDraftForm, policy: Policy | None, places: list[Any]
) -> dict[str, Any]:
    fields = [
        {
            "name": spec.name,
            "label": spec.label,
            "type": spec.type,
            "values": list(spec.values.items()),
            "items": [(n, s.label, s.type) for n, s in (spec.items or {}).items()],
        }
        for spec in (queries.field_dictionary()[n] for n in queries.field_dictionary())
    ]
    return {
        "form": form,
        "policy": policy,
        "places": places,
        "snippets": _snippets(queries.field_dictionary()),
        "case_snippet": (
            f"- name: 新用例\n  on: {timezone.localdate().isoformat()}\n"
            "  profile: {kind: enterprise}\n  expect: {status: eligible, amount: 0}"
        ),
        "dictionary": fields,
        "list_fields": [f for f in fields if f["type"] == "list"],
        "numeric_fields": [f for f in fields if f["type"] in ("money", "number", "int")],
        "reach_on": timezone.localdate(),
    }


def _snippets(fields: engine.FieldDictionary) -> list[tuple[str, str, str, str]]:
    """Starting points for the benefit and limits, written with fields of the dictionary:
    (key, button label, editor section, YAML)."""
    specs = [fields[n] for n in fields]
    money = next((f.name for f in specs if f.type == "money"), "revenue_yuan")
    enum = next((f for f in specs if f.type == "enum" and f.values), None)
    listed = next((f for f in specs if f.type == "list" and f.items), None)
    out = [
        ("fixed", _("固定金额"), "benefit", "fixed: 50万"),
        ("rate", _("比例加上限"), "benefit", f"rate: 10%\nof: {money}\ncap: 500万"),
        (
            "tiers",
            _("分档"),
            "benefit",
            f"tiers:\n  of: {money}\n  brackets:\n    - {{from: 1亿, amount: 50万}}\n"
            "    - {from: 5亿, amount: 100万}",
        ),
    ]
    if enum is not None:
        rows = "\n".join(f"    {code}: 0" for code in list(enum.values)[:4])
        out.append(
            (
                "table",
                _("对照表"),
                "benefit",
                f"table:\n  by: {enum.name}\n  rows:\n{rows}\n  default: 0",
            )
        )
    if listed is not None and listed.items:
        dated = next((n for n, s in listed.items.items() if s.type == "date"), None)
        where = f"\n  where:\n    - {{field: {dated}, in_year: previous}}" if dated else ""
        out.append(
            (
                "per_item",
                _("逐项（每条记录）"),
                "benefit",
                f"per_item:\n  of: {listed.name}{where}\n  amount: 50万",
            )
        )
    out += [
        (
            "when",
            _("按条件分支"),
            "benefit",
            f"when:\n  - if: {{field: {money}, ge: 1亿}}\n    then: 100万\nelse: 50万",
        ),
        ("annual_cap", _("年度上限减已获"), "limits", "caps:\n  annual_minus_received: 300万"),
        (
            "top_up",
            _("差额补足"),
            "limits",
            "top_up:\n  policies: ['city.*']\n  period: cumulative",
        ),
    ]
    return out


def _require_author(user: Any) -> None:
    if not queries.can_author_policy(user):
        raise PermissionDenied("当前账号无权编写政策")


@login_required
def policy_new(request: SignedInRequest) -> HttpResponse:
    """Write a new policy: the document's particulars, conditions, benefit, tests; saved as a
    draft of the officer's region."""
    _require_author(request.user)
    initial = {"effective_from": timezone.localdate(), "delivery": Policy.Delivery.APPLY}
    form = PolicyDraftForm(request.POST or None, initial=initial)
    places: list[Any] = []
    if request.method == "POST":
        saved, places = _save_draft(request, form, None)
        if saved is not None:
            return redirect("policies:policy-edit", pk=saved.pk)
    return render(
        request, "policies/policy_edit.html", _editor_context(request, form, None, places)
    )


@login_required
def policy_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    """Change a draft (or a policy in review, which goes back to draft) in the editor."""
    policy = queries.access_policy(request.user, pk, for_edit=True)
    places: list[Any]
    if request.method == "POST":
        form = PolicyDraftForm(request.POST)
        saved, places = _save_draft(request, form, policy)
        if saved is not None:
            return redirect("policies:policy-edit", pk=saved.pk)
    else:
        text = policy.current_version.yaml_text if policy.current_version else ""
        draft = drafting.split(text)
        initial = {k: v for k, v in draft.__dict__.items() if k != "status"}
        initial["row_version"] = policy.row_version
        form = PolicyDraftForm(initial=initial)
        places = []
    return render(
        request, "policies/policy_edit.html", _editor_context(request, form, policy, places)
    )


def _save_draft(
    request: SignedInRequest, form: PolicyDraftForm, policy: Policy | None
) -> tuple[Policy | None, list[Any]]:
    if not form.is_valid():
        return None, _form_places(form)
    draft = _draft_of(form)
    composed = drafting.compose(draft)
    unit = getattr(request.user, "org_unit", None)
    try:
        saved, outcome = services.policy_draft_save(
            policy=policy,
            text=composed.text,
            by=request.user,
            region=getattr(unit, "region", None),
            row_version=form.cleaned_data.get("row_version"),
        )
    except engine.PolicyError as exc:
        return None, [drafting.place(i, composed) for i in exc.issues]
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            return None, [
                drafting.Place(k, str(form.fields[k].label) if k in form.fields else "", 0, m)
                for k, errors in exc.message_dict.items()
                for m in errors
            ]
        return None, [drafting.Place("", "", 0, m) for m in exc.messages]
    words = {
        "created": _("已保存为草稿"),
        "updated": _("已保存新修订"),
        "unchanged": _("文本无变化"),
    }
    messages.success(request, words[outcome])
    return saved, []


def _checked(form: PolicyDraftForm) -> dict[str, Any]:
    """Parse what the editor holds; the problems placed on its fields, or the plain-Chinese
    conditions, each test case's outcome (with its trace) and the publishing checks."""
    form.is_valid()
    places = [p for p in _form_places(form) if p.field not in drafting.SECTIONS]
    draft = _draft_of(form)
    if not draft.benefit.strip():  # preview the conditions while the benefit is not written yet
        places.append(drafting.Place("benefit", _("兑现标准"), 0, _("尚未填写")))
        draft.benefit = "0"
    composed = drafting.compose(draft)
    try:
        parsed = engine.parse_policy(composed.text, queries.field_dictionary())
    except engine.PolicyError as exc:
        return {"places": places + [drafting.place(i, composed) for i in exc.issues]}
    library = library_policies([parsed])
    on = timezone.localdate()
    version = parsed.version_on(on) or parsed.latest
    cases = []
    for outcome in engine.run_tests(parsed, library):
        trace = ""
        try:
            result = engine.explain(parsed, outcome.case.profile, outcome.case.on, library=library)
            trace = result.benefit_trace if result.status == engine.ELIGIBLE else result.summary
        except (engine.PolicyError, ValueError, KeyError):
            trace = ""
        cases.append(
            {
                "name": outcome.case.name,
                "line": max(outcome.case.line - composed.starts.get("tests", 1) + 1, 0),
                "on": outcome.case.on,
                "expected": exports.STATUS_WORDS.get(outcome.case.status, outcome.case.status),
                "expected_amount": outcome.case.amount,
                "actual": exports.STATUS_WORDS.get(outcome.status, outcome.status),
                "amount": outcome.amount,
                "passed": outcome.passed,
                "message": outcome.message,
                "trace": trace,
            }
        )
    problems = engine.publish_issues(parsed, library)
    problems += [i for i in engine.library_issues(list(library.values())) if i.file == parsed.file]
    return {
        "places": places,
        "parsed": parsed,
        "version": version,
        "conditions": _condition_rows(parsed, version),
        "benefit": drafting.benefit_outline(version, queries.field_dictionary()),
        "cases": cases,
        "cases_passed": sum(1 for c in cases if c["passed"]),
        "publish_problems": [drafting.place(i, composed) for i in problems],
    }


@login_required
@require_POST
def policy_check(request: HttpRequest) -> HttpResponse:
    """The editor's live check (htmx): nothing is saved."""
    _require_author(request.user)
    return render(request, "policies/_editor_check.html", _checked(PolicyDraftForm(request.POST)))


@login_required
@require_POST
def policy_reach(request: HttpRequest) -> HttpResponse:
    """How far the text in the editor reaches on the register in the officer's scope (htmx):
    screened with the published library, nothing is saved."""
    _require_author(request.user)
    checked = _checked(PolicyDraftForm(request.POST))
    as_of = engine.values.parse_date(request.POST.get("reach_on", "")) or timezone.localdate()
    context: dict[str, Any] = {"places": checked["places"], "as_of": as_of}
    if "parsed" in checked and not checked["places"]:
        context["reach"] = queries.draft_reach(
            user=request.user, draft=checked["parsed"], as_of=as_of
        )
    return render(request, "policies/_editor_reach.html", context)


# ---- 快申快享: apply, review, pay ----------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    """The signed-in user (the views below are behind login_required)."""
    return cast(User, request.user)


@login_required
@require_POST
def award_apply(request: HttpRequest, org_pk: int, policy_pk: int) -> HttpResponse:
    """Apply for a policy's award for an organisation (its own users, or an officer on its
    behalf); the engine's amount and trace are recorded with the application."""
    organisation = _calculator_org(request, org_pk)
    if not queries.may_apply(request.user, organisation):
        raise PermissionDenied("当前账号不能代该机构申请")
    policy = queries.access_policy(request.user, policy_pk)
    try:
        services.award_application_submit(
            organisation=organisation, policy=policy, as_of=timezone.localdate(), by=_user(request)
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, _("未提交申请：%(m)s") % {"m": message})
    else:
        messages.success(request, _("已提交兑现申请，待审核"))
    return redirect("registry:organisation-detail", pk=organisation.pk)


@login_required
def application_list(request: HttpRequest) -> HttpResponse:
    """快申快享 applications of the organisations in the officer's scope, with review and
    payment actions."""
    _require_staff(request.user)
    status = request.GET.get("status", "")
    if status not in dict(AwardApplication.Status.choices):
        status = ""
    page = Paginator(queries.application_list(user=request.user, status=status), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "policies/applications.html",
        {
            "page": page,
            "applications": list(page.object_list),
            "status": status,
            "query": {"status": status} if status else {},
            "statuses": AwardApplication.Status.choices,
            "can_review": getattr(request.user, "can_edit_register", False),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def application_review(request: HttpRequest, pk: int) -> HttpResponse:
    application = queries.access_application(request.user, pk)
    approve = request.POST.get("decision") == "approve"
    amount = None
    text = request.POST.get("amount", "").strip()
    try:
        if approve and text:
            number = engine.values.parse_number(text)
            if number is None:
                raise ValidationError(_("核准金额应为金额，如 50万"))
            amount = services.engine_decimal(number)
        services.award_application_review(
            application=application,
            approve=approve,
            by=_user(request),
            amount=amount,
            note=request.POST.get("note", ""),
            row_version=_int(request.POST.get("row_version")),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已核准") if approve else _("已退回"))
    return redirect("policies:application-list")


@login_required
@require_POST
def application_pay(request: HttpRequest, pk: int) -> HttpResponse:
    application = queries.access_application(request.user, pk)
    paid_on = engine.values.parse_date(request.POST.get("paid_on", "").strip() or None)
    if paid_on is None:
        messages.error(request, _("兑付日期应为日期，如 2026-03-31"))
        return redirect("policies:application-list")
    try:
        services.award_application_pay(
            application=application,
            paid_on=paid_on,
            by=_user(request),
            reference=request.POST.get("reference", ""),
            row_version=_int(request.POST.get("row_version")),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已登记兑付，计入该企业已获奖励"))
    return redirect("policies:application-list")
