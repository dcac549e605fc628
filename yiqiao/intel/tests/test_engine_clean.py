"""Cleaning: pinyin, Traditional detection and conversion, normalisation, boilerplate."""

import pytest

from yiqiao.intel.engine import clean


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("中新網(wǎng)江蘇新聞", "中新網江蘇新聞"),
        ("區(qū)管委會", "區管委會"),
        ("東盟(ASEAN)合作論壇", "東盟(ASEAN)合作論壇"),
        ("研發中心(成都)", "研發中心(成都)"),
        ("簽約活動圓滿結束。(完)", "簽約活動圓滿結束。(完)"),
        ("(記者 王陽)兩江", "(記者 王陽)兩江"),
        ("製藥(yào)有限公司", "製藥有限公司"),
        ("医药(abc)公司", "医药(abc)公司"),
        ("全角（xiàng）括号", "全角括号"),
    ],
)
def test_it_strips_only_pinyin_annotations(raw: str, expected: str) -> None:
    assert clean.strip_pinyin(raw) == expected


@pytest.mark.parametrize(
    ("text", "traditional"),
    [
        ("滨湖區醫療健康產業投資推介會在杭州舉行，吸引了浙江地區企業參會。", True),
        ("通州区医药健康产业发展显著提速，现有相关企业近900家。", False),
        ("著名企业显著增长，着力发展生物医药。", False),
        ("", False),
    ],
)
def test_it_detects_traditional_text(text: str, traditional: bool) -> None:
    assert clean.is_traditional(text) is traditional


def test_it_does_not_convert_simplified_text() -> None:
    out = clean.clean_text("通州区医药健康产业显著提速，签约项目总额逾25亿元，企业数量显著增长。")
    assert out.traditional is False
    assert "显著" in out.text
    assert "显着" not in out.text


def test_it_converts_traditional_text_after_stripping_pinyin() -> None:
    out = clean.clean_text(
        "中新網(wǎng)重慶9月3日電 兩江新區(qū)舉辦生物醫藥產業招商大會，現場簽約項目18個。"
    )
    assert out.traditional is True
    assert out.text == "中新网重庆9月3日电 两江新区举办生物医药产业招商大会,现场签约项目18个。"


def test_it_normalises_full_width_characters() -> None:
    assert clean.normalise("总投资１２．５亿元（约）：ＡＢＣ") == "总投资12.5亿元(约):ABC"


def test_it_cuts_related_news_comments_and_disclaimers() -> None:
    text = "\n".join(
        [
            "某区举办推介会",
            "2024-01-02 10:00 来源:某报",
            "1月1日,某区生物医药推介会在上海举行,现场签约项目5个,总投资12亿元,涉及多个领域。",
            "相关新闻",
            "某区与虚构药业签约 投资30亿元",
            "网友评论",
            "路人:听说还有50亿元",
        ]
    )
    body, head, removed = clean.cut_boilerplate(text)
    assert "30亿元" not in body
    assert "50亿元" not in body
    assert "总投资12亿元" in body
    assert removed[0] == "相关新闻"
    assert head.split("\n")[1] == "2024-01-02 10:00 来源:某报"


@pytest.mark.parametrize(
    "line",
    [
        "当前位置:首页 > 新闻中心 > 园区动态 > 正文",
        "- 某地医药项目落地 重庆市某区2024-11-10",
        "版权所有 某日报社 未经授权禁止转载",
        "·某地与某公司签约 投资12亿元 2024-09-05",
    ],
)
def test_it_drops_boilerplate_lines_anywhere(line: str) -> None:
    text = "某地推介会在北京举行,现场签约项目3个,总投资约8亿元,覆盖医疗器械等领域。\n" + line
    body, _, removed = clean.cut_boilerplate(text)
    assert line not in body
    assert line in removed


def test_it_joins_a_decimal_amount_cut_by_a_hard_line_break() -> None:
    text = "这次开工的亿元以上项目共31个,总投资131.\n7亿元,其中新兴产业项目16个。"
    assert "总投资131.7亿元" in clean.join_wrapped_lines(text)
    # a sentence that ends with a full stop is not continued
    assert (
        clean.join_wrapped_lines("项目已签约。\n7月起开工建设。") == "项目已签约。\n7月起开工建设。"
    )
