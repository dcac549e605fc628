"""Checks shared by the capital services (dates, amounts, who acts for whom)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from yiqiao.accounts.models import Role, User
from yiqiao.registry.models import Organisation

from ..engine.deals import format_yuan
from ..models.common import MAX_AMOUNT

ROLE_DENIED = "当前角色无权执行此操作"


def today() -> dt.date:
    return timezone.localdate()


def check_not_future(day: dt.date, label: str) -> None:
    if day > today():
        raise ValidationError(f"{label}“{day:%Y-%m-%d}”晚于今天，不能登记未发生的事项")


def check_positive_amount(value: Decimal | None, label: str) -> Decimal:
    """A positive amount within the absurd-amount guard, as a Decimal."""
    if value is None:
        raise ValidationError(f"请填写{label}")
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError(f"{label}“{value}”不是数字") from exc
    if amount <= 0:
        raise ValidationError(f"{label}须大于0")
    if amount > MAX_AMOUNT:
        raise ValidationError(f"{label}{format_yuan(amount)}超出合理范围，请核对单位")
    return amount


def is_editor(by: User) -> bool:
    """Officers and admins (and superusers) act for anyone in their scope."""
    return bool(by.is_superuser or by.role in {Role.ADMIN, Role.OFFICER})


def is_investor_user(by: User) -> bool:
    return by.role == Role.INVESTOR and by.organisation_id is not None


def is_enterprise_of(by: User, organisation_id: int) -> bool:
    return by.role == Role.ENTERPRISE and by.organisation_id == organisation_id


def require_editor(by: User) -> None:
    if not is_editor(by):
        raise PermissionDenied(ROLE_DENIED)


def check_investor(org: Organisation) -> None:
    """An organisation that can act as an investor: kind investor, or one with a profile."""
    if org.kind != Organisation.Kind.INVESTOR and not hasattr(org, "investor_profile"):
        raise ValidationError(f"“{org.name}”不是投资机构，不能作为投资方")
