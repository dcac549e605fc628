"""The capital part of the demo district, written through the capital services.

Two and a half years of a district's financing work ending today: the financing-needs list
(drafts, published, withdrawn, closed), investors' portfolios, roadshows with pitches,
invitations, feedback (on time, late and overdue), meetings, term sheets and closes with their
evidence; the partner funds with their 返投 ledgers; grant-to-equity tranches on translational
projects (met, missed, converted, exited); two offshore innovation centres with their cohorts
and landings. Deterministic for a seed and a run date (dates count back from today, so the
reminders and landing windows are current).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone

from yiqiao.accounts.models import OrgUnit, Role, User
from yiqiao.accounts.services.passwords import demo_password_for
from yiqiao.core.uscc import uscc_make
from yiqiao.demo.generators import DemoContext
from yiqiao.events import services as event_services
from yiqiao.projects.engine import gates
from yiqiao.projects.services import translational as translation
from yiqiao.registry import services as registry_services
from yiqiao.registry.models import Organisation, Region

from .engine.landing import add_months
from .models import FinancingNeed, IncubatedProject, Pitch
from .services import centres, deals, funds, grants, needs, roadshows
from .services.deals import CloseInput, ShareInput, TermSheetInput
from .services.portfolio import HoldingInput, holding_write
from .services.roadshows import FeedbackInput

#: Which of the register's chain nodes a generated enterprise raising a need in a sector sits in
#: (so a pharmacy is never the one raising a vaccine round).
SECTOR_NODE = {
    "cell_therapy": "biomed.cell_gene",
    "gene_therapy": "biomed.cell_gene",
    "vaccine": "biomed.biologics",
    "nucleic_acid": "biomed.biologics",
    "antibody": "biomed.biologics",
    "recombinant_protein": "biomed.biologics",
    "synthetic_biology": "biomed.biologics",
    "small_molecule": "biomed.innovative_drug",
    "peptide": "biomed.generic",
    "api": "biomed.generic",
    "tcm": "biomed.tcm",
    "ivd": "device.ivd",
    "medical_imaging": "device.imaging",
    "consumable": "device.consumables",
    "rehab_device": "device.rehab",
    "digital_health": "digital_health.ai",
    "surgical_robot": "device.high_end",
    "orthopedic_device": "device.high_end",
    "cardiovascular_device": "device.high_end",
    "ophthalmic_device": "device.high_end",
    "dental_device": "device.high_end",
    "active_device": "device.high_end",
}
DATA = Path(__file__).resolve().parents[1] / "demo" / "data"
WAN = Decimal(10_000)
INVESTOR_LOGIN = ("investor", "inv.suzhou", "顾明远", "投资机构用户（姑苏医械产业投资基金）")


@dataclass(frozen=True)
class CapitalSummary:
    needs: int
    pitches: int
    invitations: int
    closes: int
    funds: int
    grants: int
    centres: int
    incubated: int


def with_partner(guests: list[Organisation], partner: Organisation) -> list[Organisation]:
    """The guests of a round the district closes: the first sampled investor, then the partner
    fund, then the others, five in all and each once (the partner may have been sampled too)."""
    others = [g for g in guests if g.pk != partner.pk]
    return [*others[:1], partner, *others[1:4]]


def capital_present() -> bool:
    return FinancingNeed.objects.exists()


def capital_logins() -> list[tuple[str, str, str]]:
    if User.objects.filter(username=INVESTOR_LOGIN[0]).exists():
        # Shown once, when the demo is made; it cannot be read back.
        return [(INVESTOR_LOGIN[0], "", INVESTOR_LOGIN[3])]
    return []


def capital_demo(context: DemoContext) -> CapitalSummary:
    """Write the capital demo (see the module docstring); one transaction."""
    with transaction.atomic():
        builder = _Builder(context)
        builder.run()
    logins = [(u, demo_password_for(u) if u else "", label) for u, _p, label in capital_logins()]
    context.logins.extend(logins)
    summary = builder.summary()
    context.notes.append(
        f"投融资：{summary.needs} 条融资需求、{summary.pitches} 场路演推介、{summary.closes} 次交割、"
        f"{summary.funds} 只合作基金、{summary.grants} 笔拨投结合拨款、{summary.centres} 个离岸创新中心"
        f"（{summary.incubated} 个孵化项目）"
    )
    return summary


class _Builder:
    def __init__(self, context: DemoContext) -> None:
        self.rng = random.Random(context.seed * 1000 + 16)
        self.today = timezone.localdate()
        self.catalogue: dict[str, int] = getattr(context.results.get("register"), "catalogue", {})
        self.officer = User.objects.get(username="officer")
        self.enterprise_user = User.objects.filter(username="enterprise").first()
        self.district = Region.objects.get(code="xs.jc.th")
        self.needs: list[FinancingNeed] = []
        self.targets: dict[int, str] = {}
        self.pitch_count = 0
        self.invitation_count = 0
        self.close_count = 0
        self.fund_count = 0
        self.grant_count = 0
        self.centre_count = 0
        self.incubated_count = 0

    def day(self, days_ago: int) -> dt.date:
        return self.today - dt.timedelta(days=days_ago)

    def org(self, key: str) -> Organisation | None:
        pk = self.catalogue.get(f"org:{key}")
        return Organisation.objects.filter(pk=pk).first() if pk else None

    def run(self) -> None:
        self.investor_login()
        self.portfolios()
        self.financing_needs()
        self.partner_funds()
        self.roadshows()
        self.fund_investments()
        self.grant_to_equity()
        self.offshore_centres()
        roadshows.feedback_remind(on=self.today)

    def summary(self) -> CapitalSummary:
        return CapitalSummary(
            needs=len(self.needs),
            pitches=self.pitch_count,
            invitations=self.invitation_count,
            closes=self.close_count,
            funds=self.fund_count,
            grants=self.grant_count,
            centres=self.centre_count,
            incubated=self.incubated_count,
        )

    # --- people and portfolios ----------------------------------------------------------------
    def investor_login(self) -> None:
        username, key, display, _label = INVESTOR_LOGIN
        org = self.org(key)
        portal = OrgUnit.objects.filter(kind=OrgUnit.Kind.ENTERPRISE, region=self.district).first()
        if org is None or portal is None:
            return
        user = User(
            username=username,
            org_unit=portal,
            role=Role.INVESTOR,
            organisation=org,
            display_name=display,
            email=f"{username}@example.cn",
        )
        password = demo_password_for(username)
        if self.officer.check_password(password):
            user.password = self.officer.password  # one fixed password (tests): reuse its hash
        else:
            user.set_password(password)
        user.save()

    def portfolios(self) -> None:
        """Portfolio lines of the investors' profiles (imports of the register's data file)."""
        data = yaml.safe_load((DATA / "register" / "investors.yaml").read_text(encoding="utf-8"))
        for item in data["investors"]:
            investor = (self.org(item["demo_key"]) if item.get("demo_key") else None) or (
                Organisation.objects.filter(name=item["name"]).first()
            )
            if investor is None:
                continue
            for line in item.get("portfolio") or []:
                holding_write(
                    HoldingInput(
                        investor=investor,
                        company_name=line["company"],
                        round=line.get("round") or "",
                        year=line.get("year"),
                        sectors=item.get("sectors"),
                        instrument=(item.get("instruments") or ["equity"])[0],
                        source="import",
                        source_ref=f"investors.yaml:{item['key']}",
                    ),
                    by=None,
                )

    # --- financing needs ----------------------------------------------------------------------
    def financing_needs(self) -> None:
        data = yaml.safe_load((DATA / "capital" / "needs.yaml").read_text(encoding="utf-8"))
        used: set[int] = set()
        generated = list(
            Organisation.objects.filter(
                kind=Organisation.Kind.ENTERPRISE,
                is_active=True,
                region__path__startswith=self.district.path,
            )
            .exclude(pk__in=[v for k, v in self.catalogue.items() if k.startswith("org:")])
            .order_by("id")
            .values_list("pk", flat=True)[:400]
        )
        for i, item in enumerate(data["needs"]):
            org = self.org(item["org"]) if item["org"] else None
            if org is None:
                fitting = list(
                    Organisation.objects.filter(
                        pk__in=generated, chain_nodes__code=SECTOR_NODE[item["sectors"][0]]
                    )
                    .exclude(pk__in=used)
                    .order_by("id")
                    .values_list("pk", flat=True)
                ) or [p for p in generated if p not in used]
                org = Organisation.objects.get(pk=self.rng.choice(fitting))
            used.add(org.pk)
            valuation = item.get("valuation_wan") or [None, None]
            need = needs.financing_need_create(
                data=needs.NeedInput(
                    organisation=org,
                    title=item["title"],
                    round=item["round"],
                    amount=Decimal(item["amount_wan"]) * WAN,
                    summary=item["summary"],
                    use_of_funds=item["use_of_funds"],
                    sectors=item["sectors"],
                    instruments=item["instruments"],
                    role_wanted=item["role"],
                    valuation_min=Decimal(valuation[0]) * WAN if valuation[0] else None,
                    valuation_max=Decimal(valuation[1]) * WAN if valuation[1] else None,
                    confidential_fields=["valuation", "use_of_funds"] if i % 3 else ["valuation"],
                ),
                by=self.officer,
            )
            target = item["status"]
            if target != "draft":
                published = self.day(
                    760 - i * 37 if target in {"closed", "withdrawn"} else 400 - i * 17
                )
                by = (
                    self.enterprise_user
                    if org.pk == getattr(self.enterprise_user, "organisation_id", None)
                    else self.officer
                )
                assert by is not None
                needs.financing_need_consent(
                    need=need,
                    by=by,
                    note=""
                    if by.role == Role.ENTERPRISE
                    else f"企业书面同意书（{published:%Y%m%d}）",
                    on=published,
                )
                need = needs.financing_need_publish(need=need, by=by, on=published)
            if target == "withdrawn":
                need = needs.financing_need_withdraw(
                    need=need, by=self.officer, reason="企业已通过股东增资解决，暂不对外融资"
                )
            self.targets[need.pk] = target
            self.needs.append(need)

    # --- roadshows to close -----------------------------------------------------------------
    ROADSHOWS = (
        (690, "锦城", "生物医药创新项目路演（第一期）"),
        (540, "上海", "桐华区赴沪生物医药投融资路演"),
        (400, "锦城", "医疗器械专场路演"),
        (260, "深圳", "桐华区赴深医疗器械与数字医疗路演"),
        (130, "锦城", "生物医药创新项目路演（第五期）"),
        (60, "苏州", "长三角投资机构对接路演"),
        (17, "锦城", "年末投融资路演沙龙"),
    )

    def investors(self) -> list[Organisation]:
        return list(
            Organisation.objects.filter(kind=Organisation.Kind.INVESTOR, is_active=True)
            .filter(investor_profile__isnull=False)
            .order_by("id")
        )

    def roadshows(self) -> None:
        pool = self.investors()
        if len(pool) < 4:
            return
        pitched: dict[int, int] = {}
        for days_ago, city, title in self.ROADSHOWS:
            starts = self.day(days_ago)
            event = event_services.event_create(
                by=self.officer,
                title=title,
                kind="roadshow",
                city=city,
                starts_on=starts,
                venue="桐华国际智慧医谷路演厅" if city == "锦城" else f"{city}合作园区会议中心",
            )
            ready = [
                n
                for n in self.needs
                if self.targets[n.pk] in {"published", "closed"}
                and n.published_on is not None
                and n.published_on <= starts - dt.timedelta(days=7)
                and pitched.get(n.pk, 0) < 2
                and (self.targets[n.pk] == "published" or n.pk not in pitched)
            ]
            self.rng.shuffle(ready)
            for order, need in enumerate(ready[:4]):
                need.refresh_from_db()
                if need.status != FinancingNeed.Status.PUBLISHED:
                    continue
                pitch = roadshows.pitch_book(
                    event=event,
                    need=need,
                    by=self.officer,
                    starts_at=dt.time(14, 0 + 20 * order) if order < 3 else dt.time(15, 0),
                )
                pitched[need.pk] = pitched.get(need.pk, 0) + 1
                self.pitch_count += 1
                if days_ago > 0:
                    pitch = roadshows.pitch_mark_pitched(pitch=pitch, by=self.officer)
                guests = self.rng.sample([o for o in pool if o.pk != need.organisation_id], 5)
                partner = self.partner_fund_for(starts)
                if self.targets[need.pk] == "closed" and partner is not None:
                    # The district's partner funds take part in the rounds it closes.
                    guests = with_partner(guests, partner)
                roadshows.pitch_invite(pitch=pitch, investors=guests, by=self.officer)
                self.invitation_count += len(guests)
                self.follow_pitch(pitch, guests)

    def partner_fund_for(self, day: dt.date) -> Organisation | None:
        ready = [
            f.organisation for f in getattr(self, "funds", {}).values() if f.established_on <= day
        ]
        return self.rng.choice(ready) if ready else None

    def follow_pitch(self, pitch: Pitch, guests: list[Organisation]) -> None:
        """Feedback (most on time, some late, the latest roadshow's partly missing), then
        meetings, term sheets and closes for the needs the data file closes."""
        need = pitch.need
        closing = self.targets.get(need.pk) == "closed"
        interested: list[Organisation] = []
        for rank, investor in enumerate(guests):
            recent = (self.today - pitch.pitched_on).days < 20
            if recent and rank >= 2:
                continue  # not given yet: the reminders will say so
            delay = self.rng.choice([2, 4, 6, 9, 12, 13, 17, 25])
            given = min(pitch.pitched_on + dt.timedelta(days=delay), self.today)
            keen = rank < (2 if closing else 1) or self.rng.random() < 0.2
            if keen:
                data = FeedbackInput(
                    "high", "meeting", given, [], "团队扎实，希望进一步了解临床与注册进度"
                )
                interested.append(investor)
            elif self.rng.random() < 0.5:
                data = FeedbackInput("medium", "watch", given, [], "保持关注，等待下一轮里程碑")
            else:
                reasons = self.rng.sample(
                    ["stage", "valuation", "sector", "ticket", "competition", "timing"], 2
                )
                data = FeedbackInput("none", "pass", given, reasons, "")
            roadshows.feedback_record(pitch=pitch, investor=investor, data=data, by=self.officer)
        for investor in interested:
            held = min(pitch.pitched_on + dt.timedelta(days=self.rng.randint(15, 35)), self.today)
            deals.meeting_record(
                need=need,
                investor=investor,
                kind="first",
                held_on=held,
                by=self.officer,
                note="创始团队介绍管线与融资计划",
            )
        if not interested or (self.today - pitch.pitched_on).days < 45:
            return
        lead = interested[0]
        signed = pitch.pitched_on + dt.timedelta(days=self.rng.randint(40, 70))
        need.refresh_from_db()
        remaining = need.amount - need.closed_amount
        lead_amount = (remaining * Decimal("0.6")).quantize(Decimal("1"))
        if closing or self.rng.random() < 0.5:
            deals.term_sheet_record(
                need=need,
                investor=lead,
                data=TermSheetInput(signed, lead_amount, need.currency, is_lead=True),
                by=self.officer,
            )
        if not closing or remaining <= 0:
            return
        closed_on = min(signed + dt.timedelta(days=self.rng.randint(30, 60)), self.day(1))
        shares = [ShareInput(lead, lead_amount, True)]
        if len(interested) > 1:
            shares.append(ShareInput(interested[1], remaining - lead_amount, False))
        else:
            shares[0] = ShareInput(lead, remaining, True)
        deals.close_record(
            need=need,
            data=CloseInput(
                closed_on=closed_on,
                amount=sum((s.amount for s in shares), Decimal("0")),
                shares=shares,
                evidence_kind="register_change",
                evidence_ref=f"工商变更登记（{closed_on:%Y-%m-%d}），股东名册已更新",
            ),
            by=self.officer,
        )
        self.close_count += 1

    # --- funds -----------------------------------------------------------------------------------
    def partner_funds(self) -> None:
        guidance_org = self.org("inv.guidance")
        angel_org = self.org("inv.angel")
        self.funds: dict[str, Any] = {}
        if guidance_org is not None:
            guidance = funds.fund_create(
                data=funds.FundInput(
                    organisation=guidance_org,
                    kind="guidance",
                    region=self.district,
                    size_yuan=Decimal(50) * 100_000_000,
                    district_commitment_yuan=Decimal(5) * 100_000_000,
                    established_on=dt.date(2020, 8, 1),
                    manager_name="锦城产业基金管理有限公司",
                    term_years=10,
                    return_ratio=Decimal("1.20"),
                    return_basis="district_contribution",
                    agreement_ref="引导基金合作协议（桐华区出资部分）第十一条：投资桐华区企业不低于区级出资的1.2倍",
                ),
                by=self.officer,
            )
            self.funds["guidance"] = guidance
            self.commit(
                guidance,
                [
                    ("桐华产业投资集团有限公司", 5, True),
                    ("锦城市财政局", 20, False),
                    ("社会资本出资人", 25, False),
                ],
            )
            for key, name, size, district, ratio, basis, ref, years in (
                (
                    "bio",
                    "桐华生物医药创业投资基金合伙企业（有限合伙）",
                    10,
                    2,
                    "1.50",
                    "district_contribution",
                    "子基金合伙协议第九条：返投桐华区不低于区级出资1.5倍",
                    3,
                ),
                (
                    "device",
                    "锦城医疗器械产业子基金合伙企业（有限合伙）",
                    6,
                    1,
                    "0.50",
                    "fund_size",
                    "子基金合伙协议第十条：投资桐华区企业不低于认缴规模的50%",
                    2,
                ),
            ):
                org = registry_services.organisation_create(
                    data={
                        "name": name,
                        "kind": Organisation.Kind.INVESTOR,
                        "region": self.district,
                        "description": "锦城生物医药产业引导基金参股设立的子基金（演示）",
                    },
                    by=self.officer,
                )
                fund = funds.fund_create(
                    data=funds.FundInput(
                        organisation=org,
                        kind="sub_fund",
                        parent=guidance,
                        region=self.district,
                        size_yuan=Decimal(size) * 100_000_000,
                        district_commitment_yuan=Decimal(district) * 100_000_000,
                        established_on=add_months(self.today, -12 * years),
                        term_years=8,
                        return_ratio=Decimal(ratio),
                        return_basis=basis,
                        agreement_ref=ref,
                    ),
                    by=self.officer,
                )
                self.funds[key] = fund
                self.commit(
                    fund,
                    [
                        ("锦城生物医药产业引导基金", size * 0.3, False),
                        ("桐华产业投资集团有限公司", district, True),
                        ("市场化出资人", size * 0.7 - district, False),
                    ],
                )
        if angel_org is not None:
            angel = funds.fund_create(
                data=funds.FundInput(
                    organisation=angel_org,
                    kind="angel",
                    region=self.district,
                    size_yuan=Decimal(2) * 100_000_000,
                    district_commitment_yuan=Decimal(4000) * WAN,
                    established_on=dt.date(2024, 1, 16),
                    manager_name="桐华医健创业投资管理有限公司",
                    term_years=7,
                    return_ratio=Decimal("1.00"),
                    return_basis="paid_in",
                    agreement_ref="天使基金出资协议第六条：投资区内企业金额不低于实缴规模",
                ),
                by=self.officer,
            )
            self.funds["angel"] = angel
            self.commit(
                angel,
                [("桐华区科技创新基金", 0.4, True), ("社会资本出资人", 1.6, False)],
                paid_share=0.6,
            )
        self.fund_count = len(self.funds)

    def commit(
        self, fund: Any, partners: list[tuple[str, float, bool]], paid_share: float = 0.8
    ) -> None:
        for name, yi, is_district in partners:
            committed = (Decimal(str(yi)) * 100_000_000).quantize(Decimal("1"))
            funds.fund_commitment_add(
                fund=fund,
                partner_name=name,
                committed_yuan=committed,
                paid_in_yuan=(committed * Decimal(str(paid_share))).quantize(Decimal("1")),
                committed_on=fund.established_on,
                is_district=is_district,
                by=self.officer,
            )

    def fund_investments(self) -> None:
        """Direct investments of the funds (outside the roadshows) into district companies and
        a few outside the district (listed as not counting for 返投)."""
        if not getattr(self, "funds", None):
            return
        inside = list(
            Organisation.objects.filter(
                kind=Organisation.Kind.ENTERPRISE, region__path__startswith=self.district.path
            )
            .order_by("id")
            .values_list("pk", flat=True)[:300]
        )
        outside = [
            o
            for o in (
                self.org("ent.smo_sh"),
                self.org("ent.vascular_sh"),
                self.org("ent.imaging_sz"),
            )
            if o is not None
        ]
        plan = {"guidance": (2, 8000), "bio": (8, 3000), "device": (5, 4000), "angel": (6, 500)}
        for key, (count, wan) in plan.items():
            fund = self.funds.get(key)
            if fund is None:
                continue
            span = (self.today - fund.established_on).days
            for n in range(count):
                company = Organisation.objects.get(pk=self.rng.choice(inside))
                invested = fund.established_on + dt.timedelta(
                    days=int(span * (n + 1) / (count + 1))
                )
                funds.fund_investment_record(
                    fund=fund,
                    company=company,
                    invested_on=invested,
                    amount_yuan=Decimal(int(wan * self.rng.uniform(0.5, 1.5))) * WAN,
                    round=self.rng.choice(["angel", "Pre-A", "A", "B"]),
                    evidence_ref=f"投资协议及付款凭证（{invested:%Y%m}）",
                    by=self.officer,
                )
            if outside and key in {"bio", "device"}:
                company = outside[len(key) % len(outside)]
                funds.fund_investment_record(
                    fund=fund,
                    company=company,
                    invested_on=fund.established_on + dt.timedelta(days=span // 3),
                    amount_yuan=Decimal(wan) * WAN,
                    round="B",
                    evidence_ref="投资协议（区外企业）",
                    by=self.officer,
                )

    # --- grant-to-equity -------------------------------------------------------------------------
    GRANT_PROJECTS = (
        # title, origin key, product type, gates passed (months ago), grant 万元, converts on,
        # due (months ago, negative = in the future), converted?, post-money 万元, exit (percent, 万元)
        (
            "可降解镁合金骨钉",
            "inst.biomat",
            "device_3",
            (30, 20),
            300,
            "preclinical",
            22,
            True,
            6000,
            (1.0, 180),
        ),
        (
            "肿瘤早筛甲基化检测",
            "hosp.main",
            "ivd",
            (28, 18, 8),
            500,
            "clinical",
            6,
            True,
            12000,
            None,
        ),
        (
            "AI眼底筛查软件",
            "uni.tech",
            "digital",
            (26, 14),
            200,
            "preclinical",
            12,
            True,
            4000,
            None,
        ),
        ("新型抗菌肽", "uni.med", "drug", (24,), 400, "preclinical", 4, False, None, None),
        ("胰岛素贴片泵", "inst.tmf", "device_2", (20, 9), 300, "clinical", -6, False, None, None),
        ("中药外用凝胶", "uni.tcm", "drug", (18,), 250, "preclinical", -4, False, None, None),
        (
            "口腔修复生物陶瓷",
            "hosp.dental",
            "device_3",
            (15, 5),
            200,
            "preclinical",
            8,
            False,
            None,
            None,
        ),
        (
            "妇科HPV自采样器",
            "hosp.women",
            "device_2",
            (12,),
            150,
            "preclinical",
            -10,
            False,
            None,
            None,
        ),
    )

    def grant_to_equity(self) -> None:
        provider = self.org("inv.grant")
        holder = self.org("inv.state")
        for (
            title,
            origin_key,
            product,
            passed,
            wan,
            gate,
            due,
            convert,
            post,
            exit_,
        ) in self.GRANT_PROJECTS:
            origin = self.org(origin_key) or Organisation.objects.filter(kind="hospital").first()
            if origin is None:
                return
            project = translation.translation_create(
                data={
                    "title": title,
                    "origin": origin,
                    "team_lead": "项目负责人",
                    "product_type": product,
                    "landing_region": self.district,
                },
                by=self.officer,
            )
            order = gates.gates_for(product)
            start = add_months(self.today, -(passed[0] + 4))
            tranche = translation.funding_tranche_add(
                project=project,
                kind="grant",
                amount=Decimal(wan) * WAN,
                granted_on=start,
                provider=provider,
                converts_on_gate=gate,
                by=self.officer,
            )
            self.grant_count += 1
            grants.grant_terms_set(
                tranche=tranche,
                by=self.officer,
                milestone_due_on=add_months(self.today, -due),
                holder=holder,
            )
            for step, months_ago in enumerate(passed):
                to_gate = order[step]
                translation.translation_pass_gate(
                    project=project,
                    to_gate=to_gate,
                    passed_on=add_months(self.today, -months_ago),
                    evidence={
                        c: f"{gates.CRITERIA_LABELS.get(c, c)}（存档）"
                        for c in gates.entry_criteria(to_gate, product)
                    },
                    phase="I" if to_gate == "clinical" and product == "drug" else "",
                    by=self.officer,
                )
            if convert:
                passed_on = add_months(self.today, -passed[order.index(gate)])
                converted_on = passed_on + dt.timedelta(days=45)
                grants.grant_convert(
                    tranche=tranche,
                    converted_on=converted_on,
                    valuation_yuan=Decimal(post or 0) * WAN,
                    by=self.officer,
                )
                if exit_ is not None:
                    grants.equity_exit_record(
                        tranche=tranche,
                        kind="buyback",
                        exited_on=min(converted_on + dt.timedelta(days=300), self.day(1)),
                        percent_sold=Decimal(str(exit_[0])),
                        proceeds_yuan=Decimal(exit_[1]) * WAN,
                        by=self.officer,
                        note="团队按约定回购部分股权",
                    )

    # --- offshore innovation centres ---------------------------------------------------------
    def offshore_centres(self) -> None:
        from yiqiao.registry.demo.places import REGIONS

        division = {code: div for code, _n, _k, _p, div in REGIONS}[self.district.code]
        data = yaml.safe_load((DATA / "capital" / "centres.yaml").read_text(encoding="utf-8"))
        serial = 0
        for item in data["centres"]:
            region = Region.objects.filter(code=item["region"]).first()
            if region is None:
                continue
            org = registry_services.organisation_create(
                data={
                    "name": item["name"],
                    "kind": Organisation.Kind.INCUBATOR,
                    "region": region,
                    "description": item["description"],
                },
                by=self.officer,
            )
            centre = centres.centre_create(
                data=centres.CentreInput(
                    organisation=org,
                    city=item["city"],
                    host_name=item["host_name"],
                    opened_on=add_months(self.today, -item["opened_months_ago"]),
                    landing_region=self.district,
                    landing_division_codes=[division],
                    description=item["description"],
                ),
                by=self.officer,
            )
            self.centre_count += 1
            landed: list[IncubatedProject] = []
            for n, p in enumerate(item["projects"]):
                started = add_months(self.today, -p["started_months_ago"])
                tp = None
                if n % 4 == 0:  # every fourth project comes from the translational pipeline
                    tp = translation.translation_create(
                        data={
                            "title": p["name"],
                            "origin": self.org("uni.med") or org,
                            "team_lead": "项目负责人",
                            "product_type": "drug" if item["city"] == "上海" else "device_2",
                            "incubator": org,
                            "landing_region": self.district,
                        },
                        by=self.officer,
                    )
                project = centres.incubated_project_add(
                    centre=centre,
                    data=centres.IncubationInput(
                        name=p["name"],
                        cohort=p["cohort"],
                        started_on=started,
                        sectors=p["sectors"],
                        translation_project=tp,
                    ),
                    by=self.officer,
                )
                self.incubated_count += 1
                if p["landed_after_months"] is None:
                    continue
                registered = add_months(started, p["landed_after_months"])
                if registered > self.today:
                    continue
                serial += 1
                project = centres.incubated_project_land(
                    project=project,
                    company_name=f"桐华{p['name']}科技有限公司".replace("（", "").replace("）", ""),
                    uscc=_demo_uscc(division, serial),
                    registered_on=registered,
                    by=self.officer,
                )
                landed.append(project)
            for term in item["terms"]:
                benefit = centres.benefit_term_add(
                    centre=centre,
                    kind=term["kind"],
                    host_share_percent=Decimal(str(term["host_share_percent"])),
                    basis_note=term["basis_note"],
                    agreement_ref=term["agreement_ref"],
                    by=self.officer,
                )
                share = Decimal(str(term["host_share_percent"])) / 100
                for project in landed[:4]:
                    basis = Decimal(self.rng.randint(40, 160)) * WAN
                    paid = (
                        basis * share * Decimal(str(self.rng.choice([1, 1, 0.8, 0.6])))
                    ).quantize(Decimal("1"))
                    assert project.landed_on is not None
                    settled = min(project.landed_on + dt.timedelta(days=200), self.day(2))
                    centres.benefit_settlement_record(
                        term=benefit,
                        period=f"{settled.year}年度",
                        basis_yuan=basis,
                        host_paid_yuan=paid,
                        settled_on=settled,
                        project=project,
                        evidence_ref=f"结算单 {settled:%Y%m%d}-{project.pk}",
                        by=self.officer,
                    )


def _demo_uscc(division: str, serial: int) -> str:
    """A valid company credit code registered in the demo district (invented body)."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = (
        "MA"
        + "".join(alphabet[(serial * 7 + i * 13) % 31] for i in range(5))
        + alphabet[serial % 31]
    )
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    values = [int(c) if c.isdigit() else ord(c) - 55 for c in body]
    check = 11 - sum(v * w for v, w in zip(values, weights, strict=True)) % 11
    check_char = "X" if check == 10 else "0" if check == 11 else str(check)
    return uscc_make("91" + division + body + check_char)
