"""Who may see and set yearly targets (loaded by DashboardConfig.ready; see yiqiao.core.access).

Staff read the targets of their region subtree; admins of the region change them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from yiqiao.core.access import VIEW, access_rule
from yiqiao.core.scope import Scope

from .models import KpiTarget


@access_rule(KpiTarget)
def kpi_target_access(qs: QuerySet[Any], scope: Scope, action: str) -> QuerySet[Any]:
    if scope.everything:
        return qs
    if not scope.is_staff_role:
        return qs.none()
    if action == VIEW or scope.is_admin:
        return qs.filter(region_id__in=scope.region_ids)
    return qs.none()
