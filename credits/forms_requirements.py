"""Forms of the requirement rows pages: parsing only; the service checks the rules."""

from django import forms

from accounts.models import Person
from orgtree.roles import is_province_admin

from .models import Requirement
from .selectors_requirements import requirement_regions_editable, requirement_regions_visible
from .services.records import FIRST_YEAR
from .services.requirements import FIELD_LABELS, HOURS_MAX, LAST_YEAR

PROVINCE = "province"
HOURS_HELP = "留空表示沿用更大范围（全省或全部职称级别）的要求。"


def _hours_field(label: str, name: str) -> forms.DecimalField:
    # The same bounds and words as the service's, checked before a number of any size is in
    # hand.
    message = f"{FIELD_LABELS[name]}应在 0 至 {HOURS_MAX} 之间。"
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=0,
        max_value=HOURS_MAX,
        error_messages={"min_value": message, "max_value": message},
        help_text=HOURS_HELP,
        widget=forms.NumberInput(attrs={"step": "0.1", "min": "0", "max": str(HOURS_MAX)}),
    )


def _year_field(label: str, **kwargs) -> forms.IntegerField:
    message = f"{label}应在 {FIRST_YEAR} 年至 {LAST_YEAR} 年之间。"
    return forms.IntegerField(
        label=label,
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        error_messages={"min_value": message, "max_value": message},
        widget=forms.NumberInput(attrs={"min": str(FIRST_YEAR), "max": str(LAST_YEAR)}),
        **kwargs,
    )


class RequirementForm(forms.Form):
    year_from = _year_field("起始年度")
    year_to = _year_field("截止年度", required=False, help_text="留空表示起始年度之后各年均适用。")
    region = forms.ChoiceField(label="适用地区", required=False)
    title_group = forms.ChoiceField(
        label="职称级别", required=False, choices=Requirement.TitleGroup.choices
    )
    total_min = _hours_field("总学时不少于", "total_min")
    public_min = _hours_field("公需科目不少于", "public_min")
    professional_min = _hours_field("专业科目不少于", "professional_min")
    source = forms.CharField(
        label="依据",
        required=False,
        max_length=200,
        help_text="文件名称和文号，如“平人社专技〔2015〕1号”。",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "全省")] if is_province_admin(user) else []

        choices += [
            (region.code, region.full_name) for region in requirement_regions_editable(user)
        ]
        self.fields["region"].choices = choices

    @staticmethod
    def initial_for(requirement: Requirement) -> dict:
        return {
            "year_from": requirement.year_from,
            "year_to": requirement.year_to,
            "region": requirement.region_id or "",
            "title_group": requirement.title_group,
            "total_min": requirement.total_min,
            "public_min": requirement.public_min,
            "professional_min": requirement.professional_min,
            "source": requirement.source,
        }


def _region_choices(user, first: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return first + [(region.code, region.full_name) for region in requirement_regions_visible(user)]


class RequirementFilterForm(forms.Form):
    year = forms.IntegerField(label="年度", required=False, min_value=2013, max_value=2100)
    region = forms.ChoiceField(label="适用地区", required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = _region_choices(
            user, [("", "全部"), (PROVINCE, "全省（不分地区）")]
        )


class RequirementCalculatorForm(forms.Form):
    """Which minimums apply to a person of a region and title level in a year."""

    year = forms.IntegerField(label="年度", min_value=2013, max_value=2100)
    region = forms.ChoiceField(label="所在地区", required=False)
    title_level = forms.ChoiceField(label="职称级别", choices=Person.TitleLevel.choices)

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("prefix", "calc")
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = _region_choices(user, [("", "省直")])
