"""Internal search state of the scheduler: arrays, incremental scoring, greedy and local search.

Each participant's contribution to the objective depends only on the set of slots in which it
meets, kept as a bit mask: ``2 * min(popcount, 3) - (runs - 1)``. Every move therefore changes
the objective by table look-ups for at most a handful of participants.
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Callable, Sequence

from .model import Forbid, InputProblem, Instance, Pin, ScheduleInputError
from .validate import availability_mask


class _ValueTable(dict[int, int]):
    """Objective contribution of one participant by busy-slot mask (filled lazily)."""

    def __missing__(self, mask: int) -> int:
        n = mask.bit_count()
        runs = (mask & ~(mask << 1)).bit_count()
        value = 2 * min(n, 3) - max(runs - 1, 0)
        self[mask] = value
        return value


class _BitsTable(dict[int, tuple[int, ...]]):
    """The set bits of a mask, lowest first (filled lazily)."""

    def __missing__(self, mask: int) -> tuple[int, ...]:
        out = tuple(i for i in range(mask.bit_length()) if mask >> i & 1)
        self[mask] = out
        return out


class Problem:
    """Static arrays of an instance with the organiser's pins and forbids (already validated)."""

    def __init__(self, instance: Instance, pins: Sequence[Pin], forbids: Sequence[Forbid]) -> None:
        self.instance = instance
        self.S = instance.slots
        self.T = instance.tables
        self.P = len(instance.participants)
        self.R = len(instance.requests)
        index = {p.id: i for i, p in enumerate(instance.participants)}
        self.avail = [availability_mask(p.windows, self.S) for p in instance.participants]
        self.ra = [index[q.requester] for q in instance.requests]
        self.rb = [index[q.invitee] for q in instance.requests]
        self.w2 = [2 * q.weight for q in instance.requests]
        self.common = [self.avail[self.ra[r]] & self.avail[self.rb[r]] for r in range(self.R)]
        self.bits = _BitsTable()
        self.feas: list[tuple[int, ...]] = [self.bits[m] for m in self.common]
        self.allowed = [True] * self.R
        for f in forbids:
            self.allowed[f.request] = False
        self.fixed: dict[int, int] = {}
        self.fixed_table: dict[int, int] = {}
        self.forced: list[int] = []
        for pin in pins:
            if pin.slot is None:
                self.forced.append(pin.request)
            else:
                self.fixed[pin.request] = pin.slot
                if pin.table is not None:
                    self.fixed_table[pin.request] = pin.table
        # locked: slot may not change; must: may not be left unserved.
        self.locked = [False] * self.R
        self.must = [False] * self.R
        for r in self.fixed:
            self.locked[r] = True
            self.must[r] = True
        for r in self.forced:
            self.must[r] = True
        self.by_participant: list[list[int]] = [[] for _ in range(self.P)]
        for r in range(self.R):
            self.by_participant[self.ra[r]].append(r)
            self.by_participant[self.rb[r]].append(r)
        self.V = _ValueTable()


class State:
    """A (partial) schedule with incrementally maintained objective."""

    def __init__(self, pb: Problem) -> None:
        self.pb = pb
        self.slot = [-1] * pb.R
        self.occ = [[-1] * pb.S for _ in range(pb.P)]
        self.mask = [0] * pb.P
        self.cnt = [0] * pb.S
        self.members: list[list[int]] = [[] for _ in range(pb.S)]
        self.pos = [-1] * pb.R
        self.obj = 0
        self._ra = pb.ra
        self._rb = pb.rb
        self._w2 = pb.w2
        self._V = pb.V

    def add(self, r: int, s: int) -> int:
        """Serve request ``r`` in slot ``s`` (caller checks feasibility); returns the delta."""
        a = self._ra[r]
        b = self._rb[r]
        bit = 1 << s
        mask = self.mask
        V = self._V
        ma = mask[a]
        mb = mask[b]
        d = self._w2[r] + V[ma | bit] - V[ma] + V[mb | bit] - V[mb]
        mask[a] = ma | bit
        mask[b] = mb | bit
        self.occ[a][s] = r
        self.occ[b][s] = r
        self.slot[r] = s
        self.cnt[s] += 1
        mem = self.members[s]
        self.pos[r] = len(mem)
        mem.append(r)
        self.obj += d
        return d

    def remove(self, r: int) -> int:
        """Unserve request ``r``; returns the delta."""
        s = self.slot[r]
        a = self._ra[r]
        b = self._rb[r]
        bit = 1 << s
        mask = self.mask
        V = self._V
        ma = mask[a]
        mb = mask[b]
        d = -self._w2[r] + V[ma ^ bit] - V[ma] + V[mb ^ bit] - V[mb]
        mask[a] = ma ^ bit
        mask[b] = mb ^ bit
        self.occ[a][s] = -1
        self.occ[b][s] = -1
        self.slot[r] = -1
        self.cnt[s] -= 1
        mem = self.members[s]
        i = self.pos[r]
        last = mem.pop()
        if last != r:
            mem[i] = last
            self.pos[last] = i
        self.pos[r] = -1
        self.obj += d
        return d

    def gain(self, r: int, s: int) -> int:
        """Objective delta of serving unserved ``r`` at free slot ``s``."""
        pb = self.pb
        bit = 1 << s
        ma = self.mask[pb.ra[r]]
        mb = self.mask[pb.rb[r]]
        V = pb.V
        return pb.w2[r] + V[ma | bit] - V[ma] + V[mb | bit] - V[mb]

    def free(self, r: int, s: int) -> bool:
        """Whether ``r`` could be served at ``s`` without moving anything."""
        pb = self.pb
        return self.cnt[s] < pb.T and self.occ[pb.ra[r]][s] < 0 and self.occ[pb.rb[r]][s] < 0

    def load(self, slots: Sequence[int]) -> None:
        """Serve every request ``r`` with ``slots[r] >= 0`` (must be feasible)."""
        for r, s in enumerate(slots):
            if s >= 0:
                self.add(r, s)


def place_pins(st: State) -> None:
    """Serve the fixed pins at their slots, then the forced pins where they fit.

    A forced pin that finds no free slot may displace another forced pin to a free slot (one
    level of augmentation); if that fails the pins are infeasible together.
    """
    pb = st.pb
    for r, s in pb.fixed.items():
        st.add(r, s)
    order = sorted(pb.forced, key=lambda r: len(pb.feas[r]))
    for r in order:
        best = -1
        best_gain = -(10**9)
        for s in pb.feas[r]:
            if st.free(r, s):
                g = st.gain(r, s)
                if g > best_gain:
                    best, best_gain = s, g
        if best >= 0:
            st.add(r, best)
            continue
        if not _augment(st, r):
            raise ScheduleInputError(
                [
                    InputProblem(
                        "pins_infeasible",
                        f"无法安排固定的请求 {r}：相关参与者的时段或桌子已被其他固定会谈占满",
                        f"pinned request {r} cannot be placed: its participants' slots or the "
                        "tables are taken by other pinned meetings",
                    )
                ]
            )


def _augment(st: State, r: int) -> bool:
    pb = st.pb
    for s in pb.feas[r]:
        blockers = {q for q in (st.occ[pb.ra[r]][s], st.occ[pb.rb[r]][s]) if q >= 0}
        if st.cnt[s] - len(blockers) >= pb.T:
            continue
        if any(pb.locked[q] for q in blockers):
            continue
        moved: list[tuple[int, int]] = []
        for q in blockers:
            moved.append((q, st.slot[q]))
            st.remove(q)
        st.add(r, s)
        ok = True
        for q, _ in moved:
            spot = next((s2 for s2 in pb.feas[q] if st.free(q, s2)), -1)
            if spot < 0:
                ok = False
                break
            st.add(q, spot)
        if ok:
            return True
        for q, _ in moved:
            if st.slot[q] >= 0:
                st.remove(q)
        st.remove(r)
        for q, old in moved:
            st.add(q, old)
    return False


def greedy(st: State, slot_rule: str = "spread") -> None:
    """Lazy greedy on the objective: repeatedly serve the (request, slot) of largest gain.

    Ties favour requests whose participants have fewer open requests (scarce options first) and,
    among slots, the slot with the fewest meetings so far.
    """
    pb = st.pb
    open_count = [0] * pb.P
    for r in range(pb.R):
        if pb.allowed[r] and st.slot[r] < 0:
            open_count[pb.ra[r]] += 1
            open_count[pb.rb[r]] += 1

    cnt = st.cnt
    if slot_rule == "spread":

        def slot_pref(s: int) -> int:
            return -cnt[s]

    elif slot_rule == "pack":

        def slot_pref(s: int) -> int:
            return cnt[s]

    elif slot_rule == "early":

        def slot_pref(s: int) -> int:
            return -s

    else:

        def slot_pref(s: int) -> int:
            return s

    def best_slot(r: int) -> tuple[int, int]:
        best, best_key = -1, (-(10**9), 0)
        for s in pb.feas[r]:
            if st.free(r, s):
                key = (st.gain(r, s), slot_pref(s))
                if key > best_key:
                    best, best_key = s, key
        return best, best_key[0]

    def priority(r: int, g: int) -> tuple[int, int]:
        return (-g, min(open_count[pb.ra[r]], open_count[pb.rb[r]]))

    heap: list[tuple[int, int, int]] = []
    for r in range(pb.R):
        if pb.allowed[r] and st.slot[r] < 0:
            s, g = best_slot(r)
            if s >= 0:
                heap.append((*priority(r, g), r))
    heapq.heapify(heap)
    while heap:
        neg_g, scarcity, r = heapq.heappop(heap)
        if st.slot[r] >= 0:
            continue
        s, g = best_slot(r)
        if s < 0:
            open_count[pb.ra[r]] -= 1
            open_count[pb.rb[r]] -= 1
            continue
        key = priority(r, g)
        if key != (neg_g, scarcity) and heap and (key[0], key[1], r) > heap[0]:
            heapq.heappush(heap, (*key, r))
            continue
        if g <= 0:
            # Nothing with a positive gain remains at the top; leave the rest unserved.
            break
        st.add(r, s)
        open_count[pb.ra[r]] -= 1
        open_count[pb.rb[r]] -= 1


def anneal(
    st: State,
    deadline: float,
    clock: Callable[[], float],
    rng: random.Random,
    t_start: float = 1.2,
    t_end: float = 0.08,
    adjacent_share: float = 0.3,
    swap_tries: int = 6,
    stall_factor: int = 400,
) -> list[int]:
    """Simulated annealing from the current state until ``clock() >= deadline``.

    Moves: serve an unserved request at a slot, or move a served one to another slot (with
    probability ``adjacent_share`` a slot next to its participants' other meetings, which closes
    breaks), ejecting whoever blocks it: the other meetings of its two participants in that slot
    and, when the slot is full, one meeting there (preferably one that can take the slot being
    left, making the move a swap). Each ejected meeting is re-served at its best free slot if that
    helps. A rare move drops a meeting. Pinned meetings are never ejected or dropped. After ``stall_factor`` moves per candidate
    request without a new best, the search returns to the best schedule and reheats. Returns the
    best slots found (``-1`` = unserved); the state ends at the last accepted point.
    """
    pb = st.pb
    R, T = pb.R, pb.T
    feas, ra, rb = pb.feas, pb.ra, pb.rb
    locked, must, allowed = pb.locked, pb.must, pb.allowed
    occ, cnt, members, slot, mask = st.occ, st.cnt, st.members, st.slot, st.mask
    common = pb.common
    bits = pb.bits
    add, remove = st.add, st.remove
    V, w2 = pb.V, pb.w2
    candidates = [r for r in range(R) if allowed[r] and not locked[r]]
    best_obj = st.obj
    best = list(slot)
    if not candidates:
        return best
    start = clock()
    span = max(deadline - start, 1e-9)
    temp = t_start
    log_ratio = math.log(t_end / t_start)
    rand = rng.random
    n_candidates = len(candidates)
    it = 0
    undo: list[tuple[int, int]] = []  # (request, previous slot or -1)
    ejected: list[int] = []
    stall_limit = stall_factor * len(candidates)
    last_gain_it = 0
    reheats = 0
    hot = t_start
    while True:
        it += 1
        if it & 511 == 0:
            now = clock()
            if now >= deadline:
                break
            if it - last_gain_it > stall_limit:
                # stagnation: go back to the best schedule and reheat for the remaining time
                for x in range(R):
                    if slot[x] >= 0 and slot[x] != best[x]:
                        remove(x)
                for x in range(R):
                    if best[x] >= 0 and slot[x] != best[x]:
                        add(x, best[x])
                start = now
                span = max(deadline - start, 1e-9)
                last_gain_it = it
                reheats += 1
                hot = t_start * (1.0 + reheats % 4)  # cycle through hotter restarts
                log_ratio = math.log(t_end / hot)
            temp = hot * math.exp(log_ratio * (now - start) / span)
        r = candidates[int(rand() * n_candidates)]
        old = slot[r]
        before = st.obj
        undo.clear()
        ejected.clear()
        if old >= 0 and not must[r] and rand() < 0.04:
            remove(r)
            undo.append((r, old))
        else:
            a = ra[r]
            b = rb[r]
            if rand() < adjacent_share:
                # a slot next to one of the two participants' other meetings (closes breaks)
                near = mask[a] | mask[b]
                fr = bits[(near << 1 | near >> 1) & common[r] & ~near]
                if not fr:
                    fr = feas[r]
            else:
                fr = feas[r]
            s = fr[int(rand() * len(fr))]
            if s == old:
                continue
            qa = occ[a][s]
            qb = occ[b][s]
            if (qa >= 0 and must[qa]) or (qb >= 0 and must[qb]):
                continue
            if old >= 0:
                remove(r)
                undo.append((r, old))
            if qa >= 0:
                remove(qa)
                undo.append((qa, s))
                ejected.append(qa)
            if qb >= 0 and qb != qa:
                remove(qb)
                undo.append((qb, s))
                ejected.append(qb)
            if cnt[s] >= T:
                mem = members[s]
                q = mem[int(rand() * len(mem))]
                if old >= 0:
                    # prefer a meeting that can take over the slot ``r`` leaves (a swap)
                    for _ in range(swap_tries):
                        if occ[ra[q]][old] < 0 and occ[rb[q]][old] < 0 and common[q] >> old & 1:
                            break
                        q = mem[int(rand() * len(mem))]
                if must[q]:
                    for x, sx in reversed(undo):
                        add(x, sx)
                    continue
                remove(q)
                undo.append((q, s))
                ejected.append(q)
            add(r, s)
            undo.append((r, -1))
            for q in ejected:
                bs = -1
                bg = 0
                xa = occ[ra[q]]
                xb = occ[rb[q]]
                ma = mask[ra[q]]
                mb = mask[rb[q]]
                va = V[ma] - w2[q]
                vb = V[mb]
                for s2 in feas[q]:
                    if cnt[s2] < T and xa[s2] < 0 and xb[s2] < 0:
                        bit = 1 << s2
                        g = V[ma | bit] - va + V[mb | bit] - vb
                        if g > bg:
                            bg = g
                            bs = s2
                if bs >= 0:
                    add(q, bs)
                    undo.append((q, -1))
        delta = st.obj - before
        if delta >= 0 or rand() < math.exp(delta / temp):
            if st.obj > best_obj:
                best_obj = st.obj
                best = list(slot)
                last_gain_it = it
            continue
        for x, sx in reversed(undo):
            if sx < 0:
                remove(x)
            else:
                add(x, sx)
    return best


def retime_pass(st: State) -> int:
    """Move each served, unlocked meeting to its best free slot; returns the number of moves."""
    pb = st.pb
    moves = 0
    for r in range(pb.R):
        old = st.slot[r]
        if old < 0 or pb.locked[r]:
            continue
        st.remove(r)
        best, best_gain = old, st.gain(r, old)
        for s in pb.feas[r]:
            if s != old and st.free(r, s):
                g = st.gain(r, s)
                if g > best_gain:
                    best, best_gain = s, g
        st.add(r, best)
        if best != old:
            moves += 1
    return moves


def hill_climb(st: State, rounds: int = 20) -> None:
    """Alternate re-timing passes and greedy fills until neither changes anything."""
    for _ in range(rounds):
        before = st.obj
        moved = retime_pass(st)
        greedy(st)
        if not moved and st.obj == before:
            break
