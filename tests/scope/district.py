"""Two districts with records of every kind, made through the apps' own services.

`build_district` makes, for one district (a region with its park, a bureau unit and its users),
the records a district holds: organisations of every kind with contacts, spaces, platform
services and an investor profile; policies (draft and published), facts and a screening run;
needs with a response, an attachment, routing rules; investment and translational projects with
activities, signings, milestones, tranches, bookings and grant terms; an article with facts and
a lead; an event with registrations, participants, requests, a schedule and a signing; a
financing need published with a pitch, a fund, an offshore centre with an incubated project; a
chain gap run with targets; an import job. Every record that has a name carries the district's
tag, so a response that names it is found by a substring search.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models

from conftest import make_user

TODAY = dt.date.today()
POLICY_TEXT = (
    Path(__file__).resolve().parents[2] / "yiqiao/policies/library/cert_device_class2.yaml"
)


@dataclass
class District:
    """One district's region, unit, users and records (by model: the rows made)."""

    tag: str
    region: Any
    park: Any
    unit: Any
    users: dict[str, Any] = field(default_factory=dict)
    records: dict[type[models.Model], list[Any]] = field(default_factory=dict)
    names: dict[tuple[type[models.Model], int], str] = field(default_factory=dict)
    named: dict[str, Any] = field(default_factory=dict)

    def add(self, obj: Any, name: str = "", *, key: str = "") -> Any:
        self.records.setdefault(type(obj), []).append(obj)
        if name:
            self.names[(type(obj), obj.pk)] = name
        if key:
            self.named[key] = obj
        return obj

    def first(self, model: type[models.Model]) -> Any:
        return self.records[model][0]


def regions_for(tag: str, code: str, parent: Any) -> tuple[Any, Any]:
    from yiqiao.registry.models import Region

    district = Region.objects.create(
        code=code, name=f"{tag}区", kind=Region.Kind.DISTRICT, parent=parent
    )
    park = Region.objects.create(
        code=f"{code}.park", name=f"{tag}生物医药园", kind=Region.Kind.PARK, parent=district
    )
    return district, park


def build_district(tag: str, region: Any, park: Any, neutral: Any, uscc_seed: int) -> District:
    """Every kind of record of one district; `neutral` is a region outside both districts."""
    from yiqiao.accounts.models import OrgUnit
    from yiqiao.capital.models import GrantTerms
    from yiqiao.capital.services import centres, funds, needs, roadshows
    from yiqiao.chain.models import GapRun, NodeTarget, Target
    from yiqiao.chain.services.gaps import gap_run_execute
    from yiqiao.core.models import ImportJob
    from yiqiao.core.uscc import uscc_make
    from yiqiao.demands.models import RoutingRule
    from yiqiao.demands.services import handling, intake
    from yiqiao.events.models import Meeting
    from yiqiao.events.services import meetings, outcomes, registrations, setup
    from yiqiao.intel.models import Article, ExtractedFact, LeadSuggestion
    from yiqiao.policies.models import Policy, PolicyVersion
    from yiqiao.policies.services import facts as policy_facts
    from yiqiao.policies.services.screening import screening_run_create
    from yiqiao.projects.services import pipeline, records, translational
    from yiqiao.registry.models import ChainNode, InvestorProfile, Organisation
    from yiqiao.registry.services import organisations, spaces
    from yiqiao.registry.services.organisations import contact_create

    unit = OrgUnit.objects.create(
        name=f"{tag}区投资促进局", kind=OrgUnit.Kind.BUREAU, region=region
    )
    portal = OrgUnit.objects.create(
        name=f"{tag}区企业服务门户", kind=OrgUnit.Kind.ENTERPRISE, region=region
    )
    d = District(tag=tag, region=region, park=park, unit=unit)
    d.add(unit, unit.name)
    officer = make_user(f"{tag}-officer", unit, "officer")
    admin = make_user(f"{tag}-admin", unit, "admin")
    d.users.update(officer=officer, admin=admin, viewer=make_user(f"{tag}-viewer", unit, "viewer"))

    def org(name: str, kind: str = Organisation.Kind.ENTERPRISE, **extra: Any) -> Any:
        extra.setdefault("region", region)
        made = organisations.organisation_create(
            data={"name": f"{tag}{name}", "kind": kind, **extra}, by=officer
        )
        return d.add(made, made.name)

    ivd = ChainNode.objects.get(code="device_manufacturer.ivd_immuno")
    company = org(
        "康瑞诊断科技有限公司",
        park=park,
        uscc=uscc_make(f"91510{uscc_seed:03d}MA6C00001"),
        headcount=120,
        revenue_yuan=Decimal("80000000"),
    )
    company.chain_nodes.set([ivd])
    investor = org("创新医药投资基金", Organisation.Kind.INVESTOR)
    d.named["investor"] = investor
    d.add(InvestorProfile.objects.create(organisation=investor))
    platform = org("生物医药公共技术服务平台", Organisation.Kind.PLATFORM)
    hospital = org("人民医院", Organisation.Kind.HOSPITAL)
    incubator = org("离岸创新中心", Organisation.Kind.INCUBATOR, region=neutral)
    d.named.update(company=company, platform=platform, hospital=hospital, incubator=incubator)
    d.add(
        contact_create(
            organisation=company,
            data={"name": f"{tag}联系人张敏", "phone": "13800000000", "email": "zm@example.com"},
            by=officer,
        ),
        f"{tag}联系人张敏",
    )
    d.users.update(
        enterprise=make_user(f"{tag}-enterprise", portal, "enterprise", organisation=company),
        platform=make_user(f"{tag}-platform", portal, "platform", organisation=platform),
        investor=make_user(f"{tag}-investor", portal, "investor", organisation=investor),
    )

    space = spaces.space_create(
        data={
            "name": f"{tag}GMP标准厂房A栋",
            "kind": "plant",
            "park": park,
            "total_area_m2": Decimal("3000"),
            "available_area_m2": Decimal("2000"),
        },
        by=officer,
    )
    d.add(space, space.name, key="space")
    # A laboratory that fits the fresh P2-lab need below, so accepting a suggestion has one to
    # accept (the engine does not suggest a 2,000 m² plant for a 300 m² laboratory).
    lab = spaces.space_create(
        data={
            "name": f"{tag}P2实验室B座",
            "kind": "lab",
            "park": park,
            "total_area_m2": Decimal("400"),
            "available_area_m2": Decimal("320"),
        },
        by=officer,
    )
    d.add(lab, lab.name, key="space_lab")
    from yiqiao.registry.models import Service

    service = Service.objects.create(
        provider=platform, name=f"{tag}概念验证服务", category=Service.Category.POC
    )
    d.add(service, service.name, key="service")

    # policies: a published one of the district and a draft
    for status in ("published", "draft"):
        policy = Policy.objects.create(
            code=f"{tag}.{status}",
            title=f"{tag}{'已发布' if status == 'published' else '草拟'}租金补贴政策",
            status=status,
            region=region,
            category="space",
        )
        version = PolicyVersion.objects.create(
            policy=policy,
            number=1,
            yaml_text=POLICY_TEXT.read_text(encoding="utf-8"),
            content_hash=status,
            effective_from=TODAY,
        )
        Policy.objects.filter(pk=policy.pk).update(current_version=version)
        d.add(version)
        d.add(policy, policy.title, key=f"policy_{status}")
    d.add(
        policy_facts.organisation_fact_set(
            organisation=company, field="tax_paid_yuan", value=300000, as_of=TODAY, by=officer
        )
    )
    d.add(screening_run_create(by=officer, as_of=TODAY))
    from yiqiao.policies.models import AwardApplication

    published = d.named["policy_published"]
    d.add(
        AwardApplication.objects.create(
            organisation=company,
            policy=published,
            version=published.versions.first(),
            as_of=TODAY,
            amount_computed=Decimal("100000"),
            submitted_by=officer,
        )
    )

    # needs
    d.add(RoutingRule.objects.create(category="space", region=region, unit=unit))
    d.named.update(unit=unit, region=region, park=park, officer=officer)
    submitted = intake.demand_submit(
        by=d.users["enterprise"],
        organisation=company,
        category="space",
        title=f"{tag}扩产厂房需求",
        text=f"{tag}康瑞诊断需要1000平方米GMP厂房用于体外诊断试剂扩产。",
    )
    demand = d.add(submitted.demand, submitted.demand.title, key="demand")
    for attachment in intake.demand_attach(
        demand=demand,
        by=officer,
        attachments=[SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan", "application/pdf")],
    ):
        d.add(attachment)
    accepted = intake.demand_submit(
        by=d.users["enterprise"],
        organisation=company,
        category="space",
        title=f"{tag}已受理的办公需求",
        text=f"{tag}康瑞诊断需要500平方米办公用房。",
    ).demand
    accepted = handling.demand_accept(demand=accepted, by=officer)
    d.add(accepted, accepted.title, key="demand_accepted")
    fresh = intake.demand_submit(
        by=d.users["enterprise"],
        organisation=company,
        category="space",
        title=f"{tag}新提交的实验室需求",
        text=f"{tag}康瑞诊断需要300平方米P2实验室。",
    ).demand
    d.add(fresh, fresh.title, key="demand_new")
    demand = handling.demand_accept(demand=demand, by=officer)
    d.add(
        handling.demand_respond(demand=demand, by=officer, text=f"{tag}推荐A栋厂房"), key="response"
    )

    # investment pipeline
    project = pipeline.project_create(
        data={
            "title": f"{tag}抗体药物产业化基地",
            "investors": [investor],
            "target_region": park,
            "planned_amount": "500000000",
        },
        by=officer,
    )
    d.add(project, project.title, key="project")
    d.add(
        records.activity_record(
            project=project,
            kind="visit",
            happened_on=TODAY,
            summary=f"{tag}走访洽谈",
            by=officer,
        )
    )
    d.add(
        records.signing_record(
            project=project,
            signed_on=TODAY,
            agreement_type="strategic",
            amount=None,
            currency="CNY",
            signatories=f"{tag}签约方",
            by=officer,
        )
    )
    d.add(
        records.milestone_record(project=project, kind="registered", achieved_on=TODAY, by=officer)
    )

    # translational pipeline
    tp = translational.translation_create(
        data={
            "title": f"{tag}可降解冠脉支架",
            "origin": hospital,
            "team_lead": f"{tag}王医生",
            "product_type": "device_3",
            "landing_region": park,
        },
        by=officer,
    )
    d.add(tp, tp.title, key="translation")
    tranche = translational.funding_tranche_add(
        project=tp,
        kind="grant",
        amount=Decimal("3000000"),
        granted_on=TODAY,
        converts_on_gate="poc",
        by=officer,
    )
    d.add(tranche, key="tranche")
    d.add(
        translational.service_booking_create(
            project=tp, service=service, booked_on=TODAY, by=officer
        )
    )
    from yiqiao.capital.services import grants

    d.add(
        grants.grant_terms_set(
            tranche=tranche, by=officer, milestone_due_on=TODAY + dt.timedelta(days=90)
        )
    )
    assert GrantTerms.objects.filter(tranche=tranche).exists()

    # intelligence
    article = Article.objects.create(
        title=f"{tag}签约新闻",
        raw_text=f"{tag}与康瑞诊断签约。",
        cleaned_text=f"{tag}与康瑞诊断签约。",
        status=Article.Status.EXTRACTED,
        uploaded_by=officer,
        region=region,
    )
    d.add(article, article.title)
    fact = ExtractedFact.objects.create(
        article=article,
        kind=ExtractedFact.Kind.ORGANISATION,
        label=f"{tag}康瑞诊断",
        payload={"name": f"{tag}抽取机构", "kind": "enterprise"},
    )
    d.add(fact, fact.label)
    lead = LeadSuggestion.objects.create(
        article=article,
        fact=fact,
        rule=LeadSuggestion.Rule.TARGET_CHAIN_SIGNING,
        title=f"{tag}线索建议",
        reason="名录内企业外地签约",
        organisation=company,
    )
    d.add(lead, lead.title)

    # events
    event = setup.event_create(
        by=officer,
        title=f"{tag}生物医药投融资路演",
        kind="roadshow",
        city=f"{tag}城",
        starts_on=TODAY - dt.timedelta(days=5),
        is_invitation_only=False,
        slot_count=4,
        table_count=2,
    )
    d.add(event, event.title)
    regs = []
    for name in (company.name, f"{tag}启明生物科技有限公司"):
        result = registrations.registration_submit(
            event=event,
            organisation_name=name,
            contact_name=f"{tag}李雷",
            contact_phone="13900000000",
        )
        regs.append(d.add(result.registration, name))
    people = [meetings.participant_add(event=event, by=officer, registration=r) for r in regs]
    for n, person in enumerate(people):
        d.add(person, key=f"participant{n}")
    d.add(
        meetings.request_create(
            event=event, by=officer, requester_id=people[0].pk, invitee_id=people[1].pk
        )
    )
    schedule = d.add(meetings.schedule_run(event=event, by=officer, time_limit_s=1))
    for meeting in Meeting.objects.filter(schedule=schedule):
        d.add(meeting)
    d.add(
        outcomes.event_signing_record(
            event=event,
            by=officer,
            agreement_type="investment",
            amount=Decimal("10000000"),
            currency="CNY",
            parties=f"{tag}签约各方",
            project=project,
            signed_on=TODAY,
        )
    )

    # capital
    need = needs.financing_need_create(
        data=needs.NeedInput(
            organisation=company,
            title=f"{tag}化学发光平台B轮融资",
            round="B",
            amount=Decimal("200000000"),
            summary="寻找领投方。",
            sectors=["ivd"],
            instruments=["equity"],
        ),
        by=d.users["enterprise"],
    )
    needs.financing_need_consent(need=need, by=d.users["enterprise"])
    need = needs.financing_need_publish(need=need, by=d.users["enterprise"])
    d.add(need, need.title)
    pitch = d.add(roadshows.pitch_book(event=event, need=need, by=officer), key="pitch")
    for invitation in roadshows.pitch_invite(pitch=pitch, investors=[investor], by=officer):
        d.add(invitation)
    fund = funds.fund_create(
        data=funds.FundInput(
            organisation=investor,
            kind="angel",
            region=region,
            size_yuan=Decimal("100000000"),
            district_commitment_yuan=Decimal("20000000"),
            established_on=TODAY,
        ),
        by=officer,
    )
    d.add(fund)
    centre = centres.centre_create(
        data=centres.CentreInput(
            organisation=incubator,
            city="上海",
            host_name=f"{tag}浦江承载方",
            opened_on=TODAY - dt.timedelta(days=100),
            landing_region=region,
            landing_division_codes=["510107"],
        ),
        by=officer,
    )
    d.add(centre)
    incubated = centres.incubated_project_add(
        centre=centre,
        data=centres.IncubationInput(
            name=f"{tag}靶向蛋白降解平台", cohort="2025级", started_on=TODAY
        ),
        by=officer,
    )
    d.add(incubated, incubated.name)

    # chain: a gap run over the district with an outside target
    outside = org("诊断原料有限公司", region=neutral)
    outside.chain_nodes.set([ChainNode.objects.get(code="ivd_raw_materials.antigens_antibodies")])
    NodeTarget.objects.create(
        region=region,
        node=ChainNode.objects.get(code="ivd_raw_materials"),
        enterprises=5,
        qualified=2,
        revenue_yuan=Decimal("100000000"),
    )
    run = GapRun.objects.create(region=region, by=officer, as_of=TODAY)
    d.add(gap_run_execute(run_id=run.pk))
    for target in Target.objects.filter(run=run):
        d.add(target)

    # cultivation: a yearly target and a listing candidate
    from yiqiao.cultivation.models import CultivationTarget
    from yiqiao.cultivation.services.listing import listing_enter

    d.add(
        CultivationTarget.objects.create(
            region=region, year=TODAY.year, metric="new_high_tech", target=5
        )
    )
    d.add(
        listing_enter(
            organisation=company,
            board="star",
            entered_on=TODAY,
            by=officer,
            basis="上市辅导备案文件",
        )
    )

    d.add(
        ImportJob.objects.create(
            target="organisations",
            filename=f"{tag}名录.xlsx",
            created_by=officer,
            status=ImportJob.Status.VALIDATED,
        ),
        f"{tag}名录.xlsx",
    )
    return d
