"""Template helpers: query strings for pagers and money in 万元/亿元."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django import template

register = template.Library()


@register.simple_tag
def query_with(query: dict[str, Any] | None, **changes: Any) -> str:
    data = dict(query or {})
    data.update({k: v for k, v in changes.items() if v not in (None, "")})
    return urlencode(data)


@register.filter
def yuan(value: Any) -> str:
    """12345678 → 1,234.57万元; 3.57e9 → 35.70亿元 (in English: 12.35M / 3.57B yuan)."""
    from django.utils.translation import get_language

    if value in (None, ""):
        return "—"
    amount = Decimal(str(value))
    if (get_language() or "").startswith("en"):
        for scale, unit in ((Decimal(1_000_000_000), "B"), (Decimal(1_000_000), "M")):
            if abs(amount) >= scale:
                return f"{amount / scale:,.2f}{unit} yuan"
        return f"{amount:,.2f} yuan"
    if abs(amount) >= Decimal(100_000_000):
        return f"{amount / Decimal(100_000_000):,.2f}亿元"
    if abs(amount) >= Decimal(10_000):
        return f"{amount / Decimal(10_000):,.2f}万元"
    return f"{amount:,.2f}元"


@register.simple_tag(takes_context=True)
def nav_link(context: Any, url_name: str, label: str) -> str:
    """A navigation link, or nothing while the named page does not exist yet."""
    from django.urls import NoReverseMatch, reverse
    from django.utils.html import format_html

    try:
        url = reverse(url_name)
    except NoReverseMatch:
        return ""
    request = context.get("request")
    current = request is not None and request.path.startswith(url) and url != "/"
    return format_html(
        '<a href="{}"{}>{}</a>', url, ' aria-current="page"' if current else "", label
    )
