"""失信记录: HRSS admins record falsification findings and strike entries made in error."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View
from django.views.generic import ListView

from orgtree.mixins import HrssAdminRequiredMixin
from portal.forms import form_errors_add
from portal.http import client_ip

from ..forms_checks import SanctionCreateForm, SanctionFilterForm, SanctionRevokeForm
from ..models import Sanction
from ..selectors_checks import sanctions_visible_to
from ..services.sanctions import sanction_create, sanction_revoke
from .common import error_message


def subject_name(sanction: Sanction) -> str:
    return sanction.person.user.name if sanction.person_id else sanction.unit.name


class SanctionListView(HrssAdminRequiredMixin, ListView):
    template_name = "credits/sanction_list.html"
    context_object_name = "sanctions"
    paginate_by = 50

    def get_queryset(self):
        self.filters = SanctionFilterForm(self.request.GET)
        queryset = sanctions_visible_to(self.request.user).select_related(
            "person__user", "person__unit", "unit", "created_by", "revoked_by"
        )
        if not self.filters.is_valid():
            return queryset.none()
        state, text = self.filters.cleaned_data["state"], self.filters.cleaned_data["q"].strip()
        today = timezone.localdate()
        if state == "active":
            queryset = queryset.active(today)
        elif state == "expired":
            queryset = queryset.expired(today)
        elif state == "revoked":
            queryset = queryset.filter(revoked_at__isnull=False)
        if text:
            queryset = queryset.filter(
                Q(person__user__name__icontains=text)
                | Q(person__unit__name__icontains=text)
                | Q(unit__name__icontains=text)
                | Q(person__user__id_number=text.upper())
                | Q(unit__credit_code=text.upper())
            )
        return queryset.order_by("-found_on", "-pk")

    def get_context_data(self, **kwargs):
        return super().get_context_data(filters=self.filters, **kwargs)


class SanctionCreateView(HrssAdminRequiredMixin, View):
    template_name = "credits/sanction_form.html"

    def get(self, request):
        return render(request, self.template_name, {"form": SanctionCreateForm(user=request.user)})

    def post(self, request):
        form = SanctionCreateForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                sanction = sanction_create(
                    actor=request.user,
                    person=data.get("person"),
                    unit=data.get("unit"),
                    reason=data["reason"],
                    found_on=data["found_on"],
                    barred_from=data["barred_from"],
                    ip=client_ip(request),
                )
            except ValidationError as exc:
                form_errors_add(form, exc)
            else:
                messages.success(
                    request,
                    f"已记录“{subject_name(sanction)}”的失信信息，"
                    f"至 {sanction.barred_until:%Y-%m-%d} 前不得申报人社部门各类专家评审推荐工作。",
                )
                return redirect("credits:sanctions")
        return render(request, self.template_name, {"form": form})


class SanctionRevokeView(HrssAdminRequiredMixin, View):
    template_name = "credits/sanction_revoke.html"

    def sanction(self, pk) -> Sanction:
        queryset = sanctions_visible_to(self.request.user).select_related(
            "person__user", "person__unit", "unit"
        )
        return get_object_or_404(queryset, pk=pk)

    def get(self, request, pk):
        sanction = self.sanction(pk)
        context = {
            "sanction": sanction,
            "name": subject_name(sanction),
            "form": SanctionRevokeForm(),
        }
        return render(request, self.template_name, context)

    def post(self, request, pk):
        sanction = self.sanction(pk)
        form = SanctionRevokeForm(request.POST)
        if form.is_valid():
            try:
                sanction_revoke(
                    actor=request.user,
                    sanction_id=sanction.pk,
                    reason=form.cleaned_data["reason"],
                    ip=client_ip(request),
                )
            except ValidationError as exc:
                error_message(request, exc)
            else:
                messages.success(request, f"已撤销“{subject_name(sanction)}”的失信记录。")
            return redirect("credits:sanctions")
        context = {"sanction": sanction, "name": subject_name(sanction), "form": form}
        return render(request, self.template_name, context)
