"""The filing level (周口 guide 第五步 "主管部门审核通过后，系统上报到同级人社部门进行备案"): the
nearest HRSS office above a unit files, returns or rejects its records; the offices above it
see them and revoke filed ones in spot checks, but never file them."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from credits.models import Declaration, ReviewEvent, ReviewStatus
from credits.selectors import declarations_visible_to
from credits.selectors_review import FILED_BELOW, queue_counts, review_queue
from credits.services import review_batch
from orgtree.roles import roles_of
from orgtree.selectors import filing_ranges, filing_scope_parts, filing_scope_q, in_filing_scope
from tests.credits.review_support import status_of, step
from tests.credits.views_support import declaration, exemption, requirement_rows
from tests.factories import make_person
from tests.shared_tree import ruzhou_add

pytestmark = pytest.mark.django_db
S = ReviewStatus
PDS_OFFICE = "平顶山市人力资源和社会保障局"


def waiting(unit, *, direct: bool = False) -> Declaration:
    """A record at the HRSS step: department-approved, or unit-approved for a unit without a
    department (``direct``)."""
    person = make_person(unit)
    if direct:
        return declaration(person, status=S.UNIT_APPROVED, has_department=False)
    return declaration(person, status=S.DEPT_APPROVED)


def queued(actor) -> set[int]:
    return set(review_queue(actor, "declaration").values_list("pk", flat=True))


@pytest.fixture
def records(tree):
    ruzhou_add(tree)
    requirement_rows()
    return {
        "city": waiting(tree.hospital1),
        "city_direct": waiting(tree.civil, direct=True),
        "county": waiting(tree.xinhua_unit, direct=True),
        "ruzhou": waiting(tree.ruzhou_unit, direct=True),
    }


def test_the_city_office_files_its_city_units_records(tree, records):
    for name in ("city", "city_direct"):
        assert step(tree.admins["pds"], records[name], "approve").status == S.FILED


@pytest.mark.parametrize(("action", "comment"), [("approve", ""), ("return", "请补充材料")])
def test_the_province_cannot_file_or_return_a_city_units_record(tree, records, action, comment):
    record = records["city"]
    with pytest.raises(ValidationError) as caught:
        step(tree.admins["province"], record, action, comment)
    assert f"该记录由{PDS_OFFICE}备案" in caught.value.messages[0]
    assert status_of(record) == S.DEPT_APPROVED
    assert not ReviewEvent.objects.filter(declaration=record).exists()


def test_the_province_still_revokes_a_filed_record(tree, records):
    record = step(tree.admins["pds"], records["city"], "approve")
    revoked = step(tree.admins["province"], record, "revoke", "抽查：证明材料不实")
    assert revoked.status == S.REVOKED


def test_a_county_units_record_is_filed_by_the_county_not_the_city(tree, records):
    record = records["county"]
    with pytest.raises(ValidationError, match="该记录由新华区人力资源和社会保障局备案"):
        step(tree.admins["pds"], record, "reject", "不符合要求")
    assert status_of(record) == S.UNIT_APPROVED
    assert step(tree.admins["xinhua"], record, "approve").status == S.FILED
    # The city still revokes it in a spot check.
    assert step(tree.admins["pds"], record, "revoke", "抽查不合格").status == S.REVOKED


def test_a_ruzhou_units_record_is_filed_by_ruzhou(tree, records):
    record = records["ruzhou"]
    for name in ("pds", "province"):
        with pytest.raises(ValidationError, match="该记录由汝州市人力资源和社会保障局备案"):
            step(tree.admins[name], record, "approve")
    assert status_of(record) == S.UNIT_APPROVED
    # 平顶山 keeps seeing 汝州's records (statistics, queries): 汝州's office is in its tree.
    assert declarations_visible_to(tree.admins["pds"]).filter(pk=record.pk).exists()
    assert step(tree.admins["ruzhou"], record, "approve").status == S.FILED


def test_each_office_queues_and_counts_only_what_it_files(tree, records):
    pk = {name: record.pk for name, record in records.items()}
    assert queued(tree.admins["pds"]) == {pk["city"], pk["city_direct"]}
    assert queued(tree.admins["xinhua"]) == {pk["county"]}
    assert queued(tree.admins["ruzhou"]) == {pk["ruzhou"]}
    assert queued(tree.admins["province"]) == set()
    assert queue_counts(tree.admins["pds"])["declaration"] == 2
    assert queue_counts(tree.admins["province"])["declaration"] == 0


def test_a_batch_over_lower_offices_records_skips_them_with_the_reason(tree, records):
    ids = [record.pk for record in records.values()]
    applied = review_batch(
        actor=tree.admins["province"], kind="declaration", ids=ids, action="approve"
    )
    assert applied.count == 0 and applied.skipped == {FILED_BELOW: 4}
    applied = review_batch(actor=tree.admins["pds"], kind="declaration", ids=ids, action="approve")
    assert {pk for pk, _, _ in applied.moved} == {records["city"].pk, records["city_direct"].pk}
    assert applied.skipped == {FILED_BELOW: 2}
    assert status_of(records["county"]) == status_of(records["ruzhou"]) == S.UNIT_APPROVED


def test_the_batch_page_says_why_rows_were_skipped(client, tree, records):
    client.force_login(tree.admins["province"])
    response = client.post(
        reverse("credits:review-batch", args=["declaration"]),
        {"action": "approve", "ids": [records["city"].pk], "confirmed": "on"},
    )
    assert response.status_code == 302
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert "已处理 0 条" in message and FILED_BELOW in message
    assert status_of(records["city"]) == S.DEPT_APPROVED


def test_a_higher_office_sees_the_record_read_only_with_who_files_it(client, tree, records):
    record = records["city"]
    detail = reverse("credits:review-detail", args=["declaration", record.pk])
    client.force_login(tree.admins["province"])
    response = client.get(detail)
    assert response.status_code == 200
    page = response.content.decode()
    assert response.context["action_forms"] == []
    assert f"由{PDS_OFFICE}备案" in page and 'data-testid="filing-note"' in page
    act = reverse("credits:review-act", args=["declaration", record.pk, "approve"])
    response = client.post(act, {"comment": ""})
    assert response.status_code == 302
    assert f"该记录由{PDS_OFFICE}备案" in str(list(get_messages(response.wsgi_request))[-1])
    assert status_of(record) == S.DEPT_APPROVED
    # The office that files it gets the actions and no note.
    client.force_login(tree.admins["pds"])
    response = client.get(detail)
    assert [item["action"] for item in response.context["action_forms"]] == [
        "approve",
        "return",
        "reject",
    ]
    assert 'data-testid="filing-note"' not in response.content.decode()


def test_a_neighbouring_office_gets_404_for_the_record(client, tree, records):
    client.force_login(tree.admins["lh"])
    detail = reverse("credits:review-detail", args=["declaration", records["city"].pk])
    assert client.get(detail).status_code == 404


def test_a_filed_record_offers_the_province_its_revocation(client, tree, records):
    record = step(tree.admins["pds"], records["city"], "approve")
    client.force_login(tree.admins["province"])
    response = client.get(reverse("credits:review-detail", args=["declaration", record.pk]))
    assert [item["action"] for item in response.context["action_forms"]] == ["revoke"]
    assert 'data-testid="filing-note"' not in response.content.decode()


def test_the_queue_page_of_an_office_with_offices_below_says_so(client, tree, records):
    client.force_login(tree.admins["pds"])
    response = client.get(reverse("credits:review-queue"))
    assert {row.pk for row in response.context["rows"]} == {
        records["city"].pk,
        records["city_direct"].pk,
    }
    assert 'data-testid="filing-below"' in response.content.decode()
    client.force_login(tree.admins["xinhua"])
    assert (
        'data-testid="filing-below"'
        not in client.get(reverse("credits:review-queue")).content.decode()
    )


def test_exemptions_follow_the_filing_level(tree):
    person = make_person(tree.hospital1)
    record = exemption(person, status=S.DEPT_APPROVED)
    with pytest.raises(ValidationError, match=f"该记录由{PDS_OFFICE}备案"):
        step(tree.admins["province"], record, "approve")
    assert status_of(record) == S.DEPT_APPROVED
    assert step(tree.admins["pds"], record, "approve").status == S.FILED


def test_the_offices_below_are_read_once_per_user_object(tree, django_assert_num_queries):
    province = tree.admins["province"]
    roles_of(province)  # the roles' own query
    with django_assert_num_queries(1):
        below = dict(roles_of(province).filing_paths)
        assert dict(roles_of(province).filing_paths) == below
    assert below == {tree.province.path: tuple(sorted([tree.pds.path, tree.lh.path]))}


BOUNDARIES = {
    "/1/5/": True,  # a 省直 unit
    "/1/2/5/": False,  # under the child office /1/2/
    "/1/20/5/": True,  # id 20 sorts right after the /1/2/ subtree
    "/1/19/": False,
    "/1/190/": True,
    "/1/": True,
    "/10/": False,  # another tree
    "/0/": False,
}


def test_the_ranges_cut_exactly_the_child_offices_subtrees(tree):
    """In SQL (PostgreSQL's pattern operators, SQLite's byte order) and in Python alike."""
    province = tree.admins["province"]
    # Child offices /1/2/ and /1/19/, in byte order as Roles.filing_paths gives them.
    roles_of(province).__dict__["filing_paths"] = (("/1/", ("/1/19/", "/1/2/")),)
    assert filing_ranges(province) == (("/1/", "/1/19/"), ("/1/190", "/1/2/"), ("/1/20", "/10"))
    rows = {}
    for path in BOUNDARIES:
        record = declaration(make_person(tree.hospital1))
        Declaration.objects.filter(pk=record.pk).update(org_path=path)
        rows[record.pk] = path
    found = Declaration.objects.filter(filing_scope_q(province), pk__in=rows)
    assert {rows[pk] for pk in found.values_list("pk", flat=True)} == {
        path for path, filed in BOUNDARIES.items() if filed
    }
    assert {path: in_filing_scope(province, path) for path in BOUNDARIES} == BOUNDARIES
    parts = filing_scope_parts(province)
    per_part = [
        set(Declaration.objects.filter(part, pk__in=rows).values_list("pk", flat=True))
        for part in parts
    ]
    assert sum(len(part) for part in per_part) == len(found)  # disjoint, and all of them
