"""A repeat signing on an event's report is flagged with its evidence, which names the earlier
project only for readers who may see it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from yiqiao.events import queries, services
from yiqiao.projects import services as project_services

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
PARTIES = "桐华区人民政府、沪上示例医药投资有限公司"


def test_the_report_flags_a_repeat_and_hides_what_the_reader_may_not_see(
    alice: Any, bob: Any, regions: Any, client_for: Any
) -> None:
    original = project_services.project_create(
        data={"title": "区局登记的抗体药物基地", "target_region": regions["district"]}, by=alice
    )
    project_services.signing_record(
        project=original,
        signed_on=TODAY - dt.timedelta(days=100),
        agreement_type="investment",
        amount=Decimal("300000000"),
        currency="CNY",
        signatories=PARTIES,
        by=alice,
        event_ref="上海推介会",
    )
    event = services.event_create(
        by=bob, title="园区秋季签约仪式", kind="signing", city="锦城",
        starts_on=TODAY - dt.timedelta(days=10),
    )  # fmt: skip
    record = services.event_signing_record(
        event=event,
        by=bob,
        agreement_type="investment",
        amount=Decimal("300000000"),
        currency="CNY",
        parties=PARTIES,
        new_project_title="园区登记的抗体药物基地",
    )
    assert record.signing.repeat_of_id is not None
    record.project.refresh_from_db()
    assert (record.project.signed_on, record.project.signed_amount) == (None, 0)  # counted once
    figures, rows = queries.headline(event, alice)
    assert figures.amounts == {} and rows[0].is_repeat
    assert "区局登记的抗体药物基地" in rows[0].repeat_evidence
    # the park officer sees his event, not the bureau's project: date and amount, no name
    _figures, rows = queries.headline(event, bob)
    assert rows[0].is_repeat and "区局登记" not in rows[0].repeat_evidence
    assert "其他单位" in rows[0].repeat_evidence
    html = client_for(bob).get(reverse("events:report", args=[event.pk])).content.decode()
    assert "重复签约" in html and "区局登记" not in html and "上海推介会" not in html


def test_repeat_evidence_reads_amounts_as_money_in_either_language(
    alice: Any, regions: Any, client_for: Any
) -> None:
    from django.utils import translation

    first_event = services.event_create(
        by=alice, title="锦城生物医药春季推介会", kind="signing", city="锦城",
        starts_on=TODAY - dt.timedelta(days=60),
    )  # fmt: skip
    again_event = services.event_create(
        by=alice, title="桐华区秋季集中签约", kind="signing", city="锦城",
        starts_on=TODAY - dt.timedelta(days=5),
    )  # fmt: skip
    first = services.event_signing_record(
        event=first_event,
        by=alice,
        agreement_type="investment",
        amount=Decimal("68000000"),
        currency="CNY",
        parties=PARTIES,
        new_project_title="细胞治疗中试基地",
    )
    services.event_signing_record(
        event=again_event,
        by=alice,
        agreement_type="investment",
        amount=Decimal("68000000"),
        currency="CNY",
        parties=PARTIES,
        project=first.project,
    )
    client = client_for(alice)
    for name in ("events:signings", "events:report"):
        html = client.get(reverse(name, args=[again_event.pk])).content.decode()
        evidence = html.split('class="muted repeat-evidence">', 1)[1].split("</small>", 1)[0]
        assert "6,800.00万元" in evidence, name
        assert "68000000" not in html and "CNY" not in evidence, name
    _figures, rows = queries.headline(again_event, alice)
    with translation.override("en"):
        _figures, rows = queries.headline(again_event, alice)
    assert "68.00M yuan" in rows[0].repeat_evidence
