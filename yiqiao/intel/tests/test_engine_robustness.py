"""Arbitrary input never crashes the pipeline, and the output keeps its shape every time.

A crash inside the pipeline is not converted into an "error" result (see ``extract_article``):
if a rule raises on some input, these tests fail.
"""

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from yiqiao.intel.engine import extract_article

CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF)
PIECES = st.sampled_from(
    [
        "与",
        "、",
        "和",
        "签约",
        "签署",
        "有限公司",
        "医疗",
        "管委会",
        "亿元",
        "万美元",
        "余",
        "近",
        "超",
        "约",
        "(wǎng)",
        "。",
        ",",
        "\n",
        "相关新闻",
        "责任编辑",
        "5月6日",
        "2024年",
        "1.5",
        "27",
        "个项目",
        "家企业",
        "在上海举行",
        "推介会",
        "由",
        "主办",
        "<p>",
        "</div>",
        "&nbsp;",
    ]
)
TOP_KEYS = [
    "source",
    "published",
    "traditional",
    "organisations",
    "money",
    "signings",
    "events",
    "metrics",
]


def _assert_shape(out: dict[str, Any], source: str) -> None:
    assert out["source"] == source
    if "error" in out:
        assert list(out) == ["source", "error"]
        assert isinstance(out["error"], str) and out["error"]
        return
    assert list(out)[: len(TOP_KEYS)] == TOP_KEYS
    assert out["published"] is None or len(out["published"]) == 10
    assert isinstance(out["traditional"], bool)
    for o in out["organisations"]:
        assert isinstance(o["name"], str) and len(o["name"]) >= 2
    for m in out["money"]:
        assert m["amount"] > 0
        assert m["currency"] in {"CNY", "USD", "EUR", "HKD", "JPY", "GBP"}
        assert m["qualifier"] in {"exact", "approx", "over", "under"}
        assert (m["amount_yuan"] is None) == (m["currency"] != "CNY")
    for s in out["signings"]:
        assert isinstance(s["parties"], list) and s["parties"]
        assert all(isinstance(p, str) and p for p in s["parties"])
        assert s["amount_yuan"] is None or s["amount_yuan"] > 0
        assert s["project_count"] is None or (
            isinstance(s["project_count"], int) and s["project_count"] > 0
        )
    for e in out["events"]:
        assert e["date"] is None or len(e["date"]) == 10
        assert e["city"] is None or isinstance(e["city"], str)
    for m in out["metrics"]:
        assert isinstance(m["value"], int | float)
        assert isinstance(m["unit"], str) and m["unit"]


@settings(max_examples=80, deadline=None, database=None)
@given(st.lists(st.one_of(CJK, PIECES), max_size=120).map("".join))
def test_it_keeps_the_output_shape_on_arbitrary_text(text: str) -> None:
    ex = extract_article(text, "fuzz.txt", use_lac=False)
    _assert_shape(ex.to_json(), "fuzz.txt")


@settings(max_examples=60, deadline=None, database=None)
@given(st.binary(max_size=400))
def test_it_keeps_the_output_shape_on_arbitrary_bytes(data: bytes) -> None:
    _assert_shape(extract_article(data, "fuzz.bin", use_lac=False).to_json(), "fuzz.bin")


@settings(max_examples=40, deadline=None, database=None)
@given(st.lists(st.one_of(CJK, PIECES), max_size=60).map("".join))
def test_it_keeps_the_output_shape_with_the_model(text: str) -> None:
    ex = extract_article(text.encode("utf-8"), "fuzz-lac.txt")
    _assert_shape(ex.to_json(), "fuzz-lac.txt")
