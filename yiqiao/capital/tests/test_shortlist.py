"""The investor shortlist: requirement lines, standings, order, and the stored rows. The shortlist
is ranked by the demands engine (``yiqiao.demands.engine.rank``); these read it through the
capital adapter."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from yiqiao.capital.engine.portfolio import Holding
from yiqiao.capital.engine.shortlist import InvestorFacts, RoundFacts, fit, shortlist

B_ROUND = RoundFacts(
    company_key=1,
    round="B",
    amount=Decimal("200000000"),
    sectors=("ivd",),
    instruments=("equity",),
    investor_regions=(),
    wants_lead=True,
    year=2026,
)


def investor(key: int, **kw: Any) -> InvestorFacts:
    kw.setdefault("stages", ("b", "c"))
    kw.setdefault("sectors", ("device",))
    kw.setdefault("ticket_min", Decimal("30000000"))
    kw.setdefault("ticket_max", Decimal("100000000"))
    return InvestorFacts(key=key, name=f"投资机构{key}", **kw)


def test_it_meets_every_requirement_with_a_reason_each() -> None:
    result = fit(B_ROUND, investor(10))
    assert result.standing == "met"
    assert result.lines[:3] == (
        "✓ 投资阶段含B轮",
        "✓ 关注领域覆盖体外诊断",
        "✓ 单笔投资额度3000万元至1亿元，最多可占本轮约50%",
    )


@pytest.mark.parametrize(
    ("change", "line"),
    [
        ({"stages": ("angel", "a")}, "✗ 投资阶段为天使轮、A轮，不含B轮"),
        ({"sectors": ("small_molecule",)}, "✗ 关注领域为化学药等，不含体外诊断"),
        (
            {"ticket_max": Decimal("20000000"), "ticket_min": Decimal("5000000")},
            # the demands engine's cheque band (one rule for words and forms): a lead 30 %–100 %
            "✗ 单笔投资额度500万元至2000万元，不足本轮2亿元的30%（领投所需）",
        ),
        (
            {"ticket_min": Decimal("300000000"), "ticket_max": None},
            "✗ 单笔投资额度3亿元至不限，起投额高于本轮2亿元",
        ),
    ],
)
def test_it_leaves_off_an_investor_that_breaks_a_requirement(
    change: dict[str, Any], line: str
) -> None:
    result = fit(B_ROUND, investor(10, **change))
    assert result.standing == "unmet"
    assert line in result.lines
    assert shortlist(B_ROUND, [investor(10, **change)]) == []


def test_it_marks_what_a_profile_does_not_state_as_unknown_not_as_a_pass() -> None:
    result = fit(B_ROUND, investor(10, stages=(), ticket_min=None, ticket_max=None))
    assert result.standing == "unknown"
    assert "? 未标明投资阶段（本轮为B轮）" in result.lines
    assert "? 未公示单笔投资额度（本轮2亿元）" in result.lines


def test_it_takes_a_smaller_ticket_when_the_need_wants_followers() -> None:
    followers = RoundFacts(
        company_key=1,
        round="B",
        amount=Decimal("200000000"),
        sectors=("ivd",),
        instruments=("equity",),
        investor_regions=(),
        wants_lead=False,
        year=2026,
    )
    small = investor(10, ticket_min=Decimal("5000000"), ticket_max=Decimal("20000000"))
    assert fit(followers, small).standing == "met"
    assert fit(B_ROUND, small).standing == "unmet"


def test_it_orders_met_before_unknown_and_conflicts_last_within_a_standing() -> None:
    rival = Holding(
        key=1,
        company_key=99,
        company_name="另一家化学发光企业",
        sectors=("ivd",),
        round="A",
        year=2025,
    )
    met_conflict = investor(11, holdings=(rival,))
    met_clean = investor(12)
    unknown = investor(13, stages=())
    ranked = shortlist(B_ROUND, [unknown, met_conflict, met_clean])
    assert [f.investor.key for f in ranked] == [12, 11, 13]
    assert ranked[1].has_conflict
    assert any(line.startswith("✗ 可能的投资冲突") for line in ranked[1].lines)


def test_it_never_lists_the_company_raising_the_round() -> None:
    assert shortlist(B_ROUND, [investor(1)]) == []


@pytest.mark.django_db
def test_it_stores_the_shortlist_when_the_need_is_published(
    published: Any, investors: list[Any], charlie: Any, org_factory: Any, regions: Any
) -> None:
    from yiqiao.capital.models import InvestorMatch
    from yiqiao.registry.models import ChainNode, InvestorProfile, Organisation

    # A fitting investor of another district is not this district's to list.
    elsewhere = org_factory(
        "北山健康产业基金",
        kind=Organisation.Kind.INVESTOR,
        region=regions["other"],
        owner_unit=None,
    )
    for org in [*investors, elsewhere]:
        profile = InvestorProfile.objects.get_or_create(organisation=org)[0]
        profile.stages = ["b"]
        profile.ticket_min_yuan = Decimal("30000000")
        profile.ticket_max_yuan = Decimal("100000000")
        profile.save()
        profile.sectors.set(ChainNode.objects.filter(code__startswith="device_manufacturer.ivd"))
    from yiqiao.capital.services.shortlist import investor_shortlist_refresh

    rows = investor_shortlist_refresh(need=published)
    assert [r.investor for r in rows] == sorted(investors, key=lambda o: o.name)
    assert all(r.standing == "met" and r.lines[0] == "✓ 投资阶段含B轮" for r in rows)
    assert InvestorMatch.objects.filter(investor=elsewhere).count() == 0


def test_it_judges_a_form_need_by_the_same_cheque_band_as_the_words_that_say_it() -> None:
    """One engine: "B轮融2亿元，找领投" typed in words and the same round on the financing-need
    form give the engine the same ticket requirements."""
    from yiqiao.capital.engine.shortlist import parsed
    from yiqiao.demands.engine.rank import requirements_for
    from yiqiao.demands.engine.understand import understand

    def band(reqs: list[Any]) -> dict[str, float]:
        return {r.name: r.value for r in reqs if r.name.startswith("investor.ticket_")}

    words = understand("体外诊断企业，B轮融资2亿元，希望找能领投的机构", "financing")
    form = band(requirements_for(parsed(B_ROUND), "investor"))
    assert form == band(requirements_for(words, "investor"))
    assert form == {"investor.ticket_min_yuan": 200000000.0, "investor.ticket_max_yuan": 60000000.0}


def test_it_reads_a_profile_in_the_vocabulary_and_keeps_preferences_out_of_the_standing() -> None:
    vocab = investor(
        20,
        stages=("B", "C"),
        sectors=("ivd",),
        instruments=("equity",),
        lead_capable=False,
        regions=("east_china",),
    )
    result = fit(B_ROUND, vocab)
    assert result.standing == "met"
    assert "✓ 资金形式含股权" in result.lines
    assert "✗ 通常不担任领投（本轮寻求领投方，优先）" in result.lines
    # an investor that only lends is wrong for an equity round
    lender = investor(21, stages=("B",), instruments=("debt",))
    assert fit(B_ROUND, lender).standing == "unmet"
    assert "✗ 资金形式为贷款，不含股权" in fit(B_ROUND, lender).lines
    # a lead-capable investor comes before one that is not, all else equal
    leader = investor(
        22, stages=("B", "C"), sectors=("ivd",), instruments=("equity",), lead_capable=True
    )
    assert [f.investor.key for f in shortlist(B_ROUND, [vocab, leader])] == [22, 20]


def test_it_keeps_an_investor_with_several_open_points_as_to_be_checked() -> None:
    vague = investor(30, stages=(), sectors=(), ticket_min=None, ticket_max=None)
    ranked = shortlist(B_ROUND, [vague])
    assert [f.standing for f in ranked] == ["unknown"]
    assert "? 未标明关注领域（本轮领域：体外诊断）" in ranked[0].lines


def test_it_puts_a_follow_on_investor_first() -> None:
    own = Holding(
        key=2, company_key=1, company_name="本企业", sectors=("ivd",), round="A", year=2024
    )
    plain, holder = investor(40), investor(41, holdings=(own,))
    ranked = shortlist(B_ROUND, [plain, holder])
    assert [f.investor.key for f in ranked] == [41, 40]
    assert "✓ 已投资该企业（A，2024年）" in ranked[0].lines


def test_it_prefers_an_investor_that_invests_in_the_rounds_currency() -> None:
    usd = RoundFacts(
        company_key=1,
        round="B",
        amount=Decimal("200000000"),
        sectors=("ivd",),
        instruments=("equity",),
        investor_regions=(),
        wants_lead=False,
        year=2026,
        currency="USD",
    )
    rmb, dollars = investor(50, currencies=("CNY",)), investor(51, currencies=("CNY", "USD"))
    ranked = shortlist(usd, [rmb, dollars])
    assert [f.investor.key for f in ranked] == [51, 50]
    assert [f.standing for f in ranked] == ["met", "met"]
    assert "✗ 不投美元（本轮以美元计，优先）" in ranked[1].lines


def test_it_judges_a_loan_by_instrument_and_amount_not_by_stage_or_field() -> None:
    pledge = RoundFacts(
        company_key=1,
        round="strategic",
        amount=Decimal("20000000"),
        sectors=("peptide",),
        instruments=("ip_pledge",),
        investor_regions=(),
        wants_lead=False,
        year=2026,
    )
    bank = investor(
        60,
        stages=(),
        sectors=(),
        instruments=("debt", "ip_pledge"),
        ticket_min=Decimal("1000000"),
        ticket_max=Decimal("50000000"),
    )
    fund = investor(61, stages=("strategic",), sectors=("drug",), instruments=("equity",))
    ranked = shortlist(pledge, [fund, bank])
    assert [f.investor.key for f in ranked] == [60]
    assert ranked[0].standing == "met"
    assert ranked[0].lines[:2] == (
        "✓ 单笔投资额度100万元至5000万元，最多可占本轮约100%",
        "✓ 资金形式含知识产权质押",
    )
    # the whole amount from one lender: a smaller ceiling does not fit
    small = investor(62, stages=(), sectors=(), instruments=("ip_pledge",))
    assert "✗ 单笔投资额度3000万元至1亿元，起投额高于本轮2000万元" in fit(pledge, small).lines


@pytest.mark.django_db
def test_the_stored_shortlist_reads_in_english_on_the_need_page(
    published: Any, investors: list[Any], alice: Any, client_for: Any
) -> None:
    """Issue 10: the shortlist's lines are stored in Chinese and were shown so in English."""
    import re

    from django.urls import reverse

    from yiqiao.capital.services.shortlist import investor_shortlist_refresh
    from yiqiao.registry.models import ChainNode, InvestorProfile

    for org in investors:
        profile = InvestorProfile.objects.get_or_create(organisation=org)[0]
        profile.stages = ["b"]
        profile.ticket_min_yuan = Decimal("30000000")
        profile.ticket_max_yuan = Decimal("100000000")
        profile.save()
        profile.sectors.set(ChainNode.objects.filter(code__startswith="device_manufacturer.ivd"))
    assert investor_shortlist_refresh(need=published)
    client = client_for(alice)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("capital:need-detail", args=[published.pk])).content.decode()
    lines = re.findall(r'<ul class="lines">.*?</ul>', page, re.S)
    assert lines and "✓ Invests at Series B" in lines[0]
    for section in lines:
        assert not re.search(r"[\u4e00-\u9fff]", re.sub(r"“[^”]*”", "", section)), section
