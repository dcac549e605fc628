"""A term-major BM25 index in plain numpy (the equivalent of a CSC matrix).

Postings are stored per term, sorted by document, with the BM25 term weight precomputed at
build time (as bm25s does), so a query is a handful of vectorised ``scores[docs] += weights``
over the posting lists of its terms.

Complexity, with P total (term, document) pairs, N documents, V terms:
- build: O(P log P) time for one sort of the pairs; memory 8P bytes for the sort key plus
  8P for the stored postings (int32 document, float32 weight) plus 8V for pointers;
- query: O(sum of posting lengths of the query terms + N) time (the N is one dense score
  vector, which at a million documents is 4 MB and a fraction of a millisecond).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

K1 = 1.2
B = 0.75

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int32]


@dataclass(frozen=True, slots=True)
class SparseBM25:
    """Posting lists with precomputed BM25 weights (Lucene idf, k1=1.2, b=0.75)."""

    n_docs: int
    term_ptr: npt.NDArray[np.int64]  # V + 1 offsets into doc_ids / weights
    doc_ids: IntArray
    weights: FloatArray

    @classmethod
    def build(
        cls, token_ids: npt.NDArray[np.int32], doc_lengths: npt.NDArray[np.int32], n_terms: int
    ) -> SparseBM25:
        """Index documents given as one flat array of term ids and the length of each document.

        ``token_ids`` holds document 0's tokens, then document 1's, and so on; repeats count
        as term frequency. Documents of length zero are allowed and never match.
        """
        n_docs = int(doc_lengths.shape[0])
        if int(doc_lengths.sum()) != int(token_ids.shape[0]):
            raise ValueError("token_ids and doc_lengths disagree")
        docs = np.repeat(np.arange(n_docs, dtype=np.int64), doc_lengths)
        key = token_ids.astype(np.int64) * max(n_docs, 1) + docs
        del docs
        key.sort()
        if key.shape[0]:
            starts = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
        else:
            starts = np.zeros(0, dtype=np.int64)
        tf = np.diff(np.append(starts, key.shape[0])).astype(np.float32)
        unique = key[starts]
        del key
        terms = (unique // max(n_docs, 1)).astype(np.int64)
        doc_ids = (unique % max(n_docs, 1)).astype(np.int32)
        del unique
        counts = np.bincount(terms, minlength=n_terms).astype(np.int64)
        term_ptr = np.zeros(n_terms + 1, dtype=np.int64)
        term_ptr[1:] = np.cumsum(counts)
        df = counts.astype(np.float64)
        idf = np.log1p((n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
        lengths = doc_lengths.astype(np.float32)
        average = float(lengths.mean()) if n_docs and lengths.mean() > 0 else 1.0
        norm = (K1 * (1.0 - B + B * lengths / average)).astype(np.float32)
        weights = idf[terms] * tf * np.float32(K1 + 1.0) / (tf + norm[doc_ids])
        return cls(
            n_docs=n_docs,
            term_ptr=term_ptr,
            doc_ids=doc_ids,
            weights=weights.astype(np.float32, copy=False),
        )

    def scores(self, term_ids: list[int]) -> FloatArray:
        """Dense BM25 score per document for a query of distinct term ids."""
        out = np.zeros(self.n_docs, dtype=np.float32)
        for term in term_ids:
            start, end = int(self.term_ptr[term]), int(self.term_ptr[term + 1])
            # Documents are unique within one posting list, so fancy-index += is exact.
            out[self.doc_ids[start:end]] += self.weights[start:end]
        return out

    def contains(self, term: int, docs: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
        """Whether each of ``docs`` contains ``term`` (binary search in the posting list)."""
        start, end = int(self.term_ptr[term]), int(self.term_ptr[term + 1])
        posting = self.doc_ids[start:end]
        if posting.shape[0] == 0:
            return np.zeros(docs.shape[0], dtype=np.bool_)
        where = np.searchsorted(posting, docs)
        where = np.minimum(where, posting.shape[0] - 1)
        return np.asarray(posting[where] == docs, dtype=np.bool_)

    def document_frequency(self, term: int) -> int:
        """Number of documents that contain ``term``."""
        return int(self.term_ptr[term + 1] - self.term_ptr[term])

    @property
    def nbytes(self) -> int:
        """Memory held by the arrays."""
        return int(self.term_ptr.nbytes + self.doc_ids.nbytes + self.weights.nbytes)
