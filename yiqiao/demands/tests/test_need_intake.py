"""Need intake read from the text (issue 13): the API endpoint the form calls as the user types,
bad input kept as written with what was not understood, and the confirmed fields in force."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from yiqiao.demands.models import Demand

pytestmark = pytest.mark.django_db

URL = "/api/demands/understand"


def _read(client: Any, text: str, category: str = "") -> dict[str, Any]:
    response = client.post(URL, {"text": text, "category": category}, "application/json")
    assert response.status_code == 200, response.content
    return dict(response.json())


def test_it_reads_a_traditional_need_with_typos_into_the_form_fields(
    ent_user: Any, client_for: Any
) -> None:
    data = _read(client_for(ent_user), "需要潔靜場房約800平米，GMP C級，租金每平每天不超過1.5元")
    assert data["fields"] == {
        "area_min_m2": 640,
        "area_max_m2": 960,
        "rent_max_yuan_per_m2_month": 45,
        "cleanroom_iso": 7,
        "category": "space",
    }
    words = {r["name"]: r["text"] for r in data["requirements"]}
    assert words["space.rent_yuan_per_m2_month"] == "不超過1.5元"
    assert words["space.kind"] == "場房"  # the typo, read as 厂房
    assert data["unread"] == [] and data["message"] == ""


def test_it_reads_a_financing_need_into_amount_and_stage(ent_user: Any, client_for: Any) -> None:
    data = _read(client_for(ent_user), "A輪融資3000萬元，用於抗體藥物臨床")
    assert data["fields"]["funding_amount_yuan"] == 30_000_000
    assert data["fields"]["funding_stage"] == "a"
    assert data["fields"]["category"] == "financing"


@pytest.mark.parametrize(
    ("text", "unread", "message"),
    [
        ("", [], ""),
        ("😀🚀🧪", [], "未从描述中读出"),
        ("面积500-300平的厂房", [("500-300平", "面积下限大于上限")], "未能识别"),
        ("需要厂房，面积5亿平方米", [("5亿平方米", "面积数值不合理")], "未能识别"),
        ("厂房租金-3元", [("-3元", "租金或价格不能为负")], "未能识别"),
        ("需要厂房面积300英亩", [("300英亩", "无法识别的单位“英亩”")], "未能识别"),
        ("租金每平每天1.5美分的厂房", [("1.5美分", "无法识别的单位“美分”")], "未能识别"),
    ],
)
def test_it_says_what_it_could_not_read(
    ent_user: Any, client_for: Any, text: str, unread: list[tuple[str, str]], message: str
) -> None:
    data = _read(client_for(ent_user), text)
    assert [(u["text"], u["reason"]) for u in data["unread"]] == unread
    assert message in data["message"]
    # nothing is prefilled from what could not be read
    assert not {"area_min_m2", "area_max_m2", "rent_max_yuan_per_m2_month"} & set(data["fields"])


def test_it_reads_twenty_thousand_characters_without_failing(
    ent_user: Any, client_for: Any
) -> None:
    text = "需要厂房1000平米。" + "生物医药" * 6000
    data = _read(client_for(ent_user), text)
    assert data["truncated"] is True
    assert data["fields"]["area_min_m2"] == 800


def test_the_endpoint_needs_a_login(client: Any) -> None:
    assert client.post(URL, {"text": "厂房"}, "application/json").status_code == 401


@pytest.mark.parametrize(
    "text",
    [
        "需要厂房，面积500-300平，租金-3元，😀",
        "需要厂房，面积5亿平方米，另外300英亩",
        "长" * 19_990 + "需要厂房",
    ],
)
def test_bad_need_text_is_stored_as_written_with_a_message(
    ent_user: Any, client_for: Any, rules: Any, text: str
) -> None:
    client = client_for(ent_user)
    page = client.post(
        reverse("demands:demand-create"), {"category": "space", "text": text}, follow=True
    )
    assert page.status_code == 200
    demand = Demand.objects.get()
    assert demand.text == text  # nothing lost, nothing rewritten
    assert (demand.area_min_m2, demand.rent_max_yuan_per_m2_month) == (None, None)
    body = page.content.decode()
    if "500-300" in text or "5亿" in text:
        assert "以下内容未能识别" in body
        assert "未能识别「" in body  # the need page lists what was not read, with the reason


def test_the_confirmed_fields_override_what_the_text_says(submit: Any) -> None:
    from yiqiao.demands.matching import parsed_for_demand

    demand = submit(
        text="需要洁净厂房约800平米，租金每平每天不超过1.5元",
        area_min_m2=Decimal("700"),
        area_max_m2=Decimal("960"),
        rent_max_yuan_per_m2_month=Decimal("45"),
        cleanroom_iso=8,
    )
    reqs = {r.name: r for r in parsed_for_demand(demand).requirements}
    area = reqs["space.available_area_m2"]
    assert (area.op, area.value, area.span) == ("between", [700.0, 960.0], (0, 0))  # the user's
    rent = reqs["space.rent_yuan_per_m2_month"]
    assert (rent.op, rent.value) == ("le", 45.0)
    assert demand.text[rent.span[0] : rent.span[1]] == "不超过1.5元"  # confirmed: words kept
    assert (reqs["space.cleanroom_iso"].op, reqs["space.cleanroom_iso"].value) == ("le", 8)


def test_it_refuses_a_clean_room_class_outside_the_scale(submit: Any) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        submit(cleanroom_iso=3)
    assert "洁净等级" in str(error.value)
    assert not Demand.objects.exists()
