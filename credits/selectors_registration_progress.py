"""注册进度 (督导通报): how far registration has come under one HRSS office, per child region
and per department, with what changed since a chosen date.

Rows of the report, for an office:
- one per child HRSS office (a city, county or zone below it) and one per department directly
  under it (approved or pending; such a department is its own row even before approval);
- 无主管部门: units registered directly under the office;
- 其他: what is left directly under the office (training institutions, department applications
  rejected or withdrawn);
- the total, the sum of the rows (every department, unit and institution of the subtree).

Each figure is a fixed number of grouped queries (one each for Org and OrgAdmin, where a CASE
over the rows' paths, tens at most, puts every record in its row; three for Person, grouped by
unit path and put in their rows here), so the number of queries does not grow with the
subtree.
"""

import datetime
from dataclasses import dataclass, field, fields

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Value, When
from django.utils import timezone

from accounts.models import Person
from orgtree.models import Org, OrgAdmin

# HRSS offices are the frame of the report, not registrations.
COUNTED_KINDS = (Org.Kind.DEPARTMENT, Org.Kind.UNIT, Org.Kind.INSTITUTION)
# The 管理员信息备案表 items an admin must have filled in: the form's required fields (the
# registration form and the admin services refuse an admin without them; rows loaded from
# elsewhere may lack them). 传真、电子信箱、邮编、邮寄地址 are optional on the form.
FILING_REQUIRED_FIELDS = ("name", "gender", "department", "post", "phone")
FILED_DEFINITION = (
    "“管理员已备案”指已通过审核、且至少有一名在任管理员填齐《管理员信息备案表》"
    "必填项（姓名、性别、工作部门、职务、联系电话）的机构。"
)
UNITS_ROW = "直属用人单位（无主管部门）"
OTHER_ROW = "其他直属机构（施教机构、未通过的主管部门申请）"
TOTAL_ROW = "合计"
LIVE_STATUSES = (Org.Status.APPROVED, Org.Status.PENDING)


@dataclass
class Figures:
    orgs: int = 0
    orgs_new: int = 0
    orgs_approved: int = 0
    orgs_approved_new: int = 0
    orgs_filed: int = 0
    orgs_filed_new: int = 0
    people: int = 0
    people_new: int = 0
    people_pending: int = 0
    people_pending_new: int = 0
    people_approved: int = 0
    people_approved_new: int = 0

    def values(self) -> list[int]:
        return [getattr(self, f.name) for f in fields(self)]

    def add(self, other: "Figures") -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


FIGURE_HEADERS = (
    "注册机构数",
    "新增注册机构",
    "已通过机构数",
    "新增通过机构",
    "管理员已备案机构数",
    "新增备案机构",
    "注册人数",
    "新增注册人数",
    "待审核人数",
    "其中新申请",
    "已通过人数",
    "新增通过人数",
)


@dataclass
class Row:
    label: str
    kind: str  # "hrss", "department", "units", "other", "total"
    org: Org | None = None
    figures: Figures = field(default_factory=Figures)


@dataclass
class Progress:
    office: Org
    since: datetime.date
    today: datetime.date
    rows: list[Row]
    total: Row


def since_start(since: datetime.date) -> datetime.datetime:
    """The first instant of ``since`` in the portal's time zone."""
    return timezone.make_aware(datetime.datetime.combine(since, datetime.time.min))


def progress_rows(office: Org) -> list[Row]:
    """The child offices (by region code) and the departments (by name) of the office, then the
    two rows of what sits directly under it."""
    children = Org.objects.filter(parent=office).filter(
        Q(kind=Org.Kind.HRSS) | Q(kind=Org.Kind.DEPARTMENT, status__in=LIVE_STATUSES)
    )
    # Child offices first, by region code; then the departments, by name.
    children = sorted(
        children,
        key=lambda org: (
            org.kind != Org.Kind.HRSS,
            org.region_id if org.kind == Org.Kind.HRSS else "",
            org.name,
        ),
    )
    rows = [Row(child_label(child), child.kind, child) for child in children]
    return [*rows, Row(UNITS_ROW, "units"), Row(OTHER_ROW, "other")]


def child_label(org: Org) -> str:
    if org.status == Org.Status.APPROVED:
        return org.name
    return f"{org.name}（{org.get_status_display()}）"


def row_case(rows: list[Row], path_field: str, *after: When, default: int) -> Case:
    """The index of the row a record belongs to: the child row whose path its org's path
    starts with, else the first of ``after`` that matches, else ``default``."""
    whens = [
        When(**{f"{path_field}__startswith": row.org.path}, then=Value(index))
        for index, row in enumerate(rows)
        if row.org is not None
    ]
    return Case(*whens, *after, default=Value(default), output_field=IntegerField())


def filed_q() -> Q:
    """An admin whose 备案表 has every required item filled in."""
    q = Q()
    for name in FILING_REQUIRED_FIELDS:
        q &= ~Q(**{name: ""})
    return q


def registration_progress(office: Org, since: datetime.date) -> Progress:
    rows = progress_rows(office)
    units_index, other_index = len(rows) - 2, len(rows) - 1
    start = since_start(since)
    approved = Q(status=Org.Status.APPROVED)

    # Orgs: whatever is not under a child row sits directly under the office.
    org_rows = (
        Org.objects.filter(path__startswith=office.path, kind__in=COUNTED_KINDS)
        .annotate(
            row=row_case(
                rows,
                "path",
                When(kind=Org.Kind.UNIT, then=Value(units_index)),
                default=other_index,
            )
        )
        .values("row")
        .annotate(
            orgs=Count("pk"),
            orgs_new=Count("pk", filter=Q(created_at__gte=start)),
            orgs_approved=Count("pk", filter=approved),
            orgs_approved_new=Count("pk", filter=approved & Q(decided_at__gte=start)),
        )
        .order_by()
    )

    # Admins: an org is filed when it is approved and has a filed admin in office; it was filed
    # already at ``since`` when it was approved before then and had a filed admin in office then
    # (one who started before ``since`` and is still in office or left after it). An approved
    # org without a decision time (loaded, not approved on the portal) was approved before.
    approved_before = Q(org__decided_at__lt=start) | Q(org__decided_at__isnull=True)
    filed_before = OrgAdmin.objects.filter(
        filed_q(),
        Q(active=True) | Q(ended_at__gte=start),
        org_id=OuterRef("org_id"),
        created_at__lt=start,
    )
    admin_rows = (
        OrgAdmin.objects.filter(
            filed_q(),
            active=True,
            org__path__startswith=office.path,
            org__kind__in=COUNTED_KINDS,
            org__status=Org.Status.APPROVED,
        )
        .annotate(
            row=row_case(
                rows,
                "org__path",
                When(org__kind=Org.Kind.UNIT, then=Value(units_index)),
                default=other_index,
            ),
            was_filed=Exists(filed_before),
        )
        .values("row")
        .annotate(
            orgs_filed=Count("org_id", distinct=True),
            orgs_filed_new=Count(
                "org_id",
                distinct=True,
                filter=~(approved_before & Q(was_filed=True)),
            ),
        )
        .order_by()
    )

    for query in (org_rows, admin_rows):
        for values in query:
            figures = rows[values.pop("row")].figures
            for name, value in values.items():
                setattr(figures, name, value)
    _people_figures(office, rows, start)

    total = Row(TOTAL_ROW, "total")
    for row in rows:
        total.figures.add(row.figures)
    return Progress(office, since, timezone.localdate(), rows, total)


def _people_figures(office: Org, rows: list[Row], start: datetime.datetime) -> None:
    """The people columns, added to ``rows``: people grouped by (status, unit path) over the
    index on (status, org_path) alone, and what is new since ``start`` over the indexes on
    (status, created_at) and (status, decided_at), which hold few rows past a recent date; each
    unit path is put in its row here. (A CASE over the rows' paths for each of a province's
    1,000,000 people took more than a second.)"""
    units_index = len(rows) - 2
    index_of = {row.org.pk: index for index, row in enumerate(rows) if row.org is not None}
    depth = len(office.path)

    def figures_of(path: str) -> Figures:
        child = path[depth:].split("/", 1)[0]
        return rows[index_of.get(int(child), units_index) if child else units_index].figures

    scope = Person.objects.filter(org_path__startswith=office.path)
    statuses = list(Person.Status.values)
    # Tuples, not dicts: a province returns some 60,000 groups.
    groups = scope.values_list("status", "org_path").annotate(count=Count("pk")).order_by()
    new = (
        scope.filter(status__in=statuses, created_at__gte=start)
        .values_list("status", "org_path")
        .annotate(count=Count("pk"))
        .order_by()
    )
    decided = (
        scope.filter(status=Person.Status.APPROVED, decided_at__gte=start)
        .values_list("org_path")
        .annotate(count=Count("pk"))
        .order_by()
    )
    pending, approved = Person.Status.PENDING, Person.Status.APPROVED
    for status, path, count in groups:
        figures = figures_of(path)
        figures.people += count
        if status == pending:
            figures.people_pending += count
        elif status == approved:
            figures.people_approved += count
    for status, path, count in new:
        figures = figures_of(path)
        figures.people_new += count
        if status == pending:
            figures.people_pending_new += count
    for path, count in decided:
        figures_of(path).people_approved_new += count
