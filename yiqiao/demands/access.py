"""Who may do what to demands (loaded by DemandsConfig.ready; see yiqiao.core.access).

Staff see the demands of organisations registered (or located) in their region subtree and
those routed to their unit; officers and admins handle them. Enterprise users see their own
organisation's demands. Responses, conversions, follow-ups, attachments and history follow the
demand. Routing rules and time limits are configuration that acts on demands: they belong to a
region, are read by the staff of that region and changed by its admins.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from yiqiao.core.access import VIEW, access_rule, staff_can, through_parent
from yiqiao.core.scope import Scope

from .models import (
    Conversion,
    Demand,
    DemandAttachment,
    DemandTransition,
    FollowUp,
    NeedFigure,
    Reminder,
    Response,
    RoutingRule,
    SlaPolicy,
)


@access_rule(Demand)
def demand_access(qs: QuerySet[Any], scope: Scope, action: str) -> QuerySet[Any]:
    if scope.everything:
        return qs
    if scope.is_staff_role:
        if not staff_can(scope, action):
            return qs.none()
        condition = Q(organisation__region_id__in=scope.region_ids) | Q(
            organisation__park_id__in=scope.region_ids
        )
        if scope.unit_id is not None:
            condition |= Q(unit_id=scope.unit_id)
        return qs.filter(condition)
    if scope.organisation_id is not None and action == VIEW:
        return qs.filter(organisation_id=scope.organisation_id)
    return qs.none()


@access_rule(NeedFigure)
def need_figure_access(qs: QuerySet[Any], scope: Scope, action: str) -> QuerySet[Any]:
    """The summary rows of a region, park and unit are read by the staff who see its needs."""
    if scope.everything:
        return qs
    if not scope.is_staff_role or not staff_can(scope, action):
        return qs.none()
    condition = Q(region_id__in=scope.region_ids) | Q(park_id__in=scope.region_ids)
    if scope.unit_id is not None:
        condition |= Q(unit_id=scope.unit_id)
    return qs.filter(condition)


access_rule(DemandAttachment, DemandTransition, Response, Conversion, FollowUp)(
    through_parent("demand", Demand)
)


@access_rule(Reminder)
def reminder_access(qs: QuerySet[Any], scope: Scope, action: str) -> QuerySet[Any]:
    if scope.everything:
        return qs
    condition = Q(recipient_id=scope.user_id)
    if scope.unit_id is not None and scope.is_staff_role:
        condition |= Q(unit_id=scope.unit_id)
    return qs.filter(condition)


@access_rule(RoutingRule)
def routing_rule_access(qs: QuerySet[Any], scope: Scope, action: str) -> QuerySet[Any]:
    if scope.everything:
        return qs
    if not scope.is_staff_role:
        return qs.none()
    if action == VIEW:
        return qs.filter(region_id__in=scope.region_ids)
    return qs.filter(region_id__in=scope.region_ids) if scope.is_admin else qs.none()


@access_rule(SlaPolicy)
def sla_policy_access(qs: QuerySet[Any], scope: Scope, action: str) -> QuerySet[Any]:
    if scope.everything:
        return qs
    if not scope.is_staff_role:
        return qs.none()
    # Time limits belong to a region: read those of the scope and the platform default,
    # changed by the region's admins.
    if action == VIEW:
        return qs.filter(Q(region__isnull=True) | Q(region_id__in=scope.region_ids))
    return qs.filter(region_id__in=scope.region_ids) if scope.is_admin else qs.none()
