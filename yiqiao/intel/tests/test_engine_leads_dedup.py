"""Lead rules and near-duplicate grouping."""

from yiqiao.intel.engine import (
    collapse_duplicates,
    derive_leads,
    extract_article,
    fingerprint,
    group_near_duplicates,
)

ARTICLE = (
    "钱塘区赴深圳推介\n2024-06-18 10:20 来源:某报\n"
    "6月16日,杭州市钱塘区生物医药产业招商推介会在深圳市南山区举行。推介会上,钱塘区分别与深圳迈科瑞生物、"
    "博研医疗器械有限公司签订了合作协议,两个项目计划总投资约23亿元,涉及基因检测、手术机器人等方向。\n"
    "1月8日,成都医疗器械产业发展母基金在成都市高新区正式设立,总规模20亿元。"
)


def test_it_turns_an_outside_signing_into_expansion_leads() -> None:
    ex = extract_article(ARTICLE, "lead.txt", use_lac=False)
    leads = derive_leads(ex, ["医疗器械", "基因"], "滨湖区")
    expansion = [
        (lead.organisation, lead.priority) for lead in leads if lead.kind == "expansion_elsewhere"
    ]
    assert expansion == [("深圳迈科瑞生物", 1), ("博研医疗器械有限公司", 1)]
    first = next(lead for lead in leads if lead.kind == "expansion_elsewhere")
    assert first.source == "lead.txt"
    assert first.published == "2024-06-18"
    assert "签订了合作协议" in first.evidence
    assert [lead.organisation for lead in leads if lead.kind == "new_fund"] == [
        "成都医疗器械产业发展母基金"
    ]


def test_it_gives_no_expansion_lead_at_home_or_outside_the_chain() -> None:
    ex = extract_article(ARTICLE, "lead.txt", use_lac=False)
    assert [
        lead
        for lead in derive_leads(ex, ["医疗器械"], "钱塘区")
        if lead.kind == "expansion_elsewhere"
    ] == []
    assert derive_leads(ex, ["半导体"], "滨湖区") == []


def test_it_groups_republished_stories() -> None:
    base = (
        "3月12日,某县康复器械专题招商会在杭州召开。招商会由县投资促进中心承办,到场企业约40家。"
        "当天,该县与三家康复设备企业签下合作协议,项目包括康复机器人、助行器具和理疗设备。县内现有相关企业120多家。"
    )
    repost = "转载:" + base.replace("招商会", "招商活动").replace("。", "!", 2) + "(责任编辑:某某)"
    other = "青岛市某区召开生物医药产业座谈会,区科技局与15家单位代表围绕人才引进和临床资源对接进行交流。"
    fps = [("a", fingerprint(base)), ("b", fingerprint(other)), ("c", fingerprint(repost))]
    assert fps[0][1].similarity(fps[2][1]) >= 0.6
    assert fps[0][1].similarity(fps[1][1]) < 0.2
    assert group_near_duplicates(fps) == [["a", "c"], ["b"]]


def test_it_fingerprints_deterministically() -> None:
    assert fingerprint("同一篇文章的文本内容") == fingerprint("同一篇文章的文本内容")
    assert fingerprint("短").values == ()


def test_it_collapses_republished_articles_into_one_record() -> None:
    original = ARTICLE
    repost = "转载自某网\n" + ARTICLE.replace("推介会上", "会上").replace("。", "!", 1)
    other = "某区召开座谈会\n2024-06-20 来源:某报\n区科技局与15家企业代表围绕人才引进和临床资源对接进行交流,气氛热烈。"
    exs = [
        extract_article(original, "a.txt", use_lac=False),
        extract_article(other, "b.txt", use_lac=False),
        extract_article(repost, "c.txt", use_lac=False),
        extract_article(b"", "empty.txt"),
    ]
    groups = collapse_duplicates(exs)
    assert [(g.primary.source, g.duplicates) for g in groups] == [
        ("a.txt", ("c.txt",)),
        ("b.txt", ()),
    ]
    assert groups[0].reason == "与 1 篇文章内容高度相似，已合并"


def test_a_government_department_is_no_firm_to_call() -> None:
    text = (
        "2024年5月10日,黔南州医疗器械产业对接会在贵阳举行。会上,贵州省科技厅与澜屿医疗器械有限公司"
        "签署合作协议,工业和信息化部有关司局负责同志出席。"
    )
    ex = extract_article(text, "gov.txt", use_lac=False)
    kinds = {o.name: o.kind for o in ex.organisations}
    assert kinds.get("贵州省科技厅") == "government"
    assert kinds.get("工业和信息化部") == "government"
    firms = {
        lead.organisation
        for lead in derive_leads(ex, ["医疗器械"], "滨湖区")
        if lead.kind == "expansion_elsewhere"
    }
    assert "澜屿医疗器械有限公司" in firms
    assert not firms & {"贵州省科技厅", "工业和信息化部"}
