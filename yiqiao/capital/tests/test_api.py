"""The capital API: same rules as the pages (masking, consent, the round's limit, scope)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from yiqiao.capital.models import Close
from yiqiao.capital.services import roadshows

TODAY = dt.date.today()


def test_it_creates_and_publishes_a_need_only_with_consent(
    client_for: Any, erin: Any, company: Any
) -> None:
    client = client_for(erin)
    created = client.post(
        "/api/capital/needs",
        {
            "organisation_id": company.pk,
            "title": "B轮",
            "round": "B",
            "amount": "200000000",
            "sectors": ["ivd"],
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    need_id = created.json()["id"]
    refused = client.post(
        f"/api/capital/needs/{need_id}/publish", {}, content_type="application/json"
    )
    assert refused.status_code == 422
    assert refused.json()["detail"] == "企业尚未同意向投资机构发布该融资需求，不能发布"
    done = client.post(
        f"/api/capital/needs/{need_id}/publish", {"consent": True}, content_type="application/json"
    )
    assert done.json()["status"] == "published"


def test_it_hides_confidential_fields_from_an_investor(
    client_for: Any, ivan: Any, published: Any
) -> None:
    body = client_for(ivan).get(f"/api/capital/needs/{published.pk}").json()
    assert (body["valuation_min"], body["use_of_funds"], body["amount"]) == (
        None,
        None,
        "200000000.00",
    )


def test_it_refuses_a_close_beyond_the_round_and_writes_nothing(
    client_for: Any, alice: Any, published: Any, roadshow: Any, investors: list[Any]
) -> None:
    pitch = roadshows.pitch_book(event=roadshow, need=published, by=alice)
    roadshows.pitch_invite(pitch=pitch, investors=investors[:1], by=alice)
    response = client_for(alice).post(
        f"/api/capital/needs/{published.pk}/closes",
        {
            "closed_on": TODAY.isoformat(),
            "shares": [{"investor_id": investors[0].pk, "amount": "300000000", "is_lead": True}],
            "evidence_kind": "agreement",
            "evidence_ref": "增资协议",
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "超过本轮融资额2亿元" in response.json()["detail"]
    assert Close.objects.count() == 0


def test_it_answers_404_to_the_outsider(client_for: Any, charlie: Any, published: Any) -> None:
    client = client_for(charlie)
    assert client.get(f"/api/capital/needs/{published.pk}").status_code == 404
    assert client.get("/api/capital/needs").json() == []


def test_it_reports_the_funnel_with_a_total_first(
    client_for: Any, alice: Any, ivan: Any, published: Any, roadshow: Any, investors: list[Any]
) -> None:
    pitch = roadshows.pitch_book(event=roadshow, need=published, by=alice)
    roadshows.pitch_invite(pitch=pitch, investors=investors[:2], by=alice)
    feedback = client_for(ivan).post(
        f"/api/capital/pitches/{pitch.pk}/feedback",
        {"interest": "high", "next_step": "meeting", "given_on": TODAY.isoformat()},
        content_type="application/json",
    )
    assert feedback.status_code == 200
    assert feedback.json()["is_late"] is True
    rows = client_for(alice).get(f"/api/capital/funnel?event_id={roadshow.pk}").json()
    assert rows[0]["label"] == "合计"
    assert rows[0]["counts"] == {
        "pitched": 2,
        "feedback": 1,
        "meeting": 0,
        "term_sheet": 0,
        "close": 0,
    }
