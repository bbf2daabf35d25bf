"""Forms of the plans pages: parsing only; the services check the rules."""

from django import forms

from portal.forms import DateField, IdField
from portal.uploads import upload_limit_mb

from .models import FilingStatus, PlanItem
from .services.plans import HOURS_MAX, ITEMS_MAX, PARTICIPANTS_MAX, plan_years
from .services.rules import RULE_KINDS

# Blank project rows under the filled ones: a phone shows them one under another, and a
# longer plan is saved and opened again for more (no script needed to add rows).
BLANK_ROWS = 3
YEAR_MIN, YEAR_MAX = 2013, 2100


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def org_choice(form: forms.Form, orgs) -> None:
    """The org field of a page an admin of several orgs may file for; hidden for one."""
    field = form.fields["org"]
    field.choices = [(org.pk, org.name) for org in orgs]
    if len(orgs) == 1:
        field.initial = orgs[0].pk
        field.widget = forms.HiddenInput()


class PlanForm(forms.Form):
    org = forms.TypedChoiceField(label="报送单位", coerce=int)
    year = forms.TypedChoiceField(label="年度", coerce=int)
    title = forms.CharField(
        label="计划名称",
        required=False,
        max_length=100,
        help_text="留空则为“单位名称＋年度专业技术人员培训计划”。",
    )
    note = forms.CharField(
        label="说明",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="培训工作的总体安排、经费、考核方式等（可不填）。",
    )

    def __init__(self, *args, orgs=(), creating: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not creating:
            # An existing plan's org and year are what it is: not fields of the page.
            del self.fields["org"], self.fields["year"]
            return
        org_choice(self, list(orgs))
        years = plan_years()
        self.fields["year"].choices = [(year, f"{year} 年度") for year in years]
        self.fields["year"].initial = years[1]  # this year


class PlanItemForm(forms.Form):
    item_id = IdField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(label="培训项目名称", max_length=200)
    form = forms.ChoiceField(label="培训形式", choices=[("", "请选择"), *PlanItem.Form.choices])
    starts_on = DateField(label="开始日期", widget=date_input())
    ends_on = DateField(label="结束日期", widget=date_input())
    hours = forms.DecimalField(
        label="计划学时",
        max_digits=5,
        decimal_places=1,
        min_value=0,
        max_value=HOURS_MAX,
        widget=forms.NumberInput(attrs={"step": "0.5", "min": "0", "inputmode": "decimal"}),
    )
    participants = forms.IntegerField(
        label="预计参训人数",
        min_value=1,
        max_value=PARTICIPANTS_MAX,
        widget=forms.NumberInput(attrs={"min": "1", "inputmode": "numeric"}),
    )
    organiser = forms.CharField(label="组织实施单位", max_length=100)

    def item_fields(self) -> dict:
        data = dict(self.cleaned_data)
        for name in ("item_id", "DELETE"):
            data.pop(name, None)
        return data


PlanItemFormSet = forms.formset_factory(
    PlanItemForm,
    extra=BLANK_ROWS,
    can_delete=True,
    max_num=ITEMS_MAX,
    absolute_max=ITEMS_MAX + BLANK_ROWS,
)


def item_initial(items) -> list[dict]:
    return [
        {
            "item_id": item.pk,
            "title": item.title,
            "form": item.form,
            "starts_on": item.starts_on,
            "ends_on": item.ends_on,
            "hours": item.hours,
            "participants": item.participants,
            "organiser": item.organiser,
        }
        for item in items
    ]


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label="退回理由",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="报送单位将在消息中看到此理由，修改后可重新报送。",
    )


class PlanFilterForm(forms.Form):
    year = forms.IntegerField(label="年度", required=False, min_value=YEAR_MIN, max_value=YEAR_MAX)


STATUS_CHOICES = [
    (FilingStatus.SUBMITTED, "待备案"),
    (FilingStatus.FILED, "已备案"),
    (FilingStatus.RETURNED, "已退回"),
    ("all", "全部"),
]


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(label="状态", required=False, choices=STATUS_CHOICES)
    year = forms.IntegerField(label="年度", required=False, min_value=YEAR_MIN, max_value=YEAR_MAX)
    q = forms.CharField(label="单位名称", required=False, max_length=100)

    def chosen_status(self) -> str:
        """The status asked for; the queue's default is what waits (待备案)."""
        return self.cleaned_data.get("status") or FilingStatus.SUBMITTED


class RuleQueueFilterForm(QueueFilterForm):
    year = None  # a conversion document is of no year


class RuleForm(forms.Form):
    org = forms.TypedChoiceField(label="主管部门", coerce=int)
    title = forms.CharField(label="文件名称", max_length=200)
    summary = forms.CharField(
        label="内容摘要",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="折算的范围、标准和方法要点，所属单位和人员在列表中先看到摘要。",
    )
    document = forms.FileField(
        label="折算办法文件（PDF）",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def __init__(self, *args, orgs=(), document_required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        limit = upload_limit_mb()
        self.fields["document"].help_text = (
            f"正式印发的文件，PDF 格式，不超过 {limit} MB。"
            if document_required
            else f"如需更换文件，请选择新的 PDF 文件（不超过 {limit} MB）；不选择则保留原文件。"
        )
        self.fields["document"].required = document_required
        if orgs is None:
            del self.fields["org"]
        else:
            org_choice(self, [org for org in orgs if org.kind in RULE_KINDS])
