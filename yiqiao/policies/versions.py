"""Stored policy versions as engine policies: parsing (cached by content hash) and messages."""

from __future__ import annotations

from collections.abc import Iterable

from . import engine
from .models import Policy, PolicyVersion
from .profiles import field_dictionary

_PARSED: dict[str, engine.Policy] = {}
_PARSED_LIMIT = 1_000


def issue_text(issue: engine.Issue, file: str) -> str:
    """``file:line:column: [field] message`` with the policy's library file name."""
    where = f"{file}:{issue.line}:{issue.column}" if issue.line else file
    return f"{where}: [{issue.field}] {issue.message}"


def engine_policy(version: PolicyVersion) -> engine.Policy:
    """The parsed engine policy of a stored version (cached by content hash)."""
    parsed = _PARSED.get(version.content_hash)
    if parsed is None:
        parsed = engine.parse_policy(version.yaml_text, field_dictionary())
        if len(_PARSED) >= _PARSED_LIMIT:
            _PARSED.clear()
        _PARSED[version.content_hash] = parsed
    return parsed


def remember_parsed(content_hash: str, parsed: engine.Policy) -> None:
    """Keep a policy just parsed from its text, so the next read does not parse it again."""
    if len(_PARSED) >= _PARSED_LIMIT:
        _PARSED.clear()
    _PARSED[content_hash] = parsed


def library_policies(extra: Iterable[engine.Policy] = ()) -> dict[str, engine.Policy]:
    """Every stored policy's current text (parsed), by code, overlaid with ``extra``: the library
    a policy's ``award('x')`` references and exclusive groups resolve in."""
    out: dict[str, engine.Policy] = {}
    for version in PolicyVersion.objects.filter(
        pk__in=Policy.objects.exclude(current_version=None).values("current_version")
    ):
        try:
            parsed = engine_policy(version)
        except engine.PolicyError:
            continue
        out[parsed.id] = parsed
    for parsed in extra:
        out[parsed.id] = parsed
    return out
