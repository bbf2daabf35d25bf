from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm

from .services import login_failure_record, login_failures_clear, login_is_locked


def client_ip(request) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is client-controlled unless the proxy is trusted.
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


class LoginForm(AuthenticationForm):
    """Login by username or resident ID number, with lockout after repeated failures."""

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
    }

    def _lock_params(self) -> dict:
        return {
            "limit": settings.LOGIN_FAILURE_LIMIT,
            "minutes": settings.LOGIN_LOCKOUT_SECONDS // 60,
        }

    def clean(self):
        identifier = self.cleaned_data.get("username") or ""
        if identifier and login_is_locked(identifier=identifier):
            raise forms.ValidationError(
                self.error_messages["locked"], code="locked", params=self._lock_params()
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError as exc:
            if identifier and getattr(exc, "code", None) == "invalid_login":
                login_failure_record(identifier=identifier, ip=client_ip(self.request))
            raise
        login_failures_clear(identifier=identifier)
        return cleaned

    def get_invalid_login_error(self):
        return forms.ValidationError(
            self.error_messages["invalid_login"], code="invalid_login", params=self._lock_params()
        )
