"""News intelligence: articles, the facts extracted from them, confirmed names and lead suggestions.

The pure pipeline lives in `engine/`; these models store what it produced and what officers
decided about it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yiqiao.core.models import Model, TimeStampedModel
from yiqiao.core.weblinks import validate_web_url


class Article(TimeStampedModel):
    """One news report as uploaded or pasted, with its cleaned text and extraction status.

    `region` is the region of the uploading unit: the article is visible there, below it (parks of
    a district) and above it (the city bureau), see `queries.visible_articles`. Near-duplicates
    (the same story republished elsewhere) point at the record kept through `duplicate_of` and
    carry no facts of their own.
    """

    class Status(models.TextChoices):
        NEW = "new", _("待抽取")
        EXTRACTED = "extracted", _("待审核")
        REVIEWED = "reviewed", _("已审核")
        FAILED = "failed", _("抽取失败")
        DUPLICATE = "duplicate", _("重复稿（已合并）")

    title = models.CharField(_("标题"), max_length=300, blank=True)
    source_name = models.CharField(_("来源"), max_length=120, blank=True)
    source_url = models.URLField(
        _("原文链接"), max_length=500, blank=True, validators=[validate_web_url]
    )
    file_name = models.CharField(_("文件名"), max_length=200, blank=True)
    published_on = models.DateField(_("发布日期"), null=True, blank=True, db_index=True)
    raw_content = models.BinaryField(_("原始文件"), null=True, editable=False)
    raw_text = models.TextField(_("粘贴的原文"), blank=True)
    cleaned_text = models.TextField(_("清洗后正文"), blank=True)
    is_traditional = models.BooleanField(_("原文为繁体"), default=False)
    # 64 MinHash values as hex strings, and a digest of them for "same article" look-ups
    fingerprint = models.JSONField(_("指纹"), default=list, blank=True, editable=False)
    fingerprint_key = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("合并至"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.NEW, db_index=True
    )
    error = models.CharField(_("错误信息"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    owner_unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("上传单元"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    region = models.ForeignKey(
        "registry.Region",
        verbose_name=_("可见区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("资讯")
        verbose_name_plural = _("资讯")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["region", "-created_at"], name="intel_article_region")]
        constraints = [
            # the same text is stored once per region, even when two uploads race
            models.UniqueConstraint(
                fields=["region", "fingerprint_key"],
                condition=~models.Q(fingerprint_key=""),
                name="intel_one_text_per_region",
            )
        ]

    def __str__(self) -> str:
        return self.title or self.file_name or f"资讯 #{self.pk}"

    @property
    def display_source(self) -> str:
        return self.source_name or self.file_name or "粘贴文本"


class FingerprintBand(Model):
    """One LSH band of an article's fingerprint: candidate near-duplicates share a band key."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bands")
    key = models.CharField(max_length=40, db_index=True)

    class Meta:
        verbose_name = _("指纹分段")
        verbose_name_plural = _("指纹分段")

    def __str__(self) -> str:
        return self.key


class ExtractedFact(TimeStampedModel):
    """A fact proposed by the engine and reviewed by an officer.

    `payload` keeps the engine's record (name/kind, amount/currency, parties/amount_yuan, …);
    `span_start`/`span_end` locate it in `Article.cleaned_text` for highlighting (-1: not found).
    """

    class Kind(models.TextChoices):
        ORGANISATION = "organisation", _("机构")
        MONEY = "money", _("金额")
        SIGNING = "signing", _("签约")
        EVENT = "event", _("活动")
        METRIC = "metric", _("指标")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("待审核")
        CONFIRMED = "confirmed", _("已确认")
        CORRECTED = "corrected", _("已更正")
        REJECTED = "rejected", _("已驳回")

    class LinkMethod(models.TextChoices):
        USCC = "uscc", _("信用代码一致")
        EXACT = "exact", _("名称一致")
        ALIAS = "alias", _("别名一致")
        NORMALISED = "normalised", _("规范化后一致")
        FUZZY = "fuzzy", _("名称相近")
        AMBIGUOUS = "ambiguous", _("多个可能")
        UNKNOWN = "unknown", _("未找到")
        MANUAL = "manual", _("人工新增")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="facts")
    kind = models.CharField(_("类型"), max_length=14, choices=Kind.choices)
    position = models.PositiveIntegerField(_("序号"), default=0)
    label = models.CharField(_("摘要"), max_length=300)
    payload = models.JSONField(_("内容"), default=dict)
    span_start = models.IntegerField(default=-1)
    span_end = models.IntegerField(default=-1)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("关联机构"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="intel_facts",
    )
    link_method = models.CharField(
        _("关联方式"), max_length=12, choices=LinkMethod.choices, blank=True
    )
    link_confidence = models.FloatField(_("关联置信度"), default=0.0)
    link_reason = models.CharField(_("关联说明"), max_length=300, blank=True)
    suggestions = models.JSONField(_("候选主体"), default=list, blank=True)

    class Meta:
        verbose_name = _("抽取事实")
        verbose_name_plural = _("抽取事实")
        ordering = ["article", "position", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.label}"

    @property
    def is_settled(self) -> bool:
        return self.status != self.Status.PROPOSED

    @property
    def is_accepted(self) -> bool:
        return self.status in {self.Status.CONFIRMED, self.Status.CORRECTED}


class ConfirmedName(Model):
    """An organisation name an officer confirmed or corrected; fed to the engine's dictionary."""

    name = models.CharField(_("名称"), max_length=120, unique=True)
    kind = models.CharField(_("类型"), max_length=20, blank=True)
    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("对应机构"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source_fact = models.ForeignKey(
        ExtractedFact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("确认时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("已确认名称")
        verbose_name_plural = _("已确认名称")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LeadSuggestion(TimeStampedModel):
    """A lead proposed from confirmed facts; accepting it creates a Lead (Project) once."""

    class Rule(models.TextChoices):
        EXPANSION_ELSEWHERE = "expansion_elsewhere", _("目标产业链企业外地签约/投资")
        TARGET_CHAIN_SIGNING = "target_chain_signing", _("名录内产业链企业外地签约")
        NEW_FUND = "new_fund", _("新设产业基金")
        COMPETITOR_PROMOTION = "competitor_promotion", _("竞争地区招商活动")

    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        ACCEPTED = "accepted", _("已转为线索")
        DISMISSED = "dismissed", _("已忽略")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="leads")
    fact = models.ForeignKey(
        ExtractedFact, null=True, blank=True, on_delete=models.SET_NULL, related_name="leads"
    )
    rule = models.CharField(_("规则"), max_length=24, choices=Rule.choices)
    title = models.CharField(_("标题"), max_length=200)
    reason = models.CharField(_("理由"), max_length=300)
    evidence = models.TextField(_("依据原句"), blank=True)
    priority = models.PositiveSmallIntegerField(_("优先级"), default=2)
    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("目标机构"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    suggested_name = models.CharField(_("建议新增机构"), max_length=120, blank=True)
    keywords = models.JSONField(_("命中关键词"), default=list, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("招商线索"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("线索建议")
        verbose_name_plural = _("线索建议")
        ordering = ["status", "priority", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "rule", "title"], name="intel_one_lead_per_rule_and_title"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def target_name(self) -> str:
        return self.organisation.name if self.organisation is not None else self.suggested_name
