"""Django adapters of the vocabulary: choices, a validated list field, lazy labels.

The vocabulary itself (``yiqiao.vocab``) imports nothing from Django; this module is the one
place that turns it into model and form fields, so every app takes its choices from here.
Labels follow the active language (zh-Hans by default, English when the page is English)
without a catalogue entry per code: the vocabulary carries both labels.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.functional import lazy
from django.utils.translation import get_language

from .terms import VOCABULARIES, Vocabulary


def _pick(zh: str, en: str) -> str:
    language = get_language() or "zh-hans"
    return en if language.lower().startswith("en") else zh


#: A label that reads zh-Hans or English depending on the language active when it is shown.
lazy_label = lazy(_pick, str)


def choices(vocabulary: Vocabulary | str) -> list[tuple[str, str]]:
    """Django ``choices`` for a vocabulary, with labels in the active language."""
    vocab = VOCABULARIES[vocabulary] if isinstance(vocabulary, str) else vocabulary
    return [(t.value, lazy_label(t.zh, t.en)) for t in vocab]


def label(vocabulary: Vocabulary | str, value: str) -> str:
    """The label of one value in the active language (the value itself if unknown)."""
    vocab = VOCABULARIES[vocabulary] if isinstance(vocabulary, str) else vocabulary
    return vocab.label(value, get_language() or "zh-hans")


def labels(vocabulary: Vocabulary | str, values: Iterable[str] | None) -> str:
    """Labels of a list value joined with 、 ("" for an unknown list)."""
    if values is None:
        return ""
    return "、".join(label(vocabulary, v) for v in values)


@deconstructible
class VocabularyListValidator:
    """Refuses a list holding anything but codes of one vocabulary (or a non-list)."""

    def __init__(self, vocabulary: str) -> None:
        self.vocabulary = vocabulary

    def __call__(self, value: Any) -> None:
        if value is None:
            return
        vocab = VOCABULARIES[self.vocabulary]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValidationError(f"须为{vocab.zh}代码的列表", code="invalid_list")
        unknown = vocab.unknown(value)
        if unknown:
            raise ValidationError(
                f"{vocab.zh}含未知取值：{'、'.join(unknown)}", code="unknown_value"
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, VocabularyListValidator) and other.vocabulary == self.vocabulary

    def __hash__(self) -> int:
        return hash(self.vocabulary)


def normalise_list(vocabulary: str, values: Iterable[str] | None) -> list[str] | None:
    """A list value without duplicates, in the vocabulary's order (None stays None)."""
    if values is None:
        return None
    wanted = set(values)
    vocab = VOCABULARIES[vocabulary]
    known = [v for v in vocab.values if v in wanted]
    return known + [v for v in dict.fromkeys(values) if v not in vocab]


class VocabularyMultipleChoiceField(forms.TypedMultipleChoiceField):
    """A form field for a list attribute: nothing ticked means unknown (None), not "none"."""

    def __init__(self, *, vocabulary: str, **kwargs: Any) -> None:
        self.vocabulary = vocabulary
        kwargs.setdefault("choices", choices(vocabulary))
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        kwargs.setdefault("required", False)
        kwargs.setdefault("empty_value", None)
        for key in ("encoder", "decoder", "max_length"):
            kwargs.pop(key, None)
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        return value or []

    def clean(self, value: Any) -> list[str] | None:
        cleaned = super().clean(value)
        return normalise_list(self.vocabulary, cleaned) if cleaned else None

    def has_changed(self, initial: Any, data: Any) -> bool:
        return (initial or []) != (self.clean(data) or [])


class VocabularyListField(models.JSONField):
    """A list attribute (RESOURCES.md ``list:VOCAB``): null = unknown, else codes of ``vocabulary``."""

    def __init__(self, *args: Any, vocabulary: str = "", **kwargs: Any) -> None:
        self.vocabulary = vocabulary
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", None)
        super().__init__(*args, **kwargs)
        if vocabulary:
            self.validators.append(VocabularyListValidator(vocabulary))

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["vocabulary"] = self.vocabulary
        kwargs.pop("validators", None)
        return name, path, args, kwargs

    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        return VocabularyMultipleChoiceField(
            vocabulary=self.vocabulary,
            label=self.verbose_name,
            help_text=self.help_text,
            required=not self.blank,
        )

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = getattr(model_instance, self.attname)
        if isinstance(value, list):
            value = normalise_list(self.vocabulary, value)
            setattr(model_instance, self.attname, value)
        return value


def enum_field(vocabulary: str, verbose_name: Any, **kwargs: Any) -> models.CharField[Any, Any]:
    """A CharField for an ``enum:VOCAB`` attribute: null = unknown."""
    vocab = VOCABULARIES[vocabulary]
    kwargs.setdefault("null", True)
    kwargs.setdefault("blank", True)
    return models.CharField(
        verbose_name,
        max_length=max(len(v) for v in vocab.values) + 4,
        choices=choices(vocab),
        **kwargs,
    )
