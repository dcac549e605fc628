"""The import framework every spreadsheet import uses: validate every row, then write.

An importer (a subclass of `Importer`, registered with `register_importer`) declares its
columns and implements four steps: `parse_row` (cells → values, Chinese messages per row),
`file_key` (what must be unique within a file), `resolve_existing` (create / update /
unchanged per row, looked up in batches) and `write` (bulk writes with audit events).

`import_plan` parses and validates a table and decides per row; `import_apply` recomputes the
plan inside one transaction (so the decision is made on the data as it is at write time) and
writes either all rows (only when none has an error) or only the valid ones. Background jobs
(`yiqiao.core.import_jobs`) run both for uploads. Bounds on the work (columns, cells, time) are
checked by `check_table` before any row is parsed.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction

from .audit import json_safe
from .models import AuditEvent
from .scope import user_scope
from .tabular import ImportFileError, Table, clean_header

Progress = Callable[[int], None]


@dataclass
class Column:
    header: str  # Chinese header in the template
    field: str
    required: bool = False
    example: str = ""
    aliases: tuple[str, ...] = ()


class RowValues:
    """The values read from one row so far, and the row's messages: ``attempt`` keeps a field's
    parsed value, or the message of the ``ValueError`` that refused it (the row goes on)."""

    def __init__(self, errors: list[str]) -> None:
        self.data: dict[str, Any] = {}
        self.errors = errors

    def attempt(self, key: str, parse: Callable[[], object]) -> None:
        try:
            self.data[key] = parse()
        except ValueError as exc:
            self.errors.append(str(exc))


@dataclass
class RowOutcome:
    line: int
    label: str
    action: str = "create"  # create | update | unchanged | error
    errors: list[str] = field(default_factory=list)
    changes: dict[str, list[Any]] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    existing_id: int | None = None

    def as_report(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "label": self.label,
            "action": self.action,
            "errors": self.errors,
            "changes": {k: [json_safe(v) for v in pair] for k, pair in self.changes.items()},
        }


@dataclass
class Plan:
    outcomes: list[RowOutcome]
    missing_headers: list[str]

    def counts(self) -> dict[str, int]:
        result = {"create": 0, "update": 0, "unchanged": 0, "error": 0}
        for o in self.outcomes:
            result[o.action] += 1
        return result

    @property
    def has_errors(self) -> bool:
        return any(o.action == "error" for o in self.outcomes)


def choice_value(text: str, choices: Any, label: str) -> str:
    """The stored value of a choice typed as its value or (the start of) its label."""
    if not text:
        return ""
    for value, display in choices:
        if text in {value, str(display)} or str(display).startswith(text):
            return str(value)
    raise ValueError(f"{label}“{text}”不在可选范围内")


class Importer(ABC):
    """Shared machinery; subclasses define columns, row parsing, lookup and writing.

    Register a subclass with `register_importer` (from its app's AppConfig.ready); the upload
    page, the template download and the background jobs then offer it.
    """

    target = ""
    label = ""  # shown in the upload form's choice list
    title = ""
    columns: list[Column] = []
    model: Any = None

    def __init__(self, user: Any) -> None:
        self.user = user

    # -- headers
    def map_headers(self, headers: list[str]) -> tuple[dict[str, int], list[str]]:
        index: dict[str, int] = {}
        for col in self.columns:
            names = {clean_header(n) for n in (col.header, col.field, *col.aliases)}
            for i, h in enumerate(headers):
                if h in names:
                    index[col.field] = i
                    break
        missing = [c.header for c in self.columns if c.required and c.field not in index]
        return index, missing

    # -- plan
    def plan(self, table: Table, progress: Progress | None = None) -> Plan:
        index, missing = self.map_headers(table.headers)
        if missing:
            return Plan([], missing)
        outcomes: list[RowOutcome] = []
        for n, (line, cells) in enumerate(table.rows, start=1):
            values = {f: (cells[i] if i < len(cells) else "") for f, i in index.items()}
            outcome = RowOutcome(line=line, label=values.get("name", "")[:60])
            try:
                outcome.data = self.parse_row(values, outcome.errors)
            except ValueError as exc:  # pragma: no cover - parse_row collects errors itself
                outcome.errors.append(str(exc))
            outcomes.append(outcome)
            if progress and n % 500 == 0:
                progress(n // 2)
        self.check_duplicates_in_file(outcomes)
        self.resolve_existing(outcomes)
        for o in outcomes:
            if o.errors:
                o.action = "error"
        if progress:
            progress(len(outcomes))
        return Plan(outcomes, [])

    @abstractmethod
    def parse_row(self, values: dict[str, str], errors: list[str]) -> dict[str, Any]:
        """Parse one row's cells into field values, appending Chinese messages to errors."""

    @abstractmethod
    def file_key(self, data: dict[str, Any]) -> list[str]:
        """Keys that must be unique within one file (duplicates are row errors)."""

    def check_duplicates_in_file(self, outcomes: list[RowOutcome]) -> None:
        seen: dict[str, int] = {}
        for o in outcomes:
            if o.errors:
                continue
            for key in self.file_key(o.data):
                if key in seen:
                    o.errors.append(f"与第{seen[key]}行重复")
                    break
            else:
                for key in self.file_key(o.data):
                    seen[key] = o.line

    @abstractmethod
    def resolve_existing(self, outcomes: list[RowOutcome]) -> None:
        """Decide create / update / unchanged per valid row against the database."""

    def diff(self, existing: Any, data: dict[str, Any]) -> dict[str, list[Any]]:
        changes: dict[str, list[Any]] = {}
        for key, value in data.items():
            if value in (None, "", [], set()):
                continue  # an empty cell leaves the stored value as it is
            if key == "chain_nodes":
                old = sorted(n.code for n in existing.chain_nodes.all())
                new = sorted(set(old) | {n.code for n in value})
                if new != old:
                    changes[key] = [old, new]
                continue
            if key == "aliases":
                old_list = list(existing.aliases)
                merged = old_list + [a for a in value if a not in old_list]
                if merged != old_list:
                    changes[key] = [old_list, merged]
                continue
            old_value = getattr(existing, key + "_id" if key in self.fk_fields else key)
            new_value = value.pk if key in self.fk_fields else value
            if isinstance(old_value, Decimal) and isinstance(new_value, Decimal):
                if old_value.compare(new_value) == 0:
                    continue
            elif old_value == new_value:
                continue
            changes[key] = [old_value, new_value]
        return changes

    fk_fields: set[str] = set()

    # -- apply
    @abstractmethod
    def write(self, outcomes: list[RowOutcome], progress: Progress | None) -> None:
        """Write the rows whose action is create or update, with audit events."""


IMPORTERS: dict[str, type[Importer]] = {}


def register_importer(importer: type[Importer]) -> type[Importer]:
    """Offer `importer` under its `target` on the upload page and to the import jobs."""
    IMPORTERS[importer.target] = importer
    return importer


def check_table(table: Table) -> None:
    """Bounds on one upload before any row is parsed (raise ImportFileError to refuse).

    Columns, cells and bytes were counted while the file was read (`tabular.Budget`); the time
    allowance started then and covers validation too (see `_bounded`).
    """
    if table.budget is not None:
        table.budget.check_time()


def _bounded(table: Table, progress: Progress | None) -> Progress:
    """A progress callback that also stops validation once the table's time is spent."""

    def report(n: int) -> None:
        if table.budget is not None:
            table.budget.check_time()
        if progress is not None:
            progress(n)

    return report


def chunks(items: list[Any], size: int = 2000) -> list[list[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def import_audit_event(
    user: Any, action: str, instance: Any, before: Any, after: Any
) -> AuditEvent:
    """An unsaved audit event for one imported row (written with bulk_create)."""
    return AuditEvent(
        actor=user if getattr(user, "pk", None) else None,
        action=action,
        model=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        before=before,
        after=after,
        note="批量导入",
    )


def import_plan(*, target: str, table: Table, user: Any, progress: Progress | None = None) -> Plan:
    """Validate a parsed table for `target` and decide what each row would do."""
    importer_cls = IMPORTERS.get(target)
    if importer_cls is None:
        raise ImportFileError(f"未知的导入对象：{target}")
    check_table(table)
    return importer_cls(user).plan(table, _bounded(table, progress))


@transaction.atomic
def import_apply(
    *, target: str, table: Table, user: Any, mode: str, progress: Progress | None = None
) -> Plan:
    """Write the rows. mode "all": nothing is written unless every row is valid."""
    scope = user_scope(user)
    if not (scope.everything or scope.can_edit):
        raise ImportFileError("当前角色无权导入名录")
    importer_cls = IMPORTERS.get(target)
    if importer_cls is None:
        raise ImportFileError(f"未知的导入对象：{target}")
    check_table(table)
    importer = importer_cls(user)
    plan = importer.plan(table)
    if plan.missing_headers:
        raise ImportFileError("缺少必填列：" + "、".join(plan.missing_headers))
    if mode == "all" and plan.has_errors:
        return plan
    importer.write(plan.outcomes, progress)
    return plan


def template_rows(target: str) -> tuple[list[str], list[str]]:
    """Headers (required ones starred) and an example row of the import template."""
    columns = IMPORTERS[target].columns
    return [c.header + ("*" if c.required else "") for c in columns], [c.example for c in columns]
