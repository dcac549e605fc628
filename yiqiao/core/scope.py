"""Who may see what: the region scope of a user. Every query module scopes through here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser

if TYPE_CHECKING:
    from yiqiao.accounts.models import User


@dataclass(frozen=True)
class Scope:
    """The regions a user's org unit covers, and the organisation an outside user represents.

    `everything` is for superusers; `region_ids` is the unit's region and all regions below it;
    `organisation_id` is set for enterprise users and platform operators.
    """

    everything: bool
    region_ids: frozenset[int]
    unit_id: int | None
    organisation_id: int | None
    is_staff_role: bool

    @property
    def is_empty(self) -> bool:
        return not self.everything and not self.region_ids and self.organisation_id is None


EMPTY = Scope(False, frozenset(), None, None, False)


def user_scope(user: User | AnonymousUser) -> Scope:
    """Compute (once per request, cached on the user object) what the user may reach."""
    if not getattr(user, "is_authenticated", False):
        return EMPTY
    cached = getattr(user, "_yiqiao_scope", None)
    if cached is not None:
        return cached
    from yiqiao.registry.models import Region

    assert not isinstance(user, AnonymousUser)
    if user.is_superuser:
        scope = Scope(True, frozenset(), None, None, True)
    else:
        from django.db.models import Subquery

        from yiqiao.accounts.models import OrgUnit

        region_ids: frozenset[int] = frozenset()
        unit = None
        if user.org_unit_id is not None:
            # One query for the unit's whole region subtree; the unit row itself is not needed.
            root_path = OrgUnit.objects.filter(pk=user.org_unit_id).values("region__path")[:1]
            region_ids = frozenset(
                Region.objects.filter(path__startswith=Subquery(root_path)).values_list(
                    "id", flat=True
                )
            )
            unit = user.org_unit_id
        scope = Scope(
            everything=False,
            region_ids=region_ids,
            unit_id=unit,
            organisation_id=user.organisation_id if not user.is_staff_role else None,
            is_staff_role=user.is_staff_role,
        )
    user._yiqiao_scope = scope  # type: ignore[attr-defined]
    return scope


def mask_phone(phone: str) -> str:
    """138****5678: keep the first three and last four digits."""
    digits = phone.strip()
    if len(digits) <= 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_email(email: str) -> str:
    """z***@example.com"""
    local, _, domain = email.partition("@")
    if not domain:
        return "***"
    return (local[:1] or "*") + "***@" + domain
