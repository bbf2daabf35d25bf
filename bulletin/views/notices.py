"""通知公告 for readers: the list (public notices for visitors, the notices that reach a
signed-in user with their 未读 marks), a notice's page, and its PDF attachments."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.views import View
from django.views.generic import ListView

from orgtree.roles import hrss_offices
from portal.pagination import BoundedPaginator

from ..forms import NoticeFilterForm
from ..models import Notice
from ..selectors import attachments_visible_to, notices_for, notices_listed, notices_visible_to
from ..services import notice_read_mark


def notices_filtered(notices, form: NoticeFilterForm):
    """A list narrowed by the filter bar: title words and category (an invalid value is no
    filter: the form shows its error)."""
    if not form.is_valid():
        return notices
    if text := form.cleaned_data["q"].strip():
        notices = notices.filter(title__icontains=text)
    if category := form.cleaned_data["category"]:
        notices = notices.filter(category=category)
    return notices


class NoticeListView(ListView):
    template_name = "bulletin/notice_list.html"
    context_object_name = "notices"
    paginate_by = 20
    paginator_class = BoundedPaginator

    def get_queryset(self):
        self.filters = NoticeFilterForm(self.request.GET)
        return notices_listed(notices_filtered(notices_for(self.request.user), self.filters))

    def get_context_data(self, **kwargs):
        return super().get_context_data(filters=self.filters, **kwargs)


class NoticeDetailView(View):
    """A notice that reaches the requester or is public; the publishing office's admins also
    open their drafts and withdrawn ones here. Anything else answers 404. Opening it takes its
    未读 mark away."""

    def get(self, request, pk):
        queryset = notices_visible_to(request.user).select_related("office", "created_by")
        notice = get_object_or_404(queryset, pk=pk)
        if getattr(notice, "unread", False) and notice.status == Notice.Status.PUBLISHED:
            notice_read_mark(actor=request.user, notice_id=notice.pk)
        manages = any(office.pk == notice.office_id for office in hrss_offices(request.user))
        context = {
            "notice": notice,
            "attachments": list(notice.attachments.all()),
            "manages": manages,
        }
        return render(request, "bulletin/notice_detail.html", context)


class NoticeAttachmentView(View):
    """The PDF, shown in the browser under its uploaded name, to whoever may see its notice
    (anyone for a public one); otherwise 404."""

    def get(self, request, pk):
        attachment = get_object_or_404(attachments_visible_to(request.user), pk=pk)
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError:
            raise Http404("文件不存在") from None
        response = FileResponse(
            handle, content_type="application/pdf", filename=attachment.name, as_attachment=False
        )
        response["X-Content-Type-Options"] = "nosniff"
        # A notice can be withdrawn: no cache keeps serving it.
        response["Cache-Control"] = "private, no-store"
        return response
