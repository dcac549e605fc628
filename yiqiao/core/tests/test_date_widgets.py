"""Every date, time and date-time field of every form renders ISO in every language (H5).

A browser discards a ``type=date`` value that is not ISO; Django's own DateInput renders the
active language's first format ("2019/07/05" in zh-Hans), so an unchanged save erased dates.
"""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
from typing import Any

import pytest
from django import forms
from django.utils import translation

import yiqiao
from yiqiao.core import widgets


def all_form_classes() -> list[type[forms.BaseForm]]:
    found: dict[str, type[forms.BaseForm]] = {}
    for info in pkgutil.walk_packages(yiqiao.__path__, "yiqiao."):
        if not info.name.endswith(".forms") or ".tests" in info.name:
            continue
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, forms.BaseForm)
                and value.__module__ == module.__name__
            ):
                found[f"{module.__name__}.{value.__name__}"] = value
    return [found[name] for name in sorted(found)]


EXPECTED: dict[type[forms.Field], tuple[type[forms.Widget], Any, str]] = {
    forms.DateTimeField: (
        widgets.DateTimeInput,
        dt.datetime(2019, 7, 5, 9, 30),
        "2019-07-05T09:30",
    ),
    forms.DateField: (widgets.DateInput, dt.date(2019, 7, 5), "2019-07-05"),
    forms.TimeField: (widgets.TimeInput, dt.time(9, 30), "09:30"),
}


def date_fields() -> list[tuple[str, str, forms.Field]]:
    rows: list[tuple[str, str, forms.Field]] = []
    for form_class in all_form_classes():
        for name, field in form_class.base_fields.items():
            if isinstance(field, tuple(EXPECTED)):
                rows.append((form_class.__name__, name, field))
    return rows


def test_it_finds_the_forms_with_dates() -> None:
    names = {f"{form}.{field}" for form, field, _ in date_fields()}
    assert {
        "OrganisationForm.founded_on",
        "ProjectForm.next_follow_up_on",
        "RunForm.as_of",
    } <= names


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_it_renders_every_form_date_as_iso(language: str) -> None:
    wrong = []
    with translation.override(language):
        for form_name, field_name, field in date_fields():
            kind = next(k for k in EXPECTED if isinstance(field, k))
            widget_class, value, text = EXPECTED[kind]
            html = field.widget.render(field_name, value)
            if not isinstance(field.widget, widget_class) or f'value="{text}"' not in html:
                wrong.append(f"{form_name}.{field_name}: {html}")
    assert wrong == []
