"""Writes to the routing table and time limits (admin-only), audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from yiqiao.core.audit import audit_record, snapshot
from yiqiao.core.models import AuditEvent
from yiqiao.registry.models import Region

from .models import Category, RoutingRule, SlaPolicy


def _check_admin(by: Any) -> None:
    if not (by.is_superuser or by.role == "admin"):
        raise PermissionDenied("仅管理员可修改分派规则和办理时限")


@transaction.atomic
def routing_rule_save(
    *, category: str, region_id: str, unit_id: str, allowed_units: list[Any], by: Any
) -> RoutingRule:
    """Create or replace the rule for (category, region); region "" means all regions."""
    _check_admin(by)
    if category not in Category.values:
        raise ValidationError(f"未知的需求类别：{category}")
    units = {u.pk: u for u in allowed_units}
    unit = units.get(int(unit_id)) if str(unit_id).isdigit() else None
    if unit is None:
        raise ValidationError("请选择管辖范围内的责任单元")
    region = Region.objects.filter(pk=int(region_id)).first() if str(region_id).isdigit() else None
    rule = (
        RoutingRule.objects.select_for_update()
        .filter(category=category, region=region)
        .order_by("pk")
        .first()
    )
    before = snapshot(rule) if rule else None
    if rule is None:
        rule = RoutingRule(category=category, region=region)
    rule.unit = unit
    rule.is_active = True
    rule.save()
    audit_record(
        actor=by,
        action=AuditEvent.Action.UPDATE if before else AuditEvent.Action.CREATE,
        instance=rule,
        before=before,
        after=snapshot(rule),
    )
    return rule


@transaction.atomic
def sla_policy_save(*, category: str, accept_days: Any, respond_days: Any, by: Any) -> SlaPolicy:
    """Set the time limits (working days) of a category."""
    _check_admin(by)
    if category not in Category.values:
        raise ValidationError(f"未知的需求类别：{category}")
    try:
        accept, respond = int(accept_days), int(respond_days)
    except (TypeError, ValueError) as exc:
        raise ValidationError("时限须为整数个工作日") from exc
    if not (0 <= accept <= respond <= 120):
        raise ValidationError("时限须满足 0 ≤ 受理 ≤ 响应 ≤ 120 个工作日")
    policy = SlaPolicy.objects.select_for_update().filter(category=category).first()
    before = snapshot(policy) if policy else None
    policy = policy or SlaPolicy(category=category)
    policy.accept_days, policy.respond_days = accept, respond
    policy.save()
    audit_record(
        actor=by,
        action=AuditEvent.Action.UPDATE if before else AuditEvent.Action.CREATE,
        instance=policy,
        before=before,
        after=snapshot(policy),
    )
    return policy
