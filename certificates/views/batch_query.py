"""Batch query (批量查询): an admin pastes or uploads ID or certificate numbers and sees each
one's name, unit and hours in their scope; the xlsx export; a large query's job page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models.fields.json import KT
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View
from django.views.generic import DetailView

from orgtree.mixins import OrgAdminRequiredMixin
from portal.exports import xlsx_response
from portal.forms import form_errors_add
from portal.http import client_ip
from portal.jobs import job_inline_max
from portal.selectors import jobs_visible_to

from ..forms_batch_query import BatchQueryExportForm, BatchQueryForm
from ..services.batch_query import (
    BATCH_QUERY,
    DUPLICATE,
    FOUND,
    MALFORMED,
    QUERY_MAX_YEARS,
    ROWS_SHOWN,
    STATUS_LABELS,
    YEAR_COLUMNS,
    batch_query_export,
    batch_query_start,
)

RECENT_JOBS = 5
BADGES = {FOUND: "badge-done", MALFORMED: "badge-failed", DUPLICATE: "acc-badge-pending"}


def _query_jobs(user):
    return jobs_visible_to(user).filter(kind=BATCH_QUERY)


def _table(rows: list[dict], first: int | None, last: int | None) -> dict:
    """What the result table needs: the rows with their label and badge, and the years."""
    years = list(range(first, last + 1)) if first and last else []
    return {
        "rows": [
            {**row, "label": STATUS_LABELS[row["status"]], "badge": BADGES.get(row["status"], "")}
            for row in rows
        ],
        "years": years,
        "year_cells": len(years) * len(YEAR_COLUMNS),
    }


class BatchQueryView(OrgAdminRequiredMixin, View):
    template_name = "certificates/batch_query.html"

    def get(self, request):
        return self.render_page(BatchQueryForm())

    def post(self, request):
        form = BatchQueryForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_page(form, status=400)
        data = form.cleaned_data
        try:
            result = batch_query_start(
                actor=request.user,
                items=data["items"],
                first_year=data["first_year"],
                last_year=data["last_year"],
                ip=client_ip(request),
            )
        except ValidationError as exc:
            form_errors_add(form, exc)
            return self.render_page(form, status=400)
        if result.job is not None:
            messages.success(
                request,
                f"共 {len(result.items)} 条号码，已转为后台任务查询；"
                "完成后可查看结果并下载 Excel。",
            )
            return redirect("job-detail", result.job.pk)
        return self.render_page(form, result=result)

    def render_page(self, form, *, result=None, status: int = 200):
        # The jobs' numbers and rows stay in the database: only the figures listed are read.
        jobs = (
            _query_jobs(self.request.user)
            .annotate(
                first_year=KT("params__first_year"),
                last_year=KT("params__last_year"),
                found=KT("result__counts__found"),
            )
            .only("id", "status", "total", "result_file", "created_at")[:RECENT_JOBS]
        )
        context = {
            "form": form,
            "jobs": jobs,
            "labels": STATUS_LABELS,
            "query_max": settings.CERT_QUERY_MAX,
            "inline_max": job_inline_max(BATCH_QUERY),
            "max_years": QUERY_MAX_YEARS,
        }
        if result is not None:
            context.update(
                _table(result.rows, result.first_year, result.last_year),
                result=result,
                counts=result.counts,
                export_form=BatchQueryExportForm.for_result(result),
            )
        return render(self.request, self.template_name, context, status=status)


class BatchQueryExportView(OrgAdminRequiredMixin, View):
    """The xlsx of a query answered on the page, from the numbers the page sends back."""

    http_method_names = ["post"]

    def post(self, request):
        form = BatchQueryExportForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                file_name, content = batch_query_export(
                    actor=request.user,
                    items=data["items"],
                    first_year=data["first_year"],
                    last_year=data["last_year"],
                    ip=client_ip(request),
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                return xlsx_response(content, file_name)
        else:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
        return redirect("certificates:batch-query")


class BatchQueryJobView(LoginRequiredMixin, DetailView):
    """A large query's counts and first rows; the whole result is the job's xlsx file."""

    template_name = "certificates/batch_query_job.html"
    context_object_name = "job"

    def get_object(self, queryset=None):
        return get_object_or_404(_query_jobs(self.request.user), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        job = self.object
        result = job.result if isinstance(job.result, dict) else {}
        first = result.get("first_year", job.params.get("first_year"))
        last = result.get("last_year", job.params.get("last_year"))
        return super().get_context_data(
            **_table(result.get("rows", []), first, last),
            result=result,
            counts=result.get("counts", {}),
            first_year=first,
            last_year=last,
            labels=STATUS_LABELS,
            rows_shown=ROWS_SHOWN,
            **kwargs,
        )
