"""Forms of the training institutions' programme pages: parsing only; programme_save checks
the rules (the hours' bounds are the rules engine's)."""

from django import forms

from portal.forms import DateField

from .forms import date_input
from .intake.programmes import programme_categories
from .rules import CATEGORIES

HOURS = CATEGORIES["training_base"].param("hours")


class ProgrammeForm(forms.Form):
    title = forms.CharField(label="培训项目名称", max_length=200)
    category = forms.ChoiceField(label="学时类别")
    start_date = DateField(label="开始日期", widget=date_input())
    end_date = DateField(
        label="结束日期", help_text="学时计入结束日期所在年度。", widget=date_input()
    )
    hours = forms.DecimalField(
        label="学时",
        help_text="考核合格人员登记的学时；成绩中可按人填写较少的学时，不能更多。",
        widget=forms.NumberInput(
            attrs={"step": "0.1", "min": str(HOURS.min), "max": str(HOURS.max)}
        ),
    )
    approver = forms.CharField(label="批准机关", max_length=200)
    document_no = forms.CharField(
        label="批准文号", max_length=100, help_text="如“豫人社专技〔2025〕12号”。"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = programme_categories()

    @staticmethod
    def initial_for(programme) -> dict:
        return {
            name: getattr(programme, name)
            for name in (
                "title",
                "category",
                "start_date",
                "end_date",
                "hours",
                "approver",
                "document_no",
            )
        }


class ProgrammeFilterForm(forms.Form):
    q = forms.CharField(label="项目名称", required=False, max_length=100)
