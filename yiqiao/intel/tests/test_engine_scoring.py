"""The repository scorer itself: perfect on gold, exact counts on known mistakes."""

from typing import Any

import pytest

from yiqiao.intel.engine.scoring import name_match, score

GOLD: list[dict[str, Any]] = [
    {
        "source": "x.txt",
        "organisations": [
            {"name": "杭州澜屿投资集团", "aliases": ["澜屿"]},
            {"name": "无锡禾润医药", "aliases": []},
        ],
        "neutral": ["滨湖区"],
        "money": [{"amount": 5_000_000_000, "currency": "CNY", "qualifier": "approx"}],
        "signings": [
            {
                "parties": ["滨湖区", "杭州澜屿投资集团"],
                "amount_yuan": 5_000_000_000,
                "project_count": 8,
            }
        ],
        "events": [{"date": "2024-05-16", "city": "上海", "district": None}],
        "metrics": [{"value": 60, "unit": "家"}],
        "traps": ["北京某某传媒有限公司", 253_610_000_000_000],
    }
]


def _as_prediction(g: dict[str, Any]) -> dict[str, Any]:
    return {
        "source": g["source"],
        "organisations": [{"name": o["name"], "kind": "company"} for o in g["organisations"]],
        "money": [{"amount": m["amount"], "currency": m["currency"]} for m in g["money"]],
        "signings": g["signings"],
        "events": g["events"],
        "metrics": g["metrics"],
    }


def test_it_scores_gold_as_perfect() -> None:
    rep = score(GOLD, [_as_prediction(GOLD[0])])
    assert {k: v.f1 for k, v in rep.counts.items()} == {k: 1.0 for k in rep.counts}
    assert rep.trap_violations == 0


def test_it_counts_mistakes_and_trap_violations() -> None:
    pred = {
        "source": "x.txt",
        "organisations": [{"name": "澜屿"}, {"name": "滨湖区"}, {"name": "北京某某传媒有限公司"}],
        "money": [
            {"amount": 5_010_000_000, "currency": "CNY"},
            {"amount_yuan": 253_610_000_000_000},
        ],
        "signings": [
            {"parties": ["滨湖区", "澜屿", "某公司"], "amount_yuan": None, "project_count": 8}
        ],
        "events": [{"date": "2025-09-27", "city": "上海市"}],
    }
    rep = score(GOLD, [pred])
    c = rep.counts
    assert (c["organisations"].tp, c["organisations"].fp, c["organisations"].fn) == (1, 1, 1)
    assert (c["money"].tp, c["money"].fp, c["money"].fn) == (1, 1, 0)
    assert (c["signing_records"].tp, c["signing_records"].fp, c["signing_records"].fn) == (1, 0, 0)
    assert (c["signing_parties"].tp, c["signing_parties"].fp, c["signing_parties"].fn) == (2, 1, 0)
    assert (c["signing_amounts"].tp, c["signing_amounts"].fn) == (0, 1)
    assert c["signing_project_counts"].tp == 1
    assert (c["event_dates"].tp, c["event_dates"].fp, c["event_dates"].fn) == (0, 1, 1)
    assert c["event_cities"].tp == 1
    assert rep.trap_violations == 2


@pytest.mark.parametrize(
    ("pred", "gold", "ok"),
    [
        ("湖畔医学中心", "滨湖区湖畔医学中心", True),
        ("湖畔", "滨湖区湖畔医学中心", False),
        ("澄翊科技", "澄翊科技", True),
        ("澄翊", "澄翊科技", False),
    ],
)
def test_it_matches_names_leniently(pred: str, gold: str, ok: bool) -> None:
    assert name_match(pred, gold) is ok
