"""The ranking engine's predicates for structured needs (the capital app's financing needs):
one of several wanted values, portfolio readings, and "待核实" results with several open points."""

from __future__ import annotations

from typing import Any

from yiqiao.demands.engine.portfolio import Holding, NeedFacts
from yiqiao.demands.engine.rank import Candidate, check, rank
from yiqiao.demands.engine.understand import ParsedNeed, Requirement

NEED = NeedFacts(company_key=1, sectors=("ivd",), round="B", instruments=("equity",), year=2026)


def req(name: str, op: str, value: Any, preference: bool = False) -> Requirement:
    return Requirement(name, op, value, None, (0, 0), preference)


def test_it_meets_one_of_several_wanted_values() -> None:
    attrs = {
        "investor.stages": ["A"],
        "investor.sectors": ["device"],
        "investor.regions": ["national"],
    }
    assert check(req("investor.stages", "contains_any", ["Pre-A", "A"]), attrs) == "met"
    assert check(req("investor.stages", "contains_any", ["B", "C"]), attrs) == "unmet"
    # SECTOR umbrellas: a device investor covers IVD
    assert check(req("investor.sectors", "covers_any", ["small_molecule", "ivd"]), attrs) == "met"
    assert check(req("investor.sectors", "covers_any", ["small_molecule"]), attrs) == "unmet"
    # REGION closure: national covers east China, not overseas
    assert check(req("investor.regions", "covers_any", ["east_china"]), attrs) == "met"
    assert check(req("investor.regions", "covers_any", ["overseas"]), attrs) == "unmet"
    assert check(req("investor.kind", "contains_any", ["vc"]), attrs) == "unknown"


def test_it_reads_a_portfolio_as_predicates() -> None:
    rival = Holding(
        key=1, company_key=9, company_name="同行", sectors=("ivd",), round="A", year=2025
    )
    own = Holding(
        key=2, company_key=1, company_name="本企业", sectors=("ivd",), round="A", year=2024
    )
    peer = Holding(
        key=3,
        company_key=8,
        company_name="影像",
        sectors=("medical_imaging",),
        round="B",
        year=2020,
    )
    for op, holdings, status in [
        ("follow_on", (own,), "met"),
        ("follow_on", (rival,), "unmet"),
        ("no_conflict", (rival,), "unmet"),
        ("no_conflict", (own, peer), "met"),
        ("precedent", (peer,), "met"),
        ("precedent", (), "unmet"),
    ]:
        assert (
            check(req("investor.portfolio", op, NEED), {"investor.portfolio": holdings}) == status
        )


def test_it_lets_through_several_open_points_only_when_asked() -> None:
    parsed = ParsedNeed(
        "",
        "financing",
        ["investor"],
        [req("investor.stages", "contains", "B"), req("investor.sectors", "covers", "ivd")],
    )
    vague = Candidate("investor", "investor:1", "甲", "", {"investor.active": True})
    assert rank(parsed, [vague]) == []
    found = rank(parsed, [vague], max_unknown=None)
    assert [(r.candidate.key, r.unknown) for r in found] == [("investor:1", 2)]
