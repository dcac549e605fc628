"""Forms of the policy app: a fact for an organisation, starting a run, a workflow step."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yiqiao.core.widgets import DateInput

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
        (name, f"{gettext(fields[name].label)}（{name}）")
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

    field = forms.ChoiceField(label=_("数据项"))
    value = forms.CharField(
        label=_("取值"), max_length=200, help_text=_("金额可写 200万、1.5亿；是/否")
    )
    as_of = forms.DateField(label=_("截至日期"), widget=DateInput())
    year = forms.IntegerField(label=_("所属年度"), required=False, min_value=1990, max_value=2100)
    source = forms.CharField(label=_("数据来源"), max_length=120, required=False)

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

    as_of = forms.DateField(label=_("测算日期"), widget=DateInput())
    draft_policy = forms.ModelChoiceField(
        label=_("同时测算草案政策（可选）"), queryset=Policy.objects.none(), required=False
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


def _area(rows: int, hint: str = "") -> forms.Textarea:
    attrs = {"rows": str(rows), "spellcheck": "false", "class": "code"}
    if hint:
        attrs["placeholder"] = hint
    return forms.Textarea(attrs=attrs)


class PolicyDraftForm(forms.Form):
    """The policy editor: the document's particulars as fields, the rules as YAML sections in
    the library format (see the format reference); composed into one policy text."""

    code = forms.CharField(
        label=_("政策编号"),
        max_length=80,
        help_text=_("字母、数字、下划线和点，全库唯一，如 district.2026.device_cert"),
    )
    title = forms.CharField(label=_("名称"), max_length=200)
    category = forms.CharField(label=_("类别"), max_length=40, required=False)
    tags = forms.CharField(
        label=_("标签"), max_length=200, required=False, help_text=_("用顿号分隔")
    )
    issuer = forms.CharField(label=_("发文机关"), max_length=120, required=False)
    document = forms.CharField(label=_("发文（文件名称）"), max_length=200)
    number = forms.CharField(label=_("文号"), max_length=80, required=False)
    article = forms.CharField(label=_("条款"), max_length=80)
    url = forms.CharField(label=_("原文链接"), max_length=300, required=False)
    delivery = forms.ChoiceField(
        label=_("兑现方式"), choices=Policy.Delivery.choices, initial=Policy.Delivery.APPLY
    )
    effective_from = forms.DateField(label=_("生效日期"), widget=DateInput())
    effective_to = forms.DateField(label=_("失效日期"), widget=DateInput(), required=False)
    summary = forms.CharField(
        label=_("摘要"), required=False, widget=forms.Textarea(attrs={"rows": "2"})
    )
    conditions = forms.CharField(
        label=_("申报条件"),
        required=False,
        widget=_area(8, "- {field: kind, eq: enterprise}"),
        help_text=_("每行一项，须同时满足；可用下方“添加条件”生成"),
    )
    benefit = forms.CharField(
        label=_("兑现标准"),
        required=False,
        widget=_area(8, "{rate: 10%, of: rd_spend_yuan, cap: 500万}"),
        help_text=_("固定金额、比例加上限、分档、对照表、逐项、按条件分支"),
    )
    limits = forms.CharField(
        label=_("上限、补足与其他"),
        required=False,
        widget=_area(4, "caps: {annual_minus_received: 300万}"),
        help_text=_("caps、top_up、exclusive_group、define、parameters 等（可空）"),
    )
    tests = forms.CharField(
        label=_("测试用例"),
        required=False,
        widget=_area(10),
        help_text=_("发布前须至少一个“符合”和一个其他结果的用例，且全部通过"),
    )
    row_version = forms.IntegerField(required=False, widget=forms.HiddenInput())

    def clean_code(self) -> str:
        return str(self.cleaned_data["code"]).strip()
