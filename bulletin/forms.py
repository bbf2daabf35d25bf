"""Forms of the notice and help pages: parsing only; the services check the rules."""

from django import forms
from django.core.exceptions import ValidationError

from portal.forms import DATE_MAX, DATE_MIN, DATE_RANGE_MESSAGE
from portal.uploads import upload_limit_mb

from .models import Notice, OfficeContact

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeField(forms.DateTimeField):
    """A date and time typed in the browser's date-time picker, within the portal's date
    range (a year-1 time would not even convert to UTC)."""

    default_error_messages = {"invalid": "请输入有效的日期和时间，格式如 2026-03-15 09:00。"}

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget",
            forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        result = super().to_python(value)
        # The local date, read without converting: no arithmetic on an out-of-range value.
        if result is not None and not DATE_MIN <= result.date() <= DATE_MAX:
            raise ValidationError(DATE_RANGE_MESSAGE, code="range")
        return result


class NoticeForm(forms.Form):
    office = forms.TypedChoiceField(label="发布机关", coerce=int)
    category = forms.ChoiceField(label="类别", choices=Notice.Category.choices)
    title = forms.CharField(label="标题", max_length=200)
    body = forms.CharField(
        label="正文",
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text="纯文本：空一行分段，回车换行；不支持网页代码，输入的代码会原样显示为文字。",
    )
    is_public = forms.BooleanField(
        label="向社会公开（未登录的访客也能看到；省人社厅的公开通知显示在首页）",
        required=False,
    )
    publish_at = DateTimeField(
        label="发布时间",
        required=False,
        help_text="留空或早于发布操作时，以点击“发布”的时间为准；晚于当前时间的为定时发布。",
    )
    expires_at = DateTimeField(label="截止展示时间", required=False, help_text="留空表示长期展示。")

    def __init__(self, *args, offices=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["office"]
        field.choices = [(office.pk, office.name) for office in offices]
        if len(field.choices) == 1:
            # One office: nothing to choose, and nothing to send.
            field.widget = forms.HiddenInput()
            field.required = False
            field.initial = field.choices[0][0]

    def clean_office(self):
        return self.cleaned_data["office"] or self.fields["office"].initial

    @staticmethod
    def initial_for(notice: Notice) -> dict:
        return {
            "office": notice.office_id,
            "category": notice.category,
            "title": notice.title,
            "body": notice.body,
            "is_public": notice.is_public,
            "publish_at": notice.publish_at,
            "expires_at": notice.expires_at,
        }


class NoticeEditForm(NoticeForm):
    """An existing notice keeps its office."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["office"]


class NoticeAttachmentForm(forms.Form):
    file = forms.FileField(label="上传附件（PDF）")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = f"只接受 PDF 文件，每个不超过 {upload_limit_mb()} MB。"
        self.fields["file"].widget.attrs["accept"] = "application/pdf,.pdf"


class NoticeFilterForm(forms.Form):
    q = forms.CharField(label="标题", required=False, max_length=100)
    category = forms.ChoiceField(
        label="类别", required=False, choices=[("", "全部类别"), *Notice.Category.choices]
    )


class NoticeManageFilterForm(NoticeFilterForm):
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部状态"), *Notice.Status.choices]
    )


class FaqSearchForm(forms.Form):
    q = forms.CharField(label="搜索问题", required=False, max_length=100)


class OfficeContactForm(forms.ModelForm):
    phone = forms.CharField(
        label="咨询电话",
        max_length=50,
        help_text="带区号的固定电话或手机号码，如 0375-2345678；多个号码用“、”分隔。",
    )

    class Meta:
        model = OfficeContact
        fields = ["department", "phone", "address", "office_hours", "email", "note"]
        help_texts = {
            "department": "如“专业技术人员管理科”。",
            "office_hours": "如“工作日 上午 8:30—12:00，下午 15:00—18:00”。",
        }
