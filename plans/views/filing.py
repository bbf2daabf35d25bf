"""The HRSS office's filing queues (培训计划备案, 折算办法备案) and its decisions."""

from django.views.generic import ListView

from orgtree.mixins import HrssAdminRequiredMixin
from portal.pagination import BoundedPaginator

from ..forms import QueueFilterForm, RuleQueueFilterForm
from ..models import FilingStatus
from ..selectors import plans_filed_by, plans_visible_to, rules_filed_by, rules_visible_to
from ..services import conversion_rule_file, conversion_rule_return, plan_file, plan_return
from .common import DecisionView


class QueueView(HrssAdminRequiredMixin, ListView):
    """What was sent to the admin's offices: by default what waits, oldest first (the index
    plan_office_queue / rule_office_queue serves each state in both orders); filed and
    returned ones newest first. Search by the submitting org's name."""

    context_object_name = "documents"
    paginate_by = 20
    paginator_class = BoundedPaginator
    filter_form = QueueFilterForm

    def documents(self):
        raise NotImplementedError

    def get_queryset(self):
        self.filters = self.filter_form(self.request.GET)
        queryset = self.documents().select_related("org", "filing_office")
        if not self.filters.is_valid():
            self.status = FilingStatus.SUBMITTED
            return queryset.none()
        data = self.filters.cleaned_data
        self.status = self.filters.chosen_status()
        if self.status != "all":
            queryset = queryset.filter(status=self.status)
        if data.get("year"):
            queryset = queryset.filter(year=data["year"])
        if text := data["q"].strip():
            queryset = queryset.filter(org__name__icontains=text)
        if self.status == FilingStatus.SUBMITTED:
            return queryset.order_by("submitted_at", "id")
        return queryset.order_by("-submitted_at", "-id")

    def get_context_data(self, **kwargs):
        return super().get_context_data(filters=self.filters, status=self.status, **kwargs)


class PlanQueueView(QueueView):
    template_name = "plans/plan_queue.html"

    def documents(self):
        return plans_filed_by(self.request.user)


class RuleQueueView(QueueView):
    template_name = "plans/rule_queue.html"
    filter_form = RuleQueueFilterForm

    def documents(self):
        return rules_filed_by(self.request.user)


class PlanDecisionView(DecisionView):
    noun = "培训计划"
    detail_url = "plans:plan-detail"
    queue_url = "plans:plan-queue"

    def visible(self):
        return plans_visible_to(self.request.user)

    def file(self, *, actor, pk):
        plan_file(actor=actor, plan_id=pk)

    def send_back(self, *, actor, pk, reason):
        plan_return(actor=actor, plan_id=pk, reason=reason)


class RuleDecisionView(DecisionView):
    noun = "折算办法"
    detail_url = "plans:rule-detail"
    queue_url = "plans:rule-queue"

    def visible(self):
        return rules_visible_to(self.request.user)

    def file(self, *, actor, pk):
        conversion_rule_file(actor=actor, rule_id=pk)

    def send_back(self, *, actor, pk, reason):
        conversion_rule_return(actor=actor, rule_id=pk, reason=reason)
