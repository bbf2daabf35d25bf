from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect

from orgtree.models import Region
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
        found: list = []
        in_counties = False
        if region is not None:
            q = search.cleaned_data["q"]
            found = list(units_for_registration(region, q)[: UNIT_MATCH_LIMIT + 1])
            if not found and region.level == Region.Level.CITY:
                # Nothing at the city itself: people often pick the city for a county's unit.
                found = list(
                    units_for_registration(region, q, counties=True)[: UNIT_MATCH_LIMIT + 1]
                )
                in_counties = bool(found)
            units = found[:UNIT_MATCH_LIMIT]
        return {
            "in_counties": in_counties,
            "search": search,
            "region": region,
            "region_label": search.region_label(),
            "units": units,
            "units_truncated": len(found) > UNIT_MATCH_LIMIT,
            "unit_match_limit": UNIT_MATCH_LIMIT,
            "hidden_search": search.hidden_values() if region is not None else {},
        }
