"""Public registration of departments, units and institutions, and the admins' review queue."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views import View
from django.views.generic import ListView

from portal.forms import form_errors_add
from portal.http import client_ip, next_url
from portal.pagination import BoundedPaginator
from portal.ratelimit import rate_limit_hit

from ..calendar import registration_notice
from ..forms import (
    OrgAdminForm,
    OrgRegisterForm,
    OrgRegistrationSearchForm,
    OrgRejectForm,
    RegionKindForm,
)
from ..mixins import OrgAdminRequiredMixin
from ..models import Org, OrgAdmin
from ..models_calendar import DeadlineKind
from ..selectors import orgs_visible_to, pending_orgs_for, registrations_decided_for
from ..services import org_approve, org_register, org_reject

SESSION_KEY = "orgtree_registered_org"
# Each registration hashes a password with argon2: bound what one address can make us compute.
REGISTER_POSTS_PER_HOUR = 20


def register_throttled(ip: str) -> bool:
    return rate_limit_hit(
        scope="orgtree-register", key=ip, limit=REGISTER_POSTS_PER_HOUR, window_seconds=3600
    )


class OrgRegisterView(View):
    """Step 1 (GET form): region and kind. Step 2 (POST): the org, its parent and first admin."""

    template_name = "orgtree/org_register.html"

    def get(self, request):
        choice = RegionKindForm(request.GET or None)
        region, kind = choice.selection()
        org_form = admin_form = None
        if region is not None and kind:
            org_form = OrgRegisterForm(kind=kind, region=region)
            admin_form = OrgAdminForm(prefix="admin")
        return self.render(choice, region, kind, org_form, admin_form)

    def post(self, request):
        choice = RegionKindForm(request.GET or None)
        region, kind = choice.selection()
        if region is None or not kind:
            messages.error(request, "请先选择所在地区和注册类型。")
            return redirect("orgtree:register")
        org_form = OrgRegisterForm(request.POST, kind=kind, region=region)
        admin_form = OrgAdminForm(request.POST, prefix="admin")
        if register_throttled(client_ip(request)):
            messages.error(request, "提交过于频繁，请一小时后再试。")
            return self.render(choice, region, kind, org_form, admin_form, status=429)
        if org_form.is_valid() and admin_form.is_valid():
            data, account = org_form.cleaned_data, admin_form.cleaned_data
            try:
                org = org_register(
                    kind=kind,
                    parent=data["parent"],
                    name=data["name"],
                    credit_code=data["credit_code"],
                    industry=data["industry"],
                    address=data["address"],
                    username=account["username"],
                    password=account["password1"],
                    filing=admin_form.filing(),
                )
            except ValidationError as exc:
                # Org fields first: "name" and "address" of an Org are checked before its admin's.
                route = {"password": (admin_form, "password1")}
                form_errors_add(org_form, exc, others=[admin_form], route=route)
            else:
                request.session[SESSION_KEY] = org.pk
                return redirect("orgtree:register-done")
        return self.render(choice, region, kind, org_form, admin_form)

    def render(self, choice, region, kind, org_form, admin_form, status=200):
        query = selection_query(choice)
        context = {
            "choice": choice,
            "region": region,
            "kind_label": Org.Kind(kind).label if kind else "",
            "org_form": org_form,
            "admin_form": admin_form,
            "no_parents": org_form is not None and not org_form.fields["parent"].queryset.exists(),
            "action": f"{reverse('orgtree:register')}?{query}",
            # Issue 18: a closed (or closing) registration is said before the form is filled.
            "deadline_notice": registration_notice(DeadlineKind.ORG_REGISTRATION, region.code)
            if region is not None
            else "",
        }
        return render(self.request, self.template_name, context, status=status)


def selection_query(choice: RegionKindForm) -> str:
    """The completed first step as a query string, so the POST knows region and kind."""
    return urlencode(
        {key: choice.data[key] for key in ("city", "county", "kind") if key in choice.data}
    )


class OrgRegisterDoneView(View):
    template_name = "orgtree/org_register_done.html"

    def get(self, request):
        pk = request.session.get(SESSION_KEY)
        org = Org.objects.select_related("parent").filter(pk=pk).first() if pk else None
        if org is None:
            return redirect("orgtree:register")
        first_admin = org.admins.select_related("user").order_by("pk").first()
        username = first_admin.user.username if first_admin else ""
        return render(request, self.template_name, {"org": org, "username": username})


class OrgRegistrationListView(OrgAdminRequiredMixin, ListView):
    """Pending registrations under the admin's orgs, oldest first, and the latest decisions."""

    template_name = "orgtree/org_registration_list.html"
    context_object_name = "registrations"
    paginate_by = 20
    paginator_class = BoundedPaginator

    def get_queryset(self):
        self.search = OrgRegistrationSearchForm(self.request.GET)
        queryset = pending_orgs_for(self.request.user).prefetch_related(
            Prefetch(
                "admins",
                queryset=OrgAdmin.objects.filter(active=True).order_by("pk"),
                to_attr="active_admins",
            )
        )
        if self.search.is_valid():
            text = self.search.cleaned_data["q"].strip()
            if text:
                queryset = queryset.filter(
                    Q(name__icontains=text) | Q(credit_code__icontains=text.upper())
                )
            if self.search.cleaned_data["kind"]:
                queryset = queryset.filter(kind=self.search.cleaned_data["kind"])
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["search"] = self.search
        context["decided"] = list(registrations_decided_for(self.request.user)[:20])
        return context


class OrgRegistrationApproveView(OrgAdminRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        org = get_object_or_404(orgs_visible_to(request.user), pk=pk)
        try:
            org_approve(actor=request.user, org_id=org.pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"已通过“{org.name}”的注册申请，其管理员现在可以登录。")
        return redirect(next_url(request) or "orgtree:registrations")


class OrgRegistrationRejectView(OrgAdminRequiredMixin, View):
    template_name = "orgtree/org_registration_reject.html"

    def get(self, request, pk):
        org = self.get_org(pk)
        if org.status != Org.Status.PENDING:
            messages.error(
                request, f"该注册申请已被处理（{org.get_status_display()}），无需重复审核。"
            )
            return redirect("orgtree:registrations")
        return render(request, self.template_name, {"org": org, "form": OrgRejectForm()})

    def post(self, request, pk):
        org = self.get_org(pk)
        form = OrgRejectForm(request.POST)
        if form.is_valid():
            try:
                org_reject(actor=request.user, org_id=org.pk, reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    form_errors_add(form, exc)
                    return render(request, self.template_name, {"org": org, "form": form})
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, f"已退回“{org.name}”的注册申请。")
            return redirect("orgtree:registrations")
        return render(request, self.template_name, {"org": org, "form": form})

    def get_org(self, pk) -> Org:
        return get_object_or_404(
            orgs_visible_to(self.request.user).select_related("parent", "region"), pk=pk
        )
