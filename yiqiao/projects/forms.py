"""Forms for projects: validation only; writes go through services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yiqiao.core.widgets import DateInput, use_picker
from yiqiao.registry.forms import ChainNodeMultipleChoiceField
from yiqiao.registry.models import Organisation, Region, Service

from .engine import gates
from .models import (
    MAX_AMOUNT,
    Activity,
    Currency,
    FundingTranche,
    Gate,
    Milestone,
    Project,
    Signing,
    Stage,
    TranslationProject,
)

DATE = DateInput()
#: Who may be a project's investor: a company (often a group investing in a new plant) or a fund.
INVESTOR_KINDS = [Organisation.Kind.ENTERPRISE.value, Organisation.Kind.INVESTOR.value]
#: Where a translational project comes from.
ORIGIN_KINDS = [
    Organisation.Kind.HOSPITAL.value,
    Organisation.Kind.UNIVERSITY.value,
    Organisation.Kind.INSTITUTE.value,
    Organisation.Kind.ENTERPRISE.value,
]
AMOUNT: Any = {
    "min_value": Decimal("0"),
    "max_value": MAX_AMOUNT,
    "max_digits": 18,
    "decimal_places": 2,
}


class ProjectForm(forms.ModelForm):
    """Create/edit an investment project; regions and organisations limited to the user's scope."""

    chain_nodes = ChainNodeMultipleChoiceField(label=_("产业链节点"))
    row_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Project
        fields = [
            "title",
            "investors",
            "target_region",
            "chain_nodes",
            "currency",
            "planned_amount",
            "expected_output_yuan",
            "expected_tax_yuan",
            "planned_jobs",
            "next_follow_up_on",
            "registered_company",
            "source_note",
            "description",
        ]
        widgets = {"next_follow_up_on": DATE}

    def __init__(self, *args: Any, regions: list[Region], user: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["target_region"].queryset = Region.objects.filter(  # type: ignore[attr-defined]
            pk__in=[r.pk for r in regions]
        ).order_by("path")
        # Searchable pickers over what the user may see (a select of 3,000 names is unusable).
        use_picker(self.fields["investors"], "organisations", user, kind=INVESTOR_KINDS)
        use_picker(self.fields["registered_company"], "organisations", user, kind="enterprise")

    def service_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k != "row_version"}
        data["investors"] = list(data.get("investors") or [])
        data["chain_nodes"] = list(data.get("chain_nodes") or [])
        return data


class MoveForm(forms.Form):
    to_stage = forms.ChoiceField(label=_("变更为"), choices=Stage.choices)
    row_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(label=_("原因/说明"), max_length=300, required=False)
    on = forms.DateField(label=_("日期"), required=False, widget=DATE)


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("方式"), choices=Activity.Kind.choices)
    happened_on = forms.DateField(label=_("日期"), widget=DATE)
    summary = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 2}))
    attachment = forms.FileField(label=_("附件"), required=False)
    next_follow_up_on = forms.DateField(label=_("下次跟进日期"), required=False, widget=DATE)


class SigningForm(forms.Form):
    signed_on = forms.DateField(label=_("签约日期"), widget=DATE)
    agreement_type = forms.ChoiceField(label=_("协议类型"), choices=Signing.AgreementType.choices)
    amount = forms.DecimalField(
        label=_("签约金额"),
        required=False,
        help_text=_("投资协议必填；战略合作协议、框架协议可不填"),
        **AMOUNT,
    )
    currency = forms.ChoiceField(label=_("币种"), choices=Currency.choices)
    signatories = forms.CharField(label=_("签约方"), max_length=300)
    event_ref = forms.CharField(label=_("签约活动"), max_length=200, required=False)


class MilestoneForm(forms.Form):
    kind = forms.ChoiceField(label=_("节点"), choices=Milestone.Kind.choices)
    achieved_on = forms.DateField(label=_("日期"), widget=DATE)
    realised_capex = forms.DecimalField(label=_("完成投资"), required=False, **AMOUNT)
    capital_arrived = forms.DecimalField(label=_("到位资金"), required=False, **AMOUNT)
    jobs = forms.IntegerField(label=_("就业人数"), required=False, min_value=0)
    revenue = forms.DecimalField(label=_("年营收"), required=False, **AMOUNT)
    note = forms.CharField(label=_("备注"), max_length=300, required=False)
    evidence = forms.FileField(
        label=_("凭证"),
        required=False,
        help_text=_("施工许可证、营业执照、银行进账单或现场照片；无凭证的节点不计入开工率等指标"),
    )


class TranslationForm(forms.ModelForm):
    class Meta:
        model = TranslationProject
        fields = [
            "title",
            "origin",
            "team_lead",
            "field",
            "product_type",
            "incubator",
            "landing_region",
            "description",
        ]

    def __init__(self, *args: Any, regions: list[Region], user: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["landing_region"].queryset = Region.objects.filter(  # type: ignore[attr-defined]
            pk__in=[r.pk for r in regions]
        ).order_by("path")
        use_picker(self.fields["origin"], "organisations", user, kind=ORIGIN_KINDS)
        # An offshore innovation centre lies in another city; it is in scope because the unit
        # maintains it (owner_unit). Incubators of other units stay invisible.
        use_picker(self.fields["incubator"], "organisations", user, kind="incubator", active="1")


class GateForm(forms.Form):
    """One evidence field per entry criterion of the gate to pass."""

    passed_on = forms.DateField(label=_("通过日期"), widget=DATE)
    phase = forms.ChoiceField(
        label=_("临床期别"),
        choices=[("", "—")] + [(p, f"{p}期") for p in gates.DRUG_PHASES],
        required=False,
    )
    note = forms.CharField(label=_("说明"), max_length=300, required=False)

    def __init__(self, *args: Any, project: TranslationProject, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.to_gate = project.next_gate or ""
        self.criteria = gates.entry_criteria(self.to_gate, project.product_type)
        for code in self.criteria:
            self.fields["ev_" + code] = forms.CharField(
                label=gates.CRITERIA_LABELS[code], max_length=300, required=False
            )
        if not (self.to_gate == gates.CLINICAL and project.product_type == gates.DRUG):
            del self.fields["phase"]

    def evidence(self) -> dict[str, str]:
        return {c: self.cleaned_data.get("ev_" + c, "") for c in self.criteria}


class FundingForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=FundingTranche.Kind.choices)
    amount = forms.DecimalField(label=_("金额"), **AMOUNT)
    currency = forms.ChoiceField(label=_("币种"), choices=Currency.choices)
    granted_on = forms.DateField(label=_("拨付/投资日期"), widget=DATE)
    converts_on_gate = forms.ChoiceField(
        label=_("转股节点"), choices=[("", "—"), *Gate.choices], required=False
    )


class ConvertForm(forms.Form):
    converted_on = forms.DateField(label=_("转股日期"), widget=DATE)
    equity_percent = forms.DecimalField(
        label=_("股权比例（%）"), max_digits=6, decimal_places=3, min_value=Decimal("0")
    )


class CompanyForm(forms.Form):
    name = forms.CharField(label=_("企业名称"), max_length=120)
    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=30)


class BookingForm(forms.Form):
    service = forms.ModelChoiceField(label=_("平台服务"), queryset=Service.objects.none())
    booked_on = forms.DateField(label=_("预约日期"), widget=DATE)
    note = forms.CharField(label=_("说明"), max_length=300, required=False)

    def __init__(self, *args: Any, user: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        use_picker(self.fields["service"], "services", user)
