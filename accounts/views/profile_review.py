"""资料变更审核: the admins' queue of their people's title changes and name / ID corrections,
and the decisions (approve from the list; reject on a confirmation page with the reason)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View
from django.views.generic import ListView

from orgtree.mixins import OrgAdminRequiredMixin
from portal.forms import form_errors_add
from portal.home import Waiting
from portal.http import redirect_next
from portal.pagination import BoundedPaginator, bounded_count

from ..forms import ReasonForm
from ..selectors import (
    identity_corrections_pending_for,
    identity_corrections_visible_to,
    profile_requests_pending,
    title_changes_pending_for,
    title_changes_visible_to,
)
from ..services import (
    identity_correction_approve,
    identity_correction_reject,
    title_change_approve,
    title_change_reject,
)

QUEUE = "accounts:profile-requests"
KINDS = {"title": "职称变更", "identity": "姓名、身份证号更正"}


def _queue(kind: str) -> str:
    return f"{reverse(QUEUE)}?kind={kind}"


class ProfileRequestListView(OrgAdminRequiredMixin, ListView):
    """One kind at a time (``?kind=title|identity``), each tab with its bounded count."""

    template_name = "accounts/profile_request_list.html"
    context_object_name = "requests"
    paginate_by = 20
    paginator_class = BoundedPaginator

    def get(self, request, *args, **kwargs):
        self.kind = request.GET.get("kind")
        if self.kind not in KINDS:
            self.kind = "title"
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if self.kind == "identity":
            return identity_corrections_pending_for(self.request.user)
        return title_changes_pending_for(self.request.user)

    def get_context_data(self, **kwargs):
        user = self.request.user
        titles, corrections = profile_requests_pending(user)
        counts = {"title": bounded_count(titles), "identity": bounded_count(corrections)}
        tabs = [
            {
                "kind": kind,
                "label": label,
                # The home page's wording of a bounded count ("1,000+").
                "count_label": Waiting(kind, label, counts[kind], "").count_label,
                "active": kind == self.kind,
            }
            for kind, label in KINDS.items()
        ]
        return super().get_context_data(kind=self.kind, tabs=tabs, **kwargs)


class _ApproveView(OrgAdminRequiredMixin, View):
    def post(self, request, pk):
        try:
            decided = self.approve(request.user, pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, self.approved_message(decided))
        return redirect_next(request, QUEUE)


class TitleChangeApproveView(_ApproveView):
    def approve(self, user, pk):
        return title_change_approve(actor=user, change_id=pk)

    def approved_message(self, change) -> str:
        return (
            f"已通过“{change.person.user.display_name}”的职称变更：自 {change.effective_year} "
            f"年度起为{change.get_title_level_display()}。"
        )


class IdentityCorrectionApproveView(_ApproveView):
    def approve(self, user, pk):
        return identity_correction_approve(actor=user, correction_id=pk)

    def approved_message(self, correction) -> str:
        return f"已通过更正申请，“{correction.name}”的姓名、身份证号已更新，证书管理号不变。"


class _RejectView(OrgAdminRequiredMixin, View):
    """The confirmation page of a rejection: the request, and the reason to give."""

    template_name = "accounts/profile_request_reject.html"
    label = "不通过原因"

    def get_request(self, pk):
        return get_object_or_404(
            self.visible(self.request.user).select_related("person__user", "person__unit"),
            pk=pk,
        )

    def context(self, profile_request, form) -> dict:
        return {"profile_request": profile_request, "form": form, "kind": self.kind}

    def get(self, request, pk):
        profile_request = self.get_request(pk)
        if profile_request.status != profile_request.Status.PENDING:
            messages.info(request, f"该申请已处理（{profile_request.get_status_display()}）。")
            return redirect(_queue(self.kind))
        form = ReasonForm(label=self.label)
        return render(request, self.template_name, self.context(profile_request, form))

    def post(self, request, pk):
        profile_request = self.get_request(pk)
        form = ReasonForm(request.POST, label=self.label)
        if form.is_valid():
            try:
                self.reject(request.user, pk, form.cleaned_data["reason"])
            except ValidationError as exc:
                if not hasattr(exc, "error_dict"):
                    messages.error(request, " ".join(exc.messages))
                    return redirect(_queue(self.kind))
                form_errors_add(form, exc)
            else:
                name = profile_request.person.user.display_name
                messages.success(request, f"已退回“{name}”的{KINDS[self.kind]}申请。")
                return redirect(_queue(self.kind))
        context = self.context(profile_request, form)
        return render(request, self.template_name, context, status=400)


class TitleChangeRejectView(_RejectView):
    kind = "title"

    def visible(self, user):
        return title_changes_visible_to(user)

    def reject(self, user, pk, reason):
        return title_change_reject(actor=user, change_id=pk, reason=reason)


class IdentityCorrectionRejectView(_RejectView):
    kind = "identity"

    def visible(self, user):
        return identity_corrections_visible_to(user)

    def reject(self, user, pk, reason):
        return identity_correction_reject(actor=user, correction_id=pk, reason=reason)
