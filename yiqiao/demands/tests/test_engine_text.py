"""Tokenisation, dictionary, synonyms and Traditional input of the matching engine."""

import jieba
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yiqiao.demands.engine.text import TextAnalyzer, Vocabulary, normalise

ANALYZER = TextAnalyzer()
PLAIN = TextAnalyzer(use_synonyms=False)


def test_it_keeps_domain_words_from_the_user_dictionary_whole():
    terms = PLAIN.query_terms("需要洁净车间和中试平台，做体外诊断试剂")

    assert list(terms) == [
        "洁净车间",
        "洁净",
        "车间",
        "中试平台",
        "中试",
        "平台",
        "体外诊断试剂",
        "体外诊断",
        "体外",
        "诊断",
        "试剂",
    ]


def test_it_splits_long_words_without_stray_bigrams():
    terms = PLAIN.query_terms("体外诊断试剂")

    assert "外诊" not in terms
    assert set(terms) == {"体外诊断试剂", "体外诊断", "体外", "诊断", "试剂"}


@pytest.mark.parametrize(
    ("variant", "canonical"),
    [
        ("CDMO", "cdmo"),
        ("合同研发生产", "cdmo"),
        ("委托生产", "cdmo"),
        ("中试", "中试"),
        ("pilot", "中试"),
        ("中试平台", "中试"),
        ("IVD", "ivd"),
        ("体外诊断", "ivd"),
        ("CRO", "cro"),
        ("临床研究外包", "cro"),
        ("合同研究组织", "cro"),
        ("概念验证", "概念验证"),
        ("PoC", "概念验证"),
        ("天使轮", "天使投资"),
        ("拨改投", "拨投结合"),
        ("CAR-T", "细胞治疗"),
        ("洁净厂房", "洁净车间"),
    ],
)
def test_it_folds_every_synonym_variant_to_its_group_head(variant, canonical):
    terms = ANALYZER.query_terms(variant)

    assert canonical in terms
    assert variant.lower() in terms[canonical]


@pytest.mark.parametrize(
    ("left", "right", "head"),
    [
        ("CDMO", "委托生产", "cdmo"),
        ("委托生产", "CDMO", "cdmo"),
        ("中试", "pilot", "中试"),
        ("pilot", "中试平台", "中试"),
        ("临床研究外包", "CRO", "cro"),
    ],
)
def test_it_matches_synonyms_in_both_directions(left, right, head):
    shared = set(ANALYZER.tokens(left)) & set(ANALYZER.tokens(right))

    assert head in shared


def test_it_does_not_fold_synonyms_in_the_plain_baseline():
    assert PLAIN.tokens("委托生产") == ["委托生产", "委托", "生产"]
    # The word itself stays, followed by its group head.
    assert ANALYZER.tokens("委托生产") == ["委托生产", "cdmo", "委托", "生产"]


def test_it_converts_traditional_input_to_simplified():
    traditional = ANALYZER.tokens("我們需要醫療器械廠房與臨床試驗資源")
    simplified = ANALYZER.tokens("我们需要医疗器械厂房与临床试验资源")

    assert traditional == simplified
    assert traditional == [
        "医疗器械",
        "医疗",
        "器械",
        "医疗器械",  # head of 器械's synonym group
        "厂房",
        "临床试验",
        "临床",
        "试验",
        "资源",
    ]


def test_it_normalises_full_width_letters_and_case():
    assert normalise("ＧＭＰ廠房") == "gmp厂房"
    assert ANALYZER.tokens("ＧＭＰ") == ["gmp"]


def test_it_keeps_ascii_words_whole_and_drops_bare_numbers():
    terms = PLAIN.query_terms("CAR-T细胞 ISO13485 体系，面积3200平方米，P2实验室")

    assert "car-t" in terms
    assert "iso13485" in terms
    assert "p2实验室" in terms
    assert "3200" not in terms
    assert "平方米" not in terms  # stop word


def test_it_drops_stop_words_and_single_characters():
    assert ANALYZER.tokens("我们希望能够了解一下的") == ["能够"]


def test_it_lists_synonym_groups_with_their_variants():
    groups = Vocabulary.bundled().groups()

    assert groups["cdmo"] == tuple(
        sorted(
            [
                "cdmo",
                "cmo",
                "合同研发生产",
                "合同研发生产组织",
                "委托生产",
                "委托研发生产",
                "受托生产",
                "代工生产",
                "合同生产",
            ]
        )
    )


HAN_WORDS = ["生物", "医药", "产业园", "厂房", "洁净", "车间", "有限公司", "恒", "瑞", "康"]
HAN_WORDS += ["诊断", "试剂", "研发", "中试", "平台", "的", "和", "器械", "医疗", "主要", "从事"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(HAN_WORDS), min_size=1, max_size=12))
def test_it_segments_pieces_exactly_as_jieba_segments_the_whole_block(words):
    # Cutting a block where no dictionary word straddles the cut must not change jieba's
    # best path; compare against jieba on the uncut block.
    block = "".join(words)
    tokenizer = ANALYZER._tokenizer

    pieces = ANALYZER.pieces([block, "器械", block])[2]
    by_piece = [w for piece in pieces for w in tokenizer.cut(piece, HMM=False)]

    assert "".join(pieces) == block
    assert by_piece == list(tokenizer.cut(block, HMM=False))


def test_it_uses_its_own_tokenizer_and_leaves_global_jieba_alone():
    assert "拨投结合" not in jieba.dt.FREQ or jieba.dt.FREQ["拨投结合"] == 0
    assert ANALYZER._tokenizer.FREQ["拨投结合"] > 0
