"""Offshore innovation centres (离岸创新中心): a centre in another city, its incubated projects,
their landing in the district, and the benefits shared with the centre's host."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yiqiao.core.models import Model, Owned, TimeStampedModel
from yiqiao.vocab.fields import VocabularyListField

from .common import AMOUNT_RANGE, MONEY, PERCENT


class OffshoreCentre(Owned, TimeStampedModel):
    """A centre the district runs in another city: incubate there, land here."""

    organisation = models.OneToOneField(
        "registry.Organisation",
        verbose_name=_("中心主体"),
        on_delete=models.PROTECT,
        related_name="offshore_centre",
    )
    city = models.CharField(_("所在城市"), max_length=60)
    host = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("合作承载方"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    host_name = models.CharField(_("承载方名称"), max_length=120)
    opened_on = models.DateField(_("启用日期"))
    # Where landing counts: companies registered in this region (and below), whose credit code
    # carries one of these administrative-division codes (GB/T 2260, characters 3–8).
    landing_region = models.ForeignKey(
        "registry.Region", verbose_name=_("落地区域"), on_delete=models.PROTECT, related_name="+"
    )
    landing_division_codes = models.JSONField(_("落地区域行政区划代码"), default=list)
    description = models.TextField(_("简介"), blank=True)

    class Meta:
        verbose_name = _("离岸创新中心")
        verbose_name_plural = _("离岸创新中心")
        ordering = ["city", "id"]

    def __str__(self) -> str:
        return str(self.organisation)


class IncubatedProject(TimeStampedModel):
    """A project incubated at a centre (from the translational pipeline or the centre's own
    list), and its landing: a company registered in the district, linked by credit code."""

    centre = models.ForeignKey(
        OffshoreCentre, verbose_name=_("中心"), on_delete=models.PROTECT, related_name="projects"
    )
    cohort = models.CharField(_("批次"), max_length=40)
    name = models.CharField(_("项目名称"), max_length=160)
    team_lead = models.CharField(_("团队负责人"), max_length=60, blank=True)
    sectors = VocabularyListField(_("领域"), vocabulary="SECTOR")
    translation_project = models.OneToOneField(
        "projects.TranslationProject",
        verbose_name=_("成果转化项目"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="incubation",
    )
    started_on = models.DateField(_("孵化开始日期"))
    left_on = models.DateField(_("离开孵化日期"), null=True, blank=True)
    company = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("落地企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incubations",
    )
    landed_on = models.DateField(_("落地（注册）日期"), null=True, blank=True)
    landed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("孵化项目")
        verbose_name_plural = _("孵化项目")
        ordering = ["centre", "cohort", "started_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(landed_on__isnull=True) | Q(company__isnull=False),
                name="capital_landing_has_company",
            ),
            models.CheckConstraint(
                condition=Q(landed_on__isnull=True) | Q(landed_on__gte=models.F("started_on")),
                name="capital_landing_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_landed(self) -> bool:
        return self.landed_on is not None


class BenefitTerm(Model):
    """A benefit the centre's agreement shares with its host: which basis, what share."""

    class Kind(models.TextChoices):
        TAX_SHARE = "tax_share", _("落地企业区级财政贡献分成")
        LANDING_AWARD = "landing_award", _("落地奖励")
        SERVICE_FEE = "service_fee", _("运营服务费")
        EQUITY_GAIN = "equity_gain", _("股权收益分成")

    centre = models.ForeignKey(OffshoreCentre, on_delete=models.CASCADE, related_name="terms")
    kind = models.CharField(_("类型"), max_length=14, choices=Kind.choices)
    host_share_percent = models.DecimalField(_("承载方分成比例（%）"), **PERCENT)
    basis_note = models.CharField(_("计算依据"), max_length=200)
    agreement_ref = models.CharField(_("协议条款"), max_length=200)

    class Meta:
        verbose_name = _("收益分成约定")
        verbose_name_plural = _("收益分成约定")
        ordering = ["centre", "kind"]
        constraints = [
            models.CheckConstraint(
                condition=Q(host_share_percent__gte=0) & Q(host_share_percent__lte=100),
                name="capital_benefit_share_range",
            )
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class BenefitSettlement(Model):
    """One settlement of a term for a period: the basis amount and what the host received."""

    term = models.ForeignKey(BenefitTerm, on_delete=models.CASCADE, related_name="settlements")
    project = models.ForeignKey(
        IncubatedProject,
        verbose_name=_("孵化项目"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    period = models.CharField(_("结算期间"), max_length=20)
    basis_yuan = models.DecimalField(_("计算基数（元）"), validators=AMOUNT_RANGE, **MONEY)
    host_paid_yuan = models.DecimalField(_("承载方实得（元）"), validators=AMOUNT_RANGE, **MONEY)
    settled_on = models.DateField(_("结算日期"))
    evidence_ref = models.CharField(_("凭证"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("收益分成结算")
        verbose_name_plural = _("收益分成结算")
        ordering = ["term", "settled_on", "id"]

    def __str__(self) -> str:
        return f"{self.term_id} {self.period}"
