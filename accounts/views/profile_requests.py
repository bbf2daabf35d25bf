"""A person's own profile requests: a title change (职称变更) and a name / ID correction
(姓名、身份证号更正), each asked with its form, withdrawn while pending; and the evidence of a
request, served to its person and to the admins in scope only."""

from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from portal.forms import form_errors_add
from portal.http import client_ip
from portal.services import audit_record
from portal.uploads import SIGNATURES

from ..forms_profile import IdentityCorrectionForm, TitleChangeForm
from ..history import history_of
from ..models import IdentityCorrection, Person, TitleChange
from ..selectors import profile_requests_readable_by
from ..services import (
    identity_correction_request,
    identity_correction_withdraw,
    title_change_request,
    title_change_withdraw,
)
from .mixins import ProfessionalRequiredMixin

CONTENT_TYPES = {f".{extension}": content_type for _, content_type, extension in SIGNATURES}


def title_periods(person) -> list[dict]:
    """The person's title history in words (2023 年度及以前：中级；2024 年度起：副高级), as
    ``accounts.history`` reads it for the requirements."""
    history = history_of(person)
    years = sorted({year for year, _ in history.title_changes})
    if not years:
        return []
    label = dict(Person.TitleLevel.choices)
    periods = [(f"{years[0] - 1} 年度及以前", years[0] - 1)]
    for year, following in zip(years, [*years[1:], None], strict=True):
        if following is None:
            periods.append((f"{year} 年度起", year))
        elif following == year + 1:
            periods.append((f"{year} 年度", year))
        else:
            periods.append((f"{year}—{following - 1} 年度", year))
    return [{"years": text, "level": label[history.title_level_in(year)]} for text, year in periods]


def profile_requests_context(person) -> dict:
    """A person's title changes (with the history they make) and corrections, newest first:
    for their own page and an admin's page of them."""
    title_changes = list(person.title_changes.order_by("-requested_at", "-pk"))
    corrections = list(person.identity_corrections.order_by("-requested_at", "-pk"))
    pending = TitleChange.Status.PENDING  # the same value for both kinds
    return {
        "title_changes": title_changes,
        "title_periods": title_periods(person) if title_changes else [],
        "pending_title_change": next((c for c in title_changes if c.status == pending), None),
        "identity_corrections": corrections,
        "pending_correction": next((c for c in corrections if c.status == pending), None),
    }


class _RequestCreateView(ProfessionalRequiredMixin, View):
    """The form of one kind of request; none while one of that kind is pending."""

    model = None
    form_class = None
    template_name = ""

    def pending(self):
        return self.model.objects.filter(
            person=self.person, status=self.model.Status.PENDING
        ).first()

    def render_form(self, request, form, status=200):
        context = {"person": self.person, "form": form, "pending": self.pending()}
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        return self.render_form(request, self.form_class())

    def post(self, request):
        form = self.form_class(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_form(request, form, status=400)
        try:
            self.submit(form.cleaned_data)
        except ValidationError as exc:
            form_errors_add(form, exc)
            return self.render_form(request, form, status=400)
        messages.success(request, self.success_message)
        return redirect("accounts:me")


class TitleChangeCreateView(_RequestCreateView):
    model = TitleChange
    form_class = TitleChangeForm
    template_name = "accounts/profile_title_form.html"
    success_message = "职称变更申请已提交，等待单位管理员审核。"

    def submit(self, data) -> None:
        title_change_request(
            person=self.person,
            title_level=data["title_level"],
            effective_year=data["effective_year"],
            evidence=data["evidence"],
            reason=data["reason"],
        )


class IdentityCorrectionCreateView(_RequestCreateView):
    model = IdentityCorrection
    form_class = IdentityCorrectionForm
    template_name = "accounts/profile_identity_form.html"
    success_message = "更正申请已提交，等待单位管理员核对审核。"

    def submit(self, data) -> None:
        identity_correction_request(
            person=self.person,
            name=data["name"],
            id_number=data["id_number"],
            reason=data["reason"],
            evidence=data["evidence"],
        )


class _RequestWithdrawView(ProfessionalRequiredMixin, View):
    def post(self, request, pk):
        try:
            self.withdraw(pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, self.success_message)
        return redirect("accounts:me")


class TitleChangeWithdrawView(_RequestWithdrawView):
    success_message = "已撤回职称变更申请。"

    def withdraw(self, pk) -> None:
        title_change_withdraw(person=self.person, change_id=pk)


class IdentityCorrectionWithdrawView(_RequestWithdrawView):
    success_message = "已撤回更正申请。"

    def withdraw(self, pk) -> None:
        identity_correction_withdraw(person=self.person, correction_id=pk)


class _EvidenceView(LoginRequiredMixin, View):
    """The file, shown in the browser, to the person and the admins in scope (404 to anyone
    else, and when there is none). An admin's read is audited."""

    model = None
    audit_name = ""

    def get(self, request, pk):
        readable = profile_requests_readable_by(self.model, request.user)
        profile_request = get_object_or_404(readable.select_related("person"), pk=pk)
        if not profile_request.evidence:
            raise Http404("没有证明材料")
        if profile_request.person.user_id != request.user.pk:
            audit_record(
                actor=request.user,
                action=f"{self.audit_name}.evidence_view",
                target=f"person:{profile_request.person_id}",
                org_path=profile_request.org_path,
                detail={"request": profile_request.pk},
                ip=client_ip(request),
            )
        suffix = PurePath(profile_request.evidence.name).suffix.lower()
        try:
            handle = profile_request.evidence.open("rb")
        except FileNotFoundError:
            raise Http404("文件不存在") from None
        response = FileResponse(
            handle,
            content_type=CONTENT_TYPES.get(suffix, "application/octet-stream"),
            filename=f"证明材料{suffix}",
            as_attachment=False,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


class TitleChangeEvidenceView(_EvidenceView):
    model = TitleChange
    audit_name = "person.title_change"


class IdentityCorrectionEvidenceView(_EvidenceView):
    model = IdentityCorrection
    audit_name = "person.identity_correction"
