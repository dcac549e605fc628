"""Forms of the demands pages (Chinese labels; validation messages say what to fix)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yiqiao.core.widgets import DateInput, use_picker
from yiqiao.registry.models import ChainNode, Organisation

from .models import (
    NEED_TEXT_MAX_CHARS,
    TEXT_MAX_CHARS,
    TITLE_MAX_CHARS,
    Category,
    Channel,
    CleanroomClass,
    Conversion,
    FundingStage,
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            MultipleFileInput(
                attrs={"accept": ".pdf,.png,.jpg,.jpeg,.doc,.docx,.xls,.xlsx,.ppt,.pptx"}
            ),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(d, initial) for d in items]


class DemandForm(forms.Form):
    """Intake: enterprise users have their organisation fixed; officers pick one in scope."""

    organisation = forms.ModelChoiceField(
        label=_("提出机构"), queryset=Organisation.objects.none(), required=False
    )
    category = forms.ChoiceField(label=_("需求类别"), choices=Category.choices)
    channel = forms.ChoiceField(label=_("来源渠道"), choices=Channel.choices, initial="visit")
    title = forms.CharField(label=_("标题"), max_length=TITLE_MAX_CHARS, required=False)
    text = forms.CharField(
        label=_("需求描述"),
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": NEED_TEXT_MAX_CHARS}),
        help_text=_(
            "请写明需要什么、规模、时间要求等，最多20000字；填写时会自动读出面积、租金、洁净等级等，"
            "可在下方修改"
        ),
        max_length=NEED_TEXT_MAX_CHARS,
        error_messages={
            "required": _("需求描述不能为空，请写明需要什么"),
            "max_length": _("需求描述过长，请控制在20000字以内"),
        },
    )
    area_min_m2 = forms.DecimalField(label=_("面积下限（㎡）"), required=False, min_value=0)
    area_max_m2 = forms.DecimalField(label=_("面积上限（㎡）"), required=False, min_value=0)
    rent_max_yuan_per_m2_month = forms.DecimalField(
        label=_("租金上限（元/㎡·月）"),
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
        help_text=_("按天计的租金乘以30"),
    )
    cleanroom_iso = forms.TypedChoiceField(
        label=_("洁净等级（不低于）"),
        choices=[("", "—")] + list(CleanroomClass.choices),
        coerce=int,
        empty_value=None,
        required=False,
    )
    budget_yuan = forms.DecimalField(label=_("预算（元）"), required=False, min_value=0)
    funding_amount_yuan = forms.DecimalField(label=_("融资金额（元）"), required=False, min_value=0)
    funding_stage = forms.ChoiceField(
        label=_("融资阶段"), choices=[("", "—")] + list(FundingStage.choices), required=False
    )
    chain_nodes = forms.ModelMultipleChoiceField(
        label=_("产业链节点"),
        queryset=ChainNode.objects.order_by("position", "code"),
        required=False,
        to_field_name="code",
    )
    deadline = forms.DateField(label=_("期望解决日期"), required=False, widget=DateInput())
    attachments = MultipleFileField(
        label=_("附件"), required=False, help_text=_("PDF、图片或Office文档，单个不超过10MB")
    )

    def __init__(self, *args: Any, user: Any = None, fixed: Any = None, **kw: Any):
        super().__init__(*args, **kw)
        self.fixed = fixed
        if fixed is not None:
            del self.fields["organisation"]
            del self.fields["channel"]
        else:
            field = self.fields["organisation"]
            field.required = True
            use_picker(field, "organisations", user, active="1")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lo, hi = data.get("area_min_m2"), data.get("area_max_m2")
        if lo is not None and hi is not None and lo > hi:
            self.add_error("area_max_m2", _("面积上限不能小于下限"))
        return data


class RespondForm(forms.Form):
    text = forms.CharField(
        label=_("响应内容"), widget=forms.Textarea(attrs={"rows": 3}), max_length=TEXT_MAX_CHARS
    )


class ConvertForm(forms.Form):
    kind = forms.ChoiceField(label=_("转化类型"), choices=Conversion.Kind.choices)
    amount_yuan = forms.DecimalField(label=_("金额（元）"), required=False, min_value=0)
    on = forms.DateField(label=_("转化日期"), required=False, widget=DateInput())
    note = forms.CharField(label=_("说明"), max_length=300, required=False)


class CloseForm(forms.Form):
    note = forms.CharField(label=_("关闭原因"), max_length=300)


class FollowUpForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("满意度"),
        coerce=int,
        choices=[
            (5, "5 非常满意"),
            (4, "4 满意"),
            (3, "3 一般"),
            (2, "2 不满意"),
            (1, "1 非常不满意"),
        ],
    )
    on = forms.DateField(label=_("回访日期"), required=False, widget=DateInput())
    note = forms.CharField(
        label=_("回访记录"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
