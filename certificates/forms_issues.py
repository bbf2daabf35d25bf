"""Forms of the certificate pages: parsing only; the services check the years and the rules."""

from django import forms

from .models import CertificateIssue


def _year_field(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        coerce=int,
        error_messages={
            "required": "请选择年度。",
            "invalid_choice": "请从列表中选择年度。",
        },
    )


class YearsForm(forms.Form):
    """The years a person may print: from their first year with hours to this year."""

    mode = ""

    def __init__(self, *args, years: list[int], **kwargs):
        kwargs.setdefault("prefix", self.mode)
        super().__init__(*args, **kwargs)
        choices = [(year, f"{year} 年度") for year in sorted(years, reverse=True)]
        for field in self.fields.values():
            field.choices = choices

    # Where the service's errors about the years are shown (see portal.forms.form_errors_add).
    error_route: dict[str, str] = {}


class SingleYearForm(YearsForm):
    mode = "single"

    year = _year_field("选择年度")

    def years(self) -> tuple[int, int]:
        year = self.cleaned_data["year"]
        return year, year

    error_route = {"first_year": "year", "last_year": "year"}


class YearRangeForm(YearsForm):
    mode = "range"

    first_year = _year_field("起始年度")
    last_year = _year_field("截止年度")

    def years(self) -> tuple[int, int]:
        return self.cleaned_data["first_year"], self.cleaned_data["last_year"]


PRINT_FORMS = {form.mode: form for form in (SingleYearForm, YearRangeForm)}


class IssueFilterForm(forms.Form):
    q = forms.CharField(label="姓名、身份证号、证书管理号或核验码", required=False, max_length=50)
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部状态"), *CertificateIssue.Status.choices]
    )
    year = forms.IntegerField(
        label="包含年度",
        required=False,
        min_value=2000,
        max_value=2100,
        error_messages={"invalid": "请输入四位年份。"},
    )
    unit = forms.CharField(label="单位名称", required=False, max_length=100)


class IssueRevokeForm(forms.Form):
    reason = forms.CharField(
        label="作废原因",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="作废原因记入审计日志。",
        error_messages={"required": "请填写作废原因。"},
    )
    confirm = forms.BooleanField(
        label="我已核实情况，确认作废该证书",
        error_messages={"required": "请勾选确认后再作废。"},
    )
