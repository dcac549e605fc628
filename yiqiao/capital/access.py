"""Who may do what to capital records (loaded by CapitalConfig.ready; see yiqiao.core.access).

- **Staff** (officers, admins, viewers) see the financing needs of enterprises registered in
  their region subtree (or owned by their unit), the roadshow pitches at their events, the funds
  and offshore centres of their district; officers and admins change them.
- **Enterprise users** see and edit their own organisation's financing needs, and see what
  happened to them: the shortlist, who looked, introductions, pitches, feedback, meetings, term
  sheets and closes.
- **Investor users** see the needs published to investors in their portal's region (masked
  fields stay masked until an introduction, see queries), and only their own side of the deal:
  their invitations, feedback, meetings, term sheets, close shares, views and introductions. A
  fund's own users see their fund.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from yiqiao.core.access import VIEW, access_rule, staff_can, through_parent
from yiqiao.core.scope import Scope
from yiqiao.projects.models import FundingTranche
from yiqiao.registry.access import organisation_access
from yiqiao.registry.models import Organisation

from .models import (
    BenefitSettlement,
    BenefitTerm,
    Close,
    CloseShare,
    EquityExit,
    FeedbackReminder,
    FinancingNeed,
    Fund,
    FundCommitment,
    FundInvestment,
    GrantTerms,
    IncubatedProject,
    Introduction,
    InvestorFeedback,
    InvestorMatch,
    InvestorMeeting,
    NeedView,
    OffshoreCentre,
    Pitch,
    PitchInvitation,
    PortfolioHolding,
    TermSheet,
)

#: Statuses in which a need is shown to investors.
OPEN_TO_INVESTORS = ("published", "closed")
#: Actions an enterprise user may take on its own need (view, edit, consent, opt in).
ENTERPRISE_ACTIONS = {VIEW, "change", "consent"}


def _staff_condition(scope: Scope, region_field: str) -> Q:
    condition = Q(**{f"{region_field}__in": scope.region_ids})
    if scope.unit_id is not None:
        condition |= Q(owner_unit_id=scope.unit_id)
    return condition


@access_rule(FinancingNeed)
def need_access(qs: QuerySet[Any], scope: Scope, action: str) -> QuerySet[Any]:
    if scope.everything:
        return qs
    if scope.is_staff_role:
        if not staff_can(scope, "change" if action == "consent" else action):
            return qs.none()
        return qs.filter(_staff_condition(scope, "region_id"))
    if scope.organisation_id is None:
        return qs.none()
    if scope.is_investor:
        if action != VIEW:
            return qs.none()
        mine = scope.organisation_id
        return qs.filter(
            Q(status__in=OPEN_TO_INVESTORS, region_id__in=scope.region_ids)
            | Q(introductions__investor_id=mine)
            | Q(pitches__invitations__investor_id=mine)
        ).distinct()
    if action in ENTERPRISE_ACTIONS:
        return qs.filter(organisation_id=scope.organisation_id)
    return qs.none()


def _deal_row(need_field: str, investor_field: str) -> Any:
    """A row of one investor's side of a deal: the need's staff and enterprise see it, the
    investor sees its own rows and changes none (it writes through services that check it)."""

    def rule(qs: QuerySet[Any], scope: Scope, action: str) -> QuerySet[Any]:
        if scope.everything:
            return qs
        if scope.is_investor and scope.organisation_id is not None:
            if action != VIEW:
                return qs.none()
            return qs.filter(**{investor_field: scope.organisation_id})
        if not scope.is_staff_role and action != VIEW:
            return qs.none()
        needs = need_access(FinancingNeed.objects.all(), scope, action)
        return qs.filter(**{f"{need_field}__in": needs.values("pk")})

    return rule


access_rule(InvestorMatch, Introduction, NeedView, InvestorMeeting, TermSheet)(
    _deal_row("need", "investor_id")
)
access_rule(PitchInvitation)(_deal_row("pitch__need", "investor_id"))
access_rule(InvestorFeedback)(_deal_row("invitation__pitch__need", "invitation__investor_id"))
access_rule(FeedbackReminder)(_deal_row("invitation__pitch__need", "invitation__investor_id"))
access_rule(CloseShare)(_deal_row("close__need", "investor_id"))
access_rule(Close)(_deal_row("need", "shares__investor_id"))


@access_rule(Pitch)
def pitch_access(qs: QuerySet[Any], scope: Scope, action: str) -> QuerySet[Any]:
    """Staff: pitches at events they see or of needs they see; the company sees its own; an
    investor sees the pitches it was invited to."""
    if scope.everything:
        return qs
    if scope.is_investor and scope.organisation_id is not None:
        if action != VIEW:
            return qs.none()
        return qs.filter(invitations__investor_id=scope.organisation_id).distinct()
    if not scope.is_staff_role:
        if action != VIEW or scope.organisation_id is None:
            return qs.none()
        return qs.filter(need__organisation_id=scope.organisation_id)
    if not staff_can(scope, action):
        return qs.none()
    needs = need_access(FinancingNeed.objects.all(), scope, action)
    return qs.filter(Q(event__region_id__in=scope.region_ids) | Q(need__in=needs.values("pk")))


@access_rule(PortfolioHolding)
def holding_access(qs: QuerySet[Any], scope: Scope, action: str) -> QuerySet[Any]:
    """Portfolios are about investors, a directory the district matches against: staff read
    (editing roles change) the holdings of the investors with a profile that they may see
    (that change) in the register; investors read their own."""
    if scope.everything:
        return qs
    if scope.is_staff_role:
        if not staff_can(scope, action):
            return qs.none()
        investors = organisation_access(Organisation.objects.all(), scope, action)
        return qs.filter(
            investor__investor_profile__isnull=False, investor__in=investors.values("pk")
        )
    if scope.is_investor and scope.organisation_id is not None and action == VIEW:
        return qs.filter(investor_id=scope.organisation_id)
    return qs.none()


@access_rule(Fund)
def fund_access(qs: QuerySet[Any], scope: Scope, action: str) -> QuerySet[Any]:
    if scope.everything:
        return qs
    if scope.is_staff_role:
        if not staff_can(scope, action):
            return qs.none()
        return qs.filter(_staff_condition(scope, "region_id"))
    if scope.is_investor and scope.organisation_id is not None and action == VIEW:
        return qs.filter(organisation_id=scope.organisation_id)
    return qs.none()


access_rule(FundCommitment, FundInvestment)(through_parent("fund", Fund))


@access_rule(OffshoreCentre)
def centre_access(qs: QuerySet[Any], scope: Scope, action: str) -> QuerySet[Any]:
    if scope.everything:
        return qs
    if not staff_can(scope, action):
        return qs.none()
    return qs.filter(_staff_condition(scope, "landing_region_id"))


access_rule(IncubatedProject, BenefitTerm)(through_parent("centre", OffshoreCentre))
access_rule(BenefitSettlement)(through_parent("term__centre", OffshoreCentre))
access_rule(GrantTerms, EquityExit)(through_parent("tranche", FundingTranche))
