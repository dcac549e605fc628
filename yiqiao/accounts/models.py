"""Users, the org units they belong to, and their roles."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from yiqiao.core.models import Model


class OrgUnit(Model):
    """A unit that owns records and whose staff share a scope: a bureau, a park committee, a platform.

    `region` is the scope: staff of the unit see records registered in that region or below it.
    """

    class Kind(models.TextChoices):
        BUREAU = "bureau", _("区级部门（商务局/投促局）")
        PARK_COMMITTEE = "park_committee", _("园区管委会")
        PLATFORM = "platform", _("功能平台")
        ENTERPRISE = "enterprise", _("企业")
        OTHER = "other", _("其他")

    name = models.CharField(_("名称"), max_length=120, unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    region = models.ForeignKey(
        "registry.Region", verbose_name=_("管辖区域"), on_delete=models.PROTECT, related_name="+"
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("上级单元"), null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = _("机构单元")
        verbose_name_plural = _("机构单元")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", _("管理员")
    OFFICER = "officer", _("业务人员")
    VIEWER = "viewer", _("只读")
    # Read-only across the unit's scope, like a viewer, but opens on the cockpit (issue 18).
    LEADER = "leader", _("领导")
    ENTERPRISE = "enterprise", _("企业用户")
    PLATFORM = "platform", _("平台运营方")
    INVESTOR = "investor", _("投资机构用户")


class User(AbstractUser):
    """A person who signs in. Staff roles act within their org unit's region scope."""

    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("机构单元"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.VIEWER)
    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("所属机构"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="users",
        help_text=_("企业用户、平台运营方和投资机构用户所代表的机构"),
    )
    display_name = models.CharField(_("姓名"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def is_staff_role(self) -> bool:
        return self.role in {Role.ADMIN, Role.OFFICER, Role.VIEWER, Role.LEADER}

    @property
    def is_leader(self) -> bool:
        return self.role == Role.LEADER

    @property
    def can_view_confidential(self) -> bool:
        """Contacts' phone and e-mail, internal notes, unsigned amounts."""
        return self.is_superuser or self.role in {Role.ADMIN, Role.OFFICER}

    @property
    def can_edit_register(self) -> bool:
        return self.is_superuser or self.role in {Role.ADMIN, Role.OFFICER}

    @property
    def can_read_audit(self) -> bool:
        return self.is_superuser or self.role == Role.ADMIN


class LoginFailure(Model):
    """One failed sign-in: the account name tried and the address it came from.

    Counted by `services.logins` to lock an account or an address after repeated failures.
    """

    username = models.CharField(_("用户名"), max_length=150, db_index=True)
    address = models.CharField(_("来源地址"), max_length=45, db_index=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("登录失败记录")
        verbose_name_plural = _("登录失败记录")

    def __str__(self) -> str:
        return f"{self.username}@{self.address}"
