"""Enterprise needs (需求) and what became of them: routing, time limits, responses, conversion,
follow-up visits. The life cycle itself is in ``workflow`` (pure); writes are in ``services``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yiqiao.core.models import Model, TimeStampedModel

from .engine import workflow

MONEY: Any = {"max_digits": 18, "decimal_places": 2}
NON_NEGATIVE = [MinValueValidator(Decimal("0"))]
#: Longest need text accepted (characters); the form and the API say so when it is exceeded.
TEXT_MAX_CHARS = 4000
#: Longest need text accepted: a need is stored as written, however long (issue 13: 20,000
#: characters are kept, and read as far as the parser reads).
NEED_TEXT_MAX_CHARS = 20_000
TITLE_MAX_CHARS = 120


class Category(models.TextChoices):
    POLICY = "policy", _("政策咨询与兑现")
    SPACE = "space", _("载体与用地")
    FINANCING = "financing", _("投融资")
    CLINICAL = "clinical", _("临床资源")
    CAPACITY = "capacity", _("概念验证/中试/CDMO产能")
    TALENT = "talent", _("人才")
    PARTNER = "partner", _("市场渠道与合作伙伴")
    REGISTRATION = "registration", _("注册审批")
    OTHER = "other", _("其他")


class Channel(models.TextChoices):
    PORTAL = "portal", _("企业门户")
    VISIT = "visit", _("走访")
    CALL = "call", _("电话")
    EVENT = "event", _("活动现场")


class FundingStage(models.TextChoices):
    SEED = "seed", _("种子轮")
    ANGEL = "angel", _("天使轮")
    PRE_A = "pre_a", _("Pre-A轮")
    A = "a", _("A轮")
    B = "b", _("B轮")
    C = "c", _("C轮")
    D = "d", _("D轮及以后")
    PRE_IPO = "pre_ipo", _("Pre-IPO")
    GROWTH = "growth", _("成长/并购")


#: The workflow's states as pages name them: literal here so the English catalogue has them.
STATE_LABELS = {
    workflow.SUBMITTED: _("已提交"),
    workflow.ACCEPTED: _("已受理"),
    workflow.ASSIGNED: _("已分派"),
    workflow.RESPONDED: _("已响应"),
    workflow.RESOLVED: _("已解决"),
    workflow.CONVERTED: _("已转化"),
    workflow.CLOSED: _("已关闭"),
    workflow.FOLLOWED_UP: _("已回访"),
}


#: What each step of a need's history did, as its history list names it (``submit`` and
#: ``reassign`` are recorded steps outside the workflow's events).
EVENT_LABELS = {
    "submit": pgettext_lazy("需求操作", "提交"),
    workflow.ACCEPT: pgettext_lazy("需求操作", "受理"),
    workflow.ASSIGN: pgettext_lazy("需求操作", "分派"),
    "reassign": pgettext_lazy("需求操作", "改派"),
    workflow.RESPOND: pgettext_lazy("需求操作", "响应"),
    workflow.RESOLVE: pgettext_lazy("需求操作", "办结"),
    workflow.CONVERT: pgettext_lazy("需求操作", "登记转化"),
    workflow.CLOSE: pgettext_lazy("需求操作", "关闭"),
    workflow.FOLLOW_UP: pgettext_lazy("需求操作", "回访"),
}


class CleanroomClass(models.IntegerChoices):
    """Clean-room classes a need may ask for (ISO 14644-1; the smaller, the cleaner)."""

    ISO5 = 5, _("ISO 5（百级，GMP A/B级）")
    ISO6 = 6, _("ISO 6（千级）")
    ISO7 = 7, _("ISO 7（万级，GMP C级）")
    ISO8 = 8, _("ISO 8（十万级，GMP D级）")
    ISO9 = 9, _("ISO 9（三十万级）")


class Demand(TimeStampedModel):
    """One need raised by (or for) an organisation, followed from intake to its outcome.

    ``unit``/``assignee`` say who answers; ``accept_due``/``respond_due`` are the dates by which it
    must be accepted and answered (working days, from the category's SlaPolicy).
    """

    STATE_CHOICES = [(s, STATE_LABELS[s]) for s in workflow.STATES]

    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("提出机构"),
        on_delete=models.PROTECT,
        related_name="demands",
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="demands_raised",
    )
    channel = models.CharField(_("来源渠道"), max_length=10, choices=Channel.choices)
    category = models.CharField(
        _("需求类别"), max_length=20, choices=Category.choices, db_index=True
    )
    title = models.CharField(_("标题"), max_length=TITLE_MAX_CHARS)
    text = models.TextField(_("需求描述"))
    text_normalised = models.CharField(max_length=64, db_index=True, editable=False)
    area_min_m2 = models.DecimalField(
        _("面积下限（㎡）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
    )
    area_max_m2 = models.DecimalField(
        _("面积上限（㎡）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
    )
    rent_max_yuan_per_m2_month = models.DecimalField(
        _("租金上限（元/㎡·月）"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
    )
    cleanroom_iso = models.PositiveSmallIntegerField(
        _("洁净等级（不低于）"), choices=CleanroomClass.choices, null=True, blank=True
    )
    budget_yuan = models.DecimalField(
        _("预算（元）"), null=True, blank=True, validators=NON_NEGATIVE, **MONEY
    )
    funding_amount_yuan = models.DecimalField(
        _("融资金额（元）"), null=True, blank=True, validators=NON_NEGATIVE, **MONEY
    )
    funding_stage = models.CharField(
        _("融资阶段"), max_length=10, choices=FundingStage.choices, blank=True
    )
    chain_nodes = models.ManyToManyField(
        "registry.ChainNode", verbose_name=_("产业链节点"), blank=True, related_name="demands"
    )
    deadline = models.DateField(_("期望解决日期"), null=True, blank=True)
    state = models.CharField(
        _("状态"), max_length=12, choices=STATE_CHOICES, default=workflow.SUBMITTED, db_index=True
    )
    unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("责任单元"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="demands",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="demands_assigned",
    )
    accept_due = models.DateField(_("受理时限"))
    respond_due = models.DateField(_("响应时限"))
    # From these days on the need counts as due soon (即将到期): the last fifth of each limit,
    # fixed at intake (engine.sla.due_soon_from). Null on old rows means the due day itself.
    accept_soon_from = models.DateField(
        _("受理即将到期起始日"), null=True, blank=True, editable=False
    )
    respond_soon_from = models.DateField(
        _("响应即将到期起始日"), null=True, blank=True, editable=False
    )
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    responded_at = models.DateTimeField(_("首次响应时间"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    converted_at = models.DateTimeField(_("转化时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    reminded_on = models.DateField(_("最近提醒日期"), null=True, blank=True, editable=False)
    source_event_id = models.PositiveIntegerField(_("来源活动"), null=True, blank=True)

    class Meta:
        verbose_name = _("企业需求")
        verbose_name_plural = _("企业需求")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "text_normalised", "created_at"]),
            models.Index(fields=["unit", "state"]),
            models.Index(fields=["state", "respond_due"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(area_min_m2__isnull=True)
                | models.Q(area_max_m2__isnull=True)
                | models.Q(area_min_m2__lte=models.F("area_max_m2")),
                name="demand_area_range",
            )
        ]

    def __str__(self) -> str:
        return f"需求#{self.pk} {self.title}"

    def is_overdue(self, today: date) -> bool:
        """Past the accept or respond limit while still waiting for the bureau."""
        if self.state == workflow.SUBMITTED and today > self.accept_due:
            return True
        return self.state in workflow.OPEN_STATES and today > self.respond_due

    @property
    def is_answered_on_time(self) -> bool:
        return self.responded_at is not None and self.responded_at.date() <= self.respond_due


def _attachment_path(instance: DemandAttachment, filename: str) -> str:
    return f"demands/{instance.demand_id}/{filename}"


class DemandAttachment(Model):
    """A file attached to a demand: PDF, images or office documents, size-limited."""

    class Kind(models.TextChoices):
        PDF = "pdf", _("PDF")
        IMAGE = "image", _("图片")
        OFFICE = "office", _("办公文档")

    demand = models.ForeignKey(
        Demand, verbose_name=_("需求"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("文件"), upload_to=_attachment_path)
    name = models.CharField(_("文件名"), max_length=200)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    size_bytes = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("需求附件")
        verbose_name_plural = _("需求附件")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class RoutingRule(Model):
    """Category (and optionally region) → the org unit responsible for answering.

    The most specific rule wins: a rule for the organisation's region (or the nearest region
    above it) before a rule with no region.
    """

    category = models.CharField(_("需求类别"), max_length=20, choices=Category.choices)
    region = models.ForeignKey(
        "registry.Region",
        verbose_name=_("区域"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("留空表示适用于所有区域"),
    )
    unit = models.ForeignKey(
        "accounts.OrgUnit", verbose_name=_("责任单元"), on_delete=models.CASCADE, related_name="+"
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("分派规则")
        verbose_name_plural = _("分派规则")
        ordering = ["category", "region__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "region"], name="routing_rule_category_region"
            ),
            models.UniqueConstraint(
                fields=["category"],
                condition=models.Q(region__isnull=True),
                name="routing_rule_category_default",
            ),
        ]

    def __str__(self) -> str:
        where = self.region.name if self.region_id else "全部区域"  # type: ignore[union-attr]
        return f"{self.get_category_display()} · {where} → {self.unit}"


class SlaPolicy(Model):
    """Time limits for one category in one region, in working days from submission.

    A need is held to the policy of the nearest region at or above its organisation's region
    (its park first); a policy with no region is the platform's default, set by a superuser.
    """

    category = models.CharField(_("需求类别"), max_length=20, choices=Category.choices)
    region = models.ForeignKey(
        "registry.Region",
        verbose_name=_("区域"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("留空表示平台默认时限"),
    )
    accept_days = models.PositiveSmallIntegerField(
        _("受理时限（工作日）"), default=1, validators=[MaxValueValidator(60)]
    )
    respond_days = models.PositiveSmallIntegerField(
        _("响应时限（工作日）"), default=5, validators=[MaxValueValidator(120)]
    )

    class Meta:
        verbose_name = _("办理时限")
        verbose_name_plural = _("办理时限")
        ordering = ["category", "region__path"]
        constraints = [
            models.UniqueConstraint(fields=["category", "region"], name="sla_category_region"),
            models.UniqueConstraint(
                fields=["category"],
                condition=models.Q(region__isnull=True),
                name="sla_category_default",
            ),
            models.CheckConstraint(
                condition=models.Q(accept_days__lte=models.F("respond_days")),
                name="sla_accept_before_respond",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}：{self.accept_days}/{self.respond_days}个工作日"


class DemandTransition(Model):
    """One step of a demand's life cycle: who moved it from which state to which, and why."""

    demand = models.ForeignKey(
        Demand, verbose_name=_("需求"), on_delete=models.CASCADE, related_name="transitions"
    )
    event = models.CharField(_("操作"), max_length=20)
    from_state = models.CharField(_("原状态"), max_length=12, blank=True)
    to_state = models.CharField(_("新状态"), max_length=12)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("需求流转记录")
        verbose_name_plural = _("需求流转记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.demand_id}: {self.from_state or '—'} → {self.to_state}"


class ResourceKind(models.TextChoices):
    POLICY = "policy", _("政策")
    SPACE = "space", _("载体")
    SERVICE = "service", _("平台服务")
    INVESTOR = "investor", _("投资机构")
    ORGANISATION = "organisation", _("合作机构")


class Response(Model):
    """An answer to a demand; a referral names the matched resource it points to.

    ``resource_key`` is the matching engine's id ("space:12", "policy:space.rent_subsidy"): it is
    stable across index rebuilds and needs no foreign key to apps that may not be installed.
    """

    demand = models.ForeignKey(
        Demand, verbose_name=_("需求"), on_delete=models.CASCADE, related_name="responses"
    )
    text = models.TextField(_("响应内容"))
    is_referral = models.BooleanField(_("资源推荐"), default=False)
    resource_kind = models.CharField(
        _("资源类型"), max_length=20, choices=ResourceKind.choices, blank=True
    )
    resource_key = models.CharField(_("资源编号"), max_length=80, blank=True)
    resource_title = models.CharField(_("资源名称"), max_length=200, blank=True)
    reasons = models.JSONField(_("匹配理由"), default=list, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("响应人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("响应时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("需求响应")
        verbose_name_plural = _("需求响应")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["demand", "resource_key"],
                condition=~models.Q(resource_key=""),
                name="response_one_referral_per_resource",
            )
        ]

    def __str__(self) -> str:
        return self.resource_title or self.text[:40]


class Conversion(Model):
    """What a demand became: a project, a space lease, a policy award, an investment, a partner
    introduction. ``project`` links the investment project a need became; ``target`` optionally
    points at any other record it became (a lease's space, an award's policy) as a generic
    reference, so demands do not depend on every app that can receive a conversion.
    """

    class Kind(models.TextChoices):
        PROJECT = "project", _("招商项目")
        SPACE_LEASE = "space_lease", _("载体租赁")
        POLICY_AWARD = "policy_award", _("政策兑现")
        INVESTMENT = "investment", _("投融资")
        PARTNER = "partner", _("合作对接")

    demand = models.ForeignKey(
        Demand, verbose_name=_("需求"), on_delete=models.CASCADE, related_name="conversions"
    )
    kind = models.CharField(_("转化类型"), max_length=20, choices=Kind.choices)
    amount_yuan = models.DecimalField(
        _("金额（元）"), null=True, blank=True, validators=NON_NEGATIVE, **MONEY
    )
    response = models.ForeignKey(
        Response,
        verbose_name=_("对应响应"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conversions",
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("招商项目"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="demand_conversions",
    )
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    note = models.CharField(_("说明"), max_length=300, blank=True)
    on = models.DateField(_("转化日期"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("需求转化")
        verbose_name_plural = _("需求转化")
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（需求#{self.demand_id}）"


class FollowUp(Model):
    """A follow-up visit (回访): date, satisfaction 1–5 and a note; ≤ 2 reopens the demand."""

    demand = models.ForeignKey(
        Demand, verbose_name=_("需求"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    on = models.DateField(_("回访日期"))
    satisfaction = models.PositiveSmallIntegerField(
        _("满意度"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    note = models.CharField(_("回访记录"), max_length=500, blank=True)
    is_reopened = models.BooleanField(_("已重新办理"), default=False)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("回访人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("回访")
        verbose_name_plural = _("回访")
        ordering = ["on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(satisfaction__gte=1, satisfaction__lte=5),
                name="follow_up_satisfaction_range",
            )
        ]

    def __str__(self) -> str:
        return f"回访 {self.on} {self.satisfaction}分"


class Reminder(Model):
    """An overdue reminder for a demand's assignee (or its unit when unassigned), one per day."""

    demand = models.ForeignKey(
        Demand, verbose_name=_("需求"), on_delete=models.CASCADE, related_name="reminders"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提醒对象"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="demand_reminders",
    )
    unit = models.ForeignKey(
        "accounts.OrgUnit", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField(_("提醒日期"))
    message = models.CharField(_("内容"), max_length=300)
    is_read = models.BooleanField(_("已读"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("超期提醒")
        verbose_name_plural = _("超期提醒")
        ordering = ["-day", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["demand", "day"], name="reminder_once_per_day")
        ]

    def __str__(self) -> str:
        return self.message


class NeedFigure(Model):
    """Summary rows of the cockpit's need figures (issue 18, fast figures).

    A need's figures are functions of the as-of day (raised by then, answered by then, withdrawn
    by then …) that change on a few days only. Each row adds, for one organisation region,
    park, responsible unit, category and ``month`` the need was raised in (for ``followup``:
    the month of the visit), ``count`` to ``measure`` from ``day`` on; the row without a
    ``day`` adds up all of them (what the need counts once every change has happened). A
    figure as of D for needs raised from the first of a month is then the rows without a day
    minus the rows dated after D (few, for a recent D). The demand services keep them in the
    transaction of each change (demands/summary.py); ``yiqiao kpis rebuild --verify`` recounts
    them from the raw tables.
    """

    class Measure(models.TextChoices):
        TOTAL = "total", _("期间内提出")
        RESOLVED = "resolved", _("已办结")
        CONVERTED = "converted", _("已转化")
        DUE = "due", _("响应时限已到或已响应")
        ON_TIME = "on_time", _("按时响应")
        OVERDUE = "overdue", _("超期未办")
        FOLLOWUP = "followup", _("回访")

    region = models.ForeignKey(
        "registry.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    park = models.ForeignKey(
        "registry.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "accounts.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(_("类别"), max_length=20)
    measure = models.CharField(_("指标"), max_length=10, choices=Measure.choices)
    month = models.DateField(_("月份"))
    day = models.DateField(_("日期"), null=True, blank=True)
    count = models.IntegerField(_("个数"), default=0)
    score = models.IntegerField(_("满意度合计"), default=0)

    class Meta:
        verbose_name = _("需求汇总")
        verbose_name_plural = _("需求汇总")
        # Both reads of a figure (the undated rows of some months; the rows dated after a
        # day) are ranges of this index.
        indexes = [models.Index(fields=["day", "month"], name="demands_figure_day_month")]

    def __str__(self) -> str:
        return f"{self.measure} {self.month} {self.day} {self.count}"
