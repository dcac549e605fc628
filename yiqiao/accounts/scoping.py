"""The scope resolver: a user's org unit → the regions of its subtree (installed into core)."""

from __future__ import annotations

from django.db.models import Subquery

from yiqiao.core.scope import Scope

from .models import OrgUnit, Role, User


def resolve_scope(user: User) -> Scope:
    """Superusers reach everything; staff their unit's region subtree; outside users their
    organisation (and, for reading what is on offer, their portal's region subtree)."""
    if user.is_superuser:
        return Scope(True, frozenset(), None, None, True, True, True, user.pk)
    from yiqiao.registry.models import Region

    region_ids: frozenset[int] = frozenset()
    if user.org_unit_id is not None:
        # One query for the unit's whole region subtree; the unit row itself is not needed.
        root_path = OrgUnit.objects.filter(pk=user.org_unit_id).values("region__path")[:1]
        region_ids = frozenset(
            Region.objects.filter(path__startswith=Subquery(root_path)).values_list("id", flat=True)
        )
    return Scope(
        everything=False,
        region_ids=region_ids,
        unit_id=user.org_unit_id,
        organisation_id=user.organisation_id if not user.is_staff_role else None,
        is_staff_role=user.is_staff_role,
        can_edit=user.role in {Role.ADMIN, Role.OFFICER},
        is_admin=user.role == Role.ADMIN,
        user_id=user.pk,
        is_investor=user.role == Role.INVESTOR,
    )
