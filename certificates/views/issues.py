"""Printing certificates: a person's page of years and issues (theirs, or one of an admin's
people), an issue's page with its rendering progress, preview and download, retry and revoke,
and the admins' list of issues with its Excel export."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import ListView

from accounts.models import Person
from accounts.views.mixins import ProfessionalRequiredMixin
from orgtree.mixins import OrgAdminRequiredMixin
from orgtree.roles import is_hrss_admin
from orgtree.selectors import audit_path
from portal.exports import xlsx_bytes, xlsx_response
from portal.forms import form_errors_add
from portal.http import client_ip
from portal.pagination import BoundedPaginator
from portal.services import audit_record

from ..forms_issues import (
    PRINT_FORMS,
    IssueFilterForm,
    IssueRevokeForm,
    SingleYearForm,
    YearRangeForm,
)
from ..models import CertificateIssue
from ..selectors import issues_in_scope, issues_visible_to, persons_printable_by, seal_for_unit
from ..services import certificate_request, issue_revoke, verify_url
from ..services.issues import NO_SEAL

REVOKED_NO_DOWNLOAD = "该证书已作废，不再提供下载。"

ISSUES_PER_PAGE = 20
LIST_PER_PAGE = 50
EXPORT_ROW_LIMIT = 50_000  # larger exports belong in a background job
EXPORT_COLUMNS = (
    ("姓名", 10),
    ("身份证号", 21),
    ("证书管理号", 16),
    ("单位", 30),
    ("年度", 12),
    ("出证日期", 12),
    ("状态", 12),
    ("核验码", 24),
    ("PDF SHA-256", 66),
)


def years_slug(issue: CertificateIssue) -> str:
    if issue.is_merged:
        return f"{issue.first_year}-{issue.last_year}"
    return str(issue.first_year)


def _visible_issue(request, pk: int) -> CertificateIssue:
    return get_object_or_404(issues_visible_to(request.user).select_related("person__unit"), pk=pk)


# --- A person's page: their years, the print forms, their issues ---------------------------------


def person_link_visible(user, person) -> bool:
    """The 打印证书 button on an admin's person page: only approved people get certificates."""
    return person.status == Person.Status.APPROVED


class PersonPrintMixin:
    """The page of ``self.person`` (loaded by the subclass through a scoped selector)."""

    template_name = "certificates/issue_print.html"

    def get(self, request, *args, **kwargs):
        return self.render_page()

    def post(self, request, *args, **kwargs):
        years = self.years_offered()
        form = PRINT_FORMS.get(request.POST.get("mode"), SingleYearForm)(request.POST, years=years)
        if form.is_valid():
            first, last = form.years()
            try:
                issue, created = certificate_request(
                    actor=request.user, person_id=self.person.pk, first_year=first, last_year=last
                )
            except ValidationError as exc:
                form_errors_add(form, exc, route=form.error_route)
            else:
                if created:
                    messages.success(
                        request, f"已出具{issue.years_label}证书，生成完成后即可预览和下载。"
                    )
                else:
                    messages.info(
                        request,
                        f"{issue.years_label}的证书此前已出具，内容没有变化，以下为原证书。",
                    )
                return redirect("certificates:issue-detail", issue.pk)
        return self.render_page(bound=form, status=400)

    def year_rows(self):
        return self.person.years.annotate(
            filed_total=F("filed_public") + F("filed_professional")
        ).order_by("-year")

    def years_offered(self) -> list[int]:
        first = self.person.years.order_by("year").values_list("year", flat=True).first()
        if first is None:
            return []
        return list(range(first, timezone.localdate().year + 1))

    def render_page(self, bound=None, status: int = 200):
        request = self.request
        person = self.person
        rows = list(self.year_rows())
        years = self.years_offered()
        filed = [row.year for row in rows if row.year in years]
        forms = {}
        for form_class in (SingleYearForm, YearRangeForm):
            if bound is not None and isinstance(bound, form_class):
                forms[form_class.mode] = bound
                continue
            initial = {}
            if filed:
                initial = {"year": max(filed), "first_year": min(filed), "last_year": max(filed)}
            forms[form_class.mode] = form_class(years=years, initial=initial)
        issues = issues_visible_to(request.user).filter(person=person)
        page = Paginator(issues, ISSUES_PER_PAGE).get_page(request.GET.get("page"))
        context = {
            "person": person,
            "is_self": person.user_id == request.user.pk,
            "year_rows": rows,
            "max_years": settings.CERT_MAX_YEARS,
            "no_seal": NO_SEAL if seal_for_unit(person.unit) is None else "",
            "single_form": forms["single"],
            "range_form": forms["range"],
            "page_obj": page,
            "issues": page.object_list,
        }
        return render(request, self.template_name, context, status=status)


class IssueMineView(ProfessionalRequiredMixin, PersonPrintMixin, View):
    """电子证书: the signed-in professional's own certificates (the mixin sets ``person``)."""


class IssuePersonView(LoginRequiredMixin, PersonPrintMixin, View):
    """The same page for an admin printing the certificate of one of their people."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.person = get_object_or_404(
                persons_printable_by(request.user), pk=kwargs["person_pk"]
            )
        return super().dispatch(request, *args, **kwargs)


# --- One issue: its page, status, files, retry, revoke -------------------------------------------


class IssueDetailView(LoginRequiredMixin, View):
    template_name = "certificates/issue_detail.html"

    def get(self, request, pk):
        issue = _visible_issue(request, pk)
        user = request.user
        is_owner = issue.person.user_id == user.pk
        can_revoke = (
            issue.status == CertificateIssue.Status.VALID
            and is_hrss_admin(user)
            and issues_in_scope(user).filter(pk=issue.pk).exists()
        )
        if is_owner:
            back_url = reverse("certificates:mine")
        else:
            back_url = reverse("certificates:person", args=[issue.person_id])
        context = {
            "issue": issue,
            "person": issue.person,
            "snapshot": issue.snapshot,
            "is_owner": is_owner,
            "withdrawn": withdrawn_for(issue, user),
            "verify_url": verify_url(issue.code),
            "can_revoke": can_revoke,
            "back_url": back_url,
        }
        return render(request, self.template_name, context)


class IssueStatusView(LoginRequiredMixin, View):
    """What the progress indicator polls: JSON, never cached."""

    def get(self, request, pk):
        issue = _visible_issue(request, pk)
        ready = issue.is_ready
        payload = {
            "render_status": issue.render_status,
            "label": issue.get_render_status_display(),
            "ready": ready,
            "pdf_url": reverse("certificates:issue-pdf", args=[pk]) if ready else "",
            "preview_url": reverse("certificates:issue-preview", args=[pk]) if ready else "",
        }
        response = JsonResponse(payload, json_dumps_params={"ensure_ascii": False})
        response["Cache-Control"] = "no-store"
        return response


def _open(field):
    try:
        return field.open("rb")
    except FileNotFoundError:
        raise Http404("文件不存在") from None


def withdrawn_for(issue: CertificateIssue, user) -> bool:
    """A revoked certificate is no longer handed to its holder (README: the download is
    withdrawn, not marked); admins of the scope keep the stored file for the record."""
    return issue.status == CertificateIssue.Status.REVOKED and issue.person.user_id == user.pk


class IssuePdfView(LoginRequiredMixin, View):
    def get(self, request, pk):
        issue = _visible_issue(request, pk)
        if withdrawn_for(issue, request.user):
            messages.error(request, REVOKED_NO_DOWNLOAD)
            return redirect("certificates:issue-detail", pk=issue.pk)
        if not issue.is_ready or not issue.pdf:
            raise Http404("证书尚未生成")
        handle = _open(issue.pdf)
        if issue.person.user_id != request.user.pk:
            # Someone else's certificate downloaded by an admin is a sensitive read.
            audit_record(
                actor=request.user,
                action="certificate.download",
                target=f"certificate:{issue.pk}",
                org_path=issue.person.org_path,
                ip=client_ip(request),
            )
        cert_no = issue.snapshot.get("cert_no") or issue.person.cert_no or ""
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=f"继续教育证书_{cert_no}_{years_slug(issue)}.pdf",
            content_type="application/pdf",
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


class IssuePreviewView(LoginRequiredMixin, View):
    def get(self, request, pk):
        issue = _visible_issue(request, pk)
        if withdrawn_for(issue, request.user) or not issue.is_ready or not issue.preview:
            raise Http404("证书尚未生成")
        response = FileResponse(_open(issue.preview), content_type="image/png")
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, max-age=3600"
        return response


class IssueRetryView(LoginRequiredMixin, View):
    """Asks again for the same person and years: a failed issue is queued once more."""

    def post(self, request, pk):
        issue = _visible_issue(request, pk)
        if (
            issue.render_status != CertificateIssue.Render.FAILED
            or issue.status != CertificateIssue.Status.VALID
        ):
            messages.info(request, "该证书不需要重新生成。")
            return redirect("certificates:issue-detail", pk)
        try:
            again, _ = certificate_request(
                actor=request.user,
                person_id=issue.person_id,
                first_year=issue.first_year,
                last_year=issue.last_year,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("certificates:issue-detail", pk)
        messages.success(request, "已重新提交生成，请稍候。")
        return redirect("certificates:issue-detail", again.pk)


class IssueRevokeView(LoginRequiredMixin, View):
    template_name = "certificates/issue_revoke.html"

    def issue(self, pk) -> CertificateIssue:
        return get_object_or_404(issues_in_scope(self.request.user), pk=pk)

    def get(self, request, pk):
        issue = self.issue(pk)
        if not is_hrss_admin(request.user) or issue.status != CertificateIssue.Status.VALID:
            messages.error(request, "只有人力资源社会保障部门的管理员可以作废有效的证书。")
            return redirect("certificates:issue-detail", pk)
        return render(request, self.template_name, {"issue": issue, "form": IssueRevokeForm()})

    def post(self, request, pk):
        issue = self.issue(pk)
        form = IssueRevokeForm(request.POST)
        if form.is_valid():
            try:
                issue_revoke(actor=request.user, issue_id=pk, reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    form_errors_add(form, exc)
                else:
                    messages.error(request, " ".join(exc.messages))
                    return redirect("certificates:issue-detail", pk)
            else:
                messages.success(request, "证书已作废，扫码核验将显示其已作废。")
                return redirect("certificates:issue-detail", pk)
        return render(request, self.template_name, {"issue": issue, "form": form}, status=400)


# --- The admins' list --------------------------------------------------------------------------


def issues_search_q(text: str) -> Q:
    text = text.strip()
    return (
        Q(person__user__name__icontains=text)
        | Q(person__user__id_number__startswith=text.upper())
        | Q(person__cert_no__startswith=text)
        | Q(code=text.upper())
    )


class IssueListView(OrgAdminRequiredMixin, ListView):
    template_name = "certificates/issue_list.html"
    context_object_name = "issues"
    paginate_by = LIST_PER_PAGE
    paginator_class = BoundedPaginator

    def get(self, request, *args, **kwargs):
        self.filter_form = IssueFilterForm(request.GET or None)
        self.filter_form.is_valid()  # the valid filters apply even if another one is not
        self.filters = getattr(self.filter_form, "cleaned_data", {})
        if request.GET.get("export") == "xlsx":
            return self.export()
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        issues = issues_in_scope(self.request.user)
        filters = self.filters
        if filters.get("q"):
            issues = issues.filter(issues_search_q(filters["q"]))
        if filters.get("status"):
            issues = issues.filter(status=filters["status"])
        if filters.get("year"):
            issues = issues.filter(first_year__lte=filters["year"], last_year__gte=filters["year"])
        if filters.get("unit"):
            issues = issues.filter(person__unit__name__icontains=filters["unit"].strip())
        return issues.order_by("-issued_at", "-pk")

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter_form=self.filter_form, **kwargs)

    def export(self):
        """All matching issues as .xlsx with full ID numbers: an audited read."""
        issues = self.get_queryset()
        total = issues.count()
        if total > EXPORT_ROW_LIMIT:
            messages.error(
                self.request,
                f"符合条件的证书有 {total} 张，超过单次导出上限 {EXPORT_ROW_LIMIT} 张，"
                "请按单位、年度或状态缩小范围后再导出。",
            )
            query = self.request.GET.copy()
            query.pop("export", None)
            return redirect(f"{self.request.path}?{query.urlencode()}")
        rows = (
            (
                issue.person.user.name,
                issue.person.user.id_number or "",
                issue.person.cert_no or "",
                issue.person.unit.name,
                issue.years_label,
                timezone.localtime(issue.issued_at).strftime("%Y-%m-%d"),
                issue.get_status_display(),
                issue.code,
                issue.sha256,
            )
            for issue in issues.iterator(chunk_size=2000)
        )
        content, count = xlsx_bytes(
            "电子证书",
            [title for title, _ in EXPORT_COLUMNS],
            rows,
            widths=[width for _, width in EXPORT_COLUMNS],
        )
        audit_record(
            actor=self.request.user,
            action="certificate.export",
            target="scope",
            org_path=audit_path(self.request.user),
            detail={
                "filters": {k: v for k, v in self.filters.items() if v not in (None, "")},
                "rows": count,
            },
            ip=client_ip(self.request),
        )
        return xlsx_response(content, f"电子证书-{timezone.localdate():%Y%m%d}.xlsx")
