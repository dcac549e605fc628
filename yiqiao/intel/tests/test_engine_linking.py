"""Linking names to the register."""

import pytest

from yiqiao.intel.engine.linking import Mention, RegisterEntry, link_organisations, normalise_name

REGISTER = [
    RegisterEntry("1", "深圳高特佳投资集团有限公司", "91440300MA5F000001"),
    RegisterEntry("2", "上海普蕊斯医药科技有限公司", aliases=("普蕊斯",)),
    RegisterEntry("3", "苏州易合医药有限公司"),
    RegisterEntry("4", "成都彩虹电器(集团)股份有限公司"),
    RegisterEntry("5", "诺和诺德(中国)制药有限公司"),
    RegisterEntry("6", "四川华束科技有限责任公司"),
    RegisterEntry("7", "重庆华束科技有限公司"),
]


@pytest.mark.parametrize(
    ("name", "entry", "method", "confidence"),
    [
        ("深圳高特佳投资集团有限公司", "1", "exact", 1.0),
        ("普蕊斯", "2", "alias", 0.97),
        ("苏州易合医药", "3", "normalised", 0.92),
        ("成都彩虹电器", "4", "normalised", 0.92),
        ("诺和诺德（中国）制药有限公司", "5", "exact", 1.0),
        ("深圳高特佳投资集团", "1", "normalised", 0.92),
    ],
)
def test_it_links_known_names(name: str, entry: str, method: str, confidence: float) -> None:
    (res,) = link_organisations([name], REGISTER)
    assert (res.entry_id, res.method, res.confidence) == (entry, method, confidence)


def test_it_links_by_uscc_first() -> None:
    (res,) = link_organisations([Mention("某投资集团", uscc="91440300MA5F000001")], REGISTER)
    assert (res.entry_id, res.method, res.confidence) == ("1", "uscc", 1.0)


def test_it_links_fuzzy_names_with_lower_confidence() -> None:
    (res,) = link_organisations(["上海普蕊斯医药科技公司"], REGISTER)
    assert res.entry_id == "2"
    assert res.method in ("normalised", "fuzzy")
    (res2,) = link_organisations(["上海普蕊思医药科技有限公司"], REGISTER)
    assert (res2.entry_id, res2.method) == ("2", "fuzzy")
    assert 0.7 <= res2.confidence <= 0.85


def test_it_flags_ambiguous_short_names() -> None:
    (res,) = link_organisations(["华束科技"], REGISTER)
    assert res.method == "ambiguous"
    assert res.entry_id is None
    assert sorted(s.entry_id or "" for s in res.suggestions) == ["6", "7"]


def test_it_suggests_adding_unknown_names() -> None:
    (res,) = link_organisations(["培声医疗"], REGISTER)
    assert (res.entry_id, res.method, res.confidence) == (None, "unknown", 0.0)
    assert res.suggestions[-1].entry_id is None
    assert res.suggestions[-1].reason == "登记册中未找到，建议新增该主体"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("深圳市高特佳投资集团有限公司", "高特佳投资集团"),
        ("苏州易合医药有限责任公司", "苏州易合医药股份有限公司"),
        ("ＡＢＣ生物科技（上海）有限公司", "ABC生物科技有限公司"),
    ],
)
def test_it_normalises_name_variants_to_one_key(a: str, b: str) -> None:
    assert normalise_name(a) == normalise_name(b)
