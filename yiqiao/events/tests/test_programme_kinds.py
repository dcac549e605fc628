"""The event page's pickers offer only organisations of the kind each choice needs, and the
services refuse any other (issue 10 QA walk: the exhibitor and roadshow pickers listed funds and
platforms, the investor-feedback picker enterprises it then refused)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from yiqiao.core.uscc import uscc_make
from yiqiao.events import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def attendees(event: Any, org_factory: Any) -> dict[str, Any]:
    """A registered enterprise, fund, platform and hospital, each linked to the register."""
    from yiqiao.registry.models import Organisation

    orgs = {
        "enterprise": org_factory("桐华康源医疗器械有限公司", uscc=uscc_make("91510100MA6C00001")),
        "investor": org_factory("锦城生物医药产业投资基金", kind=Organisation.Kind.INVESTOR),
        "platform": org_factory("桐华概念验证中心", kind=Organisation.Kind.PLATFORM),
        "hospital": org_factory("锦城市第一人民医院", kind=Organisation.Kind.HOSPITAL),
    }
    for org in orgs.values():
        registration = services.registration_submit(
            event=event,
            organisation_name=org.name,
            contact_name="张三",
            contact_phone="13800000000",
        ).registration
        assert registration.organisation_id == org.pk
    return orgs


def _options(page: str, label: str) -> set[str]:
    found = re.search(
        rf'<select name="organisation" aria-label="{label}">(.*?)</select>', page, re.S
    )
    assert found is not None, label
    return set(re.findall(r'<option value="\d+">([^<]+)</option>', found.group(1)))


def test_each_picker_on_the_event_page_offers_only_its_kind(
    client_for: Any, alice: Any, event: Any, attendees: dict[str, Any]
) -> None:
    services.roadshow_add(
        event=event, by=alice, organisation=attendees["enterprise"], project_title="示例路演项目"
    )
    page = client_for(alice).get(reverse("events:event-detail", args=[event.pk])).content.decode()

    enterprise = {attendees["enterprise"].name}
    assert _options(page, "展示企业") == enterprise
    assert _options(page, "路演企业") == enterprise
    assert _options(page, "投资机构") == {attendees["investor"].name}


@pytest.mark.parametrize(("what", "kind"), [("product", "platform"), ("roadshow", "investor")])
def test_the_page_refuses_an_exhibitor_or_presenter_that_is_not_an_enterprise(
    client_for: Any, alice: Any, event: Any, attendees: dict[str, Any], what: str, kind: str
) -> None:
    from yiqiao.events.models import ExhibitedProduct, RoadshowSlot

    response = client_for(alice).post(
        reverse("events:programme-add", args=[event.pk, what]),
        {
            "organisation": attendees[kind].pk,
            "name": "示例产品",
            "project_title": "示例路演项目",
        },
        follow=True,
    )
    assert "不是企业" in response.content.decode()
    assert not ExhibitedProduct.objects.exists()
    assert not RoadshowSlot.objects.exists()


def test_the_services_refuse_an_exhibitor_or_presenter_that_is_not_an_enterprise(
    alice: Any, event: Any, attendees: dict[str, Any]
) -> None:
    with pytest.raises(ValidationError, match="不是企业"):
        services.product_add(event=event, by=alice, organisation=attendees["hospital"], name="x")
    with pytest.raises(ValidationError, match="不是企业"):
        services.roadshow_add(
            event=event, by=alice, organisation=attendees["platform"], project_title="x"
        )
    services.product_add(event=event, by=alice, organisation=attendees["enterprise"], name="x")
