"""Yearly cultivation targets of a region (set by that region's admins)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from yiqiao.accounts.models import User
from yiqiao.core.audit import audit_record, snapshot
from yiqiao.core.models import AuditEvent
from yiqiao.core.scope import user_scope
from yiqiao.core.transitions import versioned_change
from yiqiao.registry.models import Region

from ..models import CultivationTarget, Metric


@transaction.atomic
def target_set(
    *, region: Region, year: int, metric: str, target: int, by: User
) -> CultivationTarget:
    """Set (or change) a region's target for one metric and year."""
    scope = user_scope(by)
    if not (scope.everything or (scope.is_admin and region.pk in scope.region_ids)):
        raise PermissionDenied("只有本区域的管理员可以设定培育目标")
    if metric not in Metric.values:
        raise ValidationError({"metric": f"未知的指标：{metric}"})
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": f"年度 {year} 不在 2000–2100 之间"})
    if target < 0:
        raise ValidationError({"target": "目标数不能为负"})
    existing = (
        CultivationTarget.objects.filter(region=region, year=year, metric=metric)
        .values_list("pk", flat=True)
        .first()
    )
    if existing is None:
        row = CultivationTarget.objects.create(
            region=region, year=year, metric=metric, target=target
        )
        audit_record(actor=by, action=AuditEvent.Action.CREATE, instance=row, after=snapshot(row))
        return row
    with versioned_change(CultivationTarget, existing, by=by, audit_unchanged=False) as change:
        change.instance.target = target
    return change.instance
