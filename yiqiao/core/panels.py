"""Extension points: other apps add panels to the organisation page without editing registry.

An app registers a callable in its AppConfig.ready():

    from yiqiao.core.panels import register_organisation_panel
    register_organisation_panel("policies", policy_panel, order=10)

The callable receives (request, organisation) and returns rendered HTML (or "" to show
nothing). Panels must do their own permission checks and keep to a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Panel:
    key: str
    render: Callable[[Any, Any], str]
    order: int


_ORGANISATION_PANELS: dict[str, Panel] = {}


def register_organisation_panel(
    key: str, render: Callable[[Any, Any], str], *, order: int = 50
) -> None:
    _ORGANISATION_PANELS[key] = Panel(key, render, order)


def organisation_panels(request: Any, organisation: Any) -> list[SafeString]:
    """Rendered panels in order; each panel's HTML comes from a Django template (escaped)."""
    rendered = []
    for panel in sorted(_ORGANISATION_PANELS.values(), key=lambda p: (p.order, p.key)):
        html = panel.render(request, organisation)
        if html:
            rendered.append(mark_safe(html))  # noqa: S308 - produced by render_to_string
    return rendered


_PAGE_PANELS: dict[str, dict[str, Panel]] = {}


def register_page_panel(
    page: str, key: str, render: Callable[[Any, Any], str], *, order: int = 50
) -> None:
    """A panel on another app's list page (e.g. page "services": the bookings of the services
    listed, added by the projects app). The callable receives (request, None)."""
    _PAGE_PANELS.setdefault(page, {})[key] = Panel(key, render, order)


def page_panels(page: str, request: Any) -> list[SafeString]:
    rendered = []
    for panel in sorted(_PAGE_PANELS.get(page, {}).values(), key=lambda p: (p.order, p.key)):
        html = panel.render(request, None)
        if html:
            rendered.append(mark_safe(html))  # noqa: S308 - produced by render_to_string
    return rendered
