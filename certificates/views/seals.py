"""电子签章: the issuing HRSS offices (the province, 省辖市, 省直管县（市）) apply for their
continuing-education seal, the province decides; an ordinary county's page says whose seal its
units' certificates carry.

Every page looks seals up through ``seals_visible_to``: an office's own admins see its seals,
the province sees all of them, and anything else answers 404 like a missing seal.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from orgtree.mixins import HrssAdminRequiredMixin
from orgtree.roles import hrss_offices, is_issuing_office, is_province_admin, is_province_office
from portal.forms import form_errors_add
from portal.http import client_ip

from ..forms_seals import SealApplyForm, SealFilterForm, SealReasonForm
from ..models import Seal
from ..selectors import seals_visible_to
from ..services import seal_apply, seal_approve, seal_reject, seal_revoke, seal_withdraw
from ..services.seals import not_issuing_message, not_issuing_messages

QUEUE_PAGE_SIZE = 20
IMAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'"


def visible_seal(request, pk: int) -> Seal:
    return get_object_or_404(seals_visible_to(request.user), pk=pk)


def own_office(user, seal: Seal) -> bool:
    return seal.office_id in {office.pk for office in hrss_offices(user)}


def reject_form(data=None) -> SealReasonForm:
    return SealReasonForm(
        data, label="未通过原因", help_text="将通知申请单位，并写在申请函的审批意见中。"
    )


def revoke_form(data=None) -> SealReasonForm:
    return SealReasonForm(data, label="停用原因", help_text="将记入印章记录并通知申请人。")


def office_rows(user) -> list[dict]:
    """For each HRSS office the user administers: its seal in force, its pending application
    and every version it has applied for, newest first (one query for all offices). An office
    that does not issue certificates (an ordinary county, district or zone: 管理办法 第十二条)
    gets the sentence that says whose seal its units' certificates carry instead."""
    offices = sorted(hrss_offices(user), key=lambda office: (office.level, office.pk))
    not_issuing = not_issuing_messages(
        [office for office in offices if not is_issuing_office(office)]
    )
    rows = {
        office.pk: {
            "office": office,
            "is_province": is_province_office(office),
            "not_issuing": not_issuing.get(office.pk, ""),
            "current": None,
            "pending": None,
            "history": [],
        }
        for office in offices
    }
    seals = seals_visible_to(user).filter(office__in=offices).order_by("office_id", "-version")
    for seal in seals:
        row = rows[seal.office_id]
        row["history"].append(seal)
        if seal.status == Seal.Status.APPROVED:
            row["current"] = seal
        elif seal.status == Seal.Status.PENDING:
            row["pending"] = seal
    return list(rows.values())


class SealListView(HrssAdminRequiredMixin, View):
    template_name = "certificates/seal_list.html"

    def get(self, request):
        user = request.user
        context = {"office_rows": office_rows(user), "is_province": is_province_admin(user)}
        if context["is_province"]:
            context.update(self.queue(request))
        return render(request, self.template_name, context)

    def queue(self, request) -> dict:
        """All offices' applications for the province, waiting ones first by default."""
        data = request.GET.copy()
        data.setdefault("status", Seal.Status.PENDING)
        filters = SealFilterForm(data)
        seals = seals_visible_to(request.user)
        status = ""
        if filters.is_valid():
            status, text = filters.cleaned_data["status"], filters.cleaned_data["q"].strip()
            if status:
                seals = seals.filter(status=status)
            if text:
                seals = seals.filter(office__name__icontains=text)
        else:
            seals = seals.none()
        page = Paginator(seals.order_by("-applied_at", "-pk"), QUEUE_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        return {
            "filters": filters,
            "status": status,
            "page_obj": page,
            "queue": page.object_list,
            "tabs": [
                (Seal.Status.PENDING, "待审批申请"),
                (Seal.Status.APPROVED, "在用印章"),
                ("", "全部记录"),
            ],
        }


class SealApplyView(HrssAdminRequiredMixin, View):
    template_name = "certificates/seal_form.html"

    def not_issuing(self, request):
        """The page of an admin whose offices issue no certificates: why, and no form."""
        offices = [o for o in hrss_offices(request.user) if not is_issuing_office(o)]
        reasons = list(not_issuing_messages(offices).values())
        return render(request, self.template_name, {"form": None, "not_issuing": reasons})

    def get(self, request):
        form = SealApplyForm(user=request.user, office_id=request.GET.get("office"))
        if not form.offices:
            return self.not_issuing(request)
        return render(request, self.template_name, {"form": form})

    def post(self, request):
        form = SealApplyForm(request.POST, request.FILES, user=request.user)
        if not form.offices:
            return self.not_issuing(request)
        if form.is_valid():
            data = form.cleaned_data
            try:
                seal = seal_apply(
                    actor=request.user,
                    office_id=data["office"],
                    text=data["text"],
                    source=data["source"],
                    upload=data["image"],
                    letter=data["letter"],
                    ip=client_ip(request),
                )
            except ValidationError as exc:
                form_errors_add(form, exc)
            else:
                if is_province_admin(request.user):
                    messages.success(request, "申请已提交，请在本页审批。")
                else:
                    messages.success(request, "申请已提交，请等待省人力资源和社会保障厅审批。")
                return redirect("certificates:seal-detail", seal.pk)
        return render(request, self.template_name, {"form": form})


def detail_context(request, seal: Seal, **forms) -> dict:
    user = request.user
    province, own = is_province_admin(user), own_office(user, seal)
    pending = seal.status == Seal.Status.PENDING
    current = None
    if pending:
        current = (
            seals_visible_to(user)
            .filter(office_id=seal.office_id, status=Seal.Status.APPROVED)
            .first()
        )
    return {
        "seal": seal,
        "current": current,
        "issue_count": seal.issues.count(),
        "can_decide": province and pending,
        "not_issuing": "" if is_issuing_office(seal.office) else not_issuing_message(seal.office),
        "can_revoke": seal.status == Seal.Status.APPROVED and (province or own),
        "can_withdraw": pending and own,
        "reject_form": forms.get("reject_form") or reject_form(),
    }


class SealDetailView(HrssAdminRequiredMixin, View):
    template_name = "certificates/seal_detail.html"

    def get(self, request, pk):
        seal = visible_seal(request, pk)
        return render(request, self.template_name, detail_context(request, seal))


class SealApproveView(HrssAdminRequiredMixin, View):
    def post(self, request, pk):
        seal = visible_seal(request, pk)
        try:
            seal_approve(actor=request.user, seal_id=seal.pk, ip=client_ip(request))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"已批准启用“{seal.text}”（第 {seal.version} 版）。")
        return redirect("certificates:seal-detail", seal.pk)


def _with_reason(request, seal: Seal, form, service, success: str):
    """Runs ``service`` (reject or revoke) with the form's reason. Back to the seal's page once
    done or refused outright; None when the form is to be shown again with its errors."""
    if not form.is_valid():
        return None
    try:
        service(
            actor=request.user,
            seal_id=seal.pk,
            reason=form.cleaned_data["reason"],
            ip=client_ip(request),
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            form_errors_add(form, exc)
            return None
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
    return redirect("certificates:seal-detail", seal.pk)


class SealRejectView(HrssAdminRequiredMixin, View):
    def post(self, request, pk):
        seal = visible_seal(request, pk)
        form = reject_form(request.POST)
        done = _with_reason(
            request, seal, form, seal_reject, "已退回该申请（不予通过），并通知申请单位。"
        )
        if done is not None:
            return done
        context = detail_context(request, seal, reject_form=form)
        return render(request, "certificates/seal_detail.html", context)


class SealRevokeView(HrssAdminRequiredMixin, View):
    """Stopping a seal in force: a confirmation page with the reason, then the service."""

    template_name = "certificates/seal_confirm.html"

    def context(self, seal: Seal, form) -> dict:
        return {
            "seal": seal,
            "form": form,
            "action": "revoke",
            "issue_count": seal.issues.count(),
            "is_province_office": is_province_office(seal.office),
        }

    def get(self, request, pk):
        seal = visible_seal(request, pk)
        if seal.status != Seal.Status.APPROVED:
            messages.error(request, "只有启用中的印章可以停用。")
            return redirect("certificates:seal-detail", seal.pk)
        return render(request, self.template_name, self.context(seal, revoke_form()))

    def post(self, request, pk):
        seal = visible_seal(request, pk)
        form = revoke_form(request.POST)
        done = _with_reason(
            request, seal, form, seal_revoke, f"已停用“{seal.text}”（第 {seal.version} 版）。"
        )
        if done is not None:
            return done
        return render(request, self.template_name, self.context(seal, form))


class SealWithdrawView(HrssAdminRequiredMixin, View):
    """Taking back a pending application: a confirmation page, then the service."""

    template_name = "certificates/seal_confirm.html"

    def get(self, request, pk):
        seal = visible_seal(request, pk)
        if seal.status != Seal.Status.PENDING or not own_office(request.user, seal):
            messages.error(request, "只有本单位待审批的申请可以撤回。")
            return redirect("certificates:seal-detail", seal.pk)
        return render(request, self.template_name, {"seal": seal, "action": "withdraw"})

    def post(self, request, pk):
        seal = visible_seal(request, pk)
        try:
            seal_withdraw(actor=request.user, seal_id=seal.pk, ip=client_ip(request))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("certificates:seal-detail", seal.pk)
        messages.success(request, f"已撤回“{seal.text}”的启用申请。")
        return redirect("certificates:seals")


class SealImageView(LoginRequiredMixin, View):
    """The seal's picture for the pages that show it. A generated seal is an SVG document,
    which a browser opening it directly could run script in: the policy forbids all of it."""

    def get(self, request, pk):
        seal = visible_seal(request, pk)
        if seal.source == Seal.Source.GENERATED:
            response = HttpResponse(seal.svg, content_type="image/svg+xml; charset=utf-8")
        else:
            try:
                handle = seal.image.open("rb")
            except (FileNotFoundError, ValueError):
                raise Http404("印章图片不存在") from None
            response = FileResponse(handle, content_type="image/png")
        response["Content-Security-Policy"] = IMAGE_POLICY
        response["X-Content-Type-Options"] = "nosniff"
        # A version's picture never changes; a new picture is a new version with its own URL.
        response["Cache-Control"] = "private, max-age=86400"
        return response
