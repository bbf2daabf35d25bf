"""平台接口令牌: the HRSS offices issue, list and revoke the learning platforms' push tokens."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.views import View
from django.views.generic import ListView

from orgtree.mixins import HrssAdminRequiredMixin
from orgtree.roles import is_province_admin
from portal.forms import form_errors_add
from portal.http import client_ip
from portal.pagination import BoundedPaginator

from ..forms_tokens import ApiTokenCreateForm
from ..intake.platform import MAX_RECORDS
from ..intake.tokens import (
    api_token_issue,
    api_token_revoke,
    token_institutions_for,
    tokens_visible_to,
)
from .common import error_message


class ApiTokenListView(HrssAdminRequiredMixin, ListView):
    template_name = "credits/api_token_list.html"
    context_object_name = "tokens"
    paginate_by = 50
    paginator_class = BoundedPaginator

    def get_queryset(self):
        return (
            tokens_visible_to(self.request.user)
            .select_related("institution", "created_by", "revoked_by")
            .order_by("-created_at", "-pk")
        )


class ApiTokenCreateView(HrssAdminRequiredMixin, View):
    template_name = "credits/api_token_form.html"

    def form(self, *args) -> ApiTokenCreateForm:
        user = self.request.user
        return ApiTokenCreateForm(
            *args,
            institutions=token_institutions_for(user),
            may_recognise=is_province_admin(user),
        )

    def get(self, request):
        return render(request, self.template_name, {"form": self.form()})

    def post(self, request):
        form = self.form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                token, plain = api_token_issue(
                    actor=request.user,
                    institution_id=data["institution"].pk,
                    name=data["name"],
                    recognised=data.get("recognised", False),
                    ip=client_ip(request),
                )
            except ValidationError as exc:
                form_errors_add(form, exc)
            else:
                # The one place the token is ever shown: this response, never stored, never
                # in a URL or a message, and never kept by a cache or the browser's history.
                response = render(
                    request,
                    "credits/api_token_issued.html",
                    {"token": token, "plain": plain, "max_records": MAX_RECORDS},
                )
                add_never_cache_headers(response)
                return response
        return render(request, self.template_name, {"form": form})


class ApiTokenRevokeView(HrssAdminRequiredMixin, View):
    template_name = "credits/api_token_revoke.html"

    def get(self, request, pk):
        queryset = tokens_visible_to(request.user).select_related("institution", "revoked_by")
        token = get_object_or_404(queryset, pk=pk)
        return render(request, self.template_name, {"token": token})

    def post(self, request, pk):
        try:
            token = api_token_revoke(actor=request.user, token_id=pk, ip=client_ip(request))
        except ValidationError as exc:
            error_message(request, exc)
        else:
            messages.success(
                request,
                f"已吊销“{token.institution.name}”的令牌“{token.name}”，使用该令牌的推送将被拒绝。",
            )
        return redirect("credits:api-tokens")
