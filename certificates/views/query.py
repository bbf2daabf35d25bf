"""证书查询: an admin looks one person of their scope up by 证书管理号, ID number or name, and
reads that person's years, declarations and certificate issues, with the years as Excel.

Every query, every view of a person's page and every export is a sensitive read of personal
data, so each one writes an audit row.
"""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View

from accounts.models import Person
from orgtree.mixins import OrgAdminRequiredMixin
from orgtree.selectors import audit_path
from portal.exports import xlsx_bytes, xlsx_response
from portal.http import client_ip
from portal.ids import mask_id_number
from portal.services import audit_record

from ..forms_query import PersonQueryForm
from ..selectors_query import (
    person_declarations_in_scope,
    person_issues_in_scope,
    person_years_in_scope,
    persons_in_query_scope,
    persons_matching,
)

RESULTS_PER_PAGE = 20
DECLARATIONS_PER_PAGE = 20
# A person rarely has more; the print page (打印证书) pages through all of them.
ISSUES_SHOWN = 20
NOT_FOUND = "在您的管辖范围内未查询到符合条件的人员。"
YEAR_COLUMNS = (
    ("姓名", 10),
    ("身份证号", 21),
    ("证书管理号", 16),
    ("年度", 8),
    ("公需科目学时", 14),
    ("专业科目学时", 14),
    ("合计学时", 10),
    ("应完成学时", 12),
    ("结论", 8),
)


class PersonQueryView(OrgAdminRequiredMixin, View):
    """The query box; one match opens the person's page, several are listed, none is said so."""

    template_name = "certificates/query_search.html"

    def get(self, request):
        if "q" not in request.GET:
            return render(request, self.template_name, {"form": PersonQueryForm()})
        form = PersonQueryForm(request.GET)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        lookup = form.cleaned_data["q"]
        page = Paginator(persons_matching(request.user, lookup), RESULTS_PER_PAGE).get_page(
            request.GET.get("page")
        )
        audit_record(
            actor=request.user,
            action="certificate.query",
            target="scope",
            org_path=audit_path(request.user),
            detail={"kind": lookup.kind, "query": lookup.value, "matches": page.paginator.count},
            ip=client_ip(request),
        )
        if page.paginator.count == 1:
            return redirect("certificates:query-person", page.object_list[0].pk)
        persons = list(page.object_list)
        for person in persons:
            # The list is a search result, not the person's record: the ID stays masked here.
            person.masked_id = mask_id_number(person.user.id_number or "")
        context = {
            "form": form,
            "lookup": lookup,
            "page_obj": page,
            "persons": persons,
            "not_found": NOT_FOUND if not page.paginator.count else "",
        }
        return render(request, self.template_name, context)


class PersonQueryDetailView(OrgAdminRequiredMixin, View):
    """One person of the admin's scope: identity, years, declarations, issues; ?export=xlsx
    downloads the years. Out of scope answers 404 exactly like a missing person."""

    template_name = "certificates/query_person.html"

    def get(self, request, pk):
        user = request.user
        person = get_object_or_404(
            persons_in_query_scope(user).select_related("unit__parent"), pk=pk
        )
        years = list(person_years_in_scope(user, person))
        export = request.GET.get("export") == "xlsx"
        audit_record(
            actor=user,
            action="certificate.query.export" if export else "certificate.query.person",
            target=f"person:{person.pk}",
            org_path=person.org_path,
            detail={"rows": len(years)} if export else None,
            ip=client_ip(request),
        )
        if export:
            return self.export(person, years)
        declarations = Paginator(
            person_declarations_in_scope(user, person), DECLARATIONS_PER_PAGE
        ).get_page(request.GET.get("page"))
        issues = list(person_issues_in_scope(user, person)[: ISSUES_SHOWN + 1])
        context = {
            "person": person,
            "year_rows": years,
            "page_obj": declarations,
            "declarations": declarations.object_list,
            "issues": issues[:ISSUES_SHOWN],
            "more_issues": len(issues) > ISSUES_SHOWN,
            "issues_shown": ISSUES_SHOWN,
            "printable": person.status == Person.Status.APPROVED,
        }
        return render(request, self.template_name, context)

    @staticmethod
    def export(person, years):
        identity = (person.user.name, person.user.id_number or "", person.cert_no or "")
        rows = (
            (
                *identity,
                row.year,
                row.filed_public,
                row.filed_professional,
                row.filed_total,
                row.required_total,
                "合格" if row.completed else "未完成",
            )
            for row in years
        )
        content, _ = xlsx_bytes(
            "年度学时",
            [title for title, _ in YEAR_COLUMNS],
            rows,
            widths=[width for _, width in YEAR_COLUMNS],
        )
        name = f"年度学时-{person.cert_no or person.pk}-{timezone.localdate():%Y%m%d}.xlsx"
        return xlsx_response(content, name)
