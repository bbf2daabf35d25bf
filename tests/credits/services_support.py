"""What the professional's services tests share: an uploaded PDF and the audit rows of a record."""

from django.core.files.uploadedfile import SimpleUploadedFile

from portal.models import AuditLog

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"


def pdf(name="证明.pdf"):
    return SimpleUploadedFile(name, PDF)


def audit_actions(target: str) -> list[str]:
    return list(
        AuditLog.objects.filter(target=target)
        .order_by("created_at", "id")
        .values_list("action", flat=True)
    )
