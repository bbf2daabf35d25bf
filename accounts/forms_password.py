"""The forms of 忘记密码 (accounts/services/password_reset.py)."""

from django import forms


class IdentifierField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(
            label="身份证号或用户名",
            max_length=64,
            widget=forms.TextInput(attrs={"autocomplete": "username"}),
            **kwargs,
        )


class PasswordResetSmsForm(forms.Form):
    identifier = IdentifierField()


class PasswordResetRedeemForm(forms.Form):
    identifier = IdentifierField()
    code = forms.CharField(
        label="重置码或短信验证码",
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}),
        help_text="单位管理员交给您的 10 位重置码，或短信收到的 6 位验证码（不区分大小写）。",
    )
    new_password1 = forms.CharField(
        label="新密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label="确认新密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        first, second = data.get("new_password1"), data.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", "两次输入的新密码不一致。")
        return data
