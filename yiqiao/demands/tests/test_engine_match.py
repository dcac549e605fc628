"""Ranking, structured constraints and their reasons, filters and bad input."""

import dataclasses
import random
from datetime import date

import pytest

from yiqiao.demands.engine import (
    MAX_NEED_CHARS,
    EngineInputError,
    InvestorAttributes,
    MatchIndex,
    Need,
    OrganisationAttributes,
    PolicyAttributes,
    PolicyEligibility,
    Resource,
    ServiceAttributes,
    SpaceAttributes,
)
from yiqiao.demands.engine import index as index_module

TODAY = date(2026, 11, 25)


def space(id_, *, available=1000.0, rent=50.0, grade=None, load=8.0, park="P1", ok=True):
    return Resource(
        kind="space",
        id=id_,
        title="产业园GMP厂房",
        text="标准厂房，配套洁净车间",
        attributes=SpaceAttributes(
            space_kind="plant",
            area_total_m2=5000.0,
            area_available_m2=available,
            rent_per_m2_month=rent,
            gmp_grade=grade,
            floor_load_kn_m2=load,
            park_code=park,
            is_available=ok,
        ),
    )


def service(id_, category="cdmo", lead=60, capacity=3):
    return Resource(
        kind="service",
        id=id_,
        title="抗体CDMO平台",
        text="提供工艺开发和临床样品生产",
        attributes=ServiceAttributes(category=category, lead_time_days=lead, capacity=capacity),
    )


def investor(id_, stages=("a",), sectors=("bio.biologics",), low=1e7, high=5e7, regions=()):
    return Resource(
        kind="investor",
        id=id_,
        title="生物医药创投基金",
        text="投资抗体药物项目",
        attributes=InvestorAttributes(
            stages=stages,
            sectors=sectors,
            ticket_min_yuan=low,
            ticket_max_yuan=high,
            regions=regions,
        ),
    )


def partner(id_, nodes):
    return Resource(
        kind="organisation",
        id=id_,
        title="诊断产业合作企业",
        text="体外诊断相关产品",
        attributes=OrganisationAttributes(chain_nodes=nodes),
    )


def policy(id_, policy_id):
    return Resource(
        kind="policy",
        id=id_,
        title="厂房租金补贴",
        text="对入驻厂房的企业给予租金补贴",
        attributes=PolicyAttributes(policy_id=policy_id),
    )


def only(index, need, **kwargs):
    matches = index.match(need, today=TODAY, **kwargs)
    assert len(matches) == 1
    return matches[0]


SPACE_NEED = "需要GMP厂房"


@pytest.mark.parametrize(
    ("resource", "need", "met", "missed"),
    [
        (
            space("S", available=1000.0),
            Need(text=SPACE_NEED, category="space", area_min_m2=800, area_max_m2=1500),
            "可用面积1000平方米，符合需求（800平方米至1500平方米）",
            None,
        ),
        (
            space("S", available=500.0),
            Need(text=SPACE_NEED, category="space", area_min_m2=800),
            None,
            "可用面积500平方米，小于需求（不少于800平方米）",
        ),
        (
            space("S", available=3000.0),
            Need(text=SPACE_NEED, category="space", area_max_m2=1500),
            None,
            "可用面积3000平方米，超过需求上限（不超过1500平方米），需确认能否分割",
        ),
        (
            space("S", rent=45.0),
            Need(text=SPACE_NEED, category="space", rent_max_per_m2_month=60),
            "租金45元/平方米·月，在预算60元/平方米·月以内",
            None,
        ),
        (
            space("S", rent=75.0),
            Need(text=SPACE_NEED, category="space", rent_max_per_m2_month=60),
            None,
            "租金75元/平方米·月，超出预算60元/平方米·月",
        ),
        (
            space("S", rent=None),
            Need(text=SPACE_NEED, category="space", rent_max_per_m2_month=60),
            None,
            "租金未公示，无法核对预算（60元/平方米·月）",
        ),
        (
            space("S", grade="C"),
            Need(text=SPACE_NEED, category="space", gmp_grade="D"),
            "洁净级别C级，满足D级及以上要求",
            None,
        ),
        (
            space("S", grade="D"),
            Need(text=SPACE_NEED, category="space", gmp_grade="B"),
            None,
            "洁净级别D级，低于需求的B级",
        ),
        (
            space("S", grade=None),
            Need(text=SPACE_NEED, category="space", gmp_grade="C"),
            None,
            "无洁净区，需求要求C级",
        ),
        (
            space("S", load=5.0),
            Need(text=SPACE_NEED, category="space", floor_load_min_kn_m2=8),
            None,
            "楼面荷载5千牛/平方米，低于需求的8千牛/平方米",
        ),
        (
            space("S", park="P2"),
            Need(text=SPACE_NEED, category="space", park_codes=("P1",)),
            None,
            "不在意向园区（P1）内",
        ),
        (
            space("S", park="P1"),
            Need(text=SPACE_NEED, category="space", park_codes=("P1",)),
            "位于意向园区（P1）",
            None,
        ),
        (
            space("S"),
            Need(text=SPACE_NEED, category="space", space_kinds=("lab",)),
            None,
            "载体类型为厂房，需求为实验室",
        ),
        (
            service("V", category="cdmo"),
            Need(text="找CDMO", category="capacity"),
            "服务类别为CDMO，符合需求",
            None,
        ),
        (
            service("V", category="cdmo"),
            Need(text="找CDMO", category="capacity", service_categories=("pilot",)),
            None,
            "服务类别为CDMO，需求为中试",
        ),
        (
            service("V", lead=60),
            Need(text="找CDMO", category="capacity", deadline=date(2027, 2, 23)),
            "服务周期60天，可在截止日期前完成（剩余90天）",
            None,
        ),
        (
            service("V", lead=120),
            Need(text="找CDMO", category="capacity", deadline=date(2027, 2, 23)),
            None,
            "服务周期120天，超过距截止日期的90天",
        ),
        (
            service("V", capacity=0),
            Need(text="找CDMO", category="capacity"),
            None,
            "当前档期已满",
        ),
        (
            investor("I", stages=("a", "b")),
            Need(text="抗体药物融资", category="financing", funding_stage="a"),
            "投资阶段含A轮",
            None,
        ),
        (
            investor("I", stages=("c",)),
            Need(text="抗体药物融资", category="financing", funding_stage="angel"),
            None,
            "投资阶段为C轮，不含天使轮",
        ),
        (
            investor("I", low=1e7, high=5e7),
            Need(text="抗体药物融资", category="financing", funding_amount_yuan=3e7),
            "单笔投资额度1000万元至5000万元，覆盖所需3000万元",
            None,
        ),
        (
            investor("I", low=1e7, high=5e7),
            Need(text="抗体药物融资", category="financing", funding_amount_yuan=2e8),
            None,
            "单笔投资额度1000万元至5000万元，不覆盖所需2亿元",
        ),
        (
            investor("I", sectors=("bio.biologics",)),
            Need(text="抗体药物融资", category="financing", chain_nodes=("bio.biologics",)),
            "关注领域包含抗体与蛋白药物",
            None,
        ),
        (
            investor("I", sectors=("dev.imaging",)),
            Need(text="抗体药物融资", category="financing", chain_nodes=("bio.biologics",)),
            None,
            "关注领域为医学影像设备，与需求领域不符",
        ),
        (
            investor("I", regions=("320506",)),
            Need(text="抗体药物融资", category="financing", region_code="110108"),
            None,
            "偏好投资地区为320506，不含110108",
        ),
        (
            partner("O", ("bio.reagent",)),
            Need(text="体外诊断合作", category="partner", enterprise_chain_nodes=("dev.ivd",)),
            "处于本企业上游（科研试剂与耗材），可作为供应方",
            None,
        ),
        (
            partner("O", ("svc.cso",)),
            Need(text="体外诊断合作", category="partner", enterprise_chain_nodes=("dev.ivd",)),
            "处于本企业下游（医药营销与流通（CSO）），可作为客户或渠道",
            None,
        ),
        (
            partner("O", ("dev.ivd",)),
            Need(text="体外诊断合作", category="partner", enterprise_chain_nodes=("dev.ivd",)),
            "与本企业同处体外诊断环节，可作同业合作",
            None,
        ),
        (
            partner("O", ("dev.imaging",)),
            Need(text="体外诊断合作", category="partner", enterprise_chain_nodes=("dev.ivd",)),
            None,
            "与本企业无直接上下游关系（医学影像设备）",
        ),
    ],
)
def test_it_explains_each_structured_constraint(resource, need, met, missed):
    match = only(MatchIndex.build([resource]), need)

    if met is not None:
        assert met in match.met
        assert met in match.reasons
    if missed is not None:
        assert missed in match.missed
        assert f"未满足：{missed}" in match.reasons


def test_it_ranks_a_met_constraint_above_a_missed_one_with_equal_text():
    index = MatchIndex.build([space("S-small", available=300.0), space("S-fit", available=1000.0)])

    matches = index.match(Need(text=SPACE_NEED, category="space", area_min_m2=800), today=TODAY)

    assert [m.resource.id for m in matches] == ["S-fit", "S-small"]
    assert matches[0].text_score == matches[1].text_score == 1.0
    assert matches[0].fit_score == pytest.approx(0.3 + 0.25 + 0.15)
    assert matches[1].fit_score == pytest.approx(0.3 - 0.5 + 0.15)


def test_it_never_suggests_an_unavailable_space():
    index = MatchIndex.build(
        [
            space("S-leased", ok=False),
            space("S-full", available=0.0),
            space("S-free"),
        ]
    )

    matches = index.match(Need(text=SPACE_NEED, category="space"), today=TODAY)

    assert [m.resource.id for m in matches] == ["S-free"]


def test_it_keeps_unavailable_spaces_in_the_bm25_baseline():
    index = MatchIndex.build([space("S-leased", ok=False), space("S-free")])

    matches = index.match(Need(text=SPACE_NEED), bm25_only=True)

    assert sorted(m.resource.id for m in matches) == ["S-free", "S-leased"]
    assert all(m.fit_score == 0.0 for m in matches)


def test_it_demotes_an_investor_whose_ticket_excludes_the_ask():
    index = MatchIndex.build(
        [investor("I-small", low=1e6, high=5e6), investor("I-fit", low=1e7, high=5e7)]
    )
    need = Need(text="抗体药物融资", category="financing", funding_amount_yuan=2e7)

    matches = index.match(need, today=TODAY)

    assert [m.resource.id for m in matches] == ["I-fit", "I-small"]
    assert matches[1].missed == ("单笔投资额度100万元至500万元，不覆盖所需2000万元",)


def test_it_uses_policy_eligibility_and_hides_ineligible_policies():
    index = MatchIndex.build(
        [policy("R-1", "P-1"), policy("R-2", "P-2"), policy("R-3", "P-3"), policy("R-4", "P-4")]
    )
    status = {
        "P-1": PolicyEligibility(status="eligible_if_data_supplied", missing=("审计报告",)),
        "P-2": PolicyEligibility(status="eligible", amount_yuan=500000),
        "P-3": PolicyEligibility(status="ineligible"),
    }

    matches = index.match(
        Need(text="厂房租金补贴", category="policy"), policy_status=status, today=TODAY
    )

    assert [m.resource.id for m in matches] == ["R-2", "R-1", "R-4"]
    assert matches[0].met[-1] == "符合申报条件，预计可获50万元"
    assert matches[1].met[-1] == "补充材料后可申报；需补充：审计报告"
    assert matches[2].missed == ("尚未评估申报资格",)


def test_it_matches_a_need_written_with_a_synonym_and_says_which():
    index = MatchIndex.build([service("V-cdmo"), space("S")])

    matches = index.match(Need(text="寻找委托生产服务", category="capacity"), today=TODAY)

    assert matches[0].resource.id == "V-cdmo"
    assert matches[0].reasons[0] == "匹配词：cdmo（委托生产）、生产、服务"


def test_it_matches_traditional_need_text():
    index = MatchIndex.build([service("V-cdmo"), space("S")])

    matches = index.match(Need(text="尋找抗體委託生產", category="capacity"), today=TODAY)

    assert matches[0].resource.id == "V-cdmo"
    assert [t.term for t in matches[0].matched_terms] == ["抗体", "cdmo", "生产"]


def test_it_restricts_results_to_the_requested_kinds():
    index = MatchIndex.build([service("V"), space("S"), policy("R", "P")])

    matches = index.match(Need(text="厂房 CDMO 补贴"), kinds={"space", "policy"}, today=TODAY)

    assert sorted(m.resource.id for m in matches) == ["R", "S"]


def test_it_breaks_score_ties_by_resource_id_whatever_the_input_order():
    resources = [space(f"S-{n}") for n in (5, 3, 9, 1, 7)]

    forward = MatchIndex.build(resources).match(Need(text=SPACE_NEED), today=TODAY, limit=3)
    backward = MatchIndex.build(resources[::-1]).match(Need(text=SPACE_NEED), today=TODAY, limit=3)

    assert [m.resource.id for m in forward] == ["S-1", "S-3", "S-5"]
    assert [m.resource.id for m in backward] == ["S-1", "S-3", "S-5"]


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_it_refuses_an_empty_need_with_a_clear_message(text):
    index = MatchIndex.build([space("S")])

    with pytest.raises(EngineInputError, match="需求描述为空"):
        index.match(Need(text=text))


def test_it_truncates_huge_need_text_instead_of_failing():
    index = MatchIndex.build([space("S"), service("V")])
    head = "需要GMP厂房"
    need = Need(text=head + "啊" * (MAX_NEED_CHARS * 50) + "CDMO", category="space")

    matches = index.match(need, today=TODAY)

    assert [m.resource.id for m in matches] == ["S"]  # "CDMO" lies beyond the cut


def test_it_fills_with_resources_of_the_asked_kind_when_text_matches_nothing():
    index = MatchIndex.build([space("S-a"), space("S-b", ok=False), service("V")])

    matches = index.match(Need(text="！！！", category="space"), today=TODAY)

    assert [m.resource.id for m in matches] == ["S-a"]
    assert matches[0].text_score == 0.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"limit": 0}, "返回条数"), ({"kinds": {"shop"}}, "未知的资源类型")],
)
def test_it_refuses_bad_arguments(kwargs, message):
    index = MatchIndex.build([space("S")])

    with pytest.raises(EngineInputError, match=message):
        index.match(Need(text=SPACE_NEED), **kwargs)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Need(text="x", category="shopping"), "未知的需求类别"),
        (lambda: Need(text="x", area_min_m2=900, area_max_m2=100), "面积下限大于上限"),
        (lambda: Need(text="x", funding_stage="series-z"), "未知的融资阶段"),
        (lambda: Resource(kind="policy", id="R", title="t"), "缺少政策编号"),
        (
            lambda: Resource(kind="space", id="R", title="t", attributes=ServiceAttributes("poc")),
            "属性与类型 space 不符",
        ),
        (lambda: MatchIndex.build([space("S"), space("S")]), "资源编号重复"),
    ],
)
def test_it_refuses_malformed_input_with_a_clear_message(build, message):
    with pytest.raises(EngineInputError, match=message):
        build()


def test_it_indexes_huge_and_empty_resource_text():
    big = Resource(kind="service", id="V-big", title="中试平台", text="中试" * 100_000)
    empty = Resource(kind="service", id="V-empty", title="", text="")
    index = MatchIndex.build([big, empty])

    matches = index.match(Need(text="中试"), today=TODAY)

    assert [m.resource.id for m in matches] == ["V-big"]


WORDS = ["GMP厂房", "洁净车间", "实验室", "CDMO", "中试", "抗体", "体外诊断", "融资", "天使轮"]
WORDS += ["补贴", "医疗器械", "临床试验", "委托生产", "供应商", "产业园", "研发", "生产"]


def random_catalogue(seed, size):
    rng = random.Random(seed)
    makers = [
        lambda i: space(
            f"S{i}",
            available=rng.choice([0.0, 300.0, 900.0, 2000.0]),
            rent=rng.choice([None, 30.0, 60.0, 90.0]),
            grade=rng.choice([None, "B", "C", "D"]),
            park=rng.choice(["P1", "P2"]),
            ok=rng.random() > 0.1,
        ),
        lambda i: service(
            f"V{i}",
            category=rng.choice(["cdmo", "pilot", "poc", "clinical_cro"]),
            lead=rng.choice([None, 30, 90]),
            capacity=rng.choice([None, 0, 2]),
        ),
        lambda i: investor(
            f"I{i}",
            stages=tuple(rng.sample(["angel", "a", "b", "c"], 2)),
            low=rng.choice([1e6, 1e7]),
            high=rng.choice([5e6, 5e7, 2e8]),
        ),
        lambda i: partner(f"O{i}", (rng.choice(["bio.reagent", "svc.cso", "dev.ivd"]),)),
        lambda i: policy(f"R{i}", f"P-{i}"),
    ]
    out = []
    for i in range(size):
        base = rng.choice(makers)(i)
        words = tuple(rng.sample(WORDS, rng.randint(1, 4)))
        out.append(dataclasses.replace(base, title=base.title + "".join(words), tags=words))
    return out


PRUNING_NEEDS = [
    Need(text="需要GMP厂房和洁净车间", category="space", area_min_m2=800, gmp_grade="C"),
    Need(
        text="抗体药物天使轮融资", category="financing", funding_stage="a", funding_amount_yuan=3e7
    ),
    Need(text="委托生产和中试", category="capacity", deadline=date(2027, 1, 30)),
    Need(text="体外诊断供应商", category="partner", enterprise_chain_nodes=("dev.ivd",)),
    Need(text="研发补贴 产业园", category="policy"),
]


def test_it_ranks_the_same_when_it_skips_candidates_that_cannot_reach_the_top(monkeypatch):
    index = MatchIndex.build(random_catalogue(seed=11, size=400))
    status = {f"P-{i}": PolicyEligibility(status="ineligible") for i in range(0, 400, 3)}

    def ranking():
        return [
            [
                (m.resource.id, round(m.score, 5), m.reasons)
                for m in index.match(need, limit=10, policy_status=status, today=TODAY)
            ]
            for need in PRUNING_NEEDS
        ]

    full = ranking()
    evaluated = []
    real_evaluate = index_module.evaluate

    def counting_evaluate(columns, rows, query):
        evaluated.append(rows.shape[0])
        return real_evaluate(columns, rows, query)

    monkeypatch.setattr(index_module, "_FIRST_MIN", 1)
    monkeypatch.setattr(index_module, "_FIRST_FACTOR", 1)
    monkeypatch.setattr(index_module, "evaluate", counting_evaluate)
    pruned = ranking()

    assert pruned == full
    assert all(len(r) == 10 for r in full)
    candidates = sum(len(index.match(n, bm25_only=True, limit=400)) for n in PRUNING_NEEDS)
    assert sum(evaluated) < candidates  # some candidates were skipped, same result


def test_it_restores_the_garbage_collector_state_after_building():
    import gc

    assert gc.isenabled()
    MatchIndex.build([space("S")])
    assert gc.isenabled()

    gc.disable()
    try:
        MatchIndex.build([space("S")])
        assert not gc.isenabled()
    finally:
        gc.enable()
