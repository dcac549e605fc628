"""The register of the regional ecosystem: regions, organisations, contacts, spaces, services."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from yiqiao.core.models import Model, TimeStampedModel
from yiqiao.core.text import name_normalise
from yiqiao.core.uscc import uscc_normalise, uscc_problem
from yiqiao.vocab.fields import VocabularyListField, enum_field

MONEY: Any = {"max_digits": 18, "decimal_places": 2}
NON_NEGATIVE = [MinValueValidator(Decimal("0"))]


class Region(Model):
    """Province → city → district → zone/park. `path` makes subtree queries one prefix match."""

    class Kind(models.TextChoices):
        PROVINCE = "province", _("省")
        CITY = "city", _("市")
        DISTRICT = "district", _("区县")
        ZONE = "zone", _("开发区/功能区")
        PARK = "park", _("园区")

    code = models.CharField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=80)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("路径"), max_length=400, db_index=True, editable=False)
    #: GB/T 2260 administrative-division code (6 digits: 310115 浦东新区); blank for a zone or
    #: park, which has none of its own.
    division_code = models.CharField(
        _("行政区划代码"), max_length=6, blank=True, default="", db_index=True
    )

    class Meta:
        verbose_name = _("区域")
        verbose_name_plural = _("区域")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.path = (self.parent.path if self.parent else "/") + self.code + "/"
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class ChainNode(Model):
    """A node of the industry chain (产业链节点); the tree is loaded from ``yiqiao/chain``.

    A top-level node is a RESOURCES.md CHAIN_NODE position; every node below inherits its
    ``chain_position`` and names the SECTOR values it covers. Its keywords and product words,
    each with its provenance, are the chain app's ``ChainTerm`` rows.
    """

    code = models.CharField(_("编码"), max_length=60, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    name_en = models.CharField(_("英文名"), max_length=80, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级节点"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    chain_position = enum_field("CHAIN_NODE", _("产业链环节"), db_index=True)
    sectors = VocabularyListField(_("产品领域"), vocabulary="SECTOR")
    level = models.PositiveSmallIntegerField(_("层级"), default=1, editable=False)
    bit = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text="Bit of Organisation.chain_mask (0–62) for nodes with children; None for "
        "leaves and beyond 63 such nodes (the register filter then joins the link table).",
    )

    class Meta:
        verbose_name = _("产业链节点")
        verbose_name_plural = _("产业链节点")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        if self.parent_id is not None:
            parent = ChainNode.objects.only("level", "chain_position").get(pk=self.parent_id)
            self.level = parent.level + 1
            self.chain_position = parent.chain_position
        else:
            self.level = 1
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Organisation(TimeStampedModel):
    """An enterprise, university, hospital, institute, investor, platform, government body, …"""

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("企业")
        UNIVERSITY = "university", _("高校")
        HOSPITAL = "hospital", _("医院")
        INSTITUTE = "institute", _("科研院所")
        INVESTOR = "investor", _("投资机构")
        PLATFORM = "platform", _("功能平台")
        GOVERNMENT = "government", _("政府部门")
        ASSOCIATION = "association", _("协会商会")
        INCUBATOR = "incubator", _("孵化器/离岸创新中心")

    class Stage(models.TextChoices):
        SEED = "seed", _("种子期")
        STARTUP = "startup", _("初创期")
        GROWTH = "growth", _("成长期")
        MATURE = "mature", _("成熟期")
        LISTED = "listed", _("上市")

    name = models.CharField(_("名称"), max_length=120)
    name_normalised = models.CharField(max_length=120, db_index=True, editable=False)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, db_index=True)
    uscc = models.CharField(
        _("统一社会信用代码"), max_length=18, null=True, blank=True, unique=True
    )
    aliases = models.JSONField(_("简称/别名"), default=list, blank=True)
    former_names = models.JSONField(_("曾用名"), default=list, blank=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("注册区域"),
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    park = models.ForeignKey(
        Region,
        verbose_name=_("所在园区"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="park_organisations",
    )
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    registered_capital_yuan = models.DecimalField(
        _("注册资本（元）"), null=True, blank=True, validators=NON_NEGATIVE, **MONEY
    )
    revenue_yuan = models.DecimalField(
        _("上年营收（元）"), null=True, blank=True, validators=NON_NEGATIVE, **MONEY
    )
    rd_spend_yuan = models.DecimalField(
        _("上年研发投入（元）"), null=True, blank=True, validators=NON_NEGATIVE, **MONEY
    )
    headcount = models.PositiveIntegerField(_("员工人数"), null=True, blank=True)
    is_high_tech = models.BooleanField(_("高新技术企业"), default=False)
    is_specialised = models.BooleanField(_("专精特新"), default=False)
    is_little_giant = models.BooleanField(_("专精特新“小巨人”"), default=False)
    is_listed = models.BooleanField(_("上市企业"), default=False)
    listed_market = models.CharField(_("上市板块"), max_length=40, blank=True)
    ticker = models.CharField(_("股票代码"), max_length=20, blank=True)
    is_pre_ipo = models.BooleanField(_("拟上市"), default=False)
    is_chain_leader = models.BooleanField(_("链主企业"), default=False)
    chain_nodes = models.ManyToManyField(
        ChainNode, verbose_name=_("产业链节点"), blank=True, related_name="organisations"
    )
    lifecycle_stage = models.CharField(
        _("发展阶段"), max_length=10, choices=Stage.choices, blank=True
    )
    products = models.TextField(_("主要产品"), blank=True)
    description = models.TextField(_("简介"), blank=True)
    notes = models.TextField(_("内部备注"), blank=True, help_text=_("仅有权限的工作人员可见"))
    owner_unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("维护单元"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organisations",
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("已合并至"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_from",
    )
    is_active = models.BooleanField(_("有效"), default=True, db_index=True)
    # RESOURCES.md attributes (organisation.*): null = unknown
    chain_position = enum_field("CHAIN_NODE", _("主要产业链环节"))
    sectors = VocabularyListField(_("产品领域"), vocabulary="SECTOR")
    capabilities = VocabularyListField(_("合作能力"), vocabulary="CAPABILITY")
    certifications = VocabularyListField(_("资质证书"), vocabulary="CERT")
    coverage_regions = VocabularyListField(_("业务覆盖地域"), vocabulary="REGION")
    hospital_grade = enum_field("HOSPITAL_GRADE", _("医院等级"))
    gcp_certified = models.BooleanField(_("药物/器械临床试验机构备案"), null=True, blank=True)
    therapeutic_areas = VocabularyListField(_("优势/备案专业"), vocabulary="TA")
    # Derived columns kept narrow so list pages filter and count from an index, not the rows:
    # the text a search box matches (names, aliases, code) and the chain bits (see ChainBits).
    search_text = models.CharField(max_length=800, default="", editable=False)
    chain_mask = models.BigIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("机构")
        verbose_name_plural = _("机构")
        ordering = ["name", "id"]
        indexes = [
            # Covering index of the register list: walk it in name order, filter on its
            # columns and stop at the page; a count scans it instead of the wide rows.
            models.Index(
                fields=[
                    "name",
                    "id",
                    "is_active",
                    "region",
                    "park",
                    "owner_unit",
                    "kind",
                    "chain_mask",
                    "lifecycle_stage",
                    "is_high_tech",
                    "is_specialised",
                    "is_little_giant",
                    "is_listed",
                    "is_pre_ipo",
                    "is_chain_leader",
                ],
                name="registry_org_list",
            ),
            models.Index(
                fields=["search_text", "is_active", "region", "park", "owner_unit", "kind"],
                name="registry_org_search",
            ),
            models.Index(fields=["-revenue_yuan", "id"], name="registry_org_revenue"),
            models.Index(fields=["-rd_spend_yuan", "id"], name="registry_org_rd"),
            models.Index(fields=["-founded_on", "id"], name="registry_org_founded"),
            models.Index(fields=["-headcount", "id"], name="registry_org_headcount"),
            models.Index(fields=["-updated_at", "-id"], name="registry_org_updated"),
            models.Index(Lower("name"), name="registry_org_name_lower"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.uscc:
            self.uscc = uscc_normalise(self.uscc)
            problem = uscc_problem(self.uscc)
            if problem:
                raise ValidationError({"uscc": problem.message})
        if self.is_listed and not self.listed_market:
            raise ValidationError({"listed_market": _("上市企业请填写上市板块")})

    def save(self, *args: object, **kwargs: object) -> None:
        self.refresh_derived()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def refresh_derived(self) -> None:
        """Set the columns derived from the row itself (call before bulk_create too)."""
        self.name = self.name.strip()
        self.name_normalised = name_normalise(self.name)[:120]
        if self.uscc == "":
            self.uscc = None
        self.search_text = organisation_search_text(
            self.name, [*self.aliases, *self.former_names], self.uscc
        )

    @property
    def qualification_labels(self) -> list[str]:
        labels = []
        for flag in (
            "is_high_tech",
            "is_specialised",
            "is_little_giant",
            "is_listed",
            "is_pre_ipo",
            "is_chain_leader",
        ):
            if getattr(self, flag):
                labels.append(str(self._meta.get_field(flag).verbose_name))  # type: ignore[union-attr]
        return labels


def organisation_search_text(name: str, other_names: list[str], uscc: str | None) -> str:
    """What the register's search box matches: names folded for width and case, and the code."""
    import unicodedata

    parts = [name, *other_names, uscc or ""]
    text = "|".join(unicodedata.normalize("NFKC", p).lower() for p in parts if p)
    return text[:800]


class ChainBits:
    """Masks of Organisation.chain_mask: a node's bit and its ancestors' bits.

    An organisation's mask carries the bit of every node above each of its nodes, so the
    register filters a whole subtree with one bit test. Build once for bulk work.
    """

    def __init__(self) -> None:
        self.nodes: dict[int, tuple[int | None, int | None]] = {
            pk: (bit, parent)
            for pk, bit, parent in ChainNode.objects.values_list("pk", "bit", "parent_id")
        }

    def mask(self, node_ids: Iterable[int]) -> int:
        mask = 0
        for node_id in node_ids:
            current: int | None = node_id
            seen = 0
            while current is not None and seen < 32:
                bit, parent = self.nodes.get(current, (None, None))
                if bit is not None:
                    mask |= 1 << bit
                current, seen = parent, seen + 1
        return mask


def chain_mask_for(nodes: Iterable[ChainNode]) -> int:
    """The chain_mask of an organisation linked to ``nodes`` (their bits and their ancestors')."""
    ids = [n.pk for n in nodes]
    return ChainBits().mask(ids) if ids else 0


class Contact(TimeStampedModel):
    """A person at an organisation. Phone and e-mail are personal information (masked by role)."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("机构"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("姓名"), max_length=40)
    title = models.CharField(_("职务"), max_length=60, blank=True)
    phone = models.CharField(_("电话"), max_length=30, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    is_primary = models.BooleanField(_("主要联系人"), default=False)

    class Meta:
        verbose_name = _("联系人")
        verbose_name_plural = _("联系人")
        ordering = ["-is_primary", "name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.organisation}）"


class Space(TimeStampedModel):
    """A 载体: a building unit, plant, land parcel or lab that can host an enterprise."""

    class Kind(models.TextChoices):
        BUILDING = "building", _("楼宇/办公")  # legacy code: the vocabulary's ``office``
        OFFICE = "office", _("写字楼/办公用房")
        PLANT = "plant", _("厂房")
        LAND = "land", _("土地")
        LAB = "lab", _("实验室")
        WAREHOUSE = "warehouse", _("仓库/冷库")
        INCUBATOR = "incubator", _("孵化工位/共享台位")
        APARTMENT = "apartment", _("人才公寓/宿舍")

    name = models.CharField(_("名称"), max_length=120)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, db_index=True)
    park = models.ForeignKey(
        Region, verbose_name=_("所在园区/区域"), on_delete=models.PROTECT, related_name="spaces"
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    total_area_m2 = models.DecimalField(
        _("总面积（㎡）"), max_digits=12, decimal_places=2, validators=NON_NEGATIVE
    )
    available_area_m2 = models.DecimalField(
        _("可用面积（㎡）"), max_digits=12, decimal_places=2, validators=NON_NEGATIVE
    )
    rent_yuan_per_m2_month = models.DecimalField(
        _("租金（元/㎡·月）"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
    )
    gmp_grade = models.CharField(_("GMP等级"), max_length=20, blank=True)
    cleanroom_class = models.CharField(_("洁净等级"), max_length=20, blank=True)
    floor_load_kg_m2 = models.PositiveIntegerField(_("楼面荷载（kg/㎡）"), null=True, blank=True)
    owner = models.ForeignKey(
        Organisation,
        verbose_name=_("产权/运营方"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="spaces",
    )
    description = models.TextField(_("说明"), blank=True)
    is_available = models.BooleanField(_("可招商"), default=True)
    # RESOURCES.md attributes (space.*): null = unknown, never a guess
    status = enum_field("SPACE_STATUS", _("招商状态"), db_index=True)
    tenure = enum_field("TENURE", _("租售方式"))
    sale_price_yuan_per_m2 = models.FloatField(
        _("售价（元/㎡）"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    floor_height_m = models.FloatField(
        _("层高（米）"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    floor_load_kn_m2 = models.FloatField(
        _("楼面荷载（kN/㎡）"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    floor_level = models.SmallIntegerField(_("所在楼层"), null=True, blank=True)
    freight_elevator_t = models.FloatField(
        _("货梯载重（吨）"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    gmp = models.BooleanField(_("按GMP设计或改造"), null=True, blank=True)
    cleanroom_iso = models.FloatField(
        _("洁净级别（ISO）"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("数字越小越洁净：万级 = 7，十万级 = 8"),
    )
    bsl_level = models.PositiveSmallIntegerField(_("生物安全等级"), null=True, blank=True)
    hazmat_allowed = models.BooleanField(_("允许使用危化品"), null=True, blank=True)
    utilities = VocabularyListField(_("配套设施"), vocabulary="UTILITY")
    land_use = enum_field("LAND_USE", _("用地性质"))
    fit_out = enum_field("FIT_OUT", _("交付标准"))
    industry_tags = VocabularyListField(_("产业定位"), vocabulary="SECTOR")
    available_from = models.DateField(
        _("可入驻日期"), null=True, blank=True, help_text=_("空置现房留空或填今天")
    )
    owner_unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("维护单元"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="spaces",
    )

    class Meta:
        verbose_name = _("载体")
        verbose_name_plural = _("载体")
        ordering = ["park__path", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(available_area_m2__lte=models.F("total_area_m2")),
                name="space_available_within_total",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if (
            self.available_area_m2 is not None
            and self.total_area_m2 is not None
            and self.available_area_m2 > self.total_area_m2
        ):
            raise ValidationError({"available_area_m2": _("可用面积不能大于总面积")})


class Service(TimeStampedModel):
    """What a functional platform offers: proof of concept, CRO, CDMO, pilot production, …"""

    class Category(models.TextChoices):
        POC = "poc", _("概念验证")
        PRECLINICAL = "preclinical", _("临床前研究")
        CLINICAL_CRO = "clinical_cro", _("临床CRO")
        CDMO = "cdmo", _("CDMO")
        PILOT = "pilot", _("中试生产")
        REGISTRATION = "registration", _("注册申报")
        TESTING = "testing", _("检验检测")
        CSO = "cso", _("CSO营销")
        FINANCE = "finance", _("投融资服务")
        CLINICAL_SITE = "clinical_site", _("临床试验机构服务")
        SMO = "smo", _("SMO/CRC派驻")
        QUALITY_SYSTEM = "quality_system", _("质量体系辅导")
        STERILIZATION = "sterilization", _("灭菌服务")
        MARKET_ACCESS = "market_access", _("市场准入")
        IP = "ip", _("知识产权")
        TALENT = "talent", _("人才服务")
        EQUIPMENT_SHARING = "equipment_sharing", _("大型仪器共享")
        TECH_TRANSFER = "tech_transfer", _("技术转移")
        COLD_CHAIN = "cold_chain", _("医药冷链物流")
        EHS = "ehs", _("环保安全服务")

    provider = models.ForeignKey(
        Organisation, verbose_name=_("服务机构"), on_delete=models.CASCADE, related_name="services"
    )
    name = models.CharField(_("服务名称"), max_length=120)
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices, db_index=True)
    description = models.TextField(_("说明"), blank=True)
    capacity_per_month = models.PositiveIntegerField(_("月服务能力（项）"), null=True, blank=True)
    lead_time_days = models.PositiveIntegerField(_("周期（天）"), null=True, blank=True)
    price_note = models.CharField(_("收费说明"), max_length=200, blank=True)
    # RESOURCES.md attributes (service.*): null = unknown
    sectors = VocabularyListField(_("服务领域"), vocabulary="SECTOR")
    capabilities = VocabularyListField(_("服务能力"), vocabulary="CAPABILITY")
    device_classes = VocabularyListField(_("器械类别"), vocabulary="DEVICE_CLASS")
    phases = VocabularyListField(_("临床阶段"), vocabulary="PHASE")
    therapeutic_areas = VocabularyListField(_("治疗领域"), vocabulary="TA")
    scale_max_l = models.FloatField(
        _("最大规模（升）"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    gmp = models.BooleanField(_("GMP条件"), null=True, blank=True)
    accreditations = VocabularyListField(_("资质认可"), vocabulary="CERT")
    markets = VocabularyListField(_("目标市场"), vocabulary="MARKET")
    coverage_regions = VocabularyListField(_("服务范围"), vocabulary="REGION")
    voucher_accepted = models.BooleanField(_("可用创新券"), null=True, blank=True)
    accepting_orders = models.BooleanField(_("接受新委托"), default=True)

    class Meta:
        verbose_name = _("平台服务")
        verbose_name_plural = _("平台服务")
        ordering = ["provider__name", "name"]

    def __str__(self) -> str:
        return self.name


class InvestorProfile(TimeStampedModel):
    """What an investor looks for: stages, sectors, ticket size, region."""

    class Stage(models.TextChoices):
        ANGEL = "angel", _("天使轮")
        SEED = "seed", _("种子轮")
        A = "a", _("A轮")
        B = "b", _("B轮")
        C = "c", _("C轮及以后")
        PRE_IPO = "pre_ipo", _("Pre-IPO")
        GROWTH = "growth", _("成长/并购")

    organisation = models.OneToOneField(
        Organisation,
        verbose_name=_("投资机构"),
        on_delete=models.CASCADE,
        related_name="investor_profile",
    )
    stages = models.JSONField(_("投资阶段"), default=list, blank=True)
    sectors = models.ManyToManyField(
        ChainNode, verbose_name=_("关注领域"), blank=True, related_name="investors"
    )
    ticket_min_yuan = models.DecimalField(
        _("单笔下限（元）"), null=True, blank=True, validators=NON_NEGATIVE, **MONEY
    )
    ticket_max_yuan = models.DecimalField(
        _("单笔上限（元）"), null=True, blank=True, validators=NON_NEGATIVE, **MONEY
    )
    fund_size_yuan = models.DecimalField(
        _("基金规模（元）"), null=True, blank=True, validators=NON_NEGATIVE, **MONEY
    )
    region_preference = models.CharField(_("地域偏好"), max_length=120, blank=True)
    # RESOURCES.md attributes (investor.*): null = unknown. ``stages`` above keeps the old codes
    # until every reader moves; ``stage_codes`` holds the STAGE vocabulary (migrated from them
    # with yiqiao.vocab.legacy.INVESTOR_STAGE_LEGACY).
    kind = enum_field("INVESTOR_KIND", _("资金方类型"))
    stage_codes = VocabularyListField(_("投资轮次"), vocabulary="STAGE")
    sector_codes = VocabularyListField(_("投资领域"), vocabulary="SECTOR")
    instruments = VocabularyListField(_("资金形式"), vocabulary="INSTRUMENT")
    currencies = VocabularyListField(_("币种"), vocabulary="CURRENCY")
    regions = VocabularyListField(_("投资地域"), vocabulary="REGION")
    lead_capable = models.BooleanField(_("可领投"), null=True, blank=True)
    local_presence = models.BooleanField(_("本地设有基金或机构"), null=True, blank=True)
    active = models.BooleanField(_("正在投资"), default=True)

    class Meta:
        verbose_name = _("投资人画像")
        verbose_name_plural = _("投资人画像")

    def __str__(self) -> str:
        return f"{self.organisation}"

    @property
    def stage_labels(self) -> str:
        """The stages it invests in, as labels in the active language (never the codes):
        the STAGE vocabulary's when set, else the older stage list's."""
        from yiqiao.vocab.fields import labels

        if self.stage_codes:
            return labels("STAGE", self.stage_codes)
        known = dict(self.Stage.choices)
        return "、".join(str(known.get(s, s)) for s in self.stages or [])

    def clean(self) -> None:
        if (
            self.ticket_min_yuan is not None
            and self.ticket_max_yuan is not None
            and self.ticket_min_yuan > self.ticket_max_yuan
        ):
            raise ValidationError({"ticket_max_yuan": _("单笔上限不能小于下限")})
        unknown = [s for s in self.stages if s not in self.Stage.values]
        if unknown:
            raise ValidationError({"stages": _("未知的投资阶段：%s") % "、".join(unknown)})
