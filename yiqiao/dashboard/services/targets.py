"""Set a yearly target (年度目标) of a figure for a region: its admins only, audited."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from yiqiao.accounts.models import User
from yiqiao.core.audit import audit_record, snapshot
from yiqiao.core.models import AuditEvent
from yiqiao.core.transitions import versioned_change
from yiqiao.registry.models import Region

from ..kpis.registry import spec
from ..models import KpiTarget


@transaction.atomic
def kpi_target_set(
    *, region: Region, year: int, key: str, value: Decimal | str, by: User | None, note: str = ""
) -> KpiTarget:
    """Create or change the target; refuses an unknown figure, a figure without targets, a
    negative or non-numeric value, and a region outside the admin's scope."""
    found = spec(key)
    if found is None:
        raise ValidationError(f"没有指标“{key}”")
    if not found.has_target:
        raise ValidationError(f"指标“{found.label}”不设年度目标")
    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValidationError(f"目标值“{value}”不是数字") from exc
    if amount < 0 or not amount.is_finite():
        raise ValidationError("目标值不能为负数")
    if not 2000 <= year <= 2100:
        raise ValidationError(f"年度“{year}”不合理")
    probe = KpiTarget(region=region, year=year, key=key, value=amount)
    if by is not None and not getattr(by, "is_superuser", False):
        from yiqiao.core.scope import user_scope

        scope = user_scope(by)
        if not (scope.is_admin and region.pk in scope.region_ids):
            raise PermissionDenied("只有该区域的管理员可以设定年度目标")
    existing = KpiTarget.objects.filter(region=region, year=year, key=key).first()
    if existing is None:
        probe.note = note.strip()[:300]
        probe.save()
        audit_record(
            actor=by, action=AuditEvent.Action.CREATE, instance=probe, after=snapshot(probe)
        )
        return probe
    with versioned_change(KpiTarget, existing.pk, by=by) as change:
        change.instance.value = amount
        change.instance.note = note.strip()[:300]
    return change.instance
