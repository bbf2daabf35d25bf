"""The public PDF check (``/v/check/``), no login: anyone who holds a certificate's PDF file
uploads it and learns whether it is genuine, unmodified and still in force
(``certificates.signing.check.certificate_check``), and what its signed statement says.

The upload is read in memory, at most CERT_CHECK_MAX_BYTES, and never stored: a larger file
is refused from its size alone, unread. Django itself keeps an upload over
FILE_UPLOAD_MAX_MEMORY_SIZE in a temporary file that it deletes when the request ends (no
per-view upload handler can avoid that: ControlCharacterMiddleware parses the form before any
view runs); nothing reaches MEDIA_ROOT. Submissions share the lookup's rate-limit budget, so
checking files is no way round it. Checks are not logged: VerificationLog's channels are the
QR page, the lookup and the API, and a fourth would need a migration.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.views import View

from portal.uploads import size_text

from ..signing.check import GENUINE, SUPERSEDED, Check, certificate_check
from ..verification import statement_facts, too_large_message
from .verify import LOOKUP_SCOPE, _limited, _limited_page, _public

PDF_MAGIC = b"%PDF-"


class CertificateCheckForm(forms.Form):
    pdf = forms.FileField(
        label="证书 PDF 文件",
        error_messages={
            "required": "请选择要检查的证书 PDF 文件。",
            "invalid": "没有收到文件，请重新选择证书 PDF 文件后提交。",
            "missing": "没有收到文件，请重新选择证书 PDF 文件后提交。",
            "empty": "所选文件是空文件，请选择平台出具的证书 PDF 文件。",
        },
        widget=forms.FileInput(attrs={"accept": ".pdf,application/pdf"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pdf"].help_text = (
            "从本平台下载或他人转发给您的电子证书 PDF 文件，"
            f"不超过 {size_text(settings.CERT_CHECK_MAX_BYTES)}。"
        )

    def clean_pdf(self) -> bytes:
        """The file's bytes. The declared size is checked first, so an oversized file is never
        read; the read is capped too, as the declared size may lie."""
        upload = self.cleaned_data["pdf"]
        limit = settings.CERT_CHECK_MAX_BYTES
        if (upload.size or 0) > limit:
            raise ValidationError(too_large_message(), code="too_large")
        upload.seek(0)
        content = upload.read(limit + 1)
        if len(content) > limit:
            raise ValidationError(too_large_message(), code="too_large")
        if not content:
            raise ValidationError(self.fields["pdf"].error_messages["empty"], code="empty")
        if not content.startswith(PDF_MAGIC):
            raise ValidationError(
                "所选文件不是 PDF 文件（按文件内容判断，与扩展名无关），"
                "请选择平台出具的证书 PDF 文件。",
                code="type",
            )
        return content


def check_tone(check: Check) -> str:
    """The /v/ page's status colour (verify.css): green, amber for a superseded certificate,
    red for anything that is not a genuine one."""
    return {GENUINE: "valid", SUPERSEDED: "superseded"}.get(check.verdict, "revoked")


class CertificateCheckView(View):
    """GET: the upload form. POST: the verdict on the uploaded PDF, with the form again."""

    http_method_names = ["get", "post"]
    template_name = "certificates/verify_check.html"

    def get(self, request):
        return self.render_page(CertificateCheckForm())

    def post(self, request):
        if _limited(request, scope=LOOKUP_SCOPE, limit=settings.CERT_LOOKUP_RATE_LIMIT):
            return _limited_page(request)
        form = CertificateCheckForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_page(form, status=400)
        check = certificate_check(form.cleaned_data["pdf"])
        return self.render_page(CertificateCheckForm(), check=check)

    def render_page(self, form, *, status: int = 200, check: Check | None = None):
        context = {
            "form": form,
            "check": check,
            "tone": check_tone(check) if check else "",
            "stated": statement_facts(check.statement) if check else None,
            "limit": settings.CERT_LOOKUP_RATE_LIMIT,
        }
        return _public(render(self.request, self.template_name, context, status=status))
