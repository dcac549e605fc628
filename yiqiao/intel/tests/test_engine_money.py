"""Money spans, values, currencies and qualifiers."""

import pytest

from yiqiao.intel.engine.money import dedupe, find_money


@pytest.mark.parametrize(
    ("text", "amount", "currency", "qualifier"),
    [
        ("融资规模近50亿元", 5_000_000_000, "CNY", "approx"),
        ("总投资超860亿元", 86_000_000_000, "CNY", "over"),
        ("首期投资1.5亿美元", 150_000_000, "USD", "exact"),
        ("协议总额42.3亿元的15个项目", 4_230_000_000, "CNY", "exact"),
        ("合同外资5000万美元", 50_000_000, "USD", "exact"),
        ("带动社会资本超百亿元", 10_000_000_000, "CNY", "over"),
        ("签约项目总额逾25亿元", 2_500_000_000, "CNY", "over"),
        ("产值约210亿元", 21_000_000_000, "CNY", "approx"),
        ("年产值突破1000亿元", 100_000_000_000, "CNY", "over"),
        ("投资30余亿元", 3_000_000_000, "CNY", "over"),
        ("投资2000万欧元", 20_000_000, "EUR", "exact"),
        ("合计投资15.6亿元", 1_560_000_000, "CNY", "exact"),
        ("存款余额168.4万亿元", 168_400_000_000_000, "CNY", "exact"),
    ],
)
def test_it_parses_amounts(text: str, amount: float, currency: str, qualifier: str) -> None:
    found = find_money(text)
    assert len(found) == 1
    assert found[0].amount == pytest.approx(amount)
    assert found[0].currency == currency
    assert found[0].qualifier == qualifier


@pytest.mark.parametrize(
    "text",
    ["三十余家企业", "2023年", "票价50元", "5300余家企业", "增长9.2%"],
)
def test_it_ignores_non_money(text: str) -> None:
    assert find_money(text) == []


def test_it_gives_amount_yuan_only_for_cny() -> None:
    usd, cny = find_money("投资1.2亿美元，另投资3亿元")
    assert usd.to_json()["amount_yuan"] is None
    assert cny.to_json() == {
        "amount": 300_000_000,
        "currency": "CNY",
        "qualifier": "exact",
        "text": "3亿元",
        "amount_yuan": 300_000_000,
    }


def test_it_deduplicates_by_currency_and_value() -> None:
    items = find_money("总投资12亿元。项目总投资12亿元，另有12亿美元")
    assert [(m.amount, m.currency) for m in dedupe(items)] == [
        (1_200_000_000, "CNY"),
        (1_200_000_000, "USD"),
    ]
