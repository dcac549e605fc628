"""The cultivation ladder's figures (yiqiao/cultivation/kpis.py), listed in the cockpit's
catalogue under 政策兑现与企业梯队; each measured against the region's cultivation target."""

from __future__ import annotations

from dataclasses import replace

from django.utils.translation import gettext as _

from yiqiao.core.kpi import Kpi
from yiqiao.cultivation import kpis as cultivation
from yiqiao.cultivation.models import Metric

from .context import KpiContext
from .registry import KpiSpec, register
from .targets import target_region

FIGURES = (
    (Metric.NEW_HIGH_TECH, "新增高新技术企业", "家"),
    (Metric.NEW_SPECIALISED, "新增专精特新中小企业", "家"),
    (Metric.NEW_LITTLE_GIANT, "新增专精特新“小巨人”", "家"),
    (Metric.NEW_LISTED, "新增上市企业", "家"),
    (Metric.APPROVALS, "产品获批", "项"),
    (Metric.TEAMS, "引进人才团队", "个"),
)
SOURCES = {
    Metric.APPROVALS: "企业数据记录中的医疗器械注册证、药品注册证书与临床试验批准",
    Metric.TEAMS: "人才团队的引进日期",
}


def _compute(metric: str, key: str, label: str, unit: str) -> object:
    def compute(ctx: KpiContext) -> Kpi:
        region = ctx.region or target_region(ctx)
        kpi = cultivation.figure(
            metric, start=ctx.start, end=ctx.as_of, region=region,
            user=ctx.user, key=key, label=label, unit=unit,
        )  # fmt: skip
        # A missing target is said on the tile (never taken as 0); so is a period without one.
        if kpi.target is None:
            missing = (
                _("%(region)s未设定%(year)s年度目标") % {"region": region.name, "year": ctx.year}
                if region is not None
                else _("未指定区域，无法对照年度目标")
            )
            kpi = replace(kpi, note=_("；").join(n for n in (kpi.note, missing) if n))
        if not kpi.value and not kpi.why_empty:
            kpi = replace(
                kpi,
                why_empty=_("%(start)s至%(end)s没有%(what)s记录")
                % {
                    "start": f"{ctx.start:%Y-%m-%d}",
                    "end": f"{ctx.as_of:%Y-%m-%d}",
                    "what": _(label),
                },
            )
        return kpi

    return compute


for _metric, _label, _unit in FIGURES:
    _key = f"cultivation.{_metric}"
    register(
        KpiSpec(
            key=_key,
            label=_label,
            unit=_unit,
            group="policy",
            definition=cultivation.DEFINITIONS[_metric],
            source=SOURCES.get(_metric, "企业梯度认定的层级与认定日期"),
            compute=_compute(_metric, _key, _label, _unit),  # type: ignore[arg-type]
        )
    )
