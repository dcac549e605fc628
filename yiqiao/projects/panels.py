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


def service_bookings_panel(request: Any, _unused: Any) -> str:
    """The services page's panel: bookings of the services the user may see (a platform
    operator: the bookings of its own organisation's services)."""
    bookings = queries.service_booking_list(user=request.user)
    if not bookings:
        return ""
    return render_to_string(
        "projects/_service_bookings_panel.html",
        {"rows": queries.service_booking_rows(user=request.user, bookings=bookings)},
        request=request,
    )
