"""Every word-list entry of the engine carries a provenance that can be checked."""

import pytest

from yiqiao.intel.engine import lexicon


@pytest.mark.parametrize("name", lexicon.list_files())
def test_it_verifies_the_provenance_of_every_entry(name: str) -> None:
    entries = lexicon.table(name)
    assert entries, f"{name}.tsv is empty"
    problems = [p for e in entries for p in lexicon.check_provenance(e)]
    assert problems == []


def test_it_lists_no_entry_twice() -> None:
    for name in lexicon.list_files():
        words = lexicon.words(name)
        assert len(words) == len(set(words)), name


@pytest.mark.parametrize(
    ("provenance", "problem"),
    [
        ((), "翊澜: no provenance"),
        (("corpus:frozen/x.txt",), "翊澜: corpus:frozen/x.txt is not a train/dev corpus article"),
        (
            ("corpus:train/../x.txt",),
            "翊澜: corpus:train/../x.txt is not a train/dev corpus article",
        ),
        (("general:nowhere",), "翊澜: unknown source general:nowhere"),
        (("general:jieba-dict",), "翊澜: not in jieba's dictionary (general:jieba-dict)"),
        (("general:company-law",), "翊澜: not among the forms general:company-law names"),
        (("seed:000",), "翊澜: provenance 'seed:000' is neither corpus: nor general:"),
    ],
)
def test_it_rejects_missing_or_unverifiable_provenance(
    provenance: tuple[str, ...], problem: str
) -> None:
    entry = lexicon.Entry("翊澜", {}, provenance)
    assert lexicon.check_provenance(entry) == [problem]


def test_it_accepts_verifiable_general_sources() -> None:
    assert lexicon.check_provenance(lexicon.Entry("有限公司", {}, ("general:company-law",))) == []
    assert lexicon.check_provenance(lexicon.Entry("医院", {}, ("general:jieba-dict",))) == []
    assert lexicon.check_provenance(lexicon.Entry("城区", {}, ("general:jionlp-admin",))) == []
