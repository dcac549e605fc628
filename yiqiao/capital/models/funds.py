"""Funds the district partners with: guidance funds, their sub-funds and angel funds, the
commitments, the investments, and the return-investment promise (返投) with its basis."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yiqiao.core.models import Model, Owned, TimeStampedModel
from yiqiao.vocab.fields import choices

from ..engine import returns
from .common import AMOUNT_RANGE, MONEY


class Fund(Owned, TimeStampedModel):
    """A fund partnering with the district, with the 返投 terms of its agreement."""

    class Kind(models.TextChoices):
        GUIDANCE = "guidance", _("政府引导基金")
        SUB_FUND = "sub_fund", _("子基金")
        ANGEL = "angel", _("天使基金")
        VENTURE = "venture", _("产业/创投基金")

    class Basis(models.TextChoices):
        DISTRICT_CONTRIBUTION = returns.DISTRICT_CONTRIBUTION, _("区级出资额")
        FUND_SIZE = returns.FUND_SIZE, _("基金认缴规模")
        PAID_IN = returns.PAID_IN, _("基金实缴规模")

    organisation = models.OneToOneField(
        "registry.Organisation",
        verbose_name=_("基金主体"),
        on_delete=models.PROTECT,
        related_name="fund",
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("母基金"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sub_funds",
    )
    manager_name = models.CharField(_("管理人"), max_length=120, blank=True)
    # The district whose companies count for 返投 (and whose staff follow the fund).
    region = models.ForeignKey(
        "registry.Region", verbose_name=_("合作区域"), on_delete=models.PROTECT, related_name="+"
    )
    size_yuan = models.DecimalField(_("认缴规模（元）"), validators=AMOUNT_RANGE, **MONEY)
    district_commitment_yuan = models.DecimalField(
        _("区级出资（元）"), validators=AMOUNT_RANGE, **MONEY
    )
    established_on = models.DateField(_("设立日期"))
    term_years = models.PositiveSmallIntegerField(_("存续期（年）"), null=True, blank=True)
    return_ratio = models.DecimalField(
        _("承诺返投比例（倍）"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    return_basis = models.CharField(
        _("返投计算基数"), max_length=24, choices=Basis.choices, blank=True
    )
    agreement_ref = models.CharField(
        _("协议依据"), max_length=300, blank=True, help_text=_("合伙协议或出资协议的名称、条款")
    )

    class Meta:
        verbose_name = _("合作基金")
        verbose_name_plural = _("合作基金")
        ordering = ["kind", "organisation__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(return_ratio__isnull=True)
                | (~Q(return_basis="") & ~Q(agreement_ref="")),
                name="capital_fund_ratio_with_basis",
            ),
            models.CheckConstraint(
                condition=~Q(kind="sub_fund") | Q(parent__isnull=False),
                name="capital_sub_fund_has_parent",
            ),
        ]

    def __str__(self) -> str:
        return str(self.organisation)


class FundCommitment(Model):
    """A limited partner's commitment to the fund, and how much of it is paid in."""

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="commitments")
    partner = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("出资方"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    partner_name = models.CharField(_("出资方名称"), max_length=120)
    is_district = models.BooleanField(_("区级出资"), default=False)
    committed_yuan = models.DecimalField(_("认缴（元）"), validators=AMOUNT_RANGE, **MONEY)
    paid_in_yuan = models.DecimalField(_("实缴（元）"), validators=AMOUNT_RANGE, **MONEY)
    committed_on = models.DateField(_("认缴日期"))

    class Meta:
        verbose_name = _("基金出资")
        verbose_name_plural = _("基金出资")
        ordering = ["fund", "-committed_yuan", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(paid_in_yuan__lte=models.F("committed_yuan")),
                name="capital_paid_within_committed",
            )
        ]

    def __str__(self) -> str:
        return self.partner_name


class FundInvestment(TimeStampedModel):
    """An investment by the fund into a company; whether it counts for 返投 is recorded with
    the reason at the time (the company's registered region when the investment was made)."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="investments")
    company = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("被投企业"),
        on_delete=models.PROTECT,
        related_name="fund_investments",
    )
    invested_on = models.DateField(_("投资日期"))
    amount_yuan = models.DecimalField(_("投资金额（元）"), validators=AMOUNT_RANGE, **MONEY)
    round = models.CharField(_("轮次"), max_length=12, choices=choices("STAGE"), blank=True)
    is_district_company = models.BooleanField(_("投资时为区内企业"))
    is_reversed = models.BooleanField(_("已撤回/未到账"), default=False)
    evidence_ref = models.CharField(_("凭证"), max_length=200, blank=True)
    close = models.ForeignKey(
        "capital.Close",
        verbose_name=_("经本平台促成的交割"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="fund_investments",
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("基金投资")
        verbose_name_plural = _("基金投资")
        ordering = ["-invested_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_yuan__gt=0), name="capital_fund_investment_positive"
            ),
            models.UniqueConstraint(
                fields=["fund", "close"],
                condition=Q(close__isnull=False),
                name="capital_fund_investment_per_close",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fund_id} → {self.company_id}"

    @property
    def is_sourced_here(self) -> bool:
        return self.close_id is not None
