"""The life cycle of a demand (需求) as a pure state machine: no Django import.

    submitted → accepted → assigned → responded → resolved → converted | closed → followed_up

A follow-up visit (回访) with satisfaction ≤ 2 reopens the demand: it goes back to
``assigned`` so that the same assignee answers again. ``close`` is also allowed before a response
(a need withdrawn by the enterprise or outside the bureau's remit), always with a note.
Services call :func:`next_state` and record the step; illegal steps raise
:class:`TransitionError` with a message an officer can read.
"""

from __future__ import annotations

from dataclasses import dataclass

SUBMITTED = "submitted"
ACCEPTED = "accepted"
ASSIGNED = "assigned"
RESPONDED = "responded"
RESOLVED = "resolved"
CONVERTED = "converted"
CLOSED = "closed"
FOLLOWED_UP = "followed_up"

STATES: tuple[str, ...] = (
    SUBMITTED,
    ACCEPTED,
    ASSIGNED,
    RESPONDED,
    RESOLVED,
    CONVERTED,
    CLOSED,
    FOLLOWED_UP,
)
STATE_LABELS: dict[str, str] = {
    SUBMITTED: "已提交",
    ACCEPTED: "已受理",
    ASSIGNED: "已分派",
    RESPONDED: "已响应",
    RESOLVED: "已解决",
    CONVERTED: "已转化",
    CLOSED: "已关闭",
    FOLLOWED_UP: "已回访",
}

ACCEPT = "accept"
ASSIGN = "assign"
RESPOND = "respond"
RESOLVE = "resolve"
CONVERT = "convert"
CLOSE = "close"
FOLLOW_UP = "follow_up"

EVENT_LABELS: dict[str, str] = {
    ACCEPT: "受理",
    ASSIGN: "分派",
    RESPOND: "响应",
    RESOLVE: "办结",
    CONVERT: "登记转化",
    CLOSE: "关闭",
    FOLLOW_UP: "回访",
}

#: (state, event) → next state. Responding again or reassigning keeps the state.
TRANSITIONS: dict[tuple[str, str], str] = {
    (SUBMITTED, ACCEPT): ACCEPTED,
    (ACCEPTED, ASSIGN): ASSIGNED,
    (ASSIGNED, ASSIGN): ASSIGNED,
    (ASSIGNED, RESPOND): RESPONDED,
    (RESPONDED, RESPOND): RESPONDED,
    (RESPONDED, RESOLVE): RESOLVED,
    (RESOLVED, CONVERT): CONVERTED,
    (CONVERTED, CONVERT): CONVERTED,
    (RESOLVED, CLOSE): CLOSED,
    (SUBMITTED, CLOSE): CLOSED,
    (ACCEPTED, CLOSE): CLOSED,
    (ASSIGNED, CLOSE): CLOSED,
    (CONVERTED, FOLLOW_UP): FOLLOWED_UP,
    (CLOSED, FOLLOW_UP): FOLLOWED_UP,
}

#: Satisfaction at or below this reopens the demand.
UNSATISFIED_MAX = 2

#: States in which the demand still waits for the bureau (counts toward time limits).
OPEN_STATES: frozenset[str] = frozenset({SUBMITTED, ACCEPTED, ASSIGNED})
#: States in which the demand has been answered.
ANSWERED_STATES: frozenset[str] = frozenset({RESPONDED, RESOLVED, CONVERTED, CLOSED, FOLLOWED_UP})
#: States in which reassigning is still meaningful.
REASSIGNABLE_STATES: frozenset[str] = frozenset({SUBMITTED, ACCEPTED, ASSIGNED, RESPONDED})


class TransitionError(ValueError):
    """An illegal step; ``str(error)`` is a Chinese message for the officer."""


@dataclass(frozen=True)
class Step:
    """The outcome of one event: where the demand goes and whether it was reopened."""

    from_state: str
    to_state: str
    event: str
    is_reopened: bool = False


def next_state(state: str, event: str, *, satisfaction: int | None = None) -> Step:
    """The step that ``event`` makes from ``state``; raises TransitionError if not allowed.

    ``satisfaction`` (1–5) is required for ``follow_up``; ≤ UNSATISFIED_MAX sends the demand back
    to ``assigned`` instead of ``followed_up``.
    """
    if state not in STATES:
        raise TransitionError(f"未知的需求状态：{state}")
    if event not in EVENT_LABELS:
        raise TransitionError(f"未知的操作：{event}")
    target = TRANSITIONS.get((state, event))
    if target is None:
        allowed = "、".join(EVENT_LABELS[e] for e in allowed_events(state)) or "无"
        raise TransitionError(
            f"需求当前为“{STATE_LABELS[state]}”，不能{EVENT_LABELS[event]}（可执行：{allowed}）"
        )
    if event == FOLLOW_UP:
        if satisfaction is None or not 1 <= satisfaction <= 5:
            raise TransitionError("回访须填写1至5分的满意度")
        if satisfaction <= UNSATISFIED_MAX:
            return Step(state, ASSIGNED, event, is_reopened=True)
    return Step(state, target, event)


def allowed_events(state: str) -> tuple[str, ...]:
    """Events allowed from ``state``, in the order of EVENT_LABELS."""
    return tuple(e for e in EVENT_LABELS if (state, e) in TRANSITIONS)
