"""The scope resolver: a user's org unit → the regions of its subtree (installed into core)."""

from __future__ import annotations

from django.db.models import Subquery

from yiqiao.core.scope import EMPTY, Scope

from .models import OrgUnit, Role, User


def resolve_scope(user: User) -> Scope:
    """Superusers reach everything; staff their unit's region subtree; outside users their
    organisation (and, for reading what is on offer, their portal's region subtree)."""
    if user.is_superuser:
        return Scope(True, frozenset(), None, None, True, True, True, user.pk)
    return Scope(
        everything=False,
        region_ids=_unit_regions(user.org_unit_id),
        unit_id=user.org_unit_id,
        organisation_id=user.organisation_id if not user.is_staff_role else None,
        is_staff_role=user.is_staff_role,
        can_edit=user.role in {Role.ADMIN, Role.OFFICER},
        is_admin=user.role == Role.ADMIN,
        user_id=user.pk,
        is_investor=user.role == Role.INVESTOR,
    )


def _unit_regions(unit_id: int | None) -> frozenset[int]:
    """The ids of a unit's region and every region below it (one query; no unit row read)."""
    if unit_id is None:
        return frozenset()
    from yiqiao.registry.models import Region

    root_path = OrgUnit.objects.filter(pk=unit_id).values("region__path")[:1]
    return frozenset(
        Region.objects.filter(path__startswith=Subquery(root_path)).values_list("id", flat=True)
    )


def unit_scope(unit_id: int | None) -> Scope:
    """What an org unit itself may read, as a read-only member of it would: its region subtree
    and the records it maintains. A service acting for a unit without a signed-in user (the
    public registration link of the unit's event) scopes its look-ups with it."""
    if unit_id is None:
        return EMPTY
    return Scope(
        everything=False,
        region_ids=_unit_regions(unit_id),
        unit_id=unit_id,
        organisation_id=None,
        is_staff_role=True,
    )
