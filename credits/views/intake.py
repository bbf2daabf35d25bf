"""批量导入: the admins' (and institutions') uploads, their validation reports and commits."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View
from django.views.generic import ListView

from portal.exports import xlsx_response
from portal.forms import form_errors_add
from portal.models import Job
from portal.services import audit_record

from ..forms_intake import ImportFilterForm, ImportRowFilterForm, ImportUploadForm
from ..intake.kinds import kind_of
from ..intake.report import report_file_name, report_xlsx
from ..intake.selectors import (
    batches_visible_to,
    declarations_of_rows,
    kinds_for,
    may_commit,
    programmes_visible_to,
    rows_of,
    upload_org,
)
from ..intake.services import import_commit_start, import_discard, import_upload
from ..models import ImportBatch, ImportRow
from .common import error_message

ROWS_PER_PAGE = 50


def may_import(user) -> bool:
    return bool(kinds_for(user))


class IntakeRequiredMixin(LoginRequiredMixin, UserPassesTestMixin):
    """Admins of units, departments and institutions (the orgs that upload)."""

    def test_func(self) -> bool:
        return may_import(self.request.user)


class ImportListView(IntakeRequiredMixin, ListView):
    template_name = "credits/import_list.html"
    context_object_name = "batches"
    paginate_by = 30

    def get_queryset(self):
        self.filters = ImportFilterForm(self.request.GET)
        batches = batches_visible_to(self.request.user).select_related("org", "uploader")
        if self.filters.is_valid():
            if kind := self.filters.cleaned_data["kind"]:
                batches = batches.filter(kind=kind)
            if status := self.filters.cleaned_data["status"]:
                batches = batches.filter(status=status)
        return batches.order_by("-created_at", "-pk")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filters=self.filters, kinds=kinds_for(self.request.user), **kwargs
        )


class ImportKindMixin(IntakeRequiredMixin):
    def intake(self):
        kind = kind_of(self.kwargs["kind"])
        if upload_org(self.request.user, kind) is None:
            raise Http404("无权导入")
        return kind


class ImportTemplateView(ImportKindMixin, View):
    def get(self, request, kind):
        intake = self.intake()
        return xlsx_response(intake.template(), intake.template_name())


class ImportCreateView(ImportKindMixin, View):
    template_name = "credits/import_form.html"

    def form(self, intake, *args):
        programmes = None
        if intake.needs_programme:
            org = upload_org(self.request.user, intake)
            programmes = programmes_visible_to(self.request.user).filter(institution=org)
        return ImportUploadForm(*args, programmes=programmes)

    def context(self, intake, form) -> dict:
        return {"intake": intake, "form": form, "org": upload_org(self.request.user, intake)}

    def get(self, request, kind):
        intake = self.intake()
        form = self.form(intake)
        if intake.needs_programme and request.GET.get("programme"):
            form.initial["programme"] = request.GET["programme"]
        return render(request, self.template_name, self.context(intake, form))

    def post(self, request, kind):
        intake = self.intake()
        form = self.form(intake, request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            programme = form.cleaned_data.get("programme")
            try:
                batch = import_upload(
                    actor=request.user,
                    kind=intake.key,
                    file_name=upload.name,
                    content=upload.read(),
                    programme_id=programme.pk if programme else None,
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    form_errors_add(form, exc)
                else:
                    form.add_error("file", exc)
            else:
                messages.success(request, "文件已上传，正在逐行校验。")
                return redirect("credits:import-detail", pk=batch.pk)
        return render(request, self.template_name, self.context(intake, form))


class ImportDetailView(IntakeRequiredMixin, View):
    template_name = "credits/import_detail.html"

    def get(self, request, pk):
        batch = get_object_or_404(
            batches_visible_to(request.user).select_related(
                "org", "uploader", "committed_by", "programme", "validate_job", "commit_job"
            ),
            pk=pk,
        )
        intake = kind_of(batch.kind)
        filters = ImportRowFilterForm(request.GET)
        status = filters.cleaned_data["status"] if filters.is_valid() else ""
        page = Paginator(rows_of(batch, status), ROWS_PER_PAGE).get_page(request.GET.get("page"))
        rows = list(page.object_list)
        running = {
            ImportBatch.Status.VALIDATING: batch.validate_job,
            ImportBatch.Status.COMMITTING: batch.commit_job,
        }.get(batch.status)
        committed = batch.status == ImportBatch.Status.COMMITTED and intake.shows_outcome
        declarations = declarations_of_rows(rows) if committed else {}
        context = {
            "batch": batch,
            "intake": intake,
            "columns": intake.columns,
            "rows": [
                {
                    "row": row,
                    "cells": [row.values.get(c.key, "") for c in intake.columns],
                    "declaration": declarations.get(row.natural_key)
                    if row.status == ImportRow.Status.COMMITTED
                    else None,
                }
                for row in rows
            ],
            "shows_outcome": committed,
            "page_obj": page,
            "filters": filters,
            "job": running,
            "may_commit": may_commit(request.user, batch, intake),
        }
        return render(request, self.template_name, context)


class ImportConfirmMixin(IntakeRequiredMixin):
    """A confirmation page before the action (GET), the action itself (POST)."""

    template_name = "credits/import_confirm.html"
    action = ""

    def get(self, request, pk):
        batch = get_object_or_404(batches_visible_to(request.user).select_related("org"), pk=pk)
        intake = kind_of(batch.kind)
        if not may_commit(request.user, batch, intake):
            raise Http404("导入批次不存在")
        context = {"batch": batch, "intake": intake, "action": self.action}
        return render(request, self.template_name, context)


class ImportCommitView(ImportConfirmMixin, View):
    action = "commit"

    def post(self, request, pk):
        try:
            batch = import_commit_start(actor=request.user, batch_id=pk)
        except ValidationError as exc:
            error_message(request, exc)
        else:
            messages.success(request, f"已开始提交 {batch.valid_rows} 条有效记录。")
        return redirect("credits:import-detail", pk=pk)


class ImportDiscardView(ImportConfirmMixin, View):
    action = "discard"

    def post(self, request, pk):
        try:
            import_discard(actor=request.user, batch_id=pk)
        except ValidationError as exc:
            error_message(request, exc)
        else:
            messages.success(request, "已放弃该批次，其中的记录不会导入。")
        return redirect("credits:import-detail", pk=pk)


class ImportReportView(IntakeRequiredMixin, View):
    def get(self, request, pk):
        batch = get_object_or_404(batches_visible_to(request.user), pk=pk)
        content, count = report_xlsx(batch)
        audit_record(
            actor=request.user,
            action="import.report_export",
            target=f"import:{batch.pk}",
            org_path=batch.org_path,
            detail={"rows": count},
        )
        return xlsx_response(content, report_file_name(batch))


class ImportJobView(IntakeRequiredMixin, View):
    """A validation or commit job's own page is its batch's page."""

    def get(self, request, pk):
        job = get_object_or_404(Job.objects.filter(actor=request.user), pk=pk)
        batch = get_object_or_404(
            batches_visible_to(request.user).filter(validate_job=job)
            | batches_visible_to(request.user).filter(commit_job=job)
        )
        return redirect("credits:import-detail", pk=batch.pk)
