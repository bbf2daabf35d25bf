"""Forms of the batch printing page: the years, the selection (everyone with filed hours in a
year, or people ticked in a list) and the output."""

from django import forms
from django.utils import timezone

from portal.forms import ids_parse

from .selectors_batch import batch_unit_lookup
from .services.issues import FIRST_YEAR

OUTPUT_CHOICES = [("pdf", "合并为一个 PDF 文件"), ("zip", "每人一个 PDF 文件，打包为 zip")]


def year_choices() -> list[tuple[int, str]]:
    return [(year, f"{year} 年度") for year in range(timezone.localdate().year, FIRST_YEAR - 1, -1)]


def default_year() -> int:
    """Last year: the one whose hours have been filed by the time certificates are printed."""
    return timezone.localdate().year - 1


class IdListField(forms.Field):
    """The ticked people: a list of ids sent as repeated ``ids`` fields."""

    widget = forms.MultipleHiddenInput
    hidden_widget = forms.MultipleHiddenInput
    default_error_messages = {"required": "请至少勾选一名人员。"}

    def to_python(self, value) -> list[int]:
        if not value:
            return []
        return sorted(ids_parse(value, message="所选人员有误，请重新选择。"))


class BatchForm(forms.Form):
    first_year = forms.TypedChoiceField(label="起始年度", coerce=int)
    last_year = forms.TypedChoiceField(
        label="截止年度",
        coerce=int,
        required=False,
        empty_value=None,
    )
    output = forms.ChoiceField(
        label="输出方式", choices=OUTPUT_CHOICES, initial="pdf", widget=forms.RadioSelect
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    mode = ""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        years = year_choices()
        self.fields["first_year"].choices = years
        self.fields["last_year"].choices = [("", "与起始年度相同")] + years
        self.fields["first_year"].initial = default_year()

    def clean(self):
        data = super().clean()
        if data.get("first_year") is not None and data.get("last_year") is None:
            data["last_year"] = data["first_year"]
        return data

    def selection(self) -> dict:
        """The keyword arguments of the batch services that this form's answers make."""
        data = self.cleaned_data
        return {"first_year": data["first_year"], "last_year": data["last_year"]}


class BatchFiledForm(BatchForm):
    """Everyone in scope with hours filed for a year, optionally in one unit."""

    mode = "filed"

    filed_year = forms.TypedChoiceField(
        label="备案年度",
        coerce=int,
        help_text="本辖区内该年度有已备案学时的人员；应在打印的年度范围之内。",
    )
    unit = forms.CharField(
        label="限定单位（可不填）",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"list": "batch-units", "autocomplete": "off"}),
        help_text="输入单位名称或统一社会信用代码；不填则为辖区内的全部单位。",
    )

    field_order = ["filed_year", "unit", "first_year", "last_year", "output"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["filed_year"].choices = year_choices()
        self.fields["filed_year"].initial = default_year()

    def clean_unit(self):
        text = self.cleaned_data["unit"].strip()
        if not text:
            return None
        return batch_unit_lookup(self.user, text)

    def selection(self) -> dict:
        data = self.cleaned_data
        return {
            **super().selection(),
            "all_filed_year": data["filed_year"],
            "unit_id": data["unit"].pk if data["unit"] is not None else None,
        }


class BatchPickForm(BatchForm):
    """The people ticked in the list of the page."""

    mode = "pick"

    ids = IdListField()
    # The list's search and page, so that an error shows the same list again.
    list_query = forms.CharField(required=False, widget=forms.HiddenInput)

    def selection(self) -> dict:
        return {**super().selection(), "person_ids": self.cleaned_data["ids"]}


class BatchPeopleFilterForm(forms.Form):
    q = forms.CharField(label="姓名、证书管理号或身份证号", required=False, max_length=50)
    unit = forms.CharField(label="单位名称", required=False, max_length=100)


FORMS = {form.mode: form for form in (BatchFiledForm, BatchPickForm)}
