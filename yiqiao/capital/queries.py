"""Reads of the capital app: every query scoped through the access layer, in a fixed number of
queries per page (lists select their related rows; figures come from the pure engines)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from yiqiao.core.access import access_object, restrict
from yiqiao.core.scope import user_scope
from yiqiao.events.models import Event
from yiqiao.projects.models import FundingTranche, GateRecord

from .engine import funnel as funnel_engine
from .engine import grants as grants_engine
from .engine import landing as landing_engine
from .engine import returns as returns_engine
from .engine.deals import to_yuan
from .models import (
    BenefitTerm,
    Close,
    FinancingNeed,
    Fund,
    FundInvestment,
    IncubatedProject,
    Introduction,
    InvestorMeeting,
    NeedView,
    OffshoreCentre,
    Pitch,
    PitchInvitation,
    TermSheet,
)

if TYPE_CHECKING:
    from yiqiao.core.access import AnyUser

MASK = "●●●（保密，完成对接后可见）"


# ---- financing needs -----------------------------------------------------------------------


@dataclass(frozen=True)
class NeedFilters:
    """One filter set shared by the list page, its export and the API."""

    status: str = ""
    round: str = ""
    sector: str = ""
    q: str = ""


def need_list(*, user: AnyUser, filters: NeedFilters | None = None) -> QuerySet[FinancingNeed]:
    f = filters or NeedFilters()
    qs = FinancingNeed.objects.restrict(user, "view").select_related("organisation", "region")
    if f.status:
        qs = qs.filter(status=f.status)
    if f.round:
        qs = qs.filter(round=f.round)
    if f.sector:
        # The JSON text holds each code in quotes; icontains on it works on every backend.
        qs = qs.filter(sectors__icontains=f'"{f.sector}"')
    if f.q:
        qs = qs.filter(Q(title__icontains=f.q) | Q(organisation__name__icontains=f.q))
    return qs.order_by("-updated_at", "-id")


def access_need(user: AnyUser, pk: Any, action: str = "view") -> FinancingNeed:
    qs = FinancingNeed.objects.select_related("organisation", "region", "consent_by")
    return access_object(qs, user, pk, action)


def hidden_fields(need: FinancingNeed, user: AnyUser) -> frozenset[str]:
    """The confidential fields this user may not read: staff without the confidential right
    and investors not yet introduced see them masked; the enterprise and officers see all."""
    scope = user_scope(user)
    confidential = frozenset(need.confidential_fields or ())
    if scope.everything or not confidential:
        return frozenset()
    if scope.is_staff_role:
        return frozenset() if getattr(user, "can_view_confidential", False) else confidential
    if scope.is_investor:
        introduced = Introduction.objects.filter(
            need=need, investor_id=scope.organisation_id, introduced_at__isnull=False
        ).exists()
        return frozenset() if introduced else confidential
    if scope.organisation_id == need.organisation_id:
        return frozenset()
    return confidential


def need_shown(need: FinancingNeed, hidden: frozenset[str]) -> dict[str, str]:
    """The masked fields as text for the page and the export ("●●●" when hidden)."""
    from yiqiao.core.templatetags.yiqiao import yuan

    valuation = "—"
    if need.valuation_min or need.valuation_max:
        valuation = f"{yuan(need.valuation_min)}–{yuan(need.valuation_max)}"
    return {
        "amount": MASK if "amount" in hidden else f"{yuan(need.amount)} {need.currency}",
        "valuation": MASK if "valuation" in hidden else valuation,
        "use_of_funds": MASK if "use_of_funds" in hidden else (need.use_of_funds or "—"),
    }


def need_activity(need: FinancingNeed, user: AnyUser) -> dict[str, Any]:
    """What happened to a need, as the user may see it (investors: their own side only)."""
    return {
        "introductions": list(
            restrict(Introduction, user).filter(need=need).select_related("investor")
        ),
        "views": list(restrict(NeedView, user).filter(need=need).select_related("investor")),
        "pitches": list(
            restrict(Pitch, user)
            .filter(need=need)
            .select_related("event")
            .prefetch_related(
                Prefetch(
                    "invitations",
                    queryset=restrict(PitchInvitation, user).select_related("investor", "feedback"),
                )
            )
        ),
        "meetings": list(
            restrict(InvestorMeeting, user).filter(need=need).select_related("investor")
        ),
        "term_sheets": list(restrict(TermSheet, user).filter(need=need).select_related("investor")),
        "closes": list(
            restrict(Close, user)
            .filter(need=need)
            .select_related("lead")
            .prefetch_related("shares__investor")
            .distinct()
        ),
    }


def nameable_investors(user: AnyUser, need: FinancingNeed) -> QuerySet[Any]:
    """Investors a user may name for a need (opt-ins, closes): those of the register the user
    may see, and those the need's own page shows (its shortlist, the introduced and invited);
    never an arbitrary record of another district."""
    from yiqiao.core.access import restrict
    from yiqiao.registry.models import Organisation

    directory = Organisation.objects.filter(kind=Organisation.Kind.INVESTOR, is_active=True)
    return directory.filter(
        Q(pk__in=restrict(Organisation, user).values("pk"))
        | Q(financing_matches__need=need)
        | Q(introductions__need=need)
        | Q(pitch_invitations__pitch__need=need)
    ).distinct()


def engaged_investors(need: FinancingNeed) -> list[Any]:
    """Investors introduced or invited to a pitch: those meetings and closes can name."""
    from yiqiao.registry.models import Organisation

    return list(
        Organisation.objects.filter(
            Q(introductions__need=need, introductions__introduced_at__isnull=False)
            | Q(pitch_invitations__pitch__need=need)
        )
        .distinct()
        .order_by("name")
    )


# ---- roadshows and the funnel ----------------------------------------------------------------


def roadshow_events(*, user: AnyUser) -> QuerySet[Event]:
    """Events in scope that are roadshows or hold pitches, newest first."""
    from django.db.models import Count

    return (
        Event.objects.restrict(user, "view")
        .filter(Q(kind=Event.Kind.ROADSHOW) | Q(pitches__isnull=False))
        .annotate(pitch_count=Count("pitches", distinct=True))
        .order_by("-starts_on", "-id")
    )


def access_event(user: AnyUser, pk: Any, action: str = "view") -> Event:
    return access_object(Event, user, pk, action)


def event_pitches(event: Event, user: AnyUser) -> list[Pitch]:
    return list(
        restrict(Pitch, user)
        .filter(event=event)
        .select_related("need__organisation")
        .prefetch_related(
            Prefetch(
                "invitations",
                queryset=restrict(PitchInvitation, user)
                .select_related("investor", "feedback")
                .prefetch_related("reminders"),
            )
        )
        .order_by("order")
    )


def investor_invitations(*, user: AnyUser) -> list[PitchInvitation]:
    """An investor user's invitations, newest pitch first, with feedback and reminders."""
    return list(
        restrict(PitchInvitation, user)
        .select_related("pitch__event", "pitch__need__organisation", "feedback")
        .prefetch_related("reminders")
        .order_by("-pitch__pitched_on", "-id")
    )


def funnel_pairs(
    *,
    user: AnyUser,
    event: Event | None = None,
    as_of: dt.date | None = None,
    needs: Iterable[FinancingNeed] | None = None,
) -> list[funnel_engine.PairFacts]:
    """Every invitation in scope to a pitch that took place (by ``as_of``), with what followed.
    Four queries whatever the number of invitations."""
    day = as_of or timezone.localdate()
    invitations = (
        restrict(PitchInvitation, user)
        .filter(pitch__pitched_on__lte=day)
        .exclude(pitch__status=Pitch.Status.CANCELLED)
        .select_related("pitch", "investor", "feedback")
    )
    if event is not None:
        invitations = invitations.filter(pitch__event=event)
    if needs is not None:
        invitations = invitations.filter(pitch__need__in=list(needs))
    rows = list(invitations)
    need_ids = {i.pitch.need_id for i in rows}
    meetings: dict[tuple[int, int], list[dt.date]] = defaultdict(list)
    for need_id, investor_id, day_ in InvestorMeeting.objects.filter(
        need_id__in=need_ids
    ).values_list("need_id", "investor_id", "held_on"):
        meetings[(need_id, investor_id)].append(day_)
    sheets: dict[tuple[int, int], list[dt.date]] = defaultdict(list)
    for need_id, investor_id, day_ in TermSheet.objects.filter(need_id__in=need_ids).values_list(
        "need_id", "investor_id", "signed_on"
    ):
        sheets[(need_id, investor_id)].append(day_)
    closes: dict[tuple[int, int], list[dt.date]] = defaultdict(list)
    for need_id, investor_id, day_ in Close.objects.filter(need_id__in=need_ids).values_list(
        "need_id", "shares__investor_id", "closed_on"
    ):
        closes[(need_id, investor_id)].append(day_)

    def after(days: list[dt.date], start: dt.date) -> bool:
        return any(d >= start for d in days)

    out = []
    for i in rows:
        key = (i.pitch.need_id, i.investor_id)
        feedback = getattr(i, "feedback", None)
        out.append(
            funnel_engine.PairFacts(
                key=i.pk,
                investor_key=i.investor_id,
                investor_name=i.investor.name,
                pitched_on=i.pitch.pitched_on,
                feedback_on=feedback.given_on if feedback is not None else None,
                feedback_due_on=i.pitch.feedback_due_on,
                has_meeting=after(meetings[key], i.pitch.pitched_on),
                has_term_sheet=after(sheets[key], i.pitch.pitched_on),
                has_close=after(closes[key], i.pitch.pitched_on),
            )
        )
    return out


def pitch_funnel(
    *,
    user: AnyUser,
    event: Event | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> funnel_engine.Funnel:
    return funnel_engine.funnel(funnel_pairs(user=user, event=event), start=start, end=end)


# ---- funds -------------------------------------------------------------------------------------


def fund_list(*, user: AnyUser) -> QuerySet[Fund]:
    return (
        Fund.objects.restrict(user, "view")
        .select_related("organisation", "parent__organisation", "region")
        .order_by("kind", "organisation__name")
    )


def access_fund(user: AnyUser, pk: Any, action: str = "view") -> Fund:
    return access_object(Fund.objects.select_related("organisation", "region"), user, pk, action)


def fund_basis_amount(fund: Fund) -> Decimal:
    """The amount the agreement's 返投 basis names."""
    if fund.return_basis == Fund.Basis.FUND_SIZE:
        return fund.size_yuan
    if fund.return_basis == Fund.Basis.PAID_IN:
        return sum(fund.commitments.values_list("paid_in_yuan", flat=True), Decimal("0"))
    return fund.district_commitment_yuan


def fund_investments(fund: Fund, user: AnyUser) -> list[FundInvestment]:
    """The fund's investments and, for a guidance fund, its sub-funds'."""
    return list(
        restrict(FundInvestment, user)
        .filter(Q(fund=fund) | Q(fund__parent=fund))
        .select_related("company__region", "fund__organisation", "close")
        .order_by("-invested_on", "-id")
    )


def fund_ledger(
    fund: Fund, user: AnyUser, as_of: dt.date | None = None
) -> tuple[returns_engine.ReturnLedger | None, list[FundInvestment]]:
    """The 返投 ledger (None when the agreement promises no ratio) and the investments."""
    investments = fund_investments(fund, user)
    if fund.return_ratio is None:
        return None, investments
    facts = [
        returns_engine.InvestmentFact(
            key=i.pk,
            amount_yuan=i.amount_yuan,
            invested_on=i.invested_on,
            is_district_company=i.is_district_company,
            is_reversed=i.is_reversed,
            via=i.fund.organisation.name if i.fund_id != fund.pk else "",
        )
        for i in investments
    ]
    terms = returns_engine.FundTerms(fund.return_basis, fund_basis_amount(fund), fund.return_ratio)
    return returns_engine.return_ledger(terms, facts, as_of or timezone.localdate()), investments


# ---- grant-to-equity ------------------------------------------------------------------------


def grant_positions(
    *, user: AnyUser, as_of: dt.date | None = None
) -> list[tuple[grants_engine.Position, FundingTranche]]:
    """Every grant tranche in scope with its position; three queries."""
    day = as_of or timezone.localdate()
    tranches = list(
        restrict(FundingTranche, user)
        .filter(kind="grant")
        .select_related("project__company", "grant_terms")
        .prefetch_related("equity_exits")
        .order_by("granted_on", "id")
    )
    passed = {
        (r.project_id, r.gate): r.passed_on
        for r in GateRecord.objects.filter(project_id__in={t.project_id for t in tranches})
    }
    out = []
    for t in tranches:
        terms = getattr(t, "grant_terms", None)
        facts = grants_engine.GrantFacts(
            key=t.pk,
            project_key=t.project_id,
            amount_yuan=to_yuan(t.amount, t.currency) if t.currency in {"CNY", "USD"} else t.amount,
            granted_on=t.granted_on,
            gate_passed_on=passed.get((t.project_id, t.converts_on_gate)),
            milestone_due_on=terms.milestone_due_on if terms is not None else None,
            converted_on=t.converted_on,
            equity_percent=t.equity_percent,
            valuation_yuan=terms.valuation_yuan if terms is not None else None,
            exits=tuple(
                grants_engine.ExitFact(e.pk, e.exited_on, e.percent_sold, e.proceeds_yuan)
                for e in t.equity_exits.all()
            ),
        )
        out.append((grants_engine.position(facts, day), t))
    return out


# ---- offshore centres ------------------------------------------------------------------------


def centre_list(*, user: AnyUser) -> QuerySet[OffshoreCentre]:
    return OffshoreCentre.objects.restrict(user, "view").select_related(
        "organisation", "landing_region"
    )


def access_centre(user: AnyUser, pk: Any, action: str = "view") -> OffshoreCentre:
    qs = OffshoreCentre.objects.select_related("organisation", "landing_region", "host")
    return access_object(qs, user, pk, action)


def incubations(projects: Iterable[IncubatedProject]) -> list[landing_engine.Incubation]:
    return [landing_engine.Incubation(p.pk, p.started_on, p.landed_on, p.cohort) for p in projects]


def centre_projects(centre: OffshoreCentre, user: AnyUser) -> list[IncubatedProject]:
    return list(
        restrict(IncubatedProject, user)
        .filter(centre=centre)
        .select_related("company", "translation_project")
        .order_by("cohort", "started_on", "id")
    )


@dataclass(frozen=True)
class BenefitRow:
    term: BenefitTerm
    basis_yuan: Decimal
    promised_yuan: Decimal
    realised_yuan: Decimal
    settlement_ids: tuple[int, ...]

    @property
    def gap_yuan(self) -> Decimal:
        return self.realised_yuan - self.promised_yuan


def benefit_rows(centre: OffshoreCentre, user: AnyUser) -> list[BenefitRow]:
    """Per clause: promised to the host (share × basis settled) against what it received."""
    rows = []
    for term in restrict(BenefitTerm, user).filter(centre=centre).prefetch_related("settlements"):
        settlements = list(term.settlements.all())
        basis = sum((s.basis_yuan for s in settlements), Decimal("0"))
        rows.append(
            BenefitRow(
                term=term,
                basis_yuan=basis,
                promised_yuan=(basis * term.host_share_percent / 100).quantize(Decimal("0.01")),
                realised_yuan=sum((s.host_paid_yuan for s in settlements), Decimal("0")),
                settlement_ids=tuple(s.pk for s in settlements),
            )
        )
    return rows


# ---- the organisation page -------------------------------------------------------------------


def organisation_capital(*, user: AnyUser, organisation: Any) -> dict[str, Any]:
    """An organisation's financing needs with their funnel, and an investor's portfolio."""
    from .models import PortfolioHolding

    needs = list(
        FinancingNeed.objects.restrict(user)
        .filter(organisation=organisation)
        .order_by("-updated_at")
    )
    pairs = funnel_pairs(user=user, needs=needs) if needs else []
    holdings = list(
        restrict(PortfolioHolding, user)
        .filter(investor=organisation)
        .order_by("-year", "company_name")[:30]
    )
    return {
        "needs": needs,
        "funnel": funnel_engine.funnel(pairs) if pairs else None,
        "holdings": holdings,
    }


def _invitation_ids(needs: list[FinancingNeed]) -> set[int]:
    return set(PitchInvitation.objects.filter(pitch__need__in=needs).values_list("pk", flat=True))
