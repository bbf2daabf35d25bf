from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.views import View

from portal.http import client_ip
from portal.services import audit_record

from ..forms import LoginForm
from ..services import registration_withdraw


class UserLoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["failure_limit"] = settings.LOGIN_FAILURE_LIMIT
        context["lockout_minutes"] = settings.LOGIN_LOCKOUT_SECONDS // 60
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, f"欢迎您，{form.get_user().display_name}！")
        return response


class UserLogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, "您已安全退出。")
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(
            actor=self.request.user,
            action="account.password_change",
            target=f"user:{self.request.user.pk}",
            ip=client_ip(self.request),
        )
        messages.success(self.request, "密码已修改。")
        return response


class RegistrationWithdrawView(View):
    """Withdraws a pending registration with the token the login page handed out."""

    def post(self, request):
        try:
            status = registration_withdraw(token=request.POST.get("token", ""))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("accounts:login")
        messages.success(request, "您已撤回注册申请。如需注册到其他单位，可以重新注册。")
        return redirect("accounts:register" if status.kind == "person" else "register-guide")
