from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect

from orgtree.selectors import units_for_registration

from ..forms import UNIT_MATCH_LIMIT, RegionSearchForm
from ..selectors import person_of


class ProfessionalRequiredMixin(LoginRequiredMixin):
    """Pages of an approved professional; ``self.person`` is theirs."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.person = person_of(request.user)
        if self.person is None:
            messages.info(request, "当前账户不是已通过审核的专业技术人员，没有个人档案。")
            return redirect("home")
        return super().dispatch(request, *args, **kwargs)


class UnitSearchMixin:
    """Region + unit name search shared by registration and transfer pages."""

    def unit_search(self, search: RegionSearchForm) -> dict:
        region = search.region()
        units: list = []
        if region is not None:
            found = list(
                units_for_registration(region, search.cleaned_data["q"])[: UNIT_MATCH_LIMIT + 1]
            )
            units = found[:UNIT_MATCH_LIMIT]
        return {
            "search": search,
            "region": region,
            "region_label": search.region_label(),
            "units": units,
            "units_truncated": region is not None and len(found) > UNIT_MATCH_LIMIT,
            "unit_match_limit": UNIT_MATCH_LIMIT,
            "hidden_search": search.hidden_values() if region is not None else {},
        }
