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


@register.filter
def web_url(value: Any) -> str:
    """The value if it is an http(s) address, else "" (so it is never rendered as a link)."""
    from yiqiao.core.weblinks import is_web_url

    text = str(value or "")
    return text.strip() if is_web_url(text) else ""


@register.simple_tag
def qr_svg(text: str, label: str = "") -> str:
    """`text` as a QR code, drawn as inline SVG by segno (pure Python; no image, no network).

    Error correction M survives a scuffed phone screen; the quiet zone is segno's default 4.
    """
    import segno
    from django.utils.html import escape
    from django.utils.safestring import mark_safe

    svg = segno.make(str(text), error="m").svg_inline(scale=4, svgclass="qr", omitsize=True)
    title = f"<title>{escape(label)}</title>" if label else ""
    # segno escapes nothing into the markup but the drawing; the title is escaped above.
    return mark_safe(svg.replace(">", ' role="img">' + title, 1))  # noqa: S308


CURRENCY_NAMES = {"CNY": "元", "USD": "美元", "EUR": "欧元", "HKD": "港元"}


@register.filter
def money(value: Any, currency: str = "CNY") -> str:
    """An amount in its currency, scaled for reading: 5,000.00万元, 1.20亿美元; in English
    50.00M yuan, 1.20M USD. Never the stored "50000000.00 CNY"."""
    from django.utils.translation import get_language

    if value in (None, ""):
        return "—"
    currency = (currency or "CNY").upper()
    if currency == "CNY":
        return yuan(value)
    amount = Decimal(str(value))
    if (get_language() or "").startswith("en"):
        for scale, unit in ((Decimal(1_000_000_000), "B"), (Decimal(1_000_000), "M")):
            if abs(amount) >= scale:
                return f"{amount / scale:,.2f}{unit} {currency}"
        return f"{amount:,.2f} {currency}"
    name = CURRENCY_NAMES.get(currency, currency)
    if abs(amount) >= Decimal(100_000_000):
        return f"{amount / Decimal(100_000_000):,.2f}亿{name}"
    if abs(amount) >= Decimal(10_000):
        return f"{amount / Decimal(10_000):,.2f}万{name}"
    return f"{amount:,.2f}{name}"
