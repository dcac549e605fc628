"""Investment figures: signings against the target, and how signed projects perform (履约).

Performance rates count a milestone only when evidence is attached (a scanned licence, permit,
bank slip or photo) — assessment rules deduct figures that cannot be evidenced.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db.models import Exists, Min, OuterRef, Q, QuerySet

from yiqiao.core.kpi import Kpi, RecordSet
from yiqiao.projects.models import Milestone, Project, Signing
from yiqiao.projects.queries import STALLED_DAYS, stalled_projects

from .. import summary
from .context import KpiContext, to_yuan
from .registry import KpiSpec, register
from .targets import target_for

RATE_WINDOW_DAYS = 3 * 365  # signed within the last three years
CONSTRUCTION_GRACE_DAYS = 180  # a signed project is expected to start within six months
PRODUCTION_GRACE_DAYS = 540  # … and to produce within eighteen months


def _ids(qs: QuerySet[Any]) -> Callable[[], list[int]]:
    """The ids of ``qs`` in order, fetched when the records are listed."""
    return lambda: list(qs.order_by("id").values_list("id", flat=True))


def _repeats(ctx: KpiContext, projects: QuerySet[Any]) -> tuple[RecordSet, str]:
    """The signings of the period flagged as repeats of an earlier agreement, and a note."""
    ids = tuple(
        Signing.objects.filter(
            project__in=projects.values("pk"),
            signed_on__gte=ctx.start,
            signed_on__lte=ctx.end,
            repeat_of__isnull=False,
        )
        .order_by("id")
        .values_list("id", flat=True)
    )
    note = f"{len(ids)}次重复签约已识别，只计一次" if ids else ""
    return RecordSet("projects.Signing", ids), note


def signing_count(ctx: KpiContext) -> Kpi:
    projects = ctx.in_region(ctx.scoped(Project), "target_region")
    qs = projects.annotate(
        first_counted=Min("signings__signed_on", filter=Q(signings__repeat_of__isnull=True))
    ).filter(first_counted__gte=ctx.start, first_counted__lte=ctx.end)
    count = summary.first_signings(ctx)  # the summary rows; the records listed when opened
    target, missing = target_for(ctx, SIGNING_COUNT.key)
    repeats, repeat_note = _repeats(ctx, projects)
    return Kpi(
        key=SIGNING_COUNT.key,
        label=SIGNING_COUNT.label,
        value=count,
        unit=SIGNING_COUNT.unit,
        period=ctx.period,
        definition=SIGNING_COUNT.definition,
        records=RecordSet("projects.Project", query=_ids(qs)),
        target=target,
        note="；".join(n for n in (missing, repeat_note) if n),
        excluded=repeats,
        why_empty="" if count else "期间内没有首次签约的项目",
    )


def signed_amount(ctx: KpiContext) -> Kpi:
    projects = ctx.in_region(ctx.scoped(Project), "target_region")
    counted = Signing.objects.filter(
        project__in=projects.values("pk"),
        signed_on__gte=ctx.start,
        signed_on__lte=ctx.end,
        repeat_of__isnull=True,
    )
    # Σ to_yuan(amount) of the counted signings, from the summary rows (each signing converted
    # at the planning rate, as the records add up); the records listed when opened.
    n, total = summary.counted_signings(ctx)
    target, missing = target_for(ctx, SIGNED_AMOUNT.key)
    repeats, repeat_note = _repeats(ctx, projects)
    return Kpi(
        key=SIGNED_AMOUNT.key,
        label=SIGNED_AMOUNT.label,
        value=total,
        unit=SIGNED_AMOUNT.unit,
        period=ctx.period,
        definition=SIGNED_AMOUNT.definition,
        records=RecordSet("projects.Signing", query=_ids(counted)),
        target=target,
        note="；".join(n for n in (missing, repeat_note) if n),
        excluded=repeats,
        why_empty="" if n else "期间内没有签约记录",
    )


def _milestone_rate(ctx: KpiContext, spec: KpiSpec, kind: str, grace_days: int) -> Kpi:
    window_start = ctx.days_before(RATE_WINDOW_DAYS)
    due_by = ctx.days_before(grace_days)
    base = ctx.in_region(ctx.scoped(Project), "target_region").filter(
        signed_on__gte=window_start, signed_on__lte=due_by
    )
    reached = Milestone.objects.filter(
        project=OuterRef("pk"), kind=kind, achieved_on__lte=ctx.as_of
    ).exclude(evidence="")
    unevidenced = Milestone.objects.filter(
        project=OuterRef("pk"), kind=kind, achieved_on__lte=ctx.as_of, evidence=""
    )
    rows = list(
        base.annotate(done=Exists(reached), bare=Exists(unevidenced))
        .order_by("id")
        .values_list("id", "done", "bare")
    )
    denominator = tuple(r[0] for r in rows)
    numerator = tuple(r[0] for r in rows if r[1])
    without = sum(1 for r in rows if r[2] and not r[1])
    # One query whatever the number of projects left out (not an IN list of their ids).
    left_out = (
        base.annotate(done=Exists(reached), bare=Exists(unevidenced))
        .filter(done=False, bare=True)
        .values("pk")
    )
    bare_milestones = tuple(
        Milestone.objects.filter(
            project__in=left_out, kind=kind, achieved_on__lte=ctx.as_of, evidence=""
        )
        .order_by("id")
        .values_list("id", flat=True)
    )
    return Kpi(
        key=spec.key,
        label=spec.label,
        value=len(numerator) / len(denominator) if denominator else None,
        unit="%",
        period=f"{window_start:%Y-%m-%d}/{ctx.as_of:%Y-%m-%d}",
        definition=spec.definition,
        numerator=RecordSet("projects.Project", numerator),
        denominator=RecordSet("projects.Project", denominator),
        note=f"{without}个项目登记了节点但未附凭证，未计入" if without else "",
        excluded=RecordSet("projects.Milestone", bare_milestones),
        why_empty=""
        if denominator
        else f"没有签约满{grace_days}天的项目（{window_start:%Y-%m-%d}至{due_by:%Y-%m-%d}签约）",
    )


def construction_rate(ctx: KpiContext) -> Kpi:
    return _milestone_rate(
        ctx, CONSTRUCTION_RATE, Milestone.Kind.CONSTRUCTION, CONSTRUCTION_GRACE_DAYS
    )


def production_rate(ctx: KpiContext) -> Kpi:
    return _milestone_rate(ctx, PRODUCTION_RATE, Milestone.Kind.PRODUCTION, PRODUCTION_GRACE_DAYS)


def capital_arrival_rate(ctx: KpiContext) -> Kpi:
    window_start = ctx.days_before(RATE_WINDOW_DAYS)
    projects = ctx.in_region(ctx.scoped(Project), "target_region").filter(
        signed_on__gte=window_start, signed_on__lte=ctx.as_of
    )
    signings = list(
        Signing.objects.filter(
            project__in=projects.values("pk"), signed_on__lte=ctx.as_of, repeat_of__isnull=True
        )
        .order_by("id")
        .values_list("id", "amount", "currency")
    )
    arrivals = list(
        Milestone.objects.filter(
            project__in=projects.values("pk"), achieved_on__lte=ctx.as_of, capital_arrived__gt=0
        )
        .exclude(evidence="")
        .order_by("id")
        .values_list("id", "capital_arrived", "project__currency")
    )
    committed = sum((to_yuan(a, c) for _i, a, c in signings), Decimal("0"))
    arrived = sum((to_yuan(a, c) for _i, a, c in arrivals), Decimal("0"))
    return Kpi(
        key=CAPITAL_ARRIVAL_RATE.key,
        label=CAPITAL_ARRIVAL_RATE.label,
        value=float(arrived / committed) if committed else None,
        unit="%",
        period=f"{window_start:%Y-%m-%d}/{ctx.as_of:%Y-%m-%d}",
        definition=CAPITAL_ARRIVAL_RATE.definition,
        numerator=RecordSet("projects.Milestone", tuple(r[0] for r in arrivals)),
        denominator=RecordSet("projects.Signing", tuple(r[0] for r in signings)),
        why_empty="" if committed else "近三年签约的项目没有签约金额",
    )


def _open_stalled(ctx: KpiContext) -> Kpi:
    # The same query as the officer's home page (projects.queries.stalled_projects); the
    # count from the summary rows, the records listed when opened.
    qs = stalled_projects(ctx.in_region(ctx.scoped(Project), "target_region"), ctx.as_of)
    count = summary.stalled(ctx, STALLED_DAYS)
    return Kpi(
        key=STALLED.key,
        label=STALLED.label,
        value=count,
        unit=STALLED.unit,
        period=f"{ctx.as_of:%Y-%m-%d}",
        definition=STALLED.definition,
        records=RecordSet("projects.Project", query=lambda: list(qs.values_list("id", flat=True))),
        why_empty="" if count else f"统计日没有在当前阶段停留超过{STALLED_DAYS}天的项目",
    )


SIGNING_COUNT = register(
    KpiSpec(
        key="projects.signing_count",
        label="签约项目数",
        unit="个",
        group="signing",
        definition=(
            "期间内首次签约的招商项目个数（以项目的首次签约日期计；同一项目多次签约只计一次）。"
            "被识别为重复签约的协议（同一项目或相同签约方以相同金额再次签约）不算首次签约。"
            "对照本区域本年度的签约项目数目标。"
        ),
        source="招商项目（projects.Project）的首次签约日期 signed_on，由签约登记服务维护",
        compute=signing_count,
        has_target=True,
    )
)
SIGNED_AMOUNT = register(
    KpiSpec(
        key="projects.signed_amount",
        label="签约金额",
        unit="元",
        group="signing",
        definition=(
            "期间内签订的全部协议金额之和（按签约日期计入；同一协议不重复登记；在后续活动中再次签约的同一项目、"
            "或相同签约方以相同金额（相差1%以内）再次签约的协议识别为重复签约，只计首次）。外币按计划汇率折算为人民币："
            "1美元=7.2元、1欧元=7.8元、1港元=0.92元。对照本区域本年度的签约金额目标。"
        ),
        source="签约记录（projects.Signing）的金额 amount 与币种 currency",
        compute=signed_amount,
        has_target=True,
    )
)
CONSTRUCTION_RATE = register(
    KpiSpec(
        key="projects.construction_rate",
        label="开工率",
        unit="%",
        group="signing",
        definition=(
            "开工率 = 分母中已登记开工节点且附有凭证（施工许可证、开工照片等）的项目数 ÷ 近三年签约且签约已满180天的"
            "项目数（含其后终止的项目）。无凭证的开工节点不计入，卡片注明个数。"
        ),
        source="招商项目的首次签约日期；落地节点（projects.Milestone，kind=construction）及其凭证文件",
        compute=construction_rate,
    )
)
PRODUCTION_RATE = register(
    KpiSpec(
        key="projects.production_rate",
        label="投产率",
        unit="%",
        group="signing",
        definition=(
            "投产率 = 分母中已登记投产节点且附有凭证的项目数 ÷ 近三年签约且签约已满540天（18个月）的项目数"
            "（含其后终止的项目）。无凭证的投产节点不计入。"
        ),
        source="招商项目的首次签约日期；落地节点（kind=production）及其凭证文件",
        compute=production_rate,
    )
)
CAPITAL_ARRIVAL_RATE = register(
    KpiSpec(
        key="projects.capital_arrival_rate",
        label="资金到位率",
        unit="%",
        group="signing",
        definition=(
            "资金到位率 = 近三年签约项目截至统计日附有凭证（银行进账单、验资报告）的到位资金之和 ÷ 这些项目截至统计日的"
            "签约金额之和；外币按计划汇率折算。分子为落地节点记录，分母为签约记录。"
        ),
        source="落地节点的到位资金 capital_arrived 与凭证；签约记录的金额",
        compute=capital_arrival_rate,
    )
)
STALLED = register(
    KpiSpec(
        key="projects.stalled",
        label="停滞项目",
        unit="个",
        group="signing",
        definition=(
            f"未终止、未投产且在当前阶段停留超过{STALLED_DAYS}天的项目（以进入当前阶段的日期计，统计日为今天）。"
        ),
        source="招商项目的阶段 stage 与进入本阶段日期 stage_entered_on",
        compute=_open_stalled,
    )
)
