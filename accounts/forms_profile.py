"""The forms of a person's profile changes: the phone (by SMS code, or set by an admin), the
title change and the name / ID correction (accounts/services/profile_*.py). The services
check the values; these forms only parse them."""

from django import forms
from django.utils import timezone

from portal import ids
from portal.uploads import upload_limit_mb

from . import phones
from .models import Person

EVIDENCE_HELP = "PDF、JPEG 或 PNG 格式，不超过 {limit} MB。"


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label="新手机号码",
        max_length=20,
        help_text=phones.HELP_TEXT,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        error_messages={"required": "请输入新手机号码。"},
    )


class PhoneCodeForm(forms.Form):
    code = forms.CharField(
        label="短信验证码",
        max_length=12,
        help_text="发送到新手机号码的 6 位数字。",
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "spellcheck": "false"}
        ),
        error_messages={"required": "请输入短信验证码。"},
    )


class EvidenceField(forms.FileField):
    def __init__(self, *, hint: str, **kwargs):
        super().__init__(
            label="证明材料",
            help_text=f"{hint}{EVIDENCE_HELP.format(limit=upload_limit_mb())}",
            widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
            **kwargs,
        )


class TitleChangeForm(forms.Form):
    title_level = forms.ChoiceField(
        label="新的职称级别",
        choices=[("", "请选择"), *Person.TitleLevel.choices],
        error_messages={"required": "请选择新的职称级别。"},
    )
    effective_year = forms.IntegerField(
        label="生效年度",
        min_value=1900,
        help_text="取得或聘任新职称的年度：从该年度起按新的职称级别计算继续教育要求。",
        error_messages={"required": "请填写生效年度。", "invalid": "请填写 4 位数字的年度。"},
    )
    evidence = EvidenceField(
        hint="职称证书或聘任文件的扫描件或照片。",
        error_messages={"required": "请上传证明材料。"},
    )
    reason = forms.CharField(
        label="说明", max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The service refuses a later year with its own message; this is the input's hint.
        self.fields["effective_year"].widget.attrs["max"] = timezone.localdate().year


class IdentityCorrectionForm(forms.Form):
    name = forms.CharField(
        label="更正后的姓名",
        max_length=50,
        required=False,
        help_text="姓名无需更正的，不用填写。",
    )
    id_number = forms.CharField(
        label="更正后的身份证号",
        max_length=64,
        required=False,
        help_text=ids.HELP_TEXT + "身份证号无需更正的，不用填写。",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    reason = forms.CharField(
        label="更正原因",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="例如：注册时身份证号录入错误；姓名已依法变更。",
        error_messages={"required": "请说明需要更正的原因。"},
    )
    evidence = EvidenceField(hint="身份证或户籍证明的扫描件或照片（可不上传）。", required=False)
