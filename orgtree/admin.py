"""The Django admin of the tree: for looking up rows. Changes to the tree, statuses and roles go
through orgtree.services (the tree lock, audit rows, guardian permissions), never through here.
"""

from django.contrib import admin

from .models import Org, OrgAdmin, Region


@admin.register(Region)
class RegionModelAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    list_select_related = ("parent",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class OrgAdminInline(admin.TabularInline):
    model = OrgAdmin
    extra = 0
    fields = ("name", "user", "gender", "department", "post", "phone", "active", "created_at")
    readonly_fields = ("user", "active", "created_at")
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Org)
class OrgModelAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "status", "credit_code", "region", "parent", "created_at")
    list_filter = ("kind", "status")
    search_fields = ("name", "credit_code")
    list_select_related = ("region__parent", "parent")
    ordering = ("tree_id", "lft")
    fields = (
        "name",
        "kind",
        "status",
        "credit_code",
        "region",
        "industry",
        "address",
        "parent",
        "path",
        "reject_reason",
        "created_at",
        "decided_at",
        "decided_by",
        "tree_id",
        "lft",
        "rght",
        "level",
    )
    # Only the descriptive fields are editable; everything else has a service of its own.
    readonly_fields = tuple(f for f in fields if f not in {"name", "industry", "address"})
    inlines = [OrgAdminInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(OrgAdmin)
class OrgAdminModelAdmin(admin.ModelAdmin):
    list_display = ("name", "org", "user", "phone", "active", "created_at", "ended_at")
    list_filter = ("active", "org__kind")
    search_fields = ("name", "user__username", "org__name", "phone")
    list_select_related = ("org", "user")
    readonly_fields = ("org", "user", "active", "created_at", "ended_at")

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
