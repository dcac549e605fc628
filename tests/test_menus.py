"""Every role's menu offers only what the role may open, and no button that answers 403
(issue 10: the enterprise user's menu showed internal sections; the viewer saw "raise a need")."""

from __future__ import annotations

import re
from typing import Any

import pytest

from conftest import make_user

pytestmark = pytest.mark.django_db

INTERNAL = {"机构名录", "载体", "招商项目", "成果转化", "产业情报", "活动"}


@pytest.fixture
def people(units: Any, org_factory: Any) -> dict[str, Any]:
    from yiqiao.registry.models import Organisation

    company = org_factory("锦城康瑞生物科技有限公司")
    platform = org_factory("桐华概念验证中心", kind=Organisation.Kind.PLATFORM)
    investor = org_factory("沪上示例医药投资有限公司", kind=Organisation.Kind.INVESTOR)
    return {
        "officer": make_user("olive", units["bureau"], "officer"),
        "admin": make_user("adam", units["bureau"], "admin"),
        "viewer": make_user("vera", units["bureau"], "viewer"),
        "enterprise": make_user("erin", units["portal"], "enterprise", organisation=company),
        "platform": make_user("paul", units["portal"], "platform", organisation=platform),
        "investor": make_user("ivan", units["portal"], "investor", organisation=investor),
    }


def _menu(page: str) -> list[tuple[str, str]]:
    nav = re.search(r'<nav class="mainnav"[^>]*>(.*?)</nav>', page, re.S)
    assert nav is not None
    return re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav.group(1))


@pytest.mark.parametrize(
    "role", ["officer", "admin", "viewer", "enterprise", "platform", "investor"]
)
def test_it_offers_each_role_only_pages_it_may_open(client: Any, people: Any, role: str) -> None:
    client.force_login(people[role])
    menu = _menu(client.get("/").content.decode())
    assert menu
    refused = [(label, url, client.get(url, follow=True).status_code) for url, label in menu]
    assert [r for r in refused if r[2] != 200] == []
    labels = {label for _url, label in menu}
    if role in {"enterprise", "platform", "investor"}:
        assert labels & INTERNAL == set()
    else:
        assert labels >= INTERNAL


@pytest.mark.parametrize("role", ["viewer", "enterprise", "platform", "investor", "officer"])
def test_it_shows_raise_a_need_only_to_those_who_may(client: Any, people: Any, role: str) -> None:
    client.force_login(people[role])
    page = client.get("/demands/").content.decode()
    may = client.get("/demands/new/").status_code == 200
    assert ('href="/demands/new/"' in page) == may
