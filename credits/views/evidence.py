"""Evidence files: upload to a record, remove, and serve them through the scope check only."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.views import View

from portal.http import client_ip
from portal.services import audit_record

from ..forms import EvidenceUploadForm
from ..selectors import evidence_visible_to
from ..services import declaration_evidence_add, evidence_remove, exemption_evidence_add
from .common import error_message, upload_limit_mb

SERVICES = {
    "declaration": (declaration_evidence_add, "declaration_id", "credits:declaration-detail"),
    "exemption": (exemption_evidence_add, "exemption_id", "credits:exemption-detail"),
}


def record_url_name(evidence) -> tuple[str, int]:
    if evidence.declaration_id:
        return "credits:declaration-detail", evidence.declaration_id
    return "credits:exemption-detail", evidence.exemption_id


class EvidenceUploadView(LoginRequiredMixin, View):
    """POST one or more files to a declaration (or, with ``kind="exemption"``, an exemption).

    Each file is checked and stored on its own: a refused file is named in a message and leaves
    nothing behind, the accepted ones are kept.
    """

    kind = "declaration"

    def post(self, request, pk):
        service, id_name, detail = SERVICES[self.kind]
        form = EvidenceUploadForm(request.POST, request.FILES, limit_mb=upload_limit_mb())
        if not form.is_valid():
            for errors in form.errors.values():
                messages.error(request, " ".join(errors))
            return redirect(detail, pk)
        stored = []
        for upload in form.cleaned_data["files"]:
            try:
                evidence = service(actor=request.user, upload=upload, **{id_name: pk})
            except ValidationError as exc:
                error_message(request, exc)
            else:
                stored.append(evidence.original_name)
        if stored:
            messages.success(request, f"已上传：{'、'.join(stored)}。")
        return redirect(detail, pk)


class EvidenceRemoveView(LoginRequiredMixin, View):
    def post(self, request, pk):
        evidence = get_object_or_404(evidence_visible_to(request.user), pk=pk)
        target = record_url_name(evidence)
        try:
            evidence_remove(actor=request.user, evidence_id=pk)
        except ValidationError as exc:
            error_message(request, exc)
        else:
            messages.success(request, f"已删除“{evidence.original_name}”。")
        return redirect(*target)


def _visible_evidence(request, pk):
    return get_object_or_404(evidence_visible_to(request.user), pk=pk)


class EvidenceDownloadView(LoginRequiredMixin, View):
    """The file itself, shown in the browser (images and PDF) under its original name."""

    def get(self, request, pk):
        evidence = _visible_evidence(request, pk)
        record = evidence.owner
        if record.person.user_id != request.user.pk:
            # Someone's evidence read by an admin is a sensitive read.
            audit_record(
                actor=request.user,
                action="evidence.view",
                target=f"evidence:{evidence.pk}",
                org_path=record.org_path,
                ip=client_ip(request),
            )
        try:
            handle = evidence.file.open("rb")
        except FileNotFoundError:
            raise Http404("文件不存在") from None
        response = FileResponse(
            handle,
            content_type=evidence.content_type,
            filename=evidence.original_name,
            as_attachment=False,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


class EvidenceThumbnailView(LoginRequiredMixin, View):
    """The stored JPEG of at most 240 px of an image, as it was made once after the upload
    (services.thumbnails). Never made here: a request never decodes the original, so until
    the thumbnail exists (or when it could not be made) the answer is 404."""

    def get(self, request, pk):
        evidence = _visible_evidence(request, pk)
        if not evidence.thumbnail:
            raise Http404("没有缩略图")
        try:
            handle = evidence.thumbnail.open("rb")
        except FileNotFoundError:
            raise Http404("没有缩略图") from None
        response = FileResponse(handle, content_type="image/jpeg")
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, max-age=3600"
        return response
