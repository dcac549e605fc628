"""Who may do what to policies (loaded by PoliciesConfig.ready; see yiqiao.core.access).

Published and expired policies are readable by every staff member (outside users read the
published ones). A policy not yet published (draft, in review) is readable only by staff whose
scope covers the policy's region, that is its own unit and the units above it; a draft of the
platform-wide library (no region) by every staff member. Managing a policy needs an editing role
and its region in scope; the platform library is managed by admins.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from yiqiao.core.access import VIEW, access_rule, staff_can, through_parent
from yiqiao.core.scope import Scope
from yiqiao.registry.models import Organisation

from .models import (
    Award,
    AwardApplication,
    OrganisationFact,
    OrganisationRecord,
    Policy,
    PolicyVersion,
    ScreeningGroup,
    ScreeningIndex,
    ScreeningRun,
)

RELEASED = (Policy.Status.PUBLISHED, Policy.Status.EXPIRED)


@access_rule(Policy)
def policy_access(qs: QuerySet[Any], scope: Scope, action: str) -> QuerySet[Any]:
    if scope.everything:
        return qs
    if not scope.is_staff_role:
        return qs.filter(status=Policy.Status.PUBLISHED) if action == VIEW else qs.none()
    if action == VIEW:
        return qs.filter(
            Q(status__in=RELEASED) | Q(region__isnull=True) | Q(region_id__in=scope.region_ids)
        )
    if not staff_can(scope, action):
        return qs.none()
    condition = Q(region_id__in=scope.region_ids)
    if scope.is_admin:
        condition |= Q(region__isnull=True)
    return qs.filter(condition)


access_rule(PolicyVersion)(through_parent("policy", Policy))
access_rule(OrganisationFact)(through_parent("organisation", Organisation))
access_rule(OrganisationRecord)(through_parent("organisation", Organisation))
access_rule(Award)(through_parent("organisation", Organisation))
access_rule(AwardApplication)(through_parent("organisation", Organisation))


@access_rule(ScreeningRun)
def screening_run_access(qs: QuerySet[Any], scope: Scope, action: str) -> QuerySet[Any]:
    if scope.everything:
        return qs
    if not staff_can(scope, action):
        return qs.none()
    return qs.filter(Q(region_id__in=scope.region_ids) | Q(created_by_id=scope.user_id))


access_rule(ScreeningGroup)(through_parent("run", ScreeningRun))
access_rule(ScreeningIndex)(through_parent("run", ScreeningRun))
