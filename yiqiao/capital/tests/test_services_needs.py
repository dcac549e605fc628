"""Financing needs: created, consented, published; introductions need both sides."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yiqiao.capital.models import FinancingNeed, Introduction, NeedView
from yiqiao.capital.services import introductions, needs
from yiqiao.core.models import AuditEvent


def test_it_refuses_to_publish_a_need_without_the_enterprises_consent(
    need_input: Any, alice: Any
) -> None:
    need = needs.financing_need_create(data=need_input, by=alice)
    with pytest.raises(ValidationError) as refused:
        needs.financing_need_publish(need=need, by=alice)
    assert refused.value.messages == ["企业尚未同意向投资机构发布该融资需求，不能发布"]
    need.refresh_from_db()
    assert need.status == "draft"
    assert need.row_version == 1
    assert not AuditEvent.objects.filter(action="transition", object_id=str(need.pk)).exists()


def test_it_needs_written_evidence_when_an_officer_records_consent(
    need_input: Any, alice: Any
) -> None:
    need = needs.financing_need_create(data=need_input, by=alice)
    with pytest.raises(ValidationError) as refused:
        needs.financing_need_consent(need=need, by=alice)
    assert refused.value.messages == ["代企业登记同意须注明依据（如书面同意书编号、日期）"]
    needs.financing_need_consent(need=need, by=alice, note="书面同意书（2025-03-02）")
    published = needs.financing_need_publish(need=need, by=alice)
    assert published.status == "published"
    assert published.consent_note == "书面同意书（2025-03-02）"


def test_it_lets_the_enterprise_consent_and_publish_its_own_need(published: Any, erin: Any) -> None:
    assert published.status == "published"
    assert published.consent_by == erin
    assert published.region.code == "tp.jc.th"
    assert published.amount_yuan == Decimal("200000000")


def test_it_refuses_an_enterprise_user_raising_for_another_company(
    need_input: Any, org_factory: Any, erin: Any
) -> None:
    need_input.organisation = org_factory("另一家企业有限公司")
    with pytest.raises(PermissionDenied):
        needs.financing_need_create(data=need_input, by=erin)
    assert FinancingNeed.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"round": "Z"}, "未知的融资轮次“Z”"),
        ({"amount": Decimal("-5")}, "本轮融资额须大于0"),
        ({"sectors": ["rocket"]}, "含未知取值：rocket"),
        ({"valuation_min": Decimal(9), "valuation_max": Decimal(3)}, "估值下限不能大于上限"),
    ],
)
def test_it_refuses_a_need_with_bad_values(
    need_input: Any, alice: Any, change: dict[str, Any], message: str
) -> None:
    for key, value in change.items():
        setattr(need_input, key, value)
    with pytest.raises(ValidationError) as refused:
        needs.financing_need_create(data=need_input, by=alice)
    assert refused.value.messages == [message]
    assert FinancingNeed.objects.count() == 0


def test_it_introduces_only_when_both_sides_opt_in(
    published: Any, erin: Any, ivan: Any, investors: list[Any]
) -> None:
    intro = introductions.introduction_opt_in(need=published, investor=investors[0], by=erin)
    assert intro.enterprise_opt_in_at is not None
    assert intro.introduced_at is None
    intro = introductions.introduction_opt_in(need=published, investor=investors[0], by=ivan)
    assert intro.introduced_at is not None
    with pytest.raises(ValidationError) as again:
        introductions.introduction_opt_in(need=published, investor=investors[0], by=ivan)
    assert again.value.messages == ["该投资方已同意对接"]


def test_it_refuses_an_investor_opting_in_for_another_investor(
    published: Any, ivan: Any, investors: list[Any]
) -> None:
    with pytest.raises(PermissionDenied):
        introductions.introduction_opt_in(need=published, investor=investors[1], by=ivan)
    assert Introduction.objects.count() == 0


def test_it_refuses_the_company_itself_as_an_investor(published: Any, alice: Any) -> None:
    with pytest.raises(ValidationError):
        introductions.introduction_opt_in(
            need=published, investor=published.organisation, by=alice, side="investor", note="电话"
        )
    assert Introduction.objects.count() == 0


def test_it_counts_an_investors_views_of_a_need(published: Any, ivan: Any, erin: Any) -> None:
    introductions.need_view_record(need=published, by=ivan)
    introductions.need_view_record(need=published, by=ivan)
    assert introductions.need_view_record(need=published, by=erin) is None
    view = NeedView.objects.get()
    assert (view.investor_id, view.view_count) == (ivan.organisation_id, 2)
