"""Browser walk of matching a need requirement by requirement (issue 13): an enterprise user
types a need in Traditional Chinese with typos; the form prefills area, rent and clean-room class
from the text; the officer's need page shows, for each suggested space, each requirement ✓ / ✗ /
? with the space's value; accepting one and recording the lease makes the space leased, and it is
no longer suggested to this need or to any other."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from conftest import ARTIFACTS, PASSWORD
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = ARTIFACTS
# 潔靜 (静 for 净) and 場房 (场 for 厂) are typos; the clause with 最好 is a preference
NEED = "我們需要潔靜場房約800平米，GMP C級，租金每平每天不超過1.5元，最好層高6米以上。"


def _space(regions: Any, units: Any, name: str, **attrs: Any) -> Any:
    from yiqiao.registry.models import Space

    values: dict[str, Any] = {
        "kind": "plant",
        "park": regions["park"],
        "total_area_m2": Decimal("3000"),
        "status": "available",
        "owner_unit": units["park"],
        "description": "园区标准厂房，可按GMP改造。",
    }
    values.update(attrs)
    return Space.objects.create(name=name, **values)


@pytest.fixture
def spaces(regions: Any, units: Any, rules: Any) -> dict[str, Any]:
    from yiqiao.demands import matching

    out = {
        # meets every requirement; 5 m clear height misses the preference (✗, still suggested)
        "fits": _space(
            regions,
            units,
            "转化医学园5号楼C级洁净厂房",
            available_area_m2=Decimal("900"),
            rent_yuan_per_m2_month=Decimal("42"),
            gmp=True,
            cleanroom_iso=7,
            floor_height_m=5.0,
        ),
        # meets what it records; its clean-room class is not recorded (?)
        "unknown": _space(
            regions,
            units,
            "转化医学园7号楼标准厂房",
            available_area_m2=Decimal("850"),
            rent_yuan_per_m2_month=Decimal("38"),
            gmp=True,
            floor_height_m=6.5,
        ),
        # breaks the rent ceiling (60 > 45 元/㎡·月): never suggested
        "too_dear": _space(
            regions,
            units,
            "转化医学园1号楼高端洁净厂房",
            available_area_m2=Decimal("800"),
            rent_yuan_per_m2_month=Decimal("60"),
            gmp=True,
            cleanroom_iso=7,
        ),
        # far too large (3,000 ㎡ for a need of about 800): never suggested
        "too_big": _space(
            regions,
            units,
            "转化医学园9号楼整栋厂房",
            available_area_m2=Decimal("3000"),
            rent_yuan_per_m2_month=Decimal("35"),
            gmp=True,
            cleanroom_iso=7,
        ),
    }
    matching.clear_cache()
    return out


def test_it_prefills_from_traditional_text_checks_each_requirement_and_leases(
    page: Any, live_server: Any, spaces: dict[str, Any], enterprise: Any, ent_user: Any, bob: Any
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    fits, unknown = spaces["fits"], spaces["unknown"]

    # The enterprise types its need; the form fills itself from the words.
    login(page, live_server, "dora", PASSWORD)
    page.goto(live_server.url + "/demands/new/")
    page.locator("textarea[name=text]").fill(NEED)
    expect(page.locator("input[name=area_min_m2]")).to_have_value("640")
    expect(page.locator("input[name=area_max_m2]")).to_have_value("960")
    expect(page.locator("input[name=rent_max_yuan_per_m2_month]")).to_have_value("45")
    expect(page.locator("select[name=cleanroom_iso]")).to_have_value("7")
    expect(page.locator("select[name=category]")).to_have_value("space")
    reading = page.locator("#need-reading")
    expect(reading).to_contain_text("租金 ≤ 45元/㎡/月")
    expect(reading).to_contain_text("「不超過1.5元」")
    expect(reading).to_contain_text("洁净等级 不低于 ISO 7（万级）")
    expect(reading).to_contain_text("（偏好，不作硬性要求）")
    page.screenshot(path=str(SHOTS / "need_intake_prefilled.png"), full_page=True)

    # The user corrects one prefilled field before saving; typing more text does not undo it.
    page.fill("input[name=area_min_m2]", "700")
    page.locator("textarea[name=text]").press("End")
    page.locator("textarea[name=text]").type("盡快入駐")
    page.wait_for_timeout(800)
    expect(page.locator("input[name=area_min_m2]")).to_have_value("700")
    page.get_by_role("button", name="提交需求").click()
    expect(page.locator(".messages")).to_contain_text("需求已提交")
    expect(page.locator("#need-requirements")).to_contain_text("可用面积 介于 700–960㎡")
    expect(page.locator("#need-requirements")).to_contain_text("（表单填写）")
    demand_url = page.url
    page.context.clear_cookies()

    # The park officer sees each suggested space's requirements, ✓ / ✗ / ? with its value.
    login(page, live_server, "bob", PASSWORD)
    page.goto(demand_url)
    fits_item = page.locator(f"#suggestions li[data-key='space:{fits.pk}']")
    unknown_item = page.locator(f"#suggestions li[data-key='space:{unknown.pk}']")
    expect(fits_item).to_be_visible(timeout=30_000)
    expect(unknown_item).to_be_visible()

    def row(item: Any, name: str) -> Any:
        return item.locator(f".checks li[data-requirement='{name}']")

    expect(row(fits_item, "space.rent_yuan_per_m2_month")).to_contain_text("✓")
    expect(row(fits_item, "space.rent_yuan_per_m2_month")).to_contain_text("42元/㎡/月")
    expect(row(fits_item, "space.available_area_m2")).to_contain_text("900㎡")
    expect(row(fits_item, "space.cleanroom_iso")).to_have_attribute("data-status", "met")
    expect(row(fits_item, "space.floor_height_m")).to_have_attribute("data-status", "unmet")
    expect(row(fits_item, "space.floor_height_m")).to_contain_text("✗")
    expect(row(fits_item, "space.floor_height_m")).to_contain_text("— 5米")
    expect(row(unknown_item, "space.cleanroom_iso")).to_have_attribute("data-status", "unknown")
    expect(row(unknown_item, "space.cleanroom_iso")).to_contain_text("?")
    expect(unknown_item.locator(".tag.warn")).to_have_text("待核实")
    # known to meet everything ranks above the one with an open point
    keys = page.locator("#suggestions li[data-key]").evaluate_all(
        "els => els.map(e => e.dataset.key)"
    )
    assert keys.index(f"space:{fits.pk}") < keys.index(f"space:{unknown.pk}")
    # a space that breaks a stated requirement is not suggested at all
    for name in ("too_dear", "too_big"):
        assert f"space:{spaces[name].pk}" not in keys
    expect(page.locator("#suggestions")).not_to_contain_text("得分")
    page.screenshot(path=str(SHOTS / "need_page_checks.png"), full_page=True)

    # Accept the fitting space, then record the lease against that referral.
    fits_item.get_by_role("button", name="采纳推荐").click()
    expect(fits_item.locator(".tag.ok")).to_have_text("已推荐")
    page.reload()
    page.select_option("#convert-form select[name=kind]", "space_lease")
    page.select_option("#convert-form select[name=response]", label=fits.name)
    page.locator("#convert-form").get_by_role("button", name="登记转化").click()
    expect(page.locator("#conversion-list")).to_contain_text("载体租赁")

    # The space is leased, on its page, and no longer suggested to this need or another.
    expect(page.locator(f"#suggestions li[data-key='space:{unknown.pk}']")).to_be_visible(
        timeout=30_000
    )
    expect(page.locator(f"#suggestions li[data-key='space:{fits.pk}']")).to_have_count(0)
    page.goto(live_server.url + f"/registry/spaces/{fits.pk}/")
    expect(page.locator("#space-status")).to_have_text("已租售")
    page.screenshot(path=str(SHOTS / "space_leased.png"), full_page=True)
    from yiqiao.demands.services import demand_submit

    other = demand_submit(
        by=ent_user, organisation=enterprise, category="space", text="另需C级洁净厂房800平米左右"
    ).demand
    page.goto(live_server.url + f"/demands/{other.pk}/")
    expect(page.locator(f"#suggestions li[data-key='space:{unknown.pk}']")).to_be_visible(
        timeout=30_000
    )
    expect(page.locator(f"#suggestions li[data-key='space:{fits.pk}']")).to_have_count(0)
