"""Forms for register records: validation only; writes go through services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yiqiao.core.uscc import uscc_normalise, uscc_problem
from yiqiao.core.widgets import DateInput, use_picker

from .models import ChainNode, Contact, Organisation, Region, Space


class ListField(forms.CharField):
    """Comma/、/newline separated text ⇄ list of strings (aliases, former names)."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return "、".join(value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        for sep in [",", "，", "\n", ";", "；"]:
            text = text.replace(sep, "、")
        return [part.strip() for part in text.split("、") if part.strip()]


class ChainNodeMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Chain nodes as one indented list (the tree has some two hundred nodes: no checkboxes)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", ChainNode.objects.order_by("position", "code"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.SelectMultiple(attrs={"size": 12}))
        super().__init__(**kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return "　" * (obj.level - 1) + obj.name


class OrganisationForm(forms.ModelForm):
    aliases = ListField(label=_("简称/别名"), required=False, help_text=_("多个用顿号分隔"))
    former_names = ListField(label=_("曾用名"), required=False)
    chain_nodes = ChainNodeMultipleChoiceField(label=_("产业链节点"))
    row_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Organisation
        fields = [
            "name",
            "kind",
            "uscc",
            "aliases",
            "former_names",
            "region",
            "park",
            "founded_on",
            "registered_capital_yuan",
            "revenue_yuan",
            "rd_spend_yuan",
            "headcount",
            "is_high_tech",
            "is_specialised",
            "is_little_giant",
            "is_listed",
            "listed_market",
            "ticker",
            "is_pre_ipo",
            "is_chain_leader",
            "chain_nodes",
            "lifecycle_stage",
            "products",
            "description",
            "notes",
        ]
        widgets = {
            "founded_on": DateInput(),
            "products": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(
        self, *args: Any, regions: list[Region] | None = None, user: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if user is not None:
            # Any province, city or county of China (an outside investor sits where it is);
            # the service keeps a region outside the user's own to records the unit maintains.
            use_picker(self.fields["region"], "regions", user)
        if regions is not None:
            ids = [r.pk for r in regions]
            if user is None:
                self.fields["region"].queryset = Region.objects.filter(pk__in=ids)  # type: ignore[attr-defined]
            self.fields["park"].queryset = Region.objects.filter(  # type: ignore[attr-defined]
                pk__in=ids, kind__in=[Region.Kind.ZONE, Region.Kind.PARK]
            )
        if self.instance.pk:
            self.fields["row_version"].initial = self.instance.row_version

    def clean_uscc(self) -> str | None:
        raw = self.cleaned_data.get("uscc") or ""
        if not raw.strip():
            return None
        code = uscc_normalise(raw)
        problem = uscc_problem(code)
        if problem:
            raise forms.ValidationError(problem.message)
        clash = Organisation.objects.filter(uscc=code).exclude(pk=self.instance.pk).first()
        if clash:
            raise forms.ValidationError(f"该统一社会信用代码已属于“{clash.name}”")
        return code

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("row_version", None)
        return data


class SpaceForm(forms.ModelForm):
    row_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Space
        fields = [
            "name",
            "kind",
            "park",
            "address",
            "total_area_m2",
            "available_area_m2",
            "rent_yuan_per_m2_month",
            "gmp_grade",
            "cleanroom_class",
            "floor_load_kg_m2",
            "owner",
            "description",
            "is_available",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(
        self, *args: Any, user: Any, regions: list[Region] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        # The owner is searched by name among the organisations the user may see (a select over
        # a 100k register would be unusable, and an id would name records of other scopes).
        use_picker(self.fields["owner"], "organisations", user)
        if regions is not None:
            self.fields["park"].queryset = Region.objects.filter(  # type: ignore[attr-defined]
                pk__in=[r.pk for r in regions]
            )
        if self.instance.pk:
            self.fields["row_version"].initial = self.instance.row_version

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("row_version", None)
        return data


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "title", "phone", "email", "is_primary"]


class ImportUploadForm(forms.Form):
    target = forms.ChoiceField(label=_("导入对象"))
    file = forms.FileField(label=_("文件（.xlsx 或 .csv，UTF-8/GBK）"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from yiqiao.core.imports import IMPORTERS

        # Other apps (e.g. the project ledger) register their importers in IMPORTERS.
        self.fields["target"].choices = [  # type: ignore[attr-defined]
            (key, importer.label) for key, importer in IMPORTERS.items()
        ]
