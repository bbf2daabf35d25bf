"""A professional's declarations: the list, the form (create and edit), the page, the actions."""

import json
from abc import ABC, abstractmethod

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View
from django.views.generic import DetailView, ListView

from accounts.views.mixins import ProfessionalRequiredMixin
from plans.selectors import PLAN_KINDS, plan_items_offered
from portal.forms import form_errors_add

from ..deadlines import declare_notice
from ..forms import (
    NO_PLAN_ITEMS,
    DeclarationFilterForm,
    DeclarationForm,
    DeclarationParamsForm,
    PlanItemForm,
    YearForm,
    year_asked,
)
from ..models import Declaration, ReviewStatus
from ..rules import CATEGORIES, Basis, RuleError, categories_for, compute
from ..selectors import declaration_twin, declarations_of, declarations_visible_to
from ..services import (
    declaration_create,
    declaration_delete,
    declaration_resubmit,
    declaration_submit,
    declaration_update,
    declaration_withdraw,
)
from .common import error_message, record_context


class DeclarationListView(ProfessionalRequiredMixin, ListView):
    template_name = "credits/declaration_list.html"
    context_object_name = "declarations"
    paginate_by = 20

    def get(self, request, *args, **kwargs):
        self.filter_form = DeclarationFilterForm(request.GET or None)
        self.filter_form.is_valid()  # the valid filters apply even if another one is not
        self.filters = getattr(self.filter_form, "cleaned_data", {})
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        declarations = declarations_of(self.request.user)
        for name in ("year", "subject", "status"):
            if self.filters.get(name) not in (None, ""):
                declarations = declarations.filter(**{name: self.filters[name]})
        return declarations.order_by("-year", "-created_at", "-pk")

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter_form=self.filter_form, **kwargs)


def params_display_rows(declaration: Declaration) -> list[tuple[str, str]]:
    """The parameters as a reader sees them: (label, value with its unit)."""
    category = CATEGORIES.get(declaration.category)
    if category is None:
        return [(name, str(value)) for name, value in declaration.params.items()]
    rows = []
    for param in category.params:
        value = declaration.params.get(param.name)
        if param.kind == "bool":
            text = "是" if value else "否"
        elif param.kind == "choice":
            text = param.choice_label(value)
        elif value is None:
            text = "—"
        else:
            text = f"{value} {param.unit}".strip()
        rows.append((param.label, text))
    return rows


class DeclarationDetailView(LoginRequiredMixin, DetailView):
    """The declaration, to its person and to admins in scope; anyone else gets 404."""

    template_name = "credits/declaration_detail.html"
    context_object_name = "declaration"

    def get_queryset(self):
        return declarations_visible_to(self.request.user).select_related(
            "person__user", "unit", "plan_item__plan__org"
        )

    def get_context_data(self, **kwargs):
        declaration = self.object
        return super().get_context_data(
            category=CATEGORIES.get(declaration.category),
            params_display=params_display_rows(declaration),
            **record_context(self.request, declaration),
            **kwargs,
        )


class DeclarationFormView(ABC, ProfessionalRequiredMixin, View):
    """The form shared by create and edit.

    Every category's parameter fieldset is on the page; the chosen one is enabled. Without
    JavaScript, the 切换类别 button posts ``switch`` and the page comes back for the chosen
    category and year, with its hours when the parameters allow. The fieldsets of unit and
    department training hold the choice of a plan item offered for the year shown
    (credits-plan-items.js posts ``switch`` when another year is chosen for them).
    """

    template_name = "credits/declaration_form.html"
    declaration: Declaration | None = None

    def forms(self, data=None, initial=None, params_initial=None):
        form = DeclarationForm(data, initial=initial or {})
        code = data.get("category") if data is not None else (initial or {}).get("category")
        category = CATEGORIES.get(code) if isinstance(code, str) else None
        params_form = (
            DeclarationParamsForm(category, data, initial=params_initial or {})
            if category
            else None
        )
        return form, params_form

    def unit_path(self) -> str:
        """Whose plans are offered: the declaration's unit, or the person's for a new one."""
        return self.declaration.org_path if self.declaration else self.person.org_path

    def plan_forms(self, year: int, *, chosen: str = "", data=None, initial=None) -> dict:
        """The plan item choice of each category that needs one, for ``year``; only the chosen
        category's is bound to ``data`` (the others' selects were disabled, so not posted)."""
        return {
            code: PlanItemForm(
                code,
                list(plan_items_offered(unit_path=self.unit_path(), year=year, category=code)),
                data if code == chosen else None,
                year=year,
                initial=initial or {},
            )
            for code in PLAN_KINDS
        }

    def render_form(self, form, params_form, plan_forms, *, preview=None):
        chosen = params_form.category.code if params_form else ""
        panels = [
            {
                "category": category,
                "form": params_form if category.code == chosen else DeclarationParamsForm(category),
                "plan_form": plan_forms.get(category.code),
                "active": category.code == chosen,
            }
            for category in categories_for()
        ]
        context = {
            "form": form,
            "params_form": params_form,
            "panels": panels,
            "preview": preview,
            "declaration": self.declaration,
            "no_plan_items": NO_PLAN_ITEMS,
            "basis_labels_json": json.dumps(dict(Basis.choices), ensure_ascii=False),
            "deadline_notice": self.deadline_notice(form),
        }
        return render(self.request, self.template_name, context)

    def deadline_notice(self, form) -> str:
        """The chosen year's 学时申报 deadline when it is near or passed (issue 18)."""
        value = form.data.get("year") if form.is_bound else form.initial.get("year")
        chosen = YearForm({"year": value})
        return declare_notice(self.person, chosen.cleaned_data["year"]) if chosen.is_valid() else ""

    @staticmethod
    def preview(params_form):
        """The server's computation for the page without JavaScript (None when incomplete)."""
        if params_form is None or not params_form.is_valid():
            return None
        try:
            return compute(params_form.category.code, params_form.params())
        except RuleError:
            return None

    @staticmethod
    def params_check(form, params_form) -> None:
        """When the rest of the form is wrong, the parameters' problems are shown as well."""
        if params_form is None or not params_form.is_valid():
            return
        try:
            compute(params_form.category.code, params_form.params())
        except RuleError as exc:
            form_errors_add(
                form, ValidationError(dict(exc.errors)), route=params_form.error_route()
            )

    def post(self, request, *args, **kwargs):
        form, params_form = self.forms(request.POST)
        year = year_asked(request.POST)
        chosen = params_form.category.code if params_form else ""
        if "switch" in request.POST:
            form = DeclarationForm(initial=request.POST.dict())
            plan_forms = self.plan_forms(year, initial={"plan_item": request.POST.get("plan_item")})
            return self.render_form(
                form, params_form, plan_forms, preview=self.preview(params_form)
            )
        plan_forms = self.plan_forms(year, chosen=chosen, data=request.POST)
        plan_form = plan_forms.get(chosen)
        forms_valid = all([form.is_valid(), plan_form is None or plan_form.is_valid()])
        if not (params_form and params_form.is_valid() and forms_valid):
            self.params_check(form, params_form)
            return self.render_form(form, params_form, plan_forms)
        plan_item_id = plan_form.cleaned_data["plan_item"] if plan_form else None
        route = params_form.error_route()
        if plan_form is not None:
            route["plan_item"] = (plan_form, "plan_item")
        try:
            declaration = self.save(form.data_for_service(params_form.params(), plan_item_id))
        except ValidationError as exc:
            if self.declaration is not None and not hasattr(exc, "error_dict"):
                error_message(request, exc)  # no longer editable: the page says why
                return redirect("credits:declaration-detail", self.declaration.pk)
            form_errors_add(form, exc, route=route)
            return self.render_form(form, params_form, plan_forms)
        twin = declaration_twin(declaration)
        if twin is not None:
            messages.warning(
                request,
                f"注意：已有一条相同的学时记录（{twin.get_source_display()}，"
                f"{twin.get_status_display()}）：同一人员、年度、科目、类别、项目名称和开始日期"
                "相同。同一活动只能登记一次，请核对后删除或撤回重复的申报。",
            )
        return self.saved(declaration)

    @abstractmethod
    def save(self, data: dict) -> Declaration:
        """Said by each concrete view (create or edit)."""

    @abstractmethod
    def saved(self, declaration: Declaration):
        """Said by each concrete view (create or edit)."""


class DeclarationCreateView(DeclarationFormView):
    def get(self, request):
        category = request.GET.get("category", "")
        initial = {
            "year": year_asked(request.GET),
            "category": category if category in CATEGORIES else "",
        }
        form, params_form = self.forms(initial=initial)
        return self.render_form(
            form,
            params_form,
            self.plan_forms(initial["year"]),
            preview=self.preview_initial(params_form),
        )

    @staticmethod
    def preview_initial(params_form):
        """A category without parameters (an exam) has its hours at once."""
        if params_form is None or params_form.category.params:
            return None
        return compute(params_form.category.code, {})

    def save(self, data: dict) -> Declaration:
        return declaration_create(actor=self.request.user, **data)

    def saved(self, declaration: Declaration):
        messages.success(
            self.request,
            "申报已保存为草稿。请上传证明材料，然后点击“提交”送单位审核。",
        )
        return redirect("credits:declaration-detail", declaration.pk)


class DeclarationUpdateView(DeclarationFormView):
    """Only a draft or a returned declaration can be changed."""

    def refusal(self, pk):
        """Loads the declaration; a redirect with the reason when it cannot be changed."""
        self.declaration = get_object_or_404(declarations_of(self.request.user), pk=pk)
        if self.declaration.is_editable:
            return None
        messages.error(self.request, f"“{self.declaration.get_status_display()}”的申报不能修改。")
        return redirect("credits:declaration-detail", pk)

    def get(self, request, pk):
        if refused := self.refusal(pk):
            return refused
        declaration = self.declaration
        initial = {
            "year": declaration.year,
            "category": declaration.category,
            "title": declaration.title,
            "organiser": declaration.organiser,
            "start_date": declaration.start_date,
            "end_date": declaration.end_date,
            "description": declaration.description,
            "assessment_result": declaration.assessment_result,
        }
        form, params_form = self.forms(
            initial=initial, params_initial=DeclarationParamsForm.initial_from(declaration.params)
        )
        preview = None
        if params_form is not None:
            try:
                preview = compute(declaration.category, declaration.params)
            except RuleError:
                preview = None
        plan_forms = self.plan_forms(
            declaration.year, initial={"plan_item": declaration.plan_item_id}
        )
        return self.render_form(form, params_form, plan_forms, preview=preview)

    def post(self, request, pk):
        if refused := self.refusal(pk):
            return refused
        return super().post(request)

    def save(self, data: dict) -> Declaration:
        return declaration_update(
            actor=self.request.user, declaration_id=self.declaration.pk, **data
        )

    def saved(self, declaration: Declaration):
        messages.success(self.request, "修改已保存。")
        return redirect("credits:declaration-detail", declaration.pk)


class DeclarationSubmitView(LoginRequiredMixin, View):
    """提交 a draft, or 重新提交 a returned declaration, to the unit's review."""

    def post(self, request, pk):
        declaration = get_object_or_404(declarations_of(request.user), pk=pk)
        service = (
            declaration_resubmit
            if declaration.status == ReviewStatus.RETURNED
            else declaration_submit
        )
        try:
            service(actor=request.user, declaration_id=pk)
        except ValidationError as exc:
            error_message(request, exc)
        else:
            messages.success(request, f"已提交，等待“{declaration.unit.name}”审核。")
        return redirect("credits:declaration-detail", pk)


class DeclarationWithdrawView(LoginRequiredMixin, View):
    """GET asks for confirmation; POST withdraws a declaration not yet reviewed."""

    template_name = "credits/declaration_withdraw.html"

    def get(self, request, pk):
        declaration = get_object_or_404(declarations_of(request.user), pk=pk)
        if declaration.status != ReviewStatus.SUBMITTED:
            messages.error(request, "只有“待单位审核”的申报可以撤回。")
            return redirect("credits:declaration-detail", pk)
        return render(request, self.template_name, {"declaration": declaration})

    def post(self, request, pk):
        try:
            declaration_withdraw(actor=request.user, declaration_id=pk)
        except ValidationError as exc:
            error_message(request, exc)
        else:
            messages.success(request, "已撤回。撤回的申报不再审核，如需申报请重新填写。")
        return redirect("credits:declaration-detail", pk)


class DeclarationDeleteView(LoginRequiredMixin, View):
    """GET asks for confirmation; POST deletes a draft with its files."""

    template_name = "credits/declaration_delete.html"

    def get(self, request, pk):
        declaration = get_object_or_404(declarations_of(request.user), pk=pk)
        if declaration.status != ReviewStatus.DRAFT:
            messages.error(request, "只能删除草稿；已提交的申报请使用“撤回”。")
            return redirect("credits:declaration-detail", pk)
        return render(request, self.template_name, {"declaration": declaration})

    def post(self, request, pk):
        try:
            declaration_delete(actor=request.user, declaration_id=pk)
        except ValidationError as exc:
            error_message(request, exc)
            return redirect("credits:declaration-detail", pk)
        messages.success(request, "草稿已删除。")
        return redirect("credits:declarations")
