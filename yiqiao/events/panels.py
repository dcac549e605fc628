"""The organisation page's panel: the events an organisation registered for."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from .queries import organisation_registrations


def organisation_events_panel(request: Any, organisation: Any) -> str:
    rows = organisation_registrations(user=request.user, organisation=organisation)
    if not rows:
        return ""
    return render_to_string("events/_organisation_panel.html", {"registrations": rows}, request)
