"""What the plans views share: a service's refusal as a message, and the office's decision
pages (备案 / 退回), the same for a plan and a conversion document."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from orgtree.mixins import HrssAdminRequiredMixin
from portal.forms import form_errors_add

from ..forms import ReturnForm
from ..models import FilingStatus


def error_message(request, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


class DecisionView(HrssAdminRequiredMixin, View):
    """备案 (``returning`` False: a confirmation) or 退回 (a reason) of one submitted document,
    by an admin of its filing office. Subclasses name the document's selector, services, pages
    and words."""

    template_name = "plans/decide.html"
    returning = False
    noun = ""  # 培训计划 / 折算办法
    detail_url = ""
    queue_url = ""

    def visible(self):
        raise NotImplementedError

    def file(self, *, actor, pk):
        raise NotImplementedError

    def send_back(self, *, actor, pk, reason):
        raise NotImplementedError

    def document(self, pk):
        queryset = self.visible().select_related("org", "filing_office")
        return get_object_or_404(queryset, pk=pk)

    def get(self, request, pk):
        document = self.document(pk)
        if document.status != FilingStatus.SUBMITTED:
            messages.error(request, f"该{self.noun}“{document.get_status_display()}”，无需处理。")
            return redirect(self.detail_url, document.pk)
        return self.render(document, ReturnForm() if self.returning else None)

    def post(self, request, pk):
        document = self.document(pk)
        form = ReturnForm(request.POST) if self.returning else None
        if form is not None and not form.is_valid():
            return self.render(document, form)
        try:
            if form is None:
                self.file(actor=request.user, pk=document.pk)
            else:
                self.send_back(
                    actor=request.user, pk=document.pk, reason=form.cleaned_data["reason"]
                )
        except ValidationError as exc:
            if form is not None and hasattr(exc, "error_dict"):
                form_errors_add(form, exc)
                return self.render(document, form)
            error_message(request, exc)
            return redirect(self.detail_url, document.pk)
        verb = "退回" if self.returning else "备案"
        messages.success(request, f"已{verb}“{document.org.name}”的{self.noun}“{document.title}”。")
        return redirect(self.queue_url)

    def render(self, document, form):
        context = {
            "document": document,
            "form": form,
            "returning": self.returning,
            "noun": self.noun,
            "detail_url": self.detail_url,
        }
        return render(self.request, self.template_name, context)
