"""Searchable pickers as an officer uses them: type part of a Chinese name, choose from the list
with the keyboard or the mouse, save; the record keeps what was chosen."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from tests.browser.conftest import login
from yiqiao.core.widgets import SMALL_SET

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_picks_an_investor_and_a_company_by_typing_part_of_their_names(
    page: Any, live_server: Any, alice: Any, org_factory: Any, regions: Any, units: Any
) -> None:
    from yiqiao.projects.models import Project
    from yiqiao.registry.models import Organisation

    # More organisations than a plain select shows: the picker renders only what is chosen.
    for i in range(SMALL_SET + 5):
        org_factory(f"桐华第{i}号医药有限公司")
    fund = org_factory("沪上康瑞医药创业投资基金", kind=Organisation.Kind.INVESTOR)
    company = org_factory("锦城康瑞生物科技有限公司")
    org_factory("北山康瑞医药有限公司", region=regions["other"], owner_unit=units["outsider"])
    login(page, live_server, "alice", PASSWORD)

    page.goto(live_server.url + "/projects/new/")
    page.fill("input[name=title]", "康瑞抗体药物产业化基地")
    investors = page.get_by_role("combobox", name="投资方")
    investors.fill("康瑞")
    options = page.locator("#id_investors_list [role=option]")
    expect(options).to_have_count(2)  # the fund and the company; not the other district's
    expect(page.locator("#id_investors_list")).not_to_contain_text("北山")
    investors.fill("康瑞医药创业")
    expect(options).to_have_count(1)
    investors.press("ArrowDown")
    investors.press("Enter")
    expect(page.locator(".picker-chip")).to_contain_text("沪上康瑞医药创业投资基金")

    company_box = page.get_by_role("combobox", name="落地企业")
    company_box.fill("锦城康瑞")
    page.locator("#id_registered_company_list [role=option]", has_text="锦城康瑞").click()
    expect(company_box).to_have_value("锦城康瑞生物科技有限公司")
    page.locator("form button.primary[type=submit]").click()
    page.wait_for_load_state("networkidle")

    project = Project.objects.get(title="康瑞抗体药物产业化基地")
    assert list(project.investors.all()) == [fund]
    assert project.registered_company == company
