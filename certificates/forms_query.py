"""The admins' single certificate query: one box that takes a 证书管理号, an ID number or a name.

The form only decides what the text is; which people it finds is the selector's business.
"""

import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError

from portal.ids import normalize_id_number

from .selectors_query import NAME_PREFIX_MIN, PersonLookup

CERT_NO_LENGTH = 13
ID_NUMBER_LENGTH = 18
# After NFKC every digit is ASCII, so these patterns see full-width input as well.
_HAS_DIGIT = re.compile(r"[0-9]")
_CERT_NO = re.compile(r"[0-9]{13}")
_ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]")
_NUMBER = re.compile(r"[0-9]+X?")


class PersonQueryForm(forms.Form):
    q = forms.CharField(
        label="证书管理号、身份证号或姓名",
        max_length=50,
        error_messages={
            "required": "请输入证书管理号、身份证号或姓名。",
            "max_length": "最多输入 %(limit_value)d 个字符，请核对后重新输入。",
        },
        help_text=(
            f"13 位证书管理号（含原制式证书管理号）或 18 位身份证号须完整；姓名输入 "
            f"{NAME_PREFIX_MIN} 个字及以上时按开头匹配，1 个字时须与姓名完全相同。"
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )

    def clean_q(self) -> PersonLookup:
        # NFKC: a Chinese input method often types full-width digits and letters.
        text = unicodedata.normalize("NFKC", self.cleaned_data["q"]).strip()
        if not text:
            raise ValidationError(self.fields["q"].error_messages["required"], code="required")
        if not _HAS_DIGIT.search(text):
            return PersonLookup(PersonLookup.NAME, " ".join(text.split()))
        # Numbers are often pasted with spaces in groups of digits.
        number = re.sub(r"\s+", "", text).upper()
        if _CERT_NO.fullmatch(number):
            return PersonLookup(PersonLookup.CERT_NO, number)
        if _ID_SHAPE.fullmatch(number):
            try:
                return PersonLookup(PersonLookup.ID_NUMBER, normalize_id_number(number))
            except ValidationError as exc:
                raise ValidationError(exc.messages, code="id_number") from None
        if _NUMBER.fullmatch(number):
            raise ValidationError(
                "号码位数不正确：证书管理号为 %(cert)d 位数字，"
                "身份证号为 %(id)d 位（末位可以是 X），您输入的是 %(n)d 位，请核对后重新输入。",
                code="length",
                params={"cert": CERT_NO_LENGTH, "id": ID_NUMBER_LENGTH, "n": len(number)},
            )
        raise ValidationError(
            "请输入完整的证书管理号（13 位数字）、身份证号（18 位，末位可以是 X）或姓名；"
            "姓名中不能含有数字。",
            code="invalid",
        )
