"""The organisation-page panel: that organisation's projects (two queries, scoped)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from . import queries


def organisation_projects_panel(request: Any, organisation: Any) -> str:
    investment, translational = queries.organisation_projects(
        user=request.user, organisation=organisation
    )
    if not investment and not translational:
        return ""
    return render_to_string(
        "projects/_organisation_panel.html",
        {"investment": investment, "translational": translational, "org": organisation},
        request=request,
    )
