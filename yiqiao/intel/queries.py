"""Reads of news intelligence. All permission scoping for intel records lives here.

News is not confidential between the units of one area, but it is not public either: an
article is visible to staff whose scope covers the uploading unit's region (the unit itself,
the bureaus above it) and to the units below that region (a park sees its district's news).
Changing an article (reviewing facts, adding names to the register) needs an editing role and
the article's region inside the user's own scope; turning a lead into a project needs an
editing role and a visible article (the project goes to the user's own unit).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from yiqiao.core.scope import Scope, user_scope
from yiqiao.registry.models import Organisation

from .models import Article, ExtractedFact, LeadSuggestion

ARTICLE_STATUSES = {s.value for s in Article.Status}
LEAD_STATUSES = {s.value for s in LeadSuggestion.Status}


def _ancestor_paths(user: Any) -> list[str]:
    """Paths of the user's unit region and every region above it (cached on the user)."""
    cached = getattr(user, "_intel_ancestor_paths", None)
    if cached is not None:
        return list(cached)
    paths: list[str] = []
    unit_id = getattr(user, "org_unit_id", None)
    if unit_id is not None:
        path = _unit_region_path(unit_id)
        if path:
            parts = [p for p in path.split("/") if p]
            paths = ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
    user._intel_ancestor_paths = tuple(paths)
    return paths


def _unit_region_path(unit_id: int) -> str | None:
    from yiqiao.accounts.models import OrgUnit

    return OrgUnit.objects.filter(pk=unit_id).values_list("region__path", flat=True).first()


def visible_articles(user: Any) -> QuerySet[Article]:
    """Articles the user may read (see the module docstring)."""
    scope = user_scope(user)
    qs = Article.objects.all()
    if scope.everything:
        return qs
    if not scope.is_staff_role or scope.is_empty:
        return qs.none()
    condition = Q(region_id__in=scope.region_ids)
    ancestors = _ancestor_paths(user)
    if ancestors:
        condition |= Q(region__path__in=ancestors)
    if scope.unit_id is not None:
        condition |= Q(owner_unit_id=scope.unit_id)
    return qs.filter(condition)


def _may_change(scope: Scope, user: Any, article: Article) -> bool:
    if not getattr(user, "can_edit_register", False):
        return False
    if scope.everything:
        return True
    return article.region_id in scope.region_ids or (
        scope.unit_id is not None and article.owner_unit_id == scope.unit_id
    )


@dataclass
class ArticleFilters:
    """Filters of the article list (page and API)."""

    q: str = ""
    status: str = ""

    @classmethod
    def from_mapping(cls, data: Any) -> ArticleFilters:
        status = str(data.get("status", "") or "")
        return cls(
            q=str(data.get("q", "") or "").strip()[:100],
            status=status if status in ARTICLE_STATUSES else "",
        )

    def as_query(self) -> dict[str, str]:
        return {k: v for k, v in {"q": self.q, "status": self.status}.items() if v}


def _count(qs: QuerySet[Any], parent_field: str) -> Coalesce:
    """A correlated COUNT subquery (no join fan-out across several counted relations).

    `qs` is filtered on `parent_field=OuterRef("pk")`, so grouping by it makes one group.
    """
    counted = qs.order_by().values(parent_field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted[:1]), Value(0))


def article_list(*, user: Any, filters: ArticleFilters) -> QuerySet[Article]:
    """Articles kept (duplicates folded in), newest first, with counts for the list page."""
    qs = visible_articles(user).filter(duplicate_of__isnull=True)
    if filters.status:
        qs = qs.filter(status=filters.status)
    else:
        qs = qs.exclude(status=Article.Status.DUPLICATE)
    if filters.q:
        qs = qs.filter(
            Q(title__icontains=filters.q)
            | Q(source_name__icontains=filters.q)
            | Q(cleaned_text__contains=filters.q)
        )
    return (
        qs.select_related("uploaded_by")
        .defer("raw_content", "raw_text", "cleaned_text", "fingerprint")
        .annotate(
            fact_count=_count(ExtractedFact.objects.filter(article=OuterRef("pk")), "article"),
            open_facts=_count(
                ExtractedFact.objects.filter(
                    article=OuterRef("pk"), status=ExtractedFact.Status.PROPOSED
                ),
                "article",
            ),
            duplicate_count=_count(
                Article.objects.filter(duplicate_of=OuterRef("pk")), "duplicate_of"
            ),
        )
        .order_by("-created_at", "-id")
    )


def access_article(user: Any, article_id: int, *, for_edit: bool = False) -> Article:
    """One visible article (404 otherwise); with for_edit, one the user may change (403)."""
    article = (
        visible_articles(user)
        .select_related("uploaded_by", "owner_unit", "duplicate_of")
        .filter(pk=article_id)
        .first()
    )
    if article is None:
        raise Http404("资讯不存在或无权查看")
    if for_edit and not _may_change(user_scope(user), user, article):
        raise PermissionDenied("当前角色无权审核该资讯")
    return article


def article_may_change(user: Any, article: Article) -> bool:
    return _may_change(user_scope(user), user, article)


def article_detail(article: Article) -> dict[str, Any]:
    """Facts, duplicates and leads of one article in a fixed number of queries."""
    facts = list(
        article.facts.select_related("organisation", "reviewed_by").order_by("position", "id")
    )
    return {
        "facts": facts,
        "duplicates": list(article.duplicates.order_by("created_at", "id")),
        "leads": list(
            article.leads.select_related("organisation", "project").order_by("priority", "id")
        ),
    }


def access_fact(user: Any, fact_id: int, *, for_edit: bool = False) -> ExtractedFact:
    """A fact of a visible article (404), changeable with for_edit (403)."""
    fact = (
        ExtractedFact.objects.select_related("article", "organisation")
        .filter(pk=fact_id, article__in=visible_articles(user))
        .first()
    )
    if fact is None:
        raise Http404("事实不存在或无权查看")
    if for_edit and not _may_change(user_scope(user), user, fact.article):
        raise PermissionDenied("当前角色无权审核该资讯")
    return fact


@dataclass
class LeadFilters:
    status: str = LeadSuggestion.Status.OPEN

    @classmethod
    def from_mapping(cls, data: Any) -> LeadFilters:
        status = str(data.get("status", LeadSuggestion.Status.OPEN) or "")
        return cls(status=status if status in LEAD_STATUSES or status == "all" else "open")


def lead_list(*, user: Any, filters: LeadFilters) -> QuerySet[LeadSuggestion]:
    """Lead suggestions of visible articles, with their source article and target joined."""
    qs = LeadSuggestion.objects.filter(article__in=visible_articles(user))
    if filters.status != "all":
        qs = qs.filter(status=filters.status)
    return qs.select_related("article", "organisation", "project").order_by(
        "priority", "-created_at", "-id"
    )


def access_lead(user: Any, lead_id: int, *, for_edit: bool = False) -> LeadSuggestion:
    """A lead of a visible article (404); with for_edit, the user must hold an editing role."""
    lead = (
        LeadSuggestion.objects.select_related("article", "organisation", "project")
        .filter(pk=lead_id, article__in=visible_articles(user))
        .first()
    )
    if lead is None:
        raise Http404("线索建议不存在或无权查看")
    if for_edit and not getattr(user, "can_edit_register", False):
        raise PermissionDenied("当前角色无权处理线索")
    return lead


def register_in_scope(user: Any) -> QuerySet[Organisation]:
    """Active organisations of the user's register scope, for linking names."""
    from yiqiao.registry.queries import OrganisationFilters, organisation_list

    return organisation_list(user=user, filters=OrganisationFilters()).order_by()


def organisation_mentions(*, user: Any, organisation: Any, limit: int = 20) -> list[ExtractedFact]:
    """Facts linking visible articles to one organisation (not rejected), newest first."""
    return list(
        ExtractedFact.objects.filter(
            organisation=organisation,
            kind=ExtractedFact.Kind.ORGANISATION,
            article__in=visible_articles(user),
        )
        .exclude(status=ExtractedFact.Status.REJECTED)
        .select_related("article")
        .defer("article__raw_content", "article__raw_text", "article__cleaned_text")
        .order_by("-article__created_at", "-id")[:limit]
    )
