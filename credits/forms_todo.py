"""待办事项's filters and the reminder's confirmation."""

from django import forms
from django.core.exceptions import ValidationError

from orgtree.models import Org
from orgtree.roles import roles_of
from orgtree.selectors import orgs_visible_to
from portal.forms import ids_parse
from portal.widgets import QuickSelect

from .forms_review import _LazyOrgChoices
from .forms_statistics import optional_year, this_year
from .selectors_todo import DEFAULT_DAYS, LISTS, STEP_LABELS, UNIT_PROBLEMS

MAX_DAYS = 3650


class TodoFilterForm(forms.Form):
    """The list and its filters. Blank values take the defaults; an org outside the user's
    scope is not a choice at all (the list then shows nothing, with the error)."""

    list = forms.ChoiceField(label="清单", required=False, choices=LISTS.items())
    year = optional_year("年度", widget=QuickSelect)
    org = forms.ModelChoiceField(
        label="单位（机构）",
        required=False,
        queryset=Org.objects.none(),
        empty_label="全部",
        widget=QuickSelect,
        error_messages={"invalid_choice": "所选单位不在您的管理范围内。"},
    )
    name = forms.CharField(label="姓名", required=False, max_length=50, help_text="按开头匹配。")
    days = forms.IntegerField(
        label="等待超过（天）", required=False, min_value=1, max_value=MAX_DAYS
    )
    step = forms.ChoiceField(
        label="审核环节",
        required=False,
        widget=QuickSelect,
        choices=[("", "全部"), *STEP_LABELS.items()],
    )
    problem = forms.ChoiceField(
        label="问题",
        required=False,
        widget=QuickSelect,
        choices=[("", "全部"), *UNIT_PROBLEMS.items()],
    )

    # The fields each list uses (besides ``list``); the others are dropped from the form.
    FIELDS = {
        "incomplete": ("year", "org", "name"),
        "two_years": ("year", "org", "name"),
        "waiting": ("days", "step", "org"),
        "units": ("year", "problem", "org", "name"),
    }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = self.data.get("list") if self.data.get("list") in LISTS else "incomplete"
        for name in list(self.fields):
            if name != "list" and name not in self.FIELDS[self.kind]:
                del self.fields[name]
        if self.kind == "units":
            self.fields["name"].label = "单位名称"
            self.fields["name"].help_text = ""
        field = self.fields["org"]
        # A unit admin's scope is their unit: nothing to choose (and no query to list it).
        if not roles_of(user).paths(Org.Kind.HRSS, Org.Kind.DEPARTMENT):
            del self.fields["org"]
            return
        # Any org of the scope but an institution (which has no people nor units below it).
        kinds = [Org.Kind.UNIT, Org.Kind.DEPARTMENT, Org.Kind.HRSS]
        field.queryset = orgs_visible_to(user).filter(status=Org.Status.APPROVED, kind__in=kinds)
        field.widget.choices = _LazyOrgChoices(field.queryset)

    def clean(self):
        data = super().clean()
        data["list"] = self.kind
        if "year" in self.fields:
            data["year"] = data.get("year") or this_year()
        if "days" in self.fields:
            data["days"] = data.get("days") or DEFAULT_DAYS
        return data

    def filters(self) -> dict:
        """The cleaned filters as JSON values (the reminder and the export carry them)."""
        data = self.cleaned_data
        values = {name: data.get(name) for name in self.fields if data.get(name) not in (None, "")}
        if values.get("org") is not None:
            values["org"] = values["org"].pk
        return values


class RemindForm(forms.Form):
    """发送提醒: the rows ticked on the page, or every row matching the filter."""

    filter = forms.CharField(required=False, max_length=2000)
    select_all = forms.BooleanField(required=False)
    confirmed = forms.BooleanField(required=False)

    def clean(self):
        data = super().clean()
        values = self.data.getlist("ids") if hasattr(self.data, "getlist") else []
        data["ids"] = sorted(ids_parse(values, message="所选对象无效，请重新选择。"))
        if not data.get("select_all") and not data["ids"]:
            raise ValidationError("请先选择要提醒的对象，或勾选“全部符合筛选条件的对象”。")
        return data
