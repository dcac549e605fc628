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


def fields_file_for(path: str | Path) -> Path:
    """``fields.yaml`` of a folder (or of a file's folder), else of the nearest parent folder
    (a library in a subfolder shares its parent's dictionary)."""
    path = Path(path)
    folder = (path if path.is_dir() else path.parent).resolve()
    for candidate in (folder, *folder.parents):
        if (candidate / FIELDS_FILE).exists():
            return candidate / FIELDS_FILE
    return folder / FIELDS_FILE


def load_library(folder: str | Path) -> tuple[FieldDictionary, list[Policy]]:
    """Load the folder's dictionary (see :func:`fields_file_for`) and every policy file of
    ``folder``.

    Raises :class:`PolicyError` with the issues of every file that fails to parse.
    """
    fields = load_fields(fields_file_for(folder))
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
