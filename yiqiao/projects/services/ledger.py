"""The project ledger (台账): .xlsx/.csv import through the register's import jobs, and export.

One row is one investment project: its title and enterprise (investor) identify it. The
enterprise must be exactly one organisation of the register (by uscc, or by a name that only
one active organisation carries); unknown or ambiguous enterprises are row errors. Amounts are
in 万元 of the row's currency; negative, absurd amounts and future signing dates are refused.

Importing creates missing projects at the ledger's stage (with the signing the row describes,
which the pipeline requires from 签约 on), fills in fields the system does not hold yet, and
adds a signing the project lacks. It never moves the stage of an existing project (that stays a
validated transition) and never records the same signing twice, so re-importing the same file
finds every row unchanged and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from django.utils import timezone

from yiqiao.accounts.models import User
from yiqiao.core.audit import snapshot
from yiqiao.core.imports import Column, RowOutcome, RowValues, choice_value, import_audit_event
from yiqiao.core.models import AuditEvent
from yiqiao.core.scope import user_scope
from yiqiao.core.tabular import parse_date, parse_decimal, parse_int, split_list
from yiqiao.core.text import name_normalise
from yiqiao.core.uscc import uscc_normalise, uscc_problem
from yiqiao.registry.models import ChainNode, Organisation
from yiqiao.registry.services.imports import RegionScopedImporter

from .. import summary
from ..engine import pipeline
from ..models import Currency, Project, Signing, Stage, StageChange

WAN = Decimal(10_000)
Progress = Callable[[int], None]
COLUMNS = [
    Column("项目名称", "name", True, "示例创新药产业化基地项目"),
    Column("企业", "enterprise", True, "锦城示例生物医药有限公司", ("投资方", "企业名称")),
    Column("拟落地园区", "target_region", False, "桐华转化医学产业园", ("落地区域",)),
    Column("产业链节点", "chain_nodes", False, "创新药"),
    Column("阶段", "stage", False, "洽谈"),
    Column("币种", "currency", False, "CNY"),
    Column("计划投资额（万元）", "planned_amount", False, "50000"),
    Column("预计就业（人）", "planned_jobs", False, "200"),
    Column("下次跟进日期", "next_follow_up_on", False, ""),
    Column("签约日期", "signed_on", False, ""),
    Column("协议类型", "agreement_type", False, "投资协议"),
    Column("签约金额（万元）", "signed_amount", False, ""),
    Column("签约方", "signatories", False, ""),
]
SIMPLE_FIELDS = ("target_region", "planned_amount", "planned_jobs", "next_follow_up_on")


class ProjectLedgerImporter(RegionScopedImporter):
    """Import rows of an investment-project ledger; see the module docstring."""

    target = "projects"
    label = "招商项目台账"
    title = "招商项目台账导入模板"
    model = Project
    columns = COLUMNS

    def __init__(self, user: User) -> None:
        super().__init__(user)
        nodes = list(ChainNode.objects.all())
        self.chain_by_key = {n.code: n for n in nodes} | {n.name: n for n in nodes}
        self.today = timezone.localdate()

    def _enterprise(self, text: str, errors: list[str]) -> Organisation | None:
        if not text:
            errors.append("企业不能为空")
            return None
        code = uscc_normalise(text)
        if len(code) == 18 and code.isalnum():
            problem = uscc_problem(code)
            if problem:
                errors.append(f"企业统一社会信用代码“{text}”无效：{problem.message}")
                return None
            matches = list(Organisation.objects.filter(uscc=code)[:2])
        else:
            matches = list(
                Organisation.objects.filter(name_normalised=name_normalise(text), is_active=True)[
                    :2
                ]
            )
        if not matches:
            errors.append(f"企业“{text}”不在机构名录中，请先登记该企业或填写统一社会信用代码")
            return None
        if len(matches) > 1:
            errors.append(f"企业“{text}”在名录中有多个同名机构，请改填统一社会信用代码")
            return None
        return matches[0]

    def parse_row(self, values: dict[str, str], errors: list[str]) -> dict[str, object]:
        row = RowValues(errors)
        data, attempt = row.data, row.attempt

        title = values.get("name", "").strip()
        if not title:
            errors.append("项目名称不能为空")
        elif len(title) > 160:
            errors.append("项目名称超过160个字符")
        data["name"] = title
        data["enterprise"] = self._enterprise(values.get("enterprise", "").strip(), errors)
        attempt("target_region", lambda: self.region(values.get("target_region", ""), "拟落地园区"))
        nodes = []
        for key in split_list(values.get("chain_nodes", "")):
            node = self.chain_by_key.get(key)
            if node is None:
                errors.append(f"产业链节点“{key}”不存在")
            else:
                nodes.append(node)
        data["chain_nodes"] = nodes
        attempt(
            "stage",
            lambda: choice_value(values.get("stage", ""), Stage.choices, "阶段") or Stage.LEAD,
        )
        attempt(
            "currency",
            lambda: (
                choice_value(values.get("currency", "").upper(), Currency.choices, "币种") or "CNY"
            ),
        )
        attempt(
            "planned_amount",
            lambda: parse_decimal(values.get("planned_amount", ""), scale=WAN, label="计划投资额"),
        )
        attempt("planned_jobs", lambda: parse_int(values.get("planned_jobs", ""), label="预计就业"))
        attempt(
            "next_follow_up_on",
            lambda: parse_date(values.get("next_follow_up_on", ""), label="下次跟进日期"),
        )
        attempt("signed_on", lambda: parse_date(values.get("signed_on", ""), label="签约日期"))
        attempt(
            "signed_amount",
            lambda: parse_decimal(values.get("signed_amount", ""), scale=WAN, label="签约金额"),
        )
        attempt(
            "agreement_type",
            lambda: (
                choice_value(
                    values.get("agreement_type", ""), Signing.AgreementType.choices, "协议类型"
                )
                or Signing.AgreementType.INVESTMENT
            ),
        )
        data["signatories"] = values.get("signatories", "").strip()[:300]
        self._check_signing(data, errors)
        return data

    def _check_signing(self, data: dict[str, Any], errors: list[str]) -> None:
        signed_on, amount = data.get("signed_on"), data.get("signed_amount")
        if signed_on and signed_on > self.today:
            errors.append(f"签约日期“{signed_on:%Y-%m-%d}”晚于今天，不能登记未发生的签约")
        if (
            (signed_on is None) != (amount is None)
            and "signed_on" in data
            and "signed_amount" in data
        ):
            errors.append("签约日期与签约金额须同时填写")
        if amount is not None and amount <= 0:
            errors.append("签约金额须大于0")
        stage = data.get("stage", "")
        if pipeline.stage_index(stage) >= pipeline.stage_index(pipeline.SIGNED) and not signed_on:
            errors.append(f"阶段为“{pipeline.stage_label(stage)}”的项目须填写签约日期和金额")
        if stage in {Stage.REGISTERED, Stage.CONSTRUCTION, Stage.PRODUCTION}:
            company = data.get("enterprise")
            if company is not None and (not company.uscc or uscc_problem(company.uscc)):
                errors.append(
                    f"阶段为“{pipeline.stage_label(stage)}”须企业在名录中有有效的统一社会信用代码"
                )

    def file_key(self, data: Mapping[str, object]) -> list[str]:
        company = data.get("enterprise")
        company_id = company.pk if isinstance(company, Organisation) else ""
        return [f"{name_normalise(str(data.get('name', '')))}|{company_id}"]

    def resolve_existing(self, outcomes: list[RowOutcome]) -> None:
        valid = [o for o in outcomes if not o.errors]
        titles = {o.data["name"] for o in valid}
        existing: dict[tuple[str, int], list[Project]] = {}
        through = Project.investors.through
        rows = through.objects.filter(project__title__in=titles).select_related("project")
        for row in rows:
            existing.setdefault((row.project.title, row.organisation_id), []).append(row.project)
        signings = {
            (s.project_id, s.agreement_type, s.signed_on)
            for s in Signing.objects.filter(project__title__in=titles)
        }
        scope = user_scope(self.user)
        for o in valid:
            matches = existing.get((o.data["name"], o.data["enterprise"].pk), [])
            if len(matches) > 1:
                o.errors.append("系统中已有多个同名且同企业的项目，无法确定更新哪一个")
                continue
            if not matches:
                if o.data["stage"] == Stage.LOST:
                    o.errors.append("台账不新建已终止的项目；终止须在系统中标记并填写原因")
                    continue
                o.action = "create"
                continue
            project = matches[0]
            if not scope.everything and not (
                project.target_region_id in scope.region_ids
                or project.owner_unit_id == scope.unit_id
            ):
                o.errors.append("该项目由其他单元负责，无权通过导入修改")
                continue
            o.existing_id = project.pk
            o.changes = self._changes(project, o.data, signings, o.errors)
            o.action = "update" if o.changes else "unchanged"

    def _changes(
        self, project: Project, data: dict[str, Any], signings: set[Any], errors: list[str]
    ) -> dict[str, list[Any]]:
        changes: dict[str, list[Any]] = {}
        if data["currency"] != project.currency:
            errors.append(
                f"币种与系统记录不一致（系统：{project.currency}，台账：{data['currency']}）"
            )
        if data["stage"] != project.stage and data["stage"] != Stage.LEAD:
            errors.append(
                f"阶段与系统记录不一致（系统：{project.get_stage_display()}，台账："
                f"{pipeline.stage_label(data['stage'])}），请在系统中按流程变更阶段"
            )
        for key in SIMPLE_FIELDS:
            new = data.get(key)
            if new in (None, ""):
                continue  # an empty cell leaves the stored value as it is
            old = getattr(project, key)
            if isinstance(old, Decimal) and isinstance(new, Decimal) and old.compare(new) == 0:
                continue
            if old != new:
                old_show = getattr(old, "pk", old)
                changes[key] = [old_show, getattr(new, "pk", new)]
        if data.get("signed_on"):
            signing_key = (project.pk, data["agreement_type"], data["signed_on"])
            if signing_key not in signings:
                changes["signing"] = [None, f"{data['signed_on']:%Y-%m-%d} {data['signed_amount']}"]
        return changes

    def write(self, outcomes: list[RowOutcome], progress: Progress | None) -> None:
        user = self.user
        actor = user if getattr(user, "pk", None) else None
        audit: list[AuditEvent] = []
        # The projects' summary rows follow the import, in its transaction.
        tracker = summary.Tracker()
        tracker.watch(*(o.existing_id for o in outcomes if o.action == "update"))
        for done, o in enumerate(outcomes, start=1):
            if o.action == "create":
                project = self._create(o.data, actor)
                tracker.watch_new(project.pk)
                audit.append(
                    import_audit_event(
                        user, AuditEvent.Action.IMPORT, project, None, snapshot(project)
                    )
                )
            elif o.action == "update":
                project = Project.objects.select_for_update().get(pk=o.existing_id or 0)
                before = snapshot(project)
                for key in SIMPLE_FIELDS:
                    if key in o.changes:
                        setattr(project, key, o.data[key])
                project.row_version += 1
                project.save()
                if "signing" in o.changes:
                    self._signing(project, o.data, actor)
                project.refresh_from_db()
                audit.append(
                    import_audit_event(
                        user, AuditEvent.Action.IMPORT, project, before, snapshot(project)
                    )
                )
            if progress and done % 200 == 0:
                progress(done)
        AuditEvent.objects.bulk_create(audit, batch_size=1000)
        tracker.settle()

    def _create(self, data: dict[str, Any], actor: User | None) -> Project:
        stage = data["stage"]
        company = data["enterprise"]
        project = Project.objects.create(
            title=data["name"],
            stage=stage,
            stage_entered_on=self.today,
            target_region=data.get("target_region"),
            currency=data["currency"],
            planned_amount=data.get("planned_amount"),
            planned_jobs=data.get("planned_jobs"),
            next_follow_up_on=data.get("next_follow_up_on"),
            owner=actor,
            owner_unit_id=getattr(self.user, "org_unit_id", None),
            registered_company=company
            if pipeline.stage_index(stage) >= pipeline.stage_index(pipeline.REGISTERED)
            else None,
            source_note="台账导入",
        )
        project.investors.set([company])
        project.chain_nodes.set(data["chain_nodes"])
        StageChange.objects.create(
            project=project,
            from_stage="",
            to_stage=stage,
            changed_on=self.today,
            by=actor,
            note="台账导入",
        )
        if data.get("signed_on"):
            self._signing(project, data, actor)
        return project

    def _signing(self, project: Project, data: dict[str, Any], actor: User | None) -> None:
        Signing.objects.create(
            project=project,
            signed_on=data["signed_on"],
            agreement_type=data["agreement_type"],
            amount=data["signed_amount"],
            currency=project.currency,
            signatories=data["signatories"] or data["enterprise"].name,
            note="台账导入",
            by=actor,
        )
        first = (
            data["signed_on"]
            if project.signed_on is None
            else min(project.signed_on, data["signed_on"])
        )
        Project.objects.filter(pk=project.pk).update(
            signed_amount=project.signed_amount + data["signed_amount"], signed_on=first
        )


def export_rows(user: User, projects: list[Project]) -> tuple[list[str], list[list[object]]]:
    """Ledger rows for export, in the import template's columns (re-importable unchanged)."""
    from .. import queries

    ids = [p.pk for p in projects]
    investors: dict[int, list[Organisation]] = {}
    for row in Project.investors.through.objects.filter(project_id__in=ids).select_related(
        "organisation"
    ):
        investors.setdefault(row.project_id, []).append(row.organisation)
    nodes: dict[int, list[str]] = {}
    for pid, name in Project.chain_nodes.through.objects.filter(project_id__in=ids).values_list(
        "project_id", "chainnode__name"
    ):
        nodes.setdefault(pid, []).append(name)
    first_signing: dict[int, Signing] = {}
    for signing in Signing.objects.filter(project_id__in=ids).order_by("signed_on", "id"):
        first_signing.setdefault(signing.project_id, signing)
    rows: list[list[object]] = []
    for p in projects:
        orgs = investors.get(p.pk, [])
        org = orgs[0] if orgs else None
        s: Signing | None = first_signing.get(p.pk)
        planned = p.planned_amount if queries.can_see_planned_amount(user, p) else None
        rows.append(
            [
                p.title,
                (org.uscc or org.name) if org else "",
                p.target_region.code if p.target_region else "",
                "、".join(nodes.get(p.pk, [])),
                p.get_stage_display(),
                p.currency,
                _wan(planned),
                p.planned_jobs if p.planned_jobs is not None else "",
                p.next_follow_up_on.isoformat() if p.next_follow_up_on else "",
                s.signed_on.isoformat() if s else "",
                s.get_agreement_type_display() if s else "",
                _wan(s.amount) if s else "",
                s.signatories if s else "",
            ]
        )
    return [c.header for c in COLUMNS], rows


def _wan(value: Decimal | None) -> str:
    if value is None:
        return ""
    return format((value / WAN).normalize(), "f")
