"""截止日期例外 for one person: an HRSS admin finds the person in their scope by ID number and
lets exactly them past a deadline. The exception itself is orgtree's (orgtree.services.calendar),
which never reads people: this page finds the person and names their unit for the scope check."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views import View

from orgtree.calendar import year_label
from orgtree.forms_calendar import DeadlineExceptionForm
from orgtree.mixins import HrssAdminRequiredMixin
from orgtree.models import Org
from orgtree.selectors import scope_q
from orgtree.services.calendar import PERSON_EXCEPTION_KINDS, deadline_exception_grant
from portal.forms import form_errors_add
from portal.ids import normalize_id_number

from ..selectors import persons_visible_to


class PersonExceptionForm(DeadlineExceptionForm):
    id_number = forms.CharField(
        label="身份证号",
        max_length=40,
        help_text="例外只适用于该人员本人，同单位的其他人员不受影响。",
        error_messages={"required": "请填写人员的身份证号。"},
    )
    field_order = ["id_number", "kind", "year", "reason", "expires_on"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["kind"].choices = [(kind.value, kind.label) for kind in PERSON_EXCEPTION_KINDS]

    def clean_id_number(self) -> str:
        try:
            number = normalize_id_number(self.cleaned_data["id_number"])
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from None
        person = (
            persons_visible_to(self.user)
            .filter(scope_q(self.user, kinds=[Org.Kind.HRSS]), user__id_number=number)
            .select_related("user", "unit")
            .first()
        )
        if person is None:
            raise forms.ValidationError("在您管理的范围内没有找到该人员。")
        self.cleaned_data["person"] = person
        return number


class PersonExceptionGrantView(HrssAdminRequiredMixin, View):
    template_name = "accounts/deadline_exception_form.html"

    def get(self, request):
        form = PersonExceptionForm(user=request.user)
        return render(request, self.template_name, {"form": form})

    def post(self, request):
        form = PersonExceptionForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            person = data["person"]
            try:
                granted = deadline_exception_grant(
                    actor=request.user,
                    kind=data["kind"],
                    year=data["year"],
                    reason=data["reason"],
                    expires_on=data["expires_on"],
                    user=person.user,
                    unit=person.unit,
                )
            except ValidationError as exc:
                form_errors_add(form, exc)
            else:
                messages.success(
                    request,
                    f"已准许{person.user.name}（{person.unit.name}）在"
                    f"{granted.expires_on:%Y-%m-%d}前办理"
                    f"{year_label(granted.kind, granted.year)}{granted.get_kind_display()}。",
                )
                return redirect("orgtree:deadline-exceptions")
        return render(request, self.template_name, {"form": form})
