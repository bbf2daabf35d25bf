from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from orgtree.models import Org, Region
from orgtree.selectors import registration_cities, registration_counties
from portal import ids
from portal.forms import IdField, ids_parse
from portal.http import client_ip

from . import phones
from .models import Person
from .selectors import registration_status_of
from .services import (
    LoginLocked,
    login_attempt_claim,
    login_attempt_failed,
    login_attempt_succeeded,
    registration_withdraw_token,
)


class LoginForm(AuthenticationForm):
    """Login by username or resident ID number, with lockout after repeated failures.

    An applicant whose registration keeps the account inactive, and who typed the right
    password, is told the state of that registration (``self.registration``); while it is
    pending they also get a token to withdraw it (``self.withdraw_token``).
    """

    username = forms.CharField(
        label="用户名或身份证号",
        max_length=64,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label="密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": (
            "用户名（或身份证号）或密码不正确。"
            "连续失败 %(limit)s 次后账户将被锁定 %(minutes)s 分钟。"
        ),
        "inactive": "该账户尚未通过审核或已停用。",
        "locked": "登录失败次数过多，账户已被锁定，请 %(minutes)s 分钟后再试。",
        "address_locked": (
            "您所在网络地址的登录失败次数过多，已暂停从该地址登录，请 %(minutes)s 分钟后再试。"
        ),
    }

    registration = None
    withdraw_token = ""

    def _lock_params(self) -> dict:
        return {
            "limit": settings.LOGIN_FAILURE_LIMIT,
            "minutes": settings.LOGIN_LOCKOUT_SECONDS // 60,
        }

    def _locked_error(self, locked: LoginLocked) -> forms.ValidationError:
        code = "locked" if locked.subject == "account" else "address_locked"
        return forms.ValidationError(
            self.error_messages[code], code=code, params={"minutes": locked.minutes}
        )

    def clean(self):
        identifier = self.cleaned_data.get("username") or ""
        if not identifier or not self.cleaned_data.get("password"):
            return super().clean()  # nothing to check: the fields' own errors say what is missing
        ip = client_ip(self.request)
        # The check is reserved before the password is looked at, so that a burst of attempts
        # cannot get more checks than the limit (accounts.services.login).
        try:
            claim = login_attempt_claim(identifier=identifier, ip=ip)
        except LoginLocked as locked:
            raise self._locked_error(locked) from None
        try:
            cleaned = super().clean()
        except forms.ValidationError as exc:
            if getattr(exc, "code", None) == "invalid_login":
                login_attempt_failed(claim=claim, ip=ip)
                raise
            # The password was right but the account may not log in (a pending registration):
            # not a failed guess.
            try:
                login_attempt_succeeded(claim=claim)
            except LoginLocked as locked:
                raise self._locked_error(locked) from None
            raise
        try:
            login_attempt_succeeded(claim=claim)
        except LoginLocked as locked:
            self.user_cache = None
            raise self._locked_error(locked) from None
        return cleaned

    def confirm_login_allowed(self, user):
        if user.is_active:
            return
        status = registration_status_of(user)
        if status is None:
            raise forms.ValidationError(self.error_messages["inactive"], code="inactive")
        self.registration = status
        if status.status == "pending":
            self.withdraw_token = registration_withdraw_token(user)
        raise forms.ValidationError(status.message, code=f"registration_{status.status}")

    def get_invalid_login_error(self):
        return forms.ValidationError(
            self.error_messages["invalid_login"], code="invalid_login", params=self._lock_params()
        )


# --- Choosing a region and a unit (registration, transfer) ---------------------------------------

UNIT_MATCH_LIMIT = 50


class RegionSearchForm(forms.Form):
    """City, then county or zone of that city, then part of a unit's name (a GET form).

    Without JavaScript the county list fills in once the city is submitted; with it
    (accounts-forms.js) choosing a city submits the form at once.
    """

    city = forms.ChoiceField(
        label="所在省辖市",
        required=False,
        widget=forms.Select(attrs={"data-autosubmit": "true"}),
        error_messages={"invalid_choice": "请从列表中选择省辖市。"},
    )
    county = forms.ChoiceField(
        label="所在县（市、区）",
        required=False,
        help_text="市直单位不选县区。",
    )
    q = forms.CharField(label="单位名称", required=False, max_length=50)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cities = list(registration_cities())
        self.fields["city"].choices = [("", "请选择")] + [
            (city.code, f"{city.name}（省直）" if city.parent_id is None else city.name)
            for city in cities
        ]
        chosen = self.data.get("city", "") if self.is_bound else ""
        self.city = next((city for city in cities if city.code == chosen), None)
        self.counties = list(registration_counties(self.city)) if self.city else []
        self.fields["county"].choices = [("", "市直（不选县区）")] + [
            (county.code, county.name) for county in self.counties
        ]
        if self.is_bound and self.data.get("county") not in {"", None} | {
            county.code for county in self.counties
        }:
            # A county of the previously chosen city: the new city's list is shown instead.
            self.data = self.data.copy()
            self.data.pop("county")

    @property
    def shows_county(self) -> bool:
        return bool(self.counties)

    def region(self) -> Region | None:
        """The chosen region: the county if one is chosen, else the city (None until then)."""
        if self.city is None or not self.is_valid():
            return None
        code = self.cleaned_data["county"]
        return next((c for c in self.counties if c.code == code), self.city)

    def region_label(self) -> str:
        region = self.region()
        if region is None:
            return ""
        return region.name if region == self.city else f"{self.city.name}{region.name}"

    def hidden_values(self) -> dict[str, str]:
        """The search, to carry through the POST of the form that follows."""
        if not self.is_valid():
            return {}
        return {name: self.cleaned_data[name] for name in ("city", "county", "q")}


def unit_label(unit: Org) -> str:
    if unit.parent is not None and unit.parent.kind == Org.Kind.DEPARTMENT:
        return f"{unit.name}（主管部门：{unit.parent.name}）"
    return f"{unit.name}（无主管部门）"


class UnitChoiceMixin:
    """A radio list of the units found by the search; the service checks the choice."""

    unit_field = "unit"

    def set_units(self, units) -> None:
        self.fields[self.unit_field].widget.choices = [(u.pk, unit_label(u)) for u in units]


# --- Registration of a professional --------------------------------------------------------------


class PersonRegisterForm(UnitChoiceMixin, forms.Form):
    unit = IdField(
        label="所在单位",
        widget=forms.RadioSelect,
        error_messages={"required": "请选择所在单位。", "invalid": "请选择所在单位。"},
    )
    id_number = forms.CharField(
        label="身份证号",
        max_length=64,
        help_text=ids.HELP_TEXT + "出生日期和性别由身份证号自动生成，无需填写。",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    name = forms.CharField(label="姓名", max_length=50)
    phone = forms.CharField(
        label="手机号码",
        max_length=20,
        help_text=phones.HELP_TEXT,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    title_level = forms.ChoiceField(
        label="职称级别", choices=[("", "请选择")] + Person.TitleLevel.choices
    )
    legacy_cert_no = forms.CharField(
        label="原制式证书管理号",
        max_length=40,
        required=False,
        help_text="持有纸质《河南省专业技术人员继续教育证书》的，填写证书上的管理号；没有可不填。",
    )
    password = forms.CharField(
        label="登录密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html,
    )
    password_confirm = forms.CharField(
        label="确认密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.set_units(units)

    def clean(self):
        cleaned = super().clean()
        password, confirm = cleaned.get("password"), cleaned.get("password_confirm")
        if password and confirm and password != confirm:
            self.add_error("password_confirm", "两次输入的密码不一致。")
        return cleaned


# --- Review by admins ----------------------------------------------------------------------------


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="原因",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "请填写原因。"},
    )

    def __init__(self, *args, label: str = "原因", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label


BATCH_LIMIT = 200


def batch_ids(values: list[str]) -> list[int]:
    """The ids ticked in a queue, capped so that one request stays short."""
    numbers = ids_parse(values, message="所选记录无效，请重新勾选。")
    if not numbers:
        raise ValidationError("请先勾选要通过的注册申请。")
    if len(numbers) > BATCH_LIMIT:
        raise ValidationError(f"一次最多批量通过 {BATCH_LIMIT} 条，请分批操作。")
    return numbers


class RegistrationFilterForm(forms.Form):
    q = forms.CharField(label="姓名或身份证号", required=False, max_length=50)
    # Any unit id filters (the unit links in the rows); the select lists the common ones.
    unit = IdField(label="单位", required=False, widget=forms.Select)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].widget.choices = [("", "全部单位")] + [(u.pk, u.name) for u in units]


class PersonFilterForm(forms.Form):
    q = forms.CharField(label="姓名、身份证号或证书管理号", required=False, max_length=50)
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部状态")] + Person.Status.choices
    )
    title_level = forms.ChoiceField(
        label="职称级别", required=False, choices=[("", "全部级别")] + Person.TitleLevel.choices
    )
    org = IdField(required=False, widget=forms.HiddenInput)


# --- Transfers -----------------------------------------------------------------------------------


class PersonTransferForm(UnitChoiceMixin, forms.Form):
    unit_field = "to_unit"

    to_unit = IdField(
        label="调入单位",
        widget=forms.RadioSelect,
        error_messages={"required": "请选择调入单位。", "invalid": "请选择调入单位。"},
    )
    reason = forms.CharField(
        label="调动说明",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="如：工作调动，2026 年 3 月起在新单位工作。",
        error_messages={"required": "请填写调动说明。"},
    )

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.set_units(units)
