"""Data model of the one-to-one meeting scheduler (pure, frozen dataclasses).

An event has ``slots`` consecutive time slots (0-based) and ``tables`` meeting tables. Each
participant is available in one or more inclusive slot windows. A request asks for a meeting
between two participants; a mutual request (both sides asked) weighs double. A schedule serves a
subset of the requests, each at one slot and one table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class InputProblem:
    """One problem found in the scheduler's input, in Chinese and in English."""

    code: str
    message_zh: str
    message_en: str

    def __str__(self) -> str:
        return f"{self.message_zh} / {self.message_en}"


class ScheduleInputError(ValueError):
    """Raised when an instance, pins or forbids cannot be scheduled as given.

    ``problems`` lists every problem found (not only the first), each with a code and a message in
    Chinese and English, so an organiser can fix them all at once.
    """

    def __init__(self, problems: Sequence[InputProblem]) -> None:
        self.problems: tuple[InputProblem, ...] = tuple(problems)
        super().__init__("; ".join(str(p) for p in self.problems))

    @property
    def codes(self) -> tuple[str, ...]:
        """The problem codes, in the order found."""
        return tuple(p.code for p in self.problems)


@dataclass(frozen=True)
class Participant:
    """A participant (an organisation or a government department) and when it is available.

    ``windows`` are inclusive ``(first_slot, last_slot)`` ranges.
    """

    id: int
    windows: tuple[tuple[int, int], ...]
    name: str = ""


@dataclass(frozen=True)
class MeetingRequest:
    """A request by ``requester`` to meet ``invitee``; ``mutual`` when both sides asked."""

    requester: int
    invitee: int
    mutual: bool = False

    @property
    def weight(self) -> int:
        """Weight in the objective: 2 for a mutual request, else 1."""
        return 2 if self.mutual else 1


@dataclass(frozen=True)
class Instance:
    """A scheduling instance. Requests are identified by their index in ``requests``.

    ``seats`` is the venue's seat count when known; each table seats two people.
    """

    slots: int
    tables: int
    participants: tuple[Participant, ...]
    requests: tuple[MeetingRequest, ...]
    seats: int | None = None


@dataclass(frozen=True)
class Pin:
    """An organiser's pin: request ``request`` must be served.

    With ``slot`` (and optionally ``table``) it is fixed there; with neither the scheduler chooses
    the time and table but must serve it.
    """

    request: int
    slot: int | None = None
    table: int | None = None


@dataclass(frozen=True)
class Forbid:
    """An organiser's veto: request ``request`` must not be served."""

    request: int
    reason: str = ""


@dataclass(frozen=True)
class Meeting:
    """One served request at a slot and a table."""

    request: int
    slot: int
    table: int


@dataclass(frozen=True)
class ObjectiveBreakdown:
    """The objective and its parts, as ``score_schedule.py`` defines them.

    ``objective = 2 * weight + 2 * fairness - breaks`` where ``weight`` sums the served requests'
    weights (mutual 2, else 1), ``fairness`` sums ``min(meetings, 3)`` over participants and
    ``breaks`` counts idle runs between a participant's meetings.
    """

    weight: int
    fairness: int
    breaks: int
    meetings: int
    mutual_meetings: int
    idle_slots: int
    participants_without_meeting: int

    @property
    def objective(self) -> int:
        """The scalar objective (maximised)."""
        return 2 * self.weight + 2 * self.fairness - self.breaks


@dataclass(frozen=True)
class Schedule:
    """A feasible schedule with its objective breakdown and human-readable notes (Chinese)."""

    meetings: tuple[Meeting, ...]
    breakdown: ObjectiveBreakdown
    method: str = ""
    notes: tuple[str, ...] = field(default=())

    @property
    def objective(self) -> int:
        """The scalar objective of this schedule."""
        return self.breakdown.objective


def instance_from_json(data: Mapping[str, Any]) -> Instance:
    """Build an :class:`Instance` from the JSON format of ``make_instance.py``.

    Participants carry ``id`` and ``available: [first, last]`` (or ``windows: [[f, l], ...]``);
    requests carry ``from``, ``to`` (participant ids; in generated files the id equals the
    participant's position, which is how ``score_schedule.py`` reads them) and ``mutual``. Shape errors raise :class:`ScheduleInputError`.
    """
    try:
        participants = []
        for p in data["participants"]:
            if "windows" in p:
                windows = tuple((int(w[0]), int(w[1])) for w in p["windows"])
            else:
                windows = ((int(p["available"][0]), int(p["available"][1])),)
            participants.append(
                Participant(id=int(p["id"]), windows=windows, name=str(p.get("name", "")))
            )
        requests = tuple(
            MeetingRequest(int(q["from"]), int(q["to"]), bool(q.get("mutual", False)))
            for q in data["requests"]
        )
        seats = data.get("seats")
        return Instance(
            slots=int(data["slots"]),
            tables=int(data["tables"]),
            participants=tuple(participants),
            requests=requests,
            seats=None if seats is None else int(seats),
        )
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise ScheduleInputError(
            [
                InputProblem(
                    "malformed",
                    f"实例文件格式不正确：{exc!r}",
                    f"malformed instance data: {exc!r}",
                )
            ]
        ) from exc


def instance_to_json(instance: Instance) -> dict[str, Any]:
    """The inverse of :func:`instance_from_json` (single windows as ``available``)."""
    parts: list[dict[str, Any]] = []
    for p in instance.participants:
        item: dict[str, Any] = {"id": p.id}
        if len(p.windows) == 1:
            item["available"] = list(p.windows[0])
        else:
            item["windows"] = [list(w) for w in p.windows]
        if p.name:
            item["name"] = p.name
        parts.append(item)
    out: dict[str, Any] = {
        "slots": instance.slots,
        "tables": instance.tables,
        "participants": parts,
        "requests": [
            {"from": q.requester, "to": q.invitee, "mutual": q.mutual} for q in instance.requests
        ],
    }
    if instance.seats is not None:
        out["seats"] = instance.seats
    return out


def schedule_to_json(schedule: Schedule) -> dict[str, Any]:
    """The ``{"meetings": [{"request", "slot", "table"}]}`` form read by ``score_schedule.py``."""
    return {
        "meetings": [
            {"request": m.request, "slot": m.slot, "table": m.table} for m in schedule.meetings
        ]
    }
