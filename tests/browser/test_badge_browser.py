"""The event badge carries a QR code of its check-in address and fits a 390 px phone."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import segno

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_it_shows_a_scannable_badge_on_a_phone(browser: Any, live_server: Any, alice: Any) -> None:
    from yiqiao.events import services

    event = services.event_create(
        by=alice,
        title="桐华区生物医药产业推介会（上海·张江）暨重点项目集中签约仪式",
        kind="promotion",
        city="上海",
        venue="浦东新区张江科学会堂一号报告厅",
        starts_on=dt.date(2026, 3, 10),
        is_invitation_only=False,
    )
    registration = services.registration_submit(
        event=event,
        organisation_name="锦城康瑞生物医药科技发展（集团）股份有限公司上海研发中心",
        uscc="",
        contact_name="张三",
        contact_phone="13800000000",
    ).registration
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, device_scale_factor=2
    )
    page = context.new_page()
    url = (
        f"{live_server.url}/events/r/{event.registration_token}/badge/{registration.checkin_token}/"
    )
    page.goto(url)
    qr = page.locator("#badge-qr svg.qr")
    assert qr.count() == 1
    checkin_url = f"{live_server.url}/events/checkin/{registration.checkin_token}/"
    expected = segno.make(checkin_url, error="m").svg_inline(scale=4, omitsize=True)
    drawn = qr.locator("path").get_attribute("d")
    assert drawn is not None and f'd="{drawn}"' in expected
    box = qr.bounding_box()
    assert box is not None and 150 <= box["width"] <= 240
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "badge-390.png"), full_page=True)
    context.close()
