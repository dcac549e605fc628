"""Candidate generation and decision rules that do not depend on the trained models."""

from yiqiao.intel.engine import candidates


def _names(text: str, source: str) -> list[str]:
    return [c.name for c in candidates.generate(text, []) if source in c.sources]


def test_it_reads_government_departments_with_their_place() -> None:
    text = "活动由湖南省商务厅牵头,贵州省 科技厅、工业和信息化部指导,市商务局承办。"
    assert _names(text, "gov") == ["湖南省商务厅", "贵州省 科技厅", "工业和信息化部", "市商务局"]


def test_it_does_not_take_a_bare_office_word_for_a_department() -> None:
    # no place before it: "科技局" alone names no particular office
    assert _names("企业可向科技局申报,澜屿商务局不是政府部门。", "gov") == []


def test_it_accepts_departments_whatever_the_classifier_says() -> None:
    text = "云南省科技厅与澜屿医疗签约。"
    cands = candidates.generate(text, [])
    probs = [0.0 for _ in cands]
    assert [c.name for c in candidates.decide(cands, probs, 0.45)] == ["云南省科技厅"]


def test_a_counted_list_of_firms_carries_its_members() -> None:
    text = "澜屿医疗、星翊生物、恒岚药业和禾润医药4家企业的联合实验室揭牌。"
    cands = [c for c in candidates.generate(text, []) if "list" in c.sources]
    by_name = {c.name: c for c in cands}
    assert {"澜屿医疗", "星翊生物", "恒岚药业", "禾润医药"} <= set(by_name)
    assert {by_name[n].extra.get("kind") for n in ("澜屿医疗", "禾润医药")} == {"企业"}
    # one member accepted by the classifier is enough for a list that says "…家企业"
    probs = [0.9 if c.name == "澜屿医疗" else 0.05 for c in cands]
    accepted = {c.name for c in candidates.decide(cands, probs, 0.45)}
    assert {"澜屿医疗", "星翊生物", "恒岚药业", "禾润医药"} <= accepted


def test_it_offers_no_description_or_bare_zone_kind_as_a_name() -> None:
    text = "峰会吸引上百位跨国公司负责人参加。会议由经济技术开发区管委会承办,澜屿医疗科技有限公司到会。"
    names = {c.name for c in candidates.generate(text, [])}
    assert "上百位跨国公司" not in names  # a head count, not a body
    assert "经济技术开发区" not in names  # the kind of a zone, not a body
    assert "澜屿医疗科技有限公司" in names
