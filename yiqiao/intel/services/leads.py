"""Lead suggestions from confirmed facts, and turning them into pipeline leads (writes).

leads_refresh(*, article, by) -> list[LeadSuggestion]
    Re-derive suggestions from the article's confirmed or corrected signings and events:
    the engine's rules (`derive_leads`) plus one rule that needs the register: a confirmed
    signing elsewhere by an enterprise of our register that sits on our chain nodes.
    Suggestions already accepted or dismissed keep their decision; open ones whose basis was
    rejected are withdrawn.
lead_accept(*, lead, by) -> Project
    Create the Lead (Project at stage lead) once through `projects.services.project_create_lead`,
    citing the article; a second click returns the same project.
lead_dismiss(*, lead, by) -> LeadSuggestion
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from yiqiao.accounts.models import User
from yiqiao.core.audit import audit_record
from yiqiao.core.models import AuditEvent
from yiqiao.core.transitions import versioned_change
from yiqiao.projects.models import Project
from yiqiao.projects.services import project_create_lead
from yiqiao.registry.models import ChainNode, Organisation, Region

from .. import engine
from ..models import Article, ExtractedFact, LeadSuggestion


class LeadRefused(ValidationError):
    """An illegal step on a lead suggestion."""


def chain_keywords() -> list[str]:
    """Words for our chain nodes (the chain app's news keywords: names and chain-map words)."""
    from yiqiao.chain.queries import chain_news_keywords

    return list(chain_news_keywords())


def home_region_name(article: Article) -> str:
    """The district (or city) the uploading unit works for: parks and zones belong to theirs."""
    if article.region_id is None:
        return ""
    region: Region | None = Region.objects.select_related("parent").get(pk=article.region_id)
    while region is not None and region.kind in {Region.Kind.PARK, Region.Kind.ZONE}:
        region = region.parent
    return region.name if region is not None else ""


def _confirmed_extraction(article: Article, facts: list[ExtractedFact]) -> engine.Extraction:
    """An engine Extraction holding only what officers accepted."""
    K = ExtractedFact.Kind
    orgs = [
        engine.Organisation(str(f.payload.get("name", "")), str(f.payload.get("kind", "company")))
        for f in facts
        if f.kind == K.ORGANISATION
    ]
    signings = [
        engine.Signing(
            parties=tuple(f.payload.get("parties") or ()),
            amount_yuan=f.payload.get("amount_yuan"),
            project_count=f.payload.get("project_count"),
            fields=tuple(f.payload.get("fields") or ()),
            sentence=str(f.payload.get("sentence", "")),
        )
        for f in facts
        if f.kind == K.SIGNING
    ]
    events = [
        engine.Event(
            kind=str(f.payload.get("kind", "")),
            date=f.payload.get("date"),
            city=f.payload.get("city"),
            district=f.payload.get("district"),
            venue=f.payload.get("venue"),
            hosts=tuple(f.payload.get("hosts") or ()),
            theme=f.payload.get("theme"),
            sentence=str(f.payload.get("sentence", "")),
        )
        for f in facts
        if f.kind == K.EVENT
    ]
    sentences = [s.sentence for s in signings] + [e.sentence for e in events]
    return engine.Extraction(
        source=article.display_source,
        published=article.published_on.isoformat() if article.published_on else None,
        traditional=article.is_traditional,
        organisations=tuple(orgs),
        signings=tuple(signings),
        events=tuple(events),
        text="\n".join(s for s in sentences if s),
        title=article.title,
    )


def _linked_organisations(facts: list[ExtractedFact]) -> dict[str, Organisation]:
    """Register organisations by name: from confirmed organisation facts, else signing links."""
    by_name: dict[str, Organisation] = {}
    party_ids: dict[str, int] = {}
    for f in facts:
        if f.kind == ExtractedFact.Kind.ORGANISATION and f.organisation is not None:
            by_name[str(f.payload.get("name", ""))] = f.organisation
        elif f.kind == ExtractedFact.Kind.SIGNING:
            for link in f.payload.get("party_links", []):
                if link.get("organisation_id"):
                    party_ids.setdefault(str(link["name"]), int(link["organisation_id"]))
    missing = {n: pk for n, pk in party_ids.items() if n not in by_name}
    if missing:
        rows = Organisation.objects.in_bulk(list(missing.values()))
        by_name.update({n: rows[pk] for n, pk in missing.items() if pk in rows})
    return by_name


def _is_home(home: str, *texts: str | None) -> bool:
    short = re.sub(r"(市|区|县)$", "", home)
    return bool(home) and any(t and (home in t or (len(short) >= 2 and short in t)) for t in texts)


@transaction.atomic
def leads_refresh(*, article: Article, by: User) -> list[LeadSuggestion]:
    """Derive lead suggestions from the article's accepted signings and events."""
    facts = list(
        article.facts.filter(
            status__in=[ExtractedFact.Status.CONFIRMED, ExtractedFact.Status.CORRECTED]
        ).select_related("organisation")
    )
    keywords = chain_keywords()
    home = home_region_name(article)
    extraction = _confirmed_extraction(article, facts)
    by_sentence = {
        str(f.payload.get("sentence", "")): f
        for f in facts
        if f.kind in {ExtractedFact.Kind.SIGNING, ExtractedFact.Kind.EVENT}
    }
    org_by_name = _linked_organisations(facts)
    wanted: list[dict[str, Any]] = []
    for lead in engine.derive_leads(extraction, keywords, home):
        org = org_by_name.get(lead.organisation or "")
        wanted.append(
            {
                "rule": lead.kind,
                "title": lead.title[:200],
                "reason": lead.reason[:300],
                "evidence": lead.evidence,
                "priority": lead.priority,
                "organisation": org,
                "suggested_name": "" if org else (lead.organisation or "")[:120],
                "keywords": list(lead.keywords),
                "fact": by_sentence.get(lead.evidence),
            }
        )
    wanted += _register_chain_leads(article, facts, home, {w["title"] for w in wanted})
    kept: list[LeadSuggestion] = []
    for item in wanted:
        suggestion, created = LeadSuggestion.objects.get_or_create(
            article=article, rule=item["rule"], title=item["title"], defaults=item
        )
        if created:
            audit_record(actor=by, action=AuditEvent.Action.CREATE, instance=suggestion)
        kept.append(suggestion)
    # suggestions whose basis an officer has since rejected are withdrawn while still open
    LeadSuggestion.objects.filter(article=article, status=LeadSuggestion.Status.OPEN).exclude(
        pk__in=[s.pk for s in kept]
    ).delete()
    return kept


def _register_chain_leads(
    article: Article, facts: list[ExtractedFact], home: str, taken: set[str]
) -> list[dict[str, Any]]:
    """A confirmed signing elsewhere by a register enterprise on one of our chain nodes."""
    events = [f for f in facts if f.kind == ExtractedFact.Kind.EVENT]
    place = [events[0].payload.get("district"), events[0].payload.get("city")] if events else []
    party_ids = {
        link["organisation_id"]
        for f in facts
        if f.kind == ExtractedFact.Kind.SIGNING
        for link in f.payload.get("party_links", [])
        if link.get("organisation_id")
    }
    orgs = {
        o.pk: o
        for o in Organisation.objects.filter(
            pk__in=party_ids, kind=Organisation.Kind.ENTERPRISE, is_active=True
        ).prefetch_related("chain_nodes")
    }
    out: list[dict[str, Any]] = []
    for f in facts:
        if f.kind != ExtractedFact.Kind.SIGNING:
            continue
        sentence = str(f.payload.get("sentence", ""))
        if _is_home(home, sentence, *place):
            continue
        for link in f.payload.get("party_links", []):
            org = orgs.get(link.get("organisation_id"))
            nodes = [n.name for n in org.chain_nodes.all()] if org else []
            if org is None or not nodes:
                continue
            title = f"名录企业{org.name}在外地签约"[:200]
            if title in taken:
                continue
            taken.add(title)
            out.append(
                {
                    "rule": LeadSuggestion.Rule.TARGET_CHAIN_SIGNING,
                    "title": title,
                    "reason": f"名录中的产业链企业（{'、'.join(nodes)}）在外地签约，"
                    "应及时回访，了解扩产意向并争取在本地落地",
                    "evidence": sentence,
                    "priority": 1,
                    "organisation": org,
                    "suggested_name": "",
                    "keywords": nodes,
                    "fact": f,
                }
            )
    return out


def _source_note(lead: LeadSuggestion) -> str:
    article = lead.article
    date = article.published_on.isoformat() if article.published_on else "日期不详"
    return (
        f"产业情报：《{article.title or article.display_source}》（{article.display_source}，"
        f"{date}）。{lead.reason}。原文：{lead.evidence}"
    )


def lead_accept(*, lead: LeadSuggestion, by: User) -> Project:
    """Turn a suggestion into a pipeline Lead once; accepting again returns the same project."""
    with versioned_change(
        LeadSuggestion.objects.select_related("article", "organisation", "project"),
        lead.pk,
        by=by,
        action=AuditEvent.Action.TRANSITION,
    ) as change:
        current = change.instance
        if current.status == LeadSuggestion.Status.ACCEPTED and current.project is not None:
            change.skip()
            return current.project
        if current.status == LeadSuggestion.Status.DISMISSED:
            raise LeadRefused("该线索建议已被忽略，不能再转为招商线索")
        org = current.organisation
        nodes = list(org.chain_nodes.all()) if org else []
        if not nodes and current.keywords:
            from yiqiao.chain.queries import chain_news_keywords

            by_word = chain_news_keywords()
            codes = {code for word in current.keywords for code in by_word.get(word, [])}
            nodes = list(ChainNode.objects.filter(code__in=codes))
        project = project_create_lead(
            title=current.title,
            investor=org,
            source_note=_source_note(current),
            chain_nodes=nodes,
            by=by,
            source_url_or_ref=reverse("intel:article-detail", args=[current.article_id])
            + f"#lead-{current.pk}",
        )
        current.status = LeadSuggestion.Status.ACCEPTED
        current.project = project
        current.decided_by = by
        current.decided_at = timezone.now()
        change.note = f"转为招商线索 #{project.pk}"
    return project


def lead_dismiss(*, lead: LeadSuggestion, by: User) -> LeadSuggestion:
    """Dismiss an open suggestion (an accepted one has become a project and stays)."""
    with versioned_change(
        LeadSuggestion, lead.pk, by=by, action=AuditEvent.Action.TRANSITION
    ) as change:
        current = change.instance
        if current.status != LeadSuggestion.Status.OPEN:
            raise LeadRefused(f"该线索建议已是“{current.get_status_display()}”状态，不能忽略")
        current.status = LeadSuggestion.Status.DISMISSED
        current.decided_by = by
        current.decided_at = timezone.now()
    return change.instance
