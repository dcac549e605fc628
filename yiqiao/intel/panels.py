"""The organisation-page panel: news that names this organisation (one query, scoped)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from . import queries


def organisation_news_panel(request: Any, organisation: Any) -> str:
    mentions = queries.organisation_mentions(user=request.user, organisation=organisation)
    if not mentions:
        return ""
    return render_to_string(
        "intel/_organisation_panel.html", {"mentions": mentions}, request=request
    )
