"""Chain sentences in the page's language (see :mod:`yiqiao.chain.wording`)."""

from __future__ import annotations

from typing import Any

from django import template

from .. import wording

register = template.Library()


@register.filter
def target_reasons(reasons: Any) -> str:
    """A target's stored reasons, joined, in the page's language."""
    return wording.reasons_shown(reasons or ())
