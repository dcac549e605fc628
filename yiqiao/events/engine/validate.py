"""Input validation: every problem is collected and raised as one :class:`ScheduleInputError`."""

from __future__ import annotations

from collections.abc import Sequence

from .model import Forbid, InputProblem, Instance, Pin, ScheduleInputError


def availability_mask(windows: Sequence[tuple[int, int]], slots: int) -> int:
    """Bit mask of the slots covered by ``windows`` (clipped to ``0..slots-1``)."""
    mask = 0
    for lo, hi in windows:
        for s in range(max(lo, 0), min(hi, slots - 1) + 1):
            mask |= 1 << s
    return mask


def instance_problems(instance: Instance) -> list[InputProblem]:
    """Every problem in an instance (empty when it can be scheduled)."""
    out: list[InputProblem] = []
    S, T = instance.slots, instance.tables
    if S < 1:
        out.append(
            InputProblem(
                "bad_slots", f"时段数必须至少为 1（现为 {S}）", f"slots must be >= 1 (got {S})"
            )
        )
    if T < 1:
        out.append(
            InputProblem(
                "bad_tables",
                f"桌子数必须至少为 1（现为 {T}）",
                f"tables must be >= 1 (got {T})",
            )
        )
    if instance.seats is not None and (instance.seats < 0 or instance.seats < 2 * T):
        out.append(
            InputProblem(
                "tables_exceed_seats",
                f"{T} 张洽谈桌需要 {2 * T} 个座位，但场地只有 {instance.seats} 个座位",
                f"{T} tables need {2 * T} seats but the venue has {instance.seats}",
            )
        )
    index: dict[int, int] = {}
    for i, p in enumerate(instance.participants):
        if p.id in index:
            out.append(
                InputProblem(
                    "duplicate_participant",
                    f"参与者 {p.id} 重复登记",
                    f"participant {p.id} is registered twice",
                )
            )
        else:
            index[p.id] = i
        for lo, hi in p.windows:
            if S >= 1 and (lo > hi or lo < 0 or hi >= S):
                out.append(
                    InputProblem(
                        "bad_window",
                        f"参与者 {p.id} 的可用时段 [{lo}, {hi}] 无效（时段为 0–{S - 1}）",
                        f"participant {p.id} has an invalid window [{lo}, {hi}] "
                        f"(slots are 0-{S - 1})",
                    )
                )
    seen: dict[tuple[int, int], int] = {}
    for r, q in enumerate(instance.requests):
        a, b = q.requester, q.invitee
        if a == b:
            out.append(
                InputProblem(
                    "self_request",
                    f"请求 {r}：参与者 {a} 不能约见自己",
                    f"request {r}: participant {a} cannot meet itself",
                )
            )
            continue
        missing = [x for x in (a, b) if x not in index]
        if missing:
            names = ", ".join(str(x) for x in missing)
            out.append(
                InputProblem(
                    "unknown_participant",
                    f"请求 {r}：参与者 {names} 未登记",
                    f"request {r}: unknown participant {names}",
                )
            )
            continue
        key = (min(a, b), max(a, b))
        if key in seen:
            out.append(
                InputProblem(
                    "duplicate_request",
                    f"请求 {r} 与请求 {seen[key]} 重复（参与者 {a} 与 {b}）；"
                    "双方互相邀约请合并为一条“双向”请求",
                    f"request {r} duplicates request {seen[key]} (participants {a} and {b}); "
                    "merge requests in both directions into one mutual request",
                )
            )
            continue
        seen[key] = r
        pa, pb = instance.participants[index[a]], instance.participants[index[b]]
        common = availability_mask(pa.windows, S) & availability_mask(pb.windows, S)
        if S >= 1 and not common:
            out.append(
                InputProblem(
                    "no_common_slot",
                    f"请求 {r}：参与者 {a} 与 {b} 没有共同的可用时段",
                    f"request {r}: participants {a} and {b} have no common available slot",
                )
            )
    return out


def pin_problems(
    instance: Instance, pins: Sequence[Pin], forbids: Sequence[Forbid]
) -> list[InputProblem]:
    """Every problem in the organiser's pins and forbids (assumes a valid instance)."""
    out: list[InputProblem] = []
    R, S, T = len(instance.requests), instance.slots, instance.tables
    index = {p.id: i for i, p in enumerate(instance.participants)}
    forbidden: set[int] = set()
    for f in forbids:
        if not 0 <= f.request < R:
            out.append(
                InputProblem(
                    "unknown_request",
                    f"禁止的请求 {f.request} 不存在",
                    f"forbidden request {f.request} does not exist",
                )
            )
        forbidden.add(f.request)
    pinned: set[int] = set()
    at_participant: dict[tuple[int, int], int] = {}
    at_table: dict[tuple[int, int], int] = {}
    per_slot: dict[int, int] = {}
    for pin in pins:
        r = pin.request
        if not 0 <= r < R:
            out.append(
                InputProblem(
                    "unknown_request",
                    f"固定的请求 {r} 不存在",
                    f"pinned request {r} does not exist",
                )
            )
            continue
        if r in pinned:
            out.append(
                InputProblem(
                    "duplicate_pin",
                    f"请求 {r} 被固定了两次",
                    f"request {r} is pinned twice",
                )
            )
            continue
        pinned.add(r)
        if r in forbidden:
            out.append(
                InputProblem(
                    "pin_forbidden",
                    f"请求 {r} 既被固定又被禁止",
                    f"request {r} is both pinned and forbidden",
                )
            )
        if pin.slot is None:
            if pin.table is not None:
                out.append(
                    InputProblem(
                        "table_without_slot",
                        f"请求 {r} 指定了桌号但没有指定时段",
                        f"request {r} is pinned to a table without a slot",
                    )
                )
            continue
        s = pin.slot
        q = instance.requests[r]
        if not 0 <= s < S:
            out.append(
                InputProblem(
                    "pin_slot_out_of_range",
                    f"请求 {r} 固定的时段 {s} 超出范围（0–{S - 1}）",
                    f"request {r} is pinned to slot {s}, outside 0-{S - 1}",
                )
            )
            continue
        for pid in (q.requester, q.invitee):
            windows = instance.participants[index[pid]].windows
            if not availability_mask(windows, S) >> s & 1:
                out.append(
                    InputProblem(
                        "pin_unavailable",
                        f"请求 {r} 固定在时段 {s}，但参与者 {pid} 该时段不在场",
                        f"request {r} is pinned to slot {s} but participant {pid} "
                        "is not available then",
                    )
                )
            other = at_participant.get((pid, s))
            if other is not None:
                out.append(
                    InputProblem(
                        "pin_double_booking",
                        f"请求 {r} 与请求 {other} 都固定在时段 {s}，参与者 {pid} 会被重复安排",
                        f"requests {r} and {other} are both pinned to slot {s}: "
                        f"participant {pid} would be double-booked",
                    )
                )
            at_participant[(pid, s)] = r
        per_slot[s] = per_slot.get(s, 0) + 1
        if per_slot[s] == T + 1:
            out.append(
                InputProblem(
                    "pin_too_many_in_slot",
                    f"时段 {s} 固定的会谈多于 {T} 张桌子",
                    f"more meetings are pinned to slot {s} than the {T} tables",
                )
            )
        if pin.table is not None:
            t = pin.table
            if not 0 <= t < T:
                out.append(
                    InputProblem(
                        "pin_table_out_of_range",
                        f"请求 {r} 固定的桌号 {t} 超出范围（0–{T - 1}）",
                        f"request {r} is pinned to table {t}, outside 0-{T - 1}",
                    )
                )
            elif (s, t) in at_table:
                out.append(
                    InputProblem(
                        "pin_same_table",
                        f"请求 {r} 与请求 {at_table[(s, t)]} 固定在同一时段 {s} 的同一张桌子 {t}",
                        f"requests {r} and {at_table[(s, t)]} are pinned to the same table {t} "
                        f"in slot {s}",
                    )
                )
            else:
                at_table[(s, t)] = r
    return out


def validate(instance: Instance, pins: Sequence[Pin] = (), forbids: Sequence[Forbid] = ()) -> None:
    """Raise :class:`ScheduleInputError` listing every problem in the input, if any."""
    problems = instance_problems(instance)
    if not problems:
        problems = pin_problems(instance, pins, forbids)
    if problems:
        raise ScheduleInputError(problems)
