"""MatchIndex: build once over the region's resources, then rank resources for each need.

Score of a resource for a need (``fit.combine``): BM25 text relevance, normalised to [0, 1] by
the best text score of the query, scaled by (1 + structured fit), where fit is the sum of the
constraint weights in ``fit.WEIGHTS``. Ties are broken by resource id, so the ranking does not
depend on input order.

Complexity (N resources, P (term, resource) pairs, about 23 per resource in the benchmark):
- ``build``: one pass of tokenisation (``corpus.py``: jieba on text pieces, cached, because
  catalogue text repeats a lot), one O(P log P) sort for the postings, one pass to extract the
  columns. Memory after build is 8 bytes per posting plus about 60 bytes per resource of
  columns, on top of the resources themselves, which the index keeps by reference.
- ``match``: O(sum of the query terms' posting lengths + N) for text scoring, O(C) to bound the
  C candidates that share a term with the need, structured fit for the few whose bound can
  reach the top ``limit`` (see ``_score``), then reasons for the top ``limit``.
"""

from __future__ import annotations

import gc
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from .chain import ChainGraph
from .columns import KIND_CODE, Columns
from .corpus import tokenise_resources
from .fit import (
    CATEGORY_KINDS,
    CONSTRAINTS,
    FitQuery,
    combine,
    evaluate,
    exclude,
    fit_query,
    score,
    upper_bounds,
)
from .labels import SERVICE_CATEGORY_LABEL, SPACE_KIND_LABEL
from .model import (
    RESOURCE_KINDS,
    EngineInputError,
    Match,
    MatchedTerm,
    Need,
    PolicyEligibility,
    Resource,
    ResourceKind,
)
from .reasons import describe
from .sparse import SparseBM25
from .text import TextAnalyzer

MAX_NEED_CHARS = 4000  # longer need text is truncated; the head says what is needed
MAX_LIMIT = 1000
# Structured fit is first computed for the max(limit * 20, 500) candidates with the best bounds.
_FIRST_FACTOR = 20
_FIRST_MIN = 500
_CHINA = ZoneInfo("Asia/Shanghai")

Rows = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class _Scored:
    """Candidates that passed the hard filters, with their fit codes and scores."""

    rows: Rows
    text_norm: npt.NDArray[np.float32]
    codes: dict[str, npt.NDArray[np.int8]]
    fit: npt.NDArray[np.float32]

    def join(self, other: _Scored) -> _Scored:
        return _Scored(
            rows=np.concatenate([self.rows, other.rows]),
            text_norm=np.concatenate([self.text_norm, other.text_norm]),
            codes={k: np.concatenate([v, other.codes[k]]) for k, v in self.codes.items()},
            fit=np.concatenate([self.fit, other.fit]),
        )


@dataclass(frozen=True, slots=True)
class MatchIndex:
    """A text + structure index over resources. Build with ``MatchIndex.build``."""

    resources: tuple[Resource, ...]
    analyzer: TextAnalyzer
    terms: dict[str, int]
    bm25: SparseBM25
    columns: Columns
    chain: ChainGraph
    id_rank: npt.NDArray[np.int64]
    kind_rows: dict[ResourceKind, Rows]
    policy_rows: dict[str, Rows]

    @classmethod
    def build(
        cls,
        resources: Iterable[Resource],
        *,
        chain: ChainGraph | None = None,
        use_synonyms: bool = True,
        analyzer: TextAnalyzer | None = None,
    ) -> MatchIndex:
        """Index ``resources``: text (title and tags count twice) and structured columns.

        ``use_synonyms=False`` builds the plain-BM25 baseline used in evaluation.
        """
        # Building creates millions of small acyclic objects (cache entries, token lists);
        # the cyclic collector would re-scan every live object, the caller's resources
        # included, many times over, for nothing. Pause it and restore its state after.
        collecting = gc.isenabled()
        gc.disable()
        try:
            return cls._build(resources, chain=chain, use_synonyms=use_synonyms, analyzer=analyzer)
        finally:
            if collecting:
                gc.enable()

    @classmethod
    def _build(
        cls,
        resources: Iterable[Resource],
        *,
        chain: ChainGraph | None,
        use_synonyms: bool,
        analyzer: TextAnalyzer | None,
    ) -> MatchIndex:
        items = tuple(resources)
        seen: set[str] = set()
        for resource in items:
            if resource.id in seen:
                raise EngineInputError(f"资源编号重复：{resource.id}")
            seen.add(resource.id)
        chain = chain or ChainGraph.bundled()
        analyzer = analyzer or TextAnalyzer(use_synonyms=use_synonyms)
        terms: dict[str, int] = {}
        token_ids, lengths = tokenise_resources(items, analyzer, terms, chain)
        bm25 = SparseBM25.build(
            np.frombuffer(token_ids, dtype=np.int32),
            np.frombuffer(lengths, dtype=np.int32),
            len(terms),
        )
        del token_ids
        columns = Columns.build(items, chain.names)
        order = sorted(range(len(items)), key=lambda row: items[row].id)
        id_rank = np.empty(len(items), dtype=np.int64)
        id_rank[np.asarray(order, dtype=np.int64)] = np.arange(len(items), dtype=np.int64)
        kind_rows = {
            kind: np.flatnonzero(columns.kind == KIND_CODE[kind]).astype(np.int64)
            for kind in RESOURCE_KINDS
        }
        policy_lists: dict[str, list[int]] = {}
        for row in kind_rows["policy"].tolist():
            attributes = items[row].attributes
            policy_id = getattr(attributes, "policy_id", "")
            policy_lists.setdefault(policy_id, []).append(row)
        return cls(
            resources=items,
            analyzer=analyzer,
            terms=terms,
            bm25=bm25,
            columns=columns,
            chain=chain,
            id_rank=id_rank,
            kind_rows=kind_rows,
            policy_rows={k: np.asarray(v, dtype=np.int64) for k, v in policy_lists.items()},
        )

    def __len__(self) -> int:
        return len(self.resources)

    def match(
        self,
        need: Need,
        limit: int = 10,
        kinds: Collection[ResourceKind] | None = None,
        policy_status: Mapping[str, PolicyEligibility] | None = None,
        *,
        bm25_only: bool = False,
        today: date | None = None,
    ) -> list[Match]:
        """Rank resources for ``need``, best first, each with Chinese reasons.

        ``kinds`` restricts the resource kinds; ``policy_status`` is the policy engine's verdict
        per policy id for the asking enterprise (missing ids count as not yet assessed);
        ``bm25_only`` ranks by text alone with no filters (the evaluation baseline); ``today``
        is the date deadlines are counted from (default: today in China).
        Raises ``EngineInputError`` for empty need text, a bad limit or an unknown kind.
        """
        if not need.text or not need.text.strip():
            raise EngineInputError("需求描述为空，请写明需要什么")
        if not 1 <= limit <= MAX_LIMIT:
            raise EngineInputError(f"返回条数须在1到{MAX_LIMIT}之间")
        for kind in kinds or ():
            if kind not in RESOURCE_KINDS:
                raise EngineInputError(f"未知的资源类型：{kind}")
        query_terms = self.analyzer.query_terms(need.text[:MAX_NEED_CHARS])
        known = {term: self.terms[term] for term in query_terms if term in self.terms}
        text = self.bm25.scores(list(known.values()))
        rows = np.flatnonzero(text > 0).astype(np.int64)
        if kinds is not None:
            rows = rows[np.isin(self.columns.kind[rows], [KIND_CODE[k] for k in kinds])]
        statuses = policy_status or {}
        if bm25_only:
            values = text[rows]
            best = float(values.max()) if values.shape[0] else 1.0
            picked = self._top(rows, values, limit)
            return [
                Match(
                    resource=self.resources[row],
                    score=float(text[row]) / best,
                    text_score=float(text[row]) / best,
                    fit_score=0.0,
                    matched_terms=terms,
                    reasons=(_terms_reason(terms),) if terms else (),
                )
                for row, terms in zip(
                    rows[picked].tolist(),
                    self._matched(rows[picked], known, query_terms),
                    strict=True,
                )
            ]
        day = today or datetime.now(tz=_CHINA).date()
        query = fit_query(
            need_terms=query_terms,
            columns=self.columns,
            chain=self.chain,
            policy_rows=self.policy_rows,
            n_rows=len(self.resources),
            need=need,
            policy_status={k: v.status for k, v in statuses.items()},
            today=day,
        )
        # Text relevance is relative to the best text match of the whole index.
        best = float(text[rows].max()) if rows.shape[0] else 1.0
        scored = self._score(rows, text[rows] / np.float32(best), query, limit)
        if scored.rows.shape[0] < limit:
            more = self._fill(need, kinds)
            if more.shape[0]:
                rows = np.union1d(rows, more).astype(np.int64)
                scored = self._score(rows, text[rows] / np.float32(best), query, limit)
        rows, codes, fit, text_norm = scored.rows, scored.codes, scored.fit, scored.text_norm
        total = combine(text_norm, fit)
        picked = self._top(rows, total, limit)
        matched = self._matched(rows[picked], known, query_terms)
        out: list[Match] = []
        for position, terms in zip(picked.tolist(), matched, strict=True):
            row = int(rows[position])
            resource = self.resources[row]
            met: list[str] = []
            missed: list[str] = []
            for name in CONSTRAINTS:
                code = int(codes[name][position])
                if code == 0:
                    continue
                sentence = describe(
                    name,
                    code,
                    resource,
                    need,
                    chain=self.chain,
                    days_left=query.days_left,
                    services=_service_names(query.service_codes),
                    space_kinds=_space_kind_names(query.space_kind_codes),
                    policy_status=statuses,
                )
                (met if code > 0 else missed).append(sentence)
            reasons = [_terms_reason(terms)] if terms else []
            reasons += met + [f"未满足：{m}" for m in missed]
            out.append(
                Match(
                    resource=resource,
                    score=float(total[position]),
                    text_score=float(text_norm[position]),
                    fit_score=float(fit[position]),
                    matched_terms=terms,
                    met=tuple(met),
                    missed=tuple(missed),
                    reasons=tuple(reasons),
                )
            )
        return out

    def _score(
        self, rows: Rows, text_norm: npt.NDArray[np.float32], query: FitQuery, limit: int
    ) -> _Scored:
        """Structured fit for the candidates that can still reach the top ``limit``.

        Every candidate has an upper bound: its text score plus the most fit its kind can
        gain for this need. The candidates with the highest bounds are scored first; the
        ``limit``-th best total among them is a threshold, and only the remaining candidates
        whose bound reaches it are scored as well. The result is the same as scoring all
        candidates, at a fraction of the cost when a need shares common words with most of
        the index. Excluded rows (unavailable spaces, ineligible policies) are dropped here.
        """
        bound = combine(text_norm, upper_bounds(query)[self.columns.kind[rows]])
        first_size = max(limit * _FIRST_FACTOR, _FIRST_MIN)
        if rows.shape[0] > first_size:
            first = np.argpartition(-bound, first_size - 1)[:first_size].astype(np.int64)
        else:
            first = np.arange(rows.shape[0], dtype=np.int64)
        scored = self._score_positions(rows, text_norm, first, query)
        if first.shape[0] < rows.shape[0]:
            threshold = -np.inf
            if scored.rows.shape[0] >= limit:
                totals = combine(scored.text_norm, scored.fit)
                threshold = float(np.partition(totals, totals.shape[0] - limit)[-limit])
            reachable = bound >= threshold
            reachable[first] = False
            rest = np.flatnonzero(reachable).astype(np.int64)
            if rest.shape[0]:
                scored = scored.join(self._score_positions(rows, text_norm, rest, query))
        return scored

    def _score_positions(
        self, rows: Rows, text_norm: npt.NDArray[np.float32], positions: Rows, query: FitQuery
    ) -> _Scored:
        chosen = rows[positions]
        kept = ~exclude(self.columns, chosen, query)
        chosen, positions = chosen[kept], positions[kept]
        codes = evaluate(self.columns, chosen, query)
        return _Scored(
            rows=chosen,
            text_norm=text_norm[positions],
            codes=codes,
            fit=score(codes, chosen.shape[0]),
        )

    def _top(self, rows: Rows, values: npt.NDArray[np.float32], limit: int) -> Rows:
        """Positions of the best ``limit`` values, ties broken by resource id."""
        positions = np.arange(rows.shape[0], dtype=np.int64)
        if rows.shape[0] > limit:
            cut = np.partition(values, rows.shape[0] - limit)[rows.shape[0] - limit]
            positions = np.flatnonzero(values >= cut).astype(np.int64)
        order = np.lexsort((self.id_rank[rows[positions]], -values[positions]))
        return positions[order[:limit]]

    def _fill(self, need: Need, kinds: Collection[ResourceKind] | None) -> Rows:
        """Rows of the kinds that serve the need category, for when text finds too few."""
        wanted = [k for k, level in CATEGORY_KINDS[need.category].items() if level == 2]
        extra = [self.kind_rows[k] for k in wanted if kinds is None or k in kinds]
        if not extra:
            return np.zeros(0, dtype=np.int64)
        return np.concatenate(extra)

    def _matched(
        self, rows: Rows, known: Mapping[str, int], forms: Mapping[str, tuple[str, ...]]
    ) -> list[tuple[MatchedTerm, ...]]:
        """Query terms present in each row, in query order."""
        hits = {term: self.bm25.contains(term_id, rows) for term, term_id in known.items()}
        return [
            tuple(
                MatchedTerm(term=term, query_forms=forms[term]) for term in known if hits[term][i]
            )
            for i in range(rows.shape[0])
        ]


def _terms_reason(terms: Sequence[MatchedTerm]) -> str:
    # A word that is listed under its synonym group's head is not repeated on its own.
    listed = {form for term in terms for form in term.query_forms if form != term.term}
    shown = []
    for term in terms:
        if term.term in listed:
            continue
        others = [form for form in term.query_forms if form != term.term]
        shown.append(f"{term.term}（{'、'.join(others)}）" if others else term.term)
    return "匹配词：" + "、".join(shown)


def _service_names(codes: tuple[int, ...]) -> tuple[str, ...]:
    names = list(SERVICE_CATEGORY_LABEL)
    return tuple(names[c] for c in codes)


def _space_kind_names(codes: tuple[int, ...]) -> tuple[str, ...]:
    names = list(SPACE_KIND_LABEL)
    return tuple(names[c] for c in codes)
