"""Arbitrary input never crashes the pipeline and never yields facts from nothing."""

from hypothesis import given, settings
from hypothesis import strategies as st

from yiqiao.intel.engine import extract_article

CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF)
PIECES = st.sampled_from(
    [
        "与",
        "、",
        "签约",
        "有限公司",
        "亿元",
        "近",
        "超",
        "(wǎng)",
        "。",
        ",",
        "\n",
        "相关新闻",
        "5月6日",
        "在上海举行",
    ]
)


@settings(max_examples=60, deadline=None, database=None)
@given(st.lists(st.one_of(CJK, PIECES), max_size=80).map("".join))
def test_it_never_raises_on_arbitrary_text(text: str) -> None:
    ex = extract_article(text, "fuzz.txt", use_lac=False)
    out = ex.to_json()
    assert out["source"] == "fuzz.txt"
    if ex.error is None:
        assert all(m["amount"] > 0 for m in out["money"])
        assert all(isinstance(s["parties"], list) and s["parties"] for s in out["signings"])


@settings(max_examples=60, deadline=None, database=None)
@given(st.binary(max_size=400))
def test_it_never_raises_on_arbitrary_bytes(data: bytes) -> None:
    out = extract_article(data, "fuzz.bin", use_lac=False).to_json()
    assert out["source"] == "fuzz.bin"
    assert ("error" in out) or ("organisations" in out)
