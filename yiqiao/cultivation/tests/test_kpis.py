"""The cockpit counts the ladder: new recognitions, approvals and teams, with their records and
the region's cultivation target."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from yiqiao.cultivation import services
from yiqiao.dashboard.kpis.context import KpiContext
from yiqiao.dashboard.kpis.registry import spec

pytestmark = pytest.mark.django_db


def test_it_counts_new_specialised_against_the_target(
    client_for: Any, alice: Any, admin_user: Any, org_factory: Any, regions: Any
) -> None:
    today = timezone.localdate()
    org = org_factory("桐华精工医疗科技有限公司", is_high_tech=True)
    day = max(dt.date(today.year, 1, 1), today - dt.timedelta(days=5))
    recognition = services.recognition_record(
        organisation=org,
        data=services.RecognitionInput(
            rung="specialised", recognised_on=day, certificate_number="ZJTX-9"
        ),
        by=alice,
    )
    services.target_set(
        region=regions["district"], year=today.year, metric="new_specialised", target=12,
        by=admin_user,
    )  # fmt: skip
    figure = spec("cultivation.new_specialised")
    assert figure is not None
    kpi = figure.compute(KpiContext.year_to_date(today, user=alice))
    assert (kpi.value, kpi.target) == (1, Decimal(12))
    assert kpi.records is not None and kpi.records.ids == (recognition.pk,)
    outsider = figure.compute(KpiContext.year_to_date(today, region=regions["other"]))
    assert outsider.value == 0
    page = client_for(alice).get("/cockpit/kpi/cultivation.new_specialised/").content.decode()
    found = re.search(r'<span id="record-count">(\d+)</span>', page)
    assert found is not None and found.group(1) == "1"
    assert org.name in page
