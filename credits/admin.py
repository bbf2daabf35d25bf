from django.contrib import admin

from portal.admin import ReadOnlyAdminMixin

from .models import Declaration, Evidence, Exemption, PersonYear, Requirement, ReviewEvent


@admin.register(Requirement)
class RequirementAdmin(admin.ModelAdmin):
    list_display = (
        "year_from",
        "year_to",
        "region",
        "title_group",
        "total_min",
        "public_min",
        "professional_min",
        "source",
    )
    list_filter = ("title_group",)
    list_select_related = ("region",)


@admin.register(Declaration)
class DeclarationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Declarations change only through the workflow's services, never by hand here."""

    list_display = (
        "year",
        "title",
        "category",
        "claimed_hours",
        "approved_hours",
        "status",
        "source",
        "submitted_at",
    )
    list_filter = ("status", "subject", "source", "year")
    search_fields = ("title", "person__user__name", "person__user__id_number")
    list_select_related = ("person__user",)


@admin.register(Exemption)
class ExemptionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("year", "person", "reason", "on_duty_months", "status")
    list_filter = ("status", "reason", "year")
    list_select_related = ("person__user",)


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("original_name", "content_type", "size", "uploaded_at")


@admin.register(ReviewEvent)
class ReviewEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "action", "from_status", "to_status", "actor", "comment")
    list_select_related = ("actor",)


@admin.register(PersonYear)
class PersonYearAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("person", "year", "filed_public", "filed_professional", "completed")
    list_filter = ("year", "completed")
    list_select_related = ("person__user",)
