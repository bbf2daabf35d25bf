"""Forms of the professional's pages: declarations, their parameters, evidence, exemptions.

Parameter fields: the rules parameter ``<name>`` of a category is the form field ``p_<name>``
(``p_days``, ``p_presented_paper``, ``p_rank``, ``p_words_10k``, ``p_hours``, ``p_courses``,
``p_months``, ``p_organizer_level``), so a category's fields never clash with the declaration's
own (``year``, ``title``, ...), and a service error keyed by a parameter name (``{"days": ...}``)
is shown at ``p_days``. The declaration page renders every category's parameters in its own
``<fieldset>``; only the chosen one is enabled, so only its ``p_*`` fields are posted.
"""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils import timezone

from orgtree.models import Org
from plans.selectors import PLAN_KINDS
from portal.forms import DateField

from .models import Declaration, Exemption, ReviewStatus
from .rules import Category, Param, Subject, categories_for
from .rules.values import LARGEST, as_json_number, as_text
from .services.exemptions import AWAY_MORE_THAN, ON_DUTY_BELOW
from .services.records import FIRST_YEAR

PARAM_PREFIX = "p_"
INTEGER = re.compile(r"^[+-]?\d+$")


def param_field_name(name: str) -> str:
    return f"{PARAM_PREFIX}{name}"


def year_choices() -> list[tuple[int, str]]:
    """The years one may declare for, newest first (the 管理办法's e-records begin in 2013)."""
    return [(year, f"{year} 年度") for year in range(timezone.localdate().year, FIRST_YEAR - 1, -1)]


def category_choices() -> list:
    """The categories by their plain names, grouped by subject, in the order of the regulation
    (the chosen category's fieldset then quotes the article and its wording)."""
    return [("", "请选择学时类别")] + [
        (subject.label, [(c.code, c.name) for c in categories_for(subject.value)])
        for subject in Subject
    ]


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DeclarationForm(forms.Form):
    """The declaration's own fields; its parameters are in :class:`DeclarationParamsForm`."""

    year = forms.TypedChoiceField(label="年度", coerce=int, choices=year_choices)
    category = forms.ChoiceField(label="学时类别", choices=category_choices)
    title = forms.CharField(
        label="项目名称",
        max_length=200,
        help_text=(
            "培训班、会议、课题、论文、著作、专利、考试等的名称。"
            "单位或主管部门培训可留空，按所选培训项目的名称填写。"
        ),
    )
    organiser = forms.CharField(label="主办（发表、授予）单位", max_length=200, required=False)
    start_date = DateField(label="开始日期", required=False, widget=date_input())
    end_date = DateField(label="结束日期", required=False, widget=date_input())
    description = forms.CharField(
        label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    assessment_result = forms.ChoiceField(
        label="考核结果",
        choices=Declaration.Assessment.choices,
        initial=Declaration.Assessment.NOT_APPLICABLE,
        # Left out of a post (an older page, a script) it means no assessment was recorded.
        required=False,
        help_text=(
            "第十条：登记学习的考核结果。没有考核的活动（如会议、论文、专利）选“不适用”；"
            "考核结果为“不合格”的学习不计学时，不能提交审核。"
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        category = self.data.get("category") if self.is_bound else self.initial.get("category")
        if category in PLAN_KINDS:
            # The chosen plan item's name is the title when none is typed (credits-plan-items.js
            # keeps the browser's "required" in step when the category changes on the page).
            self.fields["title"].required = False

    def data_for_service(self, params: dict, plan_item_id: int | None = None) -> dict:
        data = self.cleaned_data
        return {
            "year": data["year"],
            "category": data["category"],
            "params": params,
            "title": data["title"],
            "organiser": data["organiser"],
            "start_date": data["start_date"],
            "end_date": data["end_date"],
            "description": data["description"],
            "assessment_result": data["assessment_result"] or Declaration.Assessment.NOT_APPLICABLE,
            "plan_item_id": plan_item_id,
        }


NO_PLAN_ITEMS = "您所在单位（或主管部门）当年没有已备案的培训计划项目，暂不能申报此类别。"


def plan_item_label(item) -> str:
    """项目名称（组织单位，起止日期，计划学时）."""
    return (
        f"{item.title}（{item.organiser}，{item.starts_on:%Y-%m-%d} 至 {item.ends_on:%Y-%m-%d}，"
        f"计划 {as_text(item.hours)} 学时）"
    )


class PlanItemForm(forms.Form):
    """The training project a unit or department training names (证明材料说明 13, 14): one of
    the items offered to the person's unit for the chosen year, grouped by the plan's org. The
    fieldset of each such category has its own, so only the chosen category's is posted; the
    service checks the choice again."""

    plan_item = forms.TypedChoiceField(
        label="培训计划项目",
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": "所选培训项目不在可选范围内，请重新选择。"},
    )

    def __init__(self, category: str, items, *args, year: int, **kwargs):
        kwargs.setdefault("auto_id", f"id_{category}_%s")
        super().__init__(*args, **kwargs)
        self.year = year
        self.offered = bool(items)
        groups: dict[str, list] = {}
        for item in items:
            groups.setdefault(item.plan.org.name, []).append((item.pk, plan_item_label(item)))
        field = self.fields["plan_item"]
        field.choices = [("", "请选择培训项目"), *groups.items()]
        owner = "本单位" if PLAN_KINDS[category] == Org.Kind.UNIT else "主管部门"
        field.help_text = (
            f"列出{owner} {year} 年度已报人社部门备案的年度培训计划中的项目，"
            "格式为：项目名称（组织单位，起止日期，计划学时）。"
            "项目名称、主办单位和起止日期留空时按所选项目填写。"
        )


def _param_field(param: Param) -> forms.Field:
    label = f"{param.label}（{param.unit}）" if param.unit and param.kind != "bool" else param.label
    common = {"label": label, "required": False, "help_text": param.help}
    if param.kind == "bool":
        return forms.BooleanField(**common)
    if param.kind == "choice":
        return forms.ChoiceField(choices=[("", "请选择"), *param.choices], **common)
    attrs = {"step": "1" if param.kind == "int" else str(Decimal(1).scaleb(-param.decimals))}
    attrs["inputmode"] = "numeric" if param.kind == "int" else "decimal"
    if param.min is not None:
        attrs["min"] = str(param.min)
    if param.max is not None:
        attrs["max"] = str(param.max)
    # A text value, not IntegerField/DecimalField: the rules engine is the one judge of a value
    # and its messages are the ones shown (the same as in the live computation).
    return forms.CharField(widget=forms.NumberInput(attrs=attrs), max_length=30, **common)


class DeclarationParamsForm(forms.Form):
    """The parameters of one category, named ``p_<parameter>``."""

    def __init__(self, category: Category, *args, **kwargs):
        kwargs.setdefault("auto_id", f"id_{category.code}_%s")
        super().__init__(*args, **kwargs)
        self.category = category
        for param in category.params:
            field = _param_field(param)
            field.widget.attrs["data-param"] = param.name
            if param.required:
                field.widget.attrs["required"] = True
            self.fields[param_field_name(param.name)] = field

    @classmethod
    def initial_from(cls, params: dict) -> dict:
        return {param_field_name(name): value for name, value in (params or {}).items()}

    def error_route(self) -> dict[str, tuple[forms.Form, str]]:
        """Where a service's or the rules' error about a parameter is shown: they name it
        ``days``, this form ``p_days`` (for :func:`portal.forms.form_errors_add`)."""
        return {param.name: (self, param_field_name(param.name)) for param in self.category.params}

    def params(self) -> dict:
        """The values as the rules read them; what cannot be read is passed on as typed, so
        that the rules engine names the problem."""
        values: dict = {}
        for param in self.category.params:
            raw = self.cleaned_data.get(param_field_name(param.name))
            if param.kind == "bool":
                values[param.name] = bool(raw)
                continue
            text = (raw or "").strip()
            if not text:
                continue
            values[param.name] = _typed(param, text)
        return values


def _typed(param: Param, text: str):
    if param.kind == "int" and INTEGER.match(text):
        return int(text)
    if param.kind == "number":
        try:
            number = Decimal(text)
        except InvalidOperation:
            return text
        # Within LARGEST only: int() of 1e999999 alone takes half a minute. The rules engine
        # reads the text of a larger number and says it is too large.
        if number.is_finite() and abs(number) <= LARGEST:
            return as_json_number(number)
    return text


class DeclarationFilterForm(forms.Form):
    year = forms.TypedChoiceField(
        label="年度",
        coerce=int,
        required=False,
        choices=lambda: [("", "全部年度"), *year_choices()],
    )
    subject = forms.ChoiceField(
        label="科目", required=False, choices=[("", "全部科目"), *Subject.choices]
    )
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部状态"), *ReviewStatus.choices]
    )


class YearForm(forms.Form):
    year = forms.TypedChoiceField(label="年度", coerce=int, choices=year_choices)


def year_asked(data) -> int:
    """The year a link asks for (``?year=2024``) when one may declare for it, else this year."""
    form = YearForm(data)
    return form.cleaned_data["year"] if form.is_valid() else timezone.localdate().year


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (the pattern of Django's documentation)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple) and data:
            return [single(item, initial) for item in data]
        return [single(data or None, initial)]  # none chosen: the "required" message


class EvidenceUploadForm(forms.Form):
    files = MultipleFileField(
        label="选择文件",
        help_text="PDF、JPEG 或 PNG 格式，可一次选择多个文件；每个文件不超过 {limit} MB。",
        error_messages={"required": "请选择要上传的文件。"},
    )

    def __init__(self, *args, limit_mb: int = 10, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = self.fields["files"].help_text.format(limit=limit_mb)


class ExemptionForm(forms.Form):
    year = forms.TypedChoiceField(label="年度", coerce=int, choices=year_choices)
    reason = forms.ChoiceField(
        label="折算情形",
        choices=[("", "请选择"), *Exemption.Reason.choices],
        help_text=(
            f"境外工作、病假须年度内超过 {AWAY_MORE_THAN} 个月，即在岗不足 {ON_DUTY_BELOW} 个月"
            f"（在岗正好 {ON_DUTY_BELOW} 个月的不能折算）；生育和经业务主管部门批准的其他情况"
            "按实际在岗月数折算。"
        ),
    )
    on_duty_months = forms.TypedChoiceField(
        label="实际在岗月数",
        coerce=int,
        choices=[(months, f"{months} 个月") for months in range(12, -1, -1)],
        help_text=(
            f"该年度内实际在岗工作的月数（0 至 12）。境外工作、病假须不足 {ON_DUTY_BELOW} 个月。"
        ),
    )
    description = forms.CharField(
        label="说明",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="例如：2024 年 3 月至 8 月休产假。",
    )
