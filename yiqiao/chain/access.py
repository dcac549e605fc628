"""Who may do what to the chain (loaded by ChainConfig.ready; see yiqiao.core.access).

The tree, its edges and terms are shared reference data: everyone reads them; the chain's
services let bureau staff edit labels and terms and keep structure and edges to admins.
An organisation's classification follows the organisation. Gaps, targets, reference profiles
and runs belong to a district: staff whose region subtree holds that district see them, and
editing roles change them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from yiqiao.core.access import access_rule, global_reference, staff_can, through_parent
from yiqiao.core.scope import Scope
from yiqiao.registry.models import Organisation

from .models import (
    ChainCorrection,
    ChainEdge,
    ChainLink,
    ChainTerm,
    GapRun,
    NodeGap,
    NodeTarget,
    OrganisationChain,
    PeerBenchmark,
    Target,
)

access_rule(ChainEdge, ChainTerm, PeerBenchmark)(global_reference)
access_rule(ChainLink, ChainCorrection, OrganisationChain)(
    through_parent("organisation", Organisation)
)


@access_rule(GapRun, NodeTarget, Target)
def district_access(qs: QuerySet[Any], scope: Scope, action: str) -> QuerySet[Any]:
    if scope.everything:
        return qs
    if not scope.is_staff_role or not staff_can(scope, action):
        return qs.none()
    return qs.filter(region_id__in=scope.region_ids)


access_rule(NodeGap)(through_parent("run", GapRun))
