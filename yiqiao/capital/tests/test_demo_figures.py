"""The demo's grant-to-equity portfolio and funds' 返投 ledgers: every figure opens the list of
the records it counts or sums, and equals that count or sum."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import urldefrag, urljoin

import lxml.html
import pytest
from django.test import Client

from yiqiao.core.templatetags.yiqiao import yuan
from yiqiao.demo.generators import DemoContext, demo_generators

#: The list each figure opens (its table's id) and the row attribute each measure sums.
TABLES = {"grant": "grant-table", "investments": "investments", "commitments": "commitment-table"}
MEASURES = {
    "amount": "data-amount",
    "held": "data-held",
    "proceeds": "data-proceeds",
    "committed": "data-committed",
    "paid": "data-paid",
}


def _build_demo(seed: int) -> DemoContext:
    context = DemoContext(seed=seed, scale=40, progress=lambda s, d, t: None)
    for generator in demo_generators():
        if generator.key in {"register", "policies", "capital"}:
            context.results[generator.key] = generator.run(context)
    return context


def _page(client: Client, url: str) -> Any:
    response = client.get(urldefrag(url)[0])
    assert response.status_code == 200, url
    return lxml.html.fromstring(response.content.decode())


def _rows(client: Client, url: str, table: str) -> list[Any]:
    rows = _page(client, url).xpath(f"//table[@id='{table}']/tbody/tr[@data-id]")
    return list(rows)


def _check_figures(client: Client, url: str) -> list[tuple[str, str, str]]:
    """Open every figure's link and compare; returns (measure, shown, href) of those checked."""
    page = _page(client, url)
    checked = []
    for link in page.xpath("//a[@data-list]"):
        href = urljoin(url, link.get("href"))
        rows = _rows(client, href, TABLES[link.get("data-list")])
        measures = link.xpath(".//*[@data-measure]")
        assert measures, f"a figure link without a figure: {href}"
        for element in measures:
            measure, shown = element.get("data-measure"), element.text_content().strip()
            if measure == "count":
                expected = str(len(rows))
            else:
                expected = yuan(sum((Decimal(r.get(MEASURES[measure])) for r in rows), Decimal(0)))
            assert shown == expected, f"{url}: {measure} shows {shown}, {href} lists {expected}"
            checked.append((measure, shown, href))
    return checked


@pytest.mark.django_db
def test_each_portfolio_and_ledger_figure_equals_the_list_it_opens() -> None:
    from yiqiao.accounts.models import User
    from yiqiao.capital.models import Fund

    _build_demo(seed=7)
    client = Client()
    client.force_login(User.objects.get(username="officer"))

    # The grant-to-equity portfolio: every tile is a link, and the demo has tranches in each
    # of paid, converted, held and exited.
    grants = _page(client, "/capital/grants/")
    tiles = grants.xpath("//*[@id='grant-tiles']/*")
    assert tiles and all(t.tag == "a" and t.get("data-list") == "grant" for t in tiles)
    checked = _check_figures(client, "/capital/grants/")
    shown = {(m, h.rsplit("=", 1)[-1]): s for m, s, h in checked}
    assert int(shown[("count", "all")]) >= 6
    assert int(shown[("count", "converted")]) >= 1
    assert int(shown[("count", "exited")]) >= 1
    assert shown[("held", "held")] != yuan(0)

    # The funds list and every fund's 返投 ledger.
    assert len(_check_figures(client, "/capital/funds/")) >= 4 * 3
    funds = list(Fund.objects.exclude(return_ratio=None).order_by("pk"))
    assert len(funds) >= 3
    excluded_somewhere = False
    for fund in funds:
        url = f"/capital/funds/{fund.pk}/"
        page = _page(client, url)
        figures = page.xpath("//*[@id='ledger-figures']/*")
        assert figures and all(f.tag == "a" for f in figures)
        checked = _check_figures(client, url)
        measures = {m for m, _s, _h in checked}
        assert {"count", "amount", "committed"} <= measures
        # The two figures computed from others: the promise and what is still missing.
        basis_link = page.xpath("//b[@id='basis']/..")[0]
        rows = _rows(client, urljoin(url, basis_link.get("href")), "commitment-table")
        column = MEASURES[page.xpath("//b[@id='basis']")[0].get("data-measure")]
        basis = sum((Decimal(r.get(column)) for r in rows), Decimal(0))
        assert fund.return_ratio is not None
        required = (basis * fund.return_ratio).quantize(Decimal("0.01"))
        assert page.xpath("//b[@id='required']")[0].text_content().strip() == yuan(required)
        counted = _rows(client, url + "?show=counted", "investments")
        realised = sum((Decimal(r.get("data-amount")) for r in counted), Decimal(0))
        shortfall = max(Decimal(0), required - realised)
        assert page.xpath("//b[@id='shortfall']")[0].text_content().strip() == yuan(shortfall)
        excluded_somewhere |= bool(_rows(client, url + "?show=excluded", "investments"))
    assert excluded_somewhere

    # Scoped: an officer of another district sees none of it, and cannot open a ledger.
    client.force_login(User.objects.get(username="outsider"))
    assert not _rows(client, "/capital/grants/", "grant-table")
    assert not _page(client, "/capital/funds/").xpath("//table[@id='fund-table']//a")
    assert client.get(f"/capital/funds/{funds[0].pk}/").status_code == 404
