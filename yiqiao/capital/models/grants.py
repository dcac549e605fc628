"""Grant-to-equity (拨投结合) terms over the projects app's grant tranches, and exits."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yiqiao.core.models import Model, TimeStampedModel

from .common import AMOUNT_RANGE, MONEY, PERCENT


class GrantTerms(TimeStampedModel):
    """What the grant agreement adds to a grant tranche: the date the conversion milestone is
    due, who holds the equity, and the post-money valuation the conversion used."""

    tranche = models.OneToOneField(
        "projects.FundingTranche",
        verbose_name=_("拨款"),
        on_delete=models.CASCADE,
        related_name="grant_terms",
    )
    milestone_due_on = models.DateField(_("转股节点约定达成日期"), null=True, blank=True)
    holder = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("股权持有方"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    valuation_yuan = models.DecimalField(
        _("转股时投后估值（元）"), null=True, blank=True, validators=AMOUNT_RANGE, **MONEY
    )

    class Meta:
        verbose_name = _("拨投结合条款")
        verbose_name_plural = _("拨投结合条款")

    def __str__(self) -> str:
        return f"{self.tranche_id}"


class EquityExit(Model):
    """Selling (part of) the equity a grant converted into."""

    class Kind(models.TextChoices):
        BUYBACK = "buyback", _("团队回购")
        TRANSFER = "transfer", _("股权转让")
        IPO = "ipo", _("上市退出")
        WRITE_OFF = "write_off", _("清算核销")

    tranche = models.ForeignKey(
        "projects.FundingTranche",
        verbose_name=_("拨款"),
        on_delete=models.PROTECT,
        related_name="equity_exits",
    )
    kind = models.CharField(_("退出方式"), max_length=10, choices=Kind.choices)
    exited_on = models.DateField(_("退出日期"))
    percent_sold = models.DecimalField(_("退出股比（%）"), **PERCENT)
    proceeds_yuan = models.DecimalField(_("退出回款（元）"), validators=AMOUNT_RANGE, **MONEY)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("股权退出")
        verbose_name_plural = _("股权退出")
        ordering = ["exited_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent_sold__gt=0) & Q(percent_sold__lte=100),
                name="capital_exit_percent_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.exited_on}"
