"""The one date and time widgets every form uses.

An ``<input type="date">`` accepts only ISO values (2019-07-05); anything else is discarded by the
browser, so the field shows empty and an unchanged save erases the date. Django's DateInput
renders the active language's first input format, which for zh-Hans is "2019/07/05". These
widgets always render ISO, whatever the language; Django's date fields accept ISO input in every
language, so what the browser posts back parses. A test checks every form's date field uses them.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.urls import reverse
from django.utils.translation import gettext

ISO_DATE = "%Y-%m-%d"
ISO_TIME = "%H:%M"
ISO_DATETIME = "%Y-%m-%dT%H:%M"


class DateInput(forms.DateInput):
    """A browser date picker whose value is always ISO (YYYY-MM-DD)."""

    input_type = "date"

    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        super().__init__(attrs=attrs, format=ISO_DATE)


class TimeInput(forms.TimeInput):
    """A browser time picker whose value is always HH:MM."""

    input_type = "time"

    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        super().__init__(attrs=attrs, format=ISO_TIME)


class DateTimeInput(forms.DateTimeInput):
    """A browser date-and-time picker whose value is always YYYY-MM-DDTHH:MM (local time)."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        super().__init__(attrs=attrs, format=ISO_DATETIME)


#: A choice list this short is rendered whole, so the form works as a plain select without
#: scripts; a longer one renders only what is chosen and is searched through its source.
SMALL_SET = 60


class _PickerMixin:
    """A select that the page script turns into a search box with a list filtered as one types
    (``core.pickers``). Works without scripts as a plain select when the set is small."""

    choices: Any
    attrs: dict[str, Any]

    def __init__(
        self,
        source: str,
        params: dict[str, list[str]] | None = None,
        attrs: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(attrs=attrs)  # type: ignore[call-arg]
        self.source = source
        self.params = params or {}

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        query = urlencode([(k, v) for k, values in self.params.items() for v in values])
        url = reverse("pick", args=[self.source]) + (f"?{query}" if query else "")
        extra = {
            "data-picker": url,
            "data-picker-empty": gettext("无匹配结果"),
            "data-picker-prompt": gettext("输入名称检索"),
            "data-picker-remove": gettext("移除"),
            "data-picker-more": gettext("结果较多，请输入更多文字"),
        }
        return super().get_context(name, value, {**(attrs or {}), **extra})  # type: ignore[misc]

    def optgroups(self, name: str, value: list[Any], attrs: dict[str, Any] | None = None) -> Any:
        choices = self.choices
        if not isinstance(choices, ModelChoiceIterator):
            return super().optgroups(name, value, attrs)  # type: ignore[misc]
        queryset = choices.queryset
        if queryset.count() <= SMALL_SET:
            return super().optgroups(name, value, attrs)  # type: ignore[misc]
        key = choices.field.to_field_name or "pk"
        wanted = [v for v in value if v not in ("", None)]
        try:
            chosen = list(queryset.filter(**{f"{key}__in": wanted})) if wanted else []
        except (ValueError, TypeError, ValidationError):
            chosen = []
        head = [("", choices.field.empty_label)] if choices.field.empty_label is not None else []
        self.choices = head + [choices.choice(obj) for obj in chosen]
        try:
            return super().optgroups(name, value, attrs)  # type: ignore[misc]
        finally:
            self.choices = choices


class Picker(_PickerMixin, forms.Select):
    """Choose one record by typing part of its name."""


class PickerMultiple(_PickerMixin, forms.SelectMultiple):
    """Choose several records by typing part of each name."""


def use_picker(
    field: forms.Field, source: str, user: Any, **params: list[str] | str
) -> forms.Field:
    """Make a ModelChoiceField (or its multiple form) a picker over ``source``: its choices,
    and what it accepts, are the records the user may see (``core.pickers``)."""
    from .pickers import picker_choices

    fixed = {k: [v] if isinstance(v, str) else list(v) for k, v in params.items()}
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = picker_choices(source, user, fixed)
    widget_class = PickerMultiple if isinstance(field, forms.ModelMultipleChoiceField) else Picker
    widget = widget_class(source, fixed, attrs=dict(field.widget.attrs))
    widget.choices = field.choices
    widget.is_required = field.required
    field.widget = widget
    return field
