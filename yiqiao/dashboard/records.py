"""How the records behind a figure are listed: columns and the page each row opens.

A figure names its records as ``app_label.Model`` + ids; here each such model says which
columns its list shows and which page a row links to (the record itself, or the record's
parent page anchored at it). Rows are always fetched through ``restrict(user, "view")``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import QuerySet
from django.urls import reverse

from yiqiao.core.access import VIEW
from yiqiao.core.templatetags.yiqiao import money
from yiqiao.projects.queries import repeat_evidence

Cell = Callable[[Any], Any]

CHUNK = 900  # ids per IN (…) query: under SQLite's bound-parameter limit on every version


@dataclass(frozen=True)
class RecordKind:
    """Columns (header, value) and the link of one kind of record."""

    label: str
    columns: tuple[tuple[str, Cell], ...]
    url: Callable[[Any], str]
    related: tuple[str, ...] = ()
    title: Cell = str


def _date(value: Any) -> str:
    return f"{value:%Y-%m-%d}" if value else ""


def _project_url(project_id: int, anchor: str = "") -> str:
    return reverse("projects:project-detail", args=[project_id]) + anchor


KINDS: dict[str, RecordKind] = {
    "projects.Project": RecordKind(
        label="招商项目",
        columns=(
            ("项目名称", lambda p: p.title),
            ("阶段", lambda p: p.get_stage_display()),
            ("首次签约日期", lambda p: _date(p.signed_on)),
            ("签约金额", lambda p: money(p.signed_amount, p.currency) if p.signed_on else ""),
            ("拟落地区域", lambda p: p.target_region.name if p.target_region else ""),
            ("进入本阶段日期", lambda p: _date(p.stage_entered_on)),
        ),
        url=lambda p: _project_url(p.pk),
        related=("target_region",),
        title=lambda p: p.title,
    ),
    "projects.Signing": RecordKind(
        label="签约记录",
        columns=(
            ("项目", lambda s: s.project.title),
            ("签约日期", lambda s: _date(s.signed_on)),
            ("协议类型", lambda s: s.get_agreement_type_display()),
            ("金额", lambda s: money(s.amount, s.currency)),
            ("签约方", lambda s: s.signatories),
            ("签约活动", lambda s: s.event_ref),
            (
                "重复签约",
                lambda s: repeat_evidence(s, visible=getattr(s, "original_visible", False)),
            ),
        ),
        url=lambda s: _project_url(s.project_id, f"#signing-{s.pk}"),
        related=("project", "repeat_of", "repeat_of__project"),
        title=lambda s: s.project.title,
    ),
    "projects.Milestone": RecordKind(
        label="落地节点",
        columns=(
            ("项目", lambda m: m.project.title),
            ("节点", lambda m: m.get_kind_display()),
            ("日期", lambda m: _date(m.achieved_on)),
            ("到位资金", lambda m: money(m.capital_arrived, m.project.currency)),
            ("凭证", lambda m: "有" if m.evidence else "无"),
        ),
        url=lambda m: _project_url(m.project_id, f"#milestone-{m.pk}"),
        related=("project",),
        title=lambda m: m.project.title,
    ),
    "projects.StageChange": RecordKind(
        label="阶段变更",
        columns=(
            ("项目", lambda c: c.project.title),
            ("原阶段", lambda c: c.get_from_stage_display()),
            ("新阶段", lambda c: c.get_to_stage_display()),
            ("变更日期", lambda c: _date(c.changed_on)),
            ("原阶段停留天数", lambda c: c.days_in_from_stage),
        ),
        url=lambda c: _project_url(c.project_id),
        related=("project",),
        title=lambda c: c.project.title,
    ),
    "policies.Award": RecordKind(
        label="政策兑付",
        columns=(
            ("企业", lambda a: a.organisation.name),
            ("政策编号", lambda a: a.policy_code),
            ("金额", lambda a: money(a.amount, "CNY")),
            ("兑付日期", lambda a: _date(a.awarded_on)),
            ("说明", lambda a: a.note),
        ),
        url=lambda a: reverse("registry:organisation-detail", args=[a.organisation_id]),
        related=("organisation",),
        title=lambda a: f"{a.organisation.name} {a.policy_code}",
    ),
    "demands.Demand": RecordKind(
        label="企业需求",
        columns=(
            ("需求", lambda d: d.title),
            ("提出机构", lambda d: d.organisation.name),
            ("类别", lambda d: d.get_category_display()),
            ("状态", lambda d: d.get_state_display()),
            ("提出日期", lambda d: _date(d.created_at)),
            ("响应时限", lambda d: _date(d.respond_due)),
            ("责任单元", lambda d: d.unit.name if d.unit else ""),
        ),
        url=lambda d: reverse("demands:demand-detail", args=[d.pk]),
        related=("organisation", "unit"),
        title=lambda d: d.title,
    ),
    "demands.FollowUp": RecordKind(
        label="回访记录",
        columns=(
            ("需求", lambda f: f.demand.title),
            ("回访日期", lambda f: _date(f.on)),
            ("满意度", lambda f: f.satisfaction),
            ("回访记录", lambda f: f.note),
        ),
        url=lambda f: reverse("demands:demand-detail", args=[f.demand_id]),
        related=("demand",),
        title=lambda f: f.demand.title,
    ),
    "events.Invitation": RecordKind(
        label="活动邀请",
        columns=(
            ("受邀机构", lambda i: i.organisation_name),
            ("活动", lambda i: i.event.title),
            ("活动日期", lambda i: _date(i.event.starts_on)),
            ("联系人", lambda i: i.contact_name),
        ),
        url=lambda i: reverse("events:event-detail", args=[i.event_id]),
        related=("event",),
        title=lambda i: i.organisation_name,
    ),
    "events.Registration": RecordKind(
        label="活动报名",
        columns=(
            ("报名机构", lambda r: r.organisation_name),
            ("活动", lambda r: r.event.title),
            ("活动日期", lambda r: _date(r.event.starts_on)),
            ("联系人", lambda r: r.contact_name),
            ("签到时间", lambda r: _date(r.checked_in_at)),
        ),
        url=lambda r: reverse("events:event-detail", args=[r.event_id]),
        related=("event",),
        title=lambda r: r.organisation_name,
    ),
    "events.Meeting": RecordKind(
        label="对接会谈",
        columns=(
            ("洽谈", lambda m: str(m.request)),
            ("活动", lambda m: m.schedule.event.title),
            ("活动日期", lambda m: _date(m.schedule.event.starts_on)),
            ("结果", lambda m: m.get_status_display()),
            ("关联项目", lambda m: m.project.title if m.project else ""),
        ),
        url=lambda m: reverse("events:event-detail", args=[m.schedule.event_id]),
        related=(
            "schedule__event",
            "project",
            "request__requester__registration",
            "request__invitee__registration",
        ),
        title=lambda m: str(m.request),
    ),
    "cultivation.Recognition": RecordKind(
        label="梯度认定",
        columns=(
            ("企业", lambda r: r.organisation.name),
            ("层级", lambda r: r.get_rung_display()),
            ("证书编号", lambda r: r.certificate_number),
            ("认定日期", lambda r: _date(r.recognised_on)),
            ("有效期至", lambda r: _date(r.expires_on)),
        ),
        url=lambda r: reverse("cultivation:enterprise", args=[r.organisation_id]),
        related=("organisation",),
        title=lambda r: f"{r.organisation.name} {r.get_rung_display()}",
    ),
    "policies.OrganisationRecord": RecordKind(
        label="企业数据记录",
        columns=(
            ("企业", lambda r: r.organisation.name),
            ("类型", lambda r: r.field),
            ("编号", lambda r: r.data.get("number", "")),
            ("日期", lambda r: _date(r.recorded_on)),
        ),
        url=lambda r: reverse("cultivation:enterprise", args=[r.organisation_id]),
        related=("organisation",),
        title=lambda r: f"{r.organisation.name} {r.data.get('number', '')}",
    ),
    "cultivation.TalentTeam": RecordKind(
        label="人才团队",
        columns=(
            ("团队", lambda t: t.name),
            ("层次", lambda t: t.get_level_display()),
            ("依托单位", lambda t: t.host.name),
            ("引进日期", lambda t: _date(t.brought_in_on)),
        ),
        url=lambda t: reverse("cultivation:talent") + f"#team-{t.pk}",
        related=("host",),
        title=lambda t: t.name,
    ),
    "capital.Close": RecordKind(
        label="融资交割",
        columns=(
            ("融资需求", lambda c: str(c.need)),
            ("交割日期", lambda c: _date(c.closed_on)),
            ("金额", lambda c: money(c.amount, c.currency)),
        ),
        url=lambda c: reverse("capital:need-detail", args=[c.need_id]),
        related=("need",),
        title=lambda c: str(c.need),
    ),
    "capital.PitchInvitation": RecordKind(
        label="路演邀请",
        columns=(
            ("路演项目", lambda i: str(i.pitch.need)),
            ("投资方", lambda i: str(i.investor)),
            ("路演日期", lambda i: _date(i.pitch.pitched_on)),
            ("反馈期限", lambda i: _date(i.pitch.feedback_due_on)),
        ),
        url=lambda i: reverse("capital:need-detail", args=[i.pitch.need_id]),
        related=("pitch", "pitch__need", "investor"),
        title=lambda i: str(i.pitch.need),
    ),
    "capital.IncubatedProject": RecordKind(
        label="孵化项目",
        columns=(
            ("项目", lambda p: p.name),
            ("离岸创新中心", lambda p: str(p.centre)),
            ("孵化开始", lambda p: _date(p.started_on)),
            ("落地日期", lambda p: _date(p.landed_on)),
        ),
        url=lambda p: reverse("capital:centre-detail", args=[p.centre_id]),
        related=("centre", "centre__organisation"),
        title=lambda p: p.name,
    ),
}


def kind_of(model_label: str) -> RecordKind:
    kind = KINDS.get(model_label)
    if kind is None:
        raise LookupError(f"no record list for {model_label}")
    return kind


def _visible(user: Any, model_label: str) -> QuerySet[Any]:
    model = apps.get_model(model_label)
    return model.objects.restrict(user, VIEW)


def fetch(user: Any, model_label: str, ids: Sequence[int]) -> list[Any]:
    """The rows of ``ids`` (one page of them) the user may see, in the order given."""
    kind = kind_of(model_label)
    qs = _visible(user, model_label).select_related(*kind.related)
    by_id: dict[int, Any] = {}
    for i in range(0, len(ids), CHUNK):
        by_id.update({row.pk: row for row in qs.filter(pk__in=ids[i : i + CHUNK])})
    rows = [by_id[i] for i in ids if i in by_id]
    if model_label == "projects.Signing":
        _mark_visible_originals(user, rows)
    return rows


def _mark_visible_originals(user: Any, signings: list[Any]) -> None:
    """A repeat's evidence names the first signing's project only when the reader may see
    that project (another unit's project is described without its name or parties)."""
    project_ids = {s.repeat_of.project_id for s in signings if s.repeat_of_id is not None}
    visible = set(
        _visible(user, "projects.Project").filter(pk__in=project_ids).values_list("pk", flat=True)
    )
    for s in signings:
        s.original_visible = s.repeat_of_id is not None and s.repeat_of.project_id in visible


def table(kind: RecordKind, rows: Iterable[Any]) -> list[dict[str, Any]]:
    """Rows as the list template shows them: the cells and the link."""
    return [
        {"id": row.pk, "url": kind.url(row), "cells": [cell(row) for _h, cell in kind.columns]}
        for row in rows
    ]
