"""Who may do what to news intelligence (loaded by IntelConfig.ready; see yiqiao.core.access).

News is not confidential between the units of one area, but it is not public either: an
article is visible to staff whose scope covers the uploading unit's region (the unit itself,
the bureaus above it) and to the units below that region (a park sees its district's news).
Changing an article (reviewing facts, adding names to the register) needs an editing role and
the article's region inside the user's own scope; deciding a lead needs an editing role and a
visible article (the project goes to the user's own unit).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from yiqiao.accounts.models import OrgUnit
from yiqiao.core.access import VIEW, access_rule, staff_can, through_parent
from yiqiao.core.scope import Scope
from yiqiao.registry.models import Organisation

from .models import Article, ConfirmedName, ExtractedFact, FingerprintBand, LeadSuggestion


@access_rule(Article)
def article_access(qs: QuerySet[Any], scope: Scope, action: str) -> QuerySet[Any]:
    if scope.everything:
        return qs
    if not staff_can(scope, action) or scope.is_empty:
        return qs.none()
    condition: Any = Q(region_id__in=scope.region_ids)
    if scope.unit_id is not None:
        condition |= Q(owner_unit_id=scope.unit_id)
        if action == VIEW:
            # Articles of the regions above the unit's own (a park reads its district's news).
            above = OrgUnit.objects.filter(
                pk=scope.unit_id, region__path__startswith=OuterRef("region__path")
            )
            condition |= Exists(above)
    return qs.filter(condition)


@access_rule(LeadSuggestion)
def lead_access(qs: QuerySet[Any], scope: Scope, action: str) -> QuerySet[Any]:
    if not staff_can(scope, action):
        return qs.none()
    return qs.filter(article__in=article_access(Article.objects.all(), scope, VIEW).values("pk"))


access_rule(ExtractedFact, FingerprintBand)(through_parent("article", Article))
access_rule(ConfirmedName)(through_parent("organisation", Organisation))
