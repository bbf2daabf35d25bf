"""Issue 18, declaring: after a year's 学时申报 deadline the person can neither make nor submit a
declaration (or a 第八条 折算 request) for it, unless a 补学 window is open or an exception
covers them or their unit; the message names the date and the office. 我的学时 and the form
show the deadline."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from credits.deadlines import declare_refusals
from credits.models import Declaration, Exemption, ImportBatch, ReviewStatus
from credits.services import (
    declaration_create,
    declaration_resubmit,
    declaration_submit,
    exemption_create,
    exemption_submit,
)
from orgtree.calendar import day_label
from orgtree.models_calendar import Deadline, DeadlineException
from tests.credits.intake_support import (
    CONFERENCE,
    commit,
    messages_by_line,
    person_row,
    post_file,
    xlsx,
)
from tests.credits.review_support import form
from tests.credits.views_support import declaration, evidence, exemption, requirement_rows
from tests.factories import make_person

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
YEAR = TODAY.year - 1  # last year's hours, declared this spring


def days(n: int):
    return TODAY + timedelta(days=n)


def deadline(office, closes_on, *, year=YEAR, kind="declare", opens_on=None) -> Deadline:
    return Deadline.objects.create(
        region=office.region,
        year=year,
        kind=kind,
        opens_on=opens_on,
        closes_on=closes_on,
        set_by=office,
    )


def exception(tree, *, user=None, org=None, kind="declare", **fields) -> DeadlineException:
    values = {"reason": "援疆期间未能按时申报", "expires_on": days(30)} | fields
    return DeadlineException.objects.create(
        kind=kind,
        year=YEAR,
        user=user,
        org=org,
        office=tree.pds,
        granted_by=tree.admins["pds"],
        **values,
    )


def create(person, year=YEAR) -> Declaration:
    return declaration_create(actor=person.user, **form(year=year))


def refusal(person, year=YEAR) -> str:
    with pytest.raises(ValidationError) as caught:
        create(person, year)
    return " ".join(caught.value.message_dict["year"])


def test_declaring_after_the_deadline_is_refused_naming_the_date_and_the_office(tree, person):
    deadline(tree.pds, days(-1))

    message = refusal(person)

    assert day_label(days(-1)) in message
    assert tree.pds.name in message
    assert f"{YEAR}年度学时申报" in message
    assert not Declaration.objects.exists()


def test_declaring_before_the_deadline_or_on_its_day_is_accepted(tree, person):
    deadline(tree.pds, TODAY)
    deadline(tree.pds, days(10), year=YEAR - 1)

    assert create(person).year == YEAR
    assert create(person, YEAR - 1).year == YEAR - 1


def test_without_a_deadline_declaring_is_open(tree, person):
    deadline(tree.pds, days(-1), year=YEAR - 1)  # another year's row does not close this one
    assert create(person).status == ReviewStatus.DRAFT


def test_the_province_row_holds_where_a_city_set_none(tree, person):
    deadline(tree.province, days(-5))

    message = refusal(person)

    assert tree.province.name in message


def test_a_county_row_later_than_its_city_lets_the_county_people_declare(tree, person):
    county_person = make_person(tree.xinhua_unit)
    deadline(tree.pds, days(-1))
    deadline(tree.xinhua, days(20))

    assert create(county_person).person == county_person
    assert tree.pds.name in refusal(person)


def test_submitting_or_resubmitting_after_the_deadline_is_refused(tree, person):
    draft = create(person)
    evidence(draft)
    returned = declaration(person, status=ReviewStatus.RETURNED, year=YEAR, title="返回的申报")
    evidence(returned)
    deadline(tree.pds, days(-1))

    for service, record in ((declaration_submit, draft), (declaration_resubmit, returned)):
        with pytest.raises(ValidationError) as caught:
            service(actor=person.user, declaration_id=record.pk)
        assert day_label(days(-1)) in caught.value.messages[0]
        assert tree.pds.name in caught.value.messages[0]
    assert Declaration.objects.get(pk=draft.pk).status == ReviewStatus.DRAFT
    assert Declaration.objects.get(pk=returned.pk).status == ReviewStatus.RETURNED


def test_a_makeup_window_reopens_the_year_only_within_its_dates(tree, person):
    deadline(tree.pds, days(-30))
    window = deadline(tree.pds, days(20), kind="makeup", opens_on=days(-2))
    assert create(person).year == YEAR  # open now

    window.opens_on, window.closes_on = days(5), days(20)
    window.save()
    message = refusal(person)  # not yet open: the message says when it opens
    assert f"补学时间为{day_label(days(5))}至{day_label(days(20))}" in message

    window.opens_on, window.closes_on = days(-20), days(-1)
    window.save()
    assert tree.pds.name in refusal(person)  # closed


def test_a_personal_exception_lets_exactly_that_person_through(tree, person):
    colleague = make_person(tree.hospital1)
    deadline(tree.pds, days(-1))
    exception(tree, user=person.user)

    assert create(person).person == person
    assert tree.pds.name in refusal(colleague)


def test_an_expired_revoked_or_other_kind_exception_does_not_count(tree, person):
    deadline(tree.pds, days(-1))
    exception(tree, user=person.user, expires_on=days(-1))
    exception(tree, user=person.user, revoked_at=timezone.now())
    exception(tree, user=person.user, kind="unit_review")

    assert refusal(person)


def test_a_unit_exception_lets_its_people_through(tree, person):
    colleague = make_person(tree.hospital1)
    other_unit = make_person(tree.hospital2)
    deadline(tree.pds, days(-1))
    exception(tree, org=tree.hospital1)

    assert create(person).person == person
    assert create(colleague).person == colleague
    assert refusal(other_unit)


def test_an_exemption_request_follows_the_declare_deadline(tree, person):
    draft = exemption(person, year=YEAR, months=4)
    evidence(draft)
    deadline(tree.pds, days(-1))
    data = {"year": YEAR, "reason": Exemption.Reason.MATERNITY, "on_duty_months": 8}

    with pytest.raises(ValidationError) as caught:
        exemption_create(actor=make_person(tree.hospital1).user, **data)
    assert tree.pds.name in caught.value.message_dict["year"][0]
    with pytest.raises(ValidationError):
        exemption_submit(actor=person.user, exemption_id=draft.pk)

    exception(tree, user=person.user)
    assert exemption_submit(actor=person.user, exemption_id=draft.pk).status == "submitted"


def intake_refusals(tree, count: int) -> tuple[dict, int, list]:
    units = [tree.hospital1, tree.xinhua_unit, tree.lh_hospital]
    people = [make_person(units[index % 3]) for index in range(count)]
    rows = {index: (YEAR, p.unit_id, p.user_id) for index, p in enumerate(people)}
    with CaptureQueriesContext(connection) as queries:
        refused = declare_refusals(rows)
    return refused, len(queries), people


def test_an_intake_asks_once_for_all_its_rows(tree):
    """The unit and department batch declarations call declare_refusals for their rows."""
    deadline(tree.pds, days(-1))
    deadline(tree.xinhua, days(20))
    refused, few, _ = intake_refusals(tree, 3)
    exception(tree, user=tree.admins["pds"])  # someone else's exception changes nothing
    more, many, people = intake_refusals(tree, 30)

    assert set(refused) == {0}  # hospital1 (平顶山, passed); 新华区 is later; 漯河 set none
    assert tree.pds.name in refused[0]
    assert set(more) == {i for i, p in enumerate(people) if p.unit_id == tree.hospital1.pk}
    assert few == many == 4
    assert declare_refusals({}) == {}


@pytest.mark.usefixtures("requirements_and_media")
def test_a_unit_import_refuses_the_rows_of_a_closed_year(
    client, tree, staff, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    deadline(tree.pds, days(-1))
    exception(tree, user=staff["b"].user)
    rows = [
        person_row(p, category=CONFERENCE, title="学术年会", hours="", days="2")
        for p in staff.values()
    ]
    for row in rows:
        row[2] = str(YEAR)
    client.force_login(tree.admins["hospital1"])
    post_file(client, "unit_declarations", xlsx(rows[:2]), capture=capture)
    batch = ImportBatch.objects.get()

    found = messages_by_line(batch)
    assert found[2][0] == "error" and day_label(days(-1)) in found[2][1]
    assert tree.pds.name in found[2][1]
    assert found[3] == ("valid", "")  # the exception lets that person through
    commit(client, batch, capture)
    assert list(Declaration.objects.values_list("person", flat=True)) == [staff["b"].pk]


# --- What the person sees ---------------------------------------------------------------------


@pytest.fixture
def client_of(client, person):
    requirement_rows()
    client.force_login(person.user)
    return client


def test_my_hours_shows_each_year_deadline_and_its_state(tree, person, client_of):
    deadline(tree.pds, days(-1))  # last year: passed
    deadline(tree.pds, days(40), year=YEAR + 1)  # this year: open
    deadline(tree.province, days(-60), year=YEAR - 1)
    deadline(tree.province, days(10), year=YEAR - 1, kind="makeup", opens_on=days(-1))

    response = client_of.get(reverse("credits:overview"), {"year": YEAR})

    rows = {row.year: row for row in response.context["deadlines"]}
    assert sorted(rows) == [YEAR - 1, YEAR, YEAR + 1]
    assert (rows[YEAR].state, rows[YEAR].closes_label) == ("已截止", day_label(days(-1)))
    assert rows[YEAR + 1].state == "可申报"
    assert rows[YEAR - 1].state == f"补学开放至{day_label(days(10))}"
    html = response.content.decode()
    assert "已截止" in html and day_label(days(-1)) in html and tree.pds.name in html
    assert 'data-testid="year-deadline-passed"' in html


def test_my_hours_shows_the_person_exception(tree, person, client_of):
    deadline(tree.pds, days(-1))
    exception(tree, user=person.user, expires_on=days(15))

    response = client_of.get(reverse("credits:overview"), {"year": YEAR})

    row = next(row for row in response.context["deadlines"] if row.year == YEAR)
    assert row.state == f"您有例外至{day_label(days(15))}"
    assert 'data-testid="year-deadline-passed"' not in response.content.decode()


def test_the_declaration_form_warns_of_a_near_or_passed_deadline(tree, person, client_of):
    deadline(tree.pds, days(-1))
    deadline(tree.pds, days(12), year=YEAR + 1)
    deadline(tree.pds, days(200), year=YEAR - 1)
    url = reverse("credits:declaration-create")

    passed = client_of.get(url, {"year": YEAR}).context["deadline_notice"]
    near = client_of.get(url, {"year": YEAR + 1}).context["deadline_notice"]
    far = client_of.get(url, {"year": YEAR - 1}).context["deadline_notice"]

    assert day_label(days(-1)) in passed and "过期不予办理" in passed
    assert f"将于{day_label(days(12))}截止" in near
    assert far == ""
