"""Financing needs (融资需求), investor portfolios, the shortlist, introductions and views."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from yiqiao.core.models import Model, Owned, TimeStampedModel
from yiqiao.vocab.fields import VocabularyListField, choices

from ..engine.deals import to_yuan
from .common import AMOUNT_RANGE, MONEY


class FinancingNeed(Owned, TimeStampedModel):
    """One round (or loan) an enterprise is raising, as the district's financing-needs list
    (融资需求清单) shows it. Investors see it only once published, which needs the enterprise's
    consent; fields named in ``confidential_fields`` are masked for them until an introduction."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        CLOSED = "closed", _("已完成融资")
        WITHDRAWN = "withdrawn", _("已撤回")

    class Source(models.TextChoices):
        ENTERPRISE = "enterprise", _("企业填报")
        DEMAND = "demand", _("企业需求转入")
        TRANSLATION = "translation", _("成果转化项目")

    class Role(models.TextChoices):
        LEAD = "lead", _("寻找领投方")
        FOLLOW = "follow", _("寻找跟投方")
        ANY = "any", _("领投、跟投均可")

    CONFIDENTIAL_CHOICES = [
        ("valuation", _("估值区间")),
        ("amount", _("融资金额")),
        ("use_of_funds", _("资金用途")),
    ]

    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("融资企业"),
        on_delete=models.PROTECT,
        related_name="financing_needs",
    )
    # The enterprise's region, copied at creation: scoping filters on an indexed column.
    region = models.ForeignKey(
        "registry.Region", verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(
        _("来源"), max_length=12, choices=Source.choices, default=Source.ENTERPRISE
    )
    demand = models.ForeignKey(
        "demands.Demand",
        verbose_name=_("来源需求"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    translation_project = models.ForeignKey(
        "projects.TranslationProject",
        verbose_name=_("来源成果转化项目"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField(_("项目名称"), max_length=160)
    summary = models.TextField(_("项目简介"), blank=True)
    round = models.CharField(_("融资轮次"), max_length=12, choices=choices("STAGE"))
    amount = models.DecimalField(_("本轮融资额"), validators=AMOUNT_RANGE, **MONEY)
    currency = models.CharField(_("币种"), max_length=3, choices=choices("CURRENCY"), default="CNY")
    use_of_funds = models.TextField(_("资金用途"), blank=True)
    sectors = VocabularyListField(_("领域"), vocabulary="SECTOR")
    instruments = VocabularyListField(_("资金形式"), vocabulary="INSTRUMENT")
    investor_regions = VocabularyListField(_("期望投资方地域"), vocabulary="REGION")
    role_wanted = models.CharField(
        _("寻找的投资方角色"), max_length=6, choices=Role.choices, default=Role.ANY
    )
    valuation_min = models.DecimalField(
        _("投前估值下限"), null=True, blank=True, validators=AMOUNT_RANGE, **MONEY
    )
    valuation_max = models.DecimalField(
        _("投前估值上限"), null=True, blank=True, validators=AMOUNT_RANGE, **MONEY
    )
    confidential_fields = models.JSONField(_("保密字段"), default=list, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    consent_at = models.DateTimeField(_("企业同意发布时间"), null=True, blank=True)
    consent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("同意人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    consent_note = models.CharField(_("同意依据"), max_length=200, blank=True)
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    # Maintained by the close service in the same transaction as the close (in `currency`).
    closed_amount = models.DecimalField(_("已交割金额"), default=Decimal("0"), **MONEY)

    class Meta:
        verbose_name = _("融资需求")
        verbose_name_plural = _("融资需求")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["region", "status", "-updated_at"], name="capital_need_region"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["demand"], condition=Q(demand__isnull=False), name="capital_need_per_demand"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="capital_need_amount_positive"),
            models.CheckConstraint(
                condition=Q(closed_amount__lte=F("amount")), name="capital_need_closed_within"
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(consent_at__isnull=False),
                name="capital_need_published_with_consent",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def amount_yuan(self) -> Decimal:
        return to_yuan(self.amount, self.currency)

    @property
    def has_consent(self) -> bool:
        return self.consent_at is not None

    @property
    def closed_percent(self) -> int:
        return int(self.closed_amount * 100 / self.amount) if self.amount else 0


class PortfolioHolding(TimeStampedModel):
    """One line of an investor's portfolio: a company it invested in, at which round.

    From the register (officers), news (an article naming the round), imports, or a close
    recorded here. ``company`` links the register when the company is in it."""

    class Source(models.TextChoices):
        REGISTER = "register", _("名录登记")
        NEWS = "news", _("产业情报")
        IMPORT = "import", _("导入")
        CLOSE = "close", _("本平台交割")

    investor = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("投资方"),
        on_delete=models.CASCADE,
        related_name="portfolio_holdings",
    )
    company = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("被投企业（名录）"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="investor_holdings",
    )
    company_name = models.CharField(_("被投企业"), max_length=120)
    sectors = VocabularyListField(_("被投企业领域"), vocabulary="SECTOR")
    round = models.CharField(_("轮次"), max_length=12, choices=choices("STAGE"), blank=True)
    instrument = models.CharField(
        _("资金形式"), max_length=16, choices=choices("INSTRUMENT"), default="equity"
    )
    year = models.PositiveSmallIntegerField(_("年份"), null=True, blank=True)
    invested_on = models.DateField(_("投资日期"), null=True, blank=True)
    amount_yuan = models.DecimalField(
        _("投资金额（元）"), null=True, blank=True, validators=AMOUNT_RANGE, **MONEY
    )
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    source_ref = models.CharField(_("来源编号/链接"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("投资组合")
        verbose_name_plural = _("投资组合")
        ordering = ["investor", "-year", "company_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["investor", "company_name", "round"], name="capital_holding_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.company_name} {self.round}"


class InvestorMatch(Model):
    """One investor on a need's shortlist, as the matcher found it, with its reasons."""

    need = models.ForeignKey(FinancingNeed, on_delete=models.CASCADE, related_name="matches")
    investor = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("投资方"),
        on_delete=models.CASCADE,
        related_name="financing_matches",
    )
    rank = models.PositiveSmallIntegerField(_("排名"))
    standing = models.CharField(_("符合情况"), max_length=8)  # met / unknown / unmet
    lines = models.JSONField(_("逐项理由"), default=list)
    has_conflict = models.BooleanField(_("存在投资冲突"), default=False)
    computed_at = models.DateTimeField(_("匹配时间"))

    class Meta:
        verbose_name = _("投资方匹配")
        verbose_name_plural = _("投资方匹配")
        ordering = ["need", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["need", "investor"], name="capital_match_once")
        ]

    def __str__(self) -> str:
        return f"{self.need_id} → {self.investor_id}"


class Introduction(TimeStampedModel):
    """Introducing an enterprise and an investor: made only when both sides opted in."""

    need = models.ForeignKey(FinancingNeed, on_delete=models.CASCADE, related_name="introductions")
    investor = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("投资方"),
        on_delete=models.PROTECT,
        related_name="introductions",
    )
    enterprise_opt_in_at = models.DateTimeField(_("企业同意时间"), null=True, blank=True)
    enterprise_opt_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    investor_opt_in_at = models.DateTimeField(_("投资方同意时间"), null=True, blank=True)
    investor_opt_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opt_in_note = models.CharField(_("代为登记说明"), max_length=200, blank=True)
    declined_at = models.DateTimeField(_("谢绝时间"), null=True, blank=True)
    declined_side = models.CharField(_("谢绝方"), max_length=10, blank=True)
    decline_reason = models.CharField(_("谢绝原因"), max_length=200, blank=True)
    introduced_at = models.DateTimeField(_("完成引荐时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("对接引荐")
        verbose_name_plural = _("对接引荐")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["need", "investor"], name="capital_intro_once"),
            models.CheckConstraint(
                condition=Q(introduced_at__isnull=True)
                | (Q(enterprise_opt_in_at__isnull=False) & Q(investor_opt_in_at__isnull=False)),
                name="capital_intro_needs_both_sides",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.need_id} ↔ {self.investor_id}"

    @property
    def is_introduced(self) -> bool:
        return self.introduced_at is not None


class NeedView(Model):
    """An investor looked at a published need (the enterprise sees who looked, and when)."""

    need = models.ForeignKey(FinancingNeed, on_delete=models.CASCADE, related_name="views")
    investor = models.ForeignKey(
        "registry.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    first_viewed_at = models.DateTimeField(_("首次查看"))
    last_viewed_at = models.DateTimeField(_("最近查看"))
    view_count = models.PositiveIntegerField(_("查看次数"), default=1)

    class Meta:
        verbose_name = _("查看记录")
        verbose_name_plural = _("查看记录")
        ordering = ["-last_viewed_at"]
        constraints = [
            models.UniqueConstraint(fields=["need", "investor"], name="capital_view_once")
        ]

    def __str__(self) -> str:
        return f"{self.investor_id} viewed {self.need_id}"
