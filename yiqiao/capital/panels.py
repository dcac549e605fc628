"""The organisation-page panel: an enterprise's financing needs and their funnel, an
investor's portfolio (scoped; a fixed number of queries)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from . import queries
from .engine.funnel import STEP_LABELS, STEPS


def organisation_capital_panel(request: Any, organisation: Any) -> str:
    data = queries.organisation_capital(user=request.user, organisation=organisation)
    if not data["needs"] and not data["holdings"]:
        return ""
    return render_to_string(
        "capital/_organisation_panel.html",
        {**data, "org": organisation, "steps": [(s, STEP_LABELS[s]) for s in STEPS]},
        request=request,
    )
