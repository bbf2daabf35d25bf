"""注册进度 (督导通报): an HRSS office's registration progress per child region and department,
with the change since a chosen date; printable, and the same table as an xlsx file.

The page and the export are built from one list of rows (:func:`progress_table`), so the
workbook holds exactly the numbers the page shows.
"""

import datetime
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from orgtree.mixins import HrssAdminRequiredMixin
from orgtree.models import Org
from orgtree.roles import hrss_offices
from orgtree.selectors import org_in_scope, orgs_visible_to
from portal.exports import xlsx_bytes, xlsx_response
from portal.forms import DateField, IdField
from portal.http import client_ip
from portal.services import audit_record

from ..selectors_registration_progress import (
    FIGURE_HEADERS,
    FILED_DEFINITION,
    Progress,
    registration_progress,
)

DEFAULT_DAYS = 30
SHEET_TITLE = "注册进度"
FIRST_HEADER = "地区、主管部门"


def default_since() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=DEFAULT_DAYS)


class RegistrationProgressForm(forms.Form):
    """Blank values take the defaults: the user's highest HRSS office, 30 days ago."""

    org = IdField(required=False, widget=forms.HiddenInput)
    since = DateField(
        label="变化起始日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="“新增”各列统计自该日零时起的变化。",
    )

    def clean_since(self) -> datetime.date:
        since = self.cleaned_data.get("since") or default_since()
        if since > timezone.localdate():
            raise ValidationError("起始日期不能晚于今天。")
        return since


def progress_table(progress: Progress) -> tuple[list[str], list[list]]:
    """(headers, rows): the child rows, then the total."""
    headers = [FIRST_HEADER, *FIGURE_HEADERS]
    rows = [[row.label, *row.figures.values()] for row in [*progress.rows, progress.total]]
    return headers, rows


def page_link(office: Org, since: datetime.date, **extra) -> str:
    query = urlencode({"org": office.pk, "since": since.isoformat(), **extra})
    return reverse("credits:registration-progress") + f"?{query}"


class RegistrationProgressView(HrssAdminRequiredMixin, View):
    """The office must be an HRSS office in the user's scope (404 otherwise, like a missing
    one); ``?export=xlsx`` downloads the table."""

    template_name = "credits/registration_progress.html"

    def get(self, request):
        form = RegistrationProgressForm(request.GET)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form, "progress": None})
        org_id, since = form.cleaned_data["org"], form.cleaned_data["since"]
        if org_id:
            offices = orgs_visible_to(request.user).filter(kind=Org.Kind.HRSS)
            office = get_object_or_404(offices.select_related("parent"), pk=org_id)
        else:
            office = hrss_offices(request.user)[0]
        progress = registration_progress(office, since)
        headers, rows = progress_table(progress)
        if request.GET.get("export") == "xlsx":
            return self.export(progress, headers, rows)
        parent = office.parent
        context = {
            "form": form,
            "progress": progress,
            "headers": headers,
            "rows": [
                (
                    page_link(row.org, since) if row.kind == Org.Kind.HRSS else "",
                    row.kind,
                    [cell if isinstance(cell, str) else f"{cell:,}" for cell in cells],
                )
                for row, cells in zip([*progress.rows, progress.total], rows, strict=True)
            ],
            "filed_definition": FILED_DEFINITION,
            "export_link": page_link(office, since, export="xlsx"),
            "parent_link": page_link(parent, since)
            if parent is not None and org_in_scope(request.user, parent)
            else "",
        }
        return render(request, self.template_name, context)

    def export(self, progress: Progress, headers: list[str], rows: list[list]):
        content, count = xlsx_bytes(
            SHEET_TITLE, headers, rows, widths=(36, *[12] * len(FIGURE_HEADERS))
        )
        office = progress.office
        audit_record(
            actor=self.request.user,
            action="statistics.registration_export",
            target=f"org:{office.pk}",
            org_path=office.path,
            detail={"since": progress.since.isoformat(), "rows": count},
            ip=client_ip(self.request),
        )
        filename = f"注册进度-{office.name}-{progress.since:%Y%m%d}至{progress.today:%Y%m%d}.xlsx"
        return xlsx_response(content, filename)
