"""The numpy BM25 index against bm25s as an independent reference."""

import random

import bm25s
import numpy as np
import pytest

from yiqiao.demands.engine.sparse import K1, SparseBM25


def build(docs, n_terms):
    flat = np.array([t for doc in docs for t in doc], dtype=np.int32)
    lengths = np.array([len(doc) for doc in docs], dtype=np.int32)
    return SparseBM25.build(flat, lengths, n_terms)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_it_scores_like_bm25s_lucene(seed):
    rng = random.Random(seed)
    n_terms = 30
    docs = [[rng.randrange(n_terms) for _ in range(rng.randint(1, 25))] for _ in range(200)]
    reference = bm25s.BM25(method="lucene", k1=1.2, b=0.75)
    vocab = {str(t): t for t in range(n_terms)}
    reference.index(bm25s.tokenization.Tokenized(ids=docs, vocab=vocab), show_progress=False)
    index = build(docs, n_terms)

    for query in ([0], [1, 2], [3, 4, 5, 6]):
        expected = reference.get_scores([str(t) for t in query]) * (K1 + 1)
        np.testing.assert_allclose(index.scores(query), expected, rtol=1e-5, atol=1e-6)


def test_it_reports_membership_and_document_frequency():
    index = build([[0, 1], [1, 1, 2], [], [2]], 3)

    assert index.document_frequency(1) == 2
    assert index.contains(1, np.array([0, 1, 2, 3])).tolist() == [True, True, False, False]
    assert index.contains(2, np.array([3])).tolist() == [True]
    assert index.scores([0, 1, 2])[2] == 0.0


def test_it_refuses_lengths_that_do_not_add_up():
    with pytest.raises(ValueError, match="disagree"):
        SparseBM25.build(np.array([0, 1], dtype=np.int32), np.array([3], dtype=np.int32), 2)


def test_it_handles_an_empty_corpus():
    index = build([], 0)

    assert index.scores([]).shape == (0,)
