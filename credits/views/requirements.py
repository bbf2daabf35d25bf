"""Requirement rows (年度学时要求): every admin reads the rows that apply to them; HRSS admins
write the rows of their region, and a calculator shows what a person-year resolves to."""

from abc import ABC, abstractmethod
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View
from django.views.generic import ListView

from orgtree.mixins import HrssAdminRequiredMixin, OrgAdminRequiredMixin
from orgtree.roles import is_admin, is_hrss_admin
from portal.forms import form_errors_add

from ..forms_requirements import (
    PROVINCE,
    RequirementCalculatorForm,
    RequirementFilterForm,
    RequirementForm,
)
from ..models import Requirement
from ..requirements import (
    FIELDS,
    requirement_resolve,
    requirement_sources,
    requirements_applicable,
)
from ..selectors_requirements import requirements_editable_by, requirements_visible_to
from ..services.requirements import requirement_save


def register_requirement_menu() -> None:
    """Called from CreditsConfig.ready()."""
    from portal.navigation import register_menu_item

    register_menu_item("学时要求", "credits:requirements", is_admin, order=58, group="system")


def hours_text(value: Decimal | None) -> str:
    """90.0 -> "90", 26.5 -> "26.5"; a minimum left empty inherits from the broader row."""
    if value is None:
        return "继承"
    return format(value.normalize(), "f")


def years_text(requirement: Requirement) -> str:
    if requirement.year_to is None:
        return f"{requirement.year_from} 年起"
    if requirement.year_to == requirement.year_from:
        return f"{requirement.year_from} 年"
    return f"{requirement.year_from}—{requirement.year_to} 年"


def region_text(requirement: Requirement) -> str:
    return requirement.region.full_name if requirement.region else "全省"


def row_of(requirement: Requirement, editable: bool = False) -> dict:
    return {
        "requirement": requirement,
        "years": years_text(requirement),
        "region": region_text(requirement),
        "hours": [hours_text(getattr(requirement, name)) for name in FIELDS],
        "editable": editable,
    }


class RequirementListView(OrgAdminRequiredMixin, ListView):
    template_name = "credits/requirement_list.html"
    paginate_by = 50

    def get_queryset(self):
        user = self.request.user
        self.filters = RequirementFilterForm(self.request.GET, user=user)
        queryset = (
            requirements_visible_to(user)
            .select_related("region__parent", "updated_by")
            .order_by(
                "year_from",
                F("region_id").asc(nulls_first=True),
                "title_group",
                "pk",
            )
        )
        if not self.filters.is_valid():
            return queryset.none()
        year, region = self.filters.cleaned_data["year"], self.filters.cleaned_data["region"]
        if year is not None:
            queryset = queryset.filter(year_from__lte=year).exclude(year_to__lt=year)
        if region == PROVINCE:
            queryset = queryset.filter(region__isnull=True)
        elif region:
            queryset = queryset.filter(region_id=region)
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        page = list(context["object_list"])
        editable = set(
            requirements_editable_by(user)
            .filter(pk__in=[row.pk for row in page])
            .values_list("pk", flat=True)
        )
        context.update(
            rows=[row_of(requirement, requirement.pk in editable) for requirement in page],
            filters=self.filters,
            can_edit=is_hrss_admin(user),
            **self.calculator(),
        )
        return context

    def calculator(self) -> dict:
        user = self.request.user
        if not any(key.startswith("calc-") for key in self.request.GET):
            return {"calculator": RequirementCalculatorForm(user=user)}
        form = RequirementCalculatorForm(self.request.GET, user=user)
        if not form.is_valid():
            return {"calculator": form}
        query = {
            "year": form.cleaned_data["year"],
            "region_code": form.cleaned_data["region"] or None,
            "title_level": form.cleaned_data["title_level"],
        }
        sources = requirement_sources(requirements_applicable(**query))
        resolved = requirement_resolve(**query)
        return {
            "calculator": form,
            "resolved": [
                {
                    "label": label,
                    "hours": hours_text(value),
                    "source": row_of(sources[name]) if sources[name] else None,
                }
                for label, name, value in (
                    ("总学时", "total_min", resolved.total),
                    ("公需科目", "public_min", resolved.public),
                    ("专业科目", "professional_min", resolved.professional),
                )
            ],
        }


class RequirementFormView(ABC, HrssAdminRequiredMixin, View):
    template_name = "credits/requirement_form.html"

    @abstractmethod
    def get_requirement(self) -> Requirement:
        """Said by each concrete view (create or edit)."""

    def get(self, request, **kwargs):
        requirement = self.get_requirement()
        initial = RequirementForm.initial_for(requirement) if requirement.pk else {}
        form = RequirementForm(user=request.user, initial=initial)
        return self.render(requirement, form)

    def post(self, request, **kwargs):
        requirement = self.get_requirement()
        verb = "修改" if requirement.pk else "添加"
        form = RequirementForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                saved = requirement_save(
                    actor=request.user, requirement=requirement, data=form.cleaned_data
                )
            except ValidationError as exc:
                form_errors_add(form, exc)
            else:
                messages.success(
                    request,
                    f"已{verb}学时要求：{years_text(saved)} {region_text(saved)}"
                    f" {saved.get_title_group_display()}。",
                )
                return redirect("credits:requirements")
        return self.render(requirement, form)

    def render(self, requirement: Requirement, form: RequirementForm):
        context = {
            "requirement": requirement,
            "row": row_of(requirement) if requirement.pk else None,
            "form": form,
        }
        return render(self.request, self.template_name, context)


class RequirementCreateView(RequirementFormView):
    def get_requirement(self) -> Requirement:
        return Requirement()


class RequirementEditView(RequirementFormView):
    def get_requirement(self) -> Requirement:
        queryset = requirements_editable_by(self.request.user).select_related(
            "region__parent", "updated_by"
        )
        return get_object_or_404(queryset, pk=self.kwargs["pk"])
