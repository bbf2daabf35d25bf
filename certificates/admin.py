from django.contrib import admin

from portal.admin import ReadOnlyAdminMixin

from .models import CertificateIssue, Seal, SigningKey, VerificationLog


@admin.register(Seal)
class SealAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Seals change only through the application and approval services."""

    list_display = ("office", "version", "text", "source", "status", "applied_at", "decided_at")
    list_filter = ("status", "source")
    search_fields = ("office__name", "text")
    list_select_related = ("office",)
    date_hierarchy = "applied_at"


@admin.register(CertificateIssue)
class CertificateIssueAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Issues are stored evidence of what was certified: never edited by hand."""

    list_display = (
        "issued_at",
        "person",
        "first_year",
        "last_year",
        "office",
        "status",
        "render_status",
    )
    list_filter = ("status", "render_status")
    search_fields = ("person__user__name", "person__cert_no")
    list_select_related = ("person__user", "office")
    date_hierarchy = "issued_at"


@admin.register(VerificationLog)
class VerificationLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Every public check of a certificate, written by the verification views alone."""

    list_display = ("created_at", "channel", "code", "found", "issue", "ip_hash")
    list_filter = ("channel", "found")
    search_fields = ("code", "ip_hash")
    list_select_related = ("issue",)
    date_hierarchy = "created_at"


@admin.register(SigningKey)
class SigningKeyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Keys are made, rotated and revoked with their seals. The encrypted private half is not
    a field of this page at all (``exclude``), so no form, list or detail view renders it."""

    list_display = ("kid", "role", "office", "status", "not_before", "not_after", "revoked_at")
    list_filter = ("role", "status")
    search_fields = ("kid", "office__name")
    list_select_related = ("office",)
    exclude = ("private_key",)
