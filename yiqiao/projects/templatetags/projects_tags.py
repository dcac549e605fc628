"""Money in its own currency: 3.57亿人民币, 1,200.00万美元 (never a bare 元 for USD)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from ..engine.figures import CURRENCY_LABELS

register = template.Library()


@register.filter
def money(value: Any, currency: str = "CNY") -> str:
    if value in (None, ""):
        return "—"
    amount = Decimal(str(value))
    unit = CURRENCY_LABELS.get(currency, currency)
    if abs(amount) >= Decimal(100_000_000):
        return f"{amount / Decimal(100_000_000):,.2f}亿{unit}"
    if abs(amount) >= Decimal(10_000):
        return f"{amount / Decimal(10_000):,.2f}万{unit}"
    return f"{amount:,.2f}{unit}"


@register.filter
def percent_width(value: Any, whole: Any) -> int:
    """Bar width in percent (0–100) for simple inline bars."""
    try:
        part, total = float(value or 0), float(whole or 0)
    except (TypeError, ValueError):
        return 0
    return 0 if total <= 0 else max(0, min(100, round(100 * part / total)))


@register.filter
def source_note_shown(project: Any) -> str:
    """A project's lead-source note in the page's language. Notes the system writes (a chain
    target, an event's meeting or signing, a ledger import) are stored in Chinese and worded in
    English on an English page; a note a person typed is shown as typed."""
    import re

    from django.utils.translation import get_language

    note = str(getattr(project, "source_note", "") or "")
    if not note or not (get_language() or "zh-hans").lower().startswith("en"):
        return note
    ref = str(getattr(project, "source_ref", "") or "")
    if ref.startswith("chain-target:"):
        from yiqiao.chain.wording import target_note_en
        from yiqiao.registry.models import ChainNode

        parts = ref.split(":")
        node_id = parts[2] if len(parts) > 2 and parts[2].isdigit() else None
        name_en = ""
        if node_id is not None:
            name_en = (
                ChainNode.objects.filter(pk=int(node_id)).values_list("name_en", flat=True).first()
                or ""
            )
        return target_note_en(note, name_en) or note
    if ref.startswith("events:meeting:"):
        match = re.match(r"^(?P<title>.*?)一对一对接：(?P<request>.*)$", note, re.S)
        if match:
            return f"One-to-one meeting at {match['title']}: {match['request']}"
    if ref.startswith("events:signing:") and note.endswith("签约"):
        return f"Signing at {note.removesuffix('签约')}"
    if note == "台账导入":
        return "Ledger import"
    return note
