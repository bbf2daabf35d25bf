"""夜间核查: the province admin's page of the nightly checks' findings."""

from django.contrib.auth.mixins import UserPassesTestMixin
from django.shortcuts import render
from django.views import View

from orgtree.roles import is_province_admin

from ..services.nightly import latest_checks


class NightlyCheckListView(UserPassesTestMixin, View):
    """The newest check of each kind and year; the province's admins only (the checks cover
    the whole portal)."""

    template_name = "credits/nightly_checks.html"

    def test_func(self) -> bool:
        return is_province_admin(self.request.user)

    def get(self, request):
        return render(request, self.template_name, {"checks": latest_checks()})
