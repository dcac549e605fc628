"""Writes to investment projects' place in the pipeline: creation (also as a lead for other apps, idempotent per source), field updates, validated stage transitions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import cast

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from yiqiao.accounts.models import OrgUnit, User
from yiqiao.core.audit import audit_record, snapshot
from yiqiao.core.models import AuditEvent
from yiqiao.core.transitions import versioned_change
from yiqiao.core.uscc import uscc_problem
from yiqiao.registry.models import ChainNode, Organisation

from .. import summary
from ..engine import pipeline
from ..models import Project, Stage, StageChange
from .checks import _actor, _today, backdated_note, check_amount, check_not_future

M2M = ("investors", "chain_nodes")


class TransitionRefused(ValidationError):
    """A stage move the pipeline does not allow; the message says why."""


def _chain_nodes(items: Iterable[object]) -> list[ChainNode]:
    items = list(items)
    codes = [i for i in items if isinstance(i, str)]
    nodes = [i for i in items if isinstance(i, ChainNode)]
    if codes:
        found = {n.code: n for n in ChainNode.objects.filter(code__in=codes)}
        unknown = [c for c in codes if c not in found]
        if unknown:
            raise ValidationError({"chain_nodes": f"产业链节点“{'、'.join(unknown)}”不存在"})
        nodes += [found[c] for c in codes]
    return nodes


def _set_m2m(project: Project, deferred: dict[str, object]) -> None:
    if "investors" in deferred:
        # organisations (checked by the form or the API's reference resolver)
        project.investors.set(cast("Iterable[Organisation]", deferred["investors"]))
    if "chain_nodes" in deferred:
        project.chain_nodes.set(_chain_nodes(cast("Iterable[object]", deferred["chain_nodes"])))


@transaction.atomic
def project_create(*, data: dict[str, object], by: User) -> Project:
    """Create a project from validated data (investors: Organisations; chain_nodes: rows/codes).

    `data["lead_on"]` (optional) back-dates the lead: the day the lead arose, not the day it is
    entered, so a deal already under way can have its stage history entered afterwards; the
    audit event keeps the entry date (its time) and says it was back-dated.
    """
    project = Project()
    lead_on = cast(dt.date, data.pop("lead_on", None) or _today())  # a form's or the API's date
    check_not_future(lead_on, "线索日期")
    deferred = {k: data.pop(k) for k in M2M if k in data}
    for key, value in data.items():
        setattr(project, key, value)
    for key, label in (("planned_amount", "计划投资额"), ("expected_output_yuan", "预计年产值")):
        check_amount(getattr(project, key), label)
    if project.owner_unit_id is None and getattr(by, "org_unit_id", None):
        project.owner_unit_id = by.org_unit_id
    if project.owner_id is None and getattr(by, "pk", None):
        project.owner = by
    project.stage = Stage.LEAD
    project.stage_entered_on = lead_on
    project.full_clean(exclude=["source_key"])
    project.save()
    _set_m2m(project, deferred)
    StageChange.objects.create(
        project=project, from_stage="", to_stage=Stage.LEAD, changed_on=lead_on, by=_actor(by)
    )
    tracker = summary.Tracker()
    tracker.watch_new(project.pk)
    tracker.settle()
    audit_record(
        actor=by,
        action=AuditEvent.Action.CREATE,
        instance=project,
        after=snapshot(project),
        note=backdated_note(lead_on),
    )
    return project


def project_create_lead(
    *,
    title: str,
    investor: Organisation | None = None,
    source_note: str,
    chain_nodes: Iterable[ChainNode | str] = (),
    by: User,
    owner_unit: OrgUnit | None = None,
    source_url_or_ref: str = "",
) -> Project:
    """Create a Lead, idempotent per (source ref, investor); see the module docstring."""
    ref = source_url_or_ref.strip()[:300]
    key = f"{ref}|{investor.pk if investor else 0}" if ref else ""
    if key:
        existing = Project.objects.filter(source_key=key).first()
        if existing is not None:
            return existing
    data: dict[str, object] = {
        "title": title.strip()[:160],
        "source_note": source_note,
        "source_ref": ref,
        "source_key": key,
        "chain_nodes": list(chain_nodes),
        "investors": [investor] if investor else [],
    }
    if owner_unit is not None:
        data["owner_unit"] = owner_unit
    try:
        # A savepoint so that losing a race on the unique source key leaves the caller's
        # transaction usable; the winner's project is returned.
        with transaction.atomic():
            return project_create(data=data, by=by)
    except IntegrityError:
        if key:
            found = Project.objects.filter(source_key=key).first()
            if found is not None:
                return found
        raise


STALE_MESSAGE = "该项目已被他人修改（当前版本{current}，您编辑的是版本{expected}），请刷新后重试；您的修改未保存"


def project_update(
    *, project: Project, data: dict[str, object], by: User, row_version: int | None = None
) -> Project:
    """Update a project's fields (not its stage); refuses a stale `row_version`."""
    with transaction.atomic():
        tracker = summary.Tracker()
        tracker.watch(project.pk)
        updated = _project_update(project=project, data=data, by=by, row_version=row_version)
        tracker.settle()
    return updated


def _project_update(
    *, project: Project, data: dict[str, object], by: User, row_version: int | None
) -> Project:
    with versioned_change(
        Project, project.pk, by=by, row_version=row_version, stale_message=STALE_MESSAGE
    ) as change:
        current = change.instance
        deferred = {k: data.pop(k) for k in M2M if k in data}
        if "stage" in data:
            raise ValidationError("阶段须通过阶段变更操作修改")
        if "currency" in data and data["currency"] != current.currency and current.is_signed:
            raise ValidationError("项目已有签约记录，不能修改币种")
        for key, value in data.items():
            setattr(current, key, value)
        for key, label in (
            ("planned_amount", "计划投资额"),
            ("expected_output_yuan", "预计年产值"),
        ):
            check_amount(getattr(current, key), label)
        current.full_clean(exclude=["source_key"])
        _set_m2m(current, deferred)
    return change.instance


def project_facts(project: Project) -> pipeline.ProjectFacts:
    """The facts the pipeline guards need (two small queries)."""
    company = (
        Organisation.objects.filter(pk=project.registered_company_id).only("name", "uscc").first()
        if project.registered_company_id
        else None
    )
    uscc = (company.uscc or "") if company else ""
    problem = uscc_problem(uscc) if uscc else None
    return pipeline.ProjectFacts(
        stage=project.stage,
        signing_count=project.signings.count(),
        registered_company_name=company.name if company else "",
        registered_uscc=uscc,
        registered_uscc_problem=problem.message if problem else "",
        lost_from_stage=project.lost_from_stage,
    )


def project_advance_stage(
    *,
    project: Project,
    to_stage: str,
    by: User,
    row_version: int | None = None,
    reason: str = "",
    on: dt.date | None = None,
) -> Project:
    """Move a project to `to_stage` after the pipeline's checks; writes the stage history.

    Raises TransitionRefused (with the pipeline's Chinese reasons) or StaleEditError. The
    projects' summary rows follow in the same transaction.
    """
    with transaction.atomic():
        tracker = summary.Tracker()
        tracker.watch(project.pk)
        moved = _advance_stage(
            project=project, to_stage=to_stage, by=by, row_version=row_version, reason=reason, on=on
        )
        tracker.settle()
    return moved


def _advance_stage(
    *,
    project: Project,
    to_stage: str,
    by: User,
    row_version: int | None,
    reason: str,
    on: dt.date | None,
) -> Project:
    with versioned_change(
        Project,
        project.pk,
        by=by,
        row_version=row_version,
        action=AuditEvent.Action.TRANSITION,
        stale_message=STALE_MESSAGE,
    ) as change:
        current = change.instance
        day = on or _today()
        check_not_future(day, "变更日期")
        if day < current.stage_entered_on:
            raise TransitionRefused(
                f"变更日期不能早于进入当前阶段的日期（{current.stage_entered_on:%Y-%m-%d}）"
            )
        check = pipeline.check_transition(project_facts(current), to_stage, reason=reason)
        if not check.allowed:
            raise TransitionRefused(check.message)
        from_stage = current.stage
        StageChange.objects.create(
            project=current,
            from_stage=from_stage,
            to_stage=to_stage,
            changed_on=day,
            days_in_from_stage=(day - current.stage_entered_on).days,
            by=_actor(by),
            note=reason.strip()[:300],
        )
        if to_stage == Stage.LOST:
            current.lost_from_stage = from_stage
            current.lost_reason = reason.strip()[:300]
        elif from_stage == Stage.LOST:
            current.lost_from_stage = ""
            current.lost_reason = ""
        current.stage = to_stage
        current.stage_entered_on = day
        change.note = (
            f"{pipeline.stage_label(from_stage)} → {pipeline.stage_label(to_stage)}"
            + backdated_note(day)
        )
    return change.instance
