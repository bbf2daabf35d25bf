"""抽查审验: HRSS admins draw samples of filed declarations and check each sampled record."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View
from django.views.generic import ListView

from orgtree.mixins import HrssAdminRequiredMixin
from portal.exports import xlsx_bytes, xlsx_response
from portal.forms import form_errors_add
from portal.http import client_ip
from portal.services import audit_record

from ..forms_checks import OutcomeNoteForm, RevokeReasonForm, SpotCheckForm
from ..models import SpotCheckItem
from ..selectors_checks import (
    spot_check_items,
    spot_check_progress,
    spot_checks_visible_to,
    spot_checks_with_progress,
)
from ..services.checks import spot_check_create, spot_check_item_confirm, spot_check_item_revoke
from .common import error_message

ITEMS_PER_PAGE = 50
OUTCOMES = dict(SpotCheckItem.Outcome.choices)


class SpotCheckListView(HrssAdminRequiredMixin, ListView):
    template_name = "credits/spotcheck_list.html"
    context_object_name = "spot_checks"
    paginate_by = 30

    def get_queryset(self):
        return spot_checks_with_progress(self.request.user).order_by("-created_at", "-pk")


class SpotCheckCreateView(HrssAdminRequiredMixin, View):
    template_name = "credits/spotcheck_form.html"

    def get(self, request):
        return render(request, self.template_name, {"form": SpotCheckForm(user=request.user)})

    def post(self, request):
        form = SpotCheckForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                spot_check = spot_check_create(
                    actor=request.user,
                    year=data["year"],
                    org_id=data["org"],
                    method=data["method"],
                    value=data["value"],
                    note=data["note"],
                    ip=client_ip(request),
                )
            except ValidationError as exc:
                form_errors_add(form, exc)
            else:
                messages.success(
                    request,
                    f"已从 {spot_check.population} 条已备案记录中随机抽取 "
                    f"{spot_check.items.count()} 条。",
                )
                return redirect("credits:spotcheck-detail", spot_check.pk)
        return render(request, self.template_name, {"form": form})


class SpotCheckDetailView(HrssAdminRequiredMixin, View):
    template_name = "credits/spotcheck_detail.html"

    def get(self, request, pk):
        spot_check = get_object_or_404(
            spot_checks_visible_to(request.user).select_related("scope_org", "created_by"), pk=pk
        )
        items = spot_check_items(spot_check)
        outcome = request.GET.get("outcome", "")
        if outcome in OUTCOMES:
            items = items.filter(outcome=outcome)
        page = Paginator(items, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
        context = {
            "spot_check": spot_check,
            "progress": spot_check_progress(spot_check),
            "page_obj": page,
            "items": page.object_list,
            "outcome": outcome,
            "outcomes": SpotCheckItem.Outcome.choices,
            "note_form": OutcomeNoteForm(),
        }
        return render(request, self.template_name, context)


class SpotCheckExportView(HrssAdminRequiredMixin, View):
    HEADERS = [
        "姓名",
        "身份证号",
        "证书管理号",
        "单位",
        "年度",
        "项目名称",
        "认定学时",
        "考核结果",
        "核查结果",
        "核查说明",
        "核查人",
        "核查时间",
    ]

    def get(self, request, pk):
        spot_check = get_object_or_404(spot_checks_visible_to(request.user), pk=pk)

        def rows():
            for item in spot_check_items(spot_check).iterator(chunk_size=1000):
                declaration = item.declaration
                person = declaration.person
                yield (
                    person.user.name,
                    person.user.id_number or "",
                    person.cert_no or "",
                    declaration.unit.name,
                    declaration.year,
                    declaration.title,
                    float(declaration.counted_hours),
                    declaration.get_assessment_result_display(),
                    item.get_outcome_display(),
                    item.note,
                    item.decided_by.display_name if item.decided_by else "",
                    timezone.localtime(item.decided_at).strftime("%Y-%m-%d %H:%M")
                    if item.decided_at
                    else "",
                )

        content, count = xlsx_bytes(
            "抽查记录", self.HEADERS, rows(), widths=(10, 20, 15, 28, 6, 36, 8, 8, 10, 30, 10, 16)
        )
        audit_record(
            actor=request.user,
            action="spotcheck.export",
            target=f"spotcheck:{spot_check.pk}",
            org_path=spot_check.org_path,
            detail={"rows": count},
            ip=client_ip(request),
        )
        return xlsx_response(content, f"抽查审验-{spot_check.year}-{spot_check.pk}.xlsx")


class SpotCheckItemConfirmView(HrssAdminRequiredMixin, View):
    def post(self, request, pk, item):
        form = OutcomeNoteForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        try:
            spot_check_item_confirm(
                actor=request.user, spot_check_id=pk, item_id=item, note=note, ip=client_ip(request)
            )
        except ValidationError as exc:
            error_message(request, exc)
        else:
            messages.success(request, "已确认该记录无误。")
        return redirect("credits:spotcheck-detail", pk)


class SpotCheckItemRevokeView(HrssAdminRequiredMixin, View):
    template_name = "credits/spotcheck_revoke.html"

    def item(self, pk, item) -> SpotCheckItem:
        spot_check = get_object_or_404(spot_checks_visible_to(self.request.user), pk=pk)
        return get_object_or_404(spot_check_items(spot_check), pk=item)

    def get(self, request, pk, item):
        record = self.item(pk, item)
        if record.outcome != SpotCheckItem.Outcome.PENDING:
            messages.error(request, "该记录已核查，不能重复核查。")
            return redirect("credits:spotcheck-detail", pk)
        return render(request, self.template_name, {"item": record, "form": RevokeReasonForm()})

    def post(self, request, pk, item):
        record = self.item(pk, item)
        form = RevokeReasonForm(request.POST)
        if form.is_valid():
            try:
                spot_check_item_revoke(
                    actor=request.user,
                    spot_check_id=pk,
                    item_id=item,
                    reason=form.cleaned_data["reason"],
                    ip=client_ip(request),
                )
            except ValidationError as exc:
                if not hasattr(exc, "error_dict"):
                    error_message(request, exc)
                    return redirect("credits:spotcheck-detail", pk)
                form_errors_add(form, exc)
            else:
                messages.success(request, "已撤销该学时申报，并通知申报人。")
                return redirect("credits:spotcheck-detail", pk)
        return render(request, self.template_name, {"item": record, "form": form})
