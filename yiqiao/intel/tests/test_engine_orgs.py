"""Organisation recognition: suffix rules, enumerations, confirmed names, LAC validation."""

import pytest

from yiqiao.intel.engine import orgs


def _names(text: str) -> list[str]:
    cands = orgs.suffix_candidates(text)
    for s in text.split("。"):
        if "、" in s:
            cands += orgs.enumeration_candidates(s, text.find(s), cands)
    return [o.name for o in orgs.to_organisations(cands)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "活动由钱塘区人民政府主办,钱塘区投资促进局、杭州医药港管理办公室承办。",
            ["钱塘区人民政府", "钱塘区投资促进局", "杭州医药港管理办公室"],
        ),
        (
            "会上,某区分别与深圳迈科瑞生物、华晟基因科技、博研医疗器械有限公司签订了合作协议。",
            ["深圳迈科瑞生物", "华晟基因科技", "博研医疗器械有限公司"],
        ),
        (
            "滨湖区管委会当天同星翊科技、恒岚医疗、知微科技、和顺瑞康等四家企业签约。",
            ["滨湖区管委会", "星翊科技", "恒岚医疗", "知微科技", "和顺瑞康"],
        ),
        (
            "签约企业包括诺和诺德(中国)制药有限公司等。",
            ["诺和诺德(中国)制药有限公司"],
        ),
        (
            "长沙高新区生物产业发展局局长表示,将持续优化服务。",
            ["长沙高新区生物产业发展局"],
        ),
        ("中国医药企业管理协会给予支持。", ["中国医药企业管理协会"]),
        ("园区已培育苏州瑞鸿、无锡荃康等3家上市公司。", ["苏州瑞鸿", "无锡荃康"]),
    ],
)
def test_it_recognises_organisations(text: str, expected: list[str]) -> None:
    assert _names(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "提前布局转化医学新赛道。",
        "重点发展体外诊断试剂和康复设备。",
        "基金将重点投向合成生物、创新药等领域。",
        "会议在张江科学会堂召开。",
        "黄埔区生物医药专场招商会在生物岛举办。",
        "集聚了8家三级医院。",
        "首期投资5000万美元。",
    ],
)
def test_it_rejects_phrases_that_only_look_like_names(text: str) -> None:
    assert _names(text) == []


def test_it_finds_confirmed_names_without_any_suffix() -> None:
    text = "本次路演中,星河湾智联与多家机构进行了交流。"
    assert [c.name for c in orgs.confirmed_candidates(text)] == []
    added = orgs.add_confirmed_names(["星河湾智联", "星河湾智联", " "])
    assert added == 1
    assert "星河湾智联" in orgs.confirmed_names()
    assert [c.name for c in orgs.confirmed_candidates(text)] == ["星河湾智联"]


def test_it_validates_lac_spans_like_rule_candidates() -> None:
    found = orgs.lac_candidates("会上,杭州澜屿投资集团与合肥滨湖国际生物港签署了合作协议。", 0)
    names = [c.name for c in found]
    assert "杭州澜屿投资集团" in names
    assert "合肥滨湖国际生物港" not in names  # a park, not an organisation
    assert all(c.source == "lac" for c in found)


def test_it_prefers_rule_spans_over_overlapping_lac_spans() -> None:
    rule = orgs.Candidate(3, 9, "澜晟基因", "company", "rule")
    lac = orgs.Candidate(2, 9, "方澜晟基因", "company", "lac")
    other = orgs.Candidate(20, 26, "岚驰生物", "company", "lac")
    assert [o.name for o in orgs.to_organisations([rule, lac, other])] == ["澜晟基因", "岚驰生物"]


@pytest.mark.parametrize(
    ("name", "event"),
    [
        ("生物医药产业招商推进会", True),
        ("医药产业配套产品供需对接会", True),
        ("健康产业投资峰会", True),
        ("医药创新促进会", False),  # an association, not a meeting
        ("某某生物科技有限公司", False),
    ],
)
def test_it_tells_a_meetings_name_from_an_organisation(name: str, event: bool) -> None:
    assert orgs.is_event_name(name) is event
    accepted = orgs.from_candidates([type("C", (), {"name": name})()])
    assert (accepted == []) is event


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("国家级学会", False),  # "16家国家级学会、协会": a kind of body, not one
        ("省级协会", False),
        ("康复大学", True),  # a generic-looking core is still a name when it is not a level word
        ("某某会计师事务所", True),
    ],
)
def test_it_drops_a_level_word_with_a_legal_suffix(name: str, kept: bool) -> None:
    accepted = orgs.from_candidates([type("C", (), {"name": name})()])
    assert (accepted != []) is kept
