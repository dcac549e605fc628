"""What a figure is computed over: a period, an as-of day, a region and (for pages) a user.

A figure computed for a signed-in user counts only what `restrict(user, "view")` returns, so
the list a tile opens (the same records, fetched through the same access layer) has exactly
the tile's count. The command line computes without a user: every record, optionally limited
to one region's subtree.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, Q, QuerySet

from yiqiao.core.access import VIEW
from yiqiao.core.money import YUAN_RATES, to_yuan
from yiqiao.registry.models import Region

# The planning rates (stated on the definitions page) live in core, where the summary rows
# kept by the domain apps convert with them too.
__all__ = ["YUAN_RATES", "KpiContext", "to_yuan"]


@dataclass(frozen=True)
class KpiContext:
    """The window of a figure: [start, as_of] (the year to date by default)."""

    as_of: dt.date
    start: dt.date
    region: Region | None = None
    user: Any = None
    # Counts several figures share (one grouped query for them all), kept for this context
    # only: one page or one command run, never across requests.
    memo: dict[str, Any] = dataclasses.field(
        default_factory=dict, compare=False, hash=False, repr=False
    )

    @classmethod
    def year_to_date(
        cls, as_of: dt.date, *, region: Region | None = None, user: Any = None
    ) -> KpiContext:
        return cls(as_of=as_of, start=dt.date(as_of.year, 1, 1), region=region, user=user)

    @property
    def end(self) -> dt.date:
        return self.as_of

    @property
    def year(self) -> int:
        return self.as_of.year

    @property
    def period(self) -> str:
        return f"{self.start:%Y-%m-%d}/{self.as_of:%Y-%m-%d}"

    def scoped(self, model: type[Model]) -> QuerySet[Any]:
        """Every row of ``model`` the user may see (all rows without a user)."""
        if self.user is None:
            return model._default_manager.all()
        return model.objects.restrict(self.user, VIEW)  # type: ignore[attr-defined]

    def in_region(self, qs: QuerySet[Any], *region_fields: str) -> QuerySet[Any]:
        """Rows whose region (any of ``region_fields``, each a FK to Region) is in the subtree."""
        if self.region is None:
            return qs
        condition = Q()
        for field in region_fields:
            condition |= Q(**{f"{field}__path__startswith": self.region.path})
        return qs.filter(condition)

    def days_before(self, days: int) -> dt.date:
        return self.as_of - dt.timedelta(days=days)
