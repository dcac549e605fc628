"""Cockpit figures: value and the records behind it agree."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from yiqiao.capital import kpis
from yiqiao.capital.models import Close, PitchInvitation
from yiqiao.capital.services import deals, roadshows
from yiqiao.capital.services.deals import CloseInput, ShareInput
from yiqiao.capital.services.roadshows import FeedbackInput

TODAY = dt.date.today()


@pytest.fixture
def pitched(roadshow: Any, published: Any, alice: Any, investors: list[Any], ivan: Any) -> Any:
    pitch = roadshows.pitch_book(event=roadshow, need=published, by=alice)
    roadshows.pitch_invite(pitch=pitch, investors=investors, by=alice)
    on_time = roadshow.starts_on + dt.timedelta(days=3)
    late = roadshow.starts_on + dt.timedelta(days=16)
    roadshows.feedback_record(
        pitch=pitch,
        investor=investors[0],
        data=FeedbackInput("high", "meeting", on_time, []),
        by=ivan,
    )
    roadshows.feedback_record(
        pitch=pitch,
        investor=investors[1],
        data=FeedbackInput("medium", "watch", late, []),
        by=alice,
    )
    deals.close_record(
        need=published,
        data=CloseInput(
            closed_on=TODAY,
            amount=Decimal("50000000"),
            shares=[ShareInput(investors[0], Decimal("50000000"), True)],
            evidence_kind="agreement",
            evidence_ref="增资协议",
        ),
        by=alice,
    )
    return pitch


def test_it_sums_the_closes_and_lists_them(pitched: Any, regions: Any) -> None:
    year = kpis.financing_closed(
        start=TODAY.replace(month=1, day=1), end=TODAY, region=regions["district"]
    )
    assert year.value == Decimal("50000000")
    assert year.records.ids == tuple(Close.objects.values_list("pk", flat=True))
    other = kpis.financing_closed(start=TODAY, end=TODAY, region=regions["other"])
    assert (other.value, other.why_empty) == (Decimal("0"), "期间内没有登记交割")


def test_it_counts_feedback_within_the_limit_among_invitations_past_it(pitched: Any) -> None:
    start = pitched.pitched_on - dt.timedelta(days=1)
    rate = kpis.feedback_rate(start=start, end=TODAY)
    invitations = list(PitchInvitation.objects.order_by("pk").values_list("pk", flat=True))
    assert rate.denominator.ids == tuple(invitations)
    assert rate.numerator.ids == (invitations[0],)
    assert rate.value == pytest.approx(1 / 3)
    assert rate.as_json()["numerator"] == {
        "model": "capital.PitchInvitation",
        "ids": [invitations[0]],
    }
    not_yet = kpis.feedback_rate(
        start=start, end=TODAY, as_of=pitched.pitched_on + dt.timedelta(days=5)
    )
    assert (not_yet.value, not_yet.why_empty) == (None, "期间内没有反馈期限已届满的路演邀请")
