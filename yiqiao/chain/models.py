"""Industry-chain tables: supplier edges and node terms (the nodes live in the register)."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from yiqiao.core.models import Model
from yiqiao.vocab.fields import VocabularyListField, enum_field


class ChainEdge(Model):
    """Supplier → customer between two chain nodes (a DAG: services refuse cycles)."""

    supplier = models.ForeignKey(
        "registry.ChainNode",
        verbose_name=_("供应方节点"),
        on_delete=models.CASCADE,
        related_name="customer_edges",
    )
    customer = models.ForeignKey(
        "registry.ChainNode",
        verbose_name=_("需求方节点"),
        on_delete=models.CASCADE,
        related_name="supplier_edges",
    )
    source = models.CharField(_("来源"), max_length=40, default="staff")
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("产业链供需关系")
        verbose_name_plural = _("产业链供需关系")
        ordering = ["supplier__position", "customer__position"]
        constraints = [
            models.UniqueConstraint(fields=["supplier", "customer"], name="chain_edge_unique"),
            models.CheckConstraint(
                condition=~models.Q(supplier=models.F("customer")), name="chain_edge_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supplier} → {self.customer}"


class ChainTerm(Model):
    """A keyword or product word of a node, with the kind of public document it comes from."""

    class Kind(models.TextChoices):
        KEYWORD = "keyword", _("关键词")
        PRODUCT = "product", _("产品词")

    node = models.ForeignKey(
        "registry.ChainNode",
        verbose_name=_("产业链节点"),
        on_delete=models.CASCADE,
        related_name="terms",
    )
    text = models.CharField(_("词语"), max_length=60)
    source = models.CharField(_("出处（文件类型）"), max_length=40)
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices, default=Kind.KEYWORD)

    class Meta:
        verbose_name = _("产业链关键词")
        verbose_name_plural = _("产业链关键词")
        ordering = ["node__position", "kind", "id"]
        constraints = [
            models.UniqueConstraint(fields=["node", "text", "kind"], name="chain_term_unique")
        ]

    def __str__(self) -> str:
        return self.text


class OrganisationChain(Model):
    """An organisation's place in the chain as classified: primary position, sectors and how
    sure the classifier was (the node links with their evidence are ChainLink rows)."""

    class Status(models.TextChoices):
        SUGGESTED = "suggested", _("待确认")
        CONFIRMED = "confirmed", _("已确认")

    organisation = models.OneToOneField(
        "registry.Organisation",
        verbose_name=_("机构"),
        on_delete=models.CASCADE,
        related_name="chain_profile",
    )
    chain_position = enum_field("CHAIN_NODE", _("产业链环节"))
    sectors = VocabularyListField(_("产品领域"), vocabulary="SECTOR")
    confidence = models.FloatField(_("置信度"), default=0.0)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.SUGGESTED
    )
    classifier = models.CharField(_("分类器版本"), max_length=40, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("机构产业链定位")
        verbose_name_plural = _("机构产业链定位")

    def __str__(self) -> str:
        return f"{self.organisation}：{self.chain_position}"


class ChainLink(Model):
    """An organisation on a chain node, with the evidence and the decision behind it."""

    class Status(models.TextChoices):
        SUGGESTED = "suggested", _("待确认")
        CONFIRMED = "confirmed", _("已确认")
        REJECTED = "rejected", _("已否定")

    class Origin(models.TextChoices):
        CLASSIFIER = "classifier", _("自动分类")
        STAFF = "staff", _("人工")
        IMPORT = "import", _("导入")

    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("机构"),
        on_delete=models.CASCADE,
        related_name="chain_links",
    )
    node = models.ForeignKey(
        "registry.ChainNode",
        verbose_name=_("产业链节点"),
        on_delete=models.CASCADE,
        related_name="links",
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.SUGGESTED
    )
    origin = models.CharField(
        _("来源"), max_length=12, choices=Origin.choices, default=Origin.CLASSIFIER
    )
    is_primary = models.BooleanField(_("主要环节"), default=False)
    confidence = models.FloatField(_("置信度"), default=0.0)
    evidence = models.JSONField(_("依据"), default=list, blank=True)
    decided_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("产业链归属")
        verbose_name_plural = _("产业链归属")
        ordering = ["-is_primary", "-confidence", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "node"], name="chain_link_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.node}"


class ChainCorrection(Model):
    """What staff said an organisation is, with the text they judged: a training example."""

    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("机构"),
        on_delete=models.CASCADE,
        related_name="chain_corrections",
    )
    name = models.CharField(_("名称"), max_length=120)
    description = models.TextField(_("简介"), blank=True)
    products = models.TextField(_("主要产品"), blank=True)
    chain_position = enum_field("CHAIN_NODE", _("产业链环节"))
    sectors = VocabularyListField(_("产品领域"), vocabulary="SECTOR")
    nodes = models.JSONField(_("节点"), default=list, blank=True)
    by = models.ForeignKey(
        "accounts.User", verbose_name=_("纠正人"), null=True, on_delete=models.SET_NULL
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("产业链分类纠正")
        verbose_name_plural = _("产业链分类纠正")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} → {self.chain_position}"


class NodeTarget(Model):
    """The reference profile of a complete chain for one district and node (a target map staff
    edit; the default comes from public chain-planning documents)."""

    region = models.ForeignKey(
        "registry.Region", verbose_name=_("区域"), on_delete=models.CASCADE, related_name="+"
    )
    node = models.ForeignKey(
        "registry.ChainNode",
        verbose_name=_("产业链节点"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    enterprises = models.PositiveIntegerField(_("目标企业数"), default=0)
    revenue_yuan = models.DecimalField(
        _("目标营收（元）"), max_digits=18, decimal_places=2, default=Decimal(0)
    )
    headcount = models.PositiveIntegerField(_("目标从业人数"), default=0)
    qualified = models.PositiveIntegerField(_("目标高企/专精特新数"), default=0)
    weight = models.FloatField(_("重要程度"), default=1.0)
    note = models.CharField(_("依据"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("产业链目标画像")
        verbose_name_plural = _("产业链目标画像")
        constraints = [
            models.UniqueConstraint(fields=["region", "node"], name="chain_node_target_unique")
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.node}"


class PeerBenchmark(Model):
    """What a peer region holds on a node (enterprises, revenue, employment), with its source."""

    node = models.ForeignKey(
        "registry.ChainNode",
        verbose_name=_("产业链节点"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    peer = models.CharField(_("对标区域"), max_length=60)
    enterprises = models.PositiveIntegerField(_("企业数"), default=0)
    revenue_yuan = models.DecimalField(
        _("营收（元）"), max_digits=18, decimal_places=2, default=Decimal(0)
    )
    headcount = models.PositiveIntegerField(_("从业人数"), default=0)
    source = models.CharField(_("来源"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("对标区域数据")
        verbose_name_plural = _("对标区域数据")
        constraints = [models.UniqueConstraint(fields=["node", "peer"], name="chain_peer_unique")]

    def __str__(self) -> str:
        return f"{self.peer} {self.node}"


class GapRun(Model):
    """One recomputation of gaps and targets for a district (a background task with progress)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("计算中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    region = models.ForeignKey(
        "registry.Region", verbose_name=_("区域"), on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    as_of = models.DateField(_("基准日"))
    counts = models.JSONField(_("统计"), default=dict, blank=True)
    error = models.CharField(_("错误"), max_length=300, blank=True)
    by = models.ForeignKey(
        "accounts.User", verbose_name=_("发起人"), null=True, on_delete=models.SET_NULL
    )
    started_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("补链测算")
        verbose_name_plural = _("补链测算")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.region} {self.as_of} {self.status}"


class NodeGap(Model):
    """A node's gap in a district as one run computed it: the score, its formula terms and the
    records behind it."""

    class Level(models.TextChoices):
        RED = "red", _("缺链")
        AMBER = "amber", _("弱链")
        GREEN = "green", _("强链")

    run = models.ForeignKey(
        GapRun, verbose_name=_("测算"), on_delete=models.CASCADE, related_name="gaps"
    )
    node = models.ForeignKey(
        "registry.ChainNode",
        verbose_name=_("产业链节点"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    score = models.FloatField(_("缺口分"))
    level = models.CharField(_("等级"), max_length=6, choices=Level.choices)
    local_count = models.PositiveIntegerField(_("本地企业数"), default=0)
    local_revenue_yuan = models.DecimalField(
        _("本地营收（元）"), max_digits=20, decimal_places=2, default=Decimal(0)
    )
    local_headcount = models.PositiveIntegerField(_("本地从业人数"), default=0)
    local_qualified = models.PositiveIntegerField(_("本地高企/专精特新数"), default=0)
    terms = models.JSONField(_("公式各项"), default=list)
    record_ids = models.JSONField(_("依据记录"), default=list)

    class Meta:
        verbose_name = _("节点缺口")
        verbose_name_plural = _("节点缺口")
        constraints = [models.UniqueConstraint(fields=["run", "node"], name="chain_gap_unique")]

    def __str__(self) -> str:
        return f"{self.node} {self.level}"


class Target(Model):
    """An outside company ranked for a district's gap node, with its explained score."""

    class Status(models.TextChoices):
        OPEN = "open", _("待接洽")
        CONTACTED = "contacted", _("已接洽")
        LEAD = "lead", _("已转线索")
        DISMISSED = "dismissed", _("已排除")

    region = models.ForeignKey(
        "registry.Region", verbose_name=_("区域"), on_delete=models.CASCADE, related_name="+"
    )
    node = models.ForeignKey(
        "registry.ChainNode",
        verbose_name=_("产业链节点"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("目标企业"),
        on_delete=models.CASCADE,
        related_name="chain_targets",
    )
    run = models.ForeignKey(
        GapRun, verbose_name=_("测算"), null=True, on_delete=models.SET_NULL, related_name="targets"
    )
    rank = models.PositiveIntegerField(_("排名"), default=0)
    score = models.FloatField(_("得分"), default=0.0)
    components = models.JSONField(_("得分构成"), default=dict)
    reasons = models.JSONField(_("理由"), default=list)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("招商项目"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="chain_targets",
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("补链目标企业")
        verbose_name_plural = _("补链目标企业")
        ordering = ["node__position", "rank", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "node", "organisation"], name="chain_target_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.node}：{self.organisation}"
