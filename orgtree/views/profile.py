"""An admin edits an org's details (their own org or one below) and their own 管理员信息备案表."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from portal.forms import form_errors_add
from portal.http import client_ip, redirect_next

from ..forms_profile import OrgAdminFilingForm, OrgEditForm
from ..mixins import OrgAdminRequiredMixin
from ..models import Org, OrgAdmin
from ..roles import is_admin
from ..selectors import org_admins_own, orgs_visible_to
from ..services import org_admin_filing_update, org_update


def register_profile_menu() -> None:
    """Called from OrgtreeConfig.ready(): the admin's own filing sits with their account pages."""
    from portal.navigation import register_menu_item

    register_menu_item("我的备案信息", "orgtree:my-filing", is_admin, order=88, group="system")


def _changed_message(form, changed: list[str], what: str) -> str:
    labels = "、".join(str(form.fields[field].label) for field in changed)
    return f"已保存{what}（修改了：{labels}）。"


class OrgEditView(OrgAdminRequiredMixin, View):
    template_name = "orgtree/org_edit.html"

    def get(self, request, pk):
        org = self.get_org(pk)
        return self.render(org, OrgEditForm(instance=org))

    def post(self, request, pk):
        org = self.get_org(pk)
        form = OrgEditForm(request.POST, instance=org)
        if form.is_valid():
            try:
                _, changed = org_update(
                    actor=request.user,
                    org_id=org.pk,
                    data=form.cleaned_data,
                    ip=client_ip(request),
                )
            except ValidationError as exc:
                form_errors_add(form, exc)
            else:
                if changed:
                    messages.success(request, _changed_message(form, changed, "机构信息"))
                else:
                    messages.info(request, "没有修改任何内容。")
                return redirect("orgtree:org-detail", pk=org.pk)
        return self.render(org, form)

    def get_org(self, pk) -> Org:
        queryset = orgs_visible_to(self.request.user).select_related("region__parent", "parent")
        return get_object_or_404(queryset, pk=pk)

    def render(self, org: Org, form: OrgEditForm):
        # The page shows the fixed facts (name, code, kind, region, parent), which the form
        # never touches, beside the form.
        context = {"org": org, "form": form, "editable": org.status == Org.Status.APPROVED}
        return render(self.request, self.template_name, context)


class OrgAdminFilingListView(OrgAdminRequiredMixin, View):
    """我的备案信息: the filing information of each of the user's admin roles."""

    template_name = "orgtree/org_admin_filing_mine.html"

    def get(self, request):
        admins = list(org_admins_own(request.user))
        return render(request, self.template_name, {"admins": admins})


class OrgAdminFilingEditView(OrgAdminRequiredMixin, View):
    """One of the user's own 管理员信息备案表; anybody else's answers 404."""

    template_name = "orgtree/org_admin_filing_edit.html"

    def get(self, request, pk):
        admin = self.get_admin(pk)
        return self.render(admin, OrgAdminFilingForm(instance=admin))

    def post(self, request, pk):
        admin = self.get_admin(pk)
        form = OrgAdminFilingForm(request.POST, instance=admin)
        if form.is_valid():
            try:
                _, changed = org_admin_filing_update(
                    actor=request.user,
                    admin_id=admin.pk,
                    data=form.cleaned_data,
                    ip=client_ip(request),
                )
            except ValidationError as exc:
                form_errors_add(form, exc)
            else:
                if changed:
                    messages.success(request, _changed_message(form, changed, "备案信息"))
                else:
                    messages.info(request, "没有修改任何内容。")
                return redirect_next(request, "orgtree:my-filing")
        return self.render(admin, form)

    def get_admin(self, pk) -> OrgAdmin:
        return get_object_or_404(org_admins_own(self.request.user), pk=pk)

    def render(self, admin: OrgAdmin, form: OrgAdminFilingForm):
        return render(self.request, self.template_name, {"admin": admin, "form": form})
