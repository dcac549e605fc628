"""Who may do what to cultivation records (loaded by CultivationConfig.ready; see
yiqiao.core.access).

- Recognitions and 上市后备库 entries follow their enterprise: staff who see (change) the
  organisation see (change) them; an enterprise user sees its own.
- Talent teams follow their host organisation (a team is reached through whoever hosts it).
- Rung criteria are shared reference data: everyone signed in reads them, admins add versions.
- Yearly targets belong to a region: staff of that region's subtree read them, its admins set
  them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from yiqiao.core.access import VIEW, access_rule, global_reference, through_parent
from yiqiao.core.scope import Scope
from yiqiao.registry.models import Organisation

from .models import (
    CriteriaVersion,
    CultivationTarget,
    ListingCandidate,
    ListingStageChange,
    Recognition,
    TalentTeam,
)

access_rule(Recognition, ListingCandidate)(through_parent("organisation", Organisation))
access_rule(ListingStageChange)(through_parent("candidate", ListingCandidate))
access_rule(TalentTeam)(through_parent("host", Organisation))
access_rule(CriteriaVersion)(global_reference)


@access_rule(CultivationTarget)
def target_access(qs: QuerySet[Any], scope: Scope, action: str) -> QuerySet[Any]:
    if scope.everything:
        return qs
    if not scope.is_staff_role:
        return qs.none()
    if action != VIEW and not scope.is_admin:
        return qs.none()
    return qs.filter(region_id__in=scope.region_ids)
