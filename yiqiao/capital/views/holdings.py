"""Funds (the 返投 ledger), the grant-to-equity portfolio and offshore centres (landing rates);
every figure links to the records it counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from yiqiao.core.access import access_object
from yiqiao.projects.models import FundingTranche

from .. import queries
from ..engine import grants as grants_engine
from ..engine import landing
from ..forms import WAN, ConvertForm, ExitForm, IncubationForm, LandForm
from ..models import IncubatedProject
from ..services import centres, grants
from ..services.centres import IncubationInput
from .common import acting_user, is_editor, submit


def _as_of(request: HttpRequest) -> dt.date:
    raw = request.GET.get("as_of")
    if not raw:
        return timezone.localdate()
    try:
        return dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise Http404("日期格式应为YYYY-MM-DD") from exc


# ---- funds -----------------------------------------------------------------------------------


@login_required
def fund_list(request: HttpRequest) -> HttpResponse:
    rows = []
    as_of = _as_of(request)
    for fund in queries.fund_list(user=request.user):
        ledger, investments = queries.fund_ledger(fund, request.user, as_of)
        rows.append((fund, ledger, len(investments)))
    return render(request, "capital/fund_list.html", {"rows": rows, "as_of": as_of})


FUND_VIEWS = {
    "all": "全部投资",
    "counted": "计入返投",
    "excluded": "不计入返投",
    "sourced": "经医桥促成",
}
COMMITMENT_VIEWS = {"all": "全部出资", "district": "区级出资"}
#: The commitment records behind the 返投 basis, and the column summed (see fund_basis_amount).
BASIS_RECORDS = {
    "district_contribution": ("district", "committed"),
    "fund_size": ("all", "committed"),
    "paid_in": ("all", "paid"),
}


@login_required
def fund_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The fund's 返投 ledger: promised vs realised against the agreed basis, and the list of
    investments behind each figure (``?show=counted|excluded|sourced``)."""
    fund = queries.access_fund(request.user, pk)
    as_of = _as_of(request)
    ledger, investments = queries.fund_ledger(fund, request.user, as_of)
    show = request.GET.get("show", "all")
    if show not in FUND_VIEWS:
        raise Http404("未知的筛选")
    reasons = dict(ledger.excluded) if ledger is not None else {}
    counted = set(ledger.counted) if ledger is not None else set()
    if show == "counted":
        investments = [i for i in investments if i.pk in counted]
    elif show == "excluded":
        investments = [i for i in investments if i.pk in reasons]
    elif show == "sourced":
        investments = [i for i in investments if i.close_id is not None]
    sourced = [i for i in queries.fund_investments(fund, request.user) if i.close_id is not None]
    which = request.GET.get("commitments", "all")
    if which not in COMMITMENT_VIEWS:
        raise Http404("未知的筛选")
    commitments = list(fund.commitments.all())
    district_recorded = sum((c.committed_yuan for c in commitments if c.is_district), Decimal(0))
    committed = sum((c.committed_yuan for c in commitments), Decimal(0))
    shown = [c for c in commitments if which == "all" or c.is_district]
    basis_set, basis_measure = BASIS_RECORDS.get(fund.return_basis, ("all", "committed"))
    return render(
        request,
        "capital/fund_detail.html",
        {
            "fund": fund,
            "ledger": ledger,
            "investments": [(i, i.pk in counted, reasons.get(i.pk, "")) for i in investments],
            "show": show,
            "show_label": FUND_VIEWS[show],
            "as_of": as_of,
            "commitments": shown,
            "commitments_show": which,
            "commitments_label": COMMITMENT_VIEWS[which],
            "commitments_committed": sum((c.committed_yuan for c in shown), Decimal(0)),
            "commitments_paid": sum((c.paid_in_yuan for c in shown), Decimal(0)),
            "size_mismatch": bool(commitments) and committed != fund.size_yuan,
            "district_mismatch": bool(commitments)
            and district_recorded != fund.district_commitment_yuan,
            "committed_recorded": committed,
            "district_recorded": district_recorded,
            "basis_set": basis_set,
            "basis_measure": basis_measure,
            "sub_funds": list(fund.sub_funds.select_related("organisation")),
            "sourced_count": len(sourced),
            "sourced_yuan": sum((i.amount_yuan for i in sourced), 0),
            "basis_label": fund.get_return_basis_display() if fund.return_basis else "",
        },
    )


# ---- grant-to-equity ---------------------------------------------------------------------------

GRANT_VIEWS = {
    "all": "全部拨款",
    **grants_engine.POSITION_LABELS,
    "met_late": "逾期达成",
    "held": "仍持有股权",
    "exited": "已退出（含部分）",
}


@login_required
def grant_portfolio(request: HttpRequest) -> HttpResponse:
    """Grant-to-equity across translational projects; each tile opens the tranches it counts."""
    as_of = _as_of(request)
    positions = queries.grant_positions(user=request.user, as_of=as_of)
    totals = grants_engine.portfolio_totals(p for p, _t in positions)
    show = request.GET.get("status", "all")
    if show not in GRANT_VIEWS:
        raise Http404("未知的筛选")
    if show == "exited":
        chosen = set(totals.exited)
    elif show == "held":
        chosen = set(totals.held)
    elif show == "met_late":
        chosen = set(totals.by_milestone["met_late"])
    elif show == "all":
        chosen = set(totals.paid)
    else:
        chosen = set(totals.by_status.get(show, ()))
    editor = is_editor(request.user)
    return render(
        request,
        "capital/grant_portfolio.html",
        {
            "rows": [(p, t) for p, t in positions if p.facts.key in chosen],
            "totals": totals,
            "show": show,
            "show_label": GRANT_VIEWS[show],
            "as_of": as_of,
            "status_tiles": [
                (code, label, len(totals.by_status.get(code, ())))
                for code, label in grants_engine.POSITION_LABELS.items()
            ],
            "met_late": len(totals.by_milestone["met_late"]),
            "convert_form": ConvertForm(initial={"converted_on": as_of}) if editor else None,
            "exit_form": ExitForm(initial={"exited_on": as_of}) if editor else None,
        },
    )


def _tranche(request: HttpRequest, pk: int) -> FundingTranche:
    return access_object(
        FundingTranche.objects.select_related("project"), request.user, pk, "change"
    )


@login_required
@require_POST
def grant_convert(request: HttpRequest, pk: int) -> HttpResponse:
    tranche = _tranche(request, pk)
    user = acting_user(request)
    return submit(
        request,
        ConvertForm(request.POST),
        lambda d: grants.grant_convert(
            tranche=tranche,
            converted_on=d["converted_on"],
            valuation_yuan=d["valuation_wan"] * WAN,
            by=user,
        ),
        done="已转股",
        back=reverse("capital:grant-portfolio"),
    )


@login_required
@require_POST
def grant_exit(request: HttpRequest, pk: int) -> HttpResponse:
    tranche = _tranche(request, pk)
    user = acting_user(request)
    return submit(
        request,
        ExitForm(request.POST),
        lambda d: grants.equity_exit_record(
            tranche=tranche,
            kind=d["kind"],
            exited_on=d["exited_on"],
            percent_sold=d["percent_sold"],
            proceeds_yuan=d["proceeds_wan"] * WAN,
            by=user,
        ),
        done="已登记退出",
        back=reverse("capital:grant-portfolio"),
    )


# ---- offshore centres --------------------------------------------------------------------------


@login_required
def centre_list(request: HttpRequest) -> HttpResponse:
    as_of = _as_of(request)
    rows = []
    for centre in queries.centre_list(user=request.user):
        items = queries.incubations(queries.centre_projects(centre, request.user))
        rows.append((centre, landing.landing_rates(items, as_of), len(items)))
    return render(
        request,
        "capital/centre_list.html",
        {"rows": rows, "as_of": as_of, "definition": landing.DEFINITION},
    )


@login_required
def centre_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A centre: its landing rates (all cohorts and each cohort) at 12/24/36 months with the
    definition, the projects behind each figure (``?h=12&set=landed&cohort=…``), landing
    forms, and the benefits shared with the host, promised vs realised."""
    centre = queries.access_centre(request.user, pk)
    as_of = _as_of(request)
    projects = queries.centre_projects(centre, request.user)
    items = queries.incubations(projects)
    overall = landing.landing_rates(items, as_of)
    by_cohort = landing.landing_by_cohort(items, as_of)
    chosen_ids: set[int] | None = None
    caption = ""
    horizon = request.GET.get("h")
    which = request.GET.get("set", "")
    cohort = request.GET.get("cohort")
    if horizon:
        if not horizon.isdigit() or int(horizon) not in landing.HORIZONS:
            raise Http404("未知的期限")
        if which not in {"observed", "landed", "pending"}:
            raise Http404("未知的集合")
        rates = by_cohort.get(cohort, {}) if cohort else overall
        if cohort and not rates:
            raise Http404("未知的批次")
        rate = rates[int(horizon)]
        chosen_ids = set(getattr(rate, which))
        labels = {"observed": "孵化满期项目", "landed": "期内落地项目", "pending": "观察期未满项目"}
        caption = f"{cohort or '全部批次'} · {horizon}个月 · {labels[which]}"
    shown = [p for p in projects if chosen_ids is None or p.pk in chosen_ids]
    editor = is_editor(request.user)
    return render(
        request,
        "capital/centre_detail.html",
        {
            "centre": centre,
            "as_of": as_of,
            "definition": landing.DEFINITION,
            "horizons": landing.HORIZONS,
            "overall": overall,
            "by_cohort": by_cohort,
            "projects": shown,
            "caption": caption,
            "benefits": queries.benefit_rows(centre, request.user),
            "incubation_form": IncubationForm(initial={"started_on": as_of}) if editor else None,
            "land_form": LandForm(initial={"registered_on": as_of}) if editor else None,
        },
    )


@login_required
@require_POST
def incubation_add(request: HttpRequest, pk: int) -> HttpResponse:
    centre = queries.access_centre(request.user, pk, "change")
    user = acting_user(request)

    def write(d: dict[str, Any]) -> None:
        centres.incubated_project_add(
            centre=centre,
            data=IncubationInput(
                name=d["name"],
                cohort=d["cohort"],
                started_on=d["started_on"],
                team_lead=d["team_lead"],
                sectors=d["sectors"],
            ),
            by=user,
        )

    return submit(
        request,
        IncubationForm(request.POST),
        write,
        done="已加入孵化名单",
        back=reverse("capital:centre-detail", args=[centre.pk]),
    )


@login_required
@require_POST
def incubation_land(request: HttpRequest, pk: int) -> HttpResponse:
    project = access_object(
        IncubatedProject.objects.select_related("centre__landing_region", "centre__organisation"),
        request.user,
        pk,
        "change",
    )
    user = acting_user(request)

    def write(d: dict[str, Any]) -> None:
        if not isinstance(d.get("uscc"), str):
            raise ValidationError("请填写统一社会信用代码")
        centres.incubated_project_land(
            project=project,
            company_name=d["company_name"],
            uscc=d["uscc"],
            registered_on=d["registered_on"],
            by=user,
        )

    return submit(
        request,
        LandForm(request.POST),
        write,
        done="已登记落地企业",
        back=reverse("capital:centre-detail", args=[project.centre_id]),
    )
