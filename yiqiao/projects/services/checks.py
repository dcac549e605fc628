"""Checks shared by the project writes: amounts, dates, attachments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from yiqiao.accounts.models import User

from ..models import MAX_AMOUNT

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


def _today() -> dt.date:
    return timezone.localdate()


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


def _actor(by: User) -> Any:
    return by if getattr(by, "pk", None) else None


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


def backdated_note(day: dt.date) -> str:
    """For an audit note: a date before the day of entry says it was entered afterwards (the
    audit event's own time is the entry time)."""
    today = _today()
    return f"（补录：生效日期 {day:%Y-%m-%d}，登记日期 {today:%Y-%m-%d}）" if day < today else ""
