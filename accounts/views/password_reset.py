"""忘记密码: the public reset page (a code and a new password), the SMS request, and the page
on which an admin issues a code for one of their people."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View

from orgtree.mixins import OrgAdminRequiredMixin
from orgtree.selectors import org_admins_below
from portal.forms import form_errors_add
from portal.http import client_ip
from portal.sms import sms_available

from ..forms_password import PasswordResetRedeemForm, PasswordResetSmsForm
from ..models import Person
from ..selectors import persons_visible_to
from ..services.password_reset import (
    password_reset_issue,
    password_reset_redeem,
    password_reset_sms_request,
)

SMS_SENT = (
    "如果该账户存在且预留了手机号码，验证码已发送，{minutes} 分钟内有效。"
    "未收到短信时，请联系您的单位管理员生成重置码。"
)


class PasswordResetView(View):
    template_name = "accounts/password_reset.html"

    def render_form(self, request, form, status=200):
        context = {
            "form": form,
            "sms": sms_available(),
            "admin_minutes": settings.PASSWORD_RESET_ADMIN_MINUTES,
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        return self.render_form(request, PasswordResetRedeemForm())

    def post(self, request):
        form = PasswordResetRedeemForm(request.POST)
        if not form.is_valid():
            return self.render_form(request, form, status=400)
        data = form.cleaned_data
        try:
            password_reset_redeem(
                identifier=data["identifier"],
                code=data["code"],
                password=data["new_password1"],
                ip=client_ip(request),
            )
        except ValidationError as exc:
            # The password validators' codes all name the password; the service's own
            # refusals (a wrong code, too many tries) belong to the whole form.
            if any("password" in (error.code or "") for error in exc.error_list):
                form.add_error("new_password1", exc)
            else:
                form_errors_add(form, exc)
            return self.render_form(request, form, status=400)
        messages.success(
            request, "密码已重置，请使用新密码登录。此前在其他设备上的登录已全部失效。"
        )
        return redirect("accounts:login")


class PasswordResetSmsView(View):
    template_name = "accounts/password_reset_sms.html"

    def get(self, request):
        return render(
            request, self.template_name, {"form": PasswordResetSmsForm(), "sms": sms_available()}
        )

    def post(self, request):
        form = PasswordResetSmsForm(request.POST)
        if not sms_available() or not form.is_valid():
            context = {"form": form, "sms": sms_available()}
            return render(request, self.template_name, context, status=400)
        try:
            password_reset_sms_request(
                identifier=form.cleaned_data["identifier"], ip=client_ip(request)
            )
        except ValidationError as exc:
            form_errors_add(form, exc)
            context = {"form": form, "sms": True}
            return render(request, self.template_name, context, status=429)
        messages.info(request, SMS_SENT.format(minutes=settings.PASSWORD_RESET_SMS_MINUTES))
        return redirect("accounts:password-reset")


class _ResetIssueView(OrgAdminRequiredMixin, View):
    """An admin issues a reset code for an account in their care: confirmed first, shown
    once. Subclasses say whose account (``subject``: the user, their name, org and page)."""

    template_name = "accounts/password_reset_issue.html"

    def get(self, request, pk):
        return render(request, self.template_name, self.subject(request, pk))

    def post(self, request, pk):
        subject = self.subject(request, pk)
        try:
            code = password_reset_issue(
                actor=request.user, user=subject["account"], ip=client_ip(request)
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(subject["back"])
        context = {**subject, "code": code, "minutes": settings.PASSWORD_RESET_ADMIN_MINUTES}
        response = render(request, self.template_name, context)
        response["Cache-Control"] = "private, no-store"  # the code is shown once, never cached
        return response


class PersonPasswordResetIssueView(_ResetIssueView):
    """For one of the admin's people (the unit admin, or any admin above the unit)."""

    def subject(self, request, pk) -> dict:
        person = get_object_or_404(
            persons_visible_to(request.user)
            .filter(status=Person.Status.APPROVED)
            .select_related("user", "unit"),
            pk=pk,
        )
        return {
            "account": person.user,
            "name": person.user.display_name,
            "org_name": person.unit.name,
            "back": reverse("accounts:person-detail", args=[person.pk]),
            "back_label": "人员目录",
            "back_list": reverse("accounts:people"),
        }


class OrgAdminPasswordResetIssueView(_ResetIssueView):
    """For an admin of an org below the actor's (an admin of the org above helps them)."""

    def subject(self, request, pk) -> dict:
        admin = get_object_or_404(org_admins_below(request.user), pk=pk)
        return {
            "account": admin.user,
            "name": admin.name,
            "org_name": admin.org.name,
            "back": reverse("orgtree:org-detail", args=[admin.org_id]),
            "back_label": "机构目录",
            "back_list": reverse("orgtree:directory"),
        }
