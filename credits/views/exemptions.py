"""Pro-rating a year (管理办法 第八条): the application, its page, submit and withdraw."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View
from django.views.generic import DetailView

from accounts.views.mixins import ProfessionalRequiredMixin
from portal.forms import form_errors_add

from ..forms import ExemptionForm, year_asked
from ..models import Exemption, ReviewStatus
from ..requirements import person_requirement, prorate
from ..selectors import exemptions_of, exemptions_visible_to
from ..services import exemption_create, exemption_submit, exemption_update, exemption_withdraw
from ..services.exemptions import AWAY_MORE_THAN, ON_DUTY_BELOW
from .common import error_message, record_context

EXAMPLE_MONTHS = 6


def prorated_rows(person, year: int, months: int) -> list[dict]:
    """Each minimum of the person's year before and after pro-rating (for the explanation)."""
    required = person_requirement(person=person, year=year)
    return [
        {"label": label, "minimum": minimum, "prorated": prorate(minimum, months)}
        for label, minimum in (
            ("总学时", required.total),
            ("公需科目", required.public),
            ("专业科目", required.professional),
        )
    ]


class ExemptionFormView(ProfessionalRequiredMixin, View):
    template_name = "credits/exemption_form.html"
    exemption: Exemption | None = None

    def render_form(self, form, year: int):
        context = {
            "form": form,
            "exemption": self.exemption,
            "example_months": EXAMPLE_MONTHS,
            "example_year": year,
            "example_rows": prorated_rows(self.person, year, EXAMPLE_MONTHS),
            "away_more_than": AWAY_MORE_THAN,
            "on_duty_below": ON_DUTY_BELOW,
        }
        return render(self.request, self.template_name, context)

    def post(self, request, *args, **kwargs):
        form = ExemptionForm(request.POST)
        year = timezone.localdate().year
        if form.is_valid():
            year = form.cleaned_data["year"]
            try:
                exemption = self.save(form.cleaned_data)
            except ValidationError as exc:
                if self.exemption is not None and not hasattr(exc, "error_dict"):
                    error_message(request, exc)
                    return redirect("credits:exemption-detail", self.exemption.pk)
                form_errors_add(form, exc)
            else:
                return redirect("credits:exemption-detail", exemption.pk)
        return self.render_form(form, year)


class ExemptionCreateView(ExemptionFormView):
    def get(self, request):
        year = year_asked(request.GET)
        return self.render_form(ExemptionForm(initial={"year": year}), year)

    def save(self, data: dict) -> Exemption:
        exemption = exemption_create(actor=self.request.user, **data)
        messages.success(self.request, "折算申请已保存为草稿。请上传证明材料后提交审核。")
        return exemption


class ExemptionUpdateView(ExemptionFormView):
    def refusal(self, pk):
        self.exemption = get_object_or_404(exemptions_of(self.request.user), pk=pk)
        if self.exemption.is_editable:
            return None
        messages.error(self.request, f"“{self.exemption.get_status_display()}”的申请不能修改。")
        return redirect("credits:exemption-detail", pk)

    def get(self, request, pk):
        if refused := self.refusal(pk):
            return refused
        exemption = self.exemption
        form = ExemptionForm(
            initial={
                "year": exemption.year,
                "reason": exemption.reason,
                "on_duty_months": exemption.on_duty_months,
                "description": exemption.description,
            }
        )
        return self.render_form(form, exemption.year)

    def post(self, request, pk):
        if refused := self.refusal(pk):
            return refused
        return super().post(request)

    def save(self, data: dict) -> Exemption:
        exemption = exemption_update(
            actor=self.request.user, exemption_id=self.exemption.pk, **data
        )
        messages.success(self.request, "修改已保存。")
        return exemption


class ExemptionDetailView(LoginRequiredMixin, DetailView):
    template_name = "credits/exemption_detail.html"
    context_object_name = "exemption"

    def get_queryset(self):
        return exemptions_visible_to(self.request.user).select_related(
            "person__user", "person__region", "unit"
        )

    def get_context_data(self, **kwargs):
        exemption = self.object
        return super().get_context_data(
            prorated=prorated_rows(exemption.person, exemption.year, exemption.on_duty_months),
            **record_context(self.request, exemption),
            **kwargs,
        )


class ExemptionSubmitView(LoginRequiredMixin, View):
    """提交, or 重新提交 after a return: the service tells the two apart."""

    def post(self, request, pk):
        try:
            exemption = exemption_submit(actor=request.user, exemption_id=pk)
        except ValidationError as exc:
            error_message(request, exc)
        else:
            messages.success(request, f"已提交，等待“{exemption.unit.name}”审核。")
        return redirect("credits:exemption-detail", pk)


class ExemptionWithdrawView(LoginRequiredMixin, View):
    template_name = "credits/exemption_withdraw.html"

    def get(self, request, pk):
        exemption = get_object_or_404(exemptions_of(request.user), pk=pk)
        if exemption.status != ReviewStatus.SUBMITTED:
            messages.error(request, "只有“待单位审核”的申请可以撤回。")
            return redirect("credits:exemption-detail", pk)
        return render(request, self.template_name, {"exemption": exemption})

    def post(self, request, pk):
        try:
            exemption_withdraw(actor=request.user, exemption_id=pk)
        except ValidationError as exc:
            error_message(request, exc)
        else:
            messages.success(request, "已撤回折算申请。")
        return redirect("credits:exemption-detail", pk)
