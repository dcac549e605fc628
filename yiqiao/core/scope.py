"""Who may see what: the scope of a user, computed once per request.

`core` knows nothing of regions or org units: the app that owns them registers a
`ScopeResolver` (see `yiqiao.accounts.scoping`, registered in its AppConfig.ready). Core keeps
the `Scope` value every access rule reads, and the masking helpers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser


@dataclass(frozen=True)
class Scope:
    """The regions a user's org unit covers, and the organisation an outside user represents.

    `everything` is for superusers; `region_ids` is the unit's region and all regions below it;
    `organisation_id` is set for enterprise users and platform operators;
    `can_edit` and `is_admin` come from the role; `is_investor` marks a user who represents an
    investor (it reads the deal flow published to investors in its portal's region).
    """

    everything: bool
    region_ids: frozenset[int]
    unit_id: int | None
    organisation_id: int | None
    is_staff_role: bool
    can_edit: bool = False
    is_admin: bool = False
    user_id: int | None = None
    is_investor: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.everything and not self.region_ids and self.organisation_id is None


EMPTY = Scope(False, frozenset(), None, None, False)

ScopeResolver = Callable[["AbstractBaseUser"], Scope]
_resolver: list[ScopeResolver] = []


def set_scope_resolver(resolver: ScopeResolver) -> None:
    """Install the function that computes a signed-in user's scope (one per project)."""
    _resolver[:] = [resolver]


def user_scope(user: AbstractBaseUser | AnonymousUser | None) -> Scope:
    """What the user may reach; cached on the user object for the rest of the request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return EMPTY
    cached: Scope | None = getattr(user, "_yiqiao_scope", None)
    if cached is not None:
        return cached
    if not _resolver:
        raise RuntimeError("no scope resolver installed (is yiqiao.accounts in INSTALLED_APPS?)")
    scope = _resolver[0](user)  # type: ignore[arg-type]  # authenticated: not anonymous
    user._yiqiao_scope = scope  # type: ignore[union-attr]
    return scope


def forget_scope(user: object) -> None:
    """Drop the cached scope (after a user's unit or role changed within one request)."""
    if hasattr(user, "_yiqiao_scope"):
        del user._yiqiao_scope


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
