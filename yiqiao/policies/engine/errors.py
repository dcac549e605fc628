"""Errors raised by the policy engine, each naming file, line and field."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem found in a policy or field file.

    ``line`` and ``column`` are 1-based (0 when unknown); ``field`` is the dotted path of the
    YAML key or the dictionary field the problem concerns.
    """

    file: str
    line: int
    column: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        return f"{where}: [{self.field}] {self.message}"


class PolicyError(ValueError):
    """A policy (or field dictionary) is refused; ``issues`` lists every problem found."""

    def __init__(self, issues: Iterable[Issue]) -> None:
        self.issues: tuple[Issue, ...] = tuple(issues)
        super().__init__("\n".join(str(i) for i in self.issues))


class ProfileError(ValueError):
    """An enterprise profile or snapshot holds a value of the wrong type for its field."""
