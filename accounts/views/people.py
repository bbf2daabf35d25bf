"""The people of an admin's scope: the list (with its Excel export) and one person's record."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.generic import DetailView, ListView

from orgtree.mixins import OrgAdminRequiredMixin
from orgtree.selectors import audit_path, orgs_visible_to
from portal.exports import xlsx_response
from portal.http import client_ip
from portal.pagination import BoundedPaginator
from portal.services import audit_record

from ..exports import people_workbook
from ..forms import PersonFilterForm
from ..person_links import person_links_for
from ..selectors import persons_visible_to
from .profile_requests import profile_requests_context
from .review import search_q

EXPORT_ROW_LIMIT = 50_000  # larger exports belong in a background job


class PersonListView(OrgAdminRequiredMixin, ListView):
    template_name = "accounts/person_list.html"
    context_object_name = "persons"
    paginate_by = 50
    paginator_class = BoundedPaginator

    def get(self, request, *args, **kwargs):
        self.filter_form = PersonFilterForm(request.GET or None)
        self.filter_form.is_valid()  # the valid filters apply even if another one is not
        self.filters = getattr(self.filter_form, "cleaned_data", {})
        self.org = None
        if self.filters.get("org"):
            self.org = get_object_or_404(orgs_visible_to(request.user), pk=self.filters["org"])
        if request.GET.get("export") == "xlsx":
            return self.export()
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        persons = persons_visible_to(self.request.user)
        if self.org is not None:
            persons = persons.filter(org_path__startswith=self.org.path)
        if self.filters.get("q"):
            persons = persons.filter(search_q(self.filters["q"], cert_no=True))
        if self.filters.get("status"):
            persons = persons.filter(status=self.filters["status"])
        if self.filters.get("title_level"):
            persons = persons.filter(title_level=self.filters["title_level"])
        # Newest registrations first: an order the primary key serves at any scope (sorting by
        # unit and name meant reading and sorting a whole city's people for each page).
        return persons.select_related("user", "unit").order_by("-pk")

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter_form=self.filter_form, org=self.org, **kwargs)

    def export(self):
        """All matching rows as .xlsx; an export of personal data is audited."""
        persons = self.get_queryset()
        total = persons.count()
        if total > EXPORT_ROW_LIMIT:
            messages.error(
                self.request,
                f"符合条件的人员有 {total} 人，超过单次导出上限 {EXPORT_ROW_LIMIT} 人，"
                "请按单位或条件缩小范围后再导出。",
            )
            query = self.request.GET.copy()
            query.pop("export", None)
            return redirect(f"{self.request.path}?{query.urlencode()}")
        content, rows = people_workbook(persons.iterator(chunk_size=2000))
        audit_record(
            actor=self.request.user,
            action="person.export",
            target=f"org:{self.org.pk}" if self.org else "scope",
            org_path=audit_path(self.request.user, self.org),
            detail={
                "filters": {k: v for k, v in self.filters.items() if v not in (None, "")},
                "rows": rows,
            },
            ip=client_ip(self.request),
        )
        name = f"专业技术人员名单-{timezone.localdate():%Y%m%d}.xlsx"
        return xlsx_response(content, name)


class PersonDetailView(OrgAdminRequiredMixin, DetailView):
    template_name = "accounts/person_detail.html"
    context_object_name = "person"

    def get_object(self, queryset=None):
        return get_object_or_404(
            persons_visible_to(self.request.user).select_related(
                "user", "unit__parent", "region__parent", "decided_by"
            ),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        transfers = self.object.transfers.select_related("from_unit", "to_unit", "decided_by")
        return super().get_context_data(
            transfers=transfers,
            person_links=person_links_for(self.request.user, self.object),
            **profile_requests_context(self.object),
            **kwargs,
        )
