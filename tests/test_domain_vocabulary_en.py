"""English mode names the domain in English (issue 10): every field name and choice label of
our models (stages, states, kinds, reasons, chain positions, instruments, land uses) has an
English entry in the catalogue, whether or not the label was marked for translation, so a form,
a filter or a table in English shows no Chinese vocabulary."""

from __future__ import annotations

import re

from django.apps import apps
from django.utils.functional import Promise
from django.utils.translation import override

CJK = re.compile(r"[\u4e00-\u9fff]")
#: An English label may quote the Chinese term it renders: "Specialised SME (专精特新)".
QUOTED = re.compile(r"\([^)]*\)")


def test_every_model_label_and_choice_reads_in_english() -> None:
    untranslated = set()
    for model in apps.get_models():
        if not model.__module__.startswith("yiqiao"):
            continue
        for field in model._meta.get_fields():
            labels = [getattr(field, "verbose_name", None)]
            choices = [
                label
                for _value, label in getattr(field, "choices", None) or []
                if not isinstance(label, list | tuple)
            ]
            with override("en"):
                for label in labels:
                    # Only lazily translated text: names typed by users stay as they are.
                    if isinstance(label, Promise) and CJK.search(QUOTED.sub("", str(label))):
                        untranslated.add(f"{model._meta.label}: {label}")
                # A choice label is always written in the code, never typed by a user: a plain
                # Chinese string there (a need's states were) shows Chinese on English pages.
                for label in choices:
                    if CJK.search(QUOTED.sub("", str(label))):
                        untranslated.add(f"{model._meta.label}.{field.name}: {label}")
    assert sorted(untranslated) == []
