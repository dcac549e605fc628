"""Conditions worded in the reader's language.

The engine words each condition in Chinese (``注册资本 500万元，要求 ≥ 300万元，满足``) and keeps
the parts it worded them from: the atom (field, operator, unit), its resolved operands
(:attr:`AtomText.terms`), the actual value, the verdict and the gap. In Chinese the engine's text
is shown as it is; in another language :class:`EnglishPhrasebook` words the same parts, with field
and code labels from the catalogue (a label with no catalogue entry, such as one typed in a
drafted policy, stays as written). The engine itself stays free of Django.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import get_language, gettext

from .engine.explain import FAIL, MISSING, PASS, ConditionResult, Explanation
from .engine.fields import FieldSpec
from .engine.model import DATE_WINDOWS, NOT_IN_EFFECT, DateRef
from .engine.texts import AtomText

_NUMERIC = ("number", "money", "int", "list")
_SYMBOLS = {"ge": "≥", "gt": ">", "le": "≤", "lt": "<", "eq": "=", "ne": "≠"}


def is_chinese() -> bool:
    """True when the active language is Chinese (the engine's own texts are shown)."""
    return (get_language() or "zh-hans").lower().startswith("zh")


@dataclass(frozen=True)
class Line:
    """One condition as a page shows it: indent, verdict and the sentence."""

    depth: int
    kind: str
    state: str
    text: str
    label: str
    required: str
    actual: str = ""
    gap: str = ""

    @property
    def is_group(self) -> bool:
        return self.kind != "atom"


class EnglishPhrasebook:
    """Words a condition's parts in English."""

    #: Units of the field dictionary and policy files, as an English reader writes them after
    #: a number ("" for a plain count: 个, 件, 张).
    UNITS = {
        "个": "",
        "件": "",
        "条": "",
        "张": "",
        "项": "",
        "家": "",
        "人": " people",
        "名": " people",
        "个月": " months",
        "月": " months",
        "年": " years",
        "天": " days",
        "日": " days",
        "倍": "×",
        "分": " points",
        "台套": " sets",
        "套": " sets",
        "平方米": " m²",
        "元/平方米·月": " yuan per m² a month",
        "元/平方米": " yuan per m²",
    }
    DATE_WORDS = {
        "ge": "on or after",
        "gt": "after",
        "le": "on or before",
        "lt": "before",
        "eq": "on",
        "ne": "not on",
    }
    GROUPS = {"all": "All of the following", "any": "Any of the following", "not": "None of these"}
    VERDICTS = {PASS: "met", FAIL: "not met", MISSING: "data needed"}

    # ---- values ---------------------------------------------------------------------------

    @staticmethod
    def label(text: str) -> str:
        """A Chinese label (field, code, item) in English when the catalogue has it."""
        return gettext(str(text)) if text else ""

    @staticmethod
    def _trim(value: float, digits: int) -> str:
        text = f"{value:,.{digits}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return text

    def money(self, value: float) -> str:
        """Yuan exact to the fen: ``5M yuan``, ``1.5B yuan``, ``3.00001M yuan``, ``8,000 yuan``."""
        if not math.isfinite(value):
            return str(value)
        cents = round(value * 100)
        if abs(cents) >= 1e11:
            return f"{self._trim(cents / 1e11, 11)}B yuan"
        if abs(cents) >= 1e8:
            return f"{self._trim(cents / 1e8, 8)}M yuan"
        return f"{self._trim(cents / 100, 2)} yuan"

    def number(self, value: float, unit: str = "") -> str:
        if unit == "元":
            return self.money(value)
        if unit == "%":
            return f"{self._trim(value * 100, 4)}%"
        suffix = self.UNITS.get(unit)
        if suffix is None:
            suffix = f" {self.label(unit)}" if unit else ""
        return f"{self._trim(value, 4)}{suffix}"

    @staticmethod
    def date(value: date) -> str:
        return value.isoformat()

    def code(self, spec: FieldSpec | None, code: object) -> str:
        return self.label(spec.value_label(str(code))) if spec is not None else str(code)

    def value(self, spec: FieldSpec | None, unit: str, value: object) -> str:
        """A profile value: money in M/B yuan, ISO dates, code labels, yes/no, list sizes."""
        if value is None:
            return "(no data)"
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, int | float):
            return self.number(float(value), unit)
        if isinstance(value, date):
            return self.date(value)
        if isinstance(value, frozenset | set):
            if not value:
                return "none"
            return ", ".join(self.code(spec, v) for v in sorted(value))
        if isinstance(value, tuple | list):
            return f"{len(value)} records" if len(value) != 1 else "1 record"
        if isinstance(value, str):
            return self.code(spec, value)
        return str(value)

    def date_ref(self, ref: DateRef, wording: AtomText) -> str:
        base = "the assessment date"
        if ref.field is not None:
            spec = wording.spec if wording.atom.field == ref.field else None
            base = self.label(spec.label) if spec is not None else ref.field
        parts = []
        for amount, unit in ((ref.years, "years"), (ref.months, "months"), (ref.days, "days")):
            if amount:
                parts.append(f" {'+' if amount > 0 else '−'} {abs(amount)} {unit}")
        return base + "".join(parts)

    # ---- requirements and sentences -------------------------------------------------------

    def required(self, wording: AtomText) -> str:
        """What an atom requires, from its operator and resolved operands."""
        atom, terms, spec, unit = wording.atom, wording.terms, wording.spec, wording.atom.unit
        op = atom.op
        if not terms:  # an AtomText from before terms were kept: nothing to word it from
            return wording.required
        if op == "exists":
            return "provided" if terms[0] else "not provided"
        if op == "is":
            return "yes" if terms[0] else "no"
        if atom.type == "date":
            return self._date_required(wording)
        if atom.type in _NUMERIC:
            if op == "between":
                return f"between {self.number(terms[0], unit)} and {self.number(terms[1], unit)}"
            if op in ("in", "not_in"):
                values = ", ".join(self.number(t, unit) for t in terms)
                return f"{'one of' if op == 'in' else 'none of'} {values}"
            return f"{_SYMBOLS[op]} {self.number(terms[0], unit)}"
        if atom.type == "set":
            codes = " or ".join(self.code(spec, c) for c in terms)
            return f"{'includes' if op == 'in' else 'excludes'} {codes}"
        if op in ("in", "not_in"):
            codes = ", ".join(self.code(spec, c) for c in terms)
            return f"{'one of' if op == 'in' else 'none of'} {codes}"
        return f"{'=' if op == 'eq' else '≠'} {self.code(spec, terms[0])}"

    def _date_required(self, wording: AtomText) -> str:
        op, terms = wording.atom.op, wording.terms
        if op in DATE_WINDOWS:
            length, low, high = terms
            if op.startswith("within_"):
                unit = op.removeprefix("within_")
                n = self._trim(length, 4)
                span = unit.rstrip("s") if n == "1" else unit
                return f"within the last {n} {span} (on or after {low})"
            if op == "in_year":
                return f"in {low.year}"
            return f"in {low.year} to {high.year}"
        if op == "between":
            return f"between {self.date(terms[0])} and {self.date(terms[1])}"
        if isinstance(terms[0], DateRef):
            return f"{self.DATE_WORDS[op]} {self.date_ref(terms[0], wording)}"
        return f"{self.DATE_WORDS[op]} {self.date(terms[0])}"

    def gap(self, wording: AtomText, value: object) -> str:
        gap = wording.gap(value)
        if gap is None:
            return ""
        if gap == 0 and wording.atom.op in ("gt", "lt"):
            return "equals the limit, not met"
        amount = self.number(abs(gap), wording.atom.unit)
        return f"short by {amount}" if gap > 0 else f"over by {amount}"

    def sentence(self, c: ConditionResult, label: str, required: str) -> str:
        wording = c.wording
        assert wording is not None
        if c.state == MISSING:
            return f"{label}: no data, required {required}"
        actual = "not given" if c.actual is None else self.value(wording.spec, c.unit, c.actual)
        head = f"{label} {actual}, required {required}"
        if c.state == PASS:
            return f"{head}: met"
        gap = self.gap(wording, c.actual)
        return f"{head}: {gap}" if gap else f"{head}: not met"


ENGLISH = EnglishPhrasebook()


def lines(conditions: Sequence[ConditionResult]) -> list[Line]:
    """The conditions of an explanation, each worded in the active language."""
    if is_chinese():
        return [
            Line(c.depth, c.kind, c.state, c.text, c.label, c.required, c.actual_text, c.gap_text)
            for c in conditions
        ]
    words = ENGLISH
    out: list[Line] = []
    for i, c in enumerate(conditions):
        if c.kind == "atom" and c.wording is not None:
            label = words.label(c.label)
            required = words.required(c.wording)
            text = words.sentence(c, label, required)
            actual = gap = ""
            if c.state != MISSING:
                actual = (
                    "not given"
                    if c.actual is None
                    else words.value(c.wording.spec, c.unit, c.actual)
                )
            if c.state == FAIL:
                gap = words.gap(c.wording, c.actual)
            out.append(Line(c.depth, c.kind, c.state, text, label, required, actual, gap))
            continue
        label = words.GROUPS.get(c.kind, c.kind)
        child = conditions[i + 1] if i + 1 < len(conditions) else None
        if (
            c.kind == "not"
            and child is not None
            and child.depth == c.depth + 1
            and child.kind == "atom"
            and child.wording is not None
        ):
            label = f"Must not meet “{words.label(child.label)} {words.required(child.wording)}”"
        required = ""
        text = f"{label}: {words.VERDICTS[c.state]}"
        out.append(Line(c.depth, c.kind, c.state, text, label, required))
    return out


def failing(explanation: Explanation) -> list[str]:
    """Texts of the failing top-level conditions, in the active language."""
    if is_chinese():
        return list(explanation.failing)
    if explanation.status == NOT_IN_EFFECT:
        return ["No version in force on that date"]
    worded = lines(explanation.conditions)
    return [worded[i].text for i in explanation.top if explanation.conditions[i].state == FAIL]


def requirement_rows(conditions: Iterable[ConditionResult]) -> list[dict[str, Any]]:
    """The condition tree as requirements (label and what is required), no verdicts."""
    rows = []
    for line in lines(list(conditions)):
        text = line.label if line.is_group else f"{line.label} {line.required}"
        rows.append({"depth": line.depth, "is_group": line.is_group, "text": text})
    return rows
