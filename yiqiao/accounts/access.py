"""Who may see org units and users (loaded by AccountsConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from yiqiao.core.access import VIEW, access_rule
from yiqiao.core.scope import Scope

from .models import LoginFailure, OrgUnit, User


@access_rule(OrgUnit)
def org_unit_access(qs: QuerySet[Any], scope: Scope, action: str) -> QuerySet[Any]:
    """Staff see the units of their region subtree; only superusers change units."""
    if scope.everything:
        return qs
    if action != VIEW or not scope.is_staff_role:
        return qs.filter(pk=scope.unit_id) if action == VIEW and scope.unit_id else qs.none()
    return qs.filter(region_id__in=scope.region_ids)


RESET_PASSWORD = "reset_password"


@access_rule(User)
def user_access(qs: QuerySet[Any], scope: Scope, action: str) -> QuerySet[Any]:
    """Staff see the users of the units in their subtree; everyone sees themself. An admin
    resets the passwords of the users of their subtree (never a superuser's)."""
    if scope.everything:
        return qs
    if action == VIEW and scope.is_staff_role:
        return qs.filter(org_unit__region_id__in=scope.region_ids)
    if action == RESET_PASSWORD and scope.is_admin:
        return qs.filter(org_unit__region_id__in=scope.region_ids, is_superuser=False)
    return qs.filter(pk=scope.user_id) if action == VIEW else qs.none()


@access_rule(LoginFailure)
def login_failure_access(qs: QuerySet[Any], scope: Scope, action: str) -> QuerySet[Any]:
    """Failed sign-ins are read by superusers only (the pages never list them)."""
    return qs if scope.everything else qs.none()
