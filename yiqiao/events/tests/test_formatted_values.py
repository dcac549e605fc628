"""Raw values never reach users (issue 10): signed amounts read as money in either language."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from yiqiao.core.templatetags.yiqiao import money
from yiqiao.events import services

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("amount", "currency", "language", "text"),
    [
        ("50000000.00", "CNY", "zh-hans", "5,000.00万元"),
        ("357000000", "CNY", "zh-hans", "3.57亿元"),
        ("12000000", "USD", "zh-hans", "1,200.00万美元"),
        ("50000000.00", "CNY", "en", "50.00M yuan"),
        ("12000000", "USD", "en", "12.00M USD"),
        (None, "CNY", "zh-hans", "—"),
    ],
)
def test_it_formats_money(amount: Any, currency: str, language: str, text: str) -> None:
    from django.utils import translation

    with translation.override(language):
        assert money(amount, currency) == text


def test_it_shows_signed_amounts_as_money_on_the_event_pages(
    client_for: Any, alice: Any, event: Any, two_orgs: Any
) -> None:
    from yiqiao.events import services

    services.event_signing_record(
        event=event,
        by=alice,
        agreement_type="investment",
        amount=Decimal("50000000.00"),
        currency="CNY",
        parties="桐华区投资促进局、康源医疗",
        new_project_title="康源医疗高端影像设备生产基地",
        investor=two_orgs[0],
    )
    client = client_for(alice)
    for url in (f"/events/{event.pk}/signings/", f"/events/{event.pk}/report/"):
        page = client.get(url).content.decode()
        assert "5,000.00万元" in page, url
        assert "50000000" not in page, url
        assert " CNY" not in page, url


def test_it_shows_meeting_times_not_slot_numbers(
    client_for: Any, alice: Any, event: Any, pair: list[Any]
) -> None:
    import re

    services.request_create(event=event, by=alice, requester_id=pair[0].pk, invitee_id=pair[1].pk)
    schedule = services.schedule_run(event=event, by=alice, time_limit_s=1)
    services.schedule_publish(schedule=schedule, by=alice)
    meeting = schedule.meetings.get()
    page = client_for(alice).get(f"/events/{event.pk}/meetings/").content.decode()
    table = re.search(r'<table class="grid" id="meeting-table">(.*?)</table>', page, re.S)
    assert table is not None
    first_cell = re.search(r"<tbody>\s*<tr><td>([^<]*)</td>", table.group(1))
    assert first_cell is not None
    assert first_cell.group(1) == event.slot_label(meeting.slot)
    assert re.fullmatch(r"\d\d:\d\d–\d\d:\d\d", first_cell.group(1))


def test_an_events_signed_amounts_read_in_english() -> None:
    """The event page's headline said "0 亿元" in English mode."""
    from django.utils import translation

    from yiqiao.events.queries import Headline

    figures = Headline(projects=2, amounts={"CNY": Decimal("150000000"), "USD": Decimal("1e7")})
    with translation.override("en"):
        assert figures.amount_text() == "150.00M yuan, 10.00M USD"
        assert Headline().amount_text() == "0.00 yuan"
    with translation.override("zh-hans"):
        assert figures.amount_text() == "1.50 亿元，0.10 亿USD"
        assert Headline().amount_text() == "0 亿元"
