"""The statistics page's parameters: which org, and a range of at most ten years."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from portal.forms import IdField

from .forms import year_choices
from .services.records import FIRST_YEAR

MAX_YEARS = 10
YEAR_ERRORS = {"invalid_choice": f"请选择 {FIRST_YEAR} 年度至今的年度。"}


def this_year() -> int:
    return timezone.localdate().year


def optional_year(label: str, **kwargs) -> forms.TypedChoiceField:
    """A year chosen from the portal's years; blank takes the page's default."""
    return forms.TypedChoiceField(
        label=label,
        coerce=int,
        required=False,
        choices=year_choices,
        error_messages=YEAR_ERRORS,
        **kwargs,
    )


class StatisticsForm(forms.Form):
    """Blank values take the defaults (the user's highest org, this year); the view resolves
    the org within the user's scope."""

    org = IdField(required=False, widget=forms.HiddenInput)
    first = optional_year("起始年度")
    last = optional_year("截止年度")

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        last = data.get("last") or this_year()
        first = data.get("first") or last
        if first > last:
            raise ValidationError("起始年度不能晚于截止年度。")
        if last - first + 1 > MAX_YEARS:
            raise ValidationError(f"一次最多统计 {MAX_YEARS} 个年度，请缩小年度范围。")
        data["first"], data["last"] = first, last
        return data


class PeopleYearForm(forms.Form):
    year = optional_year("年度")

    def clean_year(self) -> int:
        return self.cleaned_data.get("year") or this_year()
