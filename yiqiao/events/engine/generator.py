"""Seeded synthetic instances for tests and benchmarks.

The distribution follows the shared benchmark's description: one contiguous availability window
per participant (60% the whole day, the others at least half of it), invitees drawn with
Zipf-like popularity (exponent 0.5, randomly assigned to participants), a share of mutual requests,
no request to oneself, no pair asked twice and no pair without a common slot.
"""

from __future__ import annotations

import bisect
import itertools
import random

from .model import Instance, MeetingRequest, Participant


def generate_instance(
    participants: int,
    requests: int,
    slots: int,
    tables: int,
    *,
    mutual_share: float = 0.2,
    full_day_share: float = 0.6,
    seed: int = 1,
) -> Instance:
    """A random instance with the given sizes; the same ``seed`` gives the same instance.

    Raises ``ValueError`` if ``requests`` exceeds what the participants could possibly ask.
    """
    if requests > participants * (participants - 1) // 2:
        raise ValueError("more requests than participant pairs")
    rng = random.Random(seed)
    windows: list[tuple[int, int]] = []
    for _ in range(participants):
        if rng.random() < full_day_share:
            windows.append((0, slots - 1))
            continue
        length = rng.randint(max(slots // 2, 1), max(slots - 1, 1))
        first = rng.randint(0, slots - length)
        windows.append((first, first + length - 1))
    weights = [(rank + 1) ** -0.5 for rank in range(participants)]
    rng.shuffle(weights)
    cumulative = list(itertools.accumulate(weights))
    total = cumulative[-1]
    pairs: set[tuple[int, int]] = set()
    out: list[MeetingRequest] = []
    attempts = 0
    while len(out) < requests:
        attempts += 1
        if attempts > 200 * requests + 10_000:
            raise ValueError("could not draw enough distinct feasible requests")
        asker = rng.randrange(participants)
        invitee = min(bisect.bisect_right(cumulative, rng.random() * total), participants - 1)
        if asker == invitee:
            continue
        key = (min(asker, invitee), max(asker, invitee))
        if key in pairs:
            continue
        (a_lo, a_hi), (b_lo, b_hi) = windows[asker], windows[invitee]
        if max(a_lo, b_lo) > min(a_hi, b_hi):
            continue
        pairs.add(key)
        out.append(MeetingRequest(asker, invitee, rng.random() < mutual_share))
    return Instance(
        slots=slots,
        tables=tables,
        participants=tuple(Participant(id=i, windows=(w,)) for i, w in enumerate(windows)),
        requests=tuple(out),
    )
