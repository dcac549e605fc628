"""Ingestion: upload / paste, encodings, bad input, near-duplicates, the folder command, links."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from yiqiao.intel import services
from yiqiao.intel.highlight import Span, highlight
from yiqiao.intel.models import Article, ExtractedFact, FingerprintBand
from yiqiao.registry.models import Organisation

from .conftest import NO_FACTS_ARTICLE, SIGNING_ARTICLE, SIGNING_REPOST, TRADITIONAL_ARTICLE

pytestmark = pytest.mark.django_db


def _upload(client: Any, name: str, data: bytes, capture: Any, **extra: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    with capture(execute=True):
        response = client.post(
            reverse("intel:article-new"),
            {"mode": "upload", "up-file": SimpleUploadedFile(name, data), **extra},
        )
    if response.status_code != 302:
        return response
    page = client.get(response.url)
    page.redirect_url = response.url
    return page


def test_it_extracts_facts_from_an_uploaded_file(
    officer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    response = _upload(
        officer,
        "hefei.txt",
        SIGNING_ARTICLE.encode("utf-8"),
        django_capture_on_commit_callbacks,
        **{"up-source_name": "示例资讯"},
    )

    article = Article.objects.get()
    assert response.redirect_url == reverse("intel:article-detail", args=[article.pk])
    assert article.status == Article.Status.EXTRACTED
    assert article.title == "华晨医疗器械公司在合肥高新区签约建设体外诊断基地"
    assert article.published_on is not None
    assert article.published_on.isoformat() == "2025-03-12"
    assert article.source_name == "示例资讯"
    facts = {(f.kind, f.label) for f in article.facts.all()}
    assert ("organisation", "安徽华晨医疗器械有限公司") in facts
    assert ("signing", "合肥高新区、安徽华晨医疗器械有限公司（约12亿元）") in facts
    assert ("money", "约12亿元") in facts
    signing = article.facts.get(kind=ExtractedFact.Kind.SIGNING)
    assert signing.payload["amount_yuan"] == 1200000000
    assert (
        article.cleaned_text[signing.span_start : signing.span_end] == signing.payload["sentence"]
    )
    page = response.content.decode()
    assert '<mark class="hl-org st-proposed" data-fact="' in page
    assert "已保存，正在抽取事实" in page


@pytest.mark.parametrize(
    ("text", "encoding", "name", "traditional", "organisation"),
    [
        (SIGNING_ARTICLE, "gbk", "gbk.txt", False, "安徽华晨医疗器械有限公司"),
        (SIGNING_ARTICLE, "gb18030", "gb18030.txt", False, "安徽华晨医疗器械有限公司"),
        (TRADITIONAL_ARTICLE, "big5", "big5.txt", True, "福建康源生物科技有限公司"),
    ],
)
def test_it_reads_gbk_and_big5_files(
    ingest: Any, text: str, encoding: str, name: str, traditional: bool, organisation: str
) -> None:
    result = ingest(text.encode(encoding), file_name=name)

    article = result.article
    assert article.status == Article.Status.EXTRACTED
    assert article.is_traditional is traditional
    assert organisation in article.cleaned_text
    assert article.facts.filter(kind="organisation", label=organisation).count() == 1


def test_it_reads_an_html_page(ingest: Any) -> None:
    body = "".join(f"<p>{line}</p>" for line in SIGNING_ARTICLE.splitlines()[2:])
    html = (
        '<html><head><meta charset="gbk"><title>华晨签约合肥</title></head><body>'
        f"<h1>华晨签约合肥</h1><p>2025-03-12 来源：示例资讯</p>{body}</body></html>"
    )
    result = ingest(html.encode("gbk"), file_name="page.html")

    assert result.article.facts.filter(kind="signing").count() == 1
    assert "<p>" not in result.article.cleaned_text


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"", "内容为空"),
        ("blank.txt", b"  \n\n ", "文件为空"),
        ("binary.txt", bytes(range(256)) * 8, "二进制数据"),
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "仅支持 .txt、.html、.htm 文件"),
        ("latin.txt", "Ärger über Öl ".encode("latin-1") * 40, "无法读取"),
    ],
)
def test_it_refuses_bad_files_and_stores_nothing(
    officer: Any, django_capture_on_commit_callbacks: Any, name: str, data: bytes, message: str
) -> None:
    response = _upload(officer, name, data, django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert Article.objects.count() == 0
    assert FingerprintBand.objects.count() == 0


def test_it_refuses_an_oversize_file_with_the_limit_in_the_message(
    officer: Any, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.YIQIAO_INTEL_MAX_BYTES = 1024 * 1024
    data = SIGNING_ARTICLE.encode("utf-8") * 4000

    response = _upload(officer, "huge.txt", data, django_capture_on_commit_callbacks)

    assert "单篇资讯不能超过 1 MB" in response.content.decode()
    assert Article.objects.count() == 0


def test_it_collapses_a_republished_copy_into_one_record(officer: Any, ingest: Any) -> None:
    first = ingest(SIGNING_ARTICLE, source_name="示例资讯").article
    second = ingest(SIGNING_REPOST, source_name="转载网")

    assert second.created is True
    assert second.duplicate_of == first
    assert second.article.status == Article.Status.DUPLICATE
    assert second.article.facts.count() == 0
    listing = officer.get(reverse("intel:article-list")).content.decode()
    assert listing.count('data-article="') == 1
    assert "另有 1 家转载" in listing
    page = officer.get(reverse("intel:article-detail", args=[first.pk])).content.decode()
    assert "同一报道亦见于：转载网（2025-03-13）" in page


def test_it_does_not_store_the_same_text_twice(ingest: Any) -> None:
    first = ingest(SIGNING_ARTICLE.encode("utf-8"), file_name="a.txt")
    again = ingest(SIGNING_ARTICLE.encode("gbk"), file_name="a-gbk.txt")

    assert again.created is False
    assert again.article == first.article
    assert "该文章已导入" in again.message
    assert Article.objects.count() == 1


def test_it_ingests_a_folder_once(alice: Any, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(SIGNING_ARTICLE.encode("gbk"))
    (tmp_path / "b.txt").write_bytes(TRADITIONAL_ARTICLE.encode("big5"))
    (tmp_path / "c.html").write_text(f"<p>{NO_FACTS_ARTICLE}</p>", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04")

    call_command("intel_ingest", str(tmp_path), user="alice")
    call_command("intel_ingest", str(tmp_path), user="alice")

    assert sorted(Article.objects.values_list("file_name", flat=True)) == [
        "a.txt",
        "b.txt",
        "c.html",
    ]


def test_it_reports_what_the_folder_command_did(alice: Any, tmp_path: Path, capsys: Any) -> None:
    (tmp_path / "a.txt").write_bytes(SIGNING_ARTICLE.encode("utf-8"))
    (tmp_path / "b.txt").write_bytes(SIGNING_REPOST.encode("utf-8"))
    (tmp_path / "bad.txt").write_bytes(b"\x00\x01\x02" * 100)

    call_command("intel_ingest", str(tmp_path), user="alice")
    call_command("intel_ingest", str(tmp_path), user="alice")

    out = capsys.readouterr()
    assert "新增 1 篇，合并重复稿 1 篇，已导入跳过 0 篇，无法导入 1 篇" in out.out
    assert "新增 0 篇，合并重复稿 0 篇，已导入跳过 2 篇，无法导入 1 篇" in out.out
    assert "bad.txt: 无法读取：文件看起来是二进制数据" in out.err


def test_it_links_names_to_the_register_and_suggests_unknown_ones(
    ingest: Any, org_factory: Any
) -> None:
    known = org_factory("合肥华晨医疗器械集团有限公司", aliases=["安徽华晨医疗器械有限公司"])

    article = ingest(SIGNING_ARTICLE).article

    linked = article.facts.get(kind="organisation", label="安徽华晨医疗器械有限公司")
    assert (linked.organisation, linked.link_method, linked.link_confidence) == (
        known,
        "alias",
        0.97,
    )
    unknown = article.facts.get(kind="organisation", label="合肥高新区管委会")
    assert (unknown.organisation, unknown.link_method) == (None, "unknown")
    assert unknown.suggestions[-1]["reason"] == "登记册中未找到，建议新增该主体"
    signing = article.facts.get(kind="signing")
    assert signing.payload["party_links"][1]["organisation_id"] == known.pk


def test_it_adds_a_suggested_organisation_to_the_register(
    officer: Any, ingest: Any, regions: Any
) -> None:
    article = ingest(SIGNING_ARTICLE).article
    fact = article.facts.get(kind="organisation", label="合肥高新区管委会")

    officer.post(reverse("intel:fact-register", args=[fact.pk]))

    org = Organisation.objects.get(name="合肥高新区管委会")
    assert (org.kind, org.region) == (Organisation.Kind.GOVERNMENT, regions["district"])
    fact.refresh_from_db()
    assert (fact.organisation, fact.link_method, fact.status) == (org, "manual", "confirmed")
    again = officer.post(reverse("intel:fact-register", args=[fact.pk]), follow=True)
    assert "该机构已关联名录中的主体" in again.content.decode()
    assert Organisation.objects.filter(name="合肥高新区管委会").count() == 1


def test_it_keeps_an_article_without_facts(ingest: Any, officer: Any) -> None:
    article = ingest(NO_FACTS_ARTICLE, title="").article

    assert (article.status, article.facts.count()) == (Article.Status.EXTRACTED, 0)
    page = officer.get(reverse("intel:article-detail", args=[article.pk])).content.decode()
    assert "未发现相关事实" in page


def test_it_saves_a_pasted_article(officer: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        officer.post(
            reverse("intel:article-new"),
            {"mode": "paste", "paste-title": "粘贴的报道", "paste-text": SIGNING_ARTICLE},
        )

    article = Article.objects.get()
    assert (article.title, article.raw_text, article.raw_content) == (
        "粘贴的报道",
        SIGNING_ARTICLE,
        None,
    )
    assert article.facts.filter(kind="signing").count() == 1


def test_it_refuses_an_empty_paste(officer: Any) -> None:
    response = officer.post(reverse("intel:article-new"), {"mode": "paste", "paste-text": "  "})

    assert "请粘贴文章正文" in response.content.decode()
    assert Article.objects.count() == 0


@pytest.mark.parametrize(
    ("text", "spans", "html"),
    [
        (
            "甲<b>乙</b>",
            [Span(0, 1, "hl-org", 1)],
            '<mark class="hl-org" data-fact="1" id="span-1" title="">甲</mark>&lt;b&gt;乙&lt;/b&gt;',
        ),
        (
            "与华晨签约。",
            [Span(0, 6, "hl-signing", 1), Span(1, 3, "hl-org", 2)],
            '<mark class="hl-signing" data-fact="1" id="span-1" title="">与'
            '<mark class="hl-org" data-fact="2" id="span-2" title="">华晨</mark>签约。</mark>',
        ),
        # a span crossing another one's end is dropped, never broken markup
        (
            "abcdef",
            [Span(0, 3, "x", 1), Span(2, 5, "y", 2)],
            '<mark class="x" data-fact="1" id="span-1" title="">abc</mark>def',
        ),
        ("ab\ncd", [Span(9, 12, "x", 1)], "ab<br>\ncd"),
        (
            '"><script>',
            [Span(0, 2, 'a" onclick="x', 1)],
            '<mark class="a&quot; onclick=&quot;x" data-fact="1" id="span-1" title="">&quot;&gt;</mark>&lt;script&gt;',
        ),
    ],
)
def test_it_highlights_spans_with_the_text_escaped(text: str, spans: list[Span], html: str) -> None:
    assert str(highlight(text, spans)) == html


def test_it_shows_markup_in_a_pasted_text_as_text(ingest: Any, officer: Any) -> None:
    text = SIGNING_ARTICLE + "读者留言：<script>alert(1)</script>。\n"
    article = ingest(text).article

    page = officer.get(reverse("intel:article-detail", args=[article.pk])).content.decode()

    assert "<script>alert(1)" not in page
    assert article.facts.count() > 0


def test_it_refuses_upload_to_a_viewer(client_for: Any, viewer: Any) -> None:
    response = client_for(viewer).post(
        reverse("intel:article-new"), {"mode": "paste", "paste-text": SIGNING_ARTICLE}
    )

    assert response.status_code == 403
    assert Article.objects.count() == 0


def test_it_uses_the_max_size_setting(settings: Any) -> None:
    settings.YIQIAO_INTEL_MAX_BYTES = 10
    with pytest.raises(services.IngestRefused) as err:
        services.check_input("x" * 11, "")
    assert err.value.messages == ["文件过大：0.0 MB，单篇资讯不能超过 0 MB"]


def test_it_lists_news_mentions_on_the_organisation_page(
    officer: Any, ingest: Any, org_factory: Any, client_for: Any, charlie: Any
) -> None:
    known = org_factory("安徽华晨医疗器械有限公司")
    ingest(SIGNING_ARTICLE, source_name="示例资讯")
    url = reverse("registry:organisation-detail", args=[known.pk])

    page = officer.get(url).content.decode()

    assert 'id="intel-mentions"' in page
    assert "华晨医疗器械公司在合肥高新区签约建设体外诊断基地" in page
    assert client_for(charlie).get(url).status_code == 404


def test_it_counts_facts_and_copies_on_the_list(officer: Any, ingest: Any) -> None:
    first = ingest(SIGNING_ARTICLE).article
    ingest(SIGNING_REPOST, source_name="转载网")
    ingest(NO_FACTS_ARTICLE)

    rows = {a.pk: a for a in officer.get(reverse("intel:article-list")).context["articles"]}

    assert len(rows) == 2
    assert (rows[first.pk].fact_count, rows[first.pk].duplicate_count) == (
        first.facts.count(),
        1,
    )
    assert rows[first.pk].open_facts == rows[first.pk].fact_count
    other = next(a for pk, a in rows.items() if pk != first.pk)
    assert (other.fact_count, other.open_facts, other.duplicate_count) == (0, 0, 0)


def test_it_shows_each_event_with_its_own_records_on_the_article_page(
    officer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from .test_engine_facts import MULTI_EVENT

    page = _upload(
        officer, "multi.txt", MULTI_EVENT.encode("utf-8"), django_capture_on_commit_callbacks
    )
    article = Article.objects.get()
    signings = {
        f.payload["event"]: f for f in article.facts.filter(kind=ExtractedFact.Kind.SIGNING)
    }
    html = page.content.decode()
    first = html.index('data-event="e1"')
    second = html.index('data-event="e2"')
    block1, block2 = html[first:second], html[second:]
    assert "2024-06-18" in block1 and "上海" in block1 and "宁波高新区管委会" in block1
    assert f'href="#fact-{signings["e1"].pk}"' in block1
    assert f'href="#fact-{signings["e2"].pk}"' not in block1
    assert "2024-06-19" in block2 and "杭州" in block2
    assert f'href="#fact-{signings["e2"].pk}"' in block2
    assert signings["e1"].label == "宁波高新区（约26亿元）"
