"""The Django adapters of the vocabulary: choices, list validation, form fields."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from yiqiao.vocab import SPACE_KIND
from yiqiao.vocab.fields import (
    VocabularyListValidator,
    VocabularyMultipleChoiceField,
    choices,
    labels,
    normalise_list,
)


def test_it_gives_choices_whose_labels_follow_the_active_language():
    pairs = choices(SPACE_KIND)
    assert [v for v, _ in pairs] == list(SPACE_KIND.values)
    with translation.override("zh-hans"):
        assert str(pairs[1][1]) == "厂房"
    with translation.override("en"):
        assert str(pairs[1][1]) == "Plant"
        assert labels("UTILITY", ["steam", "wfi"]) == "Industrial steam、Water for injection"
    assert labels("UTILITY", None) == ""


def test_it_refuses_list_values_outside_the_vocabulary():
    check = VocabularyListValidator("UTILITY")
    check(["steam"])
    check(None)
    with pytest.raises(ValidationError) as error:
        check(["steam", "moat"])
    assert error.value.messages == ["配套设施含未知取值：moat"]
    with pytest.raises(ValidationError) as error:
        check("steam")
    assert error.value.messages == ["须为配套设施代码的列表"]
    assert check == VocabularyListValidator("UTILITY")


def test_it_keeps_list_values_in_vocabulary_order_without_duplicates():
    assert normalise_list("UTILITY", ["wfi", "steam", "wfi"]) == ["steam", "wfi"]
    assert normalise_list("UTILITY", None) is None


def test_it_reads_an_empty_selection_as_unknown():
    field = VocabularyMultipleChoiceField(vocabulary="UTILITY")
    assert field.clean([]) is None
    assert field.clean(["wfi", "steam"]) == ["steam", "wfi"]
    with pytest.raises(ValidationError):
        field.clean(["moat"])
