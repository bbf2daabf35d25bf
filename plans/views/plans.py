"""年度培训计划 of a department or unit: its list, the plan page with its projects, the
detail (printable), the submission and the projects' spreadsheet."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View
from django.views.generic import ListView

from orgtree.roles import is_hrss_admin, roles_of
from portal.exports import xlsx_bytes, xlsx_response
from portal.forms import form_errors_add
from portal.pagination import BoundedPaginator

from ..access import PlannerRequiredMixin
from ..forms import PlanFilterForm, PlanForm, PlanItemFormSet, item_initial
from ..models import FilingStatus, TrainingPlan
from ..selectors import (
    PLANNER_KINDS,
    office_ids,
    own_org_ids,
    plan_items_of,
    plans_listed_for,
    plans_visible_to,
)
from ..services import ItemRow, ItemRowError, plan_save, plan_submit
from ..services.common import EDITABLE
from .common import error_message

EXPORT_HEADERS = (
    "序号",
    "培训项目名称",
    "培训形式",
    "开始日期",
    "结束日期",
    "计划学时",
    "预计参训人数",
    "组织实施单位",
)
EXPORT_WIDTHS = (6, 36, 10, 12, 12, 10, 12, 28)


class PlanListView(PlannerRequiredMixin, ListView):
    """The plans of the admin's departments and units (a department's units' too), newest year
    first, with their state and the 逾期 mark."""

    template_name = "plans/plan_list.html"
    context_object_name = "plans"
    paginate_by = 20
    paginator_class = BoundedPaginator

    def get_queryset(self):
        self.filters = PlanFilterForm(self.request.GET)
        queryset = plans_listed_for(self.request.user).select_related("org", "filing_office")
        if not self.filters.is_valid():
            return queryset.none()
        if year := self.filters.cleaned_data["year"]:
            queryset = queryset.filter(year=year)
        return queryset.order_by("-year", "org_path", "id")

    def get_context_data(self, **kwargs):
        return super().get_context_data(filters=self.filters, **kwargs)


def planner_orgs(user):
    return [org for org in roles_of(user).orgs if org.kind in PLANNER_KINDS]


class PlanFormView(PlannerRequiredMixin, View):
    """The plan page: its name and note, and its projects, one block each (a phone shows them
    one under another), with blank rows for more. Creates the plan when there is none."""

    template_name = "plans/plan_form.html"

    def plan(self, pk) -> TrainingPlan | None:
        if pk is None:
            return None
        mine = TrainingPlan.objects.filter(org_id__in=own_org_ids(self.request.user))
        return get_object_or_404(mine.select_related("org"), pk=pk)

    def get(self, request, pk=None):
        plan = self.plan(pk)
        if plan is not None and plan.status not in EDITABLE:
            messages.error(request, f"该培训计划“{plan.get_status_display()}”，不能修改。")
            return redirect("plans:plan-detail", plan.pk)
        if plan is None:
            form = PlanForm(orgs=planner_orgs(request.user))
            items = PlanItemFormSet(prefix="items")
        else:
            form = PlanForm(creating=False, initial={"title": plan.title, "note": plan.note})
            items = PlanItemFormSet(prefix="items", initial=item_initial(plan_items_of(plan)))
        return self.render(plan, form, items)

    def post(self, request, pk=None):
        plan = self.plan(pk)
        form = PlanForm(request.POST, orgs=planner_orgs(request.user), creating=plan is None)
        items = PlanItemFormSet(request.POST, prefix="items")
        if form.is_valid() and items.is_valid():
            data = form.cleaned_data
            rows, row_forms = self.rows(items)
            try:
                plan = plan_save(
                    actor=request.user,
                    plan_id=plan.pk if plan else None,
                    org_id=data.get("org"),
                    year=data.get("year"),
                    title=data["title"],
                    note=data["note"],
                    rows=rows,
                )
            except ItemRowError as exc:
                form_errors_add(row_forms[exc.index], exc)
            except ValidationError as exc:
                form_errors_add(form, exc)
            else:
                messages.success(request, f"已保存“{plan.title}”。核对无误后请报送备案。")
                return redirect("plans:plan-detail", plan.pk)
        return self.render(plan, form, items)

    @staticmethod
    def rows(items) -> tuple[list[ItemRow], list]:
        """The rows to apply, and the form each came from (blank rows are left out)."""
        rows, row_forms = [], []
        for item_form in items.forms:
            data = item_form.cleaned_data
            if not data:
                continue  # a blank row
            item_id = data.get("item_id")
            remove = bool(data.get("DELETE"))
            if item_id is None and remove:
                continue
            rows.append(ItemRow(item_id, item_form.item_fields(), remove))
            row_forms.append(item_form)
        return rows, row_forms

    def render(self, plan, form, items):
        context = {"plan": plan, "form": form, "items": items}
        return render(self.request, self.template_name, context)


class PlanDetailView(LoginRequiredMixin, View):
    """A plan and its projects, printable; what the viewer may do with it."""

    template_name = "plans/plan_detail.html"

    def get(self, request, pk):
        queryset = plans_visible_to(request.user).select_related(
            "org", "filing_office", "created_by", "decided_by"
        )
        plan = get_object_or_404(queryset, pk=pk)
        own = plan.org_id in own_org_ids(request.user)
        context = {
            "plan": plan,
            "items": list(plan_items_of(plan)),
            "can_edit": own and plan.status in EDITABLE,
            "from_queue": is_hrss_admin(request.user),
            "can_decide": plan.status == FilingStatus.SUBMITTED
            and plan.filing_office_id in office_ids(request.user),
        }
        return render(request, self.template_name, context)


class PlanSubmitView(PlannerRequiredMixin, View):
    """报送备案, after a confirmation page."""

    template_name = "plans/plan_submit.html"

    def plan(self, pk) -> TrainingPlan:
        mine = TrainingPlan.objects.filter(org_id__in=own_org_ids(self.request.user))
        return get_object_or_404(mine.select_related("org", "filing_office"), pk=pk)

    def get(self, request, pk):
        plan = self.plan(pk)
        context = {
            "plan": plan,
            "item_count": plan.items.count(),
            "editable": plan.status in EDITABLE,
        }
        return render(request, self.template_name, context)

    def post(self, request, pk):
        plan = self.plan(pk)
        try:
            plan = plan_submit(actor=request.user, plan_id=plan.pk)
        except ValidationError as exc:
            error_message(request, exc)
        else:
            late = "（已逾期）" if plan.is_late else ""
            messages.success(
                request, f"已将“{plan.title}”报送{plan.filing_office.name}备案{late}。"
            )
        return redirect("plans:plan-detail", plan.pk)


class PlanExportView(LoginRequiredMixin, View):
    """The plan's projects as a spreadsheet."""

    def get(self, request, pk):
        plan = get_object_or_404(plans_visible_to(request.user).select_related("org"), pk=pk)
        rows = (
            (
                item.position,
                item.title,
                item.get_form_display(),
                item.starts_on,
                item.ends_on,
                item.hours,
                item.participants,
                item.organiser,
            )
            for item in plan_items_of(plan)
        )
        content, _ = xlsx_bytes("培训项目", EXPORT_HEADERS, rows, widths=EXPORT_WIDTHS)
        return xlsx_response(content, f"{plan.org.name}{plan.year}年度培训计划.xlsx")
