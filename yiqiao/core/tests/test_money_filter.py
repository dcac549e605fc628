"""The money filter speaks the page's language."""

import pytest
from django.utils import translation

from yiqiao.core.templatetags.yiqiao import yuan


@pytest.mark.parametrize(
    ("value", "chinese", "english"),
    [
        (None, "—", "—"),
        (3_570_000_000, "35.70亿元", "3.57B yuan"),
        (12_345_678, "1,234.57万元", "12.35M yuan"),
        (6000, "6,000.00元", "6,000.00 yuan"),
    ],
)
def test_it_formats_money_per_language(value: int | None, chinese: str, english: str) -> None:
    with translation.override("zh-hans"):
        assert yuan(value) == chinese
    with translation.override("en"):
        assert yuan(value) == english
