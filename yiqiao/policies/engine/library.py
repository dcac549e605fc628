"""Loading a folder of policy files (one per 政策事项) with its field dictionary."""

from __future__ import annotations

from pathlib import Path

from .errors import Issue, PolicyError
from .fields import FieldDictionary, load_fields
from .model import Policy
from .parse import parse_policy

FIELDS_FILE = "fields.yaml"


def policy_files(folder: str | Path) -> list[Path]:
    """The policy files of a folder (``*.yaml``/``*.yml`` except ``fields.yaml``), sorted."""
    root = Path(folder)
    return sorted(
        p for p in root.iterdir() if p.suffix in (".yaml", ".yml") and p.name != FIELDS_FILE
    )


def load_library(folder: str | Path) -> tuple[FieldDictionary, list[Policy]]:
    """Load ``folder/fields.yaml`` and every policy file of ``folder``.

    Raises :class:`PolicyError` with the issues of every file that fails to parse.
    """
    fields = load_fields(Path(folder) / FIELDS_FILE)
    policies: list[Policy] = []
    issues: list[Issue] = []
    for path in policy_files(folder):
        try:
            policies.append(parse_policy(path, fields))
        except PolicyError as exc:
            issues.extend(exc.issues)
    if issues:
        raise PolicyError(issues)
    return fields, policies
