"""Shared base models (Model, TimeStampedModel, Owned) and the audit trail."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .access import RestrictedManager


class Model(models.Model):
    """Base of every YiQiao model: its manager scopes with `objects.restrict(user, action)`."""

    objects = RestrictedManager()

    class Meta:
        abstract = True


class TimeStampedModel(Model):
    """Creation and update times plus a row version for optimistic concurrency."""

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    row_version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    class Meta:
        abstract = True


class Owned(Model):
    """A record with a responsible person (负责人) and a responsible org unit (负责单元).

    The unit decides whose staff reach the record besides those of its region; the person is
    who follows it up. Services default both to the user who creates the record.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("负责人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    owner_unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("负责单元"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True

    def set_default_owner(self, by: Any) -> None:
        """Owner and owner unit default to the acting user and the user's unit."""
        if getattr(self, "owner_unit_id", None) is None and getattr(by, "org_unit_id", None):
            self.owner_unit_id = by.org_unit_id
        if getattr(self, "owner_id", None) is None and getattr(by, "pk", None):
            self.owner_id = by.pk


class AuditEvent(Model):
    """One write to a record: who, when, what, and the fields before and after."""

    class Action(models.TextChoices):
        CREATE = "create", _("新建")
        UPDATE = "update", _("修改")
        DELETE = "delete", _("删除")
        MERGE = "merge", _("合并")
        IMPORT = "import", _("导入")
        TRANSITION = "transition", _("状态变更")

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("动作"), max_length=20, choices=Action.choices)
    model = models.CharField(_("对象类型"), max_length=60)
    object_id = models.CharField(_("对象编号"), max_length=40)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["model", "object_id", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.model}#{self.object_id}"

    def changed_fields(self) -> list[tuple[str, Any, Any]]:
        """(field, before, after) for the fields whose value differs."""
        before = self.before or {}
        after = self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


class ImportJob(Model):
    """An uploaded file going through validate → (user decides) → apply, with progress.

    The file is kept until the job is applied or discarded so the validated plan and the rows
    written are the same. `claim` updates make sure one job is applied once.
    """

    class Status(models.TextChoices):
        VALIDATING = "validating", _("校验中")
        VALIDATED = "validated", _("校验完成，待确认")
        APPLYING = "applying", _("导入中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")
        DISCARDED = "discarded", _("已取消")

    class Mode(models.TextChoices):
        ALL = "all", _("全部行无误才导入")
        VALID_ONLY = "valid_only", _("仅导入无误的行")

    target = models.CharField(_("导入对象"), max_length=40)
    filename = models.CharField(_("文件名"), max_length=200)
    content = models.BinaryField(_("文件内容"), null=True, editable=False)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.VALIDATING
    )
    mode = models.CharField(_("方式"), max_length=12, choices=Mode.choices, blank=True)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理"), default=0)
    counts = models.JSONField(_("统计"), default=dict, blank=True)
    report = models.JSONField(_("逐行报告"), default=list, blank=True)
    error = models.TextField(_("错误"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def progress_percent(self) -> int:
        if not self.total_rows:
            return 0 if self.status in {self.Status.VALIDATING, self.Status.APPLYING} else 100
        return min(100, round(100 * self.processed_rows / self.total_rows))

    @property
    def is_running(self) -> bool:
        return self.status in {self.Status.VALIDATING, self.Status.APPLYING}


class WorkerHeartbeat(Model):
    """A task worker's sign of life, renewed every few seconds by `yiqiao worker`.

    A task still marked running whose worker has stopped renewing is orphaned: the worker
    died (killed, out of memory, machine lost). `core.task_recovery` requeues it or, after
    repeated deaths, fails it visibly.
    """

    worker_id = models.CharField(_("工作进程"), max_length=64, unique=True)
    seen_at = models.DateTimeField(_("最近心跳"), db_index=True)

    class Meta:
        verbose_name = _("任务进程心跳")
        verbose_name_plural = _("任务进程心跳")

    def __str__(self) -> str:
        return self.worker_id
