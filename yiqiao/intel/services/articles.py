"""Writes of news intelligence: ingest and extraction.

Review lives in `review.py`, lead suggestions and their acceptance in `leads.py`. Every write is
atomic and audited.

    article_ingest(*, content, by, file_name="", title="", source_name="", source_url="")
        -> IngestResult
        Refuses (IngestRefused, Chinese message) empty, binary, undecodable, oversize or
        wrongly typed input before anything is stored. A text whose fingerprint equals an
        article already visible to the user is not stored again; a near-duplicate is stored
        folded into the article it repeats. Extraction is enqueued after commit.
    article_extract(*, article_id) -> Article | None       (the background task's body)
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from yiqiao.accounts.models import User
from yiqiao.core.audit import audit_record, snapshot
from yiqiao.core.models import AuditEvent
from yiqiao.core.weblinks import check_web_url
from yiqiao.registry.models import Organisation

from .. import engine, queries
from ..models import Article, ConfirmedName, ExtractedFact, FingerprintBand

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
ALLOWED_SUFFIXES = (".txt", ".html", ".htm")
DUPLICATE_THRESHOLD = 0.6
ENGINE_KINDS = {
    "company": Organisation.Kind.ENTERPRISE,
    "government": Organisation.Kind.GOVERNMENT,
    "university": Organisation.Kind.UNIVERSITY,
    "hospital": Organisation.Kind.HOSPITAL,
    "research": Organisation.Kind.INSTITUTE,
    "association": Organisation.Kind.ASSOCIATION,
    "platform": Organisation.Kind.PLATFORM,
}

__all__ = [
    "IngestRefused",
    "IngestResult",
    "article_extract",
    "article_ingest",
    "dictionary_sync",
]


class IngestRefused(ValidationError):
    """The input cannot become an article; the message says why, in Chinese."""


@dataclass(frozen=True)
class IngestResult:
    """What happened to one input: stored, folded into another article, or already present."""

    article: Article
    created: bool
    duplicate_of: Article | None = None

    @property
    def message(self) -> str:
        if not self.created:
            return f"该文章已导入（{self.article}），未重复保存"
        if self.duplicate_of is not None:
            return f"内容与已有文章“{self.duplicate_of}”高度相似，已合并为同一条记录"
        return "已保存，正在抽取事实"


def max_bytes() -> int:
    return int(getattr(settings, "YIQIAO_INTEL_MAX_BYTES", DEFAULT_MAX_BYTES))


def use_lac() -> bool:
    return bool(getattr(settings, "YIQIAO_INTEL_USE_LAC", True))


def check_input(content: bytes | str, file_name: str) -> None:
    """Refuse what cannot be an article before any work is done."""
    size = len(content.encode("utf-8")) if isinstance(content, str) else len(content)
    limit = max_bytes()
    if size > limit:
        raise IngestRefused(
            f"文件过大：{size / 1024 / 1024:.1f} MB，单篇资讯不能超过 {limit / 1024 / 1024:.0f} MB"
        )
    if file_name and not file_name.lower().endswith(ALLOWED_SUFFIXES):
        raise IngestRefused("仅支持 .txt、.html、.htm 文件（UTF-8、GBK/GB18030 或 Big5 编码）")
    if size == 0 or (isinstance(content, str) and not content.strip()):
        raise IngestRefused("内容为空：请上传有正文的文件或粘贴文章")


def _fingerprint_values(text: str) -> tuple[list[str], str, list[str]]:
    """(hex MinHash values, digest of them, LSH band keys)."""
    fp = engine.fingerprint(text)
    values = [f"{v:016x}" for v in fp.values]
    digest = hashlib.sha1("".join(values).encode()).hexdigest() if values else ""
    bands = []
    for band in range(engine.dedup.BANDS):
        chunk = "".join(values[band * engine.dedup.ROWS : (band + 1) * engine.dedup.ROWS])
        if chunk:
            bands.append(f"{band}:" + hashlib.sha1(chunk.encode()).hexdigest()[:32])
    return values, digest, bands


def _similarity(a: list[str], b: list[str]) -> float:
    if not a or len(a) != len(b):
        return 0.0
    return sum(1 for x, y in zip(a, b, strict=True) if x == y) / len(a)


def _near_duplicate(by: User, values: list[str], bands: list[str]) -> Article | None:
    """The most similar visible kept article sharing an LSH band, if similar enough."""
    if not bands:
        return None
    candidate_ids = (
        FingerprintBand.objects.filter(key__in=bands)
        .values_list("article_id", flat=True)
        .distinct()
    )
    candidates = queries.visible_articles(by).filter(
        pk__in=candidate_ids, duplicate_of__isnull=True
    )
    best: tuple[float, Article] | None = None
    for other in candidates.only("id", "title", "file_name", "fingerprint"):
        sim = _similarity(values, list(other.fingerprint))
        if sim >= DUPLICATE_THRESHOLD and (best is None or sim > best[0]):
            best = (sim, other)
    return best[1] if best else None


def _published(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


@transaction.atomic
def article_ingest(
    *,
    content: bytes | str,
    by: User,
    file_name: str = "",
    title: str = "",
    source_name: str = "",
    source_url: str = "",
) -> IngestResult:
    """Store one uploaded file (bytes) or pasted text (str) as an article; see module docstring."""
    file_name = file_name.strip()[:200]
    source_url = check_web_url(source_url, label="原文链接")
    check_input(content, file_name)
    # A rule-only pass decodes, cleans and dates the text now, so bad input is refused and
    # duplicates are folded before anything is stored; the full extraction runs in the task.
    preview = engine.extract_article(content, file_name, use_lac=False)
    if preview.error is not None:
        raise IngestRefused(f"无法读取：{preview.error}")
    if not preview.text.strip():
        raise IngestRefused("未能读出正文：文件中没有可识别的中文文章内容")
    values, digest, bands = _fingerprint_values(preview.text)
    visible = queries.visible_articles(by)
    if digest:
        same = visible.filter(fingerprint_key=digest).order_by("id").first()
        if same is not None:
            return IngestResult(article=same, created=False)
    original = _near_duplicate(by, values, bands)
    unit = getattr(by, "org_unit", None)
    try:
        # a savepoint: losing a race on the same text leaves the caller's transaction usable
        with transaction.atomic():
            article = Article.objects.create(
                title=(title.strip() or preview.title)[:300],
                source_name=source_name.strip()[:120],
                source_url=source_url[:500],
                file_name=file_name,
                published_on=_published(preview.published),
                raw_content=content if isinstance(content, bytes) else None,
                raw_text=content if isinstance(content, str) else "",
                cleaned_text=preview.text,
                is_traditional=preview.traditional,
                fingerprint=values,
                fingerprint_key=digest,
                duplicate_of=original,
                status=Article.Status.DUPLICATE if original else Article.Status.NEW,
                uploaded_by=by if getattr(by, "pk", None) else None,
                owner_unit=unit,
                region_id=getattr(unit, "region_id", None),
            )
    except IntegrityError:
        same = visible.filter(fingerprint_key=digest).order_by("id").first()
        if same is None:
            raise
        return IngestResult(article=same, created=False)
    if original is None:
        FingerprintBand.objects.bulk_create(
            [FingerprintBand(article=article, key=key) for key in bands]
        )
        from ..tasks import article_extract_task

        transaction.on_commit(lambda: article_extract_task.enqueue(article.pk))
    audit_record(
        actor=by,
        action=AuditEvent.Action.CREATE,
        instance=article,
        after=snapshot(article, exclude=("raw_content", "raw_text", "cleaned_text", "fingerprint")),
        note=f"合并至资讯 #{original.pk}" if original else "",
    )
    return IngestResult(article=article, created=True, duplicate_of=original)


def dictionary_sync() -> int:
    """Feed every confirmed name to the engine's in-process dictionary; returns how many were new.

    The engine keeps its dictionary per process, so each worker calls this before extracting.
    """
    return engine.add_confirmed_names(ConfirmedName.objects.values_list("name", flat=True))


def register_entries(user: User | None) -> list[engine.RegisterEntry]:
    """The user's register scope as engine entries (names, aliases, former names, uscc)."""
    if user is None:
        return []
    rows = queries.register_in_scope(user).values_list(
        "id", "name", "aliases", "former_names", "uscc"
    )
    return [
        engine.RegisterEntry(
            id=str(pk),
            name=name,
            uscc=uscc or None,
            aliases=tuple(str(a) for a in [*(aliases or []), *(former or [])] if a),
        )
        for pk, name, aliases, former, uscc in rows
    ]


def _span(text: str, needle: str) -> tuple[int, int]:
    if not needle:
        return -1, -1
    at = text.find(needle)
    return (at, at + len(needle)) if at >= 0 else (-1, -1)


def link_fields(result: engine.LinkResult | None) -> dict[str, object]:
    if result is None:
        return {}
    return {
        "organisation_id": int(result.entry_id) if result.entry_id else None,
        "link_method": result.method,
        "link_confidence": result.confidence,
        "link_reason": result.reason[:300],
        "suggestions": [
            {"id": s.entry_id, "name": s.name, "score": s.score, "reason": s.reason}
            for s in result.suggestions
        ],
    }


def party_links(
    parties: Iterable[str], links: dict[str, engine.LinkResult]
) -> list[dict[str, object]]:
    """How each signing party was linked to the register (id, method)."""
    out: list[dict[str, object]] = []
    for name in parties:
        result = links.get(name)
        entry = result.entry_id if result is not None else None
        out.append(
            {
                "name": name,
                "organisation_id": int(entry) if entry else None,
                "method": result.method if result is not None else "",
            }
        )
    return out


def _facts_from(article: Article, ex: engine.Extraction, entries: list[Any]) -> list[ExtractedFact]:
    text = ex.text
    names = [o.name for o in ex.organisations]
    party_names = sorted({p for s in ex.signings for p in s.parties} - set(names))
    links = {r.mention: r for r in engine.link_organisations([*names, *party_names], entries)}
    facts: list[ExtractedFact] = []

    def add(kind: str, label: str, payload: dict[str, Any], needle: str, **extra: Any) -> None:
        start, end = _span(text, needle)
        facts.append(
            ExtractedFact(
                article=article,
                kind=kind,
                position=len(facts),
                label=label[:300],
                payload=payload,
                span_start=start,
                span_end=end,
                **extra,
            )
        )

    K = ExtractedFact.Kind
    for o in ex.organisations:
        org = {"name": o.name, "kind": o.kind, "source": o.source, "reason": o.reason}
        add(K.ORGANISATION, o.name, org, o.name, **link_fields(links.get(o.name)))
    for sg in ex.signings:
        signing: dict[str, Any] = {
            **sg.to_json(),
            "sentence": sg.sentence,
            "reason": sg.reason,
            "party_links": party_links(sg.parties, links),
        }
        label = "、".join(sg.parties) or "签约"
        if sg.amount_yuan:
            q = sg.amount.qualifier if sg.amount is not None else "exact"
            label += f"（{engine.format_quantity(sg.amount_yuan, '元', q)}）"
        add(K.SIGNING, label, signing, sg.sentence)
    for ev in ex.events:
        label = " ".join(x for x in (ev.date, ev.city, ev.district, ev.venue) if x) or ev.kind
        add(K.EVENT, label, {**ev.to_json(), "sentence": ev.sentence}, ev.sentence)
    for m in ex.money:
        add(K.MONEY, m.text, m.to_json(), m.text)
    for mt in ex.metrics:
        add(K.METRIC, mt.label, mt.to_json(), "")
    return facts


@transaction.atomic
def article_extract(*, article_id: int) -> Article | None:
    """Run the full extraction once for a new article and store its proposed, linked facts."""
    article = (
        Article.objects.select_for_update(of=("self",))
        .filter(pk=article_id, status=Article.Status.NEW)
        .select_related("uploaded_by")
        .first()
    )
    if article is None:
        return None  # already extracted, folded into another article, or deleted
    dictionary_sync()
    raw: bytes | str = bytes(article.raw_content) if article.raw_content else article.raw_text
    ex = engine.extract_article(raw, article.file_name, use_lac=use_lac())
    before = {"status": article.status}
    if ex.error is not None:
        article.status = Article.Status.FAILED
        article.error = ex.error[:300]
    else:
        facts = _facts_from(article, ex, register_entries(article.uploaded_by))
        ExtractedFact.objects.bulk_create(facts)
        article.cleaned_text = ex.text
        article.title = article.title or ex.title[:300]
        article.status = Article.Status.EXTRACTED
        article.error = ""
    article.save(update_fields=["status", "error", "cleaned_text", "title", "updated_at"])
    audit_record(
        actor=None,
        action=AuditEvent.Action.TRANSITION,
        instance=article,
        before=before,
        after={"status": article.status, "facts": article.facts.count()},
        note="自动抽取",
    )
    return article
