"""A published need's investor shortlist: ranked by the demands engine (through the adapter
``engine.shortlist``) and stored as
``InvestorMatch`` rows (with their reasons) in the same transaction as the change that calls for it
(publication, an edit of a published need)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from yiqiao.accounts.models import User
from yiqiao.demands.resources import district_of
from yiqiao.registry.models import InvestorProfile, Organisation, Region

from ..engine.deals import to_yuan
from ..engine.portfolio import EQUITY_INSTRUMENTS, Holding
from ..engine.shortlist import Fit, InvestorFacts, RoundFacts, fit, shortlist
from ..models import FinancingNeed, InvestorMatch, PortfolioHolding

SHORTLIST_SIZE = 20


def _ancestors(region: Region) -> list[Region]:
    codes = [c for c in region.path.strip("/").split("/") if c]
    return list(Region.objects.filter(code__in=codes))


def candidate_profiles(need: FinancingNeed) -> list[InvestorProfile]:
    """Investors the need's district works with: in its register (placed or kept there) or
    signed in to its portal (an investor user whose unit reaches the need)."""
    district = district_of(need.region).path
    reaching_units = [r.pk for r in _ancestors(need.region)]
    portal_investors = User.objects.filter(
        role="investor", org_unit__region_id__in=reaching_units, organisation__isnull=False
    ).values("organisation_id")
    return list(
        InvestorProfile.objects.filter(
            organisation__is_active=True, organisation__kind=Organisation.Kind.INVESTOR
        )
        .filter(
            Q(organisation__region__path__startswith=district)
            | Q(organisation__owner_unit__region__path__startswith=district)
            | Q(organisation_id__in=portal_investors)
        )
        .select_related("organisation", "organisation__region")
        .order_by("organisation_id")
    )


def _facts(need: FinancingNeed, profiles: list[InvestorProfile]) -> list[InvestorFacts]:
    node_sectors: dict[int, list[str]] = {}
    through = InvestorProfile.sectors.through
    for profile_id, sectors in through.objects.filter(
        investorprofile_id__in=[p.pk for p in profiles]
    ).values_list("investorprofile_id", "chainnode__sectors"):
        node_sectors.setdefault(profile_id, []).extend(sectors or [])
    holdings: dict[int, list[Holding]] = {}
    for h in PortfolioHolding.objects.filter(
        investor_id__in=[p.organisation_id for p in profiles]
    ).order_by("id"):
        holdings.setdefault(h.investor_id, []).append(
            Holding(
                key=h.pk,
                company_key=h.company_id,
                company_name=h.company_name,
                sectors=tuple(h.sectors or ()),
                round=h.round,
                year=h.year,
                is_equity=h.instrument in EQUITY_INSTRUMENTS,
            )
        )
    company_city = _city_path(need.region)
    out = []
    for p in profiles:
        org = p.organisation
        place = org.region
        # the vocabulary's stages and sectors when recorded, else the former stage codes and
        # the fields of the profile's chain nodes
        stages = tuple(p.stage_codes or ()) or tuple(p.stages or ())
        sectors = tuple(p.sector_codes or ()) + tuple(node_sectors.get(p.pk, ()))
        out.append(
            InvestorFacts(
                key=org.pk,
                name=org.name,
                stages=stages,
                sectors=tuple(dict.fromkeys(sectors)),
                ticket_min=p.ticket_min_yuan,
                ticket_max=p.ticket_max_yuan,
                same_city=(place.path.startswith(company_city) if place and company_city else None),
                mainland=True if place is not None else None,
                holdings=tuple(holdings.get(org.pk, ())),
                instruments=tuple(p.instruments or ()),
                regions=tuple(p.regions or ()),
                lead_capable=p.lead_capable,
                local_presence=p.local_presence,
                active=bool(p.active and org.is_active),
                currencies=tuple(p.currencies or ()),
            )
        )
    return out


def _city_path(region: Region) -> str:
    for r in sorted(_ancestors(region), key=lambda r: len(r.path), reverse=True):
        if r.kind == Region.Kind.CITY:
            return r.path
    return ""


def round_facts(need: FinancingNeed) -> RoundFacts:
    return RoundFacts(
        company_key=need.organisation_id,
        round=need.round,
        amount=to_yuan(need.amount, need.currency),
        sectors=tuple(need.sectors or ()),
        instruments=tuple(need.instruments or ()),
        investor_regions=tuple(need.investor_regions or ()),
        wants_lead=need.role_wanted == FinancingNeed.Role.LEAD,
        year=(need.published_on or timezone.localdate()).year,
        role=need.role_wanted if need.role_wanted != FinancingNeed.Role.ANY else "",
        text=" ".join(x for x in (need.title, need.summary, need.use_of_funds) if x),
        currency=need.currency,
    )


@transaction.atomic
def investor_shortlist_refresh(*, need: FinancingNeed) -> list[InvestorMatch]:
    """Recompute and store the shortlist of a published need (a no-op for other states, whose
    stored shortlist is kept as it was when the need stopped being open)."""
    if need.status != FinancingNeed.Status.PUBLISHED:
        return list(InvestorMatch.objects.filter(need=need).order_by("rank"))
    profiles = candidate_profiles(need)
    fits = shortlist(round_facts(need), _facts(need, profiles), limit=SHORTLIST_SIZE)
    now = timezone.now()
    InvestorMatch.objects.filter(need=need).delete()
    rows = [
        InvestorMatch(
            need=need,
            investor_id=f.investor.key,
            rank=rank,
            standing=f.standing,
            lines=list(f.lines),
            has_conflict=f.has_conflict,
            computed_at=now,
        )
        for rank, f in enumerate(fits, start=1)
    ]
    return InvestorMatch.objects.bulk_create(rows)


DEAL_FLOW_LIMIT = 200


def investor_deal_flow(*, user: User) -> list[tuple[FinancingNeed, Fit]]:
    """The other way round: the published needs an investor user may see, each read against
    its own organisation's profile with the same requirements and reasons as the shortlist;
    the needs it does not fit (a ✗ on round, sector or ticket) are left off. Best fits first,
    then the newest."""
    org_id = getattr(user, "organisation_id", None)
    if org_id is None:
        return []
    profile = (
        InvestorProfile.objects.filter(organisation_id=org_id)
        .select_related("organisation", "organisation__region")
        .first()
    )
    if profile is None:
        return []
    needs = (
        FinancingNeed.objects.restrict(user, "view")
        .filter(status=FinancingNeed.Status.PUBLISHED)
        .exclude(organisation_id=org_id)
        .select_related("organisation", "region")
        .order_by("-published_on", "-id")[:DEAL_FLOW_LIMIT]
    )
    out = []
    for need in needs:
        found = fit(round_facts(need), _facts(need, [profile])[0])
        if found.standing != "unmet":
            out.append((need, found))
    out.sort(key=lambda pair: pair[1].sort_key)  # the engine's order (stable: newest first)
    return out
