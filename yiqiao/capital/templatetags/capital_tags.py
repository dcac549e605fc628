"""Template helpers of the capital pages: vocabulary labels and rates."""

from __future__ import annotations

from typing import Any

from django import template

from yiqiao.vocab.fields import label

register = template.Library()


@register.filter
def vocab(values: Any, vocabulary: str) -> list[str]:
    """Labels of a list attribute's codes (``need.sectors|vocab:"SECTOR"``)."""
    if not values:
        return []
    if isinstance(values, str):
        values = [values]
    return [label(vocabulary, v) for v in values]


@register.filter
def percent(value: float | None) -> str:
    """0.4286 → 42.9%; None → —."""
    return "—" if value is None else f"{value * 100:.1f}%"


@register.filter
def match_line(line: str) -> str:
    """A stored match line (Chinese, as the engine wrote it) in the page's language."""
    from yiqiao.capital.lines import shown

    return shown(str(line))
