"""Forms of the platform token pages: parsing only; the services check scope and rights."""

from django import forms


class ApiTokenCreateForm(forms.Form):
    institution = forms.ModelChoiceField(
        label="施教机构",
        queryset=None,
        empty_label="请选择施教机构",
        error_messages={"invalid_choice": "请选择您管理范围内的施教机构。"},
    )
    name = forms.CharField(
        label="令牌名称",
        max_length=100,
        help_text="如“某某在线学习平台”，便于日后识别和吊销。",
        error_messages={"required": "请填写令牌名称。"},
    )
    recognised = forms.BooleanField(
        label="省级认定的公需科目学习平台",
        required=False,
        help_text="勾选后，该平台推送的公需科目学时直接备案；专业科目学时仍进入本人所在单位审核。",
    )

    def __init__(self, *args, institutions, may_recognise: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions
        if not may_recognise:
            # Only the province's office recognises platforms: others never see the box.
            del self.fields["recognised"]
