"""Forms of the events pages (parsing only; the services validate the rules)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yiqiao.core.widgets import DateInput, TimeInput, use_picker
from yiqiao.demands.models import Category
from yiqiao.projects.forms import INVESTOR_KINDS
from yiqiao.projects.models import Currency, Project, Signing
from yiqiao.registry.models import Organisation, Region

from .models import Event, Meeting

DATE = DateInput()


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = [
            "title",
            "kind",
            "theme",
            "city",
            "venue",
            "starts_on",
            "ends_on",
            "capacity",
            "is_invitation_only",
            "meetings_start",
            "slot_minutes",
            "slot_count",
            "table_count",
            "seats",
            "invited_regions",
        ]
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "meetings_start": TimeInput(),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ends_on"].required = False
        # Any province, city or county of China, searched by name (3,400 checkboxes would not do).
        use_picker(self.fields["invited_regions"], "regions", user, exclude_kind="park")


class UploadForm(forms.Form):
    file = forms.FileField(label=_("邀请名单（.xlsx 或 .csv）"))


class RegistrationForm(forms.Form):
    organisation_name = forms.CharField(label=_("机构名称"), max_length=120)
    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=30, required=False)
    contact_name = forms.CharField(label=_("联系人"), max_length=60)
    contact_title = forms.CharField(label=_("职务"), max_length=60, required=False)
    contact_phone = forms.CharField(label=_("手机"), max_length=40)
    attendees = forms.IntegerField(label=_("参会人数"), min_value=1, max_value=20, initial=1)
    interests = forms.CharField(label=_("关注方向/对接诉求"), max_length=300, required=False)


class WalkInForm(forms.Form):
    """An attendee who arrives without a registration, checked in in one step: an organisation
    of the register (searched among what the user may see) or a new one, added inline."""

    organisation = forms.ModelChoiceField(
        label=_("名录中的机构"), queryset=Organisation.objects.none(), required=False
    )
    new_name = forms.CharField(label=_("或新机构名称"), max_length=120, required=False)
    new_kind = forms.ChoiceField(
        label=_("新机构类型"),
        choices=Organisation.Kind.choices,
        initial=Organisation.Kind.ENTERPRISE,
        required=False,
    )
    new_region = forms.ModelChoiceField(
        label=_("新机构所在区域"), queryset=Region.objects.none(), required=False
    )
    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=30, required=False)
    contact_name = forms.CharField(label=_("联系人"), max_length=60)
    contact_phone = forms.CharField(label=_("手机"), max_length=40)
    attendees = forms.IntegerField(label=_("参会人数"), min_value=1, max_value=20, initial=1)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        use_picker(self.fields["organisation"], "organisations", user, active="1")
        use_picker(self.fields["new_region"], "regions", user, exclude_kind="park")


class ParticipantForm(forms.Form):
    registration = forms.IntegerField(label=_("参会机构"), required=False)
    department_name = forms.CharField(label=_("或政府部门"), max_length=120, required=False)
    first_slot = forms.IntegerField(label=_("最早时段"), min_value=0, initial=0)
    last_slot = forms.IntegerField(label=_("最晚时段"), min_value=0, required=False)


class RequestForm(forms.Form):
    requester = forms.IntegerField(label=_("发起方"))
    invitee = forms.IntegerField(label=_("对接对象"))
    topic = forms.CharField(label=_("对接事项"), max_length=200, required=False)


class RuleForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("规则"), choices=[("", "无"), ("pin", "固定"), ("forbid", "禁止")], required=False
    )
    slot = forms.IntegerField(label=_("时段"), min_value=0, required=False)
    table = forms.IntegerField(label=_("桌号"), min_value=1, required=False)
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)


class RunForm(forms.Form):
    time_limit_s = forms.FloatField(
        label=_("优化时限（秒）"), min_value=1, max_value=600, initial=30
    )


class OutcomeForm(forms.Form):
    status = forms.ChoiceField(
        label=_("结果"), choices=[c for c in Meeting.Status.choices if c[0] != "scheduled"]
    )
    notes = forms.CharField(
        label=_("纪要"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    need_category = forms.ChoiceField(
        label=_("需求类别"), choices=[("", "—"), *Category.choices], required=False
    )
    need_text = forms.CharField(
        label=_("提出的需求"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    invest_interest = forms.BooleanField(label=_("有投资意向（生成招商线索）"), required=False)
    investor_side = forms.ChoiceField(
        label=_("意向投资方"),
        choices=[("requester", _("发起方")), ("invitee", _("对接对象"))],
        required=False,
    )
    follow_up_on = forms.DateField(label=_("跟进日期"), widget=DATE, required=False)
    follow_up_done_on = forms.DateField(label=_("跟进完成日期"), widget=DATE, required=False)


class SigningForm(forms.Form):
    """A signing at an event; the project and the investor are searched by name among what the
    user may see (the access layer), never typed as ids."""

    project = forms.ModelChoiceField(
        label=_("已有项目"), queryset=Project.objects.none(), required=False
    )
    new_project_title = forms.CharField(label=_("或新项目名称"), max_length=160, required=False)
    investor = forms.ModelChoiceField(
        label=_("投资方"), queryset=Organisation.objects.none(), required=False
    )
    parties = forms.CharField(label=_("签约各方"), max_length=300)
    agreement_type = forms.ChoiceField(label=_("协议类型"), choices=Signing.AgreementType.choices)
    amount = forms.DecimalField(
        label=_("金额（元）"),
        max_digits=16,
        decimal_places=2,
        required=False,
        help_text=_("投资协议必填；战略合作协议、框架协议可不填"),
    )
    currency = forms.ChoiceField(label=_("币种"), choices=Currency.choices, initial="CNY")
    project_count = forms.IntegerField(label=_("项目数"), min_value=1, initial=1)
    sector = forms.CharField(label=_("领域"), max_length=120, required=False)
    signed_on = forms.DateField(label=_("签约日期"), widget=DATE, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        use_picker(self.fields["project"], "projects", user)
        use_picker(self.fields["investor"], "organisations", user, kind=INVESTOR_KINDS)
