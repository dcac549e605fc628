"""Who may do what to the register (loaded by RegistryConfig.ready; see yiqiao.core.access).

Staff see organisations registered in their unit's region subtree (or located in one of its
parks, or maintained by their unit); enterprise users and platform operators see their own
organisation. Spaces on offer are shown to outside users of the same region. Changing needs an
editing role (officer, admin) and a record in scope. Regions and the chain tree are shared
reference data: everyone reads them, admins change them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from yiqiao.core.access import VIEW, access_rule, global_reference, staff_can, through_parent
from yiqiao.core.scope import Scope

from .models import ChainNode, Contact, InvestorProfile, Organisation, Region, Service, Space

access_rule(Region, ChainNode)(global_reference)


@access_rule(Organisation)
def organisation_access(qs: QuerySet[Any], scope: Scope, action: str) -> QuerySet[Any]:
    if scope.everything:
        return qs
    if scope.is_staff_role:
        if not staff_can(scope, action):
            return qs.none()
        condition = Q(region_id__in=scope.region_ids) | Q(park_id__in=scope.region_ids)
        if scope.unit_id is not None:
            condition |= Q(owner_unit_id=scope.unit_id)
        return qs.filter(condition)
    if scope.organisation_id is not None and action == VIEW:
        return qs.filter(pk=scope.organisation_id)
    return qs.none()


@access_rule(Space)
def space_access(qs: QuerySet[Any], scope: Scope, action: str) -> QuerySet[Any]:
    if scope.everything:
        return qs
    if scope.is_staff_role:
        if not staff_can(scope, action):
            return qs.none()
        condition = Q(park_id__in=scope.region_ids)
        if scope.unit_id is not None:
            condition |= Q(owner_unit_id=scope.unit_id)
        return qs.filter(condition)
    if action != VIEW:
        return qs.none()
    # Outside users (enterprises, platforms) see the spaces on offer in their portal's region.
    return qs.filter(park_id__in=scope.region_ids, is_available=True)


@access_rule(Service)
def service_access(qs: QuerySet[Any], scope: Scope, action: str) -> QuerySet[Any]:
    if scope.everything:
        return qs
    if scope.is_staff_role:
        providers = organisation_access(Organisation.objects.all(), scope, action)
        return qs.filter(provider__in=providers)
    if action == VIEW:
        # Outside users see the platform services offered in their portal's region, and a
        # platform operator its own organisation's services wherever the platform is registered.
        condition = Q(provider__region_id__in=scope.region_ids)
        if scope.organisation_id is not None:
            condition |= Q(provider_id=scope.organisation_id)
        return qs.filter(condition)
    return qs.none()


access_rule(Contact, InvestorProfile)(through_parent("organisation", Organisation))
