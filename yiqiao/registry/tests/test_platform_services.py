"""A platform operator sees its own services, wherever the platform is registered; other
portals' services stay out of sight."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import make_user
from yiqiao.registry.models import Organisation, Service

pytestmark = pytest.mark.django_db


def test_it_shows_a_platform_its_own_services_even_when_it_sits_outside_the_portal(
    org_factory: Any, regions: Any, units: Any, client_for: Any
) -> None:
    # The platform is registered in the city, above the district portal it serves.
    platform = org_factory(
        "锦城概念验证中心", kind=Organisation.Kind.PLATFORM, region=regions["city"]
    )
    own = Service.objects.create(provider=platform, name="技术成熟度评估", category="poc")
    elsewhere = org_factory(
        "北山中试平台", kind=Organisation.Kind.PLATFORM, region=regions["other"]
    )
    Service.objects.create(provider=elsewhere, name="北山中试放大", category="pilot")
    operator = make_user("petra", units["portal"], "platform", organisation=platform)

    assert list(Service.objects.restrict(operator, "view")) == [own]
    assert not Service.objects.restrict(operator, "change").exists()
    page = client_for(operator).get("/registry/services/").content.decode()
    assert "技术成熟度评估" in page
    assert "北山中试放大" not in page


def test_the_services_list_links_a_provider_only_for_who_may_open_its_page(
    org_factory: Any, units: Any, client_for: Any
) -> None:
    """An enterprise user saw every provider as a link that answered 404."""
    platform = org_factory("锦城概念验证中心", kind=Organisation.Kind.PLATFORM)
    Service.objects.create(provider=platform, name="技术成熟度评估", category="poc")
    company = org_factory("桐华精准诊断科技有限公司")
    erin = make_user("erin", units["portal"], "enterprise", organisation=company)
    officer = make_user("olga", units["bureau"], "officer")
    detail = f"/registry/organisations/{platform.pk}/"

    client = client_for(erin)
    page = client.get("/registry/services/").content.decode()
    assert "技术成熟度评估" in page and "锦城概念验证中心" in page
    assert client.get(detail).status_code == 404
    assert f'href="{detail}"' not in page
    officer_page = client_for(officer).get("/registry/services/").content.decode()
    assert f'href="{detail}"' in officer_page
