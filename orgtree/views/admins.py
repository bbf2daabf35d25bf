"""Adding, handing over and removing an org's admins (1 to 3 per org)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from portal.forms import form_errors_add

from ..forms import OrgAdminForm
from ..mixins import OrgAdminRequiredMixin
from ..models import Org, OrgAdmin
from ..selectors import org_admins_visible_to, orgs_visible_to
from ..services import org_admin_add, org_admin_handover, org_admin_remove
from ..services.admins import MAX_ADMINS

# The services check an admin's password under the name "password"; the form's field is password1.
PASSWORD_ROUTE = {"password": "password1"}


def _after_change(request, admin_user, org: Org):
    """Back to the org's page, or home when the actor has just given up their own role."""
    if admin_user == request.user:
        return redirect("home")
    return redirect("orgtree:org-detail", pk=org.pk)


class OrgAdminAddView(OrgAdminRequiredMixin, View):
    template_name = "orgtree/org_admin_add.html"

    def get(self, request, pk):
        org = self.get_org(pk)
        return self.render(org, OrgAdminForm())

    def post(self, request, pk):
        org = self.get_org(pk)
        form = OrgAdminForm(request.POST)
        if form.is_valid():
            try:
                admin = org_admin_add(
                    actor=request.user,
                    org_id=org.pk,
                    username=form.cleaned_data["username"],
                    password=form.cleaned_data["password1"],
                    filing=form.filing(),
                )
            except ValidationError as exc:
                form_errors_add(form, exc, route=PASSWORD_ROUTE)
            else:
                messages.success(request, f"已添加管理员“{admin.name}”，可使用新账户登录。")
                return redirect("orgtree:org-detail", pk=org.pk)
        return self.render(org, form)

    def get_org(self, pk) -> Org:
        return get_object_or_404(orgs_visible_to(self.request.user), pk=pk)

    def render(self, org: Org, form: OrgAdminForm):
        active = org.admins.filter(active=True).count()
        context = {
            "org": org,
            "form": form,
            "active_count": active,
            "max_admins": MAX_ADMINS,
            "full": active >= MAX_ADMINS,
        }
        return render(self.request, self.template_name, context)


class OrgAdminHandoverView(OrgAdminRequiredMixin, View):
    template_name = "orgtree/org_admin_handover.html"

    def get(self, request, pk):
        admin = self.get_admin(pk)
        return render(request, self.template_name, {"admin": admin, "form": OrgAdminForm()})

    def post(self, request, pk):
        admin = self.get_admin(pk)
        form = OrgAdminForm(request.POST)
        if form.is_valid():
            try:
                new = org_admin_handover(
                    actor=request.user,
                    admin_id=admin.pk,
                    username=form.cleaned_data["username"],
                    password=form.cleaned_data["password1"],
                    filing=form.filing(),
                )
            except ValidationError as exc:
                form_errors_add(form, exc, route=PASSWORD_ROUTE)
            else:
                messages.success(
                    request, f"管理员已由“{admin.name}”交接给“{new.name}”，原账户不再具有管理权限。"
                )
                return _after_change(request, admin.user, admin.org)
        return render(request, self.template_name, {"admin": admin, "form": form})

    def get_admin(self, pk) -> OrgAdmin:
        return get_object_or_404(org_admins_visible_to(self.request.user), pk=pk)


class OrgAdminRemoveView(OrgAdminRequiredMixin, View):
    template_name = "orgtree/org_admin_remove.html"

    def get(self, request, pk):
        admin = self.get_admin(pk)
        others = admin.org.admins.filter(active=True).exclude(pk=admin.pk).count()
        return render(request, self.template_name, {"admin": admin, "is_last": not others})

    def post(self, request, pk):
        admin = self.get_admin(pk)
        try:
            org_admin_remove(actor=request.user, admin_id=admin.pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("orgtree:org-detail", pk=admin.org_id)
        messages.success(request, f"已移除管理员“{admin.name}”。")
        return _after_change(request, admin.user, admin.org)

    def get_admin(self, pk) -> OrgAdmin:
        return get_object_or_404(org_admins_visible_to(self.request.user), pk=pk)
