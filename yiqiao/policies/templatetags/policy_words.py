"""Conditions of an explanation in the page's language (see :mod:`yiqiao.policies.wording`)."""

from __future__ import annotations

from typing import Any

from django import template

from .. import wording

register = template.Library()


@register.filter
def worded(conditions: Any) -> list[wording.Line]:
    """An explanation's conditions, each with ``depth``, ``state``, ``kind`` and ``text``."""
    return wording.lines(list(conditions or ()))


@register.filter
def failing_text(explanation: Any) -> str:
    """The failing top-level conditions, joined as the language punctuates a list."""
    parts = wording.failing(explanation)
    return ("；" if wording.is_chinese() else "; ").join(parts)


@register.filter
def field_label(label: Any) -> str:
    """A field dictionary label (Chinese) in the page's language."""
    return wording.ENGLISH.label(str(label)) if not wording.is_chinese() else str(label)


@register.filter
def field_labels(labels: Any) -> str:
    """Field labels joined as the language punctuates a list."""
    if wording.is_chinese():
        return "、".join(str(label) for label in labels or ())
    return ", ".join(wording.ENGLISH.label(str(label)) for label in labels or ())


@register.filter
def field_colon_list(labels: Any) -> str:
    """``：甲、乙`` in Chinese, ``: A, B`` with the labels in English otherwise."""
    if wording.is_chinese():
        return "：" + "、".join(str(label) for label in labels or ())
    return ": " + ", ".join(wording.ENGLISH.label(str(label)) for label in labels or ())


@register.filter
def colon_list(items: Any) -> str:
    """``：甲、乙`` in Chinese, ``: A, B`` in English (the items are shown as they are)."""
    names = [str(item) for item in items or ()]
    if wording.is_chinese():
        return "：" + "、".join(names)
    return ": " + ", ".join(names)


#: The catalogue context of a policy category (a word such as 上市 reads "Listing" here, not
#: "Listed" as a company's status does).
CATEGORY_CONTEXT = "policy category"


@register.filter
def category(value: Any) -> str:
    """A policy's category (stored as the library writes it, in Chinese) in the page's
    language; a category the catalogue does not know is shown as written."""
    from django.utils.translation import pgettext

    text = str(value or "")
    return pgettext(CATEGORY_CONTEXT, text) if text else ""
