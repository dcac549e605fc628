"""Each role's first page shows its own work."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.conf import settings

from conftest import make_user

pytestmark = pytest.mark.django_db


def test_it_shows_an_officer_the_overdue_needs_of_the_unit_and_stalled_projects(
    client_for: Any, alice: Any, history: dict[str, Any]
) -> None:
    from yiqiao.projects.models import Project

    d1, d2, d3 = history["demands"]
    Project.objects.filter(pk=history["projects"][2].pk).update(
        stage_entered_on=history["today"] - dt.timedelta(days=120)
    )
    html = client_for(alice).get("/").content.decode()
    overdue = html.split('id="panel-overdue-needs"')[1].split("</section>")[0]
    assert f"/demands/{d2.pk}/" in overdue
    assert f"/demands/{d1.pk}/" not in overdue and f"/demands/{d3.pk}/" not in overdue
    stuck = html.split('id="panel-stuck"')[1].split("</section>")[0]
    assert "细胞治疗中试平台" in stuck
    assert "机构" in html  # the register's figures stay on the page


def test_it_shows_an_enterprise_its_own_needs_only(
    client_for: Any, history: dict[str, Any]
) -> None:
    from yiqiao.accounts.models import User

    d1, d2, d3 = history["demands"]
    html = client_for(User.objects.get(username="dora")).get("/").content.decode()
    mine = html.split('id="panel-my-needs"')[1].split("</section>")[0]
    assert f"/demands/{d1.pk}/" in mine and f"/demands/{d2.pk}/" in mine
    assert f"/demands/{d3.pk}/" not in mine


def test_it_shows_a_platform_the_projects_booking_its_services_and_no_others(
    client_for: Any, alice: Any, org_factory: Any, units: dict[str, Any], regions: dict[str, Any]
) -> None:
    from yiqiao.projects import services
    from yiqiao.projects.models import TranslationProject
    from yiqiao.registry.models import Organisation, Service

    platform = org_factory("启衡概念验证中心", kind=Organisation.Kind.PLATFORM)
    other = org_factory("另一CRO平台", kind=Organisation.Kind.PLATFORM)
    service = Service.objects.create(provider=platform, name="概念验证评估")
    Service.objects.create(provider=other, name="临床前CRO")
    university = org_factory("锦城医科大学", kind=Organisation.Kind.UNIVERSITY)
    booked = services.translation_create(
        data={
            "title": "新型抗菌肽",
            "origin": university,
            "team_lead": "王教授",
            "product_type": "drug",
            "landing_region": regions["park"],
        },
        by=alice,
    )
    services.service_booking_create(
        project=booked, service=service, booked_on=dt.date(2026, 3, 1), by=alice
    )
    services.translation_create(
        data={
            "title": "别家的项目",
            "origin": university,
            "team_lead": "李教授",
            "product_type": "drug",
            "landing_region": regions["park"],
        },
        by=alice,
    )
    operator = make_user("pat", units["portal"], "platform", organisation=platform)
    client = client_for(operator)
    html = client.get("/").content.decode()
    assert "概念验证评估" in html and "临床前CRO" not in html
    assert "新型抗菌肽" in html and "别家的项目" not in html
    # A service links to the platform's own page (its services), which the operator may open.
    section = html.split('id="panel-services"')[1].split("</section>")[0]
    links = re.findall(r'<li><a href="([^"]+)">概念验证评估</a>', section)
    assert links == [f"/registry/organisations/{platform.pk}/"]
    assert client.get(links[0]).status_code == 200
    assert list(TranslationProject.objects.restrict(operator, "change")) == []


def _count(html: str, panel: str) -> int:
    section = html.split(f'id="panel-{panel}"')[1].split("</section>")[0]
    return int(section.split('class="muted count">')[1].split("<")[0])


def _all_link(html: str, panel: str) -> str:
    section = html.split(f'id="panel-{panel}"')[1].split("</section>")[0]
    return section.split('class="all" href="')[1].split('"')[0].replace("&amp;", "&")


def test_each_home_count_is_the_count_of_the_list_its_link_opens(
    client_for: Any, alice: Any, history: dict[str, Any], units: dict[str, Any], regions: Any
) -> None:
    """QA found 29 overdue needs on the home page and 35 on the list it links to, and 26 stuck
    projects at home against 35 in the cockpit: one definition and one query serve both."""
    from django.utils import timezone

    from yiqiao.demands import services as demand_services
    from yiqiao.projects import services as project_services
    from yiqiao.projects.models import Project

    today = history["today"]
    d1, d2, d3 = history["demands"]
    # A colleague's overdue need (same unit, assigned to him): the unit's, not alice's own.
    bert = make_user("bert", units["bureau"], "officer")
    d4 = demand_services.demand_submit(
        by=alice,
        organisation=d1.organisation,
        category="space",
        text="需要实验动物房200平方米。",
        now=timezone.now() - dt.timedelta(days=30),
    ).demand
    demand_services.demand_accept(demand=d4, by=alice)
    demand_services.demand_assign(demand=d4, assignee=bert, by=alice)
    # Stuck projects: alice's own and a colleague's, both in the bureau's district.
    theirs = project_services.project_create(
        data={"title": "同事负责的停滞项目", "target_region": regions["park"]}, by=bert
    )
    Project.objects.filter(pk__in=[history["projects"][2].pk, theirs.pk]).update(
        stage_entered_on=today - dt.timedelta(days=120)
    )
    # That raw edit bypassed the project services, which keep the cockpit's summary rows;
    # rebuild them as `yiqiao kpis rebuild` does after a change made outside the services.
    from yiqiao.projects import summary

    summary.rebuild()

    client = client_for(alice)
    html = client.get("/").content.decode()
    overdue = _count(html, "overdue-needs")
    inbox = client.get(_all_link(html, "overdue-needs")).content.decode()
    assert f"共 {overdue} 条需求" in inbox
    assert f"/demands/{d2.pk}/" in inbox and f"/demands/{d4.pk}/" not in inbox
    everything = client.get("/demands/?time_status=overdue").content.decode()
    assert f"/demands/{d4.pk}/" in everything  # the unit's list is wider, and says so

    stuck = _count(html, "stuck")
    assert stuck == 2
    records = client.get(_all_link(html, "stuck")).content.decode()
    assert f'<span id="record-count">{stuck}</span>' in records
    cockpit = client.get("/cockpit/").content.decode()
    tile = cockpit.split('data-key="projects.stalled"')[1].split("</article>")[0]
    assert f">{stuck}个<" in tile


def test_it_shows_an_enterprise_the_policies_it_qualifies_for_and_what_is_missing(
    client_for: Any,
    tmp_path: Any,
    regions: dict[str, Any],
    units: dict[str, Any],
    org_factory: Any,
) -> None:
    """The enterprise home's policy panel: a policy the organisation qualifies for, with its
    amount; one it would qualify for with more data, naming the missing data; none for
    another organisation's figures."""
    from decimal import Decimal

    from yiqiao.policies.profiles import field_dictionary
    from yiqiao.policies.tests.app_support import sync, write_library

    sync(write_library(tmp_path / "lib"), region=regions["district"])
    funded = org_factory("锦城康瑞生物科技有限公司", rd_spend_yuan=Decimal("60000000"))
    bare = org_factory("桐华新创医药有限公司")

    def panel(org: Any, name: str) -> str:
        user = make_user(name, units["portal"], "enterprise", organisation=org)
        html = client_for(user).get("/").content.decode()
        return html.split('id="panel-policies"')[1].split("</section>")[0]

    qualified = panel(funded, "erin")
    rd = qualified.split("测试研发投入补助")[1].split("</li>")[0]
    assert "符合条件" in rd and "500.00万元" in rd  # formatted, never the raw 5000000
    assert "补充资料后可享受" not in rd

    missing = panel(bare, "fred")
    rd = missing.split("测试研发投入补助")[1].split("</li>")[0]
    assert "补充资料后可享受" in rd and "符合条件" not in rd
    assert "缺少：" + str(field_dictionary()["rd_spend_yuan"].label) in rd
    assert "500.00万元" not in missing

    # In English the amount, the missing data's name and the punctuation read in English.
    english = make_user("gina", units["portal"], "enterprise", organisation=bare)
    client = client_for(english)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/").content.decode()
    rd = html.split('id="panel-policies"')[1].split("测试研发投入补助")[1].split("</li>")[0]
    assert "Missing: R&amp;D spending last year" in rd, rd
    english_funded = make_user("hank", units["portal"], "enterprise", organisation=funded)
    client = client_for(english_funded)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/").content.decode()
    rd = html.split('id="panel-policies"')[1].split("测试研发投入补助")[1].split("</li>")[0]
    assert "5.00M yuan" in rd, rd
