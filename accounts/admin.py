from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from portal.admin import ReadOnlyAdminMixin

from .models import CertificateCounter, Person, PersonTransfer, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "name", "id_number", "phone", "is_active", "is_staff")
    search_fields = ("username", "name", "id_number", "phone")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("name", "id_number", "phone", "email")}),
        (
            "权限",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("重要日期", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "name", "password1", "password2")}),
    )


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    """Read mostly: status, unit and number change only through the services (audited)."""

    list_display = ("name", "id_number", "unit", "title_level", "cert_no", "status", "created_at")
    list_filter = ("status", "title_level")
    list_select_related = ("user", "unit")
    search_fields = ("user__name", "user__id_number", "cert_no", "legacy_cert_no")
    raw_id_fields = ("user", "unit")
    readonly_fields = (
        "user",
        "unit",
        "org_path",
        "region",
        "gender",
        "birth_date",
        "cert_no",
        "status",
        "reject_reason",
        "created_at",
        "decided_at",
        "decided_by",
    )
    fields = (
        "user",
        "unit",
        "org_path",
        "region",
        "gender",
        "birth_date",
        "title_level",
        "legacy_cert_no",
        "cert_no",
        "status",
        "reject_reason",
        "created_at",
        "decided_at",
        "decided_by",
    )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="姓名", ordering="user__name")
    def name(self, obj):
        return obj.user.name

    @admin.display(description="身份证号", ordering="user__id_number")
    def id_number(self, obj):
        return obj.user.id_number


@admin.register(PersonTransfer)
class PersonTransferAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("person", "from_unit", "to_unit", "status", "requested_at", "decided_at")
    list_filter = ("status",)
    list_select_related = ("person__user", "from_unit", "to_unit")
    search_fields = ("person__user__name", "person__user__id_number", "person__cert_no")


@admin.register(CertificateCounter)
class CertificateCounterAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Numbers are never reused: the counters are shown, never edited."""

    list_display = ("prefix", "last_serial")
    search_fields = ("prefix",)
