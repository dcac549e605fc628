"""Forms of news intelligence: upload a file, paste a text, correct a fact."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from yiqiao.core.weblinks import validate_web_url


class UploadForm(forms.Form):
    """One or more .txt/.html files; the encoding is detected (UTF-8, GBK/GB18030, Big5)."""

    file = forms.FileField(
        allow_empty_file=True,
        label=_("文件（.txt / .html）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.html,.htm"}),
    )
    source_name = forms.CharField(label=_("来源"), max_length=120, required=False)
    source_url = forms.URLField(
        label=_("原文链接"),
        max_length=500,
        required=False,
        assume_scheme="https",
        validators=[validate_web_url],
    )


class PasteForm(forms.Form):
    """An article copied from a web page or a message."""

    title = forms.CharField(label=_("标题"), max_length=300, required=False)
    source_name = forms.CharField(label=_("来源"), max_length=120, required=False)
    source_url = forms.URLField(
        label=_("原文链接"),
        max_length=500,
        required=False,
        assume_scheme="https",
        validators=[validate_web_url],
    )
    text = forms.CharField(
        label=_("正文"), widget=forms.Textarea(attrs={"rows": 12}), strip=False, required=False
    )

    def clean_text(self) -> str:
        text = str(self.cleaned_data.get("text") or "")
        if not text.strip():
            raise forms.ValidationError(_("请粘贴文章正文"))
        return text


class ReviewForm(forms.Form):
    """Confirm / correct / reject one fact; corrections carry the new values."""

    action = forms.ChoiceField(
        choices=[("confirm", _("确认")), ("correct", _("更正")), ("reject", _("驳回"))]
    )
    row_version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("更正后的名称"), max_length=120, required=False)
    parties = forms.CharField(label=_("签约方（用“、”分隔）"), max_length=400, required=False)
    amount_yuan = forms.CharField(label=_("金额（元）"), max_length=30, required=False)

    def correction(self) -> dict[str, str]:
        data = {k: str(self.cleaned_data.get(k) or "") for k in ("name", "parties")}
        if self.cleaned_data.get("amount_yuan"):
            data["amount_yuan"] = str(self.cleaned_data["amount_yuan"])
        return {k: v for k, v in data.items() if v}
