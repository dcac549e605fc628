"""The platform operator's services page (issue 10): its organisation's services are listed
wherever the platform is registered, with the bookings made of them; nobody else's."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def platform_setup(alice: Any, org_factory: Any, regions: Any, units: Any) -> dict[str, Any]:
    from yiqiao.accounts.models import OrgUnit
    from yiqiao.projects.services import service_booking_create, translation_create
    from yiqiao.registry.models import Organisation, Service

    # The platform is registered in the district; its operators' unit sits in the park.
    poc = org_factory("启衡概念验证中心", kind=Organisation.Kind.PLATFORM)
    other = org_factory("锦城中试平台", kind=Organisation.Kind.PLATFORM)
    unit = OrgUnit.objects.create(
        name="启衡概念验证中心运营部", kind=OrgUnit.Kind.PLATFORM, region=regions["park"]
    )
    operator = make_user("pat", unit, "platform", organisation=poc)
    ours = Service.objects.create(provider=poc, name="概念验证评估", category="poc")
    theirs = Service.objects.create(provider=other, name="放大生产工艺验证", category="pilot")
    project = translation_create(
        data={
            "title": "新型溶瘤病毒转化项目",
            "landing_region": regions["park"],
            "origin": org_factory("锦城医学院", kind=Organisation.Kind.UNIVERSITY),
            "team_lead": "王教授",
            "product_type": "drug",
        },
        by=alice,
    )
    service_booking_create(
        project=project, service=ours, booked_on=dt.date(2026, 3, 2), by=alice, note="首轮评估"
    )
    service_booking_create(
        project=project, service=theirs, booked_on=dt.date(2026, 3, 9), by=alice, note="中试排期"
    )
    return {"operator": operator, "ours": ours, "theirs": theirs}


def test_it_lists_the_operators_own_services_and_their_bookings(
    client_for: Any, platform_setup: Any
) -> None:
    page = client_for(platform_setup["operator"]).get("/registry/services/").content.decode()

    assert "概念验证评估" in page
    assert "暂无服务" not in page
    bookings = page.split('id="service-bookings"', 1)[1]
    assert (
        "2026-03-02" in bookings and "新型溶瘤病毒转化项目" in bookings and "首轮评估" in bookings
    )
    assert "中试排期" not in bookings


def test_it_shows_an_outsider_no_bookings(
    client_for: Any, charlie: Any, platform_setup: Any
) -> None:
    page = client_for(charlie).get("/registry/services/").content.decode()

    assert 'id="service-bookings"' not in page
    assert "概念验证评估" not in page


def test_it_shows_the_district_officer_every_booking_in_scope(
    client_for: Any, alice: Any, platform_setup: Any
) -> None:
    page = client_for(alice).get("/registry/services/").content.decode()

    bookings = page.split('id="service-bookings"', 1)[1]
    assert "首轮评估" in bookings and "中试排期" in bookings


def test_a_booking_whose_date_passed_is_not_shown_as_booked_and_the_operator_closes_it(
    client_for: Any, platform_setup: Any
) -> None:
    from yiqiao.core.models import AuditEvent
    from yiqiao.projects.models import ServiceBooking

    client = client_for(platform_setup["operator"])
    booking = ServiceBooking.objects.get(service=platform_setup["ours"])
    row = client.get("/registry/services/").content.decode().split(f'id="booking-{booking.pk}"')[1]
    row = row.split("</tr>", 1)[0]
    assert "已过预约日期，待确认" in row
    assert "已预约" not in row
    assert 'value="done"' in row and 'value="cancelled"' in row

    page = client.post(
        f"/projects/bookings/{booking.pk}/close/",
        {"status": "done", "note": "评估报告已交付"},
        follow=True,
    ).content.decode()
    booking.refresh_from_db()
    assert (booking.status, booking.note) == ("done", "首轮评估；评估报告已交付")
    assert "已将“概念验证评估”的预约登记为已完成" in page
    row = page.split(f'id="booking-{booking.pk}"')[1].split("</tr>", 1)[0]
    assert "已完成" in row and "已过预约日期" not in row and "<form" not in row
    assert AuditEvent.objects.filter(action="update", object_id=str(booking.pk)).exists()

    again = client.post(f"/projects/bookings/{booking.pk}/close/", {"status": "cancelled"})
    booking.refresh_from_db()
    assert booking.status == "done"
    assert again.status_code == 302


def test_an_upcoming_booking_reads_as_to_be_served(
    client_for: Any, alice: Any, platform_setup: Any
) -> None:
    from django.utils import timezone

    from yiqiao.projects.models import ServiceBooking
    from yiqiao.projects.services import service_booking_create

    project = ServiceBooking.objects.get(service=platform_setup["ours"]).project
    booking = service_booking_create(
        project=project,
        service=platform_setup["ours"],
        booked_on=timezone.localdate() + dt.timedelta(days=10),
        by=alice,
    )
    page = client_for(platform_setup["operator"]).get("/registry/services/").content.decode()
    row = page.split(f'id="booking-{booking.pk}"')[1].split("</tr>", 1)[0]
    assert "待服务" in row and "已过预约日期" not in row


def test_the_operator_cannot_close_another_platforms_booking_nor_an_outsider_any(
    client_for: Any, charlie: Any, platform_setup: Any
) -> None:
    from yiqiao.projects.models import ServiceBooking

    theirs = ServiceBooking.objects.get(service=platform_setup["theirs"])
    ours = ServiceBooking.objects.get(service=platform_setup["ours"])
    operator = client_for(platform_setup["operator"])
    refused = operator.post(f"/projects/bookings/{theirs.pk}/close/", {"status": "done"})
    assert refused.status_code == 404
    bad = operator.post(f"/projects/bookings/{ours.pk}/close/", {"status": "booked"}, follow=True)
    assert "该预约只能改为：进行中、已完成、已取消" in bad.content.decode()
    outsider = client_for(charlie).post(f"/projects/bookings/{ours.pk}/close/", {"status": "done"})
    assert outsider.status_code == 404
    assert set(ServiceBooking.objects.values_list("status", flat=True)) == {"booked"}
