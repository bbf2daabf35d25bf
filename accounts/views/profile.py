"""A professional's own record (我的档案) and their transfer (调动) requests."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views import View
from django.views.generic import TemplateView

from portal.forms import form_errors_add

from ..forms import PersonTransferForm, RegionSearchForm
from ..models import PersonTransfer
from ..services import person_transfer_request, person_transfer_withdraw
from .mixins import ProfessionalRequiredMixin, UnitSearchMixin
from .profile_requests import profile_requests_context


def transfers_of(person):
    return person.transfers.select_related("from_unit", "to_unit", "decided_by")


class PersonProfileView(ProfessionalRequiredMixin, TemplateView):
    template_name = "accounts/person_profile.html"

    def get_context_data(self, **kwargs):
        person = self.person
        transfers = list(transfers_of(person))
        return super().get_context_data(
            person=person,
            unit_chain=[org.name for org in person.unit.get_ancestors()],
            transfers=transfers,
            pending_transfer=next(
                (t for t in transfers if t.status == PersonTransfer.Status.PENDING), None
            ),
            **profile_requests_context(person),
            **kwargs,
        )


class PersonTransferCreateView(ProfessionalRequiredMixin, UnitSearchMixin, View):
    """Asks to move to another unit: region and unit search, then the reason."""

    template_name = "accounts/person_transfer_form.html"

    def context(self, search: RegionSearchForm) -> dict:
        context = self.unit_search(search)
        context["person"] = self.person
        context["pending_transfer"] = (
            transfers_of(self.person).filter(status=PersonTransfer.Status.PENDING).first()
        )
        return context

    def get(self, request):
        context = self.context(RegionSearchForm(request.GET or None))
        if context["region"] is not None:
            context["form"] = PersonTransferForm(units=context["units"])
        return render(request, self.template_name, context)

    def post(self, request):
        context = self.context(RegionSearchForm(request.POST))
        form = PersonTransferForm(request.POST, units=context["units"])
        context["form"] = form
        if not form.is_valid():
            return render(request, self.template_name, context)
        try:
            transfer = person_transfer_request(
                person=self.person,
                to_unit_id=form.cleaned_data["to_unit"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form_errors_add(form, exc)
            return render(request, self.template_name, context)
        messages.success(request, f"调动申请已提交，等待“{transfer.to_unit.name}”管理员办理接收。")
        return redirect("accounts:me")


class PersonTransferWithdrawView(ProfessionalRequiredMixin, View):
    def post(self, request, pk):
        try:
            person_transfer_withdraw(person=self.person, transfer_id=pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "已撤回调动申请。")
        return redirect("accounts:me")
