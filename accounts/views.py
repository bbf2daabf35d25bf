from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from portal.services import audit_record

from .forms import LoginForm, client_ip


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
