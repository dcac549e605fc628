"""The cultivation ladder (梯度培育): recognitions held by enterprises, the dated criteria of each
rung, the 上市后备库 with its stages, talent teams brought in, and yearly targets per region.

Product approvals (registration certificates, drug approvals, clinical-trial approvals) are not
stored here: they are the list-valued enterprise records of the policy app
(:class:`yiqiao.policies.models.OrganisationRecord`), the same records per-certificate awards
read; this app records, checks and counts them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yiqiao.core.models import Model, Owned, TimeStampedModel


class Rung(models.TextChoices):
    TECH_SME = "tech_sme", _("科技型中小企业")
    HIGH_TECH = "high_tech", _("高新技术企业")
    SPECIALISED = "specialised", _("专精特新中小企业")
    LITTLE_GIANT = "little_giant", _("专精特新“小巨人”")
    PRE_IPO = "pre_ipo", _("上市后备库")
    LISTED = "listed", _("上市企业")


class Recognition(Owned, TimeStampedModel):
    """One recognition of an enterprise on a rung (高企证书, 专精特新认定, 入库登记...), with its
    certificate number, dates and evidence. The enterprise's rung is the highest recognition
    valid today; a 高企 lapses three years after recognition unless renewed."""

    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("企业"),
        on_delete=models.CASCADE,
        related_name="recognitions",
    )
    rung = models.CharField(_("梯度层级"), max_length=20, choices=Rung.choices, db_index=True)
    certificate_number = models.CharField(_("证书编号"), max_length=60, blank=True)
    recognised_on = models.DateField(_("认定日期"), db_index=True)
    expires_on = models.DateField(_("有效期至"), null=True, blank=True)
    issuer = models.CharField(_("认定机关"), max_length=120, blank=True)
    evidence = models.CharField(
        _("认定依据"), max_length=300, blank=True, help_text=_("公示名单、认定文件及文号")
    )
    skip_basis = models.CharField(
        _("跳级依据"), max_length=300, blank=True, help_text=_("未经下一层级直接认定时填写")
    )
    is_revoked = models.BooleanField(_("已撤销"), default=False)

    class Meta:
        verbose_name = _("梯度认定")
        verbose_name_plural = _("梯度认定")
        ordering = ["-recognised_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rung", "certificate_number"],
                condition=~Q(certificate_number=""),
                name="recognition_certificate_unique",
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gt=models.F("recognised_on")),
                name="recognition_expires_after_recognised",
            ),
        ]
        indexes = [models.Index(fields=["rung", "expires_on"])]

    def __str__(self) -> str:
        return f"{self.get_rung_display()} {self.certificate_number}".strip()


class CriteriaVersion(Model):
    """A dated version of one rung's criteria, in the policy format (YAML), written by staff;
    the version in force on a date is the latest whose ``effective_from`` is on or before it
    (the shipped file of ``criteria/`` when none is)."""

    rung = models.CharField(_("梯度层级"), max_length=20, choices=Rung.choices)
    number = models.PositiveIntegerField(_("版本号"))
    effective_from = models.DateField(_("生效日期"))
    text = models.TextField(_("标准（政策格式）"))
    note = models.CharField(_("修订说明"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修订人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("修订时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("梯度标准版本")
        verbose_name_plural = _("梯度标准版本")
        ordering = ["rung", "-effective_from", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["rung", "number"], name="criteria_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_rung_display()} v{self.number}"


class Metric(models.TextChoices):
    NEW_TECH_SME = "new_tech_sme", _("新增科技型中小企业")
    NEW_HIGH_TECH = "new_high_tech", _("新增高新技术企业")
    NEW_SPECIALISED = "new_specialised", _("新增专精特新中小企业")
    NEW_LITTLE_GIANT = "new_little_giant", _("新增专精特新“小巨人”")
    NEW_PRE_IPO = "new_pre_ipo", _("新增上市后备企业")
    NEW_LISTED = "new_listed", _("新增上市企业")
    APPROVALS = "approvals", _("产品获批（注册证、批件）")
    TEAMS = "teams", _("引进人才团队")


class CultivationTarget(TimeStampedModel):
    """A yearly target of a region (new 高企, new 小巨人, listings, approvals, teams); the
    realised count is computed from the records and drills to them."""

    region = models.ForeignKey(
        "registry.Region", verbose_name=_("区域"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    metric = models.CharField(_("指标"), max_length=20, choices=Metric.choices)
    target = models.PositiveIntegerField(_("目标数"))

    class Meta:
        verbose_name = _("培育目标")
        verbose_name_plural = _("培育目标")
        ordering = ["-year", "metric"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year", "metric"], name="cultivation_target_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_metric_display()} {self.target}"


class ListingStage(models.TextChoices):
    RESERVE = "reserve", _("入库培育")
    TUTORING = "tutoring", _("辅导备案")
    FILING = "filing", _("申报受理")
    INQUIRY = "inquiry", _("审核问询")
    REGISTRATION = "registration", _("注册生效")
    LISTED = "listed", _("上市")


class Board(models.TextChoices):
    STAR = "star", _("科创板")
    GEM = "gem", _("创业板")
    MAIN = "main", _("主板")
    BSE = "bse", _("北交所")
    HK = "hk", _("港交所")
    US = "us", _("美国市场")


class ListingCandidate(Owned, TimeStampedModel):
    """An enterprise in the 上市后备库: its target board and listing stage; stages only move
    forward (each move is a :class:`ListingStageChange`)."""

    organisation = models.OneToOneField(
        "registry.Organisation",
        verbose_name=_("企业"),
        on_delete=models.CASCADE,
        related_name="listing",
    )
    board = models.CharField(_("拟上市板块"), max_length=10, choices=Board.choices)
    stage = models.CharField(
        _("上市进程"), max_length=20, choices=ListingStage.choices, default=ListingStage.RESERVE
    )
    stage_on = models.DateField(_("进入当前阶段日期"))
    entered_on = models.DateField(_("入库日期"))
    sponsor = models.CharField(_("保荐机构"), max_length=120, blank=True)
    stock_code = models.CharField(_("证券代码"), max_length=20, blank=True)
    note = models.CharField(_("备注"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("上市后备企业")
        verbose_name_plural = _("上市后备企业")
        ordering = ["-stage_on", "-id"]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.get_stage_display()}"


class ListingStageChange(Model):
    """One move of a listing candidate to a later stage, dated."""

    candidate = models.ForeignKey(
        ListingCandidate,
        verbose_name=_("上市后备企业"),
        on_delete=models.CASCADE,
        related_name="changes",
    )
    from_stage = models.CharField(_("原阶段"), max_length=20, blank=True)
    to_stage = models.CharField(_("新阶段"), max_length=20, choices=ListingStage.choices)
    on = models.DateField(_("日期"))
    note = models.CharField(_("说明"), max_length=300, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("上市进程记录")
        verbose_name_plural = _("上市进程记录")
        ordering = ["candidate", "on", "id"]

    def __str__(self) -> str:
        return f"{self.candidate_id} → {self.to_stage}"


class TalentLevel(models.TextChoices):
    NOBEL = "nobel", _("诺贝尔奖获得者")
    ACADEMICIAN = "academician", _("两院院士及外籍院士")
    NATIONAL = "national", _("国家级人才计划")
    PROVINCIAL = "provincial", _("省级人才计划")
    HIGH_LEVEL_TEAM = "high_level_team", _("高层次人才团队")
    OTHER = "other", _("其他高层次人才")


class TalentTeam(Owned, TimeStampedModel):
    """A talent team (or one person) brought in: level, field, the host organisation, the
    project or platform it came with, the support granted and the policies applied."""

    name = models.CharField(_("团队名称"), max_length=120)
    leader = models.CharField(_("带头人"), max_length=60)
    level = models.CharField(_("层次"), max_length=20, choices=TalentLevel.choices)
    field = models.CharField(_("领域"), max_length=120, blank=True)
    members = models.PositiveSmallIntegerField(_("团队人数"), default=1)
    host = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("依托单位"),
        on_delete=models.PROTECT,
        related_name="talent_teams",
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("随同项目"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="talent_teams",
    )
    platform = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("依托平台"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    brought_in_on = models.DateField(_("引进日期"))
    support_yuan = models.DecimalField(
        _("支持资金（元）"), max_digits=16, decimal_places=2, default=0
    )
    support_note = models.CharField(_("支持内容"), max_length=300, blank=True)
    policies = models.ManyToManyField(
        "policies.Policy", verbose_name=_("适用政策"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("人才团队")
        verbose_name_plural = _("人才团队")
        ordering = ["-brought_in_on", "-id"]

    def __str__(self) -> str:
        return self.name
