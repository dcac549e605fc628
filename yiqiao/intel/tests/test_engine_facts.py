"""Signings, events and metrics, including the signing phrasings listed in the issue."""

import pytest

from yiqiao.intel.engine.pipeline import extract_article


def _signings(text: str) -> list[tuple[tuple[str, ...], float | None, int | None]]:
    ex = extract_article(
        "某区招商动态\n2024-05-06 10:00 来源:某报\n" + text, "t.txt", use_lac=False
    )
    assert ex.error is None
    return [(s.parties, s.amount_yuan, s.project_count) for s in ex.signings]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "5月5日,合肥经开区分别与安拓生物、卓辰医疗器械有限公司签订投资协议,两个项目总投资约12亿元。",
            [(("合肥经开区", "安拓生物", "卓辰医疗器械有限公司"), 1_200_000_000, 2)],
        ),
        (
            "5月5日,杭州市滨江区医疗科技项目推介会举行,签约项目12个,总投资86.5亿元,涉及医学影像等领域。",
            [(("滨江区",), 8_650_000_000, 12)],
        ),
        (
            "现场,启衡药业、瀚宇生物、康睿达诊断等8个项目集中签约,总投资近50亿元。",
            [(("启衡药业", "瀚宇生物", "康睿达诊断"), 5_000_000_000, 8)],
        ),
        (
            "会上,珠海市金湾区与德国莱茵医疗集团签署投资协议,总投资1.5亿美元。",
            [(("珠海市金湾区", "德国莱茵医疗集团"), None, None)],
        ),
        (
            "协议总额42.3亿元的15个项目当天签约落户璧山,涵盖医疗器械等领域。",
            [(("璧山",), 4_230_000_000, 15)],
        ),
        (
            "坪山区与北京某某医药科技有限公司签署合作协议,与北京另一医疗科技有限公司签订投资意向书,"
            "两个项目预计总投资约18亿元。",
            [
                (
                    ("坪山区", "北京某某医药科技有限公司", "北京另一医疗科技有限公司"),
                    1_800_000_000,
                    2,
                )
            ],
        ),
        (
            # one firm signs a project in a place: the place is its counterpart
            "5月5日,澜屿医疗科技有限公司创新药产业园项目在西安正式签约,项目总投资20亿元。",
            [(("西安", "澜屿医疗科技有限公司"), 2_000_000_000, 1)],
        ),
        (
            # two named signatories: the place is only where they met
            "5月5日,澜屿医疗科技有限公司与卓辰医疗器械有限公司在西安正式签约。",
            [(("澜屿医疗科技有限公司", "卓辰医疗器械有限公司"), None, None)],
        ),
        (
            # a bracketed place after each member does not end the list
            "会上,瀚宇生物(苏州)研发总部项目、启衡药业(武汉)制剂基地项目、"
            "康睿达诊断(成都)试剂生产项目等3个项目现场完成签约。",
            [(("瀚宇生物", "启衡药业", "康睿达诊断"), None, 3)],
        ),
        (
            # the place is read in its context even when jieba calls the name an ordinary word
            "5月5日,澜屿医疗科技有限公司创新药产业园项目在合肥高新区正式签约,项目总投资20亿元。",
            [(("合肥高新区", "澜屿医疗科技有限公司"), 2_000_000_000, 1)],
        ),
        (
            # the whole object of 与 with a legal form is a party even when no recogniser took it
            "澄江医学大学今天与勤远立信联合会计师事务所签署合作备忘录。",
            [(("澄江医学大学", "勤远立信联合会计师事务所"), None, None)],
        ),
        (
            # the signed project's name opens with the brand of a firm the article names
            "澜屿集团董事长出席活动并致辞。5月5日上午,澜屿·滨江细胞谷项目正式签约落户"
            "杭州市滨江区,总投资超过30亿元。",
            [(("滨江区", "澜屿集团"), 3_000_000_000, 1)],
        ),
        (
            # "基金还与…": the fund named in an earlier sentence that reports no signing
            "中澄引领(上海)私募投资基金当天揭牌,规模10亿元。揭牌当天,基金还与澜屿医药、"
            "衡远生物等产业合作方签署了合作协议。",
            [(("中澄引领(上海)私募投资基金", "澜屿医药", "衡远生物"), None, None)],
        ),
        (
            # a mass signing that names nobody, in an article whose headline names no region:
            # the city of the event
            "6月18日,第五届中国生物产业大会在洛阳开幕。开幕式上,总投资超过50亿元的12个重大项目"
            "集体签约。",
            [(("洛阳",), 5_000_000_000, 12)],
        ),
        # a preliminary intent, and an agreement the subject only brokered, are not signings
        ("会上,澄江新区与澜屿医药、衡远生物等企业就建设生产基地达成初步合作意向。", []),
        ("澄江新区还促成澜屿医药与衡远生物达成合作。", []),
        (
            # after 与, 联合 opens the name; "该区" is the government this sentence names
            "记者日前从澄江新区管委会了解到,该区已与联合澜远(苏州)医疗科技有限公司签署协议。",
            [(("澄江新区管委会", "联合澜远(苏州)医疗科技有限公司"), None, None)],
        ),
        (
            # a table of the signatories (rows without figures) under "签约入驻企业如下"
            "5月5日,澄江医疗器械产业园正式启用,首批3家企业当天签约入驻。\n"
            "产业园主攻高端医疗器械。首批签约入驻企业如下:\n序号\t企业\t方向\n"
            "1\t澜屿医药\t医药研发\n2\t衡远生物\t生物技术\n3\t泓奕医疗\t医疗器械\n",
            [(("澄江医疗器械产业园", "澜屿医药", "衡远生物", "泓奕医疗"), None, 3)],
        ),
        (
            # "举行了A与B的签约仪式": A opens the ceremony's name and is a party
            "论坛上还举行了澄江生命健康产业投资基金与四只子基金的合作签约仪式。",
            [(("澄江生命健康产业投资基金",), None, 4)],
        ),
        ("高新区将在用地、人才和资金方面给予签约项目全力支持。", []),
        # the period's running total ("今年以来…已签订"), not a signing of the report
        ("今年以来,某县已签订重大招商引资项目协议25个,总投资218.6亿元。", []),
        ("签约仪式在区行政服务中心举行。", []),
    ],
)
def test_it_extracts_signings(
    text: str, expected: list[tuple[tuple[str, ...], float | None, int | None]]
) -> None:
    assert _signings(text) == expected


def test_it_extracts_the_main_event() -> None:
    text = (
        "某区推介会在深圳举行\n2024-06-18 10:20 来源:某报\n"
        "6月16日,杭州市钱塘区生物医药产业招商推介会在深圳市南山区举行。活动由钱塘区人民政府主办,"
        "以“智汇钱塘 药创未来”为主题,吸引了120余位企业家到场。"
    )
    ex = extract_article(text, "e.txt", use_lac=False)
    assert [e.to_json() for e in ex.events] == [
        {
            "id": "e1",
            "kind": "promotion",
            "date": "2024-06-16",
            "city": "深圳",
            "district": "南山区",
            "venue": None,
            "hosts": ["钱塘区人民政府"],
            "theme": "智汇钱塘 药创未来",
            "attendance": 120,
            "signings": [],
        }
    ]


def test_it_leaves_the_event_date_unknown_without_a_year() -> None:
    text = "中新网江苏新闻5月22日电 5月21日,苏州工业园区创新药产业推介会在金鸡湖畔举行。"
    ex = extract_article(text, "d.txt", use_lac=False)
    assert ex.published is None
    assert [(e.date, e.city) for e in ex.events] == [(None, "苏州")]


def test_it_extracts_metrics_with_units_and_subjects() -> None:
    text = (
        "标题\n2024-01-02 来源:某报\n"
        "目前,全市已集聚2100余家医疗器械企业,2023年医疗器械产业营业收入达到87亿元,比上年增长6.4%。"
    )
    ex = extract_article(text, "m.txt", use_lac=False)
    assert [(m.value, m.unit) for m in ex.metrics] == [
        (2100, "家"),
        (6.4, "%"),
        (8_700_000_000, "元"),
    ]
    assert ex.metrics[2].subject == "医疗器械产业营业收入"


MULTI_EVENT = (
    "宁波生物医药周两场活动接连举行\n2024-06-20 09:00 来源:示例资讯\n"
    "6月18日,宁波高新区生物医药产业推介会在上海举行,由宁波高新区管委会主办,"
    "现场8个项目集中签约,总投资约26亿元。\n"
    "6月19日,宁波前湾新区与杭州澄远医疗科技有限公司在杭州签署投资协议,项目总投资5亿元,"
    "建设高值耗材生产基地。"
)


def test_it_reports_each_event_with_its_own_date_city_hosts_and_records() -> None:
    ex = extract_article(MULTI_EVENT, "multi.txt", use_lac=False).to_json()
    assert [(e["id"], e["date"], e["city"], e["hosts"], e["signings"]) for e in ex["events"]] == [
        ("e1", "2024-06-18", "上海", ["宁波高新区管委会"], [0]),
        ("e2", "2024-06-19", "杭州", [], [1]),
    ]
    assert [(s["parties"], s["amount_yuan"], s["event"]) for s in ex["signings"]] == [
        (["宁波高新区"], 2_600_000_000, "e1"),
        (["宁波前湾新区", "杭州澄远医疗科技有限公司"], 500_000_000, "e2"),
    ]


def test_it_does_not_take_an_ordinary_word_for_the_event_city() -> None:
    # 合作 is also 合作市 in Gansu; here it only means "co-operation"
    text = (
        "某园区动态\n2024-05-06 10:00 来源:某报\n5月5日,澜屿医疗科技有限公司与卓辰医疗器械有限公司"
        "签署战略合作协议,双方将在创新药研发领域深化合作。"
    )
    ex = extract_article(text, "c.txt", use_lac=False)
    assert [(e.city, e.date) for e in ex.events] == [(None, "2024-05-05")]
