"""Event helpers for templates: a meeting slot as the clock time people meet."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def slot_time(slot: Any, event: Any) -> str:
    """Slot 2 of an event whose meetings start at 14:00 in 20-minute slots → 14:40–15:00."""
    if slot is None or slot == "":
        return "—"
    return str(event.slot_label(int(slot)))
