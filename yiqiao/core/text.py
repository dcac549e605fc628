"""Helpers for Chinese organisation names: normalisation used for de-duplication and upserts."""

from __future__ import annotations

import re
import unicodedata

# Legal-form variants that name the same company; longest first so the regex prefers them.
_LEGAL_FORMS = [
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "集团公司",
    "股份公司",
    "公司",
]
_LEGAL_RE = re.compile("(" + "|".join(_LEGAL_FORMS) + ")$")
_BRACKETS = str.maketrans({"（": "(", "）": ")", "【": "(", "】": ")", "〔": "(", "〕": ")"})
_DROP = re.compile(r"[\s·•・,，.。、\"'“”‘’]")


def name_normalise(name: str) -> str:
    """Fold a name so that trivial variants compare equal.

    Full/half width, bracket styles, spaces and punctuation, and the legal-form suffix
    (有限公司 vs 有限责任公司 vs 股份有限公司) do not distinguish two organisations.
    """
    text = unicodedata.normalize("NFKC", name).translate(_BRACKETS)
    text = _DROP.sub("", text).lower()
    text = _LEGAL_RE.sub("", text)
    return text


def safe_cell(value: object) -> object:
    """Neutralise spreadsheet formula injection in exported cells (=, +, -, @, tab, CR)."""
    if isinstance(value, str) and value and value[0] in "=+-@\t\r":
        return "'" + value
    return value
