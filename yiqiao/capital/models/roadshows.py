"""Roadshows to close: pitch slots at an event, investors invited, feedback within the time
limit, follow-up meetings, term sheets and closes with their evidence."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yiqiao.core.models import Model, TimeStampedModel
from yiqiao.vocab.fields import choices

from .common import AMOUNT_RANGE, MONEY
from .needs import FinancingNeed

#: Calendar days an invited investor has to give feedback on a pitch.
FEEDBACK_DAYS = 14


class Pitch(TimeStampedModel):
    """A company's pitch slot (路演) at an event: its financing need, order and time."""

    class Status(models.TextChoices):
        BOOKED = "booked", _("已安排")
        PITCHED = "pitched", _("已路演")
        CANCELLED = "cancelled", _("已取消")

    event = models.ForeignKey(
        "events.Event", verbose_name=_("活动"), on_delete=models.PROTECT, related_name="pitches"
    )
    need = models.ForeignKey(
        FinancingNeed, verbose_name=_("融资需求"), on_delete=models.PROTECT, related_name="pitches"
    )
    order = models.PositiveSmallIntegerField(_("顺序"))
    starts_at = models.TimeField(_("开始时间"), null=True, blank=True)
    minutes = models.PositiveSmallIntegerField(_("时长（分钟）"), default=15)
    pitched_on = models.DateField(_("路演日期"))
    feedback_due_on = models.DateField(_("反馈截止日期"))
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.BOOKED
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("路演场次")
        verbose_name_plural = _("路演场次")
        ordering = ["event", "order"]
        constraints = [
            models.UniqueConstraint(fields=["event", "need"], name="capital_pitch_once"),
            models.UniqueConstraint(fields=["event", "order"], name="capital_pitch_order"),
        ]

    def __str__(self) -> str:
        return f"{self.need} @ {self.event_id}"

    @staticmethod
    def due_after(pitched_on: dt.date) -> dt.date:
        return pitched_on + dt.timedelta(days=FEEDBACK_DAYS)

    def slot_label(self) -> str:
        if self.starts_at is None:
            return f"第{self.order}位"
        start = dt.datetime.combine(self.pitched_on, self.starts_at)
        end = start + dt.timedelta(minutes=self.minutes)
        return f"{start:%H:%M}–{end:%H:%M}"


class PitchInvitation(Model):
    """An investor invited to a pitch (by match or by the organiser); never the company itself."""

    class Via(models.TextChoices):
        MATCH = "match", _("匹配推荐")
        MANUAL = "manual", _("主办方邀请")

    pitch = models.ForeignKey(Pitch, on_delete=models.CASCADE, related_name="invitations")
    investor = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("投资方"),
        on_delete=models.PROTECT,
        related_name="pitch_invitations",
    )
    via = models.CharField(_("邀请方式"), max_length=8, choices=Via.choices)
    lines = models.JSONField(_("匹配理由"), default=list, blank=True)
    invited_at = models.DateTimeField(_("邀请时间"), auto_now_add=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("路演邀请")
        verbose_name_plural = _("路演邀请")
        ordering = ["pitch", "id"]
        constraints = [
            models.UniqueConstraint(fields=["pitch", "investor"], name="capital_invite_once")
        ]

    def __str__(self) -> str:
        return f"{self.investor_id} → {self.pitch_id}"


class InvestorFeedback(TimeStampedModel):
    """An invited investor's feedback on a pitch: interest, next step, reasons for passing."""

    class Interest(models.TextChoices):
        HIGH = "high", _("有意向")
        MEDIUM = "medium", _("持续关注")
        NONE = "none", _("暂不考虑")

    class NextStep(models.TextChoices):
        MEETING = "meeting", _("约见创始团队")
        DUE_DILIGENCE = "due_diligence", _("启动尽职调查")
        TERM_SHEET = "term_sheet", _("发出投资条款书")
        WATCH = "watch", _("保持关注，下一轮再看")
        PASS = "pass", _("不再跟进")

    PASS_REASONS = [
        ("stage", _("阶段不符")),
        ("sector", _("领域不符")),
        ("valuation", _("估值过高")),
        ("ticket", _("金额不匹配")),
        ("team", _("团队")),
        ("technology", _("技术或临床数据不足")),
        ("market", _("市场空间")),
        ("competition", _("竞品或投资冲突")),
        ("timing", _("时机或基金周期")),
        ("other", _("其他")),
    ]

    invitation = models.OneToOneField(
        PitchInvitation, on_delete=models.CASCADE, related_name="feedback"
    )
    interest = models.CharField(_("意向"), max_length=8, choices=Interest.choices)
    next_step = models.CharField(_("下一步"), max_length=14, choices=NextStep.choices)
    pass_reasons = models.JSONField(_("不跟进原因"), default=list, blank=True)
    note = models.CharField(_("意见"), max_length=500, blank=True)
    given_on = models.DateField(_("反馈日期"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("投资人反馈")
        verbose_name_plural = _("投资人反馈")
        ordering = ["-given_on", "-id"]

    def __str__(self) -> str:
        return f"{self.invitation_id}: {self.interest}"


class FeedbackReminder(Model):
    """A reminder that an invited investor's feedback is due soon or overdue (one per day)."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("即将到期")
        OVERDUE = "overdue", _("已超期")

    invitation = models.ForeignKey(
        PitchInvitation, on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    day = models.DateField(_("提醒日期"))
    message = models.CharField(_("内容"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("反馈提醒")
        verbose_name_plural = _("反馈提醒")
        ordering = ["-day", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["invitation", "day"], name="capital_reminder_daily")
        ]

    def __str__(self) -> str:
        return self.message


class InvestorMeeting(TimeStampedModel):
    """A meeting between an investor and the company after a match or a pitch."""

    class Kind(models.TextChoices):
        FIRST = "first", _("首次约见")
        DUE_DILIGENCE = "due_diligence", _("尽职调查")
        SITE_VISIT = "site_visit", _("实地考察")
        NEGOTIATION = "negotiation", _("条款谈判")

    need = models.ForeignKey(FinancingNeed, on_delete=models.CASCADE, related_name="meetings")
    investor = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("投资方"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("类型"), max_length=14, choices=Kind.choices)
    held_on = models.DateField(_("日期"))
    note = models.CharField(_("纪要"), max_length=500, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("投资约见")
        verbose_name_plural = _("投资约见")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on}"


class TermSheet(TimeStampedModel):
    """A term sheet an investor issued for the round."""

    class Status(models.TextChoices):
        SIGNED = "signed", _("已签署")
        LAPSED = "lapsed", _("已失效")

    need = models.ForeignKey(FinancingNeed, on_delete=models.CASCADE, related_name="term_sheets")
    investor = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("投资方"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_on = models.DateField(_("签署日期"))
    amount = models.DecimalField(_("拟投金额"), validators=AMOUNT_RANGE, **MONEY)
    currency = models.CharField(_("币种"), max_length=3, choices=choices("CURRENCY"))
    pre_money_valuation = models.DecimalField(
        _("投前估值"), null=True, blank=True, validators=AMOUNT_RANGE, **MONEY
    )
    is_lead = models.BooleanField(_("领投"), default=False)
    status = models.CharField(
        _("状态"), max_length=8, choices=Status.choices, default=Status.SIGNED
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("投资条款书")
        verbose_name_plural = _("投资条款书")
        ordering = ["-signed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["need", "investor", "signed_on"], name="capital_term_sheet_once"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="capital_ts_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.investor_id} {self.amount}"


def _evidence_path(instance: Close, filename: str) -> str:
    return f"capital/closes/{instance.need_id}/{filename}"


class Close(TimeStampedModel):
    """A close (交割) of the round: amount, lead investor, date and the evidence it happened."""

    class Evidence(models.TextChoices):
        REGISTER_CHANGE = "register_change", _("股东名册/工商变更登记")
        AGREEMENT = "agreement", _("投资协议")

    need = models.ForeignKey(FinancingNeed, on_delete=models.PROTECT, related_name="closes")
    closed_on = models.DateField(_("交割日期"))
    amount = models.DecimalField(_("交割金额"), validators=AMOUNT_RANGE, **MONEY)
    currency = models.CharField(_("币种"), max_length=3, choices=choices("CURRENCY"))
    lead = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("领投方"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    evidence_kind = models.CharField(_("交割凭证"), max_length=16, choices=Evidence.choices)
    evidence_ref = models.CharField(_("凭证编号/说明"), max_length=200)
    evidence_file = models.FileField(_("凭证文件"), upload_to=_evidence_path, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("交割")
        verbose_name_plural = _("交割")
        ordering = ["-closed_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="capital_close_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.need} {self.closed_on}"


class CloseShare(Model):
    """One investor's part of a close."""

    close = models.ForeignKey(Close, on_delete=models.CASCADE, related_name="shares")
    investor = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("投资方"),
        on_delete=models.PROTECT,
        related_name="close_shares",
    )
    amount = models.DecimalField(_("金额"), validators=AMOUNT_RANGE, **MONEY)
    is_lead = models.BooleanField(_("领投"), default=False)

    class Meta:
        verbose_name = _("交割份额")
        verbose_name_plural = _("交割份额")
        ordering = ["close", "-is_lead", "id"]
        constraints = [
            models.UniqueConstraint(fields=["close", "investor"], name="capital_share_once")
        ]

    def __str__(self) -> str:
        return f"{self.investor_id} {self.amount}"
