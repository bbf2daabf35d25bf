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


class _DetailsEditView(OrgAdminRequiredMixin, View):
    """The form for one object the user may edit, saved through its service, which answers
    the fields it changed; a subclass says how to find, save, show and leave the object."""

    form_class: type
    what: str  # 机构信息, 备案信息: named in the message

    def get(self, request, pk):
        target = self.get_target(pk)
        return self.render(target, self.form_class(instance=target))

    def post(self, request, pk):
        target = self.get_target(pk)
        form = self.form_class(request.POST, instance=target)
        if form.is_valid():
            try:
                changed = self.save(target, form.cleaned_data)
            except ValidationError as exc:
                form_errors_add(form, exc)
            else:
                if changed:
                    labels = "、".join(str(form.fields[name].label) for name in changed)
                    messages.success(request, f"已保存{self.what}（修改了：{labels}）。")
                else:
                    messages.info(request, "没有修改任何内容。")
                return self.done(target)
        return self.render(target, form)


class OrgEditView(_DetailsEditView):
    template_name = "orgtree/org_edit.html"
    form_class = OrgEditForm
    what = "机构信息"

    def get_target(self, pk) -> Org:
        queryset = orgs_visible_to(self.request.user).select_related("region__parent", "parent")
        return get_object_or_404(queryset, pk=pk)

    def save(self, org: Org, data: dict) -> list[str]:
        _, changed = org_update(
            actor=self.request.user, org_id=org.pk, data=data, ip=client_ip(self.request)
        )
        return changed

    def done(self, org: Org):
        return redirect("orgtree:org-detail", pk=org.pk)

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


class OrgAdminFilingEditView(_DetailsEditView):
    """One of the user's own 管理员信息备案表; anybody else's answers 404."""

    template_name = "orgtree/org_admin_filing_edit.html"
    form_class = OrgAdminFilingForm
    what = "备案信息"

    def get_target(self, pk) -> OrgAdmin:
        return get_object_or_404(org_admins_own(self.request.user), pk=pk)

    def save(self, admin: OrgAdmin, data: dict) -> list[str]:
        _, changed = org_admin_filing_update(
            actor=self.request.user, admin_id=admin.pk, data=data, ip=client_ip(self.request)
        )
        return changed

    def done(self, admin: OrgAdmin):
        return redirect_next(self.request, "orgtree:my-filing")

    def render(self, admin: OrgAdmin, form: OrgAdminFilingForm):
        return render(self.request, self.template_name, {"admin": admin, "form": form})
