"""Forms of the policy app: a fact for an organisation, starting a run, a workflow step."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from .engine import FieldSpec
from .engine.values import parse_number
from .models import Policy
from .profiles import field_dictionary

TRUE_WORDS = {"是", "有", "true", "yes", "1", "y"}
FALSE_WORDS = {"否", "无", "false", "no", "0", "n"}


def fact_field_choices() -> list[tuple[str, str]]:
    """Fields an officer may enter as facts (the dictionary's ``source: fact`` fields)."""
    fields = field_dictionary()
    return [
        (name, f"{fields[name].label}（{name}）")
        for name in fields
        if fields[name].source == "fact"
    ]


def parse_fact_value(spec: FieldSpec, text: str) -> Any:
    """Read the text an officer typed into the engine type of ``spec``; ValidationError in Chinese."""
    raw = text.strip()
    if not raw:
        raise forms.ValidationError("请填写取值")
    kind = spec.type
    if kind in ("number", "money", "int"):
        number = parse_number(raw)
        if number is None:
            raise forms.ValidationError(f"{spec.label}应为数字（可写 200万、1.5亿）")
        if kind == "int":
            if number != int(number):
                raise forms.ValidationError(f"{spec.label}应为整数")
            return int(number)
        return number
    if kind == "bool":
        word = raw.lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise forms.ValidationError(f"{spec.label}请填写“是”或“否”")
    if kind == "date":
        try:
            return dt.date.fromisoformat(raw.replace("/", "-"))
        except ValueError as exc:
            raise forms.ValidationError(f"{spec.label}应为日期，如 2025-03-31") from exc
    by_label = {label: code for code, label in spec.values.items()}
    if kind == "set":
        parts = [
            p.strip() for p in raw.replace("，", ",").replace("、", ",").split(",") if p.strip()
        ]
        codes = [by_label.get(p, p) for p in parts]
        unknown = [c for c in codes if spec.values and c not in spec.values]
        if unknown:
            raise forms.ValidationError(f"未知代码：{'、'.join(unknown)}")
        return frozenset(codes)
    code = by_label.get(raw, raw)
    if kind == "enum" and code not in spec.values:
        allowed = "、".join(spec.values.values())
        raise forms.ValidationError(f"{spec.label}可选：{allowed}")
    return code


class FactForm(forms.Form):
    """One fact: field of the dictionary, value as text, as-of date, year, source."""

    field = forms.ChoiceField(label="数据项")
    value = forms.CharField(label="取值", max_length=200, help_text="金额可写 200万、1.5亿；是/否")
    as_of = forms.DateField(label="截至日期", widget=forms.DateInput(attrs={"type": "date"}))
    year = forms.IntegerField(label="所属年度", required=False, min_value=1990, max_value=2100)
    source = forms.CharField(label="数据来源", max_length=120, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice = self.fields["field"]
        assert isinstance(choice, forms.ChoiceField)
        choice.choices = fact_field_choices()
        if not self.is_bound:
            self.initial.setdefault("as_of", timezone.localdate())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        name = data.get("field")
        text = data.get("value")
        if name and text is not None:
            try:
                data["parsed"] = parse_fact_value(field_dictionary()[name], text)
            except forms.ValidationError as exc:
                self.add_error("value", exc)
        return data


class RunForm(forms.Form):
    """Start a screening run: the date to screen on, optionally a draft policy to measure."""

    as_of = forms.DateField(label="测算日期", widget=forms.DateInput(attrs={"type": "date"}))
    draft_policy = forms.ModelChoiceField(
        label="同时测算草案政策（可选）", queryset=Policy.objects.none(), required=False
    )

    def __init__(self, *args: Any, drafts: list[Policy] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["draft_policy"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Policy.objects.filter(pk__in=[p.pk for p in drafts or []])
        if not self.is_bound:
            self.initial.setdefault("as_of", timezone.localdate())


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(label="变更为", choices=Policy.Status.choices)
    note = forms.CharField(label="说明", max_length=300, required=False)
