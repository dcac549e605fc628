"""Talent teams brought in: who, at which level, hosted where, with which project, platform,
support and policies (every id resolved through the access layer)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from yiqiao.accounts.models import User
from yiqiao.core.access import resolve_reference, resolve_references
from yiqiao.core.audit import audit_record, snapshot
from yiqiao.core.models import AuditEvent
from yiqiao.policies.models import Policy
from yiqiao.projects.models import Project
from yiqiao.registry.models import Organisation

from ..models import TalentLevel, TalentTeam


@dataclass(frozen=True)
class TeamInput:
    name: str
    leader: str
    level: str
    host_id: int
    brought_in_on: dt.date
    field: str = ""
    members: int = 1
    project_id: int | None = None
    platform_id: int | None = None
    support_yuan: Decimal = Decimal(0)
    support_note: str = ""
    policy_ids: tuple[int, ...] = ()


@transaction.atomic
def talent_team_create(*, data: TeamInput, by: User) -> TalentTeam:
    """Record a team; the host must be an organisation the user may change, the project,
    platform and policies ones the user may see (another scope's reads as unknown)."""
    if data.level not in TalentLevel.values:
        raise ValidationError({"level": f"未知的人才层次：{data.level}"})
    if not data.name.strip() or not data.leader.strip():
        raise ValidationError("须填写团队名称和带头人")
    if data.brought_in_on > timezone.localdate():
        raise ValidationError({"brought_in_on": f"引进日期 {data.brought_in_on} 晚于今天"})
    if data.members < 1:
        raise ValidationError({"members": "团队人数至少为 1"})
    if data.support_yuan < 0:
        raise ValidationError({"support_yuan": "支持资金不能为负"})
    host = resolve_reference(
        Organisation, by, data.host_id, label="依托单位", action="change", field="host"
    )
    project = (
        resolve_reference(Project, by, data.project_id, label="随同项目", field="project")
        if data.project_id
        else None
    )
    platform = (
        resolve_reference(Organisation, by, data.platform_id, label="依托平台", field="platform")
        if data.platform_id
        else None
    )
    policies = (
        resolve_references(Policy, by, list(data.policy_ids), label="适用政策", field="policies")
        if data.policy_ids
        else []
    )
    team = TalentTeam(
        name=data.name.strip()[:120],
        leader=data.leader.strip()[:60],
        level=data.level,
        field=data.field.strip()[:120],
        members=data.members,
        host=host,
        project=project,
        platform=platform,
        brought_in_on=data.brought_in_on,
        support_yuan=data.support_yuan,
        support_note=data.support_note.strip()[:300],
    )
    team.set_default_owner(by)
    team.save()
    team.policies.set(policies)
    audit_record(actor=by, action=AuditEvent.Action.CREATE, instance=team, after=snapshot(team))
    return team
