"""An index over the candidates of ``rank.py``, giving exactly ``rank()``'s results fast.

``rank()`` is the specification: it walks every candidate, checks each requirement and scores
text relevance for each. ``RankIndex.rank`` returns the same list (same records, order,
verdicts and relevance, bit for bit) but touches few Python objects per query:

- **Attribute columns** per resource type and attribute: numbers in a ``float64`` array, every
  other value as a small integer code (one per distinct value). A hard requirement is evaluated
  over the surviving rows only, one after the other, so each filter narrows the next:
  ``ge``/``le``/``between`` by vectorised comparison with ``check``'s tolerance,
  ``eq``/``in``/``contains``/``covers`` by calling ``check`` once per distinct value and
  broadcasting over the codes. Any other operator, and values the columns cannot hold exactly
  (integers beyond 2**53, unhashable values), are checked row by row with ``check`` itself.
- **Text index**: the relevance features (Latin words and Han bigrams of ``grams``) of every
  candidate as posting lists (row ids per feature). Relevance is only computed for the rows
  that can still reach the top: rows are first ordered by everything that comes before
  relevance in ``Ranked.sort_key`` (the ``top``-th best of these coarse keys is the cut-off);
  relevance is then summed for rows at or above the cut-off only, in the need's feature order
  and in float64, as ``Relevance.score`` does, by membership tests when those rows are few and
  over whole posting lists otherwise.

Build: one batch normalisation of all texts (``quantities.normalise_texts``), features
extracted with numpy over the texts' code points, one sort of the (feature, row) pairs; one
pass per attribute for the columns. Memory: 4 bytes per (feature, row) pair, 8 bytes per number
and 4 per code per attribute and row, on top of the candidates themselves.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .quantities import normalise_texts
from .rank import (
    _STOP,
    Candidate,
    Ranked,
    Verdict,
    answerable_types,
    check,
    grams,
    on_offer,
    requirements_for,
)
from .understand import ParsedNeed, Requirement

Rows = npt.NDArray[np.int64]

MET, UNKNOWN, UNMET = 0, 1, 2
_STATUS_CODE = {"met": MET, "unknown": UNKNOWN, "unmet": UNMET}
_RANGE_OPS = frozenset({"ge", "le", "between"})
_VALUE_OPS = frozenset({"eq", "in", "contains", "covers", "contains_any", "covers_any"})
#: operators a list meets iff one of its elements does (as a one-element list)
_EXISTS_OPS = frozenset({"contains", "covers", "contains_any", "covers_any"})
_EXACT_INT = 2**53
_NUMBER, _CODED, _ROW = 0, 1, 2  # how a cell is held

_HAN_LO, _HAN_HI = 0x4E00, 0x9FFF
_HAN_SPAN = _HAN_HI - _HAN_LO + 1
_LATIN_BASE = _HAN_SPAN * _HAN_SPAN  # Latin word ids come after every Han bigram id
_STOP_TABLE = np.zeros(_HAN_SPAN, dtype=np.bool_)
_STOP_TABLE[[ord(c) - _HAN_LO for c in _STOP if _HAN_LO <= ord(c) <= _HAN_HI]] = True
_SEPARATOR = "\n"
_CHUNK = 20_000
_FULL_TABLE = 256  # a column with more distinct values checks only the values rows hold


def _value_key(value: Any) -> Any:
    """A hashable key that is equal only for values ``check`` cannot tell apart."""
    if isinstance(value, list | tuple):
        return (type(value), tuple(_value_key(v) for v in value))
    if isinstance(value, set | frozenset):
        return (type(value), frozenset(_value_key(v) for v in value))
    hash(value)  # TypeError for anything else unhashable: held row by row
    return (type(value), value)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@dataclass(slots=True)
class _Column:
    """One attribute over the rows of one resource type."""

    how: npt.NDArray[np.int8]  # _NUMBER, _CODED or _ROW per row
    number: npt.NDArray[np.float64]  # the value where how == _NUMBER
    code: npt.NDArray[np.int32]  # index into ``values`` where how == _CODED
    values: list[Any]  # one representative per distinct coded value
    # for columns of many distinct lists: the distinct elements, and per element the codes of
    # the lists holding it (CSR), so "some element satisfies" operators check each element once
    elements: list[Any] | None = None
    element_ptr: npt.NDArray[np.int64] | None = None
    element_codes: npt.NDArray[np.int32] | None = None
    unlisted: npt.NDArray[np.int32] | None = None  # codes whose value is not such a list

    @classmethod
    def build(cls, cells: list[Any]) -> _Column:
        n = len(cells)
        how = np.full(n, _CODED, dtype=np.int8)
        number = np.zeros(n, dtype=np.float64)
        code = np.zeros(n, dtype=np.int32)
        codes: dict[Any, int] = {}
        values: list[Any] = []
        numbers: list[float] = []
        number_rows: list[int] = []
        for i, v in enumerate(cells):
            t = type(v)
            if t is float or (t is int and -_EXACT_INT <= v <= _EXACT_INT):
                number_rows.append(i)
                numbers.append(v)
                continue
            if t is str or v is None:
                key = v  # a str or None equals nothing of another type
            elif t is list and all(type(e) is str for e in v):
                key = ("list", tuple(v))
            elif _is_number(v) and (isinstance(v, float) or -_EXACT_INT <= v <= _EXACT_INT):
                number_rows.append(i)
                numbers.append(v)
                continue
            else:
                try:
                    key = _value_key(v)
                except TypeError:
                    how[i] = _ROW
                    continue
            c = codes.get(key)
            if c is None:
                c = codes[key] = len(values)
                values.append(v)
            code[i] = c
        if number_rows:
            at = np.asarray(number_rows, dtype=np.int64)
            how[at] = _NUMBER
            number[at] = np.asarray(numbers, dtype=np.float64)
        column = cls(how, number, code, values)
        if len(values) > _FULL_TABLE:
            column._index_elements()
        return column

    def _index_elements(self) -> None:
        keys: dict[Any, int] = {}
        elements: list[Any] = []
        pairs_element: list[int] = []
        pairs_code: list[int] = []
        unlisted: list[int] = []
        for c, value in enumerate(self.values):
            if not isinstance(value, list | tuple):
                unlisted.append(c)
                continue
            try:
                ids = []
                for e in value:
                    key = _value_key(e)
                    i = keys.get(key)
                    if i is None:
                        i = keys[key] = len(elements)
                        elements.append(e)
                    ids.append(i)
            except TypeError:
                unlisted.append(c)
                continue
            pairs_element += ids
            pairs_code += [c] * len(ids)
        element = np.asarray(pairs_element, dtype=np.int64)
        order = np.argsort(element, kind="stable")
        self.element_codes = np.asarray(pairs_code, dtype=np.int32)[order]
        counts = np.bincount(element, minlength=len(elements))
        self.element_ptr = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        self.elements = elements
        self.unlisted = np.asarray(unlisted, dtype=np.int32)


@dataclass(slots=True)
class _TypeRows:
    """The candidates of one resource type: their rows, what is on offer, their columns."""

    rows: Rows  # global rows, in candidate order
    offer: npt.NDArray[np.bool_]
    columns: dict[str, _Column]
    missing: _Column  # an attribute no candidate of the type records: all None


class RankIndex:
    """Build once over a catalogue's candidates; ``rank`` as ``rank.rank`` with relevance."""

    def __init__(self, candidates: Sequence[Candidate]) -> None:
        self.candidates = list(candidates)
        n = len(self.candidates)
        self.n = n
        keys = [c.key for c in self.candidates]
        order = sorted(range(n), key=keys.__getitem__)  # stable: ties keep candidate order
        self.key_rank = np.empty(n, dtype=np.int64)
        self.key_rank[np.asarray(order, dtype=np.int64)] = np.arange(n, dtype=np.int64)
        self.rows_of_key: dict[str, list[int]] = {}
        for row, key in enumerate(keys):
            self.rows_of_key.setdefault(key, []).append(row)
        by_type: dict[str, list[int]] = {}
        for row, c in enumerate(self.candidates):
            by_type.setdefault(c.type, []).append(row)
        self.types: dict[str, _TypeRows] = {}
        for tp, rows in by_type.items():
            items = [self.candidates[r] for r in rows]
            names: dict[str, None] = {}
            for c in items:
                names.update(dict.fromkeys(c.attributes))
            self.types[tp] = _TypeRows(
                rows=np.asarray(rows, dtype=np.int64),
                offer=np.fromiter((on_offer(c) for c in items), dtype=np.bool_, count=len(items)),
                columns={
                    name: _Column.build([c.attributes.get(name) for c in items]) for name in names
                },
                missing=_Column.build([None] * len(items)),
            )
        self._build_text([f"{c.title} {c.text}" for c in self.candidates])

    # ---- text --------------------------------------------------------------------------------

    def _build_text(self, texts: list[str]) -> None:
        latin: dict[str, int] = {}
        pairs: list[npt.NDArray[np.int64]] = []
        n = max(self.n, 1)
        for start in range(0, len(texts), _CHUNK):
            chunk = normalise_texts(texts[start : start + _CHUNK])
            features, docs = _features(chunk, latin)
            pairs.append(features * n + (docs + start))
        key = np.concatenate(pairs) if pairs else np.zeros(0, dtype=np.int64)
        del pairs
        key.sort()  # by feature, then row; a feature counted once per row
        if key.shape[0]:
            key = key[np.concatenate(([True], key[1:] != key[:-1]))]
        feature = key // n
        self.post_rows = (key % n).astype(np.int32)
        del key
        starts = np.flatnonzero(np.concatenate(([True], feature[1:] != feature[:-1])))
        if feature.shape[0] == 0:
            starts = np.zeros(0, dtype=np.int64)
        self.feature_ids = feature[starts]
        self.feature_ptr = np.append(starts, feature.shape[0]).astype(np.int64)
        self.latin = latin

    def _posting(self, gram: str) -> npt.NDArray[np.int32] | None:
        if len(gram) == 2 and all(_HAN_LO <= ord(ch) <= _HAN_HI for ch in gram):
            fid = (ord(gram[0]) - _HAN_LO) * _HAN_SPAN + (ord(gram[1]) - _HAN_LO)
        elif gram in self.latin:
            fid = _LATIN_BASE + self.latin[gram]
        else:
            return None
        at = int(np.searchsorted(self.feature_ids, fid))
        if at >= self.feature_ids.shape[0] or int(self.feature_ids[at]) != fid:
            return None
        return self.post_rows[self.feature_ptr[at] : self.feature_ptr[at + 1]]

    def relevance(self, need: set[str], rows: Rows) -> npt.NDArray[np.float64]:
        """``Relevance.score(need, row)`` for each of ``rows``, bit for bit."""
        n = max(self.n, 1)
        order = sorted(need)  # the order Relevance.score sums in
        postings = [(g, self._posting(g)) for g in order]
        idf = {g: math.log(1 + n / p.shape[0]) for g, p in postings if p is not None}
        total = sum(idf.get(g, 0.0) for g in order) or 1.0
        acc = np.zeros(rows.shape[0], dtype=np.float64)
        present = [(idf[g], p) for g, p in postings if p is not None]
        volume = sum(int(p.shape[0]) for _, p in present)
        if rows.shape[0] * max(len(present), 1) * 4 < volume:
            for weight, posting in present:  # few rows: look each up in the posting lists
                where = np.minimum(np.searchsorted(posting, rows), posting.shape[0] - 1)
                acc[posting[where] == rows] += weight
        else:
            dense = np.zeros(self.n, dtype=np.float64)
            for weight, posting in present:  # sorted need order, as Relevance.score sums
                dense[posting] += weight
            acc = dense[rows]
        return acc / total

    # ---- ranking -----------------------------------------------------------------------------

    def _status(self, tp: str, requirement: Requirement, local: Rows) -> npt.NDArray[np.int8]:
        """MET / UNKNOWN / UNMET of ``requirement`` on the type's rows ``local``."""
        group = self.types[tp]
        column = group.columns.get(requirement.name, group.missing)
        out = np.full(local.shape[0], UNKNOWN, dtype=np.int8)
        op = requirement.op
        how = column.how[local]
        if op not in _RANGE_OPS and op not in _VALUE_OPS:
            for i, row in enumerate(local.tolist()):  # an operator the columns do not know
                cand = self.candidates[int(group.rows[row])]
                out[i] = _STATUS_CODE[check(requirement, cand.attributes)]
            return out
        coded = how == _CODED
        if coded.any():
            codes = column.code[local[coded]]
            if op in _EXISTS_OPS and column.elements is not None:
                out[coded] = self._exists_table(requirement, column)[codes]
            elif len(column.values) <= _FULL_TABLE:
                table = self._table(requirement, column.values)
                out[coded] = table[codes]
            else:  # many distinct values: check only those the rows hold
                held, inverse = np.unique(codes, return_inverse=True)
                table = self._table(requirement, [column.values[c] for c in held.tolist()])
                out[coded] = table[inverse.reshape(-1)]
        numeric = how == _NUMBER
        if numeric.any():
            values = column.number[local[numeric]]
            if op in _RANGE_OPS:
                expected = requirement.value
                if op == "ge":
                    ok = values >= expected - 1e-9
                elif op == "le":
                    ok = values <= expected + 1e-9
                else:
                    ok = (expected[0] - 1e-9 <= values) & (values <= expected[1] + 1e-9)
                out[numeric] = np.where(ok, MET, UNMET)
            elif op == "covers" or np.isnan(values).any():
                # str() of the value matters, or NaN (equal only to itself by identity)
                for i in np.flatnonzero(numeric).tolist():
                    cand = self.candidates[int(group.rows[int(local[i])])]
                    out[i] = _STATUS_CODE[check(requirement, cand.attributes)]
            else:  # eq / in / contains on numbers: once per distinct number
                numbers, inverse = np.unique(values, return_inverse=True)
                statuses = np.array(
                    [
                        _STATUS_CODE[check(requirement, {requirement.name: float(v)})]
                        for v in numbers.tolist()
                    ],
                    dtype=np.int8,
                )
                out[numeric] = statuses[inverse.reshape(-1)]
        for i in np.flatnonzero(how == _ROW).tolist():
            cand = self.candidates[int(group.rows[int(local[i])])]
            out[i] = _STATUS_CODE[check(requirement, cand.attributes)]
        return out

    @staticmethod
    def _exists_table(requirement: Requirement, column: _Column) -> npt.NDArray[np.int8]:
        """Status per code for an operator a list meets when one of its elements does
        (``contains``, ``covers`` and their ``_any`` forms; an empty list is unmet): each
        distinct element is checked once, as a one-element list; other values are checked as
        they are."""
        assert column.elements is not None and column.element_ptr is not None
        assert column.element_codes is not None and column.unlisted is not None
        table = np.full(len(column.values), UNMET, dtype=np.int8)
        ptr, held = column.element_ptr, column.element_codes
        for i, e in enumerate(column.elements):
            if check(requirement, {requirement.name: [e]}) == "met":
                table[held[ptr[i] : ptr[i + 1]]] = MET
        for c in column.unlisted.tolist():
            table[c] = _STATUS_CODE[check(requirement, {requirement.name: column.values[c]})]
        return table

    @staticmethod
    def _table(requirement: Requirement, values: list[Any]) -> npt.NDArray[np.int8]:
        return np.array(
            [_STATUS_CODE[check(requirement, {requirement.name: v})] for v in values],
            dtype=np.int8,
        )

    def rank(
        self,
        parsed: ParsedNeed,
        *,
        top: int = 10,
        include_unmet: bool = False,
        exclude_keys: Iterable[str] = (),
    ) -> list[Ranked]:
        """``rank.rank(parsed, candidates, top=…, relevance=Relevance(candidates), …)``."""
        type_rank = {tp: i for i, tp in enumerate(parsed.types)}
        per_type = {tp: requirements_for(parsed, tp) for tp in parsed.types}
        answerable = answerable_types(parsed, per_type)
        excluded = np.zeros(self.n, dtype=np.bool_)
        for key in exclude_keys:
            for row in self.rows_of_key.get(key, ()):
                excluded[row] = True
        parts: list[tuple[Rows, Any, Any, int, Any]] = []
        for tp in dict.fromkeys(answerable):
            group = self.types.get(tp)
            if group is None:
                continue
            local = np.flatnonzero(group.offer & ~excluded[group.rows]).astype(np.int64)
            unmet = np.zeros(local.shape[0], dtype=np.int32)
            unknown = np.zeros(local.shape[0], dtype=np.int32)
            for r in per_type[tp]:
                if r.preference or local.shape[0] == 0:
                    continue
                status = self._status(tp, r, local)
                unmet += status == UNMET
                unknown += status == UNKNOWN
                if not include_unmet:
                    keep = (unmet == 0) & ((unknown == 0) | ((type_rank[tp] == 0) & (unknown <= 1)))
                    local, unmet, unknown = local[keep], unmet[keep], unknown[keep]
            prefs = np.zeros(local.shape[0], dtype=np.int32)
            for r in per_type[tp]:
                if r.preference and local.shape[0]:
                    prefs += self._status(tp, r, local) == MET
            parts.append((group.rows[local], unmet, unknown, type_rank[tp], prefs))
        if not parts:
            return []
        rows = np.concatenate([p[0] for p in parts])
        if rows.shape[0] == 0:
            return []
        unmet = np.concatenate([p[1] for p in parts]).astype(np.int64)
        unknown = np.concatenate([p[2] for p in parts]).astype(np.int64)
        trank = np.concatenate([np.full(p[0].shape[0], p[3], dtype=np.int64) for p in parts])
        prefs = np.concatenate([p[4] for p in parts]).astype(np.int64)
        # everything before relevance in Ranked.sort_key, as one integer (smaller is better)
        span_u = int(unknown.max()) + 1
        span_p = int(prefs.max()) + 1
        coarse = (unmet > 0).astype(np.int64) * 2 + (unknown > 0)
        coarse = (coarse * (len(parsed.types) + 1) + trank) * span_u + unknown
        coarse = coarse * span_p + (span_p - 1 - prefs)
        if top < rows.shape[0]:
            cut = np.partition(coarse, max(top, 1) - 1)[max(top, 1) - 1]
            near = np.flatnonzero(coarse <= cut)
        else:
            near = np.arange(rows.shape[0])
        rows, coarse = rows[near], coarse[near]
        unmet, unknown, trank, prefs = unmet[near], unknown[near], trank[near], prefs[near]
        score = self.relevance(grams(parsed.text), rows)
        order = np.lexsort((self.key_rank[rows], -score, coarse))[: max(top, 0)]
        out: list[Ranked] = []
        for i in order.tolist():
            cand = self.candidates[int(rows[i])]
            verdicts = [Verdict(r, check(r, cand.attributes)) for r in per_type[cand.type]]
            out.append(
                Ranked(
                    cand,
                    verdicts,
                    int(unmet[i]),
                    int(unknown[i]),
                    int(trank[i]),
                    int(prefs[i]),
                    float(score[i]),
                )
            )
        return out


def _features(texts: list[str], latin: dict[str, int]) -> tuple[Rows, Rows]:
    """(feature id, text index) pairs of ``grams`` over already normalised texts."""
    joined = _SEPARATOR.join(texts)
    cp = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    lengths = np.fromiter((len(t) + 1 for t in texts), dtype=np.int64, count=len(texts))
    doc = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)[: cp.shape[0]]
    lower = (cp >= 0x61) & (cp <= 0x7A)
    digit = (cp >= 0x30) & (cp <= 0x39)
    first = lower | digit
    cont = first | (cp == 0x2B) | (cp == 0x2D) | (cp == 0x2E)
    han = (cp >= _HAN_LO) & (cp <= _HAN_HI)
    # Latin words (the regex [a-z0-9][a-z0-9+\-.]*): in each run of continuation characters,
    # a word runs from the first letter or digit to the end of the run.
    previous = np.concatenate(([False], cont[:-1]))
    run_start = cont & ~previous
    run_id = np.cumsum(run_start, dtype=np.int32) - 1
    in_run_first = first & cont
    word_start = np.zeros(cp.shape[0], dtype=np.bool_)
    if in_run_first.any():
        firsts = np.flatnonzero(in_run_first)
        runs = run_id[firsts]
        leading = np.concatenate(([True], runs[1:] != runs[:-1]))
        word_start[firsts[leading]] = True
    run_end = np.flatnonzero(cont & ~np.concatenate((cont[1:], [False]))) + 1
    starts = np.flatnonzero(word_start)
    ends = run_end[run_id[starts]] if starts.shape[0] else starts
    features: list[Rows] = []
    docs: list[Rows] = []
    long = (ends - starts) > 1
    if long.any():
        word_ids = [
            latin.setdefault(joined[s:e], len(latin))
            for s, e in zip(starts[long].tolist(), ends[long].tolist(), strict=True)
        ]
        features.append(np.asarray(word_ids, dtype=np.int64) + _LATIN_BASE)
        docs.append(doc[starts[long]])
    # Han bigrams: consecutive Han characters of one text, neither a stop character, with no
    # Latin word between them (a word resets the chain; other characters are skipped).
    han_at = np.flatnonzero(han)
    if han_at.shape[0] > 1:
        words_before = np.cumsum(word_start, dtype=np.int32)
        stop = _STOP_TABLE[cp[han_at] - _HAN_LO]
        a, b = han_at[:-1], han_at[1:]
        ok = (doc[a] == doc[b]) & (words_before[a] == words_before[b]) & ~stop[:-1] & ~stop[1:]
        a, b = a[ok], b[ok]
        ids = (cp[a].astype(np.int64) - _HAN_LO) * _HAN_SPAN + (cp[b].astype(np.int64) - _HAN_LO)
        features.append(ids)
        docs.append(doc[a])
    if not features:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(features), np.concatenate(docs)
