"""A registration or invitation is linked to the register only within the event unit's scope.

The public registration link and the invitation import match a typed name (or USCC) against
the register. Matching across the whole register linked a registrant to another district's
organisation and copied that organisation's USCC onto the registration, where the event's
staff read it (issue 10: the link crossed districts; the access layer decides what the event's
unit may see).
"""

from __future__ import annotations

from typing import Any

import pytest

from yiqiao.core.tabular import Table
from yiqiao.core.uscc import uscc_make
from yiqiao.events import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def elsewhere(org_factory: Any, regions: dict[str, Any], units: dict[str, Any]) -> Any:
    """An organisation of another district, maintained by that district's bureau."""
    return org_factory(
        "北山远方生物科技有限公司",
        uscc=uscc_make("91510200MA6C00009"),
        region=regions["other"],
        owner_unit=units["outsider"],
    )


def _register(event: Any, name: str, uscc: str = "") -> Any:
    return services.registration_submit(
        event=event,
        organisation_name=name,
        uscc=uscc,
        contact_name="王五",
        contact_phone="13900000000",
    ).registration


def test_it_does_not_link_a_registration_to_another_districts_organisation_by_name(
    event: Any, elsewhere: Any
) -> None:
    registration = _register(event, elsewhere.name)
    assert registration.organisation_id is None
    assert registration.uscc == ""  # the register's USCC of another district is not copied


def test_it_does_not_link_a_registration_to_another_districts_organisation_by_uscc(
    event: Any, elsewhere: Any
) -> None:
    registration = _register(event, "随便写的名称有限公司", uscc=elsewhere.uscc)
    assert registration.organisation_id is None


def test_it_links_a_registration_to_the_organisation_the_events_unit_maintains(
    event: Any, elsewhere: Any, org_factory: Any, regions: dict[str, Any]
) -> None:
    # An outside investor kept in the bureau's register (region elsewhere, owner the bureau)
    # is the bureau's to see; the same name in another district's register is not, so the
    # name is no longer ambiguous.
    ours = org_factory(elsewhere.name, region=regions["other"])
    registration = _register(event, elsewhere.name)
    assert registration.organisation_id == ours.pk


def test_it_does_not_link_an_invitation_to_another_districts_organisation(
    event: Any, elsewhere: Any, alice: Any, two_orgs: Any
) -> None:
    table = Table(
        headers=["机构名称", "统一社会信用代码"],
        rows=[
            (2, [elsewhere.name, ""]),
            (3, ["另一个名称", elsewhere.uscc]),
            (4, [two_orgs[0].name, ""]),
        ],
        encoding="",
    )
    assert services.invitation_import(event=event, table=table, by=alice).created == 3
    linked = dict(event.invitations.values_list("organisation_name", "organisation_id"))
    assert linked == {elsewhere.name: None, "另一个名称": None, two_orgs[0].name: two_orgs[0].pk}


def test_the_public_link_never_shows_another_registrants_badge(
    client: Any, event: Any, registered: list[Any]
) -> None:
    """M2: a post with another registrant's name (and USCC) but another phone gets no badge."""
    from django.urls import reverse

    url = reverse("events:register", args=[event.registration_token])
    victim = registered[0]
    for uscc in ("", victim.uscc):
        response = client.post(
            url,
            {
                "organisation_name": victim.organisation_name,
                "uscc": uscc,
                "contact_name": "冒名者",
                "contact_phone": "13711112222",
                "attendees": 1,
            },
        )
        assert response.status_code == 200
        body = response.content.decode()
        assert victim.checkin_token not in body
        assert victim.contact_name not in body
    # the registrant's own phone (written another way) still finds the badge
    response = client.post(
        url,
        {
            "organisation_name": victim.organisation_name,
            "contact_name": "张三",
            "contact_phone": "+86 138-0000-0000",
            "attendees": 1,
        },
    )
    assert response.status_code == 302
    assert victim.checkin_token in response["Location"]
