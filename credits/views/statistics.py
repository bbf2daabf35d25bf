"""统计分析: an admin's figures for an org of their scope and a range of years, its children
with a drill-down to a unit and its people, the breakdowns, three SVG charts, and the same
tables as an xlsx workbook.

The page and the export are built from one list of tables (:func:`report_tables`), so the
workbook holds exactly the numbers the page shows.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from orgtree.mixins import OrgAdminRequiredMixin
from orgtree.models import Org
from orgtree.roles import roles_of
from orgtree.selectors import orgs_visible_to, scope_paths
from portal.exports import XlsxSheet, xlsx_response, xlsx_sheets_bytes
from portal.http import client_ip
from portal.pagination import COUNT_LIMIT
from portal.services import audit_record

from ..charts import Mark, bar_chart, line_chart
from ..forms import year_choices
from ..forms_statistics import PeopleYearForm, StatisticsForm
from ..rules.values import as_text
from ..selectors_statistics import (
    PEOPLE_PER_PAGE,
    STEPS,
    WAITING_KINDS,
    Figures,
    Group,
    Report,
    breadcrumbs,
    statistics_report,
    unit_people,
)

KIND_LABELS = dict(Org.Kind.choices)
NO_VALUE = "—"


@dataclass
class Table:
    """One section of the report: a page table and a sheet of the workbook. ``rows`` hold the
    values written to the sheet; ``links`` (if any) the page's link of each row's first cell."""

    key: str
    title: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    widths: tuple[int, ...] = ()

    def page_rows(self) -> list[tuple[str, list[str]]]:
        """(link, cell texts) per row, as the page shows them."""
        links = self.links or [""] * len(self.rows)
        return [
            (link, [cell_text(value) for value in row])
            for link, row in zip(links, self.rows, strict=True)
        ]


def cell_text(value) -> str:
    if value is None:
        return NO_VALUE
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, Decimal):
        return as_text(value)
    return str(value)


def bounded(count: int):
    """A live count as the page says it: past the limit, "超过 1,000"."""
    return f"超过 {COUNT_LIMIT:,}" if count > COUNT_LIMIT else count


def figure_headers(first: int, last: int) -> list[str]:
    many = first != last
    return [
        "已注册人数",
        "有申报人次" if many else "有申报人数",
        "合格人次" if many else "合格人数",
        "合格率（%）",
        "持有效证书人次" if many else "持有效证书人数",
        "已备案公需学时",
        "已备案专业学时",
        "已备案总学时",
    ]


def figure_cells(figures: Figures) -> list:
    return [
        figures.people,
        figures.declared,
        figures.completed,
        figures.rate,
        figures.certified,
        figures.filed_public,
        figures.filed_professional,
        figures.filed_total,
    ]


def freshness(report: Report) -> str:
    """统计截至 …: the oldest refresh of the rows summed (every figure is at least that fresh)."""
    oldest = report.totals.oldest
    if oldest is None:
        return "暂无统计数据"
    return timezone.localtime(oldest).strftime("%Y-%m-%d %H:%M")


def years_text(first: int, last: int) -> str:
    return f"{first} 年度" if first == last else f"{first}—{last} 年度"


def child_link(org: Org, first: int, last: int) -> str:
    if org.kind == Org.Kind.UNIT:
        return reverse("credits:statistics-people", args=[org.pk]) + f"?year={last}"
    query = urlencode({"org": org.pk, "first": first, "last": last})
    return reverse("credits:statistics") + f"?{query}"


def report_tables(report: Report) -> list[Table]:
    first, last = report.first, report.last
    figures = report.totals.figures
    headers = figure_headers(first, last)
    totals = Table(
        "totals",
        "总体情况",
        ["指标", "数值"],
        [
            ["统计机构", report.org.name],
            ["统计年度", years_text(first, last)],
            ["统计截至", freshness(report)],
            *[[label, value] for label, value in zip(headers, figure_cells(figures), strict=True)],
            ["待审核注册人员", bounded(report.totals.pending_people)],
        ],
        widths=(18, 36),
    )
    waiting = Table(
        "waiting",
        "待审核事项（当前）",
        ["审核环节", *[label for _, label in WAITING_KINDS.values()]],
        widths=(18, 12, 12),
    )
    for who, label in STEPS.items():
        counts = {item.kind: item.count for item in report.waiting if item.step == who}
        waiting.rows.append([label, *[bounded(counts.get(kind, 0)) for kind in WAITING_KINDS]])
    children = Table(
        "children", "下级机构", ["机构", "类型", *headers], widths=(30, 10, *[12] * len(headers))
    )
    for row in report.children:
        children.rows.append([row.org.name, KIND_LABELS[row.org.kind], *figure_cells(row.figures)])
        children.links.append(child_link(row.org, first, last))
    filed_headers = ["备案条数", "备案学时"]

    def figure_table(key, title, first_header, groups: list[Group]) -> Table:
        return Table(
            key,
            title,
            [first_header, *headers],
            [[group.label, *figure_cells(group.figures)] for group in groups],
            widths=(20, *[12] * len(headers)),
        )

    def filed_table(key, title, first_header, groups: list[Group]) -> Table:
        return Table(
            key,
            title,
            [first_header, *filed_headers],
            [[group.label, group.count, group.hours] for group in groups],
            widths=(30, 12, 12),
        )

    filed = report.filed
    return [
        totals,
        waiting,
        children,
        figure_table("title_levels", "按职称级别", "职称级别", report.title_levels),
        figure_table("industries", "按行业", "行业", report.industries),
        filed_table("subjects", "已备案学时按科目", "科目", filed.subjects),
        filed_table("categories", "已备案学时按类别", "学时类别", filed.categories),
        filed_table("sources", "已备案学时按来源", "来源", filed.sources),
        filed_table("months", "已备案学时按备案月份", "备案月份", filed.months),
    ]


def rate_text(figures: Figures) -> str:
    return NO_VALUE if figures.rate is None else f"{as_text(figures.rate)}%"


def report_charts(report: Report) -> dict:
    rates = [
        Mark(
            row.org.name,
            row.figures.rate,
            rate_text(row.figures),
            f"{rate_text(row.figures)}（合格 {row.figures.completed}，"
            f"应完成 {row.figures.people_years} 人次）",
        )
        for row in report.children
    ]
    months = [
        Mark(group.key, group.hours, f"{group.label} 备案 {as_text(group.hours)} 学时")
        for group in report.filed.months
    ]
    categories = [
        Mark(
            group.label,
            group.hours,
            as_text(group.hours),
            f"{as_text(group.hours)} 学时（{group.count} 条）",
        )
        for group in report.filed.categories
    ]
    return {
        "rates": bar_chart("下级机构合格率（%）", rates, maximum=Decimal(100)),
        "months": line_chart("已备案学时按备案月份", months, unit="学时"),
        "categories": bar_chart("已备案学时按类别（学时）", categories),
    }


class StatisticsMixin(OrgAdminRequiredMixin):
    """Parses the parameters and reads the report: the org must be in the user's scope (404
    otherwise, like a missing one); without one, the user's highest org."""

    def report(self, request) -> tuple[StatisticsForm, Report | None]:
        form = StatisticsForm(request.GET)
        if not form.is_valid():
            return form, None
        data = form.cleaned_data
        org_id = data.get("org")
        if org_id:
            org = get_object_or_404(
                orgs_visible_to(request.user).select_related("region"), pk=org_id
            )
        else:
            org = roles_of(request.user).orgs[0]
        return form, statistics_report(org, data["first"], data["last"])


class StatisticsView(StatisticsMixin, View):
    template_name = "credits/statistics.html"

    def get(self, request):
        form, report = self.report(request)
        context = {"form": form, "report": report, "year_options": year_choices()}
        if report is not None:
            tables = {table.key: table for table in report_tables(report)}
            export_query = urlencode(
                {"org": report.org.pk, "first": report.first, "last": report.last}
            )
            context.update(
                tables=tables,
                charts=report_charts(report),
                trail=breadcrumbs(scope_paths(request.user), report.org),
                freshness=freshness(report),
                years=years_text(report.first, report.last),
                export_query=export_query,
                people_link=child_link(report.org, report.first, report.last)
                if report.org.kind == Org.Kind.UNIT
                else "",
            )
        return render(request, self.template_name, context)


class StatisticsExportView(StatisticsMixin, View):
    def get(self, request):
        form, report = self.report(request)
        if report is None:
            return redirect(reverse("credits:statistics") + f"?{request.GET.urlencode()}")
        tables = report_tables(report)
        content, counts = xlsx_sheets_bytes(
            XlsxSheet(table.title, table.headers, table.rows, table.widths) for table in tables
        )
        audit_record(
            actor=request.user,
            action="statistics.export",
            target=f"org:{report.org.pk}",
            org_path=report.org.path,
            detail={"first": report.first, "last": report.last, "rows": sum(counts)},
            ip=client_ip(request),
        )
        years = (
            str(report.first) if report.first == report.last else f"{report.first}-{report.last}"
        )
        return xlsx_response(content, f"统计分析-{report.org.name}-{years}.xlsx")


class StatisticsPeopleView(OrgAdminRequiredMixin, View):
    """The drill-down's last level: a unit's people and their summary of one year."""

    template_name = "credits/statistics_people.html"

    def get(self, request, pk):
        unit = get_object_or_404(orgs_visible_to(request.user), pk=pk)
        if unit.kind != Org.Kind.UNIT:
            raise Http404
        form = PeopleYearForm(request.GET)
        year = form.cleaned_data["year"] if form.is_valid() else timezone.localdate().year
        page = Paginator(unit_people(unit, year), PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
        context = {
            "unit": unit,
            "year": year,
            "form": form,
            "page_obj": page,
            "people": page.object_list,
            "trail": breadcrumbs(scope_paths(request.user), unit),
            "back_query": urlencode({"org": unit.pk, "first": year, "last": year}),
        }
        return render(request, self.template_name, context)
