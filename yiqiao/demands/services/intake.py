"""Raising a need: submission (deduplicated per enterprise and text), needs raised at events, attachments. Keyword-only, atomic, audited."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from yiqiao.accounts.models import User
from yiqiao.core.audit import audit_record, snapshot
from yiqiao.core.models import AuditEvent
from yiqiao.core.scope import user_scope
from yiqiao.registry.models import ChainNode, Organisation

from .. import summary
from ..engine import sla
from ..models import (
    NEED_TEXT_MAX_CHARS,
    TITLE_MAX_CHARS,
    Category,
    Channel,
    CleanroomClass,
    Demand,
    DemandAttachment,
    DemandTransition,
    FundingStage,
)
from .routing import due_dates, route

if TYPE_CHECKING:
    from typing_extensions import Unpack


class NeedDetails(TypedDict, total=False):
    """The optional details of a need (``demand_submit``'s keywords) a caller may pass on."""

    area_min_m2: Decimal | None
    area_max_m2: Decimal | None
    rent_max_yuan_per_m2_month: Decimal | None
    cleanroom_iso: int | None
    budget_yuan: Decimal | None
    funding_amount_yuan: Decimal | None
    funding_stage: str
    chain_nodes: Iterable[str | ChainNode]
    deadline: date | None
    attachments: Sequence[UploadedFile]
    now: datetime | None


#: Same enterprise, same normalised text within this window → the existing demand is returned.
DUPLICATE_WINDOW = timedelta(minutes=10)
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


def check_can_raise(user: User, organisation: Organisation) -> None:
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


def check_text(title: str, text: str) -> tuple[str, str]:
    """Trimmed title and text, or a ValidationError naming what is wrong."""
    text = (text or "").strip()
    title = (title or "").strip()
    errors: dict[str, str] = {}
    if not text:
        errors["text"] = "需求描述不能为空，请写明需要什么"
    elif len(text) > NEED_TEXT_MAX_CHARS:
        errors["text"] = f"需求描述过长（{len(text)}字），请控制在{NEED_TEXT_MAX_CHARS}字以内"
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


# ---- intake -------------------------------------------------------------------------------


def _clean_structured(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    lo, hi = data.get("area_min_m2"), data.get("area_max_m2")
    for key in (
        "area_min_m2",
        "area_max_m2",
        "rent_max_yuan_per_m2_month",
        "budget_yuan",
        "funding_amount_yuan",
    ):
        value = data.get(key)
        if value is not None and Decimal(value) < 0:
            errors[key] = "不能为负数"
    iso = data.get("cleanroom_iso")
    if iso is not None and iso not in CleanroomClass.values:
        errors["cleanroom_iso"] = "洁净等级应为ISO 5至ISO 9级"
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
    by: User,
    organisation: Organisation,
    category: str,
    text: str,
    title: str = "",
    channel: str = Channel.PORTAL,
    area_min_m2: Decimal | None = None,
    area_max_m2: Decimal | None = None,
    rent_max_yuan_per_m2_month: Decimal | None = None,
    cleanroom_iso: int | None = None,
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
            "rent_max_yuan_per_m2_month": rent_max_yuan_per_m2_month,
            "cleanroom_iso": cleanroom_iso,
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
    start = timezone.localtime(now).date()
    accept_due, respond_due = due_dates(category=category, start=start, organisation=organisation)
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
        accept_soon_from=sla.due_soon_from(start, accept_due),
        respond_soon_from=sla.due_soon_from(start, respond_due),
        source_event_id=source_event_id,
        **structured,
    )
    demand.full_clean(exclude=["text_normalised"])
    demand.save()
    if backdated:
        # created_at is auto_now_add; tests and imports may pass the submission time.
        Demand.objects.filter(pk=demand.pk).update(created_at=now)
        demand.created_at = now
    summary.need_added(demand)
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
    by: User,
    category: str,
    text: str,
    title: str = "",
    **fields: Unpack[NeedDetails],
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
    *, demand: Demand, by: User, attachments: Sequence[UploadedFile]
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
