"""Repeat signings: the same agreement signed again at a later event (or entered again under a
new project) must be counted once.

The press's complaint about 招商 figures is the project that is "signed" at one fair after
another, each time in the headline. A signing is a **repeat** of an earlier one when both carry
an amount (> 0) in the same currency that differs by at most ``AMOUNT_TOLERANCE`` and either

1. they are on the same project (``same_project``), or
2. they name the same parties (order, punctuation and the 有限公司/股份 suffixes ignored) and
   the later one is signed on a later day, at most ``PARTIES_WINDOW_DAYS`` after the earlier
   (``same_parties``): the project entered again under another title. Several projects signed
   by the same parties on one day are a batch signing, not repeats.

A signing on the same project with a different amount is a supplementary agreement, not a
repeat; a framework agreement without an amount counts nothing and repeats nothing. The
earliest signing of a group is the original (ties: the one recorded first); every other points
at it. Pure: facts in, the decision with its reason out.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

AMOUNT_TOLERANCE = Decimal("0.01")
PARTIES_WINDOW_DAYS = 730

SAME_PROJECT = "same_project"
SAME_PARTIES = "same_parties"
REASON_LABELS = {
    SAME_PROJECT: "同一项目以相同金额再次签约",
    SAME_PARTIES: "相同签约方以相同金额再次签约（另立项目）",
}

_SPLIT = re.compile(r"[、，,；;／/与和及\s]+")
_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "集团", "（有限合伙）", "(有限合伙)")


@dataclass(frozen=True)
class SigningFacts:
    id: int
    project_id: int
    signed_on: dt.date
    amount: Decimal
    currency: str
    signatories: str


@dataclass(frozen=True)
class Repeat:
    """`signing_id` repeats `original_id` for `reason` (a key of REASON_LABELS)."""

    signing_id: int
    original_id: int
    reason: str

    @property
    def label(self) -> str:
        return REASON_LABELS[self.reason]


def parties_key(signatories: str) -> frozenset[str]:
    """The set of parties of a signatories text, normalised for comparison."""
    names = set()
    for raw in _SPLIT.split(signatories or ""):
        name = raw.strip().replace("(", "（").replace(")", "）")
        for suffix in _SUFFIXES:
            if name.endswith(suffix) and len(name) > len(suffix) + 1:
                name = name[: -len(suffix)]
        if name:
            names.add(name)
    return frozenset(names)


def same_amount(a: Decimal, b: Decimal) -> bool:
    if a <= 0 or b <= 0:
        return False
    return abs(a - b) <= max(a, b) * AMOUNT_TOLERANCE


def _order(s: SigningFacts) -> tuple[dt.date, int]:
    return (s.signed_on, s.id)


def match(later: SigningFacts, earlier: SigningFacts) -> str | None:
    """Why `later` repeats `earlier` (a reason key), or None."""
    if later.id == earlier.id or _order(earlier) >= _order(later):
        return None
    if later.currency != earlier.currency or not same_amount(later.amount, earlier.amount):
        return None
    if later.project_id == earlier.project_id:
        return SAME_PROJECT
    gap = (later.signed_on - earlier.signed_on).days
    if gap <= 0 or gap > PARTIES_WINDOW_DAYS:
        return None  # the same day: separate agreements of one batch signing
    key = parties_key(later.signatories)
    if key and key == parties_key(earlier.signatories):
        return SAME_PARTIES
    return None


def find_original(new: SigningFacts, others: Iterable[SigningFacts]) -> Repeat | None:
    """The earliest signing among `others` that `new` repeats (itself an original)."""
    for other in sorted(others, key=_order):
        reason = match(new, other)
        if reason is not None:
            return Repeat(new.id, other.id, reason)
    return None


def detect(signings: Sequence[SigningFacts]) -> dict[int, Repeat]:
    """Every repeat among `signings`, keyed by the repeating signing's id (a full recount)."""
    originals: dict[str, list[tuple[Decimal, int, SigningFacts]]] = {}
    repeats: dict[int, Repeat] = {}
    for s in sorted(signings, key=_order):
        if s.amount <= 0:
            continue
        pool = originals.setdefault(s.currency, [])
        low = bisect.bisect_left(pool, (s.amount * (1 - AMOUNT_TOLERANCE), -1))
        high = bisect.bisect_right(pool, (s.amount / (1 - AMOUNT_TOLERANCE), 1 << 62))
        repeat = find_original(s, [item[2] for item in pool[low:high]])
        if repeat is not None:
            repeats[s.id] = repeat
            continue
        bisect.insort(pool, (s.amount, s.id, s))
    return repeats
