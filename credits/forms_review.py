"""Forms of the review pages: the queue's filters, a batch action and one record's action."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.choices import BaseChoiceIterator

from orgtree.models import Org
from orgtree.roles import roles_of
from orgtree.selectors import orgs_visible_to
from portal.forms import DateField
from portal.widgets import QuickSelect

from .forms import category_choices, date_input, year_choices
from .models import Declaration, ReviewStatus
from .rules import Subject
from .selectors_review import DEFAULT_PAGE_SIZE, PAGE_SIZES, queue_statuses
from .workflow import REASON_REQUIRED

# Org filters render as a select of at most this many orgs (the search box covers the rest).
ORG_CHOICES_LIMIT = 300
BATCH_ACTION_CHOICES = [("approve", "通过"), ("return", "退回"), ("reject", "不予通过")]


class QueueFilterForm(forms.Form):
    """The queue's filters; only the valid ones apply, an invalid one is simply ignored."""

    q = forms.CharField(
        label="姓名、身份证号或证书管理号",
        required=False,
        max_length=40,
        help_text="身份证号和证书管理号须完整；姓名按开头匹配。",
    )
    year = forms.TypedChoiceField(
        label="年度",
        coerce=int,
        required=False,
        widget=QuickSelect,
        choices=lambda: [("", "全部"), *year_choices()],
    )
    status = forms.ChoiceField(label="状态", required=False, widget=QuickSelect)
    subject = forms.ChoiceField(
        label="科目", required=False, widget=QuickSelect, choices=[("", "全部"), *Subject.choices]
    )
    category = forms.ChoiceField(label="类别", required=False, widget=QuickSelect)
    source = forms.ChoiceField(
        label="来源",
        required=False,
        widget=QuickSelect,
        choices=[("", "全部"), *Declaration.Source.choices],
    )
    department = forms.ModelChoiceField(
        label="主管部门",
        required=False,
        queryset=Org.objects.none(),
        empty_label="全部",
        widget=QuickSelect,
    )
    unit = forms.ModelChoiceField(
        label="单位",
        required=False,
        queryset=Org.objects.none(),
        empty_label="全部",
        widget=QuickSelect,
    )
    submitted_from = DateField(label="提交日期自", required=False, widget=date_input())
    submitted_to = DateField(label="至", required=False, widget=date_input())
    sort = forms.ChoiceField(
        label="排序",
        required=False,
        widget=QuickSelect,
        choices=[("", "提交时间从早到晚"), ("desc", "提交时间从晚到早")],
    )
    size = forms.TypedChoiceField(
        label="每页",
        coerce=int,
        required=False,
        widget=QuickSelect,
        empty_value=DEFAULT_PAGE_SIZE,
        choices=[(size, f"{size} 条") for size in PAGE_SIZES],
        initial=DEFAULT_PAGE_SIZE,
    )

    DECLARATION_ONLY = ("subject", "category", "source")

    def __init__(self, *args, actor, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        labels = dict(ReviewStatus.choices)
        self.fields["status"].choices = [
            ("", "全部"),
            *[(status, labels[status]) for status in queue_statuses(actor)],
        ]
        self.fields["category"].choices = [("", "全部"), *category_choices()[1:]]
        scoped = orgs_visible_to(actor).filter(status=Org.Status.APPROVED).order_by("name")
        # A unit admin's scope is their unit: no org to choose (and no query to list none).
        above_units = roles_of(actor).paths(Org.Kind.HRSS, Org.Kind.DEPARTMENT)
        for name, kind_of_org in (("department", Org.Kind.DEPARTMENT), ("unit", Org.Kind.UNIT)):
            if not above_units:
                del self.fields[name]
                continue
            field = self.fields[name]
            field.queryset = scoped.filter(kind=kind_of_org)
            field.widget.choices = _LazyOrgChoices(field.queryset)
        if kind != "declaration":
            for name in self.DECLARATION_ONLY:
                del self.fields[name]

    def filters(self) -> dict:
        """The cleaned values of the fields that are valid (all of them when unbound: none)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if value not in (None, "") and name not in self.errors
        }


class _LazyOrgChoices(BaseChoiceIterator):
    """The select's options, read once when rendered and capped at ORG_CHOICES_LIMIT."""

    def __init__(self, queryset):
        self.queryset = queryset
        self._choices = None

    def __iter__(self):
        if self._choices is None:
            # Read unordered (the scope's path range stops after the limit) and sorted here:
            # ORDER BY name with a LIMIT walked a city's units through the whole province's
            # names, since they cluster by region.
            rows = self.queryset.order_by().values_list("pk", "name")[:ORG_CHOICES_LIMIT]
            self._choices = [("", "全部"), *sorted(rows, key=lambda row: row[1])]
        return iter(self._choices)


class BatchForm(forms.Form):
    action = forms.ChoiceField(label="批量操作", choices=BATCH_ACTION_CHOICES)
    comment = forms.CharField(
        label="审核意见",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="退回或不予通过时必填，将通知申报人。",
    )
    select_all = forms.BooleanField(required=False)
    confirmed = forms.BooleanField(required=False)

    def __init__(self, *args, approve_word: str = "通过", **kwargs):
        super().__init__(*args, **kwargs)
        # 备案 for the HRSS step, as on the rows' own buttons.
        self.fields["action"].choices = [
            (value, approve_word if value == "approve" else label)
            for value, label in BATCH_ACTION_CHOICES
        ]

    def clean(self):
        data = super().clean()
        if data.get("action") in REASON_REQUIRED and not data.get("comment", "").strip():
            self.add_error("comment", "退回或不予通过时请填写原因（将通知申报人）。")
        return data


class ReviewActForm(forms.Form):
    """One record's action: a reason for return/reject/revoke, hours for an approval."""

    comment = forms.CharField(
        label="审核意见",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    approved_hours = forms.DecimalField(
        label="认定学时",
        required=False,
        min_value=0,
        max_value=200,
        decimal_places=1,
        help_text="留空则按申报学时认定；调低须填写原因，只有按申报学时认定的类别可以调高。",
    )
    hours_reason = forms.CharField(label="调整原因", required=False, max_length=300)

    def __init__(self, *args, action: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action
        if action != "approve":
            del self.fields["approved_hours"]
            del self.fields["hours_reason"]
            self.fields["comment"].label = "原因"

    def clean_comment(self):
        comment = self.cleaned_data["comment"].strip()
        if self.action in REASON_REQUIRED and not comment:
            raise ValidationError("请填写原因（将通知申报人）。")
        return comment
