"""抽查审验 (credits/services/checks.py, credits/views/checks.py)."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from credits.models import (
    Declaration,
    PersonYear,
    ReviewEvent,
    ReviewStatus,
    SpotCheck,
    SpotCheckItem,
)
from credits.services import person_year_refresh
from credits.services.checks import (
    MAX_ITEMS,
    hashint8extended,
    sample_size,
    spot_check_create,
    spot_check_draw,
    spot_check_item_confirm,
    spot_check_item_revoke,
)
from credits.signals import person_years_changed
from portal.models import AuditLog, Notification
from tests.factories import make_person

from .views_support import THIS_YEAR, filed, requirement_rows

pytestmark = pytest.mark.django_db
S = ReviewStatus
YEAR = THIS_YEAR - 1
Outcome = SpotCheckItem.Outcome


@pytest.fixture
def people(tree):
    requirement_rows()
    units = [tree.hospital1, tree.hospital2, tree.school, tree.civil, tree.xinhua_unit]
    return [make_person(unit) for unit in units]


@pytest.fixture
def population(tree, people):
    """50 filed declarations under 平顶山 (10 per person) and noise that is never sampled."""
    rows = []
    for person in people:
        direct = person.unit.parent.kind == "hrss"
        for index in range(10):
            rows.append(
                filed(
                    person,
                    "public_course",
                    5 + index,
                    year=YEAR,
                    title=f"公需课 {index}",
                    has_department=not direct,
                )
            )
    outsider = make_person(tree.lh_hospital)
    for index in range(10):
        filed(outsider, "public_course", 5, year=YEAR, title=f"漯河 {index}")
    filed(people[0], "public_course", 5, year=YEAR, status=S.DEPT_APPROVED)
    filed(people[0], "public_course", 5, year=YEAR - 1)
    return rows


def create(tree, **overrides) -> SpotCheck:
    values = {
        "actor": tree.admins["pds"],
        "year": YEAR,
        "org_id": tree.pds.pk,
        "method": "percent",
        "value": 10,
    }
    values.update(overrides)
    return spot_check_create(**values)


def sampled(spot_check) -> list[Declaration]:
    return [item.declaration for item in spot_check.items.select_related("declaration")]


def test_a_ten_percent_sample_of_fifty_has_five_filed_items_in_scope(tree, population):
    spot_check = create(tree)
    assert spot_check.population == 50
    declarations = sampled(spot_check)
    assert len(declarations) == 5
    assert {d.pk for d in declarations} <= {d.pk for d in population}
    assert all(d.status == S.FILED and d.year == YEAR for d in declarations)
    assert all(d.org_path.startswith(tree.pds.path) for d in declarations)
    assert AuditLog.objects.filter(action="spotcheck.create", org_path=tree.pds.path).count() == 1


def test_another_citys_declarations_are_never_sampled(tree, population):
    spot_check = create(tree, value=100)
    paths = {d.org_path for d in sampled(spot_check)}
    assert len(paths) == 5 and not any(p.startswith(tree.lh.path) for p in paths)


def test_a_county_office_samples_only_its_county(tree, population):
    spot_check = create(tree, actor=tree.admins["xinhua"], org_id=tree.xinhua.pk, value=100)
    assert spot_check.population == 10
    assert {d.unit_id for d in sampled(spot_check)} == {tree.xinhua_unit.pk}


def test_a_count_sample(tree, population):
    spot_check = create(tree, method="count", value=7)
    assert spot_check.items.count() == 7


def test_the_same_seed_draws_the_same_sample(tree, population):
    first = create(tree, seed=20260101)
    second = create(tree, seed=20260101)
    other = create(tree, method="count", value=20, seed=7)
    ids = sorted(first.items.values_list("declaration_id", flat=True))
    assert ids == sorted(second.items.values_list("declaration_id", flat=True))
    assert first.seed == 20260101
    assert other.items.count() == 20


def drawn(spot_check) -> set[int]:
    return set(spot_check.items.values_list("declaration_id", flat=True))


def test_the_sample_is_the_first_rows_in_the_seeds_hash_order(tree, population):
    spot_check = create(tree, method="count", value=7, seed=424242)
    ranked = sorted((hashint8extended(d.pk, 424242), d.pk) for d in population)
    assert drawn(spot_check) == {pk for _, pk in ranked[:7]}
    assert list(spot_check.items.values_list("declaration_id", flat=True)) == sorted(
        drawn(spot_check)
    )  # items in declaration order, as the pages list them


def test_a_larger_sample_holds_a_smaller_one(tree, population):
    small = create(tree, value=10, seed=99)
    large = create(tree, value=30, seed=99)
    assert len(drawn(small)) == 5 and len(drawn(large)) == 15
    assert drawn(small) < drawn(large)


def test_a_redraw_after_a_revocation_keeps_the_rest_of_the_sample(tree, population):
    first = create(tree, method="count", value=5, seed=31337)
    item = first.items.first()
    spot_check_item_revoke(
        actor=tree.admins["pds"], spot_check_id=first.pk, item_id=item.pk, reason="证书系伪造"
    )
    again = create(tree, method="count", value=5, seed=31337)
    assert again.population == first.population - 1 == 49
    assert drawn(first) - {item.declaration_id} < drawn(again)
    assert item.declaration_id not in drawn(again)


def test_a_path_that_only_begins_like_the_scope_is_outside_it(tree, population):
    # An office's path "/1/5/" begins "/1/50/" as text, but not as a subtree.
    stranger = population[0]
    Declaration.objects.filter(pk=stranger.pk).update(org_path=tree.pds.path[:-1] + "0/")
    spot_check = create(tree, value=100)
    assert spot_check.population == 49
    assert stranger.pk not in drawn(spot_check)


def test_the_population_is_counted_whole_beyond_the_largest_sample(tree, population):
    population_size, ranked = spot_check_draw(org_path=tree.pds.path, year=YEAR, seed=5, limit=3)
    assert population_size == 50 and len(ranked) == 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="compares with PostgreSQL's hash")
def test_the_python_hash_is_postgresqls():
    pairs = [(0, 0), (1, 1), (123_456_789, 2**62 - 1), (-7, 20260101), (2**63 - 1, -(2**62))]
    with connection.cursor() as cursor:
        for value, seed in pairs:
            cursor.execute("SELECT hashint8extended(%s::bigint, %s::bigint)", [value, seed])
            assert cursor.fetchone()[0] == hashint8extended(value, seed)


@pytest.mark.parametrize(
    ("method", "value", "population", "size"),
    [
        ("percent", Decimal("10"), 50, 5),
        ("percent", Decimal("1"), 50, 1),
        ("percent", Decimal("100"), 50, 50),
        ("count", Decimal("80"), 50, 50),
        ("count", Decimal("20000"), 10**6, MAX_ITEMS),
        ("percent", Decimal("50"), 10**6, MAX_ITEMS),
    ],
)
def test_sample_sizes(method, value, population, size):
    assert sample_size(method=method, value=value, population=population) == size


@pytest.mark.parametrize(
    ("method", "value"), [("percent", 0), ("percent", 101), ("count", 0), ("count", "2.5")]
)
def test_bad_values_are_refused(tree, population, method, value):
    with pytest.raises(ValidationError):
        create(tree, method=method, value=value)
    assert not SpotCheck.objects.exists()


def test_an_office_not_administered_is_refused(tree, population):
    with pytest.raises(ValidationError):
        create(tree, org_id=tree.lh.pk)
    with pytest.raises(ValidationError):
        create(tree, actor=tree.admins["hospital1"])


def test_a_year_without_filings_is_refused(tree, population):
    with pytest.raises(ValidationError, match="没有已备案"):
        create(tree, year=2015)


@pytest.fixture
def check(tree, population):
    return create(tree, method="count", value=3, seed=1)


def test_confirm_an_item(tree, check):
    item = check.items.first()
    spot_check_item_confirm(
        actor=tree.admins["pds"], spot_check_id=check.pk, item_id=item.pk, note="材料齐全"
    )
    item.refresh_from_db()
    assert item.outcome == Outcome.CONFIRMED and item.note == "材料齐全"
    assert item.decided_by == tree.admins["pds"] and item.decided_at is not None
    assert Declaration.objects.get(pk=item.declaration_id).status == S.FILED


def test_revoke_an_item_strikes_the_declaration(tree, check, django_capture_on_commit_callbacks):
    item = check.items.select_related("declaration__person").first()
    declaration = item.declaration
    before = person_year_refresh(person_id=declaration.person_id, year=YEAR)
    received = []

    def receiver(sender, pairs, **kwargs):
        received.append(pairs)

    person_years_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            spot_check_item_revoke(
                actor=tree.admins["pds"],
                spot_check_id=check.pk,
                item_id=item.pk,
                reason="证书系伪造",
            )
    finally:
        person_years_changed.disconnect(receiver)
    item.refresh_from_db()
    declaration.refresh_from_db()
    assert item.outcome == Outcome.REVOKED and item.note == "证书系伪造"
    assert declaration.status == S.REVOKED
    event = ReviewEvent.objects.get(declaration=declaration, action="revoke")
    assert (event.from_status, event.to_status, event.comment) == (S.FILED, S.REVOKED, "证书系伪造")
    after = PersonYear.objects.get(person_id=declaration.person_id, year=YEAR)
    assert after.filed_public == before.filed_public - declaration.counted_hours
    note = Notification.objects.get(user=declaration.person.user)
    assert "已被撤销" in note.title and note.body == "证书系伪造"
    assert received == [[(declaration.person_id, YEAR)]]


def test_revoke_without_a_reason_is_refused(tree, check):
    item = check.items.first()
    with pytest.raises(ValidationError):
        spot_check_item_revoke(
            actor=tree.admins["pds"], spot_check_id=check.pk, item_id=item.pk, reason="  "
        )
    item.refresh_from_db()
    assert item.outcome == Outcome.PENDING
    assert Declaration.objects.get(pk=item.declaration_id).status == S.FILED


def test_an_item_is_decided_once(tree, check):
    item = check.items.first()
    admin = tree.admins["pds"]
    spot_check_item_confirm(actor=admin, spot_check_id=check.pk, item_id=item.pk)
    with pytest.raises(ValidationError, match="不能重复核查"):
        spot_check_item_revoke(actor=admin, spot_check_id=check.pk, item_id=item.pk, reason="再查")
    with pytest.raises(ValidationError, match="不能重复核查"):
        spot_check_item_confirm(
            actor=tree.admins["province"], spot_check_id=check.pk, item_id=item.pk
        )
    assert Declaration.objects.get(pk=item.declaration_id).status == S.FILED


# --- Pages --------------------------------------------------------------------------------------


def login(client, user):
    client.force_login(user)
    return client


def test_create_from_the_form_and_see_the_items(client, tree, population):
    login(client, tree.admins["pds"])
    assert client.get(reverse("credits:spotcheck-create")).status_code == 200
    response = client.post(
        reverse("credits:spotcheck-create"),
        {"year": YEAR, "org": tree.pds.pk, "method": "percent", "value": "10", "note": "年度抽查"},
    )
    spot_check = SpotCheck.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("credits:spotcheck-detail", args=[spot_check.pk])
    page = client.get(response.url).content.decode()
    assert "已核查 0 / 5 条" in page
    for declaration in sampled(spot_check):
        assert declaration.title in page
    listing = client.get(reverse("credits:spotchecks")).content.decode()
    assert "0 / 5" in listing


def test_the_form_shows_a_bad_value(client, tree, population):
    login(client, tree.admins["pds"])
    response = client.post(
        reverse("credits:spotcheck-create"),
        {"year": YEAR, "org": tree.pds.pk, "method": "percent", "value": "120"},
    )
    assert response.status_code == 200
    assert "不超过 100%" in response.content.decode()
    assert not SpotCheck.objects.exists()


def test_confirm_and_revoke_from_the_page(client, tree, check):
    login(client, tree.admins["pds"])
    first, second, _ = check.items.all()
    confirm = reverse("credits:spotcheck-item-confirm", args=[check.pk, first.pk])
    assert client.post(confirm, {"note": ""}).status_code == 302
    revoke = reverse("credits:spotcheck-item-revoke", args=[check.pk, second.pk])
    assert "撤销原因" in client.get(revoke).content.decode()
    refused = client.post(revoke, {"reason": ""})
    assert refused.status_code == 200 and "请填写撤销原因" in refused.content.decode()
    assert client.post(revoke, {"reason": "查无此会"}).status_code == 302
    page = client.get(reverse("credits:spotcheck-detail", args=[check.pk])).content.decode()
    assert "已核查 2 / 3 条（确认无误 1，撤销 1）" in page
    again = client.post(confirm, follow=True)
    assert "不能重复核查" in again.content.decode()


def test_another_citys_hrss_admin_gets_404(client, tree, check):
    item = check.items.first()
    login(client, tree.admins["lh"])
    for url in (
        reverse("credits:spotcheck-detail", args=[check.pk]),
        reverse("credits:spotcheck-export", args=[check.pk]),
        reverse("credits:spotcheck-item-revoke", args=[check.pk, item.pk]),
    ):
        assert client.get(url).status_code == 404
    confirm = reverse("credits:spotcheck-item-confirm", args=[check.pk, item.pk])
    assert client.post(confirm).status_code == 404
    revoke = reverse("credits:spotcheck-item-revoke", args=[check.pk, item.pk])
    assert client.post(revoke, {"reason": "x"}).status_code == 404
    detail = reverse("credits:spotcheck-detail", args=[check.pk])
    assert detail not in client.get(reverse("credits:spotchecks")).content.decode()
    item.refresh_from_db()
    assert item.outcome == Outcome.PENDING


def test_a_county_admin_does_not_see_the_city_check_but_the_province_does(client, tree, check):
    detail = reverse("credits:spotcheck-detail", args=[check.pk])
    assert login(client, tree.admins["xinhua"]).get(detail).status_code == 404
    assert login(client, tree.admins["province"]).get(detail).status_code == 200


def test_non_hrss_admins_get_403(client, tree, check):
    item = check.items.first()
    for name in ("hospital1", "health"):
        login(client, tree.admins[name])
        assert client.get(reverse("credits:spotchecks")).status_code == 403
        assert client.get(reverse("credits:spotcheck-create")).status_code == 403
        assert client.get(reverse("credits:spotcheck-detail", args=[check.pk])).status_code == 403
        confirm = reverse("credits:spotcheck-item-confirm", args=[check.pk, item.pk])
        assert client.post(confirm).status_code == 403


def test_anonymous_goes_to_the_login(client, check):
    response = client.get(reverse("credits:spotchecks"))
    assert response.status_code == 302 and "login" in response.url


def test_the_menu_shows_the_entries_to_hrss_admins_only(client, tree, check):
    login(client, tree.admins["pds"])
    page = client.get(reverse("home")).content.decode()
    assert "抽查审验" in page and "失信记录" in page
    login(client, tree.admins["hospital1"])
    page = client.get(reverse("home")).content.decode()
    assert "抽查审验" not in page and "失信记录" not in page


def test_the_excel_export_opens(client, tree, check):
    item = check.items.first()
    spot_check_item_confirm(actor=tree.admins["pds"], spot_check_id=check.pk, item_id=item.pk)
    login(client, tree.admins["pds"])
    response = client.get(reverse("credits:spotcheck-export", args=[check.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("姓名", "身份证号", "证书管理号")
    assert len(rows) == 4 and rows[0][6:9] == ("认定学时", "考核结果", "核查结果")
    assert sorted(row[8] for row in rows[1:]) == ["待核查", "待核查", "确认无误"]
    results = check.items.values_list("declaration__assessment_result", flat=True)
    assert sorted(row[7] for row in rows[1:]) == sorted(
        Declaration.Assessment(r).label for r in results
    )
    assert AuditLog.objects.filter(action="spotcheck.export").count() == 1


def test_the_detail_page_issues_a_fixed_number_of_queries(
    client, tree, population, django_assert_max_num_queries
):
    small = create(tree, method="count", value=2)
    large = create(tree, method="count", value=40)
    login(client, tree.admins["pds"])
    client.get(reverse("credits:spotcheck-detail", args=[small.pk]))  # warm the session
    # The session's SELECT included (sessions live in the database).
    with django_assert_max_num_queries(13) as small_queries:
        client.get(reverse("credits:spotcheck-detail", args=[small.pk]))
    with django_assert_max_num_queries(13) as large_queries:
        client.get(reverse("credits:spotcheck-detail", args=[large.pk]))
    assert len(small_queries.captured_queries) == len(large_queries.captured_queries)
