"""Staff keep the help centre's FAQ in the Django admin. Notices and contacts are written by
the HRSS offices' admins in the portal itself (services, audited), so they are not here."""

from django.contrib import admin

from .models import FaqEntry


@admin.register(FaqEntry)
class FaqEntryAdmin(admin.ModelAdmin):
    list_display = ["question", "topic", "position"]
    list_filter = ["topic"]
    search_fields = ["question", "answer"]
    ordering = ["topic", "position", "id"]
