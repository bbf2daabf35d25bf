"""发布管理: an HRSS office's admins write, publish and withdraw its notices and attach PDFs.
Another office's notice answers 404; a user who runs no HRSS office gets 403."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View
from django.views.generic import ListView

from orgtree.mixins import HrssAdminRequiredMixin
from orgtree.roles import hrss_offices
from portal.forms import form_errors_add
from portal.pagination import BoundedPaginator

from ..forms import NoticeAttachmentForm, NoticeEditForm, NoticeForm, NoticeManageFilterForm
from ..models import Notice
from ..selectors import notices_managed_by
from ..services import (
    notice_attachment_add,
    notice_attachment_remove,
    notice_create,
    notice_publish,
    notice_update,
    notice_withdraw,
)
from .notices import notices_filtered


def error_message(request, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


class NoticeManageListView(HrssAdminRequiredMixin, ListView):
    template_name = "bulletin/notice_manage.html"
    context_object_name = "notices"
    paginate_by = 20
    paginator_class = BoundedPaginator

    def get_queryset(self):
        self.filters = NoticeManageFilterForm(self.request.GET)
        notices = notices_filtered(notices_managed_by(self.request.user), self.filters)
        if self.filters.is_valid() and (status := self.filters.cleaned_data["status"]):
            notices = notices.filter(status=status)
        return notices.select_related("office").order_by("-created_at", "-pk")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filters=self.filters, offices=hrss_offices(self.request.user), **kwargs
        )


class NoticeCreateView(HrssAdminRequiredMixin, View):
    template_name = "bulletin/notice_form.html"

    def form(self, *args) -> NoticeForm:
        return NoticeForm(*args, offices=hrss_offices(self.request.user))

    def get(self, request):
        return render(request, self.template_name, {"form": self.form(), "notice": None})

    def post(self, request):
        form = self.form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                notice = notice_create(actor=request.user, office_id=data.pop("office"), **data)
            except ValidationError as exc:
                form_errors_add(form, exc)
            else:
                messages.success(
                    request,
                    f"已保存草稿“{notice.title}”。您可以上传 PDF 附件，确认无误后点击“发布”。",
                )
                return redirect("bulletin:notice-edit", notice.pk)
        return render(request, self.template_name, {"form": form, "notice": None})


class NoticeEditView(HrssAdminRequiredMixin, View):
    """The notice's fields, its attachments (upload and remove) and 发布 / 撤回."""

    template_name = "bulletin/notice_form.html"

    def get_notice(self) -> Notice:
        notices = notices_managed_by(self.request.user).select_related("office")
        return get_object_or_404(notices, pk=self.kwargs["pk"])

    def get(self, request, pk):
        notice = self.get_notice()
        form = NoticeEditForm(initial=NoticeForm.initial_for(notice))
        return self.render_page(notice, form, NoticeAttachmentForm())

    def post(self, request, pk):
        notice = self.get_notice()
        form = NoticeEditForm(request.POST)
        if form.is_valid():
            try:
                notice = notice_update(actor=request.user, notice_id=notice.pk, **form.cleaned_data)
            except ValidationError as exc:
                form_errors_add(form, exc)
            else:
                messages.success(request, f"已保存“{notice.title}”。")
                return redirect("bulletin:notice-edit", notice.pk)
        return self.render_page(notice, form, NoticeAttachmentForm())

    def render_page(self, notice: Notice, form, attachment_form):
        context = {
            "notice": notice,
            "form": form,
            "attachment_form": attachment_form,
            "attachments": list(notice.attachments.all()),
        }
        return render(self.request, self.template_name, context)


class NoticeAttachmentAddView(NoticeEditView):
    http_method_names = ["post"]

    def post(self, request, pk):
        notice = self.get_notice()
        attachment_form = NoticeAttachmentForm(request.POST, request.FILES)
        if attachment_form.is_valid():
            upload = attachment_form.cleaned_data["file"]
            try:
                notice_attachment_add(actor=request.user, notice_id=notice.pk, upload=upload)
            except ValidationError as exc:
                form_errors_add(attachment_form, exc)
            else:
                messages.success(request, f"已上传附件“{upload.name}”。")
                return redirect("bulletin:notice-edit", notice.pk)
        form = NoticeEditForm(initial=NoticeForm.initial_for(notice))
        return self.render_page(notice, form, attachment_form)


class NoticeAttachmentRemoveView(HrssAdminRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        notice = notice_attachment_remove(actor=request.user, attachment_id=pk)
        messages.success(request, "已删除附件。")
        return redirect("bulletin:notice-edit", notice.pk)


class NoticePublishView(HrssAdminRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        try:
            notice = notice_publish(actor=request.user, notice_id=pk)
        except ValidationError as exc:
            error_message(request, exc)
            return redirect("bulletin:notice-edit", pk)
        when = "已设为定时发布" if notice.publish_at > timezone.now() else "已发布"
        messages.success(request, f"“{notice.title}”{when}。")
        return redirect("bulletin:notice-manage")


class NoticeWithdrawView(HrssAdminRequiredMixin, View):
    """撤回, after a confirmation page: readers no longer see the notice."""

    template_name = "bulletin/notice_withdraw.html"

    def get(self, request, pk):
        notices = notices_managed_by(request.user).select_related("office")
        notice = get_object_or_404(notices, pk=pk)
        return render(request, self.template_name, {"notice": notice})

    def post(self, request, pk):
        try:
            notice = notice_withdraw(actor=request.user, notice_id=pk)
        except ValidationError as exc:
            error_message(request, exc)
        else:
            messages.success(request, f"已撤回“{notice.title}”，读者不再看到该通知。")
        return redirect("bulletin:notice-manage")
