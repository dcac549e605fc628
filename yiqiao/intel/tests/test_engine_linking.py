"""Linking names to the register."""

import pytest

from yiqiao.intel.engine.linking import Mention, RegisterEntry, link_organisations, normalise_name

REGISTER = [
    RegisterEntry("1", "杭州澜屿投资集团有限公司", "91330100MA2H000001"),
    RegisterEntry("2", "南京启衡医药科技有限公司", aliases=("启衡",)),
    RegisterEntry("3", "无锡禾润医药有限公司"),
    RegisterEntry("4", "厦门鹭晟仪器(集团)股份有限公司"),
    RegisterEntry("5", "诺和诺德(中国)制药有限公司"),
    RegisterEntry("6", "湖南瑞澄科技有限责任公司"),
    RegisterEntry("7", "江西瑞澄科技有限公司"),
]


@pytest.mark.parametrize(
    ("name", "entry", "method", "confidence"),
    [
        ("杭州澜屿投资集团有限公司", "1", "exact", 1.0),
        ("启衡", "2", "alias", 0.97),
        ("无锡禾润医药", "3", "normalised", 0.92),
        ("厦门鹭晟仪器", "4", "normalised", 0.92),
        ("诺和诺德（中国）制药有限公司", "5", "exact", 1.0),
        ("杭州澜屿投资集团", "1", "normalised", 0.92),
    ],
)
def test_it_links_known_names(name: str, entry: str, method: str, confidence: float) -> None:
    (res,) = link_organisations([name], REGISTER)
    assert (res.entry_id, res.method, res.confidence) == (entry, method, confidence)


def test_it_links_by_uscc_first() -> None:
    (res,) = link_organisations([Mention("某投资集团", uscc="91330100MA2H000001")], REGISTER)
    assert (res.entry_id, res.method, res.confidence) == ("1", "uscc", 1.0)


def test_it_links_fuzzy_names_with_lower_confidence() -> None:
    (res,) = link_organisations(["南京启衡医药科技公司"], REGISTER)
    assert res.entry_id == "2"
    assert res.method in ("normalised", "fuzzy")
    (res2,) = link_organisations(["南京启衡医药科枝有限公司"], REGISTER)
    assert (res2.entry_id, res2.method) == ("2", "fuzzy")
    assert 0.7 <= res2.confidence <= 0.85


def test_it_flags_ambiguous_short_names() -> None:
    (res,) = link_organisations(["瑞澄科技"], REGISTER)
    assert res.method == "ambiguous"
    assert res.entry_id is None
    assert sorted(s.entry_id or "" for s in res.suggestions) == ["6", "7"]


def test_it_suggests_adding_unknown_names() -> None:
    (res,) = link_organisations(["远岫医疗"], REGISTER)
    assert (res.entry_id, res.method, res.confidence) == (None, "unknown", 0.0)
    assert res.suggestions[-1].entry_id is None
    assert res.suggestions[-1].reason == "登记册中未找到，建议新增该主体"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("深圳市澜屿投资集团有限公司", "澜屿投资集团"),
        ("无锡禾润医药有限责任公司", "无锡禾润医药股份有限公司"),
        ("ＡＢＣ生物科技（上海）有限公司", "ABC生物科技有限公司"),
    ],
)
def test_it_normalises_name_variants_to_one_key(a: str, b: str) -> None:
    assert normalise_name(a) == normalise_name(b)


LOCAL = [
    RegisterEntry("10", "渝中区人民政府", aliases=("区政府",)),
    RegisterEntry("11", "常州(上海)离岸创新中心"),
    RegisterEntry("12", "常州市澜屿投资集团有限公司"),
]


@pytest.mark.parametrize(
    "name", ["江北区人民政府", "江北区政府", "区政府", "人民政府", "苏州(上海)离岸创新中心"]
)
def test_it_never_offers_another_places_body_as_ours(name: str) -> None:
    (res,) = link_organisations([name], LOCAL)
    assert res.entry_id is None
    assert [s.entry_id for s in res.suggestions if s.entry_id] == []


def test_it_links_the_same_body_under_its_own_place_only() -> None:
    (res,) = link_organisations(["重庆市渝中区人民政府"], LOCAL)
    assert (res.entry_id, res.method) == ("10", "normalised")
    (other,) = link_organisations(["无锡市澜屿投资集团有限公司"], LOCAL)
    assert other.entry_id is None


def test_it_asks_rather_than_links_a_name_without_its_place() -> None:
    (res,) = link_organisations(["澜屿投资集团"], LOCAL)
    assert (res.entry_id, res.method) == (None, "ambiguous")
    assert [s.entry_id for s in res.suggestions] == ["12"]
