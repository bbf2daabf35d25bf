"""The review queues: whose rows wait for whom, filters, keyset pages, fixed query counts."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm

from credits.models import Declaration, ReviewStatus
from credits.selectors_review import (
    Cursor,
    bounded_count,
    keyset_page,
    queue_counts,
    queue_filter,
    review_queue,
    review_queue_parts,
)
from orgtree.roles import MANAGE_PERMISSION, roles_forget
from tests.credits.views_support import THIS_YEAR, declaration, exemption
from tests.factories import make_person

S = ReviewStatus
pytestmark = pytest.mark.django_db
T0 = timezone.now().replace(microsecond=0) - timedelta(days=10)


def queue_pks(actor, kind="declaration", **filters) -> set[int]:
    return set(queue_filter(review_queue(actor, kind), kind, filters).values_list("pk", flat=True))


@pytest.fixture
def rows(tree):
    """One record per step and route, plus rows that wait for nobody."""
    h1 = make_person(tree.hospital1, cert_no="4104000000001")
    h1.user.name = "欧阳明远"
    h1.user.save(update_fields=["name"])
    h2 = make_person(tree.hospital2)
    civil = make_person(tree.civil)
    xin = make_person(tree.xinhua_unit)
    lh = make_person(tree.lh_hospital)
    made = {
        "h1_submitted": declaration(h1, status=S.SUBMITTED, submitted_at=T0),
        "h2_submitted": declaration(h2, status=S.SUBMITTED, submitted_at=T0),
        "h1_unit_approved": declaration(h1, status=S.UNIT_APPROVED, submitted_at=T0),
        "h1_dept_approved": declaration(h1, status=S.DEPT_APPROVED, submitted_at=T0),
        "civil_unit_approved": declaration(
            civil, status=S.UNIT_APPROVED, has_department=False, submitted_at=T0
        ),
        "civil_submitted": declaration(
            civil, status=S.SUBMITTED, has_department=False, submitted_at=T0
        ),
        "xin_unit_approved": declaration(
            xin, status=S.UNIT_APPROVED, has_department=False, submitted_at=T0
        ),
        "lh_unit_approved": declaration(lh, status=S.UNIT_APPROVED, submitted_at=T0),
        "h1_draft": declaration(h1),
        "h1_filed": declaration(h1, status=S.FILED, submitted_at=T0),
        "h1_returned": declaration(h1, status=S.RETURNED, submitted_at=T0),
    }
    made["people"] = {"h1": h1, "h2": h2, "civil": civil, "xin": xin, "lh": lh}
    return made


def pks(rows, *names) -> set[int]:
    return {rows[name].pk for name in names}


def test_each_admin_sees_exactly_the_rows_of_their_step(tree, rows):
    a = tree.admins
    assert queue_pks(a["hospital1"]) == pks(rows, "h1_submitted")
    assert queue_pks(a["hospital2"]) == pks(rows, "h2_submitted")
    assert queue_pks(a["civil"]) == pks(rows, "civil_submitted")
    assert queue_pks(a["health"]) == pks(rows, "h1_unit_approved")
    assert queue_pks(a["lh_health"]) == pks(rows, "lh_unit_approved")
    # HRSS: dept_approved rows, and the direct (无主管部门) rows the unit approved, of the units
    # whose nearest HRSS office is theirs (同级人社部门备案): a county's rows are the county's,
    # and the province files none of the cities' rows.
    assert queue_pks(a["pds"]) == pks(rows, "h1_dept_approved", "civil_unit_approved")
    assert queue_pks(a["xinhua"]) == pks(rows, "xin_unit_approved")
    assert queue_pks(a["province"]) == set()


def test_others_see_none_of_them(tree, rows):
    for name in ("edu", "school", "lh", "lh_hospital", "institution"):
        assert queue_pks(tree.admins[name]) == set(), name
    professional = rows["people"]["h1"].user
    assert queue_pks(professional) == set()
    assert queue_counts(professional) == {}


def test_exemptions_follow_the_same_chain(tree, rows):
    h1 = rows["people"]["h1"]
    waiting = exemption(h1, status=S.SUBMITTED)
    at_dept = exemption(h1, status=S.UNIT_APPROVED, year=THIS_YEAR - 1)
    assert queue_pks(tree.admins["hospital1"], "exemption") == {waiting.pk}
    assert queue_pks(tree.admins["health"], "exemption") == {at_dept.pk}
    assert queue_pks(tree.admins["hospital2"], "exemption") == set()


def test_home_counts(tree, rows):
    assert queue_counts(tree.admins["pds"]) == {"declaration": 2, "exemption": 0}
    assert queue_counts(tree.admins["province"]) == {"declaration": 0, "exemption": 0}
    assert queue_counts(tree.admins["hospital1"]) == {"declaration": 1, "exemption": 0}


def both_offices(tree):
    """平顶山's admin, who also administers 新华区's office: they file both offices' rows."""
    user = tree.admins["pds"]
    assign_perm(MANAGE_PERMISSION, user, tree.xinhua)
    roles_forget(user)
    return user


def test_filters(tree, rows):
    reviewer = both_offices(tree)
    person = rows["people"]["h1"]
    wanted = pks(rows, "h1_dept_approved")
    assert queue_pks(reviewer, q=person.user.id_number) == wanted
    assert queue_pks(reviewer, q=person.user.id_number.lower()) == wanted
    assert queue_pks(reviewer, q="4104000000001") == wanted
    assert queue_pks(reviewer, q="欧阳") == wanted
    assert queue_pks(reviewer, q="明远") == set()  # names match from the start
    assert queue_pks(reviewer, q=person.user.id_number[:10]) == set()  # never a partial ID
    assert queue_pks(reviewer, unit=tree.civil) == pks(rows, "civil_unit_approved")
    assert queue_pks(reviewer, department=tree.health) == wanted
    assert queue_pks(reviewer, unit=tree.xinhua) == pks(rows, "xin_unit_approved")
    assert queue_pks(reviewer, status=S.UNIT_APPROVED) == pks(
        rows, "civil_unit_approved", "xin_unit_approved"
    )
    Declaration.objects.filter(pk=rows["civil_unit_approved"].pk).update(
        year=THIS_YEAR - 1, source=Declaration.Source.UNIT_BATCH, subject="public"
    )
    Declaration.objects.filter(pk=rows["xin_unit_approved"].pk).update(
        submitted_at=T0 - timedelta(days=5), category="practice", params={"hours": 8}
    )
    assert queue_pks(reviewer, year=THIS_YEAR - 1) == pks(rows, "civil_unit_approved")
    assert queue_pks(reviewer, source="unit_batch") == pks(rows, "civil_unit_approved")
    assert queue_pks(reviewer, subject="public") == pks(rows, "civil_unit_approved")
    assert queue_pks(reviewer, category="practice") == pks(rows, "xin_unit_approved")
    day = timezone.localdate(T0 - timedelta(days=5))
    assert queue_pks(reviewer, submitted_to=day) == pks(rows, "xin_unit_approved")
    assert queue_pks(reviewer, submitted_from=day + timedelta(days=1)) == pks(
        rows, "civil_unit_approved", "h1_dept_approved"
    )


@pytest.fixture
def many(tree):
    """120 submitted declarations of hospital1; groups of 7 share a submission time."""
    people = [make_person(tree.hospital1) for _ in range(4)]
    batch = []
    for index in range(120):
        person = people[index % 4]
        batch.append(
            Declaration(
                person=person,
                unit=person.unit,
                org_path=person.org_path,
                year=THIS_YEAR,
                status=S.SUBMITTED,
                submitted_at=T0 + timedelta(minutes=index // 7),
                subject="public",
                category="public_course",
                params={"hours": 8},
                title=f"课程 {index}",
                claimed_hours=8,
                basis="declared",
            )
        )
    Declaration.objects.bulk_create(batch)
    return list(Declaration.objects.filter(title__startswith="课程 ").values_list("pk", flat=True))


@pytest.mark.parametrize("descending", [False, True])
def test_keyset_pages_walk_every_row_once_in_order(tree, many, descending):
    queryset = review_queue(tree.admins["hospital1"], "declaration")
    seen, after, pages = [], "", 0
    while True:
        page = keyset_page(queryset, after=after, size=20, descending=descending)
        seen += [(row.submitted_at, row.pk) for row in page.rows]
        pages += 1
        if not page.next_token:
            break
        after = page.next_token
    assert pages == 6
    assert len(seen) == 120 and {pk for _, pk in seen} == set(many)
    assert seen == sorted(seen, reverse=descending)


def test_an_invalid_id_number_in_the_search_finds_nothing(client, tree, rows):
    client.force_login(tree.admins["province"])
    response = client.get(reverse("credits:review-queue"), {"q": "440000000000000000"})
    assert response.status_code == 200
    assert response.context["rows"] == []


def test_the_cursor_round_trips_through_a_url():
    cursor = Cursor(T0, 42)
    token = cursor.token().replace("+", " ")  # what a "+" in a query string becomes
    assert Cursor.parse(token) == cursor
    assert Cursor.parse("null|7") == Cursor(None, 7)
    assert Cursor.parse("garbage") is None
    assert Cursor.parse("2024-13-45|3") is None


@pytest.mark.parametrize("status", [S.SUBMITTED, S.UNIT_APPROVED, S.DEPT_APPROVED])
def test_a_waiting_row_always_has_its_submission_time(tree, status):
    """The queues page on (submitted_at, id) with one index range: the database refuses a
    waiting row without a time (the submit transition always sets one)."""
    person = make_person(tree.hospital1)
    with pytest.raises(IntegrityError), transaction.atomic():
        declaration(person, status=status, submitted_at=None)
    assert declaration(person, status=S.DRAFT, submitted_at=None).submitted_at is None


@pytest.mark.parametrize("descending", [False, True])
def test_pages_merged_from_the_queue_parts_follow_the_whole_queue_order(tree, descending):
    """A city office files two statuses (department-approved rows, and unit-approved rows of
    units without a department), each in two path ranges (its subtree before and after its
    county's): its pages merge the parts, in the order of the whole queue (ties on the time
    broken by id), each row once."""
    h1, civil = make_person(tree.hospital1), make_person(tree.civil)
    for index in range(9):
        when = T0 + timedelta(minutes=index % 3)
        declaration(h1, status=S.DEPT_APPROVED, submitted_at=when)
        declaration(civil, status=S.UNIT_APPROVED, has_department=False, submitted_at=when)
    office = tree.admins["pds"]
    parts = review_queue_parts(office, "declaration")
    assert len(parts) == 4
    whole = review_queue(office, "declaration")
    if descending:
        whole = whole.order_by(F("submitted_at").desc(nulls_last=True), "-id")
    expected = list(whole.values_list("pk", flat=True))
    seen, after = [], ""
    while True:
        page = keyset_page(parts, after=after, size=4, descending=descending)
        seen += [row.pk for row in page.rows]
        if not page.next_token:
            break
        after = page.next_token
    assert len(expected) == 18
    assert seen == expected
    assert bounded_count(parts) == 18
    assert bounded_count(parts, limit=10) == 11


def test_bounded_count(tree, many):
    queryset = review_queue(tree.admins["hospital1"], "declaration")
    assert bounded_count(queryset) == 120
    assert bounded_count(queryset, limit=50) == 51


def _queue_queries(client, size: int) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(reverse("credits:review-queue"), {"size": size})
    assert response.status_code == 200
    assert len(response.context["rows"]) == size
    return len(context.captured_queries)


def test_queue_page_query_count_does_not_depend_on_page_size(client, tree, many):
    client.force_login(tree.admins["hospital1"])
    client.get(reverse("home"))  # the site name is cached after the first request
    assert _queue_queries(client, 20) == _queue_queries(client, 100)


def _office_queue_queries(client) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(reverse("credits:review-queue"))
    assert response.status_code == 200
    return len(context.captured_queries), len(response.context["rows"])


def test_queue_page_query_count_does_not_grow_with_the_queue(client, tree):
    """A city office files two parts (department-approved rows and unit-approved rows without
    a department): 4 rows or 60, spread over units, the first page costs the same queries."""
    client.force_login(tree.admins["pds"])
    client.get(reverse("home"))  # the site name is cached after the first request
    units = [tree.hospital1, tree.hospital2, tree.civil, tree.school]

    def add(count: int) -> None:
        for index in range(count):
            person = make_person(units[index % len(units)])
            direct = units[index % len(units)] == tree.civil
            declaration(
                person,
                status=S.UNIT_APPROVED if direct else S.DEPT_APPROVED,
                has_department=not direct,
                submitted_at=T0 + timedelta(minutes=index),
            )

    add(4)
    small, shown = _office_queue_queries(client)
    assert shown == 4
    add(56)
    large, shown = _office_queue_queries(client)
    assert shown == 20
    assert small == large


def test_queue_page_next_link_and_total(client, tree, many):
    client.force_login(tree.admins["hospital1"])
    url = reverse("credits:review-queue")
    response = client.get(url, {"size": 100})
    assert "共 120 条" in response.content.decode()
    token = response.context["next_token"]
    response = client.get(url, {"size": 100, "after": token})
    assert len(response.context["rows"]) == 20 and not response.context["next_token"]
    assert "回到第一页" in response.content.decode()


def test_queue_page_is_for_admins_only(client, tree, rows):
    client.force_login(rows["people"]["h1"].user)
    assert client.get(reverse("credits:review-queue")).status_code == 403
    client.logout()
    assert client.get(reverse("credits:review-queue")).status_code == 302


def test_the_exemption_tab_lists_exemptions(client, tree, rows):
    waiting = exemption(rows["people"]["h1"], status=S.SUBMITTED, year=THIS_YEAR - 1)
    client.force_login(tree.admins["hospital1"])
    response = client.get(reverse("credits:review-queue"), {"kind": "exemption"})
    assert [row.pk for row in response.context["rows"]] == [waiting.pk]
    html = response.content.decode()
    assert reverse("credits:review-detail", args=["exemption", waiting.pk]) in html
    assert 'name="category"' not in html  # declaration-only filters are not offered


def test_filters_in_the_query_string(client, tree, rows):
    client.force_login(tree.admins["pds"])
    person = rows["people"]["h1"]
    url = reverse("credits:review-queue")
    response = client.get(url, {"q": person.user.id_number, "sort": "desc", "size": 20})
    assert [row.pk for row in response.context["rows"]] == [rows["h1_dept_approved"].pk]
    response = client.get(url, {"unit": tree.civil.pk})
    assert [row.pk for row in response.context["rows"]] == [rows["civil_unit_approved"].pk]
    # An org outside the scope is not a valid choice: the filter is ignored, never widened.
    client.force_login(tree.admins["pds"])
    response = client.get(url, {"unit": tree.lh_hospital.pk})
    assert rows["lh_unit_approved"].pk not in {row.pk for row in response.context["rows"]}
