"""Promotion events: registrations and check-in, one-to-one meetings, signings, follow-ups.

Scheduling itself is done by the pure engine in ``events/engine``; these models hold what the
organisers entered and what the engine chose, with database constraints that make a double
booking impossible whatever code path writes a meeting.
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiqiao.core.models import Model, TimeStampedModel

MONEY: dict[str, Any] = {"max_digits": 18, "decimal_places": 2}


def new_token() -> str:
    """An unguessable URL-safe token (128 bits)."""
    return secrets.token_urlsafe(16)


#: How far ahead an event may be dated: promotion plans run a few years, not decades.
EVENT_YEARS_AHEAD = 5


def latest_event_date(today: dt.date) -> dt.date:
    """The last day an event may start or end, counted from ``today``."""
    try:
        return today.replace(year=today.year + EVENT_YEARS_AHEAD)
    except ValueError:  # 29 February
        return today.replace(year=today.year + EVENT_YEARS_AHEAD, day=28)


class Event(TimeStampedModel):
    """A promotion conference, signing ceremony, salon, roadshow, matchmaking session or tour."""

    class Kind(models.TextChoices):
        PROMOTION = "promotion", _("推介会")
        SIGNING = "signing", _("签约仪式")
        SALON = "salon", _("沙龙")
        ROADSHOW = "roadshow", _("路演")
        MATCHMAKING = "matchmaking", _("对接会")
        SITE_VISIT = "site_visit", _("考察活动")

    title = models.CharField(_("活动名称"), max_length=160)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    theme = models.CharField(_("主题"), max_length=200, blank=True)
    city = models.CharField(_("举办城市"), max_length=60)
    venue = models.CharField(_("会场"), max_length=160, blank=True)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    capacity = models.PositiveIntegerField(_("容量（人）"), null=True, blank=True)
    hosts = models.ManyToManyField(
        "registry.Organisation", verbose_name=_("主办单位"), blank=True, related_name="+"
    )
    co_hosts = models.ManyToManyField(
        "registry.Organisation", verbose_name=_("协办单位"), blank=True, related_name="+"
    )
    invited_regions = models.ManyToManyField(
        "registry.Region", verbose_name=_("受邀合作区域"), blank=True, related_name="+"
    )
    owner_unit = models.ForeignKey(
        "accounts.OrgUnit", verbose_name=_("承办单元"), on_delete=models.PROTECT, related_name="+"
    )
    # The owner unit's region, copied at creation: scoping filters on an indexed column.
    region = models.ForeignKey(
        "registry.Region", verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="+"
    )
    is_invitation_only = models.BooleanField(
        _("仅限受邀机构报名"),
        default=True,
        help_text=_("报名时按统一社会信用代码或名称核对邀请名单"),
    )
    registration_token = models.CharField(max_length=40, unique=True, default=new_token)
    # One-to-one meeting setup: `slot_count` consecutive slots of `slot_minutes` from
    # `meetings_start` on the first day, at `table_count` tables; `seats` is the room's chairs.
    meetings_start = models.TimeField(_("对接开始时间"), default=dt.time(14, 0))
    slot_minutes = models.PositiveSmallIntegerField(
        _("每场时长（分钟）"), default=20, validators=[MinValueValidator(5)]
    )
    slot_count = models.PositiveSmallIntegerField(_("时段数"), default=6)
    table_count = models.PositiveSmallIntegerField(_("洽谈桌数"), default=4)
    seats = models.PositiveSmallIntegerField(_("洽谈区座位数"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("活动")
        verbose_name_plural = _("活动")
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["region", "-starts_on", "-id"], name="events_region_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="events_event_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("结束日期不能早于开始日期")})
        # A typo in the year (9999, 2205) would file the event beyond every report and list.
        latest = latest_event_date(timezone.localdate())
        for name, label in (("starts_on", _("开始日期")), ("ends_on", _("结束日期"))):
            value = getattr(self, name)
            if value and value > latest:
                raise ValidationError(
                    {
                        name: _(
                            "%(label)s %(value)s 太远：活动日期最晚为 %(latest)s"
                            "（今天起%(years)s年内），请检查年份"
                        )
                        % {
                            "label": label,
                            "value": value.isoformat(),
                            "latest": latest.isoformat(),
                            "years": EVENT_YEARS_AHEAD,
                        }
                    }
                )
        if self.seats is not None and self.table_count * 2 > self.seats:
            raise ValidationError(
                {
                    "table_count": _("洽谈桌数（每桌2座）超过了座位数：%(t)s 桌需要 %(n)s 座")
                    % {"t": self.table_count, "n": self.table_count * 2}
                }
            )

    def slot_label(self, slot: int) -> str:
        """Clock time of a slot, e.g. 14:40–15:00."""
        start = dt.datetime.combine(self.starts_on, self.meetings_start) + dt.timedelta(
            minutes=self.slot_minutes * slot
        )
        end = start + dt.timedelta(minutes=self.slot_minutes)
        return f"{start:%H:%M}–{end:%H:%M}"


class AgendaSession(Model):
    """One item of the event's programme."""

    class Kind(models.TextChoices):
        PRESENTATION = "presentation", _("推介")
        SHARING = "sharing", _("分享")
        MATCHMAKING = "matchmaking", _("政企对接")
        EXHIBITION = "exhibition", _("展示")
        ROADSHOW = "roadshow", _("路演")
        SIGNING = "signing", _("签约")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    kind = models.CharField(_("类型"), max_length=14, choices=Kind.choices)
    title = models.CharField(_("议程"), max_length=160)
    starts_at = models.DateTimeField(_("开始"))
    ends_at = models.DateTimeField(_("结束"))
    speaker = models.CharField(_("主讲/主持"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("议程")
        verbose_name_plural = _("议程")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="events_session_times_ordered"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Invitation(Model):
    """An organisation on the invitation list (imported from a spreadsheet)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="invitations")
    organisation_name = models.CharField(_("机构名称"), max_length=120)
    name_normalised = models.CharField(max_length=120, editable=False)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=60, blank=True)
    contact_phone = models.CharField(_("电话"), max_length=40, blank=True)
    organisation = models.ForeignKey(
        "registry.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("邀请")
        verbose_name_plural = _("邀请")
        ordering = ["organisation_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "name_normalised"], name="events_one_invitation_per_name"
            )
        ]

    def __str__(self) -> str:
        return self.organisation_name


class Registration(TimeStampedModel):
    """An organisation's registration for an event; one per organisation per event."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("已报名")
        CANCELLED = "cancelled", _("已取消")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    organisation_name = models.CharField(_("机构名称"), max_length=120)
    name_normalised = models.CharField(max_length=120, editable=False)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    # Linked when the register already holds the organisation (by uscc, then by normalised
    # name); otherwise left empty and shown to officers as a suggested addition.
    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("名录机构"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    invitation = models.ForeignKey(
        Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    contact_name = models.CharField(_("联系人"), max_length=60)
    contact_title = models.CharField(_("职务"), max_length=60, blank=True)
    contact_phone = models.CharField(_("电话"), max_length=40)
    attendees = models.PositiveSmallIntegerField(_("参会人数"), default=1)
    interests = models.CharField(_("关注方向/诉求"), max_length=300, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.REGISTERED
    )
    checkin_token = models.CharField(max_length=40, unique=True, default=new_token)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("报名")
        verbose_name_plural = _("报名")
        ordering = ["organisation_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "name_normalised"], name="events_one_registration_per_name"
            ),
            models.UniqueConstraint(
                fields=["event", "uscc"],
                condition=~Q(uscc=""),
                name="events_one_registration_per_uscc",
            ),
        ]

    def __str__(self) -> str:
        return self.organisation_name


class Participant(Model):
    """Someone who takes part in one-to-one meetings: a registered organisation or a
    government department answering questions. Available in slots first_slot..last_slot."""

    class Kind(models.TextChoices):
        REGISTRATION = "registration", _("参会机构")
        GOVERNMENT = "government", _("政府部门")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="participants")
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    registration = models.ForeignKey(
        Registration, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    department_name = models.CharField(_("部门名称"), max_length=120, blank=True)
    first_slot = models.PositiveSmallIntegerField(_("最早时段"), default=0)
    last_slot = models.PositiveSmallIntegerField(_("最晚时段"))
    is_cancelled = models.BooleanField(_("已退出"), default=False)

    class Meta:
        verbose_name = _("对接参与方")
        verbose_name_plural = _("对接参与方")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "registration"],
                condition=Q(registration__isnull=False),
                name="events_one_participant_per_registration",
            ),
            models.CheckConstraint(
                condition=Q(last_slot__gte=F("first_slot")), name="events_participant_window"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if self.registration_id is not None:
            return self.registration.organisation_name  # type: ignore[union-attr]
        return self.department_name


class MeetingRequest(Model):
    """A participant asking to meet another; ``mutual`` when both asked (set on both rows)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="requests")
    requester = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    invitee = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    is_mutual = models.BooleanField(_("双向意向"), default=False)
    topic = models.CharField(_("对接事项"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("对接请求")
        verbose_name_plural = _("对接请求")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["requester", "invitee"], name="events_one_request"),
            models.CheckConstraint(
                condition=~Q(requester=F("invitee")), name="events_request_not_to_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requester} → {self.invitee}"


class MeetingRule(Model):
    """An organiser's pin (must be served, optionally at a slot/table) or forbid."""

    class Kind(models.TextChoices):
        PIN = "pin", _("固定")
        FORBID = "forbid", _("禁止")

    request = models.OneToOneField(MeetingRequest, on_delete=models.CASCADE, related_name="rule")
    kind = models.CharField(_("类型"), max_length=6, choices=Kind.choices)
    slot = models.PositiveSmallIntegerField(_("时段"), null=True, blank=True)
    table = models.PositiveSmallIntegerField(_("桌号"), null=True, blank=True)
    reason = models.CharField(_("原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("排程规则")
        verbose_name_plural = _("排程规则")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.request_id}"


class Schedule(Model):
    """One run of the scheduler (a version); organisers publish one."""

    class Status(models.TextChoices):
        INSTANT = "instant", _("即时方案（优化中）")
        DONE = "done", _("已优化")
        FAILED = "failed", _("优化失败")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="schedules")
    version = models.PositiveIntegerField(_("版本"))
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices)
    method = models.CharField(_("算法"), max_length=60, blank=True)
    objective = models.IntegerField(_("目标值"), default=0)
    breakdown = models.JSONField(_("构成"), default=dict)
    notes = models.JSONField(_("说明"), default=list)
    # Request primary keys in the order given to the engine (its request indices).
    request_ids = models.JSONField(default=list, editable=False)
    time_limit_s = models.FloatField(_("优化时限（秒）"), default=30)
    is_published = models.BooleanField(_("已发布"), default=False)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("日程方案")
        verbose_name_plural = _("日程方案")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["event", "version"], name="events_schedule_version"),
            models.UniqueConstraint(
                fields=["event"],
                condition=Q(is_published=True),
                name="events_one_published_schedule",
            ),
        ]

    def __str__(self) -> str:
        return f"v{self.version}"


class Meeting(Model):
    """A served request at a slot and table, and what came of it."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("已安排")
        HELD = "held", _("已举行")
        NO_SHOW = "no_show", _("未出席")

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="meetings")
    request = models.ForeignKey(MeetingRequest, on_delete=models.CASCADE, related_name="meetings")
    slot = models.PositiveSmallIntegerField(_("时段"))
    table = models.PositiveSmallIntegerField(_("桌号"))
    status = models.CharField(
        _("结果"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    notes = models.TextField(_("纪要"), blank=True)
    demand = models.ForeignKey(
        "demands.Demand", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    project = models.ForeignKey(
        "projects.Project", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    follow_up_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("跟进人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    follow_up_on = models.DateField(_("跟进日期"), null=True, blank=True)
    follow_up_done_on = models.DateField(_("跟进完成日期"), null=True, blank=True)
    row_version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("对接会谈")
        verbose_name_plural = _("对接会谈")
        ordering = ["slot", "table"]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "slot", "table"], name="events_one_meeting_per_table"
            ),
            models.UniqueConstraint(fields=["schedule", "request"], name="events_request_once"),
        ]

    def __str__(self) -> str:
        return f"{self.request} @{self.slot}/{self.table}"


class MeetingSeat(Model):
    """A participant's place in a meeting; makes double booking a constraint violation."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="seats")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="seats")
    slot = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "participant", "slot"], name="events_no_double_booking"
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant_id}@{self.slot}"


class ExhibitedProduct(Model):
    """A product shown by a (usually local) enterprise at the event's exhibition."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="products")
    organisation = models.ForeignKey(
        "registry.Organisation", verbose_name=_("展示企业"), on_delete=models.PROTECT
    )
    name = models.CharField(_("产品"), max_length=120)
    category = models.CharField(_("类别"), max_length=60, blank=True)
    description = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("展示产品")
        verbose_name_plural = _("展示产品")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class RoadshowSlot(Model):
    """A project presented at a roadshow, with its financing need."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="roadshows")
    organisation = models.ForeignKey(
        "registry.Organisation", verbose_name=_("路演企业"), on_delete=models.PROTECT
    )
    project_title = models.CharField(_("路演项目"), max_length=160)
    order = models.PositiveSmallIntegerField(_("顺序"), default=1)
    financing_amount = models.DecimalField(
        _("融资需求"), null=True, blank=True, validators=[MinValueValidator(Decimal(0))], **MONEY
    )
    currency = models.CharField(_("币种"), max_length=3, default="CNY")
    funding_stage = models.CharField(_("融资轮次"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("路演")
        verbose_name_plural = _("路演")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.project_title


class InvestorFeedback(Model):
    """An investor's feedback on a roadshow project."""

    class Interest(models.TextChoices):
        HIGH = "high", _("有意向，约谈")
        MEDIUM = "medium", _("持续关注")
        NONE = "none", _("暂不考虑")

    roadshow = models.ForeignKey(RoadshowSlot, on_delete=models.CASCADE, related_name="feedback")
    investor = models.ForeignKey(
        "registry.Organisation", verbose_name=_("投资机构"), on_delete=models.PROTECT
    )
    interest = models.CharField(_("意向"), max_length=6, choices=Interest.choices)
    note = models.CharField(_("意见"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("投资人反馈")
        verbose_name_plural = _("投资人反馈")
        constraints = [
            models.UniqueConstraint(fields=["roadshow", "investor"], name="events_one_feedback")
        ]

    def __str__(self) -> str:
        return f"{self.investor_id}: {self.get_interest_display()}"


class EventSigning(Model):
    """An agreement signed at the event; backed by one projects.Signing (recorded once)."""

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="signings")
    signing = models.OneToOneField(
        "projects.Signing", on_delete=models.PROTECT, related_name="event_signing"
    )
    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="+")
    parties = models.CharField(_("签约各方"), max_length=300)
    agreement_type = models.CharField(_("协议类型"), max_length=12)
    amount = models.DecimalField(_("金额"), **MONEY)
    currency = models.CharField(_("币种"), max_length=3)
    project_count = models.PositiveSmallIntegerField(
        _("项目数"), default=1, validators=[MinValueValidator(1)]
    )
    fields = models.CharField(_("领域"), max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("活动签约")
        verbose_name_plural = _("活动签约")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.parties
