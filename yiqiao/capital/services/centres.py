"""Offshore innovation centres: the centre, its incubated projects, their landing in the
district (a company registered here, linked by credit code), and benefits shared with the host.

A landing is accepted only with a valid unified social credit code (GB 32100) whose
administrative-division part (characters 3–8) is one of the landing district's codes: a code
registered elsewhere (another district, another city) or a foreign company's number is refused.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from yiqiao.accounts.models import User
from yiqiao.core.audit import audit_record, snapshot
from yiqiao.core.models import AuditEvent
from yiqiao.core.transitions import versioned_change
from yiqiao.core.uscc import uscc_normalise, uscc_problem
from yiqiao.projects.models import TranslationProject
from yiqiao.projects.services import translational as projects_translation
from yiqiao.registry import services as registry_services
from yiqiao.registry.models import Organisation, Region
from yiqiao.vocab import SECTOR

from ..models import BenefitSettlement, BenefitTerm, IncubatedProject, OffshoreCentre
from .common import check_not_future, check_positive_amount, require_editor

DIVISION = re.compile(r"^\d{6}$")
#: Registration-authority and kind prefixes of a company's credit code (9 = market regulator:
#: 1 company, 2 individual business, 3 farmers' cooperative).
COMPANY_PREFIXES = ("91", "92", "93")


@dataclass
class CentreInput:
    organisation: Organisation
    city: str
    host_name: str
    opened_on: dt.date
    landing_region: Region
    landing_division_codes: list[str]
    host: Organisation | None = None
    description: str = ""


@transaction.atomic
def centre_create(*, data: CentreInput, by: User) -> OffshoreCentre:
    """Register an offshore centre: an incubator in another city, landing into our district."""
    require_editor(by)
    problems: list[str] = []
    if data.organisation.kind != Organisation.Kind.INCUBATOR:
        problems.append("离岸创新中心须是名录中类型为“孵化器/离岸创新中心”的机构")
    if data.organisation.region.path.startswith(data.landing_region.path):
        problems.append("离岸创新中心须设在本区以外的城市")
    codes = [c.strip() for c in data.landing_division_codes if c.strip()]
    if not codes or any(not DIVISION.match(c) for c in codes):
        problems.append("请填写落地区域的6位行政区划代码（可填多个）")
    if not data.city.strip() or not data.host_name.strip():
        problems.append("请填写所在城市和合作承载方")
    if problems:
        raise ValidationError(problems)
    check_not_future(data.opened_on, "启用日期")
    centre = OffshoreCentre(
        organisation=data.organisation,
        city=data.city.strip()[:60],
        host=data.host,
        host_name=data.host_name.strip()[:120],
        opened_on=data.opened_on,
        landing_region=data.landing_region,
        landing_division_codes=codes,
        description=data.description.strip(),
    )
    centre.set_default_owner(by)
    centre.save()
    audit_record(actor=by, action=AuditEvent.Action.CREATE, instance=centre, after=snapshot(centre))
    return centre


@dataclass
class IncubationInput:
    name: str
    cohort: str
    started_on: dt.date
    team_lead: str = ""
    sectors: list[str] | None = None
    translation_project: TranslationProject | None = None
    note: str = ""


@transaction.atomic
def incubated_project_add(
    *, centre: OffshoreCentre, data: IncubationInput, by: User
) -> IncubatedProject:
    """Add a project to the centre's cohort (from the translational pipeline or its own list)."""
    require_editor(by)
    problems: list[str] = []
    name = data.name.strip() or (data.translation_project.title if data.translation_project else "")
    if not name:
        problems.append("请填写项目名称")
    if not data.cohort.strip():
        problems.append("请填写批次（如“2024级”）")
    unknown = SECTOR.unknown(data.sectors or [])
    if unknown:
        problems.append(f"未知的领域：{'、'.join(unknown)}")
    if data.started_on < centre.opened_on:
        problems.append("孵化开始日期不能早于中心启用日期")
    tp = data.translation_project
    if tp is not None:
        if tp.incubator_id not in (None, centre.organisation_id):
            problems.append("该成果转化项目登记的孵化地不是本中心")
        if IncubatedProject.objects.filter(translation_project=tp).exists():
            problems.append("该成果转化项目已在孵化名单中")
    if problems:
        raise ValidationError(problems)
    check_not_future(data.started_on, "孵化开始日期")
    project = IncubatedProject.objects.create(
        centre=centre,
        cohort=data.cohort.strip()[:40],
        name=name[:160],
        team_lead=data.team_lead.strip()[:60],
        sectors=data.sectors or None,
        translation_project=tp,
        started_on=data.started_on,
        note=data.note.strip()[:300],
    )
    audit_record(
        actor=by, action=AuditEvent.Action.CREATE, instance=project, after=snapshot(project)
    )
    return project


def check_landing_code(raw: str, centre: OffshoreCentre) -> str:
    """The normalised credit code, or ValidationError saying why it cannot be a landing here."""
    code = uscc_normalise(raw)
    if not code:
        raise ValidationError("请填写落地企业的统一社会信用代码")
    problem = uscc_problem(code)
    if problem is not None:
        raise ValidationError(f"统一社会信用代码无效：{problem.message}")
    if not code.startswith(COMPANY_PREFIXES):
        raise ValidationError("该代码不是企业（市场监管部门登记）的统一社会信用代码")
    division = code[2:8]
    if division not in centre.landing_division_codes:
        raise ValidationError(
            f"该统一社会信用代码的登记机关行政区划代码为{division}，不属于"
            f"{centre.landing_region.name}（{'、'.join(centre.landing_division_codes)}），不能计为在本区落地"
        )
    return code


def incubated_project_land(
    *,
    project: IncubatedProject,
    company_name: str,
    uscc: str,
    registered_on: dt.date,
    by: User,
) -> IncubatedProject:
    """Record that the project registered its company in the district (linked by credit code)."""
    require_editor(by)
    centre = project.centre
    code = check_landing_code(uscc, centre)
    check_not_future(registered_on, "注册日期")
    if registered_on < project.started_on:
        raise ValidationError("注册日期早于孵化开始日期，不计为孵化后的落地")
    with versioned_change(
        IncubatedProject, project.pk, by=by, action=AuditEvent.Action.TRANSITION
    ) as change:
        current = change.instance
        if current.company_id is not None:
            raise ValidationError("该项目已登记落地企业")
        company = Organisation.objects.filter(uscc=code).select_related("region").first()
        if company is not None:
            if not company.region.path.startswith(centre.landing_region.path):
                raise ValidationError(
                    f"名录中该代码对应的企业注册在{company.region.name}，不在{centre.landing_region.name}"
                )
        elif not company_name.strip():
            raise ValidationError("请填写落地企业名称")
        tp = current.translation_project
        if company is None and tp is not None and tp.company_id is None:
            company = projects_translation.form_company(
                project=tp, name=company_name, uscc=code, by=by, region=centre.landing_region
            )
        elif company is None:
            company = registry_services.organisation_create(
                data={
                    "name": company_name.strip(),
                    "uscc": code,
                    "kind": Organisation.Kind.ENTERPRISE,
                    "region": centre.landing_region,
                    "founded_on": registered_on,
                    "description": f"经{centre.organisation.name}孵化后在本区注册成立",
                },
                by=by,
            )
        if IncubatedProject.objects.filter(company=company).exclude(pk=current.pk).exists():
            raise ValidationError("该企业已登记为另一孵化项目的落地企业")
        current.company = company
        current.landed_on = registered_on
        current.landed_by = by
        change.note = f"落地：{company.name}（{code}）"
    return change.instance


@transaction.atomic
def benefit_term_add(
    *,
    centre: OffshoreCentre,
    kind: str,
    host_share_percent: Decimal,
    basis_note: str,
    agreement_ref: str,
    by: User,
) -> BenefitTerm:
    """A benefit-sharing clause of the centre's agreement with its host."""
    require_editor(by)
    if kind not in BenefitTerm.Kind.values:
        raise ValidationError(f"未知的分成类型“{kind}”")
    share = Decimal(str(host_share_percent))
    if not Decimal("0") <= share <= Decimal("100"):
        raise ValidationError("分成比例须在0到100%之间")
    if not basis_note.strip() or not agreement_ref.strip():
        raise ValidationError("请填写计算依据和协议条款")
    term = BenefitTerm.objects.create(
        centre=centre,
        kind=kind,
        host_share_percent=share,
        basis_note=basis_note.strip()[:200],
        agreement_ref=agreement_ref.strip()[:200],
    )
    audit_record(actor=by, action=AuditEvent.Action.CREATE, instance=term, after=snapshot(term))
    return term


@transaction.atomic
def benefit_settlement_record(
    *,
    term: BenefitTerm,
    period: str,
    basis_yuan: Decimal,
    host_paid_yuan: Decimal,
    settled_on: dt.date,
    by: User,
    project: IncubatedProject | None = None,
    evidence_ref: str = "",
) -> BenefitSettlement:
    """What was actually paid to the host for a period, against the basis it was computed on."""
    require_editor(by)
    basis = check_positive_amount(basis_yuan, "计算基数")
    paid = Decimal(str(host_paid_yuan))
    if paid < 0 or paid > basis:
        raise ValidationError("承载方实得须在0到计算基数之间")
    if project is not None and project.centre_id != term.centre_id:
        raise ValidationError("该孵化项目不属于本中心")
    if not period.strip():
        raise ValidationError("请填写结算期间")
    check_not_future(settled_on, "结算日期")
    settlement = BenefitSettlement.objects.create(
        term=term,
        project=project,
        period=period.strip()[:20],
        basis_yuan=basis,
        host_paid_yuan=paid,
        settled_on=settled_on,
        evidence_ref=evidence_ref.strip()[:200],
    )
    audit_record(
        actor=by, action=AuditEvent.Action.CREATE, instance=settlement, after=snapshot(settlement)
    )
    return settlement
