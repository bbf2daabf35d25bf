"""The public lookup's two forms: by 证书管理号 and name, or by ID number and name.

Both need the holder's name: 证书管理号 are sequential per county, so a number alone would let
anyone step through them and collect names. Only the format is checked here (13 digits; the ID
number's length, birth date and check digit; a name given). A format error says nothing about
anyone, so it is reported plainly; whether a person or a certificate exists is never told
apart from a wrong name (see views/verify.py).
"""

from django import forms
from django.core.exceptions import ValidationError

from portal.ids import mask_id_number, normalize_id_number

from .verification import cert_no_normalize


def _holder_name_field() -> forms.CharField:
    return forms.CharField(
        label="姓名",
        max_length=50,
        help_text="与证书上的姓名一致。",
        error_messages={"required": "请输入姓名。"},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class LookupForm(forms.Form):
    """Each form has its own prefix (both are on one page) and ``logged_code()``: what the
    verification log keeps of the query."""

    mode = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", self.mode)
        super().__init__(*args, **kwargs)


class CertNoLookupForm(LookupForm):
    mode = "cert"

    cert_no = forms.CharField(
        label="证书管理号",
        max_length=40,
        help_text="证书右上方的 13 位数字，如 4104000000001。",
        error_messages={"required": "请输入证书管理号。"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    name = _holder_name_field()

    def clean_cert_no(self) -> str:
        number = cert_no_normalize(self.cleaned_data["cert_no"])
        if number is None:
            raise ValidationError("证书管理号应为以 41 开头的 13 位数字，请核对后重新输入。")
        return number

    def logged_code(self) -> str:
        # The number only, never the name: the log must not become a list of who was looked up.
        return self.cleaned_data.get("cert_no") or self.data.get(self.add_prefix("cert_no"), "")


class IdentityLookupForm(LookupForm):
    mode = "person"

    id_number = forms.CharField(
        label="身份证号",
        max_length=40,
        help_text="18 位居民身份证号码。",
        error_messages={"required": "请输入身份证号码。"},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    name = _holder_name_field()

    def clean_id_number(self) -> str:
        return normalize_id_number(self.cleaned_data["id_number"])

    def logged_code(self) -> str:
        # Only the masked number: the log must not become a list of who was looked up.
        typed = self.cleaned_data.get("id_number") or self.data.get(
            self.add_prefix("id_number"), ""
        )
        return mask_id_number(str(typed).strip())


LOOKUP_FORMS = {form.mode: form for form in (CertNoLookupForm, IdentityLookupForm)}
