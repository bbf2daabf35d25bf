"""Batch printing: choose the years and the people, confirm how many, start the job; and the
list of those a finished batch could not print."""

import unicodedata

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View
from django.views.generic import DetailView

from orgtree.mixins import OrgAdminRequiredMixin
from portal.forms import form_errors_add
from portal.selectors import jobs_visible_to
from portal.views import JobRetryView

from ..forms_batch import FORMS, BatchPeopleFilterForm
from ..selectors_batch import batch_persons_in_scope, batch_units_in_scope
from ..services import batch_print_resolve, batch_print_start
from ..services.batch import BATCH_PRINT, PRINT_ORDER, SKIPPED_SHOWN

PAGE_SIZE = 50
# Units offered as suggestions while typing; a larger scope types the name without them.
UNIT_SUGGESTIONS = 200
RECENT_JOBS = 5
TABS = [("filed", "按年度选择全部人员"), ("pick", "逐个勾选人员")]


def _mode(value) -> str:
    return value if value in FORMS else "filed"


def _people_q(text: str) -> Q:
    text = unicodedata.normalize("NFKC", text).strip()
    return (
        Q(user__name__icontains=text)
        | Q(cert_no__startswith=text)
        | Q(user__id_number__startswith=text.upper())
    )


def _batch_jobs(user):
    return jobs_visible_to(user).filter(kind=BATCH_PRINT)


def _page_url(list_params: QueryDict, number: int) -> str:
    """A page of the list, keeping its search (also after a POST showed the page again)."""
    params = list_params.copy()
    params["mode"] = "pick"
    params["page"] = number
    return f"?{params.urlencode()}"


class BatchPrintView(OrgAdminRequiredMixin, View):
    template_name = "certificates/batch_print.html"
    confirm_template_name = "certificates/batch_confirm.html"

    def get(self, request):
        mode = _mode(request.GET.get("mode"))
        form = FORMS[mode](user=request.user, initial={"list_query": request.GET.urlencode()})
        return self.render_page(form, request.GET)

    def post(self, request):
        form = FORMS[_mode(request.POST.get("mode"))](request.POST, user=request.user)
        list_params = QueryDict(request.POST.get("list_query", ""))
        if not form.is_valid():
            return self.render_page(form, list_params, status=400)
        data = form.cleaned_data
        try:
            if not data["confirmed"]:
                first, last, ids, unit = batch_print_resolve(actor=request.user, **form.selection())
                context = {
                    "form": form,
                    "mode": form.mode,
                    "count": len(ids),
                    "years": str(first) if first == last else f"{first}—{last}",
                    "unit": unit,
                    "output_label": dict(form.fields["output"].choices)[data["output"]],
                }
                return render(request, self.confirm_template_name, context)
            job = batch_print_start(actor=request.user, output=data["output"], **form.selection())
        except ValidationError as exc:
            form_errors_add(form, exc)
            return self.render_page(form, list_params, status=400)
        messages.success(
            request,
            f"已开始为 {job.total} 人生成证书，完成后可在本页下载。未能生成的人员及原因"
            "见“批量打印证书”页面下方的任务记录。",
        )
        return redirect("job-detail", job.pk)

    def render_page(self, form, list_params: QueryDict, status: int = 200):
        user = self.request.user
        context = {
            "form": form,
            "mode": form.mode,
            "tabs": [
                {"mode": key, "label": label, "active": key == form.mode} for key, label in TABS
            ],
            "jobs": _batch_jobs(user).only(
                "id", "status", "total", "result", "result_file", "created_at"
            )[:RECENT_JOBS],
            "batch_max": settings.CERT_BATCH_MAX,
        }
        if form.mode == "filed":
            names = list(
                batch_units_in_scope(user)
                .order_by("name")
                .values_list("name", flat=True)[: UNIT_SUGGESTIONS + 1]
            )
            context["unit_names"] = names if len(names) <= UNIT_SUGGESTIONS else []
        else:
            context.update(self.people(form, list_params))
        return render(self.request, self.template_name, context, status=status)

    def people(self, form, list_params: QueryDict) -> dict:
        """The searchable, paginated list of the scope's people to tick."""
        filter_form = BatchPeopleFilterForm(list_params or None)
        filters = filter_form.cleaned_data if filter_form.is_valid() else {}
        persons = batch_persons_in_scope(self.request.user)
        if filters.get("q"):
            persons = persons.filter(_people_q(filters["q"]))
        if filters.get("unit"):
            persons = persons.filter(unit__name__icontains=filters["unit"].strip())
        page = Paginator(persons.order_by(*PRINT_ORDER), PAGE_SIZE).get_page(
            list_params.get("page")
        )
        ticked = getattr(form, "cleaned_data", {}).get("ids", [])
        return {
            "filter_form": filter_form,
            "page_obj": page,
            "persons": page.object_list,
            "ticked": set(ticked),
            "previous_url": _page_url(list_params, page.previous_page_number())
            if page.has_previous()
            else "",
            "next_url": _page_url(list_params, page.next_page_number()) if page.has_next() else "",
        }


class BatchJobDetailView(LoginRequiredMixin, DetailView):
    """A batch's totals and the people it could not print, with the reasons."""

    template_name = "certificates/batch_job.html"
    context_object_name = "job"

    def get_object(self, queryset=None):
        return get_object_or_404(_batch_jobs(self.request.user), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        result = self.object.result if isinstance(self.object.result, dict) else {}
        return super().get_context_data(
            result=result,
            skipped_list=result.get("skipped_list", []),
            skipped_shown=SKIPPED_SHOWN,
            **kwargs,
        )


class BatchJobRetryView(JobRetryView):
    """Resumes a failed batch where it stopped (the job's recorded position)."""

    retried_message = "已从中断处继续生成证书。"
    not_failed_message = "该任务没有失败，无需继续。"

    def jobs(self):
        return _batch_jobs(self.request.user)

    def page_url(self, job) -> str:
        return reverse("certificates:batch-job", args=[job.pk])
