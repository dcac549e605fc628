"""Roadshows to close: pitch slots, invitations, feedback in time, meetings, term sheets, closes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from yiqiao.capital import queries
from yiqiao.capital.models import (
    Close,
    FeedbackReminder,
    FinancingNeed,
    FundInvestment,
    InvestorFeedback,
    PitchInvitation,
    PortfolioHolding,
)
from yiqiao.capital.services import deals, funds, roadshows
from yiqiao.capital.services.deals import CloseInput, ShareInput, TermSheetInput
from yiqiao.capital.services.roadshows import FeedbackInput

TODAY = dt.date.today()


@pytest.fixture
def pitch(roadshow: Any, published: Any, alice: Any) -> Any:
    return roadshows.pitch_book(event=roadshow, need=published, by=alice, starts_at=dt.time(14))


def test_it_books_a_pitch_with_a_fourteen_day_feedback_limit(pitch: Any, roadshow: Any) -> None:
    assert pitch.order == 1
    assert pitch.pitched_on == roadshow.starts_on
    assert pitch.feedback_due_on == roadshow.starts_on + dt.timedelta(days=14)
    assert pitch.slot_label() == "14:00–14:15"


def test_it_refuses_a_pitch_for_an_unpublished_need(
    roadshow: Any, need_input: Any, alice: Any
) -> None:
    from yiqiao.capital.services import needs

    draft = needs.financing_need_create(data=need_input, by=alice)
    with pytest.raises(ValidationError) as refused:
        roadshows.pitch_book(event=roadshow, need=draft, by=alice)
    assert refused.value.messages == ["只有企业同意并已发布的融资需求可以安排路演"]


def test_it_never_invites_the_pitching_company_itself(
    pitch: Any, alice: Any, investors: list[Any]
) -> None:
    with pytest.raises(ValidationError) as refused:
        roadshows.pitch_invite(
            pitch=pitch, investors=[investors[0], pitch.need.organisation], by=alice
        )
    assert refused.value.messages == [
        "“桐华精准诊断科技有限公司”是路演企业本身，不能被邀请为投资方"
    ]
    assert PitchInvitation.objects.count() == 0


def test_it_refuses_an_invitation_list_naming_an_investor_twice(
    pitch: Any, alice: Any, investors: list[Any], client_for: Any
) -> None:
    """Once a database error (the demo with seed 3 invited a partner fund it had also sampled);
    now a clear refusal, nothing written, by the service and by the page."""
    with pytest.raises(ValidationError) as refused:
        roadshows.pitch_invite(
            pitch=pitch, investors=[investors[0], investors[1], investors[0]], by=alice
        )
    assert refused.value.messages == ["“锦城医疗创业投资基金”在邀请名单中出现了两次"]
    assert PitchInvitation.objects.count() == 0
    from django.urls import reverse

    response = client_for(alice).post(
        reverse("capital:pitch-invite", args=[pitch.pk]),
        {"investors": [investors[1].pk, investors[1].pk]},
        follow=True,
    )
    assert "在邀请名单中出现了两次" in response.content.decode()
    assert PitchInvitation.objects.count() == 0


def test_the_demo_invites_a_sampled_partner_fund_once(investors: list[Any]) -> None:
    from yiqiao.capital.demo import with_partner

    a, b, c = investors
    assert [o.pk for o in with_partner([c, a, b], c)] == [a.pk, c.pk, b.pk]
    assert [o.pk for o in with_partner([a, b], c)] == [a.pk, c.pk, b.pk]
    assert [o.pk for o in with_partner([a, c, b], c)] == [a.pk, c.pk, b.pk]


def test_it_refuses_feedback_from_an_investor_not_invited(
    pitch: Any, alice: Any, investors: list[Any], iris: Any
) -> None:
    roadshows.pitch_invite(pitch=pitch, investors=[investors[0]], by=alice)
    data = FeedbackInput("high", "meeting", TODAY, [])
    with pytest.raises(ValidationError) as refused:
        roadshows.feedback_record(pitch=pitch, investor=investors[1], data=data, by=iris)
    assert refused.value.messages == ["“蓉江生物医药产业基金”未受邀参加该项目的路演，不能提交反馈"]
    assert InvestorFeedback.objects.count() == 0


def test_it_asks_for_reasons_when_an_investor_passes(
    pitch: Any, alice: Any, investors: list[Any], ivan: Any
) -> None:
    roadshows.pitch_invite(pitch=pitch, investors=[investors[0]], by=alice)
    with pytest.raises(ValidationError) as refused:
        roadshows.feedback_record(
            pitch=pitch,
            investor=investors[0],
            data=FeedbackInput("none", "pass", TODAY, []),
            by=ivan,
        )
    assert refused.value.messages == ["选择“暂不考虑”时请至少选择一项原因，企业据此改进"]
    feedback = roadshows.feedback_record(
        pitch=pitch,
        investor=investors[0],
        data=FeedbackInput("none", "pass", TODAY, ["valuation", "stage"]),
        by=ivan,
    )
    assert feedback.pass_reasons == ["stage", "valuation"]


def test_it_reminds_before_the_limit_and_daily_once_overdue(
    pitch: Any, alice: Any, investors: list[Any]
) -> None:
    roadshows.pitch_invite(pitch=pitch, investors=investors[:2], by=alice)
    due = pitch.feedback_due_on
    assert roadshows.feedback_remind(on=due - dt.timedelta(days=4)) == 0
    assert roadshows.feedback_remind(on=due - dt.timedelta(days=2)) == 2
    assert roadshows.feedback_remind(on=due - dt.timedelta(days=2)) == 0
    assert roadshows.feedback_remind(on=due + dt.timedelta(days=1)) == 2
    overdue = FeedbackReminder.objects.filter(kind="overdue").order_by("id").first()
    assert (
        overdue.message
        == "“锦城医疗创业投资基金”对“化学发光免疫诊断平台B轮融资”路演的反馈已超期1天"
    )


def _to_close(pitch: Any, alice: Any, investors: list[Any], ivan: Any) -> None:
    roadshows.pitch_invite(pitch=pitch, investors=investors[:2], by=alice)
    roadshows.feedback_record(
        pitch=pitch,
        investor=investors[0],
        data=FeedbackInput("high", "meeting", TODAY, []),
        by=ivan,
    )
    deals.meeting_record(
        need=pitch.need, investor=investors[0], kind="first", held_on=TODAY, by=ivan
    )
    deals.term_sheet_record(
        need=pitch.need,
        investor=investors[0],
        data=TermSheetInput(TODAY, Decimal("80000000"), "CNY", is_lead=True),
        by=ivan,
    )


def test_it_refuses_a_close_larger_than_the_round(
    pitch: Any, alice: Any, investors: list[Any], ivan: Any
) -> None:
    _to_close(pitch, alice, investors, ivan)
    data = CloseInput(
        closed_on=TODAY,
        amount=Decimal("250000000"),
        shares=[ShareInput(investors[0], Decimal("250000000"), True)],
        evidence_kind="register_change",
        evidence_ref="工商变更登记 2025-05-06",
    )
    with pytest.raises(ValidationError) as refused:
        deals.close_record(need=pitch.need, data=data, by=ivan)
    assert refused.value.messages == [
        "交割金额2.5亿元超过本轮融资额2亿元，请核对金额或先修改融资需求"
    ]
    need = FinancingNeed.objects.get(pk=pitch.need.pk)
    assert need.closed_amount == Decimal("0")
    assert Close.objects.count() == 0
    assert PortfolioHolding.objects.count() == 0


def test_it_records_a_close_and_follows_it_into_portfolio_fund_and_funnel(
    pitch: Any, alice: Any, investors: list[Any], ivan: Any, regions: Any
) -> None:
    fund = funds.fund_create(
        data=funds.FundInput(
            organisation=investors[0],
            kind="guidance",
            region=regions["district"],
            size_yuan=Decimal("500000000"),
            district_commitment_yuan=Decimal("100000000"),
            established_on=TODAY - dt.timedelta(days=400),
            return_ratio=Decimal("1.5"),
            return_basis="district_contribution",
            agreement_ref="合伙协议第十二条",
        ),
        by=alice,
    )
    _to_close(pitch, alice, investors, ivan)
    data = CloseInput(
        closed_on=TODAY,
        amount=Decimal("120000000"),
        shares=[
            ShareInput(investors[0], Decimal("80000000"), True),
            ShareInput(investors[1], Decimal("40000000"), False),
        ],
        evidence_kind="agreement",
        evidence_ref="B轮增资协议",
    )
    close = deals.close_record(need=pitch.need, data=data, by=ivan)
    need = FinancingNeed.objects.get(pk=pitch.need.pk)
    assert (need.closed_amount, need.status) == (Decimal("120000000.00"), "published")
    assert close.lead == investors[0]
    holding = PortfolioHolding.objects.get(investor=investors[0])
    assert (holding.company_name, holding.round, holding.source) == (
        "桐华精准诊断科技有限公司",
        "B",
        "close",
    )
    investment = FundInvestment.objects.get()
    assert (investment.fund, investment.close, investment.is_district_company) == (
        fund,
        close,
        True,
    )
    result = queries.pitch_funnel(user=alice, event=pitch.event)
    assert result.total.counts == [2, 1, 1, 1, 2]
    assert [r.label for r in result.by_investor] == ["锦城医疗创业投资基金", "蓉江生物医药产业基金"]
    ledger, _ = queries.fund_ledger(fund, alice)
    assert ledger.realised_amount == Decimal("80000000.00")
    assert ledger.required_amount == Decimal("150000000.00")


def test_it_refuses_a_meeting_with_an_investor_not_engaged(
    published: Any, alice: Any, investors: list[Any]
) -> None:
    with pytest.raises(ValidationError) as refused:
        deals.meeting_record(
            need=published, investor=investors[2], kind="first", held_on=TODAY, by=alice
        )
    assert refused.value.messages == [
        "“西岭健康天使基金”与该融资需求尚未建立对接（未完成双向引荐，也未受邀路演），不能登记"
    ]
