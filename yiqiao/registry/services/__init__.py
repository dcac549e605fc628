"""Writes to the register, one module per topic: organisations (and contacts), spaces, imports
(the organisation and space importers). Every write is atomic and leaves an audit event."""

from __future__ import annotations

from yiqiao.core.transitions import StaleEditError

from .imports import (
    WAN,
    OrganisationImporter,
    RegionScopedImporter,
    SpaceImporter,
)
from .organisations import (
    contact_create,
    organisation_create,
    organisation_merge,
    organisation_update,
)
from .spaces import (
    space_create,
    space_update,
)

__all__ = [
    "StaleEditError",
    "OrganisationImporter",
    "RegionScopedImporter",
    "SpaceImporter",
    "WAN",
    "contact_create",
    "organisation_create",
    "organisation_merge",
    "organisation_update",
    "space_create",
    "space_update",
]
