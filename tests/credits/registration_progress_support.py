"""What the 注册进度 tests share: dates around SINCE, the world they count, the figures counted
independently in plain Python (walking parent links, not paths), and the page read back."""

import datetime
import re
from html import unescape

from django.urls import reverse
from django.utils import timezone

from accounts.models import Person
from orgtree.models import Org, OrgAdmin
from tests.factories import make_admin, make_org, make_person

URL = reverse("credits:registration-progress")
TODAY = timezone.localdate()
SINCE = TODAY - datetime.timedelta(days=10)
NOW = timezone.now()
LONG_AGO = NOW - datetime.timedelta(days=100)
BEFORE = NOW - datetime.timedelta(days=20)  # before SINCE
AFTER = NOW - datetime.timedelta(days=2)  # after SINCE
UNITS_ROW = "直属用人单位（无主管部门）"
OTHER_ROW = "其他直属机构（施教机构、未通过的主管部门申请）"
FILING_REQUIRED = ("name", "gender", "department", "post", "phone")


def org_dates(org, *, created, decided=None):
    Org.objects.filter(pk=org.pk).update(created_at=created, decided_at=decided)


def person(unit, status, *, created, decided=None):
    row = make_person(unit, status=status)
    Person.objects.filter(pk=row.pk).update(created_at=created, decided_at=decided)
    return row


def admin_of(org):
    return OrgAdmin.objects.filter(org=org).latest("pk")


def world_build(tree):
    """The tree, registered long ago, plus registrations and admins before and after SINCE."""
    Org.objects.update(created_at=LONG_AGO)
    OrgAdmin.objects.update(created_at=LONG_AGO)

    # 平顶山: a department approved after SINCE with a pending unit; a pending department; a
    # rejected department; a unit without a department approved before SINCE; a rejected unit.
    culture = make_org("department", tree.pds, name="平顶山市文化广电和旅游局")
    org_dates(culture, created=AFTER, decided=AFTER)
    make_admin(culture)  # filed after SINCE: a new filed org
    museum = make_org("unit", culture, name="平顶山博物馆", status="pending")
    org_dates(museum, created=AFTER)
    pending_dept = make_org("department", tree.pds, name="平顶山市水利局", status="pending")
    org_dates(pending_dept, created=AFTER)
    rejected_dept = make_org("department", tree.pds, name="平顶山市林业局", status="rejected")
    org_dates(rejected_dept, created=BEFORE, decided=BEFORE)
    direct = make_org("unit", tree.pds, name="平顶山市档案馆")
    org_dates(direct, created=BEFORE, decided=BEFORE)
    make_admin(direct)
    OrgAdmin.objects.filter(org=direct).update(created_at=BEFORE)
    rejected_unit = make_org("unit", tree.health, name="平顶山市某诊所", status="rejected")
    org_dates(rejected_unit, created=AFTER, decided=AFTER)
    # hospital1 was approved after SINCE (its admin, filed long ago, makes it newly filed).
    org_dates(tree.hospital1, created=BEFORE, decided=AFTER)
    # hospital2's admin left the phone blank: not filed.
    OrgAdmin.objects.filter(org=tree.hospital2).update(phone="")
    # school's only admin left before SINCE: not filed.
    OrgAdmin.objects.filter(org=tree.school).update(active=False, ended_at=BEFORE)
    # civil's admin was handed over after SINCE: filed before and after, not new.
    OrgAdmin.objects.filter(org=tree.civil).update(active=False, ended_at=AFTER)
    make_admin(tree.civil)
    OrgAdmin.objects.filter(pk=admin_of(tree.civil).pk).update(created_at=AFTER)
    # xinhua_unit's admin never gave a department; a second, filed admin came after SINCE.
    OrgAdmin.objects.filter(org=tree.xinhua_unit).update(department="")
    make_admin(tree.xinhua_unit)
    OrgAdmin.objects.filter(pk=admin_of(tree.xinhua_unit).pk).update(created_at=AFTER)
    # 新华区: a unit approved after SINCE.
    xinhua_new = make_org("unit", tree.xinhua, name="新华区第二人民医院")
    org_dates(xinhua_new, created=AFTER, decided=AFTER)

    # People, in every status, before and after SINCE.
    person(tree.hospital1, "approved", created=LONG_AGO, decided=BEFORE)
    person(tree.hospital1, "approved", created=BEFORE, decided=AFTER)
    person(tree.hospital1, "pending", created=AFTER)
    person(tree.hospital1, "pending", created=BEFORE)
    person(tree.hospital1, "rejected", created=AFTER, decided=AFTER)
    person(tree.school, "withdrawn", created=BEFORE, decided=BEFORE)
    person(tree.civil, "approved", created=AFTER, decided=AFTER)
    person(tree.civil, "pending", created=AFTER)
    person(direct, "approved", created=BEFORE, decided=BEFORE)
    person(tree.xinhua_unit, "approved", created=LONG_AGO, decided=LONG_AGO)
    person(xinhua_new, "pending", created=AFTER)
    person(tree.lh_hospital, "approved", created=BEFORE, decided=AFTER)
    person(tree.lh_hospital, "pending", created=BEFORE)
    return tree


# --- The figures, counted independently -----------------------------------------------------


def row_label(child: Org, org: Org) -> str:
    """The row of ``org`` whose ancestor directly under the office is ``child``."""
    if child.kind == "hrss":
        return child.name
    if child.kind == "department" and child.status == "approved":
        return child.name
    if child.kind == "department" and child.status == "pending":
        return f"{child.name}（待审核）"
    return UNITS_ROW if org.kind == "unit" else OTHER_ROW


def rows_of(office: Org) -> dict[int, str]:
    """Org pk -> row label, for every org below ``office``, by walking parent links."""
    orgs = {org.pk: org for org in Org.objects.all()}
    result = {}
    for org in orgs.values():
        node = org
        while node.parent_id is not None and node.parent_id != office.pk:
            node = orgs[node.parent_id]
        if node.parent_id == office.pk:
            result[org.pk] = row_label(node, org)
    return result


def is_filed_admin(admin: OrgAdmin) -> bool:
    return all(getattr(admin, name) for name in FILING_REQUIRED)


def expected(office: Org, since: datetime.date) -> dict[str, list[int]]:
    start = timezone.make_aware(datetime.datetime.combine(since, datetime.time.min))
    rows = rows_of(office)
    figures: dict[str, list[int]] = {}

    def add(label: str, index: int) -> None:
        figures.setdefault(label, [0] * 12)[index] += 1

    admins = list(OrgAdmin.objects.all())
    for org in Org.objects.filter(pk__in=rows):
        if org.kind == "hrss":
            continue
        label = rows[org.pk]
        figures.setdefault(label, [0] * 12)
        add(label, 0)
        if org.created_at >= start:
            add(label, 1)
        if org.status != "approved":
            continue
        add(label, 2)
        if org.decided_at is not None and org.decided_at >= start:
            add(label, 3)
        own = [a for a in admins if a.org_id == org.pk and is_filed_admin(a)]
        if any(a.active for a in own):
            add(label, 4)
            approved_then = org.decided_at is None or org.decided_at < start
            filed_then = any(
                a.created_at < start and (a.active or a.ended_at >= start) for a in own
            )
            if not (approved_then and filed_then):
                add(label, 5)
    for row in Person.objects.select_related("unit"):
        label = rows.get(row.unit_id)
        if label is None:
            continue
        add(label, 6)
        new = row.created_at >= start
        if new:
            add(label, 7)
        if row.status == "pending":
            add(label, 8)
            if new:
                add(label, 9)
        if row.status == "approved":
            add(label, 10)
            if row.decided_at is not None and row.decided_at >= start:
                add(label, 11)
    return figures


# --- Reading the page and the file -------------------------------------------------------------


def cell_text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html)).strip()


def page_rows(html: str) -> list[list[str]]:
    table = re.search(r'<table[^>]*data-testid="progress-table".*?</table>', html, re.S)
    assert table is not None
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(0), re.S)
    return [[cell_text(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)] for r in rows]


def as_numbers(rows: list[list[str]]) -> dict[str, list[int]]:
    return {row[0]: [int(cell.replace(",", "")) for cell in row[1:]] for row in rows[1:]}


def get(client, user, **params):
    client.force_login(user)
    return client.get(URL, params)


def with_total(figures: dict[str, list[int]]) -> dict[str, list[int]]:
    total = [sum(column) for column in zip(*figures.values(), strict=True)]
    return {**figures, "合计": total}
