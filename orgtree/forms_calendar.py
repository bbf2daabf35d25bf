"""Forms of the calendar pages: parsing only; orgtree/services/calendar.py checks the rules."""

from django import forms
from django.utils import timezone

from portal.forms import DateField

from .calendar import FIRST_YEAR
from .models import Org
from .models_calendar import DeadlineKind
from .roles import hrss_offices
from .selectors_calendar import exception_orgs_for
from .services.calendar import EXCEPTION_KINDS

YEAR_HELP = "学时申报、审核、备案和补学填学时所属年度；单位注册和个人注册填注册当年。"


def _year_field(label: str, **kwargs) -> forms.IntegerField:
    latest = timezone.localdate().year + 1
    message = f"{label}应在 {FIRST_YEAR} 年至 {latest} 年之间。"
    return forms.IntegerField(
        label=label,
        min_value=FIRST_YEAR,
        max_value=latest,
        error_messages={"min_value": message, "max_value": message, "invalid": message},
        widget=forms.NumberInput(attrs={"min": str(FIRST_YEAR), "max": str(latest)}),
        **kwargs,
    )


def _date_field(label: str, **kwargs) -> DateField:
    return DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}), **kwargs)


class OfficeChoiceMixin:
    """An ``office`` field listing the user's HRSS offices (most have one: then it is hidden)."""

    def office_field_set(self, user) -> None:
        self.offices = {str(office.pk): office for office in hrss_offices(user)}
        field = self.fields["office"]
        field.choices = [(pk, office.name) for pk, office in self.offices.items()]
        if len(self.offices) < 2:
            field.widget = forms.HiddenInput()

    def chosen_office(self) -> Org | None:
        chosen = getattr(self, "cleaned_data", {}).get("office")
        return self.offices.get(chosen) or next(iter(self.offices.values()), None)


class CalendarChoiceForm(OfficeChoiceMixin, forms.Form):
    """Which office's calendar and which year the 年度日程 page shows (GET)."""

    office = forms.ChoiceField(label="设定机关", required=False)
    year = forms.IntegerField(label="年度", required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"] = _year_field("年度", required=False)
        self.office_field_set(user)

    def chosen_year(self) -> int:
        chosen = self.cleaned_data.get("year") if self.is_valid() else None
        return chosen or timezone.localdate().year


class DeadlineForm(forms.Form):
    kind = forms.ChoiceField(label="事项", choices=DeadlineKind.choices)
    year = forms.IntegerField(label="年度")
    opens_on = _date_field("补学开始日期", required=False, help_text="只有补学填写。")
    closes_on = _date_field(
        "截止日期", help_text="当日仍可办理，次日起不予办理；补学填补学的最后一天。"
    )
    note = forms.CharField(label="说明", required=False, max_length=200)

    def __init__(self, *args, fixed: bool = False, **kwargs):
        """``fixed``: an existing row, whose kind and year stay as they are."""
        super().__init__(*args, **kwargs)
        self.fields["year"] = _year_field("年度", help_text=YEAR_HELP)
        if fixed:
            self.fields["kind"].disabled = self.fields["year"].disabled = True


class DeadlineCopyForm(OfficeChoiceMixin, forms.Form):
    office = forms.ChoiceField(label="设定机关", required=False)
    from_year = forms.IntegerField(label="复制年度")
    to_year = forms.IntegerField(label="复制到")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_year"] = _year_field("复制年度")
        self.fields["to_year"] = _year_field("复制到", help_text="日期顺延相应年数。")
        self.office_field_set(user)


EXCEPTION_KIND_CHOICES = [(kind.value, kind.label) for kind in EXCEPTION_KINDS]


class DeadlineExceptionFilterForm(forms.Form):
    STATES = [("", "全部"), ("active", "有效"), ("expired", "已过期"), ("revoked", "已撤销")]

    year = forms.IntegerField(label="年度", required=False)
    kind = forms.ChoiceField(label="事项", required=False)
    state = forms.ChoiceField(label="状态", required=False, choices=STATES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"] = _year_field("年度", required=False)
        self.fields["kind"].choices = [("", "全部"), *EXCEPTION_KIND_CHOICES]


class DeadlineExceptionForm(forms.Form):
    """What every exception says: the deadline it passes, why, and until when. The subject
    (a unit here, a person in accounts' form) is added by the subclass."""

    kind = forms.ChoiceField(label="事项", choices=EXCEPTION_KIND_CHOICES)
    year = forms.IntegerField(label="年度")
    reason = forms.CharField(
        label="理由",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写理由。"},
    )
    expires_on = _date_field("有效期至", help_text="含当日；最长一年。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"] = _year_field("年度", help_text=YEAR_HELP)
        self.fields["year"].initial = timezone.localdate().year - 1


class UnitExceptionForm(DeadlineExceptionForm):
    org_key = forms.CharField(
        label="单位统一社会信用代码或全称",
        max_length=100,
        help_text="例外适用于该单位的人员和记录；单位注册的例外适用于注册到该机构下的单位。",
        error_messages={"required": "请填写单位的统一社会信用代码或全称。"},
    )
    field_order = ["org_key", "kind", "year", "reason", "expires_on"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_org_key(self) -> str:
        key = self.cleaned_data["org_key"].strip()
        found = exception_orgs_for(self.user, key)
        if not found:
            raise forms.ValidationError("在您管理的范围内没有找到该单位。")
        if len(found) > 1:
            raise forms.ValidationError("有多个同名单位，请填写统一社会信用代码。")
        self.cleaned_data["org"] = found[0]
        return key
