"""Cultivation figures for the leader's cockpit (issue 18's ``Kpi`` shape): new recognitions per
rung, product approvals and talent teams in a period, each with the records it counts and the
region's yearly target from :class:`CultivationTarget`.

The same querysets give the realised counts of the targets page (``queries.metric_records``),
so a tile, the targets page and ``yiqiao kpis --json`` agree. Without a user every record is
counted (the command line); with one, only what ``restrict(user, "view")`` returns.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from yiqiao.core.access import VIEW
from yiqiao.core.kpi import Kpi, RecordSet
from yiqiao.policies.models import OrganisationRecord
from yiqiao.registry.models import Organisation, Region

from .models import CultivationTarget, Metric, Recognition, TalentTeam

METRIC_RUNGS = {
    Metric.NEW_TECH_SME: "tech_sme",
    Metric.NEW_HIGH_TECH: "high_tech",
    Metric.NEW_SPECIALISED: "specialised",
    Metric.NEW_LITTLE_GIANT: "little_giant",
    Metric.NEW_PRE_IPO: "pre_ipo",
    Metric.NEW_LISTED: "listed",
}
#: Records that count as a product approval, with the item field holding the date.
APPROVAL_DATE = {"certificates": "issued_on", "drug_approvals": "approved_on", "trials": "date"}

DEFINITIONS = {
    Metric.NEW_TECH_SME: "期间内首次登记为科技型中小企业的企业数（以认定日期计；续期不重复计）。",
    Metric.NEW_HIGH_TECH: "期间内首次认定为高新技术企业的企业数（以证书认定日期计；三年期满重新认定不计为新增）。",
    Metric.NEW_SPECIALISED: "期间内首次认定为专精特新中小企业的企业数（以认定日期计）。",
    Metric.NEW_LITTLE_GIANT: "期间内首次认定为专精特新“小巨人”的企业数（以认定日期计）。",
    Metric.NEW_PRE_IPO: "期间内新进入上市后备库的企业数（以入库日期计）。",
    Metric.NEW_LISTED: "期间内上市的企业数（以上市日期计）。",
    Metric.APPROVALS: (
        "期间内取得的产品获批数：医疗器械注册证（以取证日期计）、药品注册证书（以批准日期计）、"
        "临床试验批准（以批准日期计），每个编号计一次。"
    ),
    Metric.TEAMS: "期间内引进的人才团队数（以引进日期计）。",
}


def _visible(model: Any, user: Any) -> QuerySet[Any]:
    return model._default_manager.all() if user is None else model.objects.restrict(user, VIEW)


def _organisations(user: Any, region: Region | None) -> QuerySet[Organisation]:
    qs = _visible(Organisation, user)
    if region is None:
        return qs
    return qs.filter(
        Q(region__path__startswith=region.path) | Q(park__path__startswith=region.path)
    )


def metric_queryset(
    metric: str, *, start: dt.date, end: dt.date, region: Region | None, user: Any
) -> QuerySet[Any]:
    """The records one figure counts: dated in [start, end], of organisations in ``region``'s
    subtree (all when None), visible to ``user`` (all when None)."""
    organisations = _organisations(user, region)
    rung = METRIC_RUNGS.get(metric)  # type: ignore[call-overload]
    if rung is not None:
        earlier = Recognition.objects.filter(
            organisation=OuterRef("organisation"),
            rung=rung,
            recognised_on__lt=OuterRef("recognised_on"),
        )
        return (
            _visible(Recognition, user)
            .filter(
                organisation__in=organisations,
                rung=rung,
                is_revoked=False,
                recognised_on__gte=start,
                recognised_on__lte=end,
            )
            .exclude(Exists(earlier))
            .select_related("organisation")
            .order_by("-recognised_on", "-pk")
        )
    if metric == Metric.APPROVALS:
        condition = Q()
        for field, key in APPROVAL_DATE.items():
            dated = Q(field=field, **{f"data__{key}__gte": start.isoformat()}) & Q(
                **{f"data__{key}__lte": end.isoformat()}
            )
            if field == "trials":
                dated &= Q(data__event="approved")
            condition |= dated
        return (
            OrganisationRecord.objects.filter(organisation__in=organisations)
            .filter(condition)
            .select_related("organisation")
            .order_by("-recorded_on", "-pk")
        )
    if metric == Metric.TEAMS:
        return (
            _visible(TalentTeam, user)
            .filter(host__in=organisations, brought_in_on__gte=start, brought_in_on__lte=end)
            .select_related("host")
            .order_by("-brought_in_on", "-pk")
        )
    raise ValueError(f"unknown metric {metric}")


def target_of(metric: str, *, region: Region | None, year: int) -> Decimal | None:
    if region is None:
        return None
    value = (
        CultivationTarget.objects.filter(region=region, year=year, metric=metric)
        .values_list("target", flat=True)
        .first()
    )
    return None if value is None else Decimal(value)


def figure(
    metric: str,
    *,
    start: dt.date,
    end: dt.date,
    region: Region | None,
    user: Any,
    key: str,
    label: str,
    unit: str,
) -> Kpi:
    """One figure with its records and (when the region set one) its yearly target."""
    records = metric_queryset(metric, start=start, end=end, region=region, user=user)
    ids = tuple(records.values_list("pk", flat=True))
    return Kpi(
        key=key,
        label=label,
        value=len(ids),
        unit=unit,
        period=f"{start:%Y-%m-%d}/{end:%Y-%m-%d}",
        definition=DEFINITIONS[metric],  # type: ignore[index]
        records=RecordSet(records.model._meta.label, ids),
        target=target_of(metric, region=region, year=end.year),
    )
