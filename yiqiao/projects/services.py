"""Writes to investment projects. Every write is atomic and leaves an audit event.

Entry points other apps call (news-intel, events):

    project_create_lead(*, title, investor=None, source_note, chain_nodes=(), by,
                        owner_unit=None, source_url_or_ref="") -> Project
        Create a Lead (a Project at stage lead). Idempotent per (source_url_or_ref, investor):
        calling it again for the same article/meeting and investor returns the existing project
        unchanged, so one source never creates two leads. `chain_nodes` are ChainNode rows or
        codes; `owner_unit` defaults to the unit of `by`.

    signing_record(*, project, signed_on, agreement_type, amount, currency, signatories, by,
                   event_ref="", note="") -> Signing
        Record a signed agreement. Refuses (ValidationError, Chinese message) a date in the future,
        a negative or absurd amount, a currency other than the project's, a lost project, and the
        same agreement recorded twice (same project, type and date; a database constraint backs
        this up), so a signing is never counted twice. It does not move the stage: moving to 签约
        stays an explicit, validated transition.

Other writes: project_create, project_update, project_advance_stage (validated transition with
row_version and SELECT … FOR UPDATE), activity_record, milestone_record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from yiqiao.core.audit import audit_record, snapshot
from yiqiao.core.models import AuditEvent
from yiqiao.core.uscc import uscc_problem
from yiqiao.registry.models import ChainNode, Organisation
from yiqiao.registry.services import StaleEditError

from .engine import pipeline
from .models import MAX_AMOUNT, Activity, Milestone, Project, Signing, Stage, StageChange

__all__ = [
    "StaleEditError",
    "TransitionRefused",
    "activity_record",
    "milestone_record",
    "project_advance_stage",
    "project_create",
    "project_create_lead",
    "project_update",
    "signing_record",
]

ATTACHMENT_TYPES = {
    ".pdf",
    ".doc",
    ".docx",
    ".xls",
    ".xlsx",
    ".ppt",
    ".pptx",
    ".jpg",
    ".jpeg",
    ".png",
}
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
M2M = ("investors", "chain_nodes")


class TransitionRefused(ValidationError):
    """A stage move the pipeline does not allow; the message says why."""


def _today() -> dt.date:
    return timezone.localdate()


def _chain_nodes(items: Iterable[Any]) -> list[ChainNode]:
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


def check_amount(value: Decimal | str | None, label: str) -> None:
    """Refuse negative and absurd amounts with a message naming the field."""
    if value is None or value == "":
        return
    try:
        value = Decimal(str(value))
    except ArithmeticError as exc:
        raise ValidationError(f"{label}“{value}”不是数字") from exc
    if value < 0:
        raise ValidationError(f"{label}不能为负数")
    if value > MAX_AMOUNT:
        raise ValidationError(f"{label}“{value}”超出合理范围（上限1万亿），请核对单位")


def check_not_future(day: dt.date, label: str) -> None:
    if day > _today():
        raise ValidationError(f"{label}“{day:%Y-%m-%d}”晚于今天，不能登记未发生的事项")


def _set_m2m(project: Project, deferred: dict[str, Any]) -> None:
    if "investors" in deferred:
        project.investors.set(deferred["investors"])
    if "chain_nodes" in deferred:
        project.chain_nodes.set(_chain_nodes(deferred["chain_nodes"]))


@transaction.atomic
def project_create(*, data: dict[str, Any], by: Any) -> Project:
    """Create a project from validated data (investors: Organisations; chain_nodes: rows/codes)."""
    project = Project()
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
    project.stage_entered_on = _today()
    project.full_clean(exclude=["source_key"])
    project.save()
    _set_m2m(project, deferred)
    StageChange.objects.create(
        project=project, from_stage="", to_stage=Stage.LEAD, changed_on=_today(), by=_actor(by)
    )
    audit_record(
        actor=by, action=AuditEvent.Action.CREATE, instance=project, after=snapshot(project)
    )
    return project


def _actor(by: Any) -> Any:
    return by if getattr(by, "pk", None) else None


def project_create_lead(
    *,
    title: str,
    investor: Organisation | None = None,
    source_note: str,
    chain_nodes: Iterable[Any] = (),
    by: Any,
    owner_unit: Any = None,
    source_url_or_ref: str = "",
) -> Project:
    """Create a Lead, idempotent per (source ref, investor); see the module docstring."""
    ref = source_url_or_ref.strip()[:300]
    key = f"{ref}|{investor.pk if investor else 0}" if ref else ""
    if key:
        existing = Project.objects.filter(source_key=key).first()
        if existing is not None:
            return existing
    data: dict[str, Any] = {
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


def _locked(project: Project, row_version: int | None) -> Project:
    current = Project.objects.select_for_update().get(pk=project.pk)
    if row_version is not None and current.row_version != row_version:
        raise StaleEditError(
            f"该项目已被他人修改（当前版本{current.row_version}，您编辑的是版本{row_version}），"
            "请刷新后重试；您的修改未保存"
        )
    return current


@transaction.atomic
def project_update(
    *, project: Project, data: dict[str, Any], by: Any, row_version: int | None = None
) -> Project:
    """Update a project's fields (not its stage); refuses a stale `row_version`."""
    current = _locked(project, row_version)
    before = snapshot(current)
    deferred = {k: data.pop(k) for k in M2M if k in data}
    if "stage" in data:
        raise ValidationError("阶段须通过阶段变更操作修改")
    if "currency" in data and data["currency"] != current.currency and current.is_signed:
        raise ValidationError("项目已有签约记录，不能修改币种")
    for key, value in data.items():
        setattr(current, key, value)
    for key, label in (("planned_amount", "计划投资额"), ("expected_output_yuan", "预计年产值")):
        check_amount(getattr(current, key), label)
    current.full_clean(exclude=["source_key"])
    current.row_version = F("row_version") + 1
    current.save()
    current.refresh_from_db()
    _set_m2m(current, deferred)
    audit_record(
        actor=by,
        action=AuditEvent.Action.UPDATE,
        instance=current,
        before=before,
        after=snapshot(current),
    )
    return current


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


@transaction.atomic
def project_advance_stage(
    *,
    project: Project,
    to_stage: str,
    by: Any,
    row_version: int | None = None,
    reason: str = "",
    on: dt.date | None = None,
) -> Project:
    """Move a project to `to_stage` after the pipeline's checks; writes the stage history.

    Raises TransitionRefused (with the pipeline's Chinese reasons) or StaleEditError.
    """
    current = _locked(project, row_version)
    day = on or _today()
    check_not_future(day, "变更日期")
    if day < current.stage_entered_on:
        raise TransitionRefused(
            f"变更日期不能早于进入当前阶段的日期（{current.stage_entered_on:%Y-%m-%d}）"
        )
    check = pipeline.check_transition(project_facts(current), to_stage, reason=reason)
    if not check.allowed:
        raise TransitionRefused(check.message)
    before = snapshot(current)
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
    current.row_version = F("row_version") + 1
    current.save()
    current.refresh_from_db()
    audit_record(
        actor=by,
        action=AuditEvent.Action.TRANSITION,
        instance=current,
        before=before,
        after=snapshot(current),
        note=f"{pipeline.stage_label(from_stage)} → {pipeline.stage_label(to_stage)}",
    )
    return current


def check_attachment(upload: UploadedFile | None) -> None:
    """Only office documents, PDFs and images up to 10 MB."""
    if upload is None:
        return
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in ATTACHMENT_TYPES:
        allowed = "、".join(sorted(ATTACHMENT_TYPES))
        raise ValidationError(f"附件类型“{suffix or '无扩展名'}”不允许，仅支持：{allowed}")
    if (upload.size or 0) > ATTACHMENT_MAX_BYTES:
        raise ValidationError(f"附件过大（{(upload.size or 0) / 1048576:.1f} MB），上限为 10 MB")
    head = upload.read(8)
    upload.seek(0)
    if suffix == ".pdf" and not head.startswith(b"%PDF"):
        raise ValidationError("附件内容不是 PDF 文件")
    if suffix in {".docx", ".xlsx", ".pptx"} and not head.startswith(b"PK"):
        raise ValidationError("附件内容与扩展名不符")


@transaction.atomic
def activity_record(
    *,
    project: Project,
    kind: str,
    happened_on: dt.date,
    summary: str,
    by: Any,
    attachment: UploadedFile | None = None,
    next_follow_up_on: dt.date | None = None,
) -> Activity:
    """Log a contact with the investor; optionally set the next follow-up date."""
    check_not_future(happened_on, "跟进日期")
    if not summary.strip():
        raise ValidationError("请填写跟进内容")
    if kind not in Activity.Kind.values:
        raise ValidationError(f"未知的跟进方式“{kind}”")
    if next_follow_up_on is not None and next_follow_up_on < _today():
        raise ValidationError("下次跟进日期不能早于今天")
    check_attachment(attachment)
    activity = Activity(
        project=project, kind=kind, happened_on=happened_on, summary=summary, by=_actor(by)
    )
    if attachment is not None:
        activity.attachment.save(Path(attachment.name or "file").name, attachment, save=False)
    activity.save()
    if next_follow_up_on is not None:
        Project.objects.filter(pk=project.pk).update(
            next_follow_up_on=next_follow_up_on, row_version=F("row_version") + 1
        )
    audit_record(
        actor=by, action=AuditEvent.Action.CREATE, instance=activity, after=snapshot(activity)
    )
    return activity


@transaction.atomic
def signing_record(
    *,
    project: Project,
    signed_on: dt.date,
    agreement_type: str,
    amount: Decimal,
    currency: str,
    signatories: str,
    by: Any,
    event_ref: str = "",
    note: str = "",
) -> Signing:
    """Record a signing once; see the module docstring for what is refused."""
    current = Project.objects.select_for_update().get(pk=project.pk)
    check_not_future(signed_on, "签约日期")
    check_amount(amount, "签约金额")
    if amount <= 0:
        raise ValidationError("签约金额须大于0")
    if agreement_type not in Signing.AgreementType.values:
        raise ValidationError(f"未知的协议类型“{agreement_type}”")
    if currency != current.currency:
        raise ValidationError(
            f"本项目以{current.get_currency_display()}（{current.currency}）计价，签约币种须一致；"
            "不同币种的金额不能直接相加，请按约定汇率折算后登记并在备注中注明汇率"
        )
    if current.stage == Stage.LOST:
        raise ValidationError("已终止的项目不能登记签约，请先恢复项目")
    if not signatories.strip():
        raise ValidationError("请填写签约方")
    duplicate = current.signings.filter(agreement_type=agreement_type, signed_on=signed_on).first()
    if duplicate is not None:
        raise ValidationError(
            f"该协议已登记（{signed_on:%Y-%m-%d} {duplicate.get_agreement_type_display()}），"
            "同一协议不重复计入"
        )
    signing = Signing.objects.create(
        project=current,
        signed_on=signed_on,
        agreement_type=agreement_type,
        amount=amount,
        currency=currency,
        signatories=signatories.strip()[:300],
        event_ref=event_ref.strip()[:200],
        note=note.strip()[:300],
        by=_actor(by),
    )
    first = signed_on if current.signed_on is None else min(current.signed_on, signed_on)
    Project.objects.filter(pk=current.pk).update(
        signed_amount=F("signed_amount") + amount, signed_on=first, row_version=F("row_version") + 1
    )
    audit_record(
        actor=by, action=AuditEvent.Action.CREATE, instance=signing, after=snapshot(signing)
    )
    return signing


@transaction.atomic
def milestone_record(
    *,
    project: Project,
    kind: str,
    achieved_on: dt.date,
    by: Any,
    realised_capex: Decimal = Decimal("0"),
    capital_arrived: Decimal = Decimal("0"),
    jobs: int | None = None,
    revenue: Decimal | None = None,
    note: str = "",
) -> Milestone:
    """Record a landing milestone and roll its figures into the project's realised totals."""
    current = Project.objects.select_for_update().get(pk=project.pk)
    check_not_future(achieved_on, "节点日期")
    if kind not in Milestone.Kind.values:
        raise ValidationError(f"未知的落地节点“{kind}”")
    for value, label in (
        (realised_capex, "完成投资"),
        (capital_arrived, "到位资金"),
        (revenue, "年营收"),
    ):
        check_amount(value, label)
    if jobs is not None and jobs < 0:
        raise ValidationError("就业人数不能为负数")
    if current.signed_on is None:
        raise ValidationError("项目尚无签约记录，不能登记落地节点")
    if achieved_on < current.signed_on:
        raise ValidationError(f"节点日期早于首次签约日期（{current.signed_on:%Y-%m-%d}）")
    if current.milestones.filter(kind=kind, achieved_on=achieved_on).exists():
        raise ValidationError("同一天的同类落地节点已登记，不重复计入")
    milestone = Milestone.objects.create(
        project=current,
        kind=kind,
        achieved_on=achieved_on,
        realised_capex=realised_capex,
        capital_arrived=capital_arrived,
        jobs=jobs,
        revenue=revenue,
        note=note.strip()[:300],
        by=_actor(by),
    )
    updates: dict[str, Any] = {
        "realised_capex": F("realised_capex") + realised_capex,
        "capital_arrived": F("capital_arrived") + capital_arrived,
        "row_version": F("row_version") + 1,
    }
    later = current.milestones.filter(achieved_on__gt=achieved_on)
    if jobs is not None and not later.filter(jobs__isnull=False).exists():
        updates["realised_jobs"] = jobs
    if revenue is not None and not later.filter(revenue__isnull=False).exists():
        updates["realised_revenue"] = revenue
    Project.objects.filter(pk=current.pk).update(**updates)
    audit_record(
        actor=by, action=AuditEvent.Action.CREATE, instance=milestone, after=snapshot(milestone)
    )
    return milestone
