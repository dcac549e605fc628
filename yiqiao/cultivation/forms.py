"""Forms of the cultivation pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from yiqiao.core.widgets import DateInput

from .models import Board, ListingStage, Rung, TalentLevel


class RecognitionForm(forms.Form):
    rung = forms.ChoiceField(label=_("梯度层级"), choices=Rung.choices)
    certificate_number = forms.CharField(label=_("证书编号"), max_length=60, required=False)
    recognised_on = forms.DateField(label=_("认定日期"), widget=DateInput())
    expires_on = forms.DateField(
        label=_("有效期至"),
        required=False,
        widget=DateInput(),
        help_text=_("不填则按规定有效期计算（高企、专精特新为三年）"),
    )
    issuer = forms.CharField(label=_("认定机关"), max_length=120, required=False)
    evidence = forms.CharField(label=_("认定依据"), max_length=300, required=False)
    skip_basis = forms.CharField(label=_("跳级依据"), max_length=300, required=False)


class ListingEnterForm(forms.Form):
    organisation = forms.IntegerField(label=_("企业编号"), min_value=1)
    board = forms.ChoiceField(label=_("拟上市板块"), choices=Board.choices)
    entered_on = forms.DateField(label=_("入库日期"), widget=DateInput())
    sponsor = forms.CharField(label=_("保荐机构"), max_length=120, required=False)
    basis = forms.CharField(label=_("跳级依据"), max_length=300, required=False)


class ListingAdvanceForm(forms.Form):
    to_stage = forms.ChoiceField(label=_("新阶段"), choices=ListingStage.choices)
    on = forms.DateField(label=_("日期"), widget=DateInput())
    stock_code = forms.CharField(label=_("证券代码"), max_length=20, required=False)
    row_version = forms.IntegerField(widget=forms.HiddenInput())


class ApprovalForm(forms.Form):
    organisation = forms.IntegerField(label=_("企业编号"), min_value=1)
    kind = forms.ChoiceField(
        label=_("获批类型"),
        choices=[
            ("certificates", _("医疗器械注册证")),
            ("drug_approvals", _("药品注册证书")),
            ("trials", _("临床试验批准")),
        ],
    )
    number = forms.CharField(label=_("编号"), max_length=60)
    category = forms.CharField(label=_("类别代码"), max_length=40, required=False)
    approved_on = forms.DateField(label=_("获批日期"), widget=DateInput())
    innovative = forms.BooleanField(label=_("创新产品（特别审查）"), required=False)
    priority = forms.BooleanField(label=_("优先审评审批"), required=False)


class TeamForm(forms.Form):
    name = forms.CharField(label=_("团队名称"), max_length=120)
    leader = forms.CharField(label=_("带头人"), max_length=60)
    level = forms.ChoiceField(label=_("层次"), choices=TalentLevel.choices)
    field = forms.CharField(label=_("领域"), max_length=120, required=False)
    members = forms.IntegerField(label=_("团队人数"), min_value=1, initial=1)
    host = forms.IntegerField(label=_("依托单位编号"), min_value=1)
    project = forms.IntegerField(label=_("随同项目编号"), min_value=1, required=False)
    platform = forms.IntegerField(label=_("依托平台编号"), min_value=1, required=False)
    brought_in_on = forms.DateField(label=_("引进日期"), widget=DateInput())
    support_yuan = forms.DecimalField(label=_("支持资金（元）"), min_value=0, initial=0)
    support_note = forms.CharField(label=_("支持内容"), max_length=300, required=False)


class CriteriaForm(forms.Form):
    effective_from = forms.DateField(label=_("生效日期"), widget=DateInput())
    note = forms.CharField(label=_("修订说明"), max_length=300, required=False)
    text = forms.CharField(
        label=_("标准（政策格式）"),
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false"}),
    )
