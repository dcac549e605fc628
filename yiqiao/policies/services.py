"""Writes of the policy app: library sync, the status workflow, enterprise facts.

Screening runs (create/execute) are in :mod:`yiqiao.policies.screening`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from yiqiao.core.audit import audit_record, snapshot
from yiqiao.core.models import AuditEvent

from . import engine
from .models import OrganisationFact, Policy, PolicyVersion
from .profiles import LIBRARY_DIR, fact_to_json, field_dictionary

_PARSED: dict[str, engine.Policy] = {}
_PARSED_LIMIT = 1_000


class TransitionError(ValidationError):
    """An illegal status change, or publishing refused by the engine's checks."""

    def __init__(self, message: str, issues: Iterable[str] = ()) -> None:
        self.issues = list(issues)
        super().__init__(message)


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


def publish_problems(policy: Policy) -> list[str]:
    """Every reason the policy's current text may not be published (empty when it may)."""
    if policy.current_version is None:
        return ["该政策没有任何版本文本"]
    try:
        parsed = engine_policy(policy.current_version)
    except engine.PolicyError as exc:
        return [issue_text(i, policy.source_file or policy.code) for i in exc.issues]
    return [issue_text(i, policy.source_file or policy.code) for i in engine.publish_issues(parsed)]


def _summary(parsed: engine.Policy) -> dict[str, Any]:
    return {
        "versions": [
            {
                "version": v.version,
                "title": v.title,
                "status": v.status,
                "effective_from": v.effective_from.isoformat(),
                "effective_to": v.effective_to.isoformat() if v.effective_to else None,
                "delivery": v.delivery,
                "exclusive_group": v.exclusive_group,
                "budget": v.budget,
            }
            for v in parsed.versions
        ],
        "tests": len(parsed.tests),
        "fictional_sample": parsed.fictional_sample,
    }


def _identity(parsed: engine.Policy, today: dt.date) -> dict[str, Any]:
    version = parsed.version_on(today) or parsed.latest
    return {
        "title": version.title[:200],
        "category": version.category[:40],
        "summary": version.summary,
        "document": version.source.document[:200],
        "document_number": version.source.number[:80],
        "article": version.source.article[:80],
        "delivery": version.delivery,
        "exclusive_group": (version.exclusive_group or "")[:80],
        "is_fictional_sample": parsed.fictional_sample,
        "tags": list(parsed.tags),
    }


@dataclass
class SyncReport:
    """What a library sync did: codes created, given a new version, unchanged; file errors."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    held_back: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"新增 {len(self.created)} 项，新版本 {len(self.updated)} 项，"
            f"无变化 {len(self.unchanged)} 项，未能发布 {len(self.held_back)} 项，"
            f"错误 {len(self.errors)} 处"
        )


@transaction.atomic
def policy_version_add(
    *, code_hint: str, text: str, file: str, region: Any = None, by: Any = None
) -> tuple[Policy, str]:
    """Store ``text`` as the next version of its policy (creating the policy if new).

    Returns the policy and what happened: ``created``, ``updated``, ``unchanged`` or
    ``held_back`` (a published policy whose new text fails the publishing checks goes back to
    review). Raises engine.PolicyError when the text does not parse.
    """
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    # Unchanged text: nothing to parse or write (keeps a re-sync cheap and write-free).
    same = Policy.objects.filter(current_version__content_hash=digest).first()
    if same is not None:
        return same, "unchanged"
    parsed = engine.parse_policy(text, field_dictionary())
    identity = _identity(parsed, timezone.localdate())
    policy = Policy.objects.select_for_update().filter(code=parsed.id).first()
    outcome = "updated"
    if policy is None:
        outcome = "created"
        policy = Policy(code=parsed.id, source_file=file[:200], region=region, **identity)
        policy.status = Policy.Status.DRAFT
        policy.save()
        before = None
    else:
        before = snapshot(policy)
    number = (policy.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    effective_to = (
        None
        if any(v.effective_to is None for v in parsed.versions)
        else max(v.effective_to for v in parsed.versions if v.effective_to)
    )
    version = PolicyVersion.objects.create(
        policy=policy,
        number=number,
        yaml_text=text,
        content_hash=digest,
        effective_from=min(v.effective_from for v in parsed.versions),
        effective_to=effective_to,
        summary=_summary(parsed),
        created_by=by if getattr(by, "pk", None) else None,
        note=f"自 {file} 同步"[:300],
    )
    _PARSED[digest] = parsed
    for key, value in identity.items():
        setattr(policy, key, value)
    policy.source_file = file[:200]
    policy.current_version = version
    wanted = parsed.latest.status if outcome == "created" else policy.status
    problems = engine.publish_issues(parsed)
    note = f"修订 {number}（{file}）"
    if wanted == Policy.Status.PUBLISHED and problems:
        wanted = Policy.Status.REVIEW
        outcome = "held_back"
        note += "；未通过发布检查，退回审核：" + "；".join(issue_text(i, file) for i in problems)
    policy.status = wanted
    if before is not None:
        policy.row_version = F("row_version") + 1
    policy.save()
    policy.refresh_from_db()
    audit_record(
        actor=by,
        action=AuditEvent.Action.CREATE if before is None else AuditEvent.Action.UPDATE,
        instance=policy,
        before=before,
        after=snapshot(policy),
        note=note,
    )
    return policy, outcome


def policy_library_sync(
    *, folder: str | Path = LIBRARY_DIR, region: Any = None, by: Any = None
) -> SyncReport:
    """Load every policy file of ``folder`` into Policy/PolicyVersion rows.

    Idempotent: a file whose text is unchanged writes nothing; a changed file adds a version.
    Files that fail to parse are reported (file, line, field) and skipped.
    """
    report = SyncReport()
    parsed_ids: dict[str, str] = {}
    for path in engine.policy_files(folder):
        text = path.read_text(encoding="utf-8")
        try:
            policy, outcome = policy_version_add(
                code_hint=path.stem, text=text, file=path.name, region=region, by=by
            )
        except engine.PolicyError as exc:
            report.errors.extend(issue_text(i, path.name) for i in exc.issues)
            continue
        if policy.code in parsed_ids:
            report.errors.append(f"{path.name}: [id] 与 {parsed_ids[policy.code]} 的 id 重复")
        parsed_ids[policy.code] = path.name
        getattr(report, outcome).append(policy.code)
    return report


@transaction.atomic
def policy_transition(*, policy: Policy, to_status: str, by: Any, note: str = "") -> Policy:
    """Move a policy along its workflow; publishing runs the engine's checks and is refused with
    every failing message. Audited."""
    current = (
        Policy.objects.select_for_update(of=("self",))
        .select_related("current_version")
        .get(pk=policy.pk)
    )
    labels = dict(Policy.Status.choices)
    if to_status not in labels:
        raise TransitionError(f"未知状态：{to_status}")
    if not current.can_move_to(to_status):
        raise TransitionError(f"不能从“{labels[current.status]}”变更为“{labels[to_status]}”")
    if to_status == Policy.Status.PUBLISHED:
        problems = publish_problems(current)
        if problems:
            raise TransitionError("未通过发布检查，不能发布：\n" + "\n".join(problems), problems)
    before = snapshot(current)
    current.status = to_status
    current.row_version = F("row_version") + 1
    current.save(update_fields=["status", "row_version", "updated_at"])
    current.refresh_from_db()
    audit_record(
        actor=by,
        action=AuditEvent.Action.TRANSITION,
        instance=current,
        before=before,
        after=snapshot(current),
        note=note or f"{labels[before['status']]} → {labels[to_status]}",
    )
    return current


@transaction.atomic
def organisation_fact_set(
    *,
    organisation: Any,
    field: str,
    value: Any,
    as_of: dt.date,
    by: Any,
    year: int | None = None,
    source: str = "",
) -> OrganisationFact:
    """Record one fact (engine-typed value) for an organisation; replaces the value already stored
    for the same (field, as_of). Only fields with ``source: fact`` are accepted."""
    spec = field_dictionary().get(field)
    if spec is None or spec.source != "fact":
        raise ValidationError({"field": f"未知的数据项：{field}"})
    try:
        checked = engine.check_profile(field_dictionary(), {field: value})[field]
    except engine.ProfileError as exc:
        raise ValidationError({"value": str(exc)}) from exc
    stored = fact_to_json(spec, checked)
    fact = (
        OrganisationFact.objects.select_for_update()
        .filter(organisation=organisation, field=field, as_of=as_of)
        .first()
    )
    before = snapshot(fact) if fact is not None else None
    if fact is None:
        fact = OrganisationFact(organisation=organisation, field=field, as_of=as_of)
    fact.value = stored
    fact.year = year
    fact.source = source[:120]
    fact.entered_by = by if getattr(by, "pk", None) else None
    fact.save()
    audit_record(
        actor=by,
        action=AuditEvent.Action.CREATE if before is None else AuditEvent.Action.UPDATE,
        instance=fact,
        before=before,
        after=snapshot(fact),
        note=f"{organisation} · {spec.label}",
    )
    return fact
