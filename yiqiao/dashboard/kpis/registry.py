"""The catalogue of cockpit figures: key → label, unit, written definition, source, function.

Each figure is a function ``(KpiContext) -> Kpi`` registered with its definition, so that the
cockpit tile, the definitions page, the drill-down list and ``yiqiao kpis --json`` all read the
same text and the same records.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext

from yiqiao.core.kpi import Kpi

from .context import KpiContext

Compute = Callable[[KpiContext], Kpi]


@dataclass(frozen=True)
class KpiSpec:
    """One figure of the catalogue. ``source`` names the records and fields it is counted from;
    ``group`` is the cockpit section; ``has_target`` marks figures measured against a yearly
    target (KpiTarget)."""

    key: str
    label: str
    unit: str
    group: str
    definition: str
    source: str
    compute: Compute
    has_target: bool = False

    # The catalogue's texts are Chinese (they are the msgids, and what ``yiqiao kpis --json``
    # prints); pages show them in the reader's language. Each text has its entry in the
    # English catalogue (a test checks that none is missing).
    @property
    def label_text(self) -> str:
        return gettext(self.label)

    @property
    def definition_text(self) -> str:
        return gettext(self.definition)

    @property
    def source_text(self) -> str:
        return gettext(self.source)


GROUPS: tuple[tuple[str, str], ...] = (
    ("signing", "签约与履约"),
    ("needs", "企业需求"),
    ("events", "活动成效"),
    ("policy", "政策兑现与企业梯队"),
    ("capital", "投融资"),
)

_SPECS: dict[str, KpiSpec] = {}


def register(spec: KpiSpec) -> KpiSpec:
    if spec.key in _SPECS:
        raise ValueError(f"duplicate KPI key {spec.key}")
    _SPECS[spec.key] = spec
    return spec


def specs() -> list[KpiSpec]:
    """The catalogue in the cockpit's order: by section, then in the order registered."""
    _load()
    order = {group: i for i, (group, _label) in enumerate(GROUPS)}
    return sorted(_SPECS.values(), key=lambda s: order[s.group])


def spec(key: str) -> KpiSpec | None:
    _load()
    return _SPECS.get(key)


def _load() -> None:
    # The figure modules register themselves on import (once; later imports are no-ops).
    from . import capital, cultivation, demands, events, policies, projects  # noqa: F401
