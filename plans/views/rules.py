"""行业学时折算办法: a department's own documents and its upload, a document's page and file,
and the filed rules its units and people go by."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View
from django.views.generic import ListView

from orgtree.models import Org
from orgtree.roles import roles_of
from portal.forms import form_errors_add
from portal.pagination import BoundedPaginator

from ..access import DepartmentAdminRequiredMixin, RuleReaderRequiredMixin
from ..forms import RuleForm
from ..models import ConversionRule, FilingStatus
from ..selectors import (
    conversion_rules_for_paths,
    office_ids,
    own_org_ids,
    reader_paths,
    rules_readable_by,
    rules_visible_to,
)
from ..services import conversion_rule_resubmit, conversion_rule_submit
from ..services.common import EDITABLE
from ..services.rules import RULE_KINDS


def department_ids(user) -> list[int]:
    return own_org_ids(user, RULE_KINDS)


class RuleListView(DepartmentAdminRequiredMixin, ListView):
    """The department's own documents, in every state, newest first."""

    template_name = "plans/rule_list.html"
    context_object_name = "rules"
    paginate_by = 20
    paginator_class = BoundedPaginator

    def get_queryset(self):
        return (
            rules_visible_to(self.request.user)
            .filter(org_id__in=department_ids(self.request.user))
            .select_related("org", "filing_office")
            .order_by("-created_at", "-id")
        )


class RuleCreateView(DepartmentAdminRequiredMixin, View):
    template_name = "plans/rule_form.html"

    def orgs(self):
        return [org for org in roles_of(self.request.user).orgs if org.kind == Org.Kind.DEPARTMENT]

    def get(self, request):
        return self.render(RuleForm(orgs=self.orgs()))

    def post(self, request):
        form = RuleForm(request.POST, request.FILES, orgs=self.orgs())
        if form.is_valid():
            data = form.cleaned_data
            try:
                rule = conversion_rule_submit(
                    actor=request.user,
                    org_id=data["org"],
                    title=data["title"],
                    summary=data["summary"],
                    upload=data["document"],
                )
            except ValidationError as exc:
                form_errors_add(form, exc)
            else:
                messages.success(request, f"已将“{rule.title}”报送{rule.filing_office.name}备案。")
                return redirect("plans:rule-detail", rule.pk)
        return self.render(form)

    def render(self, form, rule=None):
        return render(self.request, self.template_name, {"form": form, "rule": rule})


class RuleResubmitView(RuleCreateView):
    """A returned document corrected and submitted again."""

    def rule(self, pk) -> ConversionRule:
        mine = ConversionRule.objects.filter(org_id__in=department_ids(self.request.user))
        return get_object_or_404(mine.select_related("org"), pk=pk)

    def get(self, request, pk):
        rule = self.rule(pk)
        if rule.status not in EDITABLE:
            messages.error(request, f"该折算办法“{rule.get_status_display()}”，不能修改。")
            return redirect("plans:rule-detail", rule.pk)
        initial = {"title": rule.title, "summary": rule.summary}
        return self.render(RuleForm(orgs=None, document_required=False, initial=initial), rule)

    def post(self, request, pk):
        rule = self.rule(pk)
        form = RuleForm(request.POST, request.FILES, orgs=None, document_required=False)
        if form.is_valid():
            data = form.cleaned_data
            try:
                rule = conversion_rule_resubmit(
                    actor=request.user,
                    rule_id=rule.pk,
                    title=data["title"],
                    summary=data["summary"],
                    upload=data["document"],
                )
            except ValidationError as exc:
                form_errors_add(form, exc)
            else:
                messages.success(request, f"已将“{rule.title}”重新报送备案。")
                return redirect("plans:rule-detail", rule.pk)
        return self.render(form, rule)


class RuleDetailView(LoginRequiredMixin, View):
    template_name = "plans/rule_detail.html"

    def get(self, request, pk):
        queryset = rules_readable_by(request.user).select_related(
            "org", "filing_office", "created_by", "decided_by"
        )
        rule = get_object_or_404(queryset, pk=pk)
        context = {
            "rule": rule,
            "can_edit": rule.org_id in department_ids(request.user) and rule.status in EDITABLE,
            "can_decide": rule.status == FilingStatus.SUBMITTED
            and rule.filing_office_id in office_ids(request.user),
        }
        return render(request, self.template_name, context)


class RuleDocumentView(LoginRequiredMixin, View):
    """The PDF itself, for whoever may read the rule; anyone else gets 404."""

    def get(self, request, pk):
        rule = get_object_or_404(rules_readable_by(request.user), pk=pk)
        try:
            handle = rule.document.open("rb")
        except FileNotFoundError:
            raise Http404("文件不存在") from None
        response = FileResponse(
            handle, content_type="application/pdf", filename=f"{rule.title}.pdf"
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


class RulesInForceView(RuleReaderRequiredMixin, ListView):
    """本行业学时折算办法: the filed documents of the departments above the reader (their own
    department's, for its admins), newest first."""

    template_name = "plans/rules_in_force.html"
    context_object_name = "rules"
    paginate_by = 20
    paginator_class = BoundedPaginator

    def get_queryset(self):
        return conversion_rules_for_paths(reader_paths(self.request.user)).order_by(
            "-decided_at", "-id"
        )
