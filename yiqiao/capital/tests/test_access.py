"""Who sees what in capital, including the investor role: the outsider sees nothing, an investor
only the published deal flow and its own side of each deal, an enterprise its own needs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from yiqiao.capital import queries
from yiqiao.capital.models import (
    FinancingNeed,
    Fund,
    InvestorFeedback,
    Pitch,
    PitchInvitation,
    TermSheet,
)
from yiqiao.capital.services import deals, funds, needs, roadshows
from yiqiao.capital.services.deals import TermSheetInput
from yiqiao.capital.services.roadshows import FeedbackInput
from yiqiao.core.access import access_object
from yiqiao.core.scope import user_scope

TODAY = dt.date.today()


@pytest.fixture
def deal(
    published: Any, roadshow: Any, alice: Any, investors: list[Any], ivan: Any, iris: Any
) -> Any:
    pitch = roadshows.pitch_book(event=roadshow, need=published, by=alice)
    roadshows.pitch_invite(pitch=pitch, investors=investors[:2], by=alice)
    for user, org in ((ivan, investors[0]), (iris, investors[1])):
        roadshows.feedback_record(
            pitch=pitch, investor=org, data=FeedbackInput("high", "meeting", TODAY, []), by=user
        )
        deals.term_sheet_record(
            need=published,
            investor=org,
            data=TermSheetInput(TODAY, Decimal("50000000"), "CNY"),
            by=user,
        )
    return pitch


def test_it_marks_the_investor_role_in_the_scope(ivan: Any, erin: Any, alice: Any) -> None:
    assert user_scope(ivan).is_investor is True
    assert user_scope(ivan).organisation_id == ivan.organisation_id
    assert user_scope(erin).is_investor is False
    assert user_scope(alice).is_investor is False


def test_it_shows_an_outsider_nothing_of_the_districts_capital(deal: Any, charlie: Any) -> None:
    for model in (FinancingNeed, Pitch, PitchInvitation, InvestorFeedback, TermSheet, Fund):
        assert list(model.objects.restrict(charlie, "view")) == []
    with pytest.raises(Http404):
        queries.access_need(charlie, deal.need.pk)


def test_it_shows_an_investor_only_published_needs_and_its_own_side(
    deal: Any, need_input: Any, alice: Any, ivan: Any, investors: list[Any]
) -> None:
    draft = needs.financing_need_create(data=need_input, by=alice)
    assert list(FinancingNeed.objects.restrict(ivan, "view")) == [deal.need]
    with pytest.raises(Http404):
        queries.access_need(ivan, draft.pk)
    assert [t.investor for t in TermSheet.objects.restrict(ivan, "view")] == [investors[0]]
    assert [f.invitation.investor for f in InvestorFeedback.objects.restrict(ivan)] == [
        investors[0]
    ]
    with pytest.raises(PermissionDenied):
        access_object(FinancingNeed, ivan, deal.need.pk, "change")


def test_it_masks_confidential_fields_for_investors_until_introduced(
    deal: Any, ivan: Any, erin: Any, alice: Any, viewer: Any
) -> None:
    need = deal.need
    assert queries.hidden_fields(need, ivan) == frozenset({"valuation", "use_of_funds"})
    assert (
        queries.need_shown(need, queries.hidden_fields(need, ivan))["use_of_funds"] == queries.MASK
    )
    assert queries.hidden_fields(need, erin) == frozenset()
    assert queries.hidden_fields(need, alice) == frozenset()
    assert queries.hidden_fields(need, viewer) == frozenset({"valuation", "use_of_funds"})
    from yiqiao.capital.services import introductions

    introductions.introduction_opt_in(need=need, investor=ivan.organisation, by=erin)
    assert queries.hidden_fields(need, ivan) == frozenset({"valuation", "use_of_funds"})
    introductions.introduction_opt_in(need=need, investor=ivan.organisation, by=ivan)
    assert queries.hidden_fields(need, ivan) == frozenset()


def test_it_shows_the_enterprise_its_own_needs_and_everyones_feedback_on_them(
    deal: Any, erin: Any, org_factory: Any, units: Any
) -> None:
    from conftest import make_user

    assert list(FinancingNeed.objects.restrict(erin)) == [deal.need]
    assert InvestorFeedback.objects.restrict(erin).count() == 2
    other = make_user("olga", units["portal"], "enterprise", organisation=org_factory("他家企业"))
    assert list(FinancingNeed.objects.restrict(other)) == []
    assert list(InvestorFeedback.objects.restrict(other)) == []
    assert list(Fund.objects.restrict(erin)) == []


def test_it_keeps_the_park_officer_to_the_park(deal: Any, bob: Any) -> None:
    # The company is registered in the district, outside bob's park.
    assert list(FinancingNeed.objects.restrict(bob)) == []


def test_it_shows_a_fund_to_its_own_investor_user_and_the_district(
    alice: Any, ivan: Any, iris: Any, charlie: Any, investors: list[Any], regions: Any
) -> None:
    fund = funds.fund_create(
        data=funds.FundInput(
            organisation=investors[0],
            kind="angel",
            region=regions["district"],
            size_yuan=Decimal("100000000"),
            district_commitment_yuan=Decimal("20000000"),
            established_on=TODAY,
        ),
        by=alice,
    )
    assert list(Fund.objects.restrict(alice)) == [fund]
    assert list(Fund.objects.restrict(ivan)) == [fund]
    assert list(Fund.objects.restrict(iris)) == []
    assert list(Fund.objects.restrict(charlie)) == []
    with pytest.raises(PermissionDenied):
        funds.fund_create(
            data=funds.FundInput(
                organisation=investors[1],
                kind="angel",
                region=regions["district"],
                size_yuan=Decimal("1"),
                district_commitment_yuan=Decimal("0"),
                established_on=TODAY,
            ),
            by=iris,
        )
    assert Fund.objects.count() == 1


def test_it_shows_portfolio_holdings_only_of_investors_the_staff_member_may_see(
    investors: list[Any], alice: Any, charlie: Any, admin_user: Any
) -> None:
    """A walk of the demo found another district's officer reading every holding (125 of 125:
    the investor, the company, the amount) of investors it cannot open; holdings follow their
    investor, and changing them needs an editing role over that investor too."""
    from yiqiao.capital.models import PortfolioHolding
    from yiqiao.capital.services.portfolio import HoldingInput, holding_write
    from yiqiao.core.access import restrict

    holding = holding_write(
        HoldingInput(investor=investors[0], company_name="示例生物科技有限公司", year=2024),
        by=admin_user,
    )
    assert list(restrict(PortfolioHolding, alice)) == [holding]
    assert list(restrict(PortfolioHolding, alice, "change")) == [holding]
    assert not restrict(PortfolioHolding, charlie).exists()
    assert not restrict(PortfolioHolding, charlie, "change").exists()
