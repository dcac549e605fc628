"""The capital pages as users click them: lists, a need's page, roadshow, funnel, portfolio,
centre; the outsider is refused and nothing changes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from yiqiao.capital.models import FinancingNeed, Introduction, NeedView
from yiqiao.capital.services import roadshows

TODAY = dt.date.today()


@pytest.fixture
def pitch(roadshow: Any, published: Any, alice: Any, investors: list[Any]) -> Any:
    pitch = roadshows.pitch_book(event=roadshow, need=published, by=alice)
    roadshows.pitch_invite(pitch=pitch, investors=investors[:2], by=alice)
    return pitch


def test_it_lists_and_exports_the_financing_needs(
    client_for: Any, alice: Any, published: Any
) -> None:
    client = client_for(alice)
    page = client.get(reverse("capital:need-list"))
    assert page.status_code == 200
    assert "化学发光免疫诊断平台B轮融资" in page.content.decode()
    export = client.get(reverse("capital:need-export"))
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("序号", "企业名称", "项目名称", "融资轮次", "本轮融资额（万元）")
    assert rows[1][1:5] == ("桐华精准诊断科技有限公司", "化学发光免疫诊断平台B轮融资", "B轮", 20000)


def test_it_exports_masked_fields_masked_for_an_investor(
    client_for: Any, ivan: Any, published: Any
) -> None:
    import io

    from openpyxl import load_workbook

    export = client_for(ivan).get(reverse("capital:need-export"))
    row = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))[1]
    assert row[9] == "保密" and row[10] == "保密"


def test_it_creates_a_need_from_the_form_as_the_enterprise(
    client_for: Any, erin: Any, company: Any
) -> None:
    client = client_for(erin)
    response = client.post(
        reverse("capital:need-create"),
        {
            "organisation": company.pk,
            "title": "B轮融资",
            "round": "B",
            "amount_wan": "15000",
            "currency": "CNY",
            "role_wanted": "lead",
            "sectors": ["ivd"],
            "instruments": ["equity"],
            "confidential_fields": ["valuation"],
        },
    )
    need = FinancingNeed.objects.get()
    assert response.status_code == 302
    assert (need.amount, need.status, need.sectors) == (Decimal("150000000.00"), "draft", ["ivd"])
    refused = client.post(reverse("capital:need-publish", args=[need.pk]), {})
    assert refused.status_code == 302
    need.refresh_from_db()
    assert need.status == "draft"
    client.post(reverse("capital:need-publish", args=[need.pk]), {"agree": "on"})
    need.refresh_from_db()
    assert need.status == "published"


def test_it_shows_the_need_to_an_investor_masked_and_records_the_view(
    client_for: Any, ivan: Any, published: Any
) -> None:
    body = (
        client_for(ivan).get(reverse("capital:need-detail", args=[published.pk])).content.decode()
    )
    assert "保密，完成对接后可见" in body
    assert "新产线与注册临床" not in body
    assert NeedView.objects.get().investor_id == ivan.organisation_id


def test_it_lets_an_investor_opt_in_from_the_page(
    client_for: Any, ivan: Any, published: Any
) -> None:
    client_for(ivan).post(reverse("capital:need-opt-in", args=[published.pk, ivan.organisation_id]))
    assert Introduction.objects.get().investor_opt_in_at is not None


def test_it_refuses_the_outsider_every_capital_page(
    client_for: Any, charlie: Any, published: Any, pitch: Any
) -> None:
    client = client_for(charlie)
    assert client.get(reverse("capital:need-detail", args=[published.pk])).status_code == 404
    assert client.get(reverse("capital:roadshow-detail", args=[pitch.event_id])).status_code == 404
    response = client.post(reverse("capital:need-publish", args=[published.pk]), {"agree": "on"})
    assert response.status_code == 404
    body = client.get(reverse("capital:need-list")).content.decode()
    assert published.title not in body


def test_it_renders_the_roadshow_funnel_and_feedback_pages(
    client_for: Any, alice: Any, ivan: Any, pitch: Any
) -> None:
    officer = client_for(alice)
    assert officer.get(reverse("capital:roadshow-list")).status_code == 200
    page = officer.get(reverse("capital:roadshow-detail", args=[pitch.event_id])).content.decode()
    assert "锦城医疗创业投资基金" in page
    investor = client_for(ivan)
    response = investor.post(
        reverse("capital:feedback-add", args=[pitch.pk]),
        {"interest": "high", "next_step": "meeting", "given_on": TODAY.isoformat()},
    )
    assert response.status_code == 302
    funnel = client_for(alice).get(reverse("capital:funnel")).content.decode()
    assert 'data-step="feedback"><a' in funnel
    records = client_for(alice).get(reverse("capital:funnel-records") + "?step=feedback")
    assert records.status_code == 200
    assert "锦城医疗创业投资基金" in records.content.decode()


def test_it_renders_funds_grants_and_centres_pages(client_for: Any, alice: Any) -> None:
    client = client_for(alice)
    for name in ("capital:fund-list", "capital:grant-portfolio", "capital:centre-list"):
        assert client.get(reverse(name)).status_code == 200, name


def _form_state(html: str, form_xpath: str) -> dict[str, Any]:
    """What a form shows: each select's options and chosen value, the boxes ticked."""
    import lxml.html

    form = lxml.html.fromstring(html).xpath(form_xpath)[0]
    return {
        "options": {
            s.get("name"): [o.get("value") for o in s.xpath(".//option")]
            for s in form.xpath(".//select")
        },
        "selected": {
            s.get("name"): [o.get("value") for o in s.xpath(".//option[@selected]")]
            for s in form.xpath(".//select")
        },
        "ticked": sorted(i.get("value") for i in form.xpath(".//input[@checked]")),
        "note": form.xpath(".//input[@name='note']")[0].get("value"),
        "errors": " ".join(form.xpath(".//*[contains(@class, 'errorlist')]//text()")),
    }


def test_a_refused_feedback_comes_back_with_its_choices_and_the_reason(
    client_for: Any, alice: Any, ivan: Any, pitch: Any
) -> None:
    from yiqiao.capital.models import InvestorFeedback

    bad = {
        "interest": "none",
        "next_step": "meeting",
        "pass_reasons": ["valuation", "timing"],
        "given_on": TODAY.isoformat(),
        "note": "估值需再谈",
    }
    # The investor on its invitations page: the service refuses "暂不考虑" with a meeting.
    response = client_for(ivan).post(reverse("capital:feedback-add", args=[pitch.pk]), bad)
    assert response.status_code == 400
    state = _form_state(response.content.decode(), "//form[contains(@class,'feedback-form')]")
    assert state["options"]["interest"] == ["high", "medium", "none"]
    assert len(state["options"]["next_step"]) == 5
    assert state["selected"] == {"interest": ["none"], "next_step": ["meeting"]}
    assert state["ticked"] == ["timing", "valuation"]
    assert state["note"] == "估值需再谈"
    assert "下一步只能是" in state["errors"]
    # A form error (no date) keeps the choices too and names the field.
    response = client_for(ivan).post(
        reverse("capital:feedback-add", args=[pitch.pk]), {**bad, "given_on": ""}
    )
    assert response.status_code == 400
    state = _form_state(response.content.decode(), "//form[contains(@class,'feedback-form')]")
    assert state["selected"] == {"interest": ["none"], "next_step": ["meeting"]}
    assert "必填" in state["errors"] or "required" in state["errors"]
    # The officer recording on an investor's behalf gets the roadshow page back, the investor
    # it chose still chosen.
    back = reverse("capital:roadshow-detail", args=[pitch.event_id])
    chosen = str(pitch.invitations.order_by("id").last().investor_id)
    response = client_for(alice).post(
        reverse("capital:feedback-add", args=[pitch.pk]),
        {**bad, "back": back, "investor": chosen},
    )
    assert response.status_code == 400
    action = reverse("capital:feedback-add", args=[pitch.pk])
    state = _form_state(response.content.decode(), f"//form[@action='{action}']")
    assert state["selected"] == {
        "investor": [chosen],
        "interest": ["none"],
        "next_step": ["meeting"],
    }
    assert len(state["options"]["investor"]) == 2
    assert state["ticked"] == ["timing", "valuation"]
    assert not InvestorFeedback.objects.exists()
    # Corrected, it is saved and the investor is taken back to its invitation.
    response = client_for(ivan).post(
        reverse("capital:feedback-add", args=[pitch.pk]), {**bad, "next_step": "watch"}
    )
    assert response.status_code == 302
    assert sorted(InvestorFeedback.objects.get().pass_reasons) == ["timing", "valuation"]


def test_an_investor_home_lists_fitting_deals_feedback_due_and_meetings(
    client_for: Any, alice: Any, erin: Any, ivan: Any, pitch: Any, need_input: Any
) -> None:
    import dataclasses

    import lxml.html

    from yiqiao.capital.services import deals, needs
    from yiqiao.registry.models import InvestorProfile

    InvestorProfile.objects.filter(organisation=ivan.organisation).update(
        stages=["b", "c"], ticket_min_yuan=Decimal("10000000"), ticket_max_yuan=Decimal("8e7")
    )
    seed = needs.financing_need_create(
        data=dataclasses.replace(need_input, title="种子轮融资", round="seed", amount=Decimal(5e6)),
        by=erin,
    )
    needs.financing_need_consent(need=seed, by=erin)
    needs.financing_need_publish(need=seed, by=erin)
    deals.meeting_record(
        need=pitch.need, investor=ivan.organisation, kind="first", held_on=TODAY, by=alice
    )
    response = client_for(ivan).get("/")
    assert response.status_code == 200
    page = lxml.html.fromstring(response.content.decode())

    def panel(key: str) -> list[tuple[str, str]]:
        items = page.xpath(f"//section[@id='panel-{key}']//li")
        return [(li.xpath(".//a/@href")[0], li.text_content()) for li in items]

    # The B round fits (stage B, ticket up to 80M of a 200M round it would lead); the seed round
    # does not (stage), so it is not offered.
    flow = panel("deal-flow")
    assert [href for href, _t in flow] == [reverse("capital:need-detail", args=[pitch.need_id])]
    assert "化学发光免疫诊断平台B轮融资" in flow[0][1]
    awaiting = panel("awaiting-feedback")
    assert len(awaiting) == 1 and pitch.feedback_due_on.isoformat() in awaiting[0][1]
    assert awaiting[0][0].startswith(reverse("capital:invitations") + "#invitation-")
    meetings = panel("meetings")
    assert len(meetings) == 1 and "首次约见" in meetings[0][1]
    for href, _text in flow + awaiting + meetings:
        assert client_for(ivan).get(href.split("#")[0]).status_code == 200
    # Feedback given, the invitation leaves the list.
    client_for(ivan).post(
        reverse("capital:feedback-add", args=[pitch.pk]),
        {"interest": "high", "next_step": "meeting", "given_on": TODAY.isoformat()},
    )
    page = lxml.html.fromstring(client_for(ivan).get("/").content.decode())
    assert not page.xpath("//section[@id='panel-awaiting-feedback']//li")


def test_a_needs_page_offers_its_audit_trail_only_to_who_may_open_it(
    client_for: Any, erin: Any, published: Any
) -> None:
    """The enterprise user was shown a button that answered 403 (only admins read audit)."""
    from yiqiao.accounts.models import User

    trail = reverse("audit-trail", args=["capital.financingneed", published.pk])
    client = client_for(erin)
    assert client.get(trail).status_code == 403
    page = client.get(reverse("capital:need-detail", args=[published.pk])).content.decode()
    assert trail not in page
    admin = User.objects.create_user("auditor", password="x", role="admin", org_unit=erin.org_unit)
    admin_page = client_for(admin).get(reverse("capital:need-detail", args=[published.pk]))
    assert trail in admin_page.content.decode()
