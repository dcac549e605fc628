"""The pure capital engines: landing rates, 返投 ledger, grant positions, funnel, portfolio."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from yiqiao.capital.engine import deals, funnel, grants, landing, portfolio, returns

D = dt.date


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2023, 1, 31), 1, D(2023, 2, 28)),
        (D(2023, 3, 15), 12, D(2024, 3, 15)),
        (D(2022, 11, 30), 24, D(2024, 11, 30)),
        (D(2021, 2, 28), 36, D(2024, 2, 28)),
    ],
)
def test_it_adds_calendar_months(day: dt.date, months: int, expected: dt.date) -> None:
    assert landing.add_months(day, months) == expected


def test_it_counts_landing_only_among_projects_observed_for_the_whole_window() -> None:
    items = [
        landing.Incubation(1, D(2022, 1, 10), D(2022, 9, 1), "2022级"),  # landed in 8 months
        landing.Incubation(2, D(2022, 3, 1), D(2023, 6, 1), "2022级"),  # landed in 15 months
        landing.Incubation(3, D(2022, 5, 1), None, "2022级"),  # not landed
        landing.Incubation(4, D(2023, 9, 1), D(2023, 12, 1), "2023级"),  # window still open
        landing.Incubation(5, D(2025, 1, 1), None, "2025级"),  # started after as-of
    ]
    rates = landing.landing_rates(items, D(2024, 6, 1))
    assert rates[12].observed == (1, 2, 3)
    assert rates[12].landed == (1,)
    assert rates[12].pending == (4,)
    assert rates[12].rate == pytest.approx(1 / 3)
    assert rates[24].observed == (1, 2, 3)
    assert rates[24].landed == (1, 2)
    assert rates[36].observed == ()
    assert rates[36].rate is None
    assert rates[36].why_empty == "尚无孵化满36个月的项目（4个观察期未满）"
    by_cohort = landing.landing_by_cohort(items, D(2025, 6, 1))
    assert list(by_cohort) == ["2022级", "2023级", "2025级"]
    assert by_cohort["2022级"][24].landed == (1, 2)
    assert by_cohort["2023级"][12].landed == (4,)


def test_it_counts_a_landing_on_the_last_day_of_the_window() -> None:
    on_day = landing.Incubation(1, D(2023, 2, 28), D(2024, 2, 28))
    day_after = landing.Incubation(2, D(2023, 2, 28), D(2024, 2, 29))
    rate = landing.horizon_rate([on_day, day_after], 12, D(2024, 6, 1))
    assert rate.landed == (1,)


def test_it_keeps_the_return_ledger_against_the_agreed_basis() -> None:
    terms = returns.FundTerms(returns.DISTRICT_CONTRIBUTION, Decimal("100000000"), Decimal("1.5"))
    items = [
        returns.InvestmentFact(1, Decimal("60000000"), D(2023, 5, 1), True),
        returns.InvestmentFact(2, Decimal("30000000"), D(2023, 8, 1), False),
        returns.InvestmentFact(3, Decimal("20000000"), D(2024, 1, 1), True, is_reversed=True),
        returns.InvestmentFact(4, Decimal("40000000"), D(2024, 3, 1), True, via="子基金甲"),
        returns.InvestmentFact(5, Decimal("90000000"), D(2025, 3, 1), True),
    ]
    ledger = returns.return_ledger(terms, items, D(2024, 12, 31))
    assert ledger.required_amount == Decimal("150000000.00")
    assert ledger.realised_amount == Decimal("100000000")
    assert ledger.realised_ratio == Decimal("1.00")
    assert ledger.shortfall == Decimal("50000000.00")
    assert ledger.is_met is False
    assert ledger.counted == (1, 4)
    assert ledger.excluded == (
        (2, "被投企业投资时不在本区注册"),
        (3, "投资已撤回或未实际到账"),
        (5, "投资日期晚于统计日（2024-12-31）"),
    )


def test_it_refuses_an_unknown_return_basis() -> None:
    with pytest.raises(ValueError, match="未知的返投计算基数"):
        returns.return_ledger(
            returns.FundTerms("revenue", Decimal(1), Decimal(1)), [], D(2024, 1, 1)
        )


def _grant(**kw: object) -> grants.GrantFacts:
    base: dict[str, object] = {
        "key": 1,
        "project_key": 9,
        "amount_yuan": Decimal("2000000"),
        "granted_on": D(2022, 1, 1),
        "gate_passed_on": None,
        "milestone_due_on": D(2024, 12, 31),
    }
    base.update(kw)
    return grants.GrantFacts(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("facts", "milestone", "status"),
    [
        (_grant(), grants.OPEN, grants.OPEN),
        (_grant(milestone_due_on=D(2023, 1, 1)), grants.MISSED, grants.MISSED),
        (_grant(gate_passed_on=D(2023, 6, 1)), grants.MET, grants.CONVERTIBLE),
        (
            _grant(
                gate_passed_on=D(2024, 2, 1),
                milestone_due_on=D(2024, 1, 1),
                converted_on=D(2024, 3, 1),
                equity_percent=Decimal("5"),
            ),
            grants.MET_LATE,
            grants.CONVERTED,
        ),
        (
            _grant(gate_passed_on=D(2023, 6, 1), milestone_due_on=None),
            grants.MET,
            grants.CONVERTIBLE,
        ),
    ],
)
def test_it_states_each_grant_position(
    facts: grants.GrantFacts, milestone: str, status: str
) -> None:
    p = grants.position(facts, D(2024, 6, 1))
    assert (p.milestone, p.status) == (milestone, status)


def test_it_values_the_equity_held_after_exits() -> None:
    facts = _grant(
        gate_passed_on=D(2023, 6, 1),
        converted_on=D(2023, 7, 1),
        equity_percent=Decimal("8.000"),
        valuation_yuan=Decimal("25000000"),
        exits=(grants.ExitFact(1, D(2024, 1, 1), Decimal("3"), Decimal("1500000")),),
    )
    p = grants.position(facts, D(2024, 6, 1))
    assert p.equity_held_percent == Decimal("5.000")
    assert p.held_value_yuan == Decimal("1250000.00")
    assert p.exit_proceeds_yuan == Decimal("1500000")
    totals = grants.portfolio_totals([p, grants.position(_grant(key=2), D(2024, 6, 1))])
    assert totals.paid == (1, 2)
    assert totals.paid_yuan == Decimal("4000000")
    assert totals.by_status[grants.CONVERTED] == (1,)
    assert totals.by_status[grants.OPEN] == (2,)
    assert totals.exited == (1,)


def test_it_converts_at_the_post_money_valuation() -> None:
    assert grants.conversion_percent(Decimal("2000000"), Decimal("40000000")) == Decimal("5.000")
    with pytest.raises(ValueError, match="不能低于拨款金额"):
        grants.conversion_percent(Decimal("2000000"), Decimal("1000000"))


def test_it_builds_the_funnel_by_investor_with_the_records_counted() -> None:
    def pair(
        key: int, investor: int, fb: dt.date | None, m: bool, t: bool, c: bool
    ) -> funnel.PairFacts:
        return funnel.PairFacts(
            key, investor, f"机构{investor}", D(2024, 3, 1), fb, D(2024, 3, 15), m, t, c
        )

    pairs = [
        pair(1, 10, D(2024, 3, 5), True, True, True),
        pair(2, 11, D(2024, 3, 20), False, False, False),
        pair(3, 11, None, False, False, False),
        pair(4, 12, None, False, False, False),
    ]
    result = funnel.funnel(pairs)
    assert result.total.counts == [4, 2, 1, 1, 1]
    assert result.total.on_time == (1,)
    assert result.total.feedback_rate == 0.5
    assert [r.investor_key for r in result.by_investor] == [10, 11, 12]
    assert result.by_investor[1].steps["feedback"] == (2,)
    assert funnel.funnel(pairs, start=D(2024, 4, 1)).total.counts == [0, 0, 0, 0, 0]


def test_it_reads_a_portfolio_for_conflicts_and_precedents() -> None:
    need = portfolio.NeedFacts(
        company_key=7, sectors=("ivd",), round="B", instruments=("equity",), year=2025
    )
    holdings = [
        portfolio.Holding(1, 7, "本企业", ("ivd",), "A", 2023),
        portfolio.Holding(2, 8, "竞品诊断", ("ivd", "device"), "B", 2022),
        portfolio.Holding(3, 9, "影像公司", ("medical_imaging",), "B", 2024),
        portfolio.Holding(4, 10, "老竞品", ("ivd",), "A", 2015),
        portfolio.Holding(5, 11, "贷款客户", ("ivd",), "B", 2024, is_equity=False),
    ]
    signals = portfolio.read_portfolio(need, holdings)
    assert [s.holding.key for s in signals.follow_on] == [1]
    assert [s.holding.key for s in signals.conflicts] == [2]
    assert [s.holding.key for s in signals.precedents] == [3]
    assert signals.lines()[1] == "✗ 可能的投资冲突：已投同领域企业“竞品诊断”（2022年）"
    loan = portfolio.NeedFacts(None, ("ivd",), "B", ("debt",), 2025)
    assert portfolio.read_portfolio(loan, holdings[1:2]).conflicts == ()


def test_it_reorders_only_within_a_standing() -> None:
    empty = portfolio.PortfolioSignals((), (), ())
    conflict = portfolio.PortfolioSignals(
        (), (portfolio.Signal(portfolio.Holding(1, 1, "x", (), "", None), "x"),), ()
    )
    order = portfolio.reorder(["a", "b", "c"], [0, 0, 1], [conflict, empty, empty])
    assert order == ["b", "a", "c"]
    assert portfolio.reorder(["a", "b"], [0, 1], [conflict, empty]) == ["a", "b"]


@pytest.mark.parametrize(
    ("closed_before", "amount", "shares", "lead", "message"),
    [
        (Decimal(0), Decimal("100"), [(1, "100", True)], 1, ""),
        (Decimal(0), Decimal("120"), [(1, "120", True)], 1, "交割金额120元超过本轮融资额100元"),
        (
            Decimal("60"),
            Decimal("50"),
            [(1, "50", True)],
            1,
            "与此前已交割的60元合计超过本轮融资额100元",
        ),
        (
            Decimal(0),
            Decimal("80"),
            [(1, "50", True)],
            1,
            "各投资方金额合计50元与交割金额80元不一致",
        ),
        (Decimal(0), Decimal("80"), [(1, "80", False)], 2, "领投方须是参与本次交割的投资方之一"),
        (Decimal(0), Decimal("80"), [], None, "请至少登记一家参与交割的投资方及其金额"),
    ],
)
def test_it_checks_a_close_against_its_round(
    closed_before: Decimal,
    amount: Decimal,
    shares: list[tuple[int, str, bool]],
    lead: int | None,
    message: str,
) -> None:
    verdict = deals.check_close(
        round_amount=Decimal("100"),
        closed_before=closed_before,
        amount=amount,
        shares=[deals.ShareFacts(k, Decimal(a), is_lead) for k, a, is_lead in shares],
        lead_key=lead,
    )
    assert verdict.allowed is (message == "")
    assert message in verdict.message


def test_it_writes_amounts_as_officers_do() -> None:
    assert deals.format_yuan(Decimal("300000000")) == "3亿元"
    assert deals.format_yuan(Decimal("35000000")) == "3500万元"
    assert deals.to_yuan(Decimal("10"), "USD") == Decimal("72.00")
