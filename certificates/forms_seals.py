"""Forms of the seal pages: parsing only; ``certificates.services.seals`` checks the rules."""

import json

from django import forms

from .models import Seal
from .selectors import seal_offices_for
from .services import seal_text_default

DEFAULT_LETTER = (
    "根据《河南省专业技术人员继续教育证书管理办法》，经研究，决定启用本地区专业技术人员"
    "继续教育证书专用章。特此申请。"
)
SOURCE_CHOICES = [
    (Seal.Source.GENERATED, "系统生成"),
    (Seal.Source.UPLOADED, "上传透明背景 PNG"),
]


class SealApplyForm(forms.Form):
    office = forms.TypedChoiceField(label="申请单位", coerce=int)
    text = forms.CharField(
        label="印章文字",
        max_length=24,
        help_text="4 至 24 个字，沿印章上缘环绕排列，例如“平顶山市专业技术人员继续教育专用章”。",
        error_messages={"required": "请填写印章文字。"},
    )
    source = forms.ChoiceField(
        label="印章来源",
        choices=SOURCE_CHOICES,
        initial=Seal.Source.GENERATED,
        widget=forms.RadioSelect,
        help_text="系统生成的印章为圆形红色印章：印章文字沿上缘环绕，中间为五角星。"
        "提交后可在申请函中查看印模。",
    )
    image = forms.FileField(
        label="印章图片",
        required=False,
        help_text="选择“上传透明背景 PNG”时填写：PNG 格式、背景透明，宽和高 200 至 2000 像素、"
        "接近正方形，不超过 2 MB。",
        widget=forms.ClearableFileInput(attrs={"accept": "image/png"}),
    )
    letter = forms.CharField(
        label="申请说明",
        max_length=1000,
        initial=DEFAULT_LETTER,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="即申请函正文，打印后可加盖单位公章报送。",
        error_messages={"required": "请填写申请说明。"},
    )

    def __init__(self, *args, user, office_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        offices = list(seal_offices_for(user).order_by("level", "pk"))
        self.offices = offices
        self.fields["office"].choices = [(office.pk, office.name) for office in offices]
        chosen = next((o for o in offices if str(o.pk) == str(office_id)), None) or (
            offices[0] if offices else None
        )
        if chosen is not None:
            self.fields["office"].initial = chosen.pk
            self.fields["text"].initial = seal_text_default(chosen)
        if len(offices) == 1:
            self.fields["office"].widget = forms.HiddenInput()
        # static/js/seal_form.js swaps the suggested text when another office is chosen.
        self.default_texts = json.dumps(
            {str(office.pk): seal_text_default(office) for office in offices}, ensure_ascii=False
        )


class SealReasonForm(forms.Form):
    reason = forms.CharField(
        label="原因",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写原因。"},
    )

    def __init__(self, *args, label: str, help_text: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].help_text = help_text
        self.fields["reason"].error_messages["required"] = f"请填写{label}。"


class SealFilterForm(forms.Form):
    STATUS_CHOICES = [("", "全部状态"), *Seal.Status.choices]

    status = forms.ChoiceField(label="状态", choices=STATUS_CHOICES, required=False)
    q = forms.CharField(label="申请单位", required=False, max_length=60)
