"""Investment projects (招商项目) and translational projects (成果转化项目) with their history.

A Project at stage `lead` is the glossary's Lead. Money amounts carry their currency; totals are
only ever made per currency. The commitment/realisation columns on Project (signed_amount,
capital_arrived, …) are maintained by the services in the same transaction as the signing or
milestone they summarise, so that figures pages aggregate a handful of grouped rows instead of
millions of records.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiqiao.core.models import Model, Owned, TimeStampedModel

from .engine import figures, funding, gates, pipeline

MONEY: Any = {"max_digits": 18, "decimal_places": 2}
# 1e12 in any currency is beyond any single project in the field (absurd-amount guard).
MAX_AMOUNT = Decimal("1000000000000")
AMOUNT_RANGE = [MinValueValidator(Decimal("0")), MaxValueValidator(MAX_AMOUNT)]
# How the services that create leads key their source (pipeline.lead_create's
# `source_url_or_ref`): a meeting or signing outcome (events/services/outcomes.py), a chain
# target (chain/services/gaps.py), a financing close (capital/services/deals.py), the demo's
# investor file (capital/demo.py). Kept to make a lead once per source; never shown as text.
INTERNAL_SOURCE_REFS = ("events:", "chain-target:", "capital.close:", "investors.yaml:")


class Currency(models.TextChoices):
    CNY = "CNY", _("人民币")
    USD = "USD", _("美元")
    EUR = "EUR", _("欧元")
    HKD = "HKD", _("港元")


class Stage(models.TextChoices):
    LEAD = pipeline.LEAD, _("线索")
    CONTACTED = pipeline.CONTACTED, _("接洽")
    SITE_VISIT = pipeline.SITE_VISIT, _("考察")
    NEGOTIATING = pipeline.NEGOTIATING, _("洽谈")
    SIGNED = pipeline.SIGNED, _("签约")
    REGISTERED = pipeline.REGISTERED, _("注册落地")
    CONSTRUCTION = pipeline.CONSTRUCTION, _("开工")
    PRODUCTION = pipeline.PRODUCTION, _("投产")
    LOST = pipeline.LOST, _("终止")


assert tuple(Currency.values) == figures.CURRENCIES


class Project(Owned, TimeStampedModel):
    """An investment project (招商项目) followed from first contact to production."""

    class Kind(models.TextChoices):
        INVESTMENT = "investment", _("招商项目")

    title = models.CharField(_("项目名称"), max_length=160)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices, default=Kind.INVESTMENT)
    stage = models.CharField(_("阶段"), max_length=14, choices=Stage.choices, default=Stage.LEAD)
    stage_entered_on = models.DateField(_("进入本阶段日期"), default=timezone.localdate)
    lost_reason = models.CharField(_("终止原因"), max_length=300, blank=True)
    lost_from_stage = models.CharField(
        _("终止前阶段"), max_length=14, choices=Stage.choices, blank=True
    )
    investors = models.ManyToManyField(
        "registry.Organisation", verbose_name=_("投资方"), blank=True, related_name="projects"
    )
    target_region = models.ForeignKey(
        "registry.Region",
        verbose_name=_("拟落地区域/园区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    chain_nodes = models.ManyToManyField(
        "registry.ChainNode", verbose_name=_("产业链节点"), blank=True, related_name="projects"
    )
    currency = models.CharField(
        _("币种"), max_length=3, choices=Currency.choices, default=Currency.CNY
    )
    planned_amount = models.DecimalField(
        _("计划投资额"), null=True, blank=True, validators=AMOUNT_RANGE, **MONEY
    )
    expected_output_yuan = models.DecimalField(
        _("预计年产值（元）"), null=True, blank=True, validators=AMOUNT_RANGE, **MONEY
    )
    expected_tax_yuan = models.DecimalField(
        _("预计年税收（元）"), null=True, blank=True, validators=AMOUNT_RANGE, **MONEY
    )
    planned_jobs = models.PositiveIntegerField(_("预计就业（人）"), null=True, blank=True)
    next_follow_up_on = models.DateField(_("下次跟进日期"), null=True, blank=True)
    registered_company = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("落地企业"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="landed_projects",
    )
    source_note = models.TextField(_("线索来源"), blank=True)
    source_ref = models.CharField(_("来源编号/链接"), max_length=300, blank=True)
    # "<source_ref>|<investor id or 0>": one lead per article/meeting and investor.
    source_key = models.CharField(max_length=340, blank=True, editable=False)
    description = models.TextField(_("项目简介"), blank=True)
    # Maintained by services (see module docstring); all in the project's currency.
    signed_amount = models.DecimalField(_("签约金额"), default=Decimal("0"), **MONEY)
    signed_on = models.DateField(_("首次签约日期"), null=True, blank=True, db_index=True)
    capital_arrived = models.DecimalField(_("累计到资"), default=Decimal("0"), **MONEY)
    realised_capex = models.DecimalField(_("累计完成投资"), default=Decimal("0"), **MONEY)
    realised_jobs = models.PositiveIntegerField(_("实际就业（人）"), default=0)
    realised_revenue = models.DecimalField(_("最近年营收"), default=Decimal("0"), **MONEY)

    class Meta:
        verbose_name = _("招商项目")
        verbose_name_plural = _("招商项目")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["stage", "-updated_at"], name="projects_stage_updated"),
            models.Index(fields=["owner", "next_follow_up_on"], name="projects_owner_followup"),
            models.Index(fields=["target_region", "stage"], name="projects_region_stage"),
            models.Index(fields=["owner_unit", "stage"], name="projects_unit_stage"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source_key"],
                condition=~Q(source_key=""),
                name="projects_one_lead_per_source",
            ),
            models.CheckConstraint(
                condition=Q(planned_amount__gte=0) | Q(planned_amount__isnull=True),
                name="projects_planned_amount_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.stage == Stage.LOST and not self.lost_reason.strip():
            raise ValidationError({"lost_reason": _("终止的项目须填写终止原因")})

    @property
    def source_ref_shown(self) -> str:
        """The source reference a person typed (a number, a link); the keys the system writes
        to make one lead per source (``INTERNAL_SOURCE_REFS``) are not for reading."""
        ref = self.source_ref.strip()
        return "" if ref.startswith(INTERNAL_SOURCE_REFS) else ref

    @property
    def source_href(self) -> str:
        """Where the source reference leads, if anywhere: a web address, or a page of this site
        (a news lead keeps its article's path); never a script or another scheme."""
        from yiqiao.core.weblinks import is_web_url

        ref = self.source_ref_shown
        if ref.startswith("/") and not ref.startswith("//") and "\\" not in ref:
            return ref
        return ref if is_web_url(ref) else ""

    @property
    def is_signed(self) -> bool:
        return self.signed_on is not None

    def is_overdue(self, today: dt.date) -> bool:
        """The next follow-up date has passed while the project is still open."""
        due = self.next_follow_up_on
        return figures.is_overdue(due.toordinal() if due else None, today.toordinal(), self.stage)

    def days_in_stage(self, today: dt.date) -> int:
        return (today - self.stage_entered_on).days


class StageChange(Model):
    """One move of a project between stages: when, by whom, and how long the old stage lasted."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="stage_changes"
    )
    from_stage = models.CharField(_("原阶段"), max_length=14, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("新阶段"), max_length=14, choices=Stage.choices)
    changed_on = models.DateField(_("日期"))
    days_in_from_stage = models.PositiveIntegerField(_("原阶段停留天数"), null=True, blank=True)
    at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("阶段变更")
        verbose_name_plural = _("阶段变更")
        ordering = ["project", "at", "id"]
        indexes = [
            models.Index(fields=["from_stage", "days_in_from_stage"], name="projects_sc_dwell")
        ]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.from_stage} → {self.to_stage}"


def _attachment_path(instance: Activity, filename: str) -> str:
    return f"projects/{instance.project_id}/{timezone.localdate():%Y%m}/{filename}"


class Activity(Model):
    """A contact with the investor: visit, call, meeting, site visit (考察), event contact."""

    class Kind(models.TextChoices):
        VISIT = "visit", _("拜访")
        CALL = "call", _("电话")
        MEETING = "meeting", _("会谈")
        SITE_VISIT = "site_visit", _("考察")
        EVENT = "event", _("活动接触")
        NOTE = "note", _("备注")

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="activities"
    )
    kind = models.CharField(_("方式"), max_length=12, choices=Kind.choices)
    happened_on = models.DateField(_("日期"))
    summary = models.TextField(_("内容"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    attachment = models.FileField(_("附件"), upload_to=_attachment_path, blank=True)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("跟进记录")
        verbose_name_plural = _("跟进记录")
        ordering = ["-happened_on", "-id"]
        indexes = [
            models.Index(fields=["project", "-happened_on", "-id"], name="projects_act_recent")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.happened_on}"


class Signing(Model):
    """A signed agreement (签约). The same agreement recorded twice is refused, not counted twice."""

    class AgreementType(models.TextChoices):
        INVESTMENT = "investment", _("投资协议")
        STRATEGIC = "strategic", _("战略合作协议")
        FRAMEWORK = "framework", _("框架协议")

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="signings"
    )
    signed_on = models.DateField(_("签约日期"))
    agreement_type = models.CharField(_("协议类型"), max_length=12, choices=AgreementType.choices)
    amount = models.DecimalField(_("签约金额"), validators=AMOUNT_RANGE, **MONEY)
    currency = models.CharField(_("币种"), max_length=3, choices=Currency.choices)
    signatories = models.CharField(_("签约方"), max_length=300)
    event_ref = models.CharField(_("签约活动"), max_length=200, blank=True)
    note = models.CharField(_("备注"), max_length=300, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    # Set by the service when this agreement repeats an earlier one (engine.repeats): the same
    # project, or the same parties, signed again for the same amount. A repeat adds nothing to
    # the project's signed amount and is counted once in every headline and figure.
    repeat_of = models.ForeignKey(
        "self",
        verbose_name=_("重复签约（首次签约）"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="repeats",
    )
    repeat_reason = models.CharField(_("重复签约依据"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("签约")
        verbose_name_plural = _("签约")
        ordering = ["signed_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "agreement_type", "signed_on"],
                name="projects_one_signing_per_agreement",
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="projects_signing_amount_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_agreement_type_display()} {self.signed_on}"


def _milestone_evidence_path(instance: Milestone, filename: str) -> str:
    return f"projects/{instance.project_id}/evidence/{filename}"


class Milestone(Model):
    """A landing milestone with what was realised: capex, capital arrived, jobs, revenue.

    capex and capital are the amounts of this milestone (they add up over milestones); jobs and
    revenue are the levels reached at its date (the latest milestone gives the current level).
    """

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("注册落地")
        CONSTRUCTION = "construction", _("开工")
        CAPITAL_ARRIVED = "capital_arrived", _("到资")
        PRODUCTION = "production", _("投产")

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="milestones"
    )
    kind = models.CharField(_("节点"), max_length=16, choices=Kind.choices)
    achieved_on = models.DateField(_("日期"))
    realised_capex = models.DecimalField(
        _("完成投资"), default=Decimal("0"), validators=AMOUNT_RANGE, **MONEY
    )
    capital_arrived = models.DecimalField(
        _("到位资金"), default=Decimal("0"), validators=AMOUNT_RANGE, **MONEY
    )
    jobs = models.PositiveIntegerField(_("就业人数"), null=True, blank=True)
    revenue = models.DecimalField(
        _("年营收"), null=True, blank=True, validators=AMOUNT_RANGE, **MONEY
    )
    note = models.CharField(_("备注"), max_length=300, blank=True)
    # Assessment rules count 开工/投产/到资 only when they can be evidenced (a permit, a licence,
    # a bank slip, a photo): the cockpit's rates leave out milestones without it.
    evidence = models.FileField(
        _("凭证"), upload_to=_milestone_evidence_path, blank=True, max_length=200
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("落地节点")
        verbose_name_plural = _("落地节点")
        ordering = ["achieved_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "kind", "achieved_on"], name="projects_one_milestone_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.achieved_on}"


# ---- translational projects ----


class Gate(models.TextChoices):
    POC = gates.POC, _("概念验证")
    PRECLINICAL = gates.PRECLINICAL, _("临床前")
    CLINICAL = gates.CLINICAL, _("临床试验")
    REGISTRATION = gates.REGISTRATION, _("注册审评")
    PILOT = gates.PILOT, _("中试/生产")
    LAUNCH = gates.LAUNCH, _("应用示范/上市")


class ProductType(models.TextChoices):
    DRUG = gates.DRUG, _("创新药")
    DEVICE_I = gates.DEVICE_I, _("一类医疗器械")
    DEVICE_II = gates.DEVICE_II, _("二类医疗器械")
    DEVICE_III = gates.DEVICE_III, _("三类医疗器械")
    IVD = gates.IVD, _("体外诊断试剂")
    DIGITAL = gates.DIGITAL, _("数字医疗")


class TranslationProject(Owned, TimeStampedModel):
    """A research result being turned into a product (成果转化项目), passing stage gates."""

    title = models.CharField(_("项目名称"), max_length=160)
    origin = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("成果来源机构"),
        on_delete=models.PROTECT,
        related_name="translation_projects",
    )
    team_lead = models.CharField(_("团队负责人"), max_length=60)
    field = models.CharField(_("技术领域"), max_length=80, blank=True)
    product_type = models.CharField(_("产品类型"), max_length=10, choices=ProductType.choices)
    gate = models.CharField(_("已通过关口"), max_length=14, choices=Gate.choices, blank=True)
    gate_passed_on = models.DateField(_("通过日期"), null=True, blank=True)
    incubator = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("孵化地（含离岸创新中心）"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="incubated_projects",
    )
    landing_region = models.ForeignKey(
        "registry.Region",
        verbose_name=_("落地区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="translation_projects",
    )
    company = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("成立企业"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="formed_from_projects",
    )
    description = models.TextField(_("简介"), blank=True)

    class Meta:
        verbose_name = _("成果转化项目")
        verbose_name_plural = _("成果转化项目")
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["gate", "-updated_at"], name="projects_tp_gate")]

    def __str__(self) -> str:
        return self.title

    @property
    def next_gate(self) -> str | None:
        return gates.next_gate(self.product_type, self.gate)


class GateRecord(Model):
    """Passing one gate: date, entry-criteria evidence (criterion code → reference), phase."""

    project = models.ForeignKey(
        TranslationProject,
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="gate_records",
    )
    gate = models.CharField(_("关口"), max_length=14, choices=Gate.choices)
    passed_on = models.DateField(_("通过日期"))
    evidence = models.JSONField(_("准入依据"), default=dict)
    phase = models.CharField(_("临床期别"), max_length=4, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("关口记录")
        verbose_name_plural = _("关口记录")
        ordering = ["passed_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "gate"], name="projects_gate_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_gate_display()} {self.passed_on}"


class ServiceBooking(Model):
    """Use of a platform service (概念验证, CRO, CDMO, 中试) by a translational project."""

    class Status(models.TextChoices):
        BOOKED = "booked", _("已预约")
        IN_PROGRESS = "in_progress", _("进行中")
        DONE = "done", _("已完成")
        CANCELLED = "cancelled", _("已取消")

    project = models.ForeignKey(
        TranslationProject,
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="bookings",
    )
    service = models.ForeignKey(
        "registry.Service",
        verbose_name=_("平台服务"),
        on_delete=models.PROTECT,
        related_name="bookings",
    )
    booked_on = models.DateField(_("预约日期"))
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.BOOKED
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("服务预约")
        verbose_name_plural = _("服务预约")
        ordering = ["booked_on", "id"]

    def __str__(self) -> str:
        return f"{self.service_id} {self.booked_on}"

    #: Statuses a booking can still move out of (the operator closes it out).
    OPEN_STATUSES = (Status.BOOKED, Status.IN_PROGRESS)

    def is_past_due(self, today: dt.date) -> bool:
        """Still only booked though its date has passed: it neither started nor was closed."""
        return self.status == self.Status.BOOKED and self.booked_on < today

    def status_label(self, today: dt.date) -> str:
        """The status as read on ``today``: a booking whose date has passed is no longer
        "booked" (upcoming) but waiting for the operator to confirm what happened."""
        if self.is_past_due(today):
            return str(_("已过预约日期，待确认"))
        if self.status == self.Status.BOOKED:
            return str(_("待服务"))
        return str(self.get_status_display())

    @property
    def status_today(self) -> str:
        return self.status_label(timezone.localdate())


class FundingTranche(Model):
    """A funding tranche: grant (拨投结合, converts to equity at a gate), equity, or angel fund."""

    class Kind(models.TextChoices):
        GRANT = funding.GRANT, _("财政拨款（拨投结合）")
        EQUITY = funding.EQUITY, _("股权投资")
        ANGEL = funding.ANGEL, _("天使基金")

    project = models.ForeignKey(
        TranslationProject,
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="tranches",
    )
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    provider = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("出资方"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="funded_tranches",
    )
    amount = models.DecimalField(_("金额"), validators=AMOUNT_RANGE, **MONEY)
    currency = models.CharField(
        _("币种"), max_length=3, choices=Currency.choices, default=Currency.CNY
    )
    granted_on = models.DateField(_("拨付/投资日期"))
    converts_on_gate = models.CharField(
        _("转股节点"), max_length=14, choices=Gate.choices, blank=True
    )
    converted_on = models.DateField(_("转股日期"), null=True, blank=True)
    equity_percent = models.DecimalField(
        _("转股比例（%）"), max_digits=6, decimal_places=3, null=True, blank=True
    )
    converted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("资金")
        verbose_name_plural = _("资金")
        ordering = ["granted_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="projects_tranche_non_negative")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} {self.currency}"

    @property
    def is_converted(self) -> bool:
        return self.converted_on is not None


class ProjectFigure(Model):
    """Summary rows of the cockpit's project figures (issue 18, fast figures).

    Each row adds up, for one target region, owner unit and day, one measure of the projects:
    ``signing`` — counted signings (repeats left out) signed that day, their number, amount in
    the project's currency and amount in yuan at the planning rate; ``first`` — projects whose
    first counted signing was that day; ``stage`` — projects in ``stage`` since that day.
    The project services keep them in the transaction of each change (projects/summary.py);
    ``yiqiao kpis rebuild --verify`` recounts them from the raw tables.
    """

    class Measure(models.TextChoices):
        SIGNING = "signing", _("签约")
        FIRST = "first", _("首次签约")
        STAGE = "stage", _("所处阶段")

    target_region = models.ForeignKey(
        "registry.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_unit = models.ForeignKey(
        "accounts.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    measure = models.CharField(_("指标"), max_length=8, choices=Measure.choices)
    day = models.DateField(_("日期"))
    stage = models.CharField(_("阶段"), max_length=14, blank=True)
    currency = models.CharField(_("币种"), max_length=3, blank=True)
    count = models.IntegerField(_("个数"), default=0)
    amount = models.DecimalField(_("金额"), default=Decimal("0"), **MONEY)
    yuan = models.DecimalField(_("折合人民币"), default=Decimal("0"), **MONEY)

    class Meta:
        verbose_name = _("项目汇总")
        verbose_name_plural = _("项目汇总")
        indexes = [models.Index(fields=["measure", "day"], name="projects_figure_measure_day")]

    def __str__(self) -> str:
        return f"{self.measure} {self.day} {self.count}"
