"""Writes to demands. Keyword-only, atomic, audited; every life-cycle step goes through
``workflow.next_state`` and leaves a DemandTransition row and an AuditEvent.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from yiqiao.core.audit import audit_record, snapshot
from yiqiao.core.models import AuditEvent
from yiqiao.core.scope import user_scope
from yiqiao.registry.models import ChainNode, Organisation

from . import sla, workflow
from .models import (
    TEXT_MAX_CHARS,
    TITLE_MAX_CHARS,
    Category,
    Channel,
    Conversion,
    Demand,
    DemandAttachment,
    DemandTransition,
    FollowUp,
    FundingStage,
    Reminder,
    Response,
    RoutingRule,
    SlaPolicy,
)

#: Same enterprise, same normalised text within this window → the existing demand is returned.
DUPLICATE_WINDOW = timedelta(minutes=10)
DEFAULT_ACCEPT_DAYS = 1
DEFAULT_RESPOND_DAYS = 5
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENT_MAX_COUNT = 10
# extension → (kind, magic prefixes); office files are ZIP (docx/xlsx/pptx) or OLE (doc/xls/ppt).
_ZIP = (b"PK\x03\x04",)
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
ATTACHMENT_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "pdf": ("pdf", (b"%PDF-",)),
    "png": ("image", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image", (b"\xff\xd8\xff",)),
    "jpeg": ("image", (b"\xff\xd8\xff",)),
    "docx": ("office", _ZIP),
    "xlsx": ("office", _ZIP),
    "pptx": ("office", _ZIP),
    "doc": ("office", _OLE),
    "xls": ("office", _OLE),
    "ppt": ("office", _OLE),
}


class StaleEditError(ValidationError):
    """Someone else changed the demand after the page was loaded."""


@dataclass(frozen=True)
class SubmitResult:
    """The demand and whether it already existed (a duplicate submission)."""

    demand: Demand
    is_duplicate: bool


def text_fingerprint(text: str) -> str:
    """Hash of the text with width, case, spaces and punctuation folded (for duplicate checks)."""
    folded = unicodedata.normalize("NFKC", text).lower()
    folded = re.sub(r"[\s\W_]+", "", folded)
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


# ---- checks -------------------------------------------------------------------------------


def check_can_raise(user: Any, organisation: Organisation) -> None:
    """Enterprise users raise needs for their own organisation; officers for any in scope."""
    scope = user_scope(user)
    if scope.everything:
        return
    if not scope.is_staff_role:
        if scope.organisation_id != organisation.pk:
            raise PermissionDenied("企业用户只能为本机构提出需求")
        return
    if not user.can_edit_register:
        raise PermissionDenied("当前角色无权登记需求")
    in_scope = organisation.region_id in scope.region_ids or (
        organisation.park_id is not None and organisation.park_id in scope.region_ids
    )
    if not in_scope and organisation.owner_unit_id != scope.unit_id:
        raise PermissionDenied("该机构不在您的管辖范围内，不能为其登记需求")


def check_can_handle(user: Any) -> None:
    """Accepting, answering and closing needs is work for officers and admins."""
    if not (getattr(user, "is_superuser", False) or user.can_edit_register):
        raise PermissionDenied("当前角色无权办理需求")


def check_text(title: str, text: str) -> tuple[str, str]:
    """Trimmed title and text, or a ValidationError naming what is wrong."""
    text = (text or "").strip()
    title = (title or "").strip()
    errors: dict[str, str] = {}
    if not text:
        errors["text"] = "需求描述不能为空，请写明需要什么"
    elif len(text) > TEXT_MAX_CHARS:
        errors["text"] = f"需求描述过长（{len(text)}字），请控制在{TEXT_MAX_CHARS}字以内"
    if len(title) > TITLE_MAX_CHARS:
        errors["title"] = f"标题过长，请控制在{TITLE_MAX_CHARS}字以内"
    if errors:
        raise ValidationError(errors)
    if not title:
        title = re.split(r"[。！？!?\n]", text, maxsplit=1)[0][:40]
    return title, text


def check_attachments(files: Sequence[UploadedFile]) -> list[tuple[UploadedFile, str]]:
    """(file, kind) for each upload; ValidationError if any has the wrong type or size.

    The type is judged by the extension AND the first bytes, so a renamed executable is refused.
    """
    if len(files) > ATTACHMENT_MAX_COUNT:
        raise ValidationError({"attachments": f"附件最多{ATTACHMENT_MAX_COUNT}个"})
    out: list[tuple[UploadedFile, str]] = []
    problems: list[str] = []
    for upload in files:
        name = upload.name or "附件"
        ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        spec = ATTACHMENT_TYPES.get(ext)
        size = upload.size or 0
        if spec is None:
            problems.append(f"“{name}”类型不支持（仅限PDF、图片PNG/JPG、Word/Excel/PPT文档）")
            continue
        if size == 0:
            problems.append(f"“{name}”是空文件")
            continue
        if size > ATTACHMENT_MAX_BYTES:
            problems.append(
                f"“{name}”大小为{size / 1048576:.1f}MB，超过{ATTACHMENT_MAX_BYTES // 1048576}MB上限"
            )
            continue
        upload.seek(0)
        head = upload.read(16)
        upload.seek(0)
        if not any(head.startswith(magic) for magic in spec[1]):
            problems.append(f"“{name}”的内容与扩展名不符")
            continue
        out.append((upload, spec[0]))
    if problems:
        raise ValidationError({"attachments": "；".join(problems)})
    return out


# ---- routing and time limits --------------------------------------------------------------


def route(*, category: str, organisation: Organisation) -> Any:
    """The org unit responsible for a category in the organisation's region (most specific
    active rule), else the default rule of the category, else the organisation's owner unit.
    """
    rules = list(
        RoutingRule.objects.filter(category=category, is_active=True).select_related(
            "region", "unit"
        )
    )
    paths = [organisation.region.path]
    if organisation.park_id is not None:
        paths.insert(0, organisation.park.path)  # type: ignore[union-attr]
    best = None
    best_depth = -1
    for rule in rules:
        if rule.region_id is None:
            depth = 0
        elif any(path.startswith(rule.region.path) for path in paths):  # type: ignore[union-attr]
            depth = rule.region.path.count("/")  # type: ignore[union-attr]
        else:
            continue
        if depth > best_depth:
            best, best_depth = rule.unit, depth
    return best or organisation.owner_unit


def due_dates(*, category: str, start: date) -> tuple[date, date]:
    """Accept-by and respond-by dates for a need raised on ``start``."""
    policy = SlaPolicy.objects.filter(category=category).first()
    accept_days = policy.accept_days if policy else DEFAULT_ACCEPT_DAYS
    respond_days = policy.respond_days if policy else DEFAULT_RESPOND_DAYS
    return sla.add_working_days(start, accept_days), sla.add_working_days(start, respond_days)


# ---- intake -------------------------------------------------------------------------------


def _clean_structured(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    lo, hi = data.get("area_min_m2"), data.get("area_max_m2")
    for key in ("area_min_m2", "area_max_m2", "budget_yuan", "funding_amount_yuan"):
        value = data.get(key)
        if value is not None and Decimal(value) < 0:
            errors[key] = "不能为负数"
    if lo is not None and hi is not None and Decimal(lo) > Decimal(hi):
        errors["area_max_m2"] = "面积上限不能小于下限"
    stage = data.get("funding_stage") or ""
    if stage and stage not in FundingStage.values:
        errors["funding_stage"] = f"未知的融资阶段：{stage}"
    if errors:
        raise ValidationError(errors)
    return data


@transaction.atomic
def demand_submit(
    *,
    by: Any,
    organisation: Organisation,
    category: str,
    text: str,
    title: str = "",
    channel: str = Channel.PORTAL,
    area_min_m2: Decimal | None = None,
    area_max_m2: Decimal | None = None,
    budget_yuan: Decimal | None = None,
    funding_amount_yuan: Decimal | None = None,
    funding_stage: str = "",
    chain_nodes: Iterable[str | ChainNode] = (),
    deadline: date | None = None,
    attachments: Sequence[UploadedFile] = (),
    source_event_id: int | None = None,
    now: datetime | None = None,
) -> SubmitResult:
    """Record a need, route it and set its time limits.

    A second submission of the same text for the same organisation within DUPLICATE_WINDOW
    returns the existing demand (``is_duplicate``) and writes nothing. Everything is validated
    (text, category, channel, structure, attachments, permission) before anything is written.
    """
    check_can_raise(by, organisation)
    if category not in Category.values:
        raise ValidationError({"category": f"未知的需求类别：{category}"})
    if channel not in Channel.values:
        raise ValidationError({"channel": f"未知的来源渠道：{channel}"})
    title, text = check_text(title, text)
    structured = _clean_structured(
        {
            "area_min_m2": area_min_m2,
            "area_max_m2": area_max_m2,
            "budget_yuan": budget_yuan,
            "funding_amount_yuan": funding_amount_yuan,
            "funding_stage": funding_stage,
        }
    )
    nodes = _chain_nodes(chain_nodes)
    uploads = check_attachments(attachments)
    backdated = now is not None
    now = now or timezone.now()
    fingerprint = text_fingerprint(text)
    # Lock the organisation row so two simultaneous submissions cannot both pass the check.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    existing = (
        Demand.objects.filter(
            organisation=organisation,
            text_normalised=fingerprint,
            created_at__gte=now - DUPLICATE_WINDOW,
        )
        .order_by("-created_at")
        .first()
    )
    if existing is not None:
        return SubmitResult(existing, True)
    accept_due, respond_due = due_dates(category=category, start=timezone.localtime(now).date())
    demand = Demand(
        organisation=organisation,
        raised_by=by,
        channel=channel,
        category=category,
        title=title,
        text=text,
        text_normalised=fingerprint,
        deadline=deadline,
        unit=route(category=category, organisation=organisation),
        accept_due=accept_due,
        respond_due=respond_due,
        source_event_id=source_event_id,
        **structured,
    )
    demand.full_clean(exclude=["text_normalised"])
    demand.save()
    if backdated:
        # created_at is auto_now_add; tests and imports may pass the submission time.
        Demand.objects.filter(pk=demand.pk).update(created_at=now)
        demand.created_at = now
    if nodes:
        demand.chain_nodes.set(nodes)
    for upload, kind in uploads:
        attachment = DemandAttachment(
            demand=demand,
            name=(upload.name or "附件")[:200],
            kind=kind,
            size_bytes=upload.size or 0,
            uploaded_by=by,
        )
        attachment.file.save(upload.name or "attachment", upload, save=False)
        attachment.save()
    DemandTransition.objects.create(
        demand=demand, event="submit", from_state="", to_state=demand.state, by=by
    )
    audit_record(actor=by, action=AuditEvent.Action.CREATE, instance=demand, after=snapshot(demand))
    return SubmitResult(demand, False)


def demand_create_from_event(
    *,
    event_id: int,
    organisation: Organisation,
    by: Any,
    category: str,
    text: str,
    title: str = "",
    **fields: Any,
) -> SubmitResult:
    """A need heard at a promotion event (推介会、对接会): channel ``event``, linked to the event."""
    return demand_submit(
        by=by,
        organisation=organisation,
        category=category,
        text=text,
        title=title,
        channel=Channel.EVENT,
        source_event_id=event_id,
        **fields,
    )


def _chain_nodes(values: Iterable[str | ChainNode]) -> list[ChainNode]:
    items = list(values or ())
    if all(isinstance(v, ChainNode) for v in items):
        return items  # type: ignore[return-value]
    codes = [v.code if isinstance(v, ChainNode) else str(v) for v in items]
    nodes = list(ChainNode.objects.filter(code__in=codes))
    missing = set(codes) - {n.code for n in nodes}
    if missing:
        raise ValidationError({"chain_nodes": f"未知的产业链节点：{'、'.join(sorted(missing))}"})
    return nodes


@transaction.atomic
def demand_attach(
    *, demand: Demand, by: Any, attachments: Sequence[UploadedFile]
) -> list[DemandAttachment]:
    """Add files to an existing demand: its raiser (same organisation) or an officer in scope.
    All files are checked before any is stored."""
    scope = user_scope(by)
    if not (
        scope.everything or scope.is_staff_role or scope.organisation_id == demand.organisation_id
    ):
        raise PermissionDenied("只能为本机构的需求上传附件")
    if scope.is_staff_role and not (by.is_superuser or by.can_edit_register):
        raise PermissionDenied("当前角色无权上传附件")
    if not attachments:
        raise ValidationError({"attachments": "请选择要上传的文件"})
    existing = DemandAttachment.objects.filter(demand=demand).count()
    if existing + len(attachments) > ATTACHMENT_MAX_COUNT:
        raise ValidationError({"attachments": f"附件最多{ATTACHMENT_MAX_COUNT}个"})
    stored = []
    for upload, kind in check_attachments(attachments):
        attachment = DemandAttachment(
            demand=demand,
            name=(upload.name or "附件")[:200],
            kind=kind,
            size_bytes=upload.size or 0,
            uploaded_by=by,
        )
        attachment.file.save(upload.name or "attachment", upload, save=False)
        attachment.save()
        audit_record(
            actor=by,
            action=AuditEvent.Action.CREATE,
            instance=attachment,
            after=snapshot(attachment, exclude=("file",)),
        )
        stored.append(attachment)
    return stored


# ---- life cycle ---------------------------------------------------------------------------


def _locked(demand: Demand, row_version: int | None) -> Demand:
    current = Demand.objects.select_for_update().get(pk=demand.pk)
    if row_version is not None and current.row_version != row_version:
        raise StaleEditError("该需求已被他人处理，请刷新后重试（您的操作未保存）")
    return current


def _step(
    current: Demand,
    event: str,
    *,
    by: Any,
    note: str = "",
    satisfaction: int | None = None,
    changes: dict[str, Any] | None = None,
) -> workflow.Step:
    """Apply one workflow event to a locked demand: state, fields, transition row, audit."""
    try:
        step = workflow.next_state(current.state, event, satisfaction=satisfaction)
    except workflow.TransitionError as exc:
        raise ValidationError(str(exc)) from exc
    before = snapshot(current)
    current.state = step.to_state
    for key, value in (changes or {}).items():
        setattr(current, key, value)
    current.row_version = F("row_version") + 1
    current.save()
    current.refresh_from_db()
    DemandTransition.objects.create(
        demand=current,
        event=event,
        from_state=step.from_state,
        to_state=step.to_state,
        by=by,
        note=note[:300],
    )
    audit_record(
        actor=by,
        action=AuditEvent.Action.TRANSITION,
        instance=current,
        before=before,
        after=snapshot(current),
        note=f"{workflow.EVENT_LABELS[event]}：{workflow.STATE_LABELS[step.from_state]}→"
        f"{workflow.STATE_LABELS[step.to_state]}" + (f"（{note}）" if note else ""),
    )
    return step


def _check_assignee(assignee: Any, demand: Demand) -> None:
    if not (assignee.is_superuser or assignee.role in {"officer", "admin"}):
        raise ValidationError({"assignee": "承办人须为业务人员或管理员"})
    scope = user_scope(assignee)
    org = demand.organisation
    if not (
        scope.everything
        or org.region_id in scope.region_ids
        or (org.park_id is not None and org.park_id in scope.region_ids)
        or (demand.unit_id is not None and assignee.org_unit_id == demand.unit_id)
    ):
        raise ValidationError({"assignee": f"{assignee}不负责该机构所在区域，不能承办"})


@transaction.atomic
def demand_accept(*, demand: Demand, by: Any, row_version: int | None = None) -> Demand:
    """Accept (受理) a submitted need; the acceptor's unit takes it if none was routed."""
    check_can_handle(by)
    current = _locked(demand, row_version)
    changes: dict[str, Any] = {"accepted_at": timezone.now()}
    if current.unit_id is None and getattr(by, "org_unit_id", None):
        changes["unit_id"] = by.org_unit_id
    _step(current, workflow.ACCEPT, by=by, changes=changes)
    return current


@transaction.atomic
def demand_assign(
    *, demand: Demand, by: Any, assignee: Any, row_version: int | None = None, note: str = ""
) -> Demand:
    """Give an accepted need to an officer who answers it."""
    check_can_handle(by)
    current = _locked(demand, row_version)
    _check_assignee(assignee, current)
    _step(
        current,
        workflow.ASSIGN,
        by=by,
        note=note or f"承办人：{assignee}",
        changes={"assignee": assignee},
    )
    return current


@transaction.atomic
def demand_reassign(
    *,
    demand: Demand,
    by: Any,
    unit: Any,
    assignee: Any = None,
    note: str = "",
    row_version: int | None = None,
) -> Demand:
    """Hand a need to another org unit (and optionally a person there); the state is kept."""
    check_can_handle(by)
    current = _locked(demand, row_version)
    if current.state not in workflow.REASSIGNABLE_STATES:
        raise ValidationError(f"需求当前为“{workflow.STATE_LABELS[current.state]}”，不能改派")
    if assignee is not None:
        if assignee.org_unit_id != unit.pk:
            raise ValidationError({"assignee": "承办人须属于改派后的责任单元"})
        _check_assignee(assignee, current)
    before = snapshot(current)
    current.unit = unit
    current.assignee = assignee
    current.row_version = F("row_version") + 1
    current.save()
    current.refresh_from_db()
    DemandTransition.objects.create(
        demand=current,
        event="reassign",
        from_state=current.state,
        to_state=current.state,
        by=by,
        note=(note or f"改派至{unit}")[:300],
    )
    audit_record(
        actor=by,
        action=AuditEvent.Action.UPDATE,
        instance=current,
        before=before,
        after=snapshot(current),
        note=f"改派至{unit}" + (f"（{note}）" if note else ""),
    )
    return current


def _ensure_assigned(current: Demand, by: Any) -> None:
    """An officer answering a need that nobody has taken yet accepts and takes it first."""
    if current.state == workflow.SUBMITTED:
        changes: dict[str, Any] = {"accepted_at": timezone.now()}
        if current.unit_id is None and getattr(by, "org_unit_id", None):
            changes["unit_id"] = by.org_unit_id
        _step(current, workflow.ACCEPT, by=by, changes=changes, note="响应时自动受理")
    if current.state == workflow.ACCEPTED:
        _check_assignee(by, current)
        _step(current, workflow.ASSIGN, by=by, changes={"assignee": by}, note="响应人自行承办")


@transaction.atomic
def demand_respond(
    *,
    demand: Demand,
    by: Any,
    text: str,
    resource_kind: str = "",
    resource_key: str = "",
    resource_title: str = "",
    reasons: Sequence[str] = (),
    row_version: int | None = None,
) -> Response:
    """Answer a need (a referral when it names a resource). A referral to a resource already
    recommended on this demand returns the existing response instead of a second one.
    """
    check_can_handle(by)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "响应内容不能为空"})
    if len(text) > TEXT_MAX_CHARS:
        raise ValidationError({"text": f"响应内容请控制在{TEXT_MAX_CHARS}字以内"})
    current = _locked(demand, row_version)
    if resource_key:
        existing = Response.objects.filter(demand=current, resource_key=resource_key).first()
        if existing is not None:
            return existing
    _ensure_assigned(current, by)
    changes: dict[str, Any] = {}
    if current.responded_at is None:
        changes["responded_at"] = timezone.now()
    _step(
        current,
        workflow.RESPOND,
        by=by,
        changes=changes,
        note=f"推荐：{resource_title}" if resource_key else "",
    )
    try:
        with transaction.atomic():
            response = Response.objects.create(
                demand=current,
                text=text,
                is_referral=bool(resource_key),
                resource_kind=resource_kind,
                resource_key=resource_key[:80],
                resource_title=resource_title[:200],
                reasons=list(reasons),
                by=by,
            )
    except IntegrityError as exc:  # a concurrent click on the same suggestion
        raise ValidationError("该资源已推荐过") from exc
    audit_record(
        actor=by, action=AuditEvent.Action.CREATE, instance=response, after=snapshot(response)
    )
    demand.refresh_from_db()
    return response


@transaction.atomic
def demand_resolve(
    *, demand: Demand, by: Any, note: str = "", row_version: int | None = None
) -> Demand:
    """Mark a responded need as resolved (办结)."""
    check_can_handle(by)
    current = _locked(demand, row_version)
    _step(current, workflow.RESOLVE, by=by, note=note, changes={"resolved_at": timezone.now()})
    return current


@transaction.atomic
def demand_convert(
    *,
    demand: Demand,
    by: Any,
    kind: str,
    on: date | None = None,
    amount_yuan: Decimal | None = None,
    response: Response | None = None,
    target: Any = None,
    note: str = "",
    row_version: int | None = None,
) -> Conversion:
    """Record what the need became. A responded need is resolved first (two audited steps);
    a converted need may record further conversions (a lease and a policy award)."""
    check_can_handle(by)
    if kind not in Conversion.Kind.values:
        raise ValidationError({"kind": f"未知的转化类型：{kind}"})
    if amount_yuan is not None and amount_yuan < 0:
        raise ValidationError({"amount_yuan": "金额不能为负数"})
    current = _locked(demand, row_version)
    if response is not None and response.demand_id != current.pk:
        raise ValidationError({"response": "该响应不属于本需求"})
    if current.state == workflow.RESPONDED:
        _step(
            current,
            workflow.RESOLVE,
            by=by,
            changes={"resolved_at": timezone.now()},
            note="登记转化时办结",
        )
    changes: dict[str, Any] = {}
    if current.converted_at is None:
        changes["converted_at"] = timezone.now()
    label = Conversion.Kind(kind).label
    _step(current, workflow.CONVERT, by=by, changes=changes, note=str(label))
    conversion = Conversion(
        demand=current,
        kind=kind,
        amount_yuan=amount_yuan,
        response=response,
        note=note[:300],
        on=on or timezone.localdate(),
        by=by,
    )
    if target is not None:
        conversion.target = target
    conversion.full_clean(exclude=["target_type", "target_id"])
    conversion.save()
    audit_record(
        actor=by, action=AuditEvent.Action.CREATE, instance=conversion, after=snapshot(conversion)
    )
    demand.refresh_from_db()
    return conversion


@transaction.atomic
def demand_close(*, demand: Demand, by: Any, note: str, row_version: int | None = None) -> Demand:
    """Close a need without a conversion; a note saying why is required."""
    check_can_handle(by)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "关闭需求须说明原因"})
    current = _locked(demand, row_version)
    _step(current, workflow.CLOSE, by=by, note=note, changes={"closed_at": timezone.now()})
    return current


@transaction.atomic
def demand_follow_up(
    *,
    demand: Demand,
    by: Any,
    satisfaction: int,
    on: date | None = None,
    note: str = "",
    row_version: int | None = None,
) -> FollowUp:
    """Record a follow-up visit (回访). Satisfaction ≤ 2 reopens the need for its assignee."""
    check_can_handle(by)
    current = _locked(demand, row_version)
    step = _step(
        current,
        workflow.FOLLOW_UP,
        by=by,
        satisfaction=satisfaction,
        note=f"满意度{satisfaction}分" + ("，不满意，重新办理" if satisfaction <= 2 else ""),
    )
    follow_up = FollowUp.objects.create(
        demand=current,
        on=on or timezone.localdate(),
        satisfaction=satisfaction,
        note=(note or "")[:500],
        is_reopened=step.is_reopened,
        by=by,
    )
    audit_record(
        actor=by, action=AuditEvent.Action.CREATE, instance=follow_up, after=snapshot(follow_up)
    )
    demand.refresh_from_db()
    return follow_up


# ---- reminders ----------------------------------------------------------------------------


def demand_remind_overdue(*, today: date | None = None) -> int:
    """Record one reminder per overdue demand per day for its assignee (or its unit).

    Healthchecks style: each demand is claimed with a conditional UPDATE on ``reminded_on``, so
    two runs on the same day (or two workers) never remind twice. Returns reminders written.
    """
    from django.db.models import Q

    today = today or timezone.localdate()
    overdue = Demand.objects.filter(
        Q(state=workflow.SUBMITTED, accept_due__lt=today)
        | Q(state__in=workflow.OPEN_STATES, respond_due__lt=today)
    ).filter(Q(reminded_on__isnull=True) | Q(reminded_on__lt=today))
    written = 0
    for demand_id in list(overdue.values_list("pk", flat=True)[:10_000]):
        with transaction.atomic():
            claimed = (
                Demand.objects.filter(pk=demand_id)
                .filter(Q(reminded_on__isnull=True) | Q(reminded_on__lt=today))
                .update(reminded_on=today)
            )
            if not claimed:
                continue
            demand = Demand.objects.select_related("assignee", "unit").get(pk=demand_id)
            which = "受理" if demand.state == workflow.SUBMITTED else "响应"
            due = demand.accept_due if demand.state == workflow.SUBMITTED else demand.respond_due
            reminder = Reminder.objects.create(
                demand=demand,
                recipient=demand.assignee,
                unit=demand.unit,
                day=today,
                message=f"需求#{demand.pk}“{demand.title[:40]}”已超过{which}时限（{due}），请尽快办理",
            )
            audit_record(
                actor=None,
                action=AuditEvent.Action.CREATE,
                instance=reminder,
                after=snapshot(reminder),
                note="超期提醒",
            )
            written += 1
    return written
