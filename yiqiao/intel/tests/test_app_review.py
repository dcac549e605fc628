"""Review of facts, the name dictionary, lead suggestions and their acceptance."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from yiqiao.core.models import AuditEvent
from yiqiao.intel import engine, services
from yiqiao.intel.models import Article, ConfirmedName, ExtractedFact, LeadSuggestion
from yiqiao.projects.models import Project

from .conftest import SIGNING_ARTICLE

pytestmark = pytest.mark.django_db

LEAD_TITLE = "安徽华晨医疗器械有限公司在合肥高新区签约，金额约12亿元"


@pytest.fixture
def article(ingest: Any) -> Article:
    return ingest(SIGNING_ARTICLE, source_name="示例资讯").article


def _review(client: Any, fact: ExtractedFact, action: str, **data: Any) -> Any:
    return client.post(
        reverse("intel:fact-review", args=[fact.pk]),
        {"action": action, "row_version": fact.row_version, **data},
        follow=True,
    )


def test_it_turns_a_confirmed_signing_into_a_lead_suggestion(
    officer: Any, article: Article
) -> None:
    signing = article.facts.get(kind="signing")
    assert article.leads.count() == 0  # nothing before an officer confirms

    response = _review(officer, signing, "confirm")

    signing.refresh_from_db()
    assert signing.reviewed_by is not None
    assert (signing.status, signing.reviewed_by.username) == ("confirmed", "alice")
    lead = LeadSuggestion.objects.get()
    assert (lead.rule, lead.title, lead.suggested_name, lead.fact) == (
        "expansion_elsewhere",
        LEAD_TITLE,
        "安徽华晨医疗器械有限公司",
        signing,
    )
    assert lead.evidence == signing.payload["sentence"]
    assert LEAD_TITLE in response.content.decode()


def test_it_withdraws_an_open_lead_when_its_signing_is_rejected(
    officer: Any, article: Article
) -> None:
    signing = article.facts.get(kind="signing")
    _review(officer, signing, "confirm")
    signing.refresh_from_db()

    _review(officer, signing, "reject")

    assert LeadSuggestion.objects.count() == 0


def test_it_marks_the_article_reviewed_when_no_fact_is_left_open(
    officer: Any, article: Article
) -> None:
    for fact in article.facts.all():
        _review(officer, fact, "confirm")

    article.refresh_from_db()
    assert article.status == Article.Status.REVIEWED


def test_it_feeds_a_corrected_name_to_the_dictionary(
    officer: Any, article: Article, ingest: Any
) -> None:
    fact = article.facts.get(kind="organisation", label="安徽华晨医疗器械有限公司")

    _review(officer, fact, "correct", name="华晨精诊")

    fact.refresh_from_db()
    assert (fact.status, fact.label, fact.payload["original"]) == (
        "corrected",
        "华晨精诊",
        "安徽华晨医疗器械有限公司",
    )
    confirmed = ConfirmedName.objects.get(name="华晨精诊")
    assert confirmed.created_by is not None
    assert (confirmed.source_fact, confirmed.created_by.username) == (fact, "alice")
    assert "华晨精诊" in engine.confirmed_names()
    # a later article naming the firm without any suffix now finds it
    later = ingest("华晨精诊扩产\n2025-04-02 来源：示例\n4月1日，华晨精诊宣布在本地扩建产线。\n")
    assert later.article.facts.filter(kind="organisation", label="华晨精诊").count() == 1


def test_it_reloads_confirmed_names_before_extracting() -> None:
    ConfirmedName.objects.create(name="星桥微创")

    added = services.dictionary_sync()

    assert added in (0, 1)  # 0 when an earlier test of this process already added it
    assert "星桥微创" in engine.confirmed_names()


@pytest.mark.parametrize(
    ("kind", "data", "message"),
    [
        ("organisation", {"name": "华"}, "请填写更正后的机构名称（至少 2 个字）"),
        ("signing", {"parties": " 、 "}, "请填写签约方（多个签约方用“、”分隔）"),
        ("money", {"amount_yuan": "十亿"}, "金额应为数字（单位：元）"),
        ("event", {}, "活动和指标只能确认或驳回；如有错误请驳回"),
    ],
)
def test_it_refuses_an_incomplete_correction(
    officer: Any, article: Article, kind: str, data: dict[str, str], message: str
) -> None:
    fact = article.facts.filter(kind=kind).first()
    assert fact is not None
    before = (fact.status, fact.payload, fact.row_version)

    response = _review(officer, fact, "correct", **data)

    assert message in response.content.decode()
    fact.refresh_from_db()
    assert (fact.status, fact.payload, fact.row_version) == before


def test_it_corrects_signing_parties_and_amount(officer: Any, article: Article) -> None:
    signing = article.facts.get(kind="signing")

    _review(officer, signing, "correct", parties="合肥高新区、华晨精诊", amount_yuan="1500000000")

    signing.refresh_from_db()
    assert signing.payload["parties"] == ["合肥高新区", "华晨精诊"]
    assert signing.payload["amount_yuan"] == 1500000000.0
    assert signing.label == "合肥高新区、华晨精诊"


def test_it_refuses_to_repeat_a_review_step_and_a_stale_one(officer: Any, article: Article) -> None:
    fact = article.facts.get(kind="money", label="约12亿元")
    stale_version = fact.row_version
    _review(officer, fact, "reject")
    fact.refresh_from_db()

    again = _review(officer, fact, "reject")
    stale = officer.post(
        reverse("intel:fact-review", args=[fact.pk]),
        {"action": "confirm", "row_version": stale_version},
        follow=True,
    )

    assert "该事实已是“已驳回”状态" in again.content.decode()
    assert "该事实已被他人审核，请刷新后重试（您的操作未保存）" in stale.content.decode()
    fact.refresh_from_db()
    assert fact.status == "rejected"


def test_it_accepts_a_lead_once_even_when_clicked_twice(officer: Any, article: Article) -> None:
    _review(officer, article.facts.get(kind="signing"), "confirm")
    lead = LeadSuggestion.objects.get()
    url = reverse("intel:lead-accept", args=[lead.pk])

    officer.post(url)
    officer.post(url)

    project = Project.objects.get()
    assert project.owner_unit is not None
    assert (project.title, project.stage, project.owner_unit.name) == (
        LEAD_TITLE,
        "lead",
        "桐华区投资促进局",
    )
    assert "《华晨医疗器械公司在合肥高新区签约建设体外诊断基地》（示例资讯，2025-03-12）" in (
        project.source_note
    )
    assert project.source_ref == reverse("intel:article-detail", args=[article.pk]) + (
        f"#lead-{lead.pk}"
    )
    assert sorted(n.name for n in project.chain_nodes.all()) == [
        "体外诊断",
        "器械生产企业（含IVD）",
    ]
    lead.refresh_from_db()
    assert (lead.status, lead.project) == ("accepted", project)


def test_it_links_the_lead_to_a_register_enterprise(
    officer: Any, ingest: Any, org_factory: Any
) -> None:
    known = org_factory("安徽华晨医疗器械有限公司")
    article = ingest(SIGNING_ARTICLE).article
    # the signing's party was linked to the register at extraction: no separate confirmation
    _review(officer, article.facts.get(kind="signing"), "confirm")
    lead = LeadSuggestion.objects.get(rule="expansion_elsewhere")

    officer.post(reverse("intel:lead-accept", args=[lead.pk]))

    assert (lead.organisation, lead.suggested_name) == (known, "")
    assert list(Project.objects.get().investors.all()) == [known]


def test_it_suggests_a_lead_for_a_register_enterprise_on_our_chain(
    officer: Any, ingest: Any, org_factory: Any
) -> None:
    from yiqiao.registry.models import ChainNode

    known = org_factory("安徽华晨医疗器械有限公司")
    known.chain_nodes.set([ChainNode.objects.get(code="device_manufacturer.ivd")])
    article = ingest(SIGNING_ARTICLE).article

    _review(officer, article.facts.get(kind="signing"), "confirm")

    lead = LeadSuggestion.objects.get(rule="target_chain_signing")
    assert (lead.title, lead.organisation, lead.priority) == (
        "名录企业安徽华晨医疗器械有限公司在外地签约",
        known,
        1,
    )


def test_it_refuses_to_accept_a_dismissed_lead(officer: Any, article: Article) -> None:
    _review(officer, article.facts.get(kind="signing"), "confirm")
    lead = LeadSuggestion.objects.get()
    officer.post(reverse("intel:lead-dismiss", args=[lead.pk]))

    response = officer.post(reverse("intel:lead-accept", args=[lead.pk]), follow=True)

    assert "该线索建议已被忽略，不能再转为招商线索" in response.content.decode()
    assert Project.objects.count() == 0


def test_it_lists_leads_with_their_sources(officer: Any, article: Article) -> None:
    _review(officer, article.facts.get(kind="signing"), "confirm")

    page = officer.get(reverse("intel:lead-list")).content.decode()

    assert LEAD_TITLE in page
    assert "（示例资讯，2025-03-12）" in page
    assert "合肥高新区与安徽华晨医疗器械有限公司签订投资协议" in page


# ------------------------------------------------------------------------------ permissions
def _state() -> tuple[Any, ...]:
    return (
        list(ExtractedFact.objects.order_by("pk").values_list("status", "row_version", "label")),
        list(LeadSuggestion.objects.order_by("pk").values_list("status", "project_id")),
        Project.objects.count(),
        AuditEvent.objects.count(),
        ConfirmedName.objects.count(),
    )


def test_it_hides_everything_from_the_outsider_and_changes_nothing(
    officer: Any, article: Article, client_for: Any, charlie: Any
) -> None:
    fact = article.facts.get(kind="signing")
    _review(officer, fact, "confirm")
    lead = LeadSuggestion.objects.get()
    org = article.facts.get(kind="organisation", label="合肥高新区管委会")
    before = _state()
    client = client_for(charlie)

    responses = [
        client.get(reverse("intel:article-detail", args=[article.pk])),
        client.post(reverse("intel:fact-review", args=[fact.pk]), {"action": "reject"}),
        client.post(reverse("intel:fact-register", args=[org.pk])),
        client.post(reverse("intel:lead-accept", args=[lead.pk])),
        client.post(reverse("intel:lead-dismiss", args=[lead.pk])),
        client.get(f"/api/intel/articles/{article.pk}"),
        client.post(
            f"/api/intel/facts/{fact.pk}/review",
            {"action": "reject"},
            content_type="application/json",
        ),
        client.post(f"/api/intel/leads/{lead.pk}/accept"),
    ]

    assert [r.status_code for r in responses] == [404] * 8
    assert "data-article" not in client.get(reverse("intel:article-list")).content.decode()
    assert LEAD_TITLE not in client.get(reverse("intel:lead-list")).content.decode()
    assert client.get("/api/intel/articles").json()["count"] == 0
    assert _state() == before


def test_it_lets_a_park_officer_read_but_not_review_district_news(
    article: Article, client_for: Any, bob: Any
) -> None:
    fact = article.facts.get(kind="signing")
    before = _state()
    client = client_for(bob)

    page = client.get(reverse("intel:article-detail", args=[article.pk]))
    review = client.post(reverse("intel:fact-review", args=[fact.pk]), {"action": "confirm"})

    assert page.status_code == 200
    assert 'data-action="confirm"' not in page.content.decode()
    assert review.status_code == 403
    assert _state() == before


def test_it_shows_park_news_to_the_district_bureau(
    ingest: Any, bob: Any, client_for: Any, alice: Any, charlie: Any
) -> None:
    article = ingest(SIGNING_ARTICLE, by=bob).article

    assert (
        client_for(alice).get(reverse("intel:article-detail", args=[article.pk])).status_code == 200
    )
    assert (
        client_for(charlie).get(reverse("intel:article-detail", args=[article.pk])).status_code
        == 404
    )


def test_it_refuses_review_to_a_viewer(article: Article, client_for: Any, viewer: Any) -> None:
    fact = article.facts.get(kind="signing")
    before = _state()

    response = client_for(viewer).post(
        reverse("intel:fact-review", args=[fact.pk]), {"action": "confirm"}
    )

    assert response.status_code == 403
    assert _state() == before


# ---------------------------------------------------------------------------- query counts
def _count_queries(client: Any, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _distinct_article(n: int) -> str:
    """The signing story with a different company and a long paragraph of its own."""
    import random

    rng = random.Random(n)
    pool = "产业园区企业项目研发生产基地医疗器械设备药品检测平台服务人才资金政策合作市场"
    filler = "".join(rng.choice(pool) for _ in range(400))
    return SIGNING_ARTICLE.replace("华晨", "华晨" + "甲乙丙丁戊己"[n]) + filler + "。\n"


def test_it_keeps_the_article_and_lead_list_queries_flat(
    officer: Any, ingest: Any, django_assert_max_num_queries: Any
) -> None:
    texts = [_distinct_article(n) for n in range(6)]
    for text in texts[:2]:
        article = ingest(text).article
        _review(officer, article.facts.get(kind="signing"), "confirm")
    small = (_count_queries(officer, "/intel/"), _count_queries(officer, "/intel/leads/"))
    for text in texts[2:]:
        article = ingest(text).article
        _review(officer, article.facts.get(kind="signing"), "confirm")

    with django_assert_max_num_queries(9):
        officer.get("/intel/")
    with django_assert_max_num_queries(9):
        officer.get("/intel/leads/")
    assert (_count_queries(officer, "/intel/"), _count_queries(officer, "/intel/leads/")) == small
    assert LeadSuggestion.objects.count() == 6


def test_it_keeps_the_article_page_queries_flat(
    officer: Any, ingest: Any, org_factory: Any
) -> None:
    small = ingest(SIGNING_ARTICLE).article
    small_count = _count_queries(officer, reverse("intel:article-detail", args=[small.pk]))
    org_factory("安徽华晨医疗器械有限公司")
    big = ingest(_distinct_article(1) + _distinct_article(2) + _distinct_article(3)).article
    for fact in big.facts.filter(kind="signing"):
        _review(officer, fact, "confirm")
    assert big.facts.count() > small.facts.count()

    count = _count_queries(officer, reverse("intel:article-detail", args=[big.pk]))

    assert count == small_count
