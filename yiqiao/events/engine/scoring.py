"""Feasibility check and objective of a meeting schedule, exactly as ``score_schedule.py``."""

from __future__ import annotations

from collections.abc import Iterable

from .model import Instance, Meeting, ObjectiveBreakdown


def slot_available(instance: Instance, participant_index: int, slot: int) -> bool:
    """Whether the participant at ``participant_index`` is available in ``slot``."""
    return any(lo <= slot <= hi for lo, hi in instance.participants[participant_index].windows)


def find_violations(instance: Instance, meetings: Iterable[Meeting]) -> list[str]:
    """Every hard-constraint violation of ``meetings`` (empty when feasible), in Chinese.

    Constraints: each request at most once; the slot lies in both participants' availability;
    nobody is in two meetings in one slot; tables are ``0..tables-1`` with one meeting per table
    per slot.
    """
    index = {p.id: i for i, p in enumerate(instance.participants)}
    problems: list[str] = []
    used: set[int] = set()
    busy: set[tuple[int, int]] = set()
    tables_used: set[tuple[int, int]] = set()
    for m in meetings:
        r, s, t = m.request, m.slot, m.table
        if not 0 <= r < len(instance.requests):
            problems.append(f"请求 {r} 不存在")
            continue
        if r in used:
            problems.append(f"请求 {r} 被安排了两次")
        used.add(r)
        if not 0 <= s < instance.slots:
            problems.append(f"请求 {r} 的时段 {s} 超出范围")
        q = instance.requests[r]
        for pid in (q.requester, q.invitee):
            p = index.get(pid)
            if p is None:
                problems.append(f"请求 {r} 的参与者 {pid} 不存在")
                continue
            if not slot_available(instance, p, s):
                problems.append(f"请求 {r}：参与者 {pid} 在时段 {s} 不在场")
            if (p, s) in busy:
                problems.append(f"参与者 {pid} 在时段 {s} 被重复安排")
            busy.add((p, s))
        if not 0 <= t < instance.tables:
            problems.append(f"请求 {r} 的桌号 {t} 无效")
        if (s, t) in tables_used:
            problems.append(f"时段 {s} 的桌子 {t} 被使用两次")
        tables_used.add((s, t))
    return problems


def breaks_of(slots: Iterable[int]) -> tuple[int, int]:
    """``(breaks, idle_slots)`` of one participant's busy slots."""
    ss = sorted(slots)
    breaks = idle = 0
    for x, y in zip(ss, ss[1:], strict=False):
        if y > x + 1:
            breaks += 1
            idle += y - x - 1
    return breaks, idle


def score_meetings(instance: Instance, meetings: Iterable[Meeting]) -> ObjectiveBreakdown:
    """The objective breakdown of a feasible set of meetings.

    Raises ``ValueError`` (with the violations in Chinese) when the meetings are infeasible.
    Fairness and "without meeting" count only participants named in at least one request, as the
    shared scorer does.
    """
    meetings = list(meetings)
    problems = find_violations(instance, meetings)
    if problems:
        raise ValueError("; ".join(problems))
    busy: dict[int, list[int]] = {}
    weight = mutual = 0
    for m in meetings:
        q = instance.requests[m.request]
        weight += q.weight
        mutual += 1 if q.mutual else 0
        busy.setdefault(q.requester, []).append(m.slot)
        busy.setdefault(q.invitee, []).append(m.slot)
    asked: set[int] = set()
    for q in instance.requests:
        asked.add(q.requester)
        asked.add(q.invitee)
    fairness = breaks = idle = without = 0
    for pid in asked:
        ss = busy.get(pid, [])
        fairness += min(len(ss), 3)
        without += 1 if not ss else 0
        b, i = breaks_of(ss)
        breaks += b
        idle += i
    return ObjectiveBreakdown(
        weight=weight,
        fairness=fairness,
        breaks=breaks,
        meetings=len(meetings),
        mutual_meetings=mutual,
        idle_slots=idle,
        participants_without_meeting=without,
    )
