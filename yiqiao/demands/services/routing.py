"""Routing rules and time limits: which unit answers a need and by when (read at intake), and
the admins' writes that set them (audited)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from yiqiao.accounts.models import OrgUnit, User
from yiqiao.core.audit import audit_record, snapshot
from yiqiao.core.models import AuditEvent
from yiqiao.core.scope import user_scope
from yiqiao.registry.models import Organisation, Region

from ..engine import sla
from ..models import Category, RoutingRule, SlaPolicy

DEFAULT_ACCEPT_DAYS = 1
DEFAULT_RESPOND_DAYS = 5


# ---- routing and time limits --------------------------------------------------------------


def route(*, category: str, organisation: Organisation) -> OrgUnit | None:
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


def sla_policy_for(*, category: str, paths: list[str]) -> SlaPolicy | None:
    """The time limits of the nearest region at or above any of ``paths`` (region paths, most
    specific first), else the platform default (no region), else None."""
    best: SlaPolicy | None = None
    best_depth = -1
    for policy in SlaPolicy.objects.filter(category=category).select_related("region"):
        if policy.region is None:
            depth = 0
        elif any(path.startswith(policy.region.path) for path in paths):
            depth = policy.region.path.count("/")
        else:
            continue
        if depth > best_depth:
            best, best_depth = policy, depth
    return best


def sla_rows_for(user: User) -> list[tuple[str, int, int]]:
    """(category, accept days, respond days) that hold in the user's unit's region."""
    unit = getattr(user, "org_unit", None)
    paths = [unit.region.path] if unit is not None else []
    rows = []
    for category in Category.values:
        policy = sla_policy_for(category=category, paths=paths)
        rows.append(
            (
                category,
                policy.accept_days if policy else DEFAULT_ACCEPT_DAYS,
                policy.respond_days if policy else DEFAULT_RESPOND_DAYS,
            )
        )
    return rows


def region_paths(organisation: Organisation | None) -> list[str]:
    if organisation is None:
        return []
    paths = [organisation.region.path]
    if organisation.park_id is not None:
        paths.insert(0, organisation.park.path)  # type: ignore[union-attr]
    return paths


def due_dates(
    *, category: str, start: date, organisation: Organisation | None = None
) -> tuple[date, date]:
    """Accept-by and respond-by dates for a need of ``organisation`` raised on ``start``."""
    policy = sla_policy_for(category=category, paths=region_paths(organisation))
    accept_days = policy.accept_days if policy else DEFAULT_ACCEPT_DAYS
    respond_days = policy.respond_days if policy else DEFAULT_RESPOND_DAYS
    return sla.add_working_days(start, accept_days), sla.add_working_days(start, respond_days)


def _check_admin(by: User) -> None:
    if not (by.is_superuser or by.role == "admin"):
        raise PermissionDenied("仅管理员可修改分派规则和办理时限")


@transaction.atomic
def routing_rule_save(
    *, category: str, region_id: str, unit_id: str, allowed_units: list[OrgUnit], by: User
) -> RoutingRule:
    """Create or replace the rule for (category, region); region "" means all regions."""
    _check_admin(by)
    if category not in Category.values:
        raise ValidationError(f"未知的需求类别：{category}")
    units = {u.pk: u for u in allowed_units}
    unit = units.get(int(unit_id)) if str(unit_id).isdigit() else None
    if unit is None:
        raise ValidationError("请选择管辖范围内的责任单元")
    region = _rule_region(region_id, by)
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


def _rule_region(region_id: str, by: User) -> Region | None:
    """The region a rule acts on. A rule belongs to a region and is set by that region's admins:
    a rule with no region would route every district's needs, so only a platform superuser
    sets one; an admin's empty choice means the whole area of the admin's unit."""
    scope = user_scope(by)
    if not str(region_id).strip():
        if scope.everything:
            return None
        unit: OrgUnit | None = getattr(by, "org_unit", None)
        if unit is None:
            raise ValidationError("您的账号未归属任何单位，不能设置分派规则")
        return unit.region
    region = Region.objects.filter(pk=int(region_id)).first() if str(region_id).isdigit() else None
    if region is None or not (scope.everything or region.pk in scope.region_ids):
        raise ValidationError("请选择本单位辖区内的区域")
    return region


@transaction.atomic
def sla_policy_save(
    *, category: str, accept_days: int | str, respond_days: int | str, by: User
) -> SlaPolicy:
    """Set the time limits (working days) of a category in the admin's unit's region (a
    superuser without a unit sets the platform default)."""
    _check_admin(by)
    unit = getattr(by, "org_unit", None)
    region = unit.region if unit is not None else None
    if region is None and not by.is_superuser:
        raise PermissionDenied("仅管理员可修改分派规则和办理时限")
    if category not in Category.values:
        raise ValidationError(f"未知的需求类别：{category}")
    try:
        accept, respond = int(accept_days), int(respond_days)
    except (TypeError, ValueError) as exc:
        raise ValidationError("时限须为整数个工作日") from exc
    if not (0 <= accept <= respond <= 120):
        raise ValidationError("时限须满足 0 ≤ 受理 ≤ 响应 ≤ 120 个工作日")
    policy = SlaPolicy.objects.select_for_update().filter(category=category, region=region).first()
    before = snapshot(policy) if policy else None
    policy = policy or SlaPolicy(category=category, region=region)
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
