"""The cockpit's JSON endpoints: the figures with their records, and chart series that agree
with the figures."""

from __future__ import annotations

from typing import Any

import pytest

from yiqiao.dashboard.kpis.registry import specs
from yiqiao.dashboard.views import CHART_LAYOUT

pytestmark = pytest.mark.django_db


def test_it_serves_every_figure_with_its_records(
    client_for: Any, leader: Any, history: dict[str, Any]
) -> None:
    body = client_for(leader).get("/api/cockpit/kpis").json()
    assert [k["key"] for k in body] == [s.key for s in specs()]
    amount = next(k for k in body if k["key"] == "projects.signed_amount")
    assert amount["records"]["model"] == "projects.Signing"


def test_it_draws_each_chart_from_the_scoped_records(
    client_for: Any, leader: Any, history: dict[str, Any]
) -> None:
    client = client_for(leader)
    for key, *_rest in CHART_LAYOUT:
        response = client.get(f"/api/cockpit/charts/{key}")
        assert response.status_code == 200, key
    months = client.get("/api/cockpit/charts/signings-by-month").json()
    kpis = {k["key"]: k for k in client.get("/api/cockpit/kpis").json()}
    assert sum(months["series"][0]["data"]) == len(kpis["projects.signed_amount"]["records"]["ids"])
    assert sum(months["series"][1]["data"]) * 10_000 == pytest.approx(
        kpis["projects.signed_amount"]["value"]
    )
    bars = client.get("/api/cockpit/charts/signed-vs-realised").json()
    assert "北山区合成生物项目" not in bars["labels"]


def test_it_refuses_outside_users_a_bad_date_and_an_unknown_chart(
    client_for: Any, units: dict[str, Any], leader: Any, history: dict[str, Any]
) -> None:
    from conftest import make_user

    outsider = make_user("eve", units["portal"], "enterprise")
    assert client_for(outsider).get("/api/cockpit/kpis").status_code == 403
    client = client_for(leader)
    assert client.get("/api/cockpit/kpis?as_of=yesterday").status_code == 422
    assert client.get("/api/cockpit/charts/nothing").status_code == 404
    assert client.get("/api/cockpit/kpis?region=tp.yz.bs").status_code == 404


def test_it_names_every_chart_its_series_and_its_labels_in_english(
    client_for: Any, leader: Any, history: dict[str, Any]
) -> None:
    # Issue #10: chart series were named from Chinese engine labels (the need states "已提交…",
    # "签约数", the funnel's steps), so the English cockpit drew Chinese legends.
    import re

    from yiqiao.dashboard.charts import CHARTS

    cjk = re.compile(r"[\u4e00-\u9fff]")
    client = client_for(leader)
    client.cookies["django_language"] = "en"
    # Labels that are records' own names (projects, cities, chain nodes) stay as entered.
    coded_labels = {"signings-by-month", "needs-by-category", "event-funnel"}
    for key in CHARTS:
        body = client.get(f"/api/cockpit/charts/{key}").json()
        words = [body["title"], *(s["name"] for s in body["series"])]
        if key in coded_labels:
            words += body["labels"]
        assert not [w for w in words if cjk.search(w)], key
    states = client.get("/api/cockpit/charts/needs-by-category").json()["series"]
    assert [s["name"] for s in states][:2] == ["Submitted", "Accepted"]
    client.cookies["django_language"] = "zh-hans"
    chinese = client.get("/api/cockpit/charts/event-funnel").json()
    assert chinese["labels"] == ["报名", "签到", "洽谈举行", "提出需求", "签约"]
