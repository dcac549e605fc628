"""Writes to a district's reference profile of a complete chain (the target map staff edit).

A node without a row of its own is measured against ``DEFAULT_TARGETS`` for its level; staff
set a node's own targets (enterprises, revenue, employment, qualified firms) with the basis they
come from, or put a node back on the default. Only editing roles of the district's own units
write, every write is audited, and a bad value changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from yiqiao.accounts.models import User
from yiqiao.core.audit import audit_record, snapshot
from yiqiao.core.models import AuditEvent
from yiqiao.registry.models import ChainNode, Region

from ..models import NodeTarget
from .gaps import DEFAULT_TARGETS

#: Ceilings that catch a slip of the keyboard (a district plans no million firms on one node).
MAX_ENTERPRISES = 10_000
MAX_HEADCOUNT = 10_000_000
MAX_REVENUE_WAN = Decimal("100000000")  # 1 万亿元


@dataclass(frozen=True)
class ProfileInput:
    """What a staff member typed (text, as a form posts it); revenue in 万元."""

    enterprises: str
    revenue_wan: str
    headcount: str
    qualified: str
    note: str


@dataclass(frozen=True)
class ProfileValues:
    enterprises: int
    revenue_yuan: Decimal
    headcount: int
    qualified: int
    note: str


def _whole(text: str, label: str, ceiling: int, errors: dict[str, str], key: str) -> int:
    value = (text or "").strip().replace(",", "").replace("，", "")
    if not value:
        errors[key] = f"请填写{label}"
        return 0
    if not value.isdigit():
        errors[key] = f"{label}须为不小于0的整数"
        return 0
    number = int(value)
    if number > ceiling:
        errors[key] = f"{label}不能超过{ceiling:,}"
    return number


def profile_parse(data: ProfileInput) -> ProfileValues:
    """Check every field; all problems at once, in Chinese, keyed by field."""
    errors: dict[str, str] = {}
    enterprises = _whole(data.enterprises, "目标企业数", MAX_ENTERPRISES, errors, "enterprises")
    headcount = _whole(data.headcount, "目标从业人数", MAX_HEADCOUNT, errors, "headcount")
    qualified = _whole(data.qualified, "目标高企/专精特新数", MAX_ENTERPRISES, errors, "qualified")
    revenue_wan = Decimal(0)
    raw = (data.revenue_wan or "").strip().replace(",", "").replace("，", "")
    if not raw:
        errors["revenue_wan"] = "请填写目标营收（万元）"
    else:
        try:
            revenue_wan = Decimal(raw)
        except InvalidOperation:
            errors["revenue_wan"] = "目标营收须为数字（单位：万元）"
        else:
            if not revenue_wan.is_finite() or revenue_wan < 0:
                errors["revenue_wan"] = "目标营收须为不小于0的数字（单位：万元）"
            elif revenue_wan > MAX_REVENUE_WAN:
                errors["revenue_wan"] = "目标营收不能超过1万亿元"
    if "enterprises" not in errors and "qualified" not in errors and qualified > enterprises:
        errors["qualified"] = "目标高企/专精特新数不能多于目标企业数"
    note = (data.note or "").strip()
    if not note:
        errors["note"] = "请写明依据（如规划文件名称、对标区域）"
    elif len(note) > 300:
        errors["note"] = "依据不超过300字"
    if errors:
        raise ValidationError(errors)
    return ProfileValues(
        enterprises=enterprises,
        revenue_yuan=(revenue_wan * 10_000).quantize(Decimal("0.01")),
        headcount=headcount,
        qualified=qualified,
        note=note,
    )


def _require_editor(region: Region, by: User) -> None:
    from ..queries import district_for

    if not getattr(by, "can_edit_register", False):
        raise PermissionDenied("当前角色无权修改目标画像")
    home = district_for(by)
    if getattr(by, "is_superuser", False) and home is None:
        return
    if home is None or home.pk != region.pk:
        raise PermissionDenied("只能修改本区的目标画像")


def profile_defaults(node: ChainNode) -> tuple[int, float, int]:
    """(enterprises, revenue in 元, qualified) a node is measured against without a row."""
    return DEFAULT_TARGETS[min(node.level or 1, 3)]


@transaction.atomic
def node_target_save(
    *, region: Region, node: ChainNode, data: ProfileInput, by: User
) -> NodeTarget:
    """Set a node's targets for the district (creates the row the first time)."""
    _require_editor(region, by)
    values = profile_parse(data)
    row = (
        NodeTarget.objects.restrict(by, "change")
        .select_for_update()
        .filter(region=region, node=node)
        .first()
    )
    before = snapshot(row) if row is not None else None
    if row is None:
        row = NodeTarget(region=region, node=node)
    row.enterprises = values.enterprises
    row.revenue_yuan = values.revenue_yuan
    row.headcount = values.headcount
    row.qualified = values.qualified
    row.note = values.note
    row.save()
    audit_record(
        actor=by,
        action=AuditEvent.Action.CREATE if before is None else AuditEvent.Action.UPDATE,
        instance=row,
        before=before,
        after=snapshot(row),
        note=f"目标画像：{node.name}（{node.code}）",
    )
    return row


@transaction.atomic
def node_target_reset(*, region: Region, node: ChainNode, by: User) -> bool:
    """Put a node back on the default profile of its level; False when it already was."""
    _require_editor(region, by)
    row = NodeTarget.objects.restrict(by, "change").filter(region=region, node=node).first()
    if row is None:
        return False
    audit_record(
        actor=by,
        action=AuditEvent.Action.DELETE,
        instance=row,
        before=snapshot(row),
        note=f"目标画像恢复默认：{node.name}（{node.code}）",
    )
    row.delete()
    return True
