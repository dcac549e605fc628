"""Policy library (政策事项 with versions and a status workflow), enterprise facts that the
register does not hold as columns, and screening runs (免申即享) with their results (grouped organisations)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yiqiao.core.models import Model, TimeStampedModel

MONEY: Any = {"max_digits": 18, "decimal_places": 2}


class Policy(TimeStampedModel):
    """One 政策事项. Its rules live in the YAML text of its versions; the row carries identity,
    source and the workflow status (draft → review → published → expired), which is authoritative
    once the policy is in the database."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        REVIEW = "review", _("审核中")
        PUBLISHED = "published", _("已发布")
        EXPIRED = "expired", _("已失效")

    class Delivery(models.TextChoices):
        AUTO = "auto", _("免申即享")
        APPLY = "apply", _("快申快享")
        MANUAL = "manual", _("依申请办理")

    # Allowed moves of the workflow; publishing additionally requires the engine's checks.
    TRANSITIONS: dict[str, tuple[str, ...]] = {
        "draft": ("review",),
        "review": ("draft", "published"),
        "published": ("expired",),
        "expired": ("draft",),
    }

    code = models.CharField(_("政策编号"), max_length=80, unique=True)
    title = models.CharField(_("名称"), max_length=200)
    category = models.CharField(_("类别"), max_length=40, blank=True, db_index=True)
    summary = models.TextField(_("摘要"), blank=True)
    document = models.CharField(_("发文"), max_length=200, blank=True)
    document_number = models.CharField(_("文号"), max_length=80, blank=True)
    article = models.CharField(_("条款"), max_length=80, blank=True)
    delivery = models.CharField(
        _("兑现方式"), max_length=10, choices=Delivery.choices, default=Delivery.MANUAL
    )
    exclusive_group = models.CharField(_("就高不重复组"), max_length=80, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    is_fictional_sample = models.BooleanField(_("虚构示例"), default=False)
    tags = models.JSONField(_("标签"), default=list, blank=True)
    source_file = models.CharField(_("来源文件"), max_length=200, blank=True)
    region = models.ForeignKey(
        "registry.Region",
        verbose_name=_("适用区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("发布该政策的辖区；为空表示平台通用政策库"),
    )
    current_version = models.ForeignKey(
        "PolicyVersion",
        verbose_name=_("当前版本"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("政策")
        verbose_name_plural = _("政策")
        ordering = ["category", "code"]

    def __str__(self) -> str:
        return self.title

    def can_move_to(self, status: str) -> bool:
        """True when the workflow allows going from the current status to ``status``."""
        return status in self.TRANSITIONS.get(self.status, ())

    @property
    def source_text(self) -> str:
        number = f"（{self.document_number}）" if self.document_number else ""
        return f"{self.document}{number}{self.article}"


class PolicyVersion(Model):
    """One revision of a policy's YAML text (sync creates one per changed file; never edited).

    ``summary`` keeps the parsed outline (dated versions inside the file, parameters, test
    count) so the history is readable without re-parsing.
    """

    policy = models.ForeignKey(
        Policy, verbose_name=_("政策"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("修订号"))
    yaml_text = models.TextField(_("政策文本（YAML）"))
    content_hash = models.CharField(_("内容摘要"), max_length=64)
    effective_from = models.DateField(_("生效日期"))
    effective_to = models.DateField(_("失效日期"), null=True, blank=True)
    summary = models.JSONField(_("解析摘要"), default=dict, blank=True)
    created_at = models.DateTimeField(_("入库时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("入库人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("政策版本")
        verbose_name_plural = _("政策版本")
        ordering = ["policy", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"], name="policy_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.policy_id} r{self.number}"


class OrganisationFact(Model):
    """A value for one field of the policy field dictionary that the register holds no column for
    (e.g. 本年度启动I期临床试验数), as of a date, with its source and who entered it."""

    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("机构"),
        on_delete=models.CASCADE,
        related_name="policy_facts",
    )
    field = models.CharField(_("字段"), max_length=60)
    value = models.JSONField(_("取值"))
    year = models.PositiveSmallIntegerField(_("所属年度"), null=True, blank=True)
    as_of = models.DateField(_("截至日期"))
    source = models.CharField(_("数据来源"), max_length=120, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("企业数据项")
        verbose_name_plural = _("企业数据项")
        ordering = ["organisation", "field", "-as_of"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "field", "as_of"], name="organisation_fact_unique"
            ),
        ]
        indexes = [models.Index(fields=["field", "as_of"])]

    def __str__(self) -> str:
        return f"{self.organisation_id}.{self.field}@{self.as_of}"


class ScreeningRun(Model):
    """One batch screening of the register in a user's scope (免申即享), possibly including a
    draft policy to measure its budget impact before publication."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("运行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("发起时间"), auto_now_add=True, db_index=True)
    region = models.ForeignKey(
        "registry.Region",
        verbose_name=_("筛查范围"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("发起人所在单元的辖区；为空表示全部"),
    )
    unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("发起单元"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    as_of = models.DateField(_("测算日期"))
    policies = models.ManyToManyField(Policy, verbose_name=_("参与政策"), related_name="+")
    draft_policy = models.ForeignKey(
        Policy,
        verbose_name=_("测算的草案政策"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    enterprises = models.PositiveIntegerField(_("筛查机构数"), default=0)
    eligible_count = models.PositiveIntegerField(_("符合条件（项次）"), default=0)
    auto_count = models.PositiveIntegerField(_("免申即享（项次）"), default=0)
    quick_count = models.PositiveIntegerField(_("快申快享（项次）"), default=0)
    near_count = models.PositiveIntegerField(_("临界（项次）"), default=0)
    total_amount = models.DecimalField(_("兑现总额（元）"), default=0, **MONEY)
    auto_amount = models.DecimalField(_("免申即享总额（元）"), default=0, **MONEY)
    per_policy = models.JSONField(_("分政策统计"), default=list, blank=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    duration_seconds = models.FloatField(_("耗时（秒）"), null=True, blank=True)
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        verbose_name = _("筛查批次")
        verbose_name_plural = _("筛查批次")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"筛查 #{self.pk}（{self.as_of}）"

    @property
    def is_running(self) -> bool:
        return self.status in {self.Status.QUEUED, self.Status.RUNNING}


class ScreeningGroup(Model):
    """Organisations of a run that share one result for one policy: eligible (with each
    organisation's amount), eligible if data were supplied (快申快享, one group per set of missing
    fields, with the reason they share), or a near miss (one condition fails; each organisation's
    reason names the condition, its value and the gap).

    A run of a million enterprises against a thousand policies has over a hundred million
    (enterprise, policy) results; one row each cannot be written in a minute. A group stores its
    organisation ids packed (:mod:`yiqiao.policies.packing`) in display order (eligible: larger
    amounts first; otherwise ascending id), with per-organisation amounts and reasons aligned to
    them. ``number`` is the group's position in the run, which :class:`ScreeningIndex` lists per
    organisation. Read through ``queries.run_results`` and ``queries.organisation_run_results``.
    """

    class Status(models.TextChoices):
        ELIGIBLE = "eligible", _("符合条件")
        IF_DATA_SUPPLIED = "eligible_if_data_supplied", _("补充数据后可能符合")
        NEAR_MISS = "near_miss", _("临界（差一项）")

    run = models.ForeignKey(
        ScreeningRun, verbose_name=_("筛查批次"), on_delete=models.CASCADE, related_name="groups"
    )
    number = models.PositiveIntegerField(_("序号"))
    policy = models.ForeignKey(
        Policy, verbose_name=_("政策"), on_delete=models.CASCADE, related_name="+"
    )
    version = models.ForeignKey(
        PolicyVersion,
        verbose_name=_("政策版本"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rule_version = models.PositiveIntegerField(_("条款版本"), null=True)
    status = models.CharField(_("结果"), max_length=30, choices=Status.choices)
    delivery = models.CharField(_("兑现方式"), max_length=10, choices=Policy.Delivery.choices)
    missing_fields = models.JSONField(_("缺少数据"), default=list, blank=True)
    reasons = models.CharField(_("原因摘要"), max_length=300, blank=True)
    size = models.PositiveIntegerField(_("机构数"))
    amount = models.DecimalField(_("金额合计（元）"), default=0, **MONEY)
    organisations = models.BinaryField(_("机构（压缩编号）"))
    amounts = models.BinaryField(_("各机构金额"), null=True)
    amounts_before_caps = models.BinaryField(_("各机构封顶前金额"), null=True)
    texts = models.JSONField(_("各机构原因"), default=list, blank=True)

    class Meta:
        verbose_name = _("筛查结果组")
        verbose_name_plural = _("筛查结果组")
        ordering = ["run", "number"]
        constraints = [
            models.UniqueConstraint(fields=["run", "number"], name="screening_group_unique"),
        ]
        indexes = [models.Index(fields=["run", "status", "policy"])]

    def __str__(self) -> str:
        return f"{self.run_id}#{self.number} {self.policy_id} {self.status} ×{self.size}"


class ScreeningIndex(Model):
    """Which groups of a run each organisation is in, for a block of consecutive organisations
    (ascending id): ``organisations`` (packed ids), ``offsets`` (cumulative groups per organisation) and
    ``groups`` (the group numbers, organisation after organisation). "Which policies does this
    organisation qualify for, or miss?" reads one row."""

    run = models.ForeignKey(
        ScreeningRun, verbose_name=_("筛查批次"), on_delete=models.CASCADE, related_name="index"
    )
    first_organisation_id = models.BigIntegerField(_("首个机构编号"))
    last_organisation_id = models.BigIntegerField(_("末个机构编号"))
    organisations = models.BinaryField(_("机构（压缩编号）"))
    offsets = models.BinaryField(_("各机构结果组累计数"))
    groups = models.BinaryField(_("结果组序号"))

    class Meta:
        verbose_name = _("筛查结果索引")
        verbose_name_plural = _("筛查结果索引")
        ordering = ["run", "first_organisation_id"]
        indexes = [models.Index(fields=["run", "last_organisation_id"])]

    def __str__(self) -> str:
        return f"{self.run_id}:{self.first_organisation_id}–{self.last_organisation_id}"


class OrganisationRecord(Model):
    """One record of a list-valued fact of an organisation: a medical-device certificate, a drug
    approval, a clinical-trial milestone, a product's sales (``field`` names the list field of
    the dictionary; ``data`` holds the record's own fields, checked against it). Records dated
    on or before a screening date form the list the engine reads."""

    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("机构"),
        on_delete=models.CASCADE,
        related_name="policy_records",
    )
    field = models.CharField(_("记录类型"), max_length=60)
    data = models.JSONField(_("内容"), default=dict)
    recorded_on = models.DateField(_("登记日期"))
    source = models.CharField(_("数据来源"), max_length=120, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("企业数据记录")
        verbose_name_plural = _("企业数据记录")
        ordering = ["organisation", "field", "recorded_on", "id"]
        indexes = [models.Index(fields=["field", "recorded_on"])]

    def __str__(self) -> str:
        return f"{self.organisation_id}.{self.field}#{self.pk}"


class AwardApplication(TimeStampedModel):
    """A 快申快享 application: an organisation asks for a policy's award; an officer reviews it
    (approved with an amount, or rejected) and records the payment, which becomes an
    :class:`Award` the engine counts as received."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("已提交")
        APPROVED = "approved", _("已核准")
        REJECTED = "rejected", _("未通过")
        PAID = "paid", _("已兑付")

    TRANSITIONS: dict[str, tuple[str, ...]] = {
        "submitted": ("approved", "rejected"),
        "approved": ("paid", "rejected"),
        "rejected": (),
        "paid": (),
    }

    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("申请机构"),
        on_delete=models.CASCADE,
        related_name="award_applications",
    )
    policy = models.ForeignKey(
        Policy, verbose_name=_("政策"), on_delete=models.PROTECT, related_name="applications"
    )
    version = models.ForeignKey(
        PolicyVersion,
        verbose_name=_("政策版本"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    as_of = models.DateField(_("测算日期"))
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    amount_computed = models.DecimalField(_("测算金额（元）"), null=True, blank=True, **MONEY)
    amount_approved = models.DecimalField(_("核准金额（元）"), null=True, blank=True, **MONEY)
    trace = models.TextField(_("计算过程"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    review_note = models.CharField(_("审核意见"), max_length=300, blank=True)
    paid_on = models.DateField(_("兑付日期"), null=True, blank=True)
    payment_reference = models.CharField(_("支付凭证号"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("兑现申请")
        verbose_name_plural = _("兑现申请")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.policy_id} {self.status}"

    def can_move_to(self, status: str) -> bool:
        """True when the workflow allows going from the current status to ``status``."""
        return status in self.TRANSITIONS.get(self.status, ())


class Award(Model):
    """An award an organisation has received (已获奖励资助): from a payment in this platform, or
    imported (awards paid elsewhere, by this or another level of government). ``policy_code``
    is the library id (or an outside one such as ``national.major_drug``); the engine reads
    these as ``awards_received`` for caps net of received, top-ups and 就高不重复."""

    class Source(models.TextChoices):
        PAYMENT = "payment", _("本平台兑付")
        IMPORT = "import", _("导入")
        MANUAL = "manual", _("手工登记")

    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("机构"),
        on_delete=models.CASCADE,
        related_name="awards",
    )
    policy = models.ForeignKey(
        Policy,
        verbose_name=_("政策"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="awards",
    )
    policy_code = models.CharField(_("政策编号"), max_length=120, db_index=True)
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    awarded_on = models.DateField(_("兑付日期"), db_index=True)
    source = models.CharField(
        _("来源"), max_length=10, choices=Source.choices, default=Source.MANUAL
    )
    application = models.OneToOneField(
        AwardApplication,
        verbose_name=_("兑现申请"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="award",
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("已获奖励")
        verbose_name_plural = _("已获奖励")
        ordering = ["organisation", "-awarded_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="award_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.policy_code} {self.amount}"
