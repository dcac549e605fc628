"""The demo district's ladder: recognitions with history (科技型中小企业 → 高企 → 专精特新 →
小巨人, a few 高企 due for re-certification), the facts the rung criteria read (so each
candidates list has enterprises one criterion away), a 上市后备库 at several stages with one
listing, product approvals, talent teams, and this year's targets. Written through the
services, deterministically for the seed; every name and number is fictional."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from yiqiao.accounts.models import User
from yiqiao.demo.generators import DemoContext
from yiqiao.policies.services import organisation_fact_set
from yiqiao.projects.models import Project
from yiqiao.registry.models import Organisation, Region

from . import services
from .models import Metric, Recognition

DISTRICT = "xs.jc.th"
TEAM_NAMES = (
    ("肿瘤免疫治疗创新团队", "academician", "肿瘤免疫"),
    ("基因编辑与细胞治疗团队", "national", "细胞与基因治疗"),
    ("高端医学影像设备研发团队", "high_level_team", "医学影像"),
    ("合成生物学原料药团队", "provincial", "合成生物"),
    ("神经退行性疾病新药团队", "nobel", "神经科学"),
    ("体外诊断微流控团队", "provincial", "体外诊断"),
)
LEADERS = ("陈", "李", "王", "张", "刘", "杨", "赵", "黄")


@dataclass(frozen=True)
class CultivationSummary:
    recognitions: int
    pool: int
    approvals: int
    teams: int
    targets: int


def cultivation_present() -> bool:
    return Recognition.objects.exists()


def cultivation_demo(context: DemoContext) -> CultivationSummary:
    """Write the cultivation demo (see the module docstring); one transaction."""
    with transaction.atomic():
        summary = _Builder(context).run()
    context.notes.append(
        f"梯度培育：{summary.recognitions} 项认定、{summary.pool} 家上市后备企业、"
        f"{summary.approvals} 项产品获批、{summary.teams} 个人才团队、{summary.targets} 项年度目标"
    )
    return summary


class _Builder:
    def __init__(self, context: DemoContext) -> None:
        self.rng = random.Random(context.seed * 1000 + 17)
        self.today = timezone.localdate()
        self.officer = User.objects.get(username="officer")
        self.admin = User.objects.get(username="admin")
        self.district = Region.objects.get(code=DISTRICT)
        self.serial = 0

    def _number(self, prefix: str, year: int) -> str:
        self.serial += 1
        return f"{prefix}{year}{self.serial:05d}"

    def _recognise(
        self, org: Organisation, rung: str, day: dt.date, basis: str = ""
    ) -> Recognition:
        prefix = {"tech_sme": "KJ33", "high_tech": "GR33", "specialised": "ZJTX",
                  "little_giant": "XJR"}[rung]  # fmt: skip
        return services.recognition_record(
            organisation=org,
            data=services.RecognitionInput(
                rung=rung, recognised_on=day, certificate_number=self._number(prefix, day.year),
                evidence=f"{day.year}年度认定名单（示例）", skip_basis=basis,
            ),
            by=self.officer,
        )  # fmt: skip

    def _days_ago(self, days: int) -> dt.date:
        return self.today - dt.timedelta(days=days)

    def run(self) -> CultivationSummary:
        pool = list(
            Organisation.objects.filter(
                kind=Organisation.Kind.ENTERPRISE, is_active=True, region__path__startswith=self.district.path,
                is_high_tech=False, is_specialised=False, is_little_giant=False, is_pre_ipo=False,
                is_listed=False,
            ).order_by("pk")[:400]
        )  # fmt: skip
        self.rng.shuffle(pool)
        if len(pool) < 8:  # a register too small for a ladder
            return CultivationSummary(0, 0, 0, 0, 0)
        recognitions = 0
        # Climbers: 科技型中小企业 four years ago, then 高企, then 专精特新, a few to 小巨人.
        for i, org in enumerate(pool[:30]):
            # a few 高企 lapse within 90 days: recognised three years ago less 20..80 days
            lapse = 3 * 365 - (20 + 10 * i) if i < 6 else 2 * 365 - i * 9
            high_day = self._days_ago(lapse if i < 24 else 30 + i * 7)
            # the 科技型中小企业 number is valid for its calendar year: entered earlier that year
            tech_day = max(high_day - dt.timedelta(days=60), dt.date(high_day.year, 1, 2))
            self._recognise(org, "tech_sme", min(tech_day, high_day))
            recognitions += 1
            if i >= 24:
                continue
            self._recognise(org, "high_tech", high_day)
            recognitions += 1
            if i >= 12:
                continue
            self._recognise(org, "specialised", self._days_ago(400 - i * 25))
            recognitions += 1
            if i < 3:
                self._recognise(org, "little_giant", self._days_ago(90 + i * 30))
                recognitions += 1
        # This year's new 高企 straight from the register (the basis says why no rung below).
        for i, org in enumerate(pool[30:36]):
            self._recognise(
                org, "high_tech", self._days_ago(20 + i * 15), basis="直接申报高企（示例）"
            )
            recognitions += 1
        self._facts(pool)
        listed = self._pool(pool[:3])
        approvals = self._approvals(pool[:30])
        teams = self._teams(pool[:30])
        targets = self._targets()
        return CultivationSummary(recognitions + listed, 3, approvals, teams, targets)

    def _facts(self, pool: list[Organisation]) -> None:
        """Criteria facts for the enterprises below 专精特新 and 高企, so each list has near
        candidates: most meet all but one criterion, by a small or a large margin."""
        for i, org in enumerate(pool[12:60]):

            def fact(field: str, value: object, org: Organisation = org) -> None:
                organisation_fact_set(
                    organisation=org, field=field, value=value, as_of=self.today, by=self.officer,
                    source="企业填报（示例）",
                )  # fmt: skip

            fact("niche_since", dt.date(self.today.year - 2 - i % 6, 3, 1))
            fact("specialised_score", 55 + (i * 7) % 30)
            fact("tech_staff_share", round(0.06 + (i % 9) * 0.03, 2))
            fact("ip_core_count", i % 4)
            fact("high_tech_revenue_share", round(0.5 + (i % 6) * 0.06, 2))
            fact("innovation_score", 64 + (i * 5) % 20)
            fact("tech_sme_score", 50 + (i * 11) % 40)
            fact("total_assets_yuan", float(3e7 + i * 4e6))
            fact("main_business_share", round(0.6 + (i % 5) * 0.08, 2))
            fact("main_business_growth", round(0.02 + (i % 5) * 0.03, 2))
            fact("debt_ratio", round(0.35 + (i % 7) * 0.07, 2))

    def _pool(self, companies: list[Organisation]) -> int:
        stages = (("tutoring",), ("tutoring", "filing", "inquiry"), ("tutoring", "filing",
                  "inquiry", "registration", "listed"))  # fmt: skip
        boards = ("star", "gem", "star")
        listed = 0
        for k, (org, path) in enumerate(zip(companies, stages, strict=True)):
            day = self._days_ago(700 - k * 60)
            candidate = services.listing_enter(
                organisation=org, board=boards[k], entered_on=day, by=self.officer,
                sponsor="示例证券股份有限公司", note="区上市后备库（示例）",
                basis="区金融办上市后备企业认定（示例）",
            )  # fmt: skip
            for step, stage in enumerate(path, start=1):
                day = day + dt.timedelta(days=100 + 10 * step)
                candidate = services.listing_advance(
                    candidate=candidate, to_stage=stage, on=min(day, self.today), by=self.officer,
                    stock_code="688900" if stage == "listed" else "",
                )  # fmt: skip
                listed += stage == "listed"
        return 3 + listed

    def _approvals(self, companies: list[Organisation]) -> int:
        count = 0
        for i, org in enumerate(companies[:14]):
            day = self._days_ago(30 + i * 47)
            if i % 3 == 0:
                services.approval_record(
                    organisation=org, kind="trials", by=self.officer,
                    data={"number": f"CXHL{day.year % 100}{i:05d}", "product": "innovative_drug",
                          "phase": "ind", "date": day, "site_in_region": i % 2 == 0},
                )  # fmt: skip
            elif i % 3 == 1:
                services.approval_record(
                    organisation=org, kind="certificates", by=self.officer,
                    data={"number": f"浙械注准{day.year}{i:07d}", "category": "device_class2",
                          "issued_on": day, "first_registration": True, "produced_locally": True,
                          "innovative": False},
                )  # fmt: skip
            else:
                services.approval_record(
                    organisation=org, kind="drug_approvals", by=self.officer,
                    data={"number": f"国药准字H{day.year}{i:04d}", "category": "innovative",
                          "approved_on": day, "produced_locally": True},
                )  # fmt: skip
            count += 1
        return count

    def _teams(self, companies: list[Organisation]) -> int:
        projects = list(
            Project.objects.filter(target_region__path__startswith=self.district.path)
            .order_by("pk")
            .values_list("pk", flat=True)[:6]
        )
        for i, (name, level, field) in enumerate(TEAM_NAMES):
            services.talent_team_create(
                data=services.TeamInput(
                    name=name, leader=f"{LEADERS[i]}教授", level=level, field=field,
                    members=6 + i * 3, host_id=companies[(i * 4) % len(companies)].pk,
                    project_id=projects[i] if i < len(projects) and i % 2 == 0 else None,
                    brought_in_on=self._days_ago(60 + i * 120),
                    support_yuan=Decimal(2_000_000 + i * 1_500_000),
                    support_note="启动资金、实验室用房与人才公寓（示例）",
                ),
                by=self.officer,
            )  # fmt: skip
        return len(TEAM_NAMES)

    def _targets(self) -> int:
        goals = {
            Metric.NEW_TECH_SME: 40, Metric.NEW_HIGH_TECH: 25, Metric.NEW_SPECIALISED: 12,
            Metric.NEW_LITTLE_GIANT: 3, Metric.NEW_PRE_IPO: 5, Metric.NEW_LISTED: 1,
            Metric.APPROVALS: 20, Metric.TEAMS: 6,
        }  # fmt: skip
        for metric, goal in goals.items():
            services.target_set(
                region=self.district, year=self.today.year, metric=metric, target=goal,
                by=self.admin,
            )  # fmt: skip
        return len(goals)
