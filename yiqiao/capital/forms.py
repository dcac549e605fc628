"""Forms of the capital pages: validation only; writes go through services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from yiqiao.core.widgets import DateInput, TimeInput
from yiqiao.registry.models import Organisation
from yiqiao.vocab.fields import VocabularyMultipleChoiceField, choices

from .models import (
    Close,
    EquityExit,
    FinancingNeed,
    InvestorFeedback,
    InvestorMeeting,
)
from .models.common import MAX_AMOUNT
from .services.needs import NeedInput

DATE = DateInput()
AMOUNT: Any = {
    "min_value": Decimal("0.01"),
    "max_value": MAX_AMOUNT,
    "max_digits": 18,
    "decimal_places": 2,
}
WAN = Decimal("10000")


class NeedForm(forms.Form):
    """A financing need; amounts are typed in 万元 as officers and enterprises write them."""

    organisation = forms.ModelChoiceField(label=_("融资企业"), queryset=Organisation.objects.none())
    title = forms.CharField(label=_("项目名称"), max_length=160)
    round = forms.ChoiceField(label=_("融资轮次"), choices=choices("STAGE"))
    amount_wan = forms.DecimalField(label=_("本轮融资额（万元）"), **AMOUNT)
    currency = forms.ChoiceField(label=_("币种"), choices=choices("CURRENCY"), initial="CNY")
    role_wanted = forms.ChoiceField(label=_("寻找的投资方角色"), choices=FinancingNeed.Role.choices)
    sectors = VocabularyMultipleChoiceField(label=_("领域"), vocabulary="SECTOR")
    instruments = VocabularyMultipleChoiceField(
        label=_("资金形式"), vocabulary="INSTRUMENT", required=True, initial=["equity"]
    )
    investor_regions = VocabularyMultipleChoiceField(label=_("期望投资方地域"), vocabulary="REGION")
    valuation_min_wan = forms.DecimalField(
        label=_("投前估值下限（万元）"), required=False, **AMOUNT
    )
    valuation_max_wan = forms.DecimalField(
        label=_("投前估值上限（万元）"), required=False, **AMOUNT
    )
    summary = forms.CharField(
        label=_("项目简介"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    use_of_funds = forms.CharField(
        label=_("资金用途"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    confidential_fields = forms.MultipleChoiceField(
        label=_("对未对接的投资方保密"),
        choices=FinancingNeed.CONFIDENTIAL_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        initial=["valuation"],
    )
    row_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]

    def need_input(self) -> NeedInput:
        d = self.cleaned_data
        wan = lambda v: v * WAN if v is not None else None  # noqa: E731
        return NeedInput(
            organisation=d["organisation"],
            title=d["title"],
            round=d["round"],
            amount=d["amount_wan"] * WAN,
            currency=d["currency"],
            summary=d["summary"],
            use_of_funds=d["use_of_funds"],
            sectors=d["sectors"],
            instruments=d["instruments"] or [],
            role_wanted=d["role_wanted"],
            investor_regions=d["investor_regions"],
            valuation_min=wan(d["valuation_min_wan"]),
            valuation_max=wan(d["valuation_max_wan"]),
            confidential_fields=d["confidential_fields"],
        )

    @staticmethod
    def initial_for(need: FinancingNeed) -> dict[str, Any]:
        def wan(v: Decimal | None) -> Decimal | None:
            return (v / WAN).normalize() if v is not None else None

        return {
            "organisation": need.organisation_id,
            "title": need.title,
            "round": need.round,
            "amount_wan": wan(need.amount),
            "currency": need.currency,
            "role_wanted": need.role_wanted,
            "sectors": need.sectors,
            "instruments": need.instruments,
            "investor_regions": need.investor_regions,
            "valuation_min_wan": wan(need.valuation_min),
            "valuation_max_wan": wan(need.valuation_max),
            "summary": need.summary,
            "use_of_funds": need.use_of_funds,
            "confidential_fields": need.confidential_fields,
            "row_version": need.row_version,
        }


class PublishForm(forms.Form):
    agree = forms.BooleanField(label=_("企业同意向平台上的投资机构发布此融资需求"), required=False)
    note = forms.CharField(
        label=_("同意依据（工作人员代为登记时必填）"), max_length=200, required=False
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=200)


class MeetingForm(forms.Form):
    investor = forms.ModelChoiceField(label=_("投资方"), queryset=Organisation.objects.none())
    kind = forms.ChoiceField(label=_("类型"), choices=InvestorMeeting.Kind.choices)
    held_on = forms.DateField(label=_("日期"), widget=DATE)
    note = forms.CharField(label=_("纪要"), max_length=500, required=False)

    def __init__(self, *args: Any, investors: list[Organisation], **kw: Any) -> None:
        super().__init__(*args, **kw)
        field = self.fields["investor"]
        field.queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            pk__in=[o.pk for o in investors]
        ).order_by("name")


class TermSheetForm(MeetingForm):
    kind = None  # type: ignore[assignment]
    held_on = None  # type: ignore[assignment]
    note = None  # type: ignore[assignment]
    signed_on = forms.DateField(label=_("签署日期"), widget=DATE)
    amount_wan = forms.DecimalField(label=_("拟投金额（万元）"), **AMOUNT)
    pre_money_wan = forms.DecimalField(label=_("投前估值（万元）"), required=False, **AMOUNT)
    is_lead = forms.BooleanField(label=_("领投"), required=False)


class CloseForm(MeetingForm):
    """A close with its lead and up to three co-investors."""

    kind = None  # type: ignore[assignment]
    held_on = None  # type: ignore[assignment]
    note = None  # type: ignore[assignment]
    investor = None  # type: ignore[assignment]
    closed_on = forms.DateField(label=_("交割日期"), widget=DATE)
    lead = forms.ModelChoiceField(label=_("领投方"), queryset=Organisation.objects.none())
    lead_amount_wan = forms.DecimalField(label=_("领投金额（万元）"), **AMOUNT)
    co_1 = forms.ModelChoiceField(
        label=_("跟投方一"), queryset=Organisation.objects.none(), required=False
    )
    co_1_wan = forms.DecimalField(label=_("跟投金额一（万元）"), required=False, **AMOUNT)
    co_2 = forms.ModelChoiceField(
        label=_("跟投方二"), queryset=Organisation.objects.none(), required=False
    )
    co_2_wan = forms.DecimalField(label=_("跟投金额二（万元）"), required=False, **AMOUNT)
    evidence_kind = forms.ChoiceField(label=_("交割凭证"), choices=Close.Evidence.choices)
    evidence_ref = forms.CharField(label=_("凭证编号/说明"), max_length=200)
    evidence_file = forms.FileField(label=_("凭证文件（PDF/JPG/PNG）"), required=False)

    def __init__(self, *args: Any, investors: list[Organisation], **kw: Any) -> None:
        forms.Form.__init__(self, *args, **kw)
        queryset = Organisation.objects.filter(pk__in=[o.pk for o in investors]).order_by("name")
        for name in ("lead", "co_1", "co_2"):
            self.fields[name].queryset = queryset  # type: ignore[attr-defined]


class PitchBookForm(forms.Form):
    need = forms.ModelChoiceField(
        label=_("融资需求（已发布）"), queryset=FinancingNeed.objects.none()
    )
    starts_at = forms.TimeField(label=_("开始时间"), widget=TimeInput(), required=False)
    minutes = forms.IntegerField(label=_("时长（分钟）"), min_value=5, max_value=120, initial=15)

    def __init__(self, *args: Any, needs: QuerySet[FinancingNeed], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["need"].queryset = needs  # type: ignore[attr-defined]


class FeedbackForm(forms.Form):
    interest = forms.ChoiceField(label=_("意向"), choices=InvestorFeedback.Interest.choices)
    next_step = forms.ChoiceField(label=_("下一步"), choices=InvestorFeedback.NextStep.choices)
    pass_reasons = forms.MultipleChoiceField(
        label=_("不跟进原因"),
        choices=InvestorFeedback.PASS_REASONS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    given_on = forms.DateField(label=_("反馈日期"), widget=DATE)
    note = forms.CharField(label=_("意见"), max_length=500, required=False)


class LandForm(forms.Form):
    company_name = forms.CharField(label=_("落地企业名称"), max_length=120)
    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=30)
    registered_on = forms.DateField(label=_("注册日期"), widget=DATE)


class IncubationForm(forms.Form):
    name = forms.CharField(label=_("项目名称"), max_length=160)
    cohort = forms.CharField(label=_("批次"), max_length=40)
    team_lead = forms.CharField(label=_("团队负责人"), max_length=60, required=False)
    started_on = forms.DateField(label=_("孵化开始日期"), widget=DATE)
    sectors = VocabularyMultipleChoiceField(label=_("领域"), vocabulary="SECTOR")


class ConvertForm(forms.Form):
    converted_on = forms.DateField(label=_("转股日期"), widget=DATE)
    valuation_wan = forms.DecimalField(label=_("投后估值（万元）"), **AMOUNT)


class ExitForm(forms.Form):
    kind = forms.ChoiceField(label=_("退出方式"), choices=EquityExit.Kind.choices)
    exited_on = forms.DateField(label=_("退出日期"), widget=DATE)
    percent_sold = forms.DecimalField(
        label=_("退出股比（%）"), min_value=Decimal("0.001"), max_value=Decimal(100)
    )
    proceeds_wan = forms.DecimalField(
        label=_("退出回款（万元）"), min_value=Decimal(0), max_value=MAX_AMOUNT
    )
