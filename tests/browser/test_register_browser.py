"""A person walks the register: log in, search, open an enterprise, import a file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from tests.browser.conftest import login
from yiqiao.core.models import AuditEvent
from yiqiao.registry.models import Contact, Organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def register(org_factory: Any, regions: Any) -> dict[str, Any]:
    kangrui = org_factory(
        "锦城康瑞生物科技有限公司",
        uscc="91350100M000100Y43",
        aliases=["康瑞生物"],
        park=regions["park"],
        headcount=86,
        is_high_tech=True,
    )
    Contact.objects.create(organisation=kangrui, name="林晓", phone="13812345678")
    org_factory("桐华微创医疗器械有限公司", headcount=30)
    org_factory("北山区某药业有限公司", region=regions["other"], owner_unit=None)
    return {"kangrui": kangrui}


def test_it_lets_an_officer_search_open_and_import(
    page: Any, live_server: Any, alice: Any, register: dict[str, Any], tmp_path: Path
) -> None:
    login(page, live_server, "alice", PASSWORD)
    page.click("text=机构名录")
    # the outsider's record is not listed
    expect(page.locator("table.grid tbody tr")).to_have_count(2)

    page.fill("input[name=q]", "康瑞")
    expect(page.locator("table.grid tbody tr")).to_have_count(1)
    assert "q=%E5%BA%B7%E7%91%9E" in page.url  # htmx pushed the search into the address bar
    page.click("text=锦城康瑞生物科技有限公司")
    page.wait_for_selector("h1:has-text('锦城康瑞生物科技有限公司')")
    assert page.locator("dd", has_text="91350100M000100Y43").count() == 1
    assert page.locator("#contacts", has_text="13812345678").count() == 1

    before = list(Organisation.objects.order_by("pk").values())
    audit_before = AuditEvent.objects.count()
    csv_file = tmp_path / "机构导入.csv"
    csv_file.write_text(
        "名称*,类型,统一社会信用代码,注册区域*,员工人数\n"
        "锦城新材医疗科技有限公司,企业,,tp.jc.th,20\n"
        "锦城坏码生物有限公司,企业,91350100M000100Y44,tp.jc.th,15\n",
        encoding="gbk",
    )
    page.click("text=导入")
    page.set_input_files("input[type=file]", str(csv_file))
    page.click("button:has-text('上传并校验')")
    page.wait_for_selector("#import-errors")
    error_row = page.locator("#import-errors tbody tr")
    assert error_row.count() == 1
    assert "第18位校验码错误" in error_row.inner_text()
    assert page.locator("#count-error").inner_text() == "1"
    assert page.locator("button:has-text('确认导入')").count() == 0  # all-or-nothing not offered
    page.click("button:has-text('取消导入')")
    page.wait_for_selector("text=已取消本次导入")
    assert list(Organisation.objects.order_by("pk").values()) == before
    assert AuditEvent.objects.count() == audit_before


def test_it_refuses_an_outsider(
    page: Any, live_server: Any, charlie: Any, register: dict[str, Any]
) -> None:
    login(page, live_server, "charlie", PASSWORD)
    page.goto(live_server.url + "/registry/organisations/")
    assert page.locator("table.grid", has_text="锦城康瑞").count() == 0
    response = page.goto(live_server.url + f"/registry/organisations/{register['kangrui'].pk}/")
    assert response.status == 404
    response = page.goto(
        live_server.url + f"/registry/organisations/{register['kangrui'].pk}/edit/"
    )
    assert response.status == 404


def test_it_shows_login_errors_in_chinese(page: Any, live_server: Any, alice: Any) -> None:
    login(page, live_server, "alice", "wrong-password")
    assert page.locator("[role=alert]").inner_text() == "用户名或密码错误，请重试。"
