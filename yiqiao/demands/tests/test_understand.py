"""Need understanding and requirement ranking (pure engine, no database)."""

from __future__ import annotations

from yiqiao.demands.engine.rank import Candidate, check, rank
from yiqiao.demands.engine.understand import Requirement, understand


def _reqs(text: str, category: str | None = None) -> dict[str, tuple[str, object]]:
    return {r.name: (r.op, r.value) for r in understand(text, category).requirements}


def test_it_reads_traditional_text_with_a_typo_units_and_bounds() -> None:
    reqs = _reqs("想租１５００平米上下的場房，月租45元以內，潔靜車間至少萬級", "space")
    assert reqs["space.kind"] == ("in", ["plant"])
    assert reqs["space.available_area_m2"] == ("between", [1200.0, 1800.0])
    assert reqs["space.rent_yuan_per_m2_month"] == ("le", 45.0)
    assert reqs["space.cleanroom_iso"] == ("le", 7)


def test_it_converts_mu_and_per_day_rents_and_keeps_spans() -> None:
    parsed = understand("要一块科研用地，20亩以内；办公室租金每天每平不超过2块")
    reqs = {r.name: r for r in parsed.requirements}
    assert reqs["space.available_area_m2"].op == "le"
    assert round(reqs["space.available_area_m2"].value) == 13333
    assert reqs["space.rent_yuan_per_m2_month"].value == 60.0
    start, end = reqs["space.available_area_m2"].span
    assert parsed.text[start:end].startswith("20亩")


def test_it_reads_a_round_with_its_role_and_currency() -> None:
    reqs = _reqs("血管内超声导管，C轮，想找美元基金领投，1亿美元", "financing")
    assert reqs["investor.stages"] == ("contains", "C")
    assert reqs["investor.lead_capable"] == ("eq", True)
    assert reqs["investor.currencies"] == ("contains", "USD")
    assert reqs["need.round_amount_yuan"] == ("eq", 720_000_000.0)


def test_it_reports_what_it_cannot_read_and_never_crashes() -> None:
    for text, reason in (
        ("面积500-300平", "下限大于上限"),
        ("面积5亿平方米", "不合理"),
        ("租金-3元", "不能为负"),
    ):
        parsed = understand(text, "space")
        assert [u.reason for u in parsed.unread if reason in u.reason], text
        assert not any(r.name == "space.available_area_m2" for r in parsed.requirements)
    for text in ("", "🙂🙂🙂", "We need an office near the metro", "厂房" * 10_000):
        understand(text)
        understand(text, "other")


def test_a_preference_reorders_but_never_excludes() -> None:
    parsed = understand("找办公室，100平左右，最好是精装的", "space")
    fit_out = next(r for r in parsed.requirements if r.name == "space.fit_out")
    assert fit_out.preference


def _space(key: str, **attrs: object) -> Candidate:
    base: dict[str, object] = {"space.kind": "office", "space.status": "available"}
    base.update({f"space.{k}": v for k, v in attrs.items()})
    return Candidate("space", key, key, "", base)


def test_it_ranks_known_fits_first_then_unknowns_and_never_a_break_or_a_leased_space() -> None:
    parsed = understand("找办公室，100平左右，租金60元以内", "space")
    candidates = [
        _space("unknown-rent", available_area_m2=100, rent_yuan_per_m2_month=None),
        _space("too-big", available_area_m2=3000, rent_yuan_per_m2_month=40),
        _space("fits", available_area_m2=110, rent_yuan_per_m2_month=50),
        _space("leased", available_area_m2=100, rent_yuan_per_m2_month=50, status="leased"),
    ]
    keys = [r.candidate.key for r in rank(parsed, candidates)]
    assert keys == ["fits", "unknown-rent"]
    assert check(Requirement("space.available_area_m2", "le", 120), {}) == "unknown"


def test_it_applies_the_sector_and_region_closures() -> None:
    ivd = Requirement("investor.sectors", "covers", "ivd")
    assert check(ivd, {"investor.sectors": ["device"]}) == "met"
    assert check(ivd, {"investor.sectors": ["antibody"]}) == "unmet"
    region = Requirement("service.coverage_regions", "covers", "south_china")
    assert check(region, {"service.coverage_regions": ["national"]}) == "met"


def test_a_second_phase_is_not_read_as_the_first_and_names_its_kind_of_support() -> None:
    reqs = _reqs("我们的新药已经进入II期临床，区里有奖励吗", "policy")
    assert reqs["policy.milestones"] == ("contains", "phase2")
    assert reqs["policy.category"] == ("eq", "clinical")


def test_a_wanted_benefit_or_capability_names_the_kind_it_belongs_to() -> None:
    assert _reqs("员工孩子入学有没有政策", "talent")["policy.category"] == ("eq", "talent")
    reqs = _reqs("呼吸机要做CE MDR，找人帮忙", "registration")
    assert reqs["service.category"] == ("eq", "registration")


def test_what_the_enterprise_does_is_not_what_it_asks_for() -> None:
    parsed = understand("我们是做CRO的，想找银行贷款3000万", "financing")
    assert parsed.types[0] == "investor"


def test_a_type_answers_only_when_the_need_says_what_the_resource_is() -> None:
    # a service need that names only a field: any service of the field could be the wrong kind
    parsed = understand("抗体方向的服务", "other")
    assert not any(r.name == "service.category" for r in parsed.requirements)
    wrong_kind = Candidate(
        "service",
        "service:1",
        "抗体药分析检测",
        "",
        {
            "service.category": "testing",
            "service.sectors": ["antibody"],
            "service.accepting_orders": True,
        },
    )
    assert [
        r.candidate.key for r in rank(parsed, [wrong_kind]) if r.candidate.type == "service"
    ] == []


def test_a_partner_of_either_named_trade_will_do() -> None:
    parsed = understand("找做注塑和电子装配的配套厂", "other")
    assert parsed.types[0] == "organisation"
    reqs = {r.name: (r.op, r.value) for r in parsed.requirements}
    assert reqs["organisation.capabilities"] == (
        "contains_any",
        ["injection_molding", "electronics_assembly"],
    )
