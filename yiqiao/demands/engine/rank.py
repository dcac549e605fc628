"""Ranking requirement by requirement over the one resource model.

A candidate is any resource (space, service, investor, policy, organisation) described by its
RESOURCES.md attributes (dotted names, fixed units). For a parsed need, each requirement of the
candidate's type is ``met``, ``unmet`` (false on a value the record states) or ``unknown`` (the
record leaves it null). The order, strictly:

1. candidates that break no hard requirement they record, before any that break one (those are
   left out unless asked for: ``include_unmet``);
2. among those, candidates known to meet every hard requirement before those with unknowns
   ("待核实"), fewer unknowns first;
3. the need's first resource type before the others;
4. preferences met (最好/优先), then text relevance (shared words of the need and the record).

Besides the text parser's operators, a structured need (the capital app's financing needs) states
``contains_any`` / ``covers_any`` (one of several wanted values; a need may name two sectors) and
the portfolio predicates on ``investor.portfolio`` (``follow_on``, ``no_conflict``, ``precedent``:
see ``portfolio.py``), and may let through "待核实" results with more than one open point
(``max_unknown``).

Closures: SECTOR umbrellas (``ivd`` ⇒ ``device``, ``healthcare_general``) and ``national``
covering every domestic region. Resources not on offer (leased or reserved space, a service not
accepting orders, an inactive investor, a policy not in force) never appear.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from yiqiao.vocab.closures import region_covers, sector_covers

from .portfolio import PORTFOLIO_OPS, portfolio_check
from .quantities import normalise
from .understand import ParsedNeed, Requirement

Status = str  # "met" | "unmet" | "unknown"

#: Attributes whose ``covers`` uses the REGION closure (the rest use SECTOR's).
REGION_ATTRIBUTES = frozenset(
    {"service.coverage_regions", "organisation.coverage_regions", "investor.regions"}
)


@dataclass(frozen=True, slots=True)
class Candidate:
    """One resource as the matcher sees it."""

    type: str
    key: str
    title: str
    text: str
    attributes: Mapping[str, Any]


def on_offer(candidate: Candidate) -> bool:
    """Whether the resource is on offer now (RESOURCES.md: otherwise wrong for every need)."""
    a = candidate.attributes
    if candidate.type == "space":
        return a.get("space.status") == "available"
    if candidate.type == "service":
        return a.get("service.accepting_orders") is not False
    if candidate.type == "investor":
        return a.get("investor.active") is not False
    if candidate.type == "policy":
        return a.get("policy.status") in (None, "active")
    return a.get("organisation.active", True) is not False


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple | set | frozenset) else [value]


def check(requirement: Requirement, attributes: Mapping[str, Any]) -> Status:
    """``met`` / ``unmet`` / ``unknown`` of one attribute requirement on one record."""
    actual = attributes.get(requirement.name)
    if actual is None:
        return "unknown"
    op, expected = requirement.op, requirement.value
    ok: bool
    if op == "eq":
        ok = actual == expected
    elif op == "in":
        ok = actual in expected
    elif op in ("ge", "le", "between"):
        if not isinstance(actual, int | float) or isinstance(actual, bool):
            return "unknown"
        if op == "ge":
            ok = actual >= expected - 1e-9
        elif op == "le":
            ok = actual <= expected + 1e-9
        else:
            ok = expected[0] - 1e-9 <= actual <= expected[1] + 1e-9
    elif op == "contains":
        ok = expected in _as_list(actual)
    elif op == "covers":
        values = [str(v) for v in _as_list(actual)]
        if requirement.name in REGION_ATTRIBUTES:
            ok = region_covers(values, expected)
        else:
            ok = sector_covers(values, expected)
    elif op == "contains_any":
        ok = bool({str(v) for v in _as_list(actual)} & {str(v) for v in _as_list(expected)})
    elif op == "covers_any":
        values = [str(v) for v in _as_list(actual)]
        covers = region_covers if requirement.name in REGION_ATTRIBUTES else sector_covers
        ok = any(covers(values, str(w)) for w in _as_list(expected))
    elif op in PORTFOLIO_OPS:
        ok = portfolio_check(op, expected, actual)
    else:
        return "unknown"
    return "met" if ok else "unmet"


def ticket_requirements(parsed: ParsedNeed) -> list[Requirement]:
    """The cheque band an investor must overlap (the financing set's ticket rule)."""
    amount = next((r for r in parsed.requirements if r.name == "need.round_amount_yuan"), None)
    ticket = next((r for r in parsed.requirements if r.name == "need.ticket_yuan"), None)
    source = ticket or amount
    if source is None:
        return []
    role = parsed.value("need.round_role")
    instrument = parsed.value("investor.instruments")
    value = source.value
    low_r, high_r = value if isinstance(value, list) else [value, value]
    if source.op == "le":
        return [Requirement("investor.ticket_min_yuan", "le", high_r, "yuan", source.span)]
    if source.op == "ge":
        high_r = low_r
    if (
        ticket is not None
        or instrument in ("debt", "ip_pledge", "leasing", "convertible", "grant_to_equity")
        or (
            parsed.value("investor.stages") == "strategic"
            and re.search(r"出售|转让|卖|作价|收购", parsed.text)
        )
    ):
        band = (low_r, high_r)
    elif role == "lead":
        band = (0.3 * low_r, high_r)
    elif role == "follow":
        band = (0.05 * low_r, 0.3 * high_r)
    else:
        band = (0.1 * low_r, high_r)
    return [
        Requirement("investor.ticket_min_yuan", "le", round(band[1], 2), "yuan", source.span),
        Requirement("investor.ticket_max_yuan", "ge", round(band[0], 2), "yuan", source.span),
    ]


@dataclass
class Verdict:
    requirement: Requirement
    status: Status


@dataclass
class Ranked:
    candidate: Candidate
    verdicts: list[Verdict]
    unmet: int
    unknown: int
    type_rank: int
    preferences_met: int
    relevance: float
    reasons: list[str] = field(default_factory=list)

    @property
    def sort_key(self) -> tuple[Any, ...]:
        return (
            self.unmet > 0,
            self.unknown > 0,
            self.type_rank,
            self.unknown,
            -self.preferences_met,
            -self.relevance,
            self.candidate.key,
        )


# ---- text relevance -------------------------------------------------------------------------

_WORD = re.compile(r"[a-z0-9][a-z0-9+\-.]*|[\u4e00-\u9fff]")
_STOP = set("的了和与及或在是有要想找我们做个一些这那也就还能可以吗呢吧啊把给为对等")


def grams(text: str) -> set[str]:
    """Latin words and Han bigrams (the relevance features of a text)."""
    t = normalise(text).text
    out: set[str] = set()
    han = ""
    for token in _WORD.findall(t):
        if len(token) == 1 and "\u4e00" <= token <= "\u9fff":
            if han and token not in _STOP and han[-1] not in _STOP:
                out.add(han[-1] + token)
            han = han + token if token not in _STOP else ""
        else:
            han = ""
            if len(token) > 1:
                out.add(token)
    return out


class Relevance:
    """IDF-weighted overlap of need and record features, over a fixed set of candidates."""

    def __init__(self, candidates: Sequence[Candidate]) -> None:
        self.features = [grams(f"{c.title} {c.text}") for c in candidates]
        df: Counter[str] = Counter()
        for f in self.features:
            df.update(f)
        n = max(len(candidates), 1)
        self.idf = {g: math.log(1 + n / d) for g, d in df.items()}
        self._need: set[str] | None = None
        self._order: list[str] = []

    def score(self, need: set[str], index: int) -> float:
        # The sums run over the need's grams in sorted order: a set of strings yields them in an
        # order that differs per process (string hashing), and float addition depends on order,
        # so two equal candidates could swap places between two runs of the same command.
        if need is not self._need:
            self._need, self._order = need, sorted(need)
        have = self.features[index]
        total = sum(self.idf.get(g, 0.0) for g in self._order) or 1.0
        return sum(self.idf.get(g, 0.0) for g in self._order if g in have) / total


# ---- ranking ------------------------------------------------------------------------------


#: The requirements that say *what* a resource of each type must be. A type answers a need only
#: when one of them is stated as a hard requirement: a service of an unread category, a policy of
#: an unread kind or a partner of an unread kind could be anything, and a result that meets the
#: rest of the need can still be the wrong thing (fewer results rather than a wrong one).
DEFINING: dict[str, frozenset[str] | None] = {
    "space": None,  # a space's area or rent already says much of what it must be
    "service": frozenset({"service.category", "service.capabilities"}),
    "policy": frozenset(
        {"policy.category", "policy.milestones", "policy.benefits", "policy.sectors"}
    ),
    "organisation": frozenset(
        {"organisation.kind", "organisation.chain_node", "organisation.capabilities"}
    ),
    "investor": None,
}
SECONDARY_DEFINING: dict[str, frozenset[str] | None] = {
    "space": frozenset({"space.kind"}),
    "investor": frozenset({"investor.kind", "investor.stages", "investor.ticket_min_yuan"}),
}


def answerable_types(
    parsed: ParsedNeed, per_type: Mapping[str, Sequence[Requirement]]
) -> list[str]:
    """The need's types that can answer it: a hard requirement on what the resource is."""
    out = []
    for i, tp in enumerate(parsed.types):
        hard = [r for r in per_type[tp] if not r.preference]
        defining = DEFINING.get(tp)
        if i > 0:
            # a type the need asks for second answers only with what it is and one more point:
            # a space "with cold storage" or a policy "for talent" alone is a guess at a need
            # that asked for something else first
            defining = SECONDARY_DEFINING.get(tp, defining)
            if len(hard) < 2:
                continue
        if hard and (defining is None or any(r.name in defining for r in hard)):
            out.append(tp)
    return out


def requirements_for(parsed: ParsedNeed, resource_type: str) -> list[Requirement]:
    reqs = parsed.for_type(resource_type)
    if resource_type == "investor":
        reqs = reqs + ticket_requirements(parsed)
    return reqs


def rank(
    parsed: ParsedNeed,
    candidates: Sequence[Candidate],
    *,
    top: int = 10,
    relevance: Relevance | None = None,
    include_unmet: bool = False,
    exclude_keys: Iterable[str] = (),
    max_unknown: int | None = 1,
) -> list[Ranked]:
    """The best ``top`` candidates for a parsed need (see the module docstring). ``max_unknown``:
    the open points a "待核实" result of the need's first type may have (None: any number)."""
    type_rank = {tp: i for i, tp in enumerate(parsed.types)}
    per_type = {tp: requirements_for(parsed, tp) for tp in parsed.types}
    need_grams = grams(parsed.text)
    excluded = set(exclude_keys)
    # a type answers only when the need states something about it: with nothing stated, no
    # result could be vouched for
    answerable = set(answerable_types(parsed, per_type))
    out: list[Ranked] = []
    for i, c in enumerate(candidates):
        if c.type not in type_rank or c.key in excluded or not on_offer(c):
            continue
        if c.type not in answerable:
            continue
        verdicts = [Verdict(r, check(r, c.attributes)) for r in per_type[c.type]]
        hard = [v for v in verdicts if not v.requirement.preference]
        unmet = sum(1 for v in hard if v.status == "unmet")
        if unmet and not include_unmet:
            continue
        unknown = sum(1 for v in hard if v.status == "unknown")
        # "待核实" results: only of the need's first type and with one open point; a record
        # that leaves more unknown cannot be vouched for at all
        too_many = max_unknown is not None and unknown > max_unknown
        if unknown and (type_rank[c.type] > 0 or too_many) and not include_unmet:
            continue
        prefs = sum(1 for v in verdicts if v.requirement.preference and v.status == "met")
        score = relevance.score(need_grams, i) if relevance is not None else 0.0
        out.append(Ranked(c, verdicts, unmet, unknown, type_rank[c.type], prefs, score))
    out.sort(key=lambda r: r.sort_key)
    return out[:top]
