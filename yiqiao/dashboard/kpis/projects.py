"""Investment figures: signings against the target, and how signed projects perform (履约).

Performance rates count a milestone only when evidence is attached (a scanned licence, permit,
bank slip or photo) — assessment rules deduct figures that cannot be evidenced.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Exists, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils.translation import gettext as _

from yiqiao.core.kpi import Kpi, RecordSet
from yiqiao.projects.models import Milestone, Project, Signing, StageChange
from yiqiao.projects.queries import STALLED_DAYS, stalled_projects

from .. import summary
from .context import KpiContext, to_yuan
from .registry import KpiSpec, register
from .targets import target_for

RATE_WINDOW_DAYS = 3 * 365  # signed within the last three years
CONSTRUCTION_GRACE_DAYS = 180  # a signed project is expected to start within six months
PRODUCTION_GRACE_DAYS = 540  # … and to produce within eighteen months


def _ids(qs: QuerySet[Any]) -> QuerySet[Any]:
    """The ids of ``qs`` in order (a lazy queryset: fetched a page at a time when listed)."""
    return qs.order_by("id").values_list("id", flat=True)


def _repeats(ctx: KpiContext, projects: QuerySet[Any]) -> tuple[RecordSet, str]:
    """The signings of the period flagged as repeats of an earlier agreement, and a note."""
    qs = Signing.objects.filter(
        project__in=projects.values("pk"),
        signed_on__gte=ctx.start,
        signed_on__lte=ctx.end,
        repeat_of__isnull=False,
    )
    n = qs.count()
    note = _("%(n)s次重复签约已识别，只计一次") % {"n": n} if n else ""
    return RecordSet("projects.Signing", qs=_ids(qs), count=n), note


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
        records=RecordSet("projects.Project", qs=_ids(qs), count=count),
        target=target,
        note=_("；").join(n for n in (missing, repeat_note) if n),
        excluded=repeats,
        why_empty="" if count else _("期间内没有首次签约的项目"),
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
        records=RecordSet("projects.Signing", qs=_ids(counted), count=n),
        target=target,
        note=_("；").join(n for n in (missing, repeat_note) if n),
        excluded=repeats,
        why_empty="" if n else _("期间内没有签约记录"),
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
    out_of_order = _out_of_order(kind)
    # One aggregate query for the counts, whatever the number of projects; the ids are listed
    # (a page at a time) only when the tile is opened.
    annotated = base.annotate(done=Exists(reached), bare=Exists(unevidenced), odd=out_of_order)
    counts = annotated.aggregate(
        total=Count("pk"),
        done_n=Count("pk", filter=Q(done=True, odd=False)),
        without=Count("pk", filter=Q(done=False, bare=True)),
        odd_n=Count("pk", filter=Q(done=True, odd=True)),
    )
    total, done = counts["total"], counts["done_n"]
    without, odd = counts["without"], counts["odd_n"]
    left_out = base.filter(~Exists(reached), Exists(unevidenced)).values("pk")
    bare_milestones = Milestone.objects.filter(
        project__in=left_out, kind=kind, achieved_on__lte=ctx.as_of, evidence=""
    )
    notes = []
    if without:
        notes.append(_("%(n)s个项目登记了节点但未附凭证，未计入") % {"n": without})
    if odd:
        notes.append(
            _("%(n)s个项目的%(what)s，日期顺序有误，未计入，请核对")
            % {"n": odd, "what": _(ORDER_NOTES[kind])}
        )
    return Kpi(
        key=spec.key,
        label=spec.label,
        value=done / total if total else None,
        unit="%",
        period=f"{window_start:%Y-%m-%d}/{ctx.as_of:%Y-%m-%d}",
        definition=spec.definition,
        numerator=RecordSet(
            "projects.Project",
            qs=_ids(annotated.filter(done=True, odd=False)),
            count=done,
        ),
        denominator=RecordSet("projects.Project", qs=_ids(base), count=total),
        note=_("；").join(notes),
        # Counted now, whether or not there are any: the same queries for any data.
        excluded=RecordSet(
            "projects.Project",
            qs=_ids(annotated.filter(Q(done=True, odd=True))),
            count=odd,
        )
        if odd
        else RecordSet(
            "projects.Milestone", qs=_ids(bare_milestones), count=bare_milestones.count()
        ),
        why_empty=""
        if total
        else _("没有签约满%(days)s天的项目（%(start)s至%(end)s签约）")
        % {"days": grace_days, "start": f"{window_start:%Y-%m-%d}", "end": f"{due_by:%Y-%m-%d}"},
    )


ORDER_NOTES: dict[str, str] = {
    Milestone.Kind.CONSTRUCTION: "开工日期早于首次签约日期",
    Milestone.Kind.PRODUCTION: "投产日期早于开工日期",
}


def _out_of_order(kind: str) -> Exists:
    """A project whose ``kind`` milestone is dated before the step that must come first: a
    start of construction before the first signing, production before construction (an
    imported or back-dated record; the services refuse the first)."""
    if kind == Milestone.Kind.PRODUCTION:
        first_construction = (
            Milestone.objects.filter(project=OuterRef("project"), kind=Milestone.Kind.CONSTRUCTION)
            .order_by("achieved_on")
            .values("achieved_on")[:1]
        )
        return Exists(
            Milestone.objects.filter(
                project=OuterRef("pk"),
                kind=kind,
                achieved_on__lt=Subquery(first_construction),
            )
        )
    return Exists(
        Milestone.objects.filter(
            project=OuterRef("pk"), kind=kind, achieved_on__lt=OuterRef("signed_on")
        )
    )


def construction_rate(ctx: KpiContext) -> Kpi:
    return _milestone_rate(
        ctx, CONSTRUCTION_RATE, Milestone.Kind.CONSTRUCTION, CONSTRUCTION_GRACE_DAYS
    )


def production_rate(ctx: KpiContext) -> Kpi:
    return _milestone_rate(ctx, PRODUCTION_RATE, Milestone.Kind.PRODUCTION, PRODUCTION_GRACE_DAYS)


def _yuan_by_currency(qs: QuerySet[Any], amount: str, currency: str) -> tuple[int, Decimal]:
    """(rows, Σ amount in yuan) of ``qs``: one grouped query, each currency's sum converted at
    its planning rate."""
    n, total = 0, Decimal("0")
    for row in qs.order_by().values(currency).annotate(s=Sum(amount), k=Count("pk")):
        n += row["k"]
        total += to_yuan(Decimal(row["s"] or 0), row[currency])
    return n, total


def capital_arrival_rate(ctx: KpiContext) -> Kpi:
    window_start = ctx.days_before(RATE_WINDOW_DAYS)
    projects = ctx.in_region(ctx.scoped(Project), "target_region").filter(
        signed_on__gte=window_start, signed_on__lte=ctx.as_of
    )
    signings = Signing.objects.filter(
        project__in=projects.values("pk"), signed_on__lte=ctx.as_of, repeat_of__isnull=True
    )
    arrivals = Milestone.objects.filter(
        project__in=projects.values("pk"), achieved_on__lte=ctx.as_of, capital_arrived__gt=0
    ).exclude(evidence="")
    n_signings, committed = _yuan_by_currency(signings, "amount", "currency")
    n_arrivals, arrived = _yuan_by_currency(arrivals, "capital_arrived", "project__currency")
    return Kpi(
        key=CAPITAL_ARRIVAL_RATE.key,
        label=CAPITAL_ARRIVAL_RATE.label,
        value=float(arrived / committed) if committed else None,
        unit="%",
        period=f"{window_start:%Y-%m-%d}/{ctx.as_of:%Y-%m-%d}",
        definition=CAPITAL_ARRIVAL_RATE.definition,
        numerator=RecordSet("projects.Milestone", qs=_ids(arrivals), count=n_arrivals),
        denominator=RecordSet("projects.Signing", qs=_ids(signings), count=n_signings),
        why_empty="" if committed else _("近三年签约的项目没有签约金额"),
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
        records=RecordSet("projects.Project", qs=qs.values_list("id", flat=True), count=count),
        why_empty=""
        if count
        else _("统计日没有在当前阶段停留超过%(days)s天的项目") % {"days": STALLED_DAYS},
    )


def time_in_stage(ctx: KpiContext) -> Kpi:
    """Mean days a project spent in the stage it left, over the moves of the period."""
    projects = ctx.in_region(ctx.scoped(Project), "target_region")
    qs = StageChange.objects.filter(
        project__in=projects.values("pk"),
        changed_on__gte=ctx.start,
        changed_on__lte=ctx.as_of,
        days_in_from_stage__isnull=False,
    ).exclude(from_stage="")
    totals = qs.aggregate(n=Count("pk"), mean=Avg("days_in_from_stage"))
    n = totals["n"]
    return Kpi(
        key=TIME_IN_STAGE.key,
        label=TIME_IN_STAGE.label,
        value=Decimal(str(totals["mean"])).quantize(Decimal("0.1")) if n else None,
        unit=TIME_IN_STAGE.unit,
        period=ctx.period,
        definition=TIME_IN_STAGE.definition,
        records=RecordSet("projects.StageChange", qs=_ids(qs), count=n),
        why_empty="" if n else _("期间内没有项目变更阶段"),
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
        source="招商项目的首次签约日期（由签约登记维护）",
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
        source="签约记录的金额与币种",
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
            "项目数（含其后终止的项目）。无凭证的开工节点不计入，卡片注明个数；开工日期早于首次签约日期（顺序有误）的"
            "项目不计入分子，卡片注明个数。"
        ),
        source="招商项目的首次签约日期；“开工”落地节点及其凭证文件",
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
            "（含其后终止的项目）。无凭证的投产节点不计入；投产日期早于开工日期（顺序有误）的项目不计入分子，卡片注明个数。"
        ),
        source="招商项目的首次签约日期；“投产”落地节点及其凭证文件",
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
        source="落地节点的到位资金与凭证；签约记录的金额",
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
        source="招商项目的阶段与进入本阶段日期",
        compute=_open_stalled,
    )
)
TIME_IN_STAGE = register(
    KpiSpec(
        key="projects.time_in_stage",
        label="平均阶段停留天数",
        unit="天",
        group="signing",
        definition=(
            "期间内每一次阶段变更时，项目在原阶段停留天数的算术平均（从进入原阶段之日到变更之日）；"
            "每次变更计一次，项目新建时的首次登记不计。"
        ),
        source="阶段变更的变更日期与原阶段停留天数",
        compute=time_in_stage,
    )
)
