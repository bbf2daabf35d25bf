"""The calendar's pages: 办理时间 (what is in force for the user, read only), 年度日程 (an HRSS
office sets its region's rows) and 截止日期例外 (an office lets one unit past a deadline; the
person exceptions are granted from accounts, which finds people)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views import View
from django.views.generic import ListView

from portal.forms import form_errors_add
from portal.pagination import BoundedPaginator

from ..calendar import calendar_region_of, deadline_line, deadlines_ahead, year_label
from ..forms_calendar import (
    CalendarChoiceForm,
    DeadlineCopyForm,
    DeadlineExceptionFilterForm,
    DeadlineForm,
    UnitExceptionForm,
)
from ..mixins import HrssAdminRequiredMixin
from ..models import Org, Region
from ..models_calendar import Deadline, DeadlineException, DeadlineKind
from ..roles import roles_of
from ..selectors_calendar import (
    deadline_exceptions_visible_to,
    deadlines_below,
    deadlines_in_force,
    deadlines_set_by,
)
from ..services.calendar import (
    deadline_delete,
    deadline_exception_grant,
    deadline_exception_revoke,
    deadline_save,
    deadlines_copy_year,
)

WINDOWS_AHEAD_DAYS = 366


def deadlines_url(office: Org | None = None, year: int | None = None) -> str:
    query = {key: value for key, value in (("office", office and office.pk), ("year", year))}
    query = {key: value for key, value in query.items() if value}
    base = reverse("orgtree:deadlines")
    return f"{base}?{urlencode(query)}" if query else base


class CalendarView(LoginRequiredMixin, View):
    """办理时间: the deadlines in force for the user's region this year and last, the 补学
    windows open or coming, and the exceptions granted to them or their orgs."""

    template_name = "orgtree/calendar_mine.html"

    def get(self, request):
        user, today = request.user, timezone.localdate()
        code = calendar_region_of(user)
        context = {"region": None, "today": today}
        if code is not None:
            years = [today.year, today.year - 1]
            rows = deadlines_in_force(code, years)
            makeup = DeadlineKind.MAKEUP
            context.update(
                region=Region.objects.select_related("parent").filter(pk=code).first(),
                years=[
                    {
                        "year": year,
                        "lines": [
                            deadline_line(rows[(kind, year)], today)
                            for kind in DeadlineKind
                            if kind != makeup and (kind, year) in rows
                        ],
                    }
                    for year in years
                ],
                windows=[
                    deadline_line(row, today)
                    for row in deadlines_ahead(code, kinds=[makeup], within_days=WINDOWS_AHEAD_DAYS)
                ],
            )
        own_orgs = [org.pk for org in roles_of(user).orgs]
        context["exceptions"] = list(
            DeadlineException.objects.filter(
                Q(user_id=user.pk) | Q(org_id__in=own_orgs),
                revoked_at__isnull=True,
                expires_on__gte=today,
            )
            .select_related("org", "office")
            .order_by("expires_on", "pk")
        )
        return render(request, self.template_name, context)


class DeadlineListView(HrssAdminRequiredMixin, View):
    """年度日程: for one year, each kind's row in force for the office's region (its own
    editable, those of the offices above shown with who set them), and the rows the regions
    under it set for themselves."""

    template_name = "orgtree/calendar_deadlines.html"

    def get(self, request):
        choice = CalendarChoiceForm(request.GET or None, user=request.user)
        year = choice.chosen_year()
        office = choice.chosen_office()
        rows = deadlines_in_force(office.region_id, [year])
        today = timezone.localdate()
        lines = []
        for kind in DeadlineKind:
            row = rows.get((kind, year))
            lines.append(
                {
                    "kind": kind,
                    "label": kind.label,
                    "year": year_label(kind, year),
                    "line": deadline_line(row, today) if row else None,
                    "own": row is not None and row.region_id == office.region_id,
                }
            )
        copy = DeadlineCopyForm(
            user=request.user,
            initial={"office": office.pk, "from_year": year, "to_year": year + 1},
        )
        context = {
            "choice": choice,
            "office": office,
            "year": year,
            "lines": lines,
            "below": [deadline_line(row, today) for row in deadlines_below(office.region_id, year)],
            "copy": copy,
        }
        return render(request, self.template_name, context)


class DeadlineFormView(HrssAdminRequiredMixin, View):
    """Adds a row (``pk`` absent: kind and year chosen, an existing row of them is changed) or
    changes one the user's office set (kind and year fixed)."""

    template_name = "orgtree/calendar_deadline_form.html"

    def get_row(self) -> Deadline | None:
        pk = self.kwargs.get("pk")
        if pk is None:
            return None
        queryset = deadlines_set_by(self.request.user).select_related("set_by", "region")
        return get_object_or_404(queryset, pk=pk)

    def office(self, row: Deadline | None) -> Org:
        if row is not None:
            return row.set_by
        choice = CalendarChoiceForm(self.request.GET or None, user=self.request.user)
        choice.is_valid()
        return choice.chosen_office()

    def get(self, request, pk=None):
        row = self.get_row()
        if row is not None:
            initial = {
                "kind": row.kind,
                "year": row.year,
                "opens_on": row.opens_on,
                "closes_on": row.closes_on,
                "note": row.note,
            }
        else:
            initial = {"kind": request.GET.get("kind") or DeadlineKind.DECLARE}
            initial["year"] = request.GET.get("year") or timezone.localdate().year
        form = DeadlineForm(initial=initial, fixed=row is not None)
        return self.render(row, form)

    def post(self, request, pk=None):
        row = self.get_row()
        office = self.office(row)
        initial = {"kind": row.kind, "year": row.year} if row else None
        form = DeadlineForm(request.POST, initial=initial, fixed=row is not None)
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = deadline_save(
                    actor=request.user,
                    office=office,
                    kind=data["kind"],
                    year=data["year"],
                    opens_on=data["opens_on"],
                    closes_on=data["closes_on"],
                    note=data["note"],
                )
            except ValidationError as exc:
                form_errors_add(form, exc)
            else:
                line = deadline_line(saved)
                messages.success(
                    request,
                    f"已设定{line['year']}{line['kind']}的截止日期：{saved.closes_on:%Y-%m-%d}。",
                )
                return redirect(deadlines_url(office, saved.year))
        return self.render(row, form)

    def render(self, row, form):
        office = self.office(row)
        context = {"row": row, "form": form, "office": office}
        context["back"] = deadlines_url(office, row.year if row else None)
        return render(self.request, self.template_name, context)


class DeadlineDeleteView(HrssAdminRequiredMixin, View):
    template_name = "orgtree/calendar_deadline_delete.html"

    def get_row(self, pk) -> Deadline:
        queryset = deadlines_set_by(self.request.user).select_related("set_by", "region")
        return get_object_or_404(queryset, pk=pk)

    def get(self, request, pk):
        row = self.get_row(pk)
        context = {"line": deadline_line(row), "back": deadlines_url(row.set_by, row.year)}
        return render(request, self.template_name, context)

    def post(self, request, pk):
        row = self.get_row(pk)
        line = deadline_line(row)
        deadline_delete(actor=request.user, deadline_id=row.pk)
        messages.success(
            request,
            f"已删除{line['year']}{line['kind']}的截止日期，本地区改按上级设定的日期办理（如有）。",
        )
        return redirect(deadlines_url(row.set_by, row.year))


class DeadlineCopyView(HrssAdminRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        form = DeadlineCopyForm(request.POST, user=request.user)
        if not form.is_valid():
            problems = [error for errors in form.errors.values() for error in errors]
            messages.error(request, " ".join(problems))
            return redirect(deadlines_url())
        data, office = form.cleaned_data, form.chosen_office()
        try:
            copies = deadlines_copy_year(
                actor=request.user,
                office=office,
                from_year=data["from_year"],
                to_year=data["to_year"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(deadlines_url(office, data["from_year"]))
        kinds = "、".join(DeadlineKind(copy.kind).label for copy in copies)
        messages.success(
            request,
            f"已将{data['from_year']}年度的{len(copies)}项截止日期复制到{data['to_year']}年度"
            f"（{kinds}），日期已顺延，请逐项核对。",
        )
        return redirect(deadlines_url(office, data["to_year"]))


def unit_id(granted: DeadlineException) -> int:
    return int(granted.org_path.strip("/").rsplit("/", 1)[-1])


def exception_state(granted: DeadlineException, today) -> str:
    if granted.revoked_at is not None:
        return "revoked"
    return "active" if granted.expires_on >= today else "expired"


class DeadlineExceptionListView(HrssAdminRequiredMixin, ListView):
    """截止日期例外 under the user's HRSS offices, newest first, filtered by year, kind, state."""

    template_name = "orgtree/calendar_exception_list.html"
    context_object_name = "exceptions"
    paginate_by = 50
    paginator_class = BoundedPaginator

    def get_queryset(self):
        self.filters = DeadlineExceptionFilterForm(self.request.GET)
        queryset = deadline_exceptions_visible_to(self.request.user).select_related(
            "user", "org", "office", "granted_by"
        )
        if not self.filters.is_valid():
            return queryset.none()
        data, today = self.filters.cleaned_data, timezone.localdate()
        if data["year"]:
            queryset = queryset.filter(year=data["year"])
        if data["kind"]:
            queryset = queryset.filter(kind=data["kind"])
        if data["state"] == "active":
            queryset = queryset.filter(revoked_at__isnull=True, expires_on__gte=today)
        elif data["state"] == "expired":
            queryset = queryset.filter(revoked_at__isnull=True, expires_on__lt=today)
        elif data["state"] == "revoked":
            queryset = queryset.filter(revoked_at__isnull=False)
        return queryset.order_by("-created_at", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = list(context["exceptions"])
        # A person's exception names their unit: the last node of its path, one query a page.
        units = Org.objects.only("name").in_bulk({unit_id(row) for row in page if row.user_id})
        today = timezone.localdate()
        context["rows"] = [
            {
                "exception": row,
                "what": f"{year_label(row.kind, row.year)}{row.get_kind_display()}",
                "unit": units.get(unit_id(row)) if row.user_id else row.org,
                "state": exception_state(row, today),
            }
            for row in page
        ]
        context["filters"] = self.filters
        return context


class UnitExceptionGrantView(HrssAdminRequiredMixin, View):
    template_name = "orgtree/calendar_exception_form.html"

    def get(self, request):
        return render(request, self.template_name, {"form": UnitExceptionForm(user=request.user)})

    def post(self, request):
        form = UnitExceptionForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                granted = deadline_exception_grant(
                    actor=request.user,
                    kind=data["kind"],
                    year=data["year"],
                    reason=data["reason"],
                    expires_on=data["expires_on"],
                    org=data["org"],
                )
            except ValidationError as exc:
                form_errors_add(form, exc)
            else:
                messages.success(
                    request,
                    f"已准许“{data['org'].name}”在{granted.expires_on:%Y-%m-%d}前办理"
                    f"{year_label(granted.kind, granted.year)}{granted.get_kind_display()}。",
                )
                return redirect("orgtree:deadline-exceptions")
        return render(request, self.template_name, {"form": form})


class DeadlineExceptionRevokeView(HrssAdminRequiredMixin, View):
    template_name = "orgtree/calendar_exception_revoke.html"

    def get_exception(self, pk) -> DeadlineException:
        queryset = deadline_exceptions_visible_to(self.request.user).select_related(
            "user", "org", "office"
        )
        return get_object_or_404(queryset, pk=pk)

    def get(self, request, pk):
        granted = self.get_exception(pk)
        what = f"{year_label(granted.kind, granted.year)}{granted.get_kind_display()}"
        return render(request, self.template_name, {"exception": granted, "what": what})

    def post(self, request, pk):
        granted = self.get_exception(pk)
        try:
            deadline_exception_revoke(actor=request.user, exception_id=granted.pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "已撤销该截止日期例外，自即日起不再适用。")
        return redirect("orgtree:deadline-exceptions")
