"""Writes to the policy library: adding versions, syncing the library folder, the status
workflow (draft → review → published → expired)."""

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

from yiqiao.accounts.models import User
from yiqiao.core.audit import audit_record, snapshot
from yiqiao.core.models import AuditEvent
from yiqiao.core.transitions import versioned_change
from yiqiao.registry.models import Region

from .. import engine
from ..models import Policy, PolicyVersion
from ..profiles import LIBRARY_DIR, field_dictionary
from ..versions import engine_policy, issue_text, library_policies, remember_parsed


class TransitionError(ValidationError):
    """An illegal status change, or publishing refused by the engine's checks."""

    def __init__(self, message: str, issues: Iterable[str] = ()) -> None:
        self.issues = list(issues)
        super().__init__(message)


def publish_problems(policy: Policy) -> list[str]:
    """Every reason the policy's current text may not be published (empty when it may)."""
    if policy.current_version is None:
        return ["该政策没有任何版本文本"]
    try:
        parsed = engine_policy(policy.current_version)
    except engine.PolicyError as exc:
        return [issue_text(i, policy.source_file or policy.code) for i in exc.issues]
    library = library_policies([parsed])
    issues = engine.publish_issues(parsed, library)
    issues += [i for i in engine.library_issues(list(library.values())) if i.file == parsed.file]
    return [issue_text(i, policy.source_file or policy.code) for i in issues]


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
    *,
    code_hint: str,
    text: str,
    file: str,
    region: Region | None = None,
    by: User | None = None,
    library: dict[str, engine.Policy] | None = None,
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
    remember_parsed(digest, parsed)
    for key, value in identity.items():
        setattr(policy, key, value)
    policy.source_file = file[:200]
    policy.current_version = version
    wanted = parsed.latest.status if outcome == "created" else policy.status
    problems = engine.publish_issues(parsed, library_policies([parsed]) | (library or {}))
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
    *, folder: str | Path = LIBRARY_DIR, region: Region | None = None, by: User | None = None
) -> SyncReport:
    """Load every policy file of ``folder`` into Policy/PolicyVersion rows.

    Idempotent: a file whose text is unchanged writes nothing; a changed file adds a version.
    Files that fail to parse are reported (file, line, field) and skipped.
    """
    report = SyncReport()
    parsed_ids: dict[str, str] = {}
    folder_library: dict[str, engine.Policy] = {}
    fields = field_dictionary()
    for path in engine.policy_files(folder):
        try:
            parsed = engine.parse_policy(path, fields)
        except engine.PolicyError:
            continue
        folder_library[parsed.id] = parsed
    for path in engine.policy_files(folder):
        text = path.read_text(encoding="utf-8")
        try:
            policy, outcome = policy_version_add(
                code_hint=path.stem,
                text=text,
                file=path.name,
                region=region,
                by=by,
                library=folder_library,
            )
        except engine.PolicyError as exc:
            report.errors.extend(issue_text(i, path.name) for i in exc.issues)
            continue
        if policy.code in parsed_ids:
            report.errors.append(f"{path.name}: [id] 与 {parsed_ids[policy.code]} 的 id 重复")
        parsed_ids[policy.code] = path.name
        getattr(report, outcome).append(policy.code)
    return report


def policy_transition(*, policy: Policy, to_status: str, by: User, note: str = "") -> Policy:
    """Move a policy along its workflow; publishing runs the engine's checks and is refused with
    every failing message. Audited."""
    labels = dict(Policy.Status.choices)
    if to_status not in labels:
        raise TransitionError(f"未知状态：{to_status}")
    with versioned_change(
        Policy.objects.select_related("current_version"),
        policy.pk,
        by=by,
        action=AuditEvent.Action.TRANSITION,
        update_fields=["status"],
    ) as change:
        current = change.instance
        if not current.can_move_to(to_status):
            raise TransitionError(f"不能从“{labels[current.status]}”变更为“{labels[to_status]}”")
        if to_status == Policy.Status.PUBLISHED:
            problems = publish_problems(current)
            if problems:
                raise TransitionError(
                    "未通过发布检查，不能发布：\n" + "\n".join(problems), problems
                )
        change.note = note or f"{labels[current.status]} → {labels[to_status]}"
        current.status = to_status
    return change.instance


def _add_version(policy: Policy, text: str, digest: str, parsed: engine.Policy, by: User) -> None:
    """The next revision of ``policy`` holding ``text`` (the policy row is saved by the caller)."""
    number = (policy.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    ends = [v.effective_to for v in parsed.versions]
    version = PolicyVersion.objects.create(
        policy=policy,
        number=number,
        yaml_text=text,
        content_hash=digest,
        effective_from=min(v.effective_from for v in parsed.versions),
        effective_to=None if None in ends else max(e for e in ends if e is not None),
        summary=_summary(parsed),
        created_by=by if getattr(by, "pk", None) else None,
        note="在线编辑",
    )
    remember_parsed(digest, parsed)
    for key, value in _identity(parsed, timezone.localdate()).items():
        setattr(policy, key, value)
    policy.current_version = version


def policy_draft_save(
    *,
    policy: Policy | None,
    text: str,
    by: User,
    region: Region | None = None,
    row_version: int | None = None,
) -> tuple[Policy, str]:
    """Save a text written in the browser editor: a new policy (a draft of ``region``) or the
    next revision of ``policy``, which must be a draft or in review (an edit in review goes back
    to draft). Returns the policy and ``created``, ``updated`` or ``unchanged``.

    Raises engine.PolicyError when the text does not parse and ValidationError when the id is
    taken, changed, or the policy is past review; nothing is written then. Audited.
    """
    parsed = engine.parse_policy(text, field_dictionary())
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if policy is None:
        with transaction.atomic():
            if Policy.objects.filter(code=parsed.id).exists():
                raise ValidationError({"code": f"政策编号 {parsed.id} 已被使用，请另取一个"})
            created = Policy(code=parsed.id, region=region, status=Policy.Status.DRAFT)
            created.save()
            _add_version(created, text, digest, parsed, by)
            created.status = Policy.Status.DRAFT
            created.save()
            audit_record(
                actor=by, action=AuditEvent.Action.CREATE, instance=created,
                after=snapshot(created), note="在线编辑：新建草稿",
            )  # fmt: skip
        return created, "created"
    editable = {Policy.Status.DRAFT, Policy.Status.REVIEW}
    same = policy.current_version is not None and policy.current_version.content_hash == digest
    if same and policy.status in editable and parsed.id == policy.code:
        return policy, "unchanged"
    with versioned_change(
        Policy.objects.select_related("current_version"),
        policy.pk,
        by=by,
        row_version=row_version,
        action=AuditEvent.Action.UPDATE,
    ) as change:
        current = change.instance
        if current.status not in editable:
            raise ValidationError(
                f"“{current.get_status_display()}”的政策不能直接修改：请先将其变更为草稿"
            )
        if parsed.id != current.code:
            raise ValidationError({"code": f"政策编号不能修改（应为 {current.code}）"})
        _add_version(current, text, digest, parsed, by)
        back = current.status == Policy.Status.REVIEW
        current.status = Policy.Status.DRAFT
        change.note = "在线编辑：新修订" + ("，退回草稿" if back else "")
    return change.instance, "updated"
