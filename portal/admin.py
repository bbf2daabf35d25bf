from django.contrib import admin

from .models import AuditLog, Job


class ReadOnlyAdminMixin:
    """Rows that only services write (audit, counters, history): shown, never edited here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The audit trail is append-only, also for superusers."""

    list_display = ("created_at", "action", "actor", "target", "org_path", "ip")
    list_filter = ("action",)
    search_fields = ("target", "org_path", "actor__username")
    list_select_related = ("actor",)
    date_hierarchy = "created_at"


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "actor", "status", "done", "total", "attempts")
    list_filter = ("status", "kind")
    list_select_related = ("actor",)
    readonly_fields = [f.name for f in Job._meta.fields]

    def has_add_permission(self, request):
        return False
