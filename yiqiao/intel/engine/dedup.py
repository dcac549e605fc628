"""Near-duplicate detection: MinHash over character shingles with LSH banding.

The same story republished by several sites differs in boilerplate, punctuation and a sentence
or two.  We fingerprint the cleaned text (Han characters, letters and digits only) by 64 MinHash
values over 4-character shingles; articles whose estimated Jaccard similarity is at least the
threshold (default 0.6) fall into one group.  16 bands of 4 rows find candidate pairs without
comparing every pair.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np

from .records import Extraction

NUM_PERM = 64
BANDS = 16
ROWS = NUM_PERM // BANDS
SHINGLE = 4
_rng = np.random.default_rng(20240601)  # fixed seed: fingerprints are stable across runs
_A = _rng.integers(1, 2**63, size=NUM_PERM, dtype=np.uint64) | np.uint64(1)
_B = _rng.integers(0, 2**63, size=NUM_PERM, dtype=np.uint64)
_KEEP = re.compile(r"[^\u4e00-\u9fffA-Za-z0-9]+")


@dataclass(frozen=True)
class Fingerprint:
    """MinHash signature of one text."""

    values: tuple[int, ...]
    shingles: int

    def similarity(self, other: Fingerprint) -> float:
        """Estimated Jaccard similarity of the two shingle sets."""
        if not self.values or not other.values:
            return 0.0
        same = sum(1 for a, b in zip(self.values, other.values, strict=True) if a == b)
        return same / len(self.values)


def _shingle_hashes(text: str) -> np.ndarray:
    s = _KEEP.sub("", text)
    if len(s) < SHINGLE:
        return np.zeros(0, dtype=np.uint64)
    grams = {s[i : i + SHINGLE] for i in range(len(s) - SHINGLE + 1)}
    hashes = [
        int.from_bytes(hashlib.blake2b(g.encode("utf-8"), digest_size=8).digest(), "little")
        for g in grams
    ]
    return np.array(hashes, dtype=np.uint64)


def fingerprint(text: str) -> Fingerprint:
    """MinHash fingerprint of ``text`` (empty signature for texts shorter than one shingle)."""
    h = _shingle_hashes(text)
    if h.size == 0:
        return Fingerprint((), 0)
    # h_i(x) = (a_i * x + b_i) mod 2**64 (numpy uint64 arithmetic wraps), a_i odd: a fixed family
    # of multiplicative hash functions, one per MinHash permutation
    with np.errstate(over="ignore"):
        perm = _A[:, None] * h[None, :] + _B[:, None]
    mins = perm.min(axis=1)
    return Fingerprint(tuple(int(v) for v in mins), int(h.size))


def group_near_duplicates(
    items: Sequence[tuple[Hashable, Fingerprint]], threshold: float = 0.6
) -> list[list[Hashable]]:
    """Group keys whose fingerprints are near-duplicates; singletons are returned as well.

    Groups keep the input order of their members, and groups are ordered by their first member.
    """
    parent = list(range(len(items)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    buckets: dict[tuple[int, tuple[int, ...]], list[int]] = {}
    for idx, (_, fp) in enumerate(items):
        if not fp.values:
            continue
        for band in range(BANDS):
            key = (band, fp.values[band * ROWS : (band + 1) * ROWS])
            buckets.setdefault(key, []).append(idx)
    checked: set[tuple[int, int]] = set()
    for members in buckets.values():
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                i, j = members[x], members[y]
                if (i, j) in checked:
                    continue
                checked.add((i, j))
                if items[i][1].similarity(items[j][1]) >= threshold:
                    ri, rj = find(i), find(j)
                    if ri != rj:
                        parent[max(ri, rj)] = min(ri, rj)
    groups: dict[int, list[Hashable]] = {}
    for idx, (item_key, _) in enumerate(items):
        groups.setdefault(find(idx), []).append(item_key)
    return [groups[r] for r in sorted(groups)]


@dataclass(frozen=True)
class DuplicateGroup:
    """One story: the record kept and the sources of the copies collapsed into it."""

    primary: Extraction
    duplicates: tuple[str, ...]
    reason: str


def collapse_duplicates(
    extractions: Sequence[Extraction], threshold: float = 0.6
) -> list[DuplicateGroup]:
    """Collapse republished copies of the same story into one record.

    The record kept is the copy with the most extracted facts (ties: earliest publication date,
    then input order); failed extractions are never grouped.
    """
    usable = [(i, e) for i, e in enumerate(extractions) if e.error is None]
    fps = [(i, fingerprint(e.text)) for i, e in usable]
    groups = group_near_duplicates(fps, threshold)
    out: list[DuplicateGroup] = []
    for members in groups:
        idx = [int(str(m)) for m in members]

        def rank(i: int) -> tuple[int, str, int]:
            e = extractions[i]
            facts = len(e.organisations) + len(e.money) + 3 * len(e.signings) + len(e.events)
            return (-facts, e.published or "9999-99-99", i)

        best = min(idx, key=rank)
        dups = tuple(extractions[i].source for i in idx if i != best)
        reason = f"与 {len(dups)} 篇文章内容高度相似，已合并" if dups else "无重复"
        out.append(DuplicateGroup(extractions[best], dups, reason))
    return out
