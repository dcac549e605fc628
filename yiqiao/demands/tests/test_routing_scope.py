"""Routing rules and time limits act only in the region of the admin who sets them (issue 10,
H1: a rule set with no region by one district's admin routed an outsider's need to that
district's park, whose officer read and accepted it), and the routing page adds a rule from its
own form (issue 10: the page could not add one)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from conftest import make_user
from yiqiao.demands import services
from yiqiao.demands.engine import sla
from yiqiao.demands.models import RoutingRule

pytestmark = pytest.mark.django_db

MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
TEXT = "我们需要1000平方米左右的GMP厂房，用于体外诊断试剂扩产。"


def _options(page: str, name: str) -> dict[str, str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert select is not None, f"the page has no {name} choice"
    return dict(re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1)))


def test_an_admin_adds_a_rule_with_the_pages_own_form(
    admin_user: Any, alice: Any, units: Any, regions: Any, client_for: Any
) -> None:
    url = reverse("demands:routing")
    client = client_for(admin_user)
    page = client.get(url).content.decode()
    units_offered = _options(page, "unit")
    regions_offered = _options(page, "region")
    assert units_offered[str(units["park"].pk)] == "转化医学产业园管委会"
    assert units["outsider"].name not in units_offered.values()
    assert regions_offered[str(regions["park"].pk)] == regions["park"].name
    assert regions["other"].name not in regions_offered.values()
    assert "space" in _options(page, "category")

    added = client.post(
        url,
        {
            "form": "rule",
            "category": "space",
            "region": str(regions["park"].pk),
            "unit": str(units["park"].pk),
        },
        follow=True,
    ).content.decode()
    rules = re.search(r'<table[^>]*id="rules".*?</table>', added, re.S)
    assert rules is not None
    assert "转化医学产业园管委会" in rules.group(0)
    assert regions["park"].name in rules.group(0)
    rule = RoutingRule.objects.get()
    assert (rule.category, rule.region, rule.unit) == ("space", regions["park"], units["park"])

    # an officer reads the rules but is offered no form to change them
    officer_page = client_for(alice).get(url).content.decode()
    assert "转化医学产业园管委会" in officer_page
    assert 'name="form" value="rule"' not in officer_page


def test_one_districts_rule_and_time_limits_never_reach_another_districts_needs(
    admin_user: Any,
    bob: Any,
    charlie: Any,
    units: Any,
    regions: Any,
    org_factory: Any,
    client_for: Any,
) -> None:
    url = reverse("demands:routing")
    admin = client_for(admin_user)
    # the district's admin leaves the region empty (as the finding did) and sets time limits
    admin.post(url, {"form": "rule", "category": "space", "region": "", "unit": units["park"].pk})
    admin.post(url, {"form": "sla", "category": "space", "accept_days": "3", "respond_days": "9"})

    ours = org_factory("桐华本地诊断有限公司", park=regions["park"], owner_unit=units["park"])
    theirs = org_factory(
        "北山外区生物有限公司", region=regions["other"], owner_unit=units["outsider"]
    )
    ours_user = make_user("olly", units["portal"], "enterprise", organisation=ours)
    theirs_user = make_user("tess", units["outsider"], "enterprise", organisation=theirs)
    mine = services.demand_submit(
        by=ours_user, organisation=ours, category="space", text=TEXT, now=MONDAY
    ).demand
    other = services.demand_submit(
        by=theirs_user,
        organisation=theirs,
        category="space",
        text="北山外区求租800平方米洁净车间，用于细胞治疗中试。",
        now=MONDAY,
    ).demand

    start = MONDAY.date()
    assert mine.unit == units["park"]
    assert (mine.accept_due, mine.respond_due) == (
        sla.add_working_days(start, 3),
        sla.add_working_days(start, 9),
    )
    # the other district's need stays with its own unit, on the platform's default limits
    assert other.unit == units["outsider"]
    assert (other.accept_due, other.respond_due) == (
        sla.add_working_days(start, 1),
        sla.add_working_days(start, 5),
    )
    park = client_for(bob)
    assert park.get(reverse("demands:demand-detail", args=[other.pk])).status_code == 404
    assert other.title not in park.get(reverse("demands:inbox")).content.decode()
    assert park.post(reverse("demands:accept", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.unit == units["outsider"] and other.state == "submitted"
    assert (
        client_for(charlie).get(reverse("demands:demand-detail", args=[other.pk])).status_code
        == 200
    )
