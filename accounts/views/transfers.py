"""Incoming transfers (调动接收): the receiving unit's admins accept or refuse them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View
from django.views.generic import ListView

from orgtree.mixins import OrgAdminRequiredMixin
from portal.forms import form_errors_add
from portal.http import redirect_next
from portal.pagination import BoundedPaginator

from ..forms import ReasonForm
from ..models import PersonTransfer
from ..selectors import transfers_incoming_for
from ..services import person_transfer_approve, person_transfer_reject


class PersonTransferListView(OrgAdminRequiredMixin, ListView):
    template_name = "accounts/person_transfer_list.html"
    context_object_name = "transfers"
    paginate_by = 20
    paginator_class = BoundedPaginator

    def get_queryset(self):
        return (
            transfers_incoming_for(self.request.user)
            .filter(status=PersonTransfer.Status.PENDING)
            .select_related("person__user", "from_unit", "to_unit")
            .order_by("requested_at", "pk")
        )


class PersonTransferApproveView(OrgAdminRequiredMixin, View):
    def post(self, request, pk):
        try:
            transfer = person_transfer_approve(actor=request.user, transfer_id=pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            person = transfer.person
            messages.success(
                request,
                f"已接收“{person.user.display_name}”调入“{transfer.to_unit.name}”，"
                f"证书管理号 {person.cert_no or '（无）'} 保持不变。",
            )
        return redirect_next(request, "accounts:transfers")


class PersonTransferRejectView(OrgAdminRequiredMixin, View):
    template_name = "accounts/person_transfer_reject.html"

    def get_transfer(self, pk) -> PersonTransfer:
        return get_object_or_404(
            transfers_incoming_for(self.request.user).select_related(
                "person__user", "from_unit", "to_unit"
            ),
            pk=pk,
        )

    def get(self, request, pk):
        transfer = self.get_transfer(pk)
        if transfer.status != PersonTransfer.Status.PENDING:
            messages.info(request, f"该调动申请已办理（{transfer.get_status_display()}）。")
            return redirect("accounts:transfers")
        return render(
            request,
            self.template_name,
            {"transfer": transfer, "form": ReasonForm(label="不接收原因")},
        )

    def post(self, request, pk):
        transfer = self.get_transfer(pk)
        form = ReasonForm(request.POST, label="不接收原因")
        if form.is_valid():
            try:
                person_transfer_reject(
                    actor=request.user, transfer_id=pk, reason=form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                if not hasattr(exc, "error_dict"):
                    messages.error(request, " ".join(exc.messages))
                    return redirect("accounts:transfers")
                form_errors_add(form, exc)
            else:
                messages.success(
                    request, f"已不予接收“{transfer.person.user.display_name}”的调动申请。"
                )
                return redirect("accounts:transfers")
        return render(request, self.template_name, {"transfer": transfer, "form": form})
