"""Forms for projects: validation only; writes go through services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from yiqiao.registry.models import ChainNode, Organisation, Region, Service

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

DATE = forms.DateInput(attrs={"type": "date"})
AMOUNT: Any = {
    "min_value": Decimal("0"),
    "max_value": MAX_AMOUNT,
    "max_digits": 18,
    "decimal_places": 2,
}


class ProjectForm(forms.ModelForm):
    """Create/edit an investment project; regions and organisations limited to the user's scope."""

    chain_nodes = forms.ModelMultipleChoiceField(
        label=_("产业链节点"),
        queryset=ChainNode.objects.order_by("position", "code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
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

    def __init__(
        self, *args: Any, regions: list[Region], organisations: QuerySet[Organisation], **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["target_region"].queryset = Region.objects.filter(  # type: ignore[attr-defined]
            pk__in=[r.pk for r in regions]
        ).order_by("path")
        self.fields["investors"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["registered_company"].queryset = organisations.filter(  # type: ignore[attr-defined]
            kind=Organisation.Kind.ENTERPRISE
        )

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
    amount = forms.DecimalField(label=_("签约金额"), **AMOUNT)
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

    def __init__(
        self, *args: Any, regions: list[Region], organisations: QuerySet[Organisation], **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["landing_region"].queryset = Region.objects.filter(  # type: ignore[attr-defined]
            pk__in=[r.pk for r in regions]
        ).order_by("path")
        self.fields["origin"].queryset = organisations.filter(  # type: ignore[attr-defined]
            kind__in=[
                Organisation.Kind.HOSPITAL,
                Organisation.Kind.UNIVERSITY,
                Organisation.Kind.INSTITUTE,
                Organisation.Kind.ENTERPRISE,
            ]
        )
        # An offshore innovation centre lies in another city; it is in scope because the unit
        # maintains it (owner_unit). Incubators of other units stay invisible.
        self.fields["incubator"].queryset = organisations.filter(  # type: ignore[attr-defined]
            kind=Organisation.Kind.INCUBATOR, is_active=True
        )


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

    def __init__(self, *args: Any, services: QuerySet[Service], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["service"].queryset = services  # type: ignore[attr-defined]
