"""Every tile opens exactly the records it counts; lists export; only staff see the cockpit."""

from __future__ import annotations

import re
from html import unescape
from io import BytesIO
from typing import Any

import pytest
from django.utils.text import slugify
from openpyxl import load_workbook

from yiqiao.dashboard.kpis.registry import specs

pytestmark = pytest.mark.django_db

LINK = re.compile(r'<a class="(value|numerator|denominator)" href="([^"]+)">([^<]*)</a>')


def _tiles(html: str) -> dict[str, str]:
    return {
        m.group(1): m.group(2)
        for m in re.finditer(
            r'<article class="tile" id="tile-[^"]+" data-key="([^"]+)"(.*?)</article>', html, re.S
        )
    }


def _count(client: Any, url: str) -> int:
    response = client.get(unescape(url))
    assert response.status_code == 200
    found = re.search(r'<span id="record-count">(\d+)</span>', response.content.decode())
    assert found is not None
    return int(found.group(1))


def test_it_opens_from_every_tile_a_list_with_exactly_the_tiles_count(
    client_for: Any, leader: Any, history: dict[str, Any]
) -> None:
    client = client_for(leader)
    html = client.get("/cockpit/").content.decode()
    tiles = _tiles(html)
    assert set(tiles) == {s.key for s in specs()}
    for key, body in tiles.items():
        parts = re.search(
            r'class="numerator">(\d+)</a> / <a href="([^"]+)" class="denominator">(\d+)</a>', body
        )
        if parts is not None:
            numerator_url = re.search(r'<a href="([^"]+)" class="numerator">', body)
            assert numerator_url is not None, key
            assert _count(client, numerator_url.group(1)) == int(parts.group(1)), key
            assert _count(client, parts.group(2)) == int(parts.group(3)), key
        else:
            value = re.search(r'<a class="value" href="([^"]+)">', body)
            shown = re.search(r'<p class="parts muted">(\d+) ', body)
            assert value is not None and shown is not None, key
            assert _count(client, value.group(1)) == int(shown.group(1)), key


def test_it_shows_a_count_tile_with_the_number_of_its_records(
    client_for: Any, leader: Any, history: dict[str, Any]
) -> None:
    client = client_for(leader)
    html = client.get("/cockpit/").content.decode()
    body = _tiles(html)["demands.overdue"]
    assert '">1件</a>' in body
    assert _count(client, "/cockpit/kpi/demands.overdue/") == 1


def test_it_exports_the_records_of_a_tile_and_the_kpi_table(
    client_for: Any, leader: Any, history: dict[str, Any]
) -> None:
    client = client_for(leader)
    response = client.get("/cockpit/kpi/projects.signed_amount/?format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("编号", "项目", "签约日期")
    assert history["s1"].pk in {r[0] for r in rows[1:]}
    table = client.get("/cockpit/export/")
    keys = [r[0] for r in load_workbook(BytesIO(table.content)).active.iter_rows(values_only=True)]
    assert keys[1:] == [s.key for s in specs()]


def test_it_sends_the_leader_home_to_the_cockpit_and_refuses_outside_users(
    client_for: Any, leader: Any, units: dict[str, Any], history: dict[str, Any]
) -> None:
    from conftest import make_user

    assert client_for(leader).get("/").url == "/cockpit/"
    ent = make_user("eve", units["portal"], "enterprise")
    assert client_for(ent).get("/cockpit/").status_code == 403


def test_it_refuses_a_region_outside_the_scope_and_explains_a_bad_date(
    client_for: Any, leader: Any, regions: dict[str, Any], history: dict[str, Any]
) -> None:
    client = client_for(leader)
    assert client.get("/cockpit/?region=tp.yz.bs").status_code == 404
    response = client.get("/cockpit/?as_of=2026-13-40")
    assert response.status_code == 200
    assert "格式不对" in response.content.decode()


def test_it_explains_every_figure_on_the_definitions_page(
    client_for: Any, leader: Any, history: dict[str, Any]
) -> None:
    html = client_for(leader).get("/cockpit/definitions/").content.decode()
    for s in specs():
        # Each figure by its name with its definition, anchored for links; no raw keys shown.
        assert f'<dt id="{slugify(s.key)}">{s.label}' in html and s.definition in html
    assert "<code>" not in html and "USD" not in html
    assert "1美元 = 7.2元" in html


def test_it_shows_money_as_people_read_it_and_a_repeat_with_its_evidence(
    client_for: Any, leader: Any, alice: Any, history: dict[str, Any]
) -> None:
    from decimal import Decimal

    from yiqiao.projects import services

    client = client_for(leader)
    html = client.get("/cockpit/kpi/projects.signed_amount/").content.decode()
    table = html.split('id="kpi-records"')[1].split("</table>")[0]
    assert "5.00亿元" in table  # the 500,000,000 CNY signing
    assert "500000000" not in table and "CNY" not in table
    usd = client.get("/cockpit/kpi/projects.capital_arrival_rate/?part=denominator")
    assert "1,000.00万美元" in usd.content.decode()  # the USD 10,000,000 signing
    # The same agreement signed again at a later fair: flagged, left out, with its evidence.
    again = services.signing_record(
        project=history["projects"][0],
        signed_on=history["today"],
        agreement_type="strategic",
        amount=Decimal("500000000"),
        currency="CNY",
        signatories="桐华区人民政府；投资方",
        by=alice,
        event_ref="第二届招商大会",
    )
    excluded = client.get("/cockpit/kpi/projects.signed_amount/?part=excluded").content.decode()
    row = excluded.split(f'data-id="{again.pk}"')[1].split("</tr>")[0]
    assert "同一项目以相同金额再次签约" in row and "5.00亿元" in row
    assert "抗体药物产业化基地" in row and "CNY" not in row
