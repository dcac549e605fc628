"""Yearly targets the cockpit's figures are measured against (年度目标)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from yiqiao.core.models import TimeStampedModel


class KpiTarget(TimeStampedModel):
    """The target of one figure (``key`` of the KPI catalogue) for a region and a year.

    Configuration that acts on figures belongs to a region and is changed by its admins.
    """

    region = models.ForeignKey(
        "registry.Region", verbose_name=_("区域"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    key = models.CharField(_("指标"), max_length=60)
    value = models.DecimalField(_("目标值"), max_digits=18, decimal_places=2)
    note = models.CharField(_("依据"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("年度目标")
        verbose_name_plural = _("年度目标")
        ordering = ["region", "year", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year", "key"], name="dashboard_one_target_per_year"
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=0), name="dashboard_target_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.key}"
