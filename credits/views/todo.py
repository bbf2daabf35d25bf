"""待办事项: an admin's four action lists, their xlsx export and the reminder sent from them.

The page and the export are built from one table (:func:`todo_table`), so the workbook holds
the rows the list shows (every page of it, up to the list's bound).
"""

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from orgtree.mixins import OrgAdminRequiredMixin
from orgtree.models import Org
from orgtree.selectors import audit_path
from portal.exports import xlsx_bytes, xlsx_response
from portal.http import client_ip
from portal.jobs import job_runs_inline
from portal.pagination import BoundedPaginator
from portal.services import audit_record

from ..forms_todo import RemindForm, TodoFilterForm
from ..models import Reminder
from ..selectors_todo import (
    LISTS,
    PEOPLE_LISTS,
    PER_PAGE,
    list_years,
    people_rows,
    todo_rows,
    todo_target_ids,
    unit_problems,
    units_flag,
)
from ..services.reminders import ACTION_REMINDERS, reminder_create
from .statistics import cell_text

KIND_LABELS = dict(Org.Kind.choices)
RECIPIENTS = {
    "incomplete": "人员",
    "two_years": "人员",
    "waiting": "审核机构的管理员",
    "units": "单位管理员（无管理员的单位：其上级机构的管理员）",
}


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list]] = field(default_factory=list)  # (pk, cells)
    widths: tuple[int, ...] = ()

    def page_rows(self) -> list[tuple[int, list[str]]]:
        """The rows as the page shows them (the statistics page's way of writing a value)."""
        return [(pk, [cell_text(value) for value in cells]) for pk, cells in self.rows]


def _person_cells(row, kind: str) -> list:
    person = row.person
    cells: list = [
        person.user.name,
        person.cert_no or "",
        person.unit.name,
        person.get_title_level_display(),
    ]
    for shortfall in row.shortfalls:
        if kind == Reminder.ListKind.INCOMPLETE:
            cells += [shortfall.filed_public, shortfall.filed_professional]
        cells += [shortfall.public, shortfall.professional, shortfall.total]
    return cells


def todo_table(kind: str, rows, filters: dict) -> Table:
    """The headers and the (pk, cells) of ``rows`` (a page or the whole bounded list)."""
    if kind in PEOPLE_LISTS:
        years = list_years(kind, filters["year"])
        headers = ["姓名", "证书管理号", "单位", "职称级别"]
        for year in years:
            prefix = f"{year} 年度" if len(years) > 1 else ""
            if kind == Reminder.ListKind.INCOMPLETE:
                headers += ["已备案公需学时", "已备案专业学时"]
            headers += [f"{prefix}尚差公需学时", f"{prefix}尚差专业学时", f"{prefix}尚差总学时"]
        table = Table(headers, widths=(10, 16, 30, 10, *[14] * (len(headers) - 4)))
        table.rows = [
            (row.person.pk, _person_cells(row, kind))
            for row in people_rows(rows, kind, filters["year"])
        ]
        return table
    if kind == Reminder.ListKind.WAITING:
        today = timezone.localdate()
        table = Table(
            ["审核机构", "机构类型", "审核环节", "学时申报（条）", "学时折算（条）", "合计（条）"]
            + ["最早提交日期", "最长已等待（天）"],
            widths=(30, 10, 16, 12, 12, 10, 14, 14),
        )
        for row in rows:
            oldest = timezone.localdate(row.oldest)
            table.rows.append(
                (
                    row.pk,
                    [
                        row.org.name,
                        KIND_LABELS[row.org.kind],
                        row.step_label,
                        row.counts.get("declaration", 0),
                        row.counts.get("exemption", 0),
                        row.total,
                        oldest,
                        (today - oldest).days,
                    ],
                )
            )
        return table
    year = filters["year"]
    table = Table(
        ["单位", "上级机构", "在任管理员", f"{year} 年度学时申报", "问题"],
        widths=(30, 30, 10, 14, 24),
    )
    for unit in units_flag(list(rows), year):
        table.rows.append(
            (
                unit.pk,
                [
                    unit.name,
                    unit.parent.name if unit.parent_id else "",
                    "有" if unit.has_admin else "无",
                    "有" if unit.has_activity else "无",
                    "、".join(unit_problems(unit)),
                ],
            )
        )
    return table


def _bounded(rows) -> BoundedPaginator:
    return BoundedPaginator(rows, PER_PAGE)


class TodoMixin(OrgAdminRequiredMixin):
    def parse(self, request, data: QueryDict) -> tuple[TodoFilterForm, dict | None]:
        form = TodoFilterForm(data, user=request.user)
        if not form.is_valid():
            return form, None
        return form, form.filters()


class TodoListView(TodoMixin, View):
    template_name = "credits/todo.html"

    def get(self, request):
        form, filters = self.parse(request, request.GET)
        kind = form.kind
        context = {
            "form": form,
            "kind": kind,
            "kind_label": LISTS[kind],
            "tabs": [
                {"kind": key, "label": label, "active": key == kind} for key, label in LISTS.items()
            ],
            "recipients": RECIPIENTS[kind],
        }
        if filters is not None:
            paginator = _bounded(todo_rows(request.user, kind, filters))
            page = paginator.get_page(request.GET.get("page"))
            query = request.GET.copy()
            query.pop("page", None)
            query["list"] = kind
            context.update(
                page_obj=page,
                table=todo_table(kind, page.object_list, filters),
                filters=filters,
                filter_query=query.urlencode(),
                export_url=reverse("credits:todo-export") + f"?{query.urlencode()}",
            )
        return render(request, self.template_name, context)


class TodoExportView(TodoMixin, View):
    """The list as xlsx: the rows its pages show (up to the bounded paginator's limit)."""

    def get(self, request):
        form, filters = self.parse(request, request.GET)
        if filters is None:
            return redirect(reverse("credits:todo") + f"?{request.GET.urlencode()}")
        kind = form.kind
        paginator = _bounded(todo_rows(request.user, kind, filters))
        rows = paginator.object_list[: paginator.limit]
        table = todo_table(kind, rows, filters)
        content, count = xlsx_bytes(
            LISTS[kind], table.headers, (cells for _, cells in table.rows), widths=table.widths
        )
        org = form.cleaned_data.get("org")  # resolved in the user's scope by the form
        audit_record(
            actor=request.user,
            action="todo.export",
            target=f"todo:{kind}",
            org_path=org.path if org is not None else audit_path(request.user),
            detail={"list": kind, "filters": filters, "rows": count},
            ip=client_ip(request),
        )
        stamp = timezone.localdate().strftime("%Y%m%d")
        return xlsx_response(content, f"待办事项-{LISTS[kind]}-{stamp}.xlsx")


class TodoRemindView(TodoMixin, View):
    """发送提醒: the ticked rows or every row matching the filter; a confirmation page first,
    then the reminder (in the request, or as a job for a long list)."""

    http_method_names = ["post"]
    template_name = "credits/todo_remind.html"

    def post(self, request):
        remind = RemindForm(request.POST)
        filter_query = request.POST.get("filter", "")
        back = reverse("credits:todo") + (f"?{filter_query}" if filter_query else "")
        if not remind.is_valid():
            for errors in remind.errors.values():
                messages.error(request, " ".join(errors))
            return redirect(back)
        form, filters = self.parse(request, QueryDict(filter_query))
        if filters is None:
            messages.error(request, "筛选条件无效，请重新查询后再发送提醒。")
            return redirect(back)
        kind, data = form.kind, remind.cleaned_data
        selected = None if data["select_all"] else data["ids"]
        targets = todo_target_ids(request.user, kind, filters, selected)
        if not targets:
            messages.error(request, "所选对象已不在清单中，没有可提醒的对象。")
            return redirect(back)
        if not data["confirmed"]:
            context = {
                "kind": kind,
                "kind_label": LISTS[kind],
                "count": len(targets),
                "recipients": RECIPIENTS[kind],
                "ids": selected or [],
                "select_all": selected is None,
                "filter_query": filter_query,
                "back": back,
                "in_background": not job_runs_inline(ACTION_REMINDERS, len(targets)),
            }
            return render(request, self.template_name, context)
        try:
            reminder = reminder_create(
                actor=request.user,
                list_kind=kind,
                filters=filters,
                targets=targets,
                selected=selected,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(back)
        if reminder.job_id:
            messages.info(request, f"已开始在后台向 {len(targets)} 个对象发送提醒。")
            return redirect("job-detail", reminder.job_id)
        messages.success(request, f"已发送提醒：共 {reminder.recipients} 条站内消息。")
        return redirect(back)
