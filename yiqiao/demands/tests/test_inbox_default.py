"""The bureau officer's inbox opens on the needs of the bureau and the units below it (issue 10:
it opened on the bureau's own unit only, which showed 0 needs when the parks hold them)."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def test_it_shows_the_bureau_officer_the_needs_routed_to_its_parks(
    client_for: Any, alice: Any, bob: Any, submit: Any, units: Any
) -> None:
    demand = submit()
    assert demand.unit == units["park"]
    page = client_for(alice).get("/demands/").content.decode()
    assert f'href="/demands/{demand.pk}/"' in page
    park_page = client_for(bob).get("/demands/").content.decode()
    assert f'href="/demands/{demand.pk}/"' in park_page


def test_it_keeps_a_park_officer_to_the_park(
    client_for: Any, bob: Any, submit: Any, units: Any, org_factory: Any, regions: Any
) -> None:
    from yiqiao.demands.models import Demand

    demand = submit(category="policy", text="想了解高新技术企业认定的奖励政策。")
    assert demand.unit == units["bureau"]
    page = client_for(bob).get("/demands/").content.decode()
    assert f'href="/demands/{demand.pk}/"' not in page
    assert Demand.objects.count() == 1
